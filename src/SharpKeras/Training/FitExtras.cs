namespace SharpKeras.Training;

/// <summary>
/// Fit's options beyond the data, batching and validation split (Keras's <c>class_weight</c>, <c>sample_weight</c>,
/// <c>initial_epoch</c>, <c>steps_per_epoch</c>, <c>validation_steps</c>, <c>validation_batch_size</c>, <c>validation_freq</c>).
/// </summary>
internal sealed record FitExtras(
    IReadOnlyDictionary<int, double>? ClassWeight = null,
    Tensor? SampleWeight = null,
    int InitialEpoch = 0,
    int? StepsPerEpoch = null,
    int? ValidationSteps = null,
    int? ValidationBatchSize = null,
    int ValidationFreq = 1,
    CancellationToken Cancellation = default)
{
    /// <summary>The defaults: every sample weighs 1, epochs from 0, one pass over the data per epoch, validation every epoch.</summary>
    public static FitExtras None { get; } = new();
}
