using SharpKeras.Callbacks;
using SharpKeras.Training;

namespace SharpKeras.Models;

/// <summary>Fit, Evaluate and Predict with one array per model input and per output (Keras's lists of arrays).</summary>
public partial class Model
{
    /// <summary>
    /// Trains a model with several inputs and/or outputs (Keras's <c>fit([x1, x2], [y1, y2])</c>):
    /// one array per input and one target per output, in order; the loss is the weighted sum of the
    /// per-output losses. Validation, callbacks, the progress bar and the planned step are those of
    /// the single-array <c>Fit</c>; logs hold "loss", "&lt;output&gt;_loss" and "&lt;output&gt;_&lt;metric&gt;", and "val_" ones with validation.
    /// </summary>
    /// <param name="x">One input array per model input, first axis = samples.</param>
    /// <param name="y">One target array per model output, same number of samples.</param>
    /// <param name="batchSize">Samples per gradient update (default 32).</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="validationSplit">Fraction in [0, 1) of the data, taken from the end before shuffling, held out for validation.</param>
    /// <param name="validationData">Explicit (inputs, targets) for validation; overrides <paramref name="validationSplit"/>.</param>
    /// <param name="shuffle">Shuffle the training samples before each epoch.</param>
    /// <param name="seed">Seed of the shuffling order; null draws from the global generator.</param>
    /// <param name="callbacks">Extra callbacks.</param>
    /// <param name="sampleWeight">Weight of each sample in every output's loss, shape [samples].</param>
    /// <param name="initialEpoch">Epoch to start from (to resume a run).</param>
    /// <param name="stepsPerEpoch">Batches per epoch; the pass over the data carries on across epochs.</param>
    /// <param name="validationSteps">Batches of validation data per validation.</param>
    /// <param name="validationBatchSize">Batch size of validation (default <paramref name="batchSize"/>).</param>
    /// <param name="validationFreq">Validate every this many epochs.</param>
    /// <param name="cancellationToken">Stops training between batches with an <see cref="OperationCanceledException"/>.</param>
    public History Fit(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int? batchSize = null, int epochs = 1, int verbose = 1,
        double validationSplit = 0.0, (IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y)? validationData = null,
        bool shuffle = true, int? seed = null, IEnumerable<Callback>? callbacks = null, Tensor? sampleWeight = null, int initialEpoch = 0,
        int? stepsPerEpoch = null, int? validationSteps = null, int? validationBatchSize = null, int validationFreq = 1,
        CancellationToken cancellationToken = default)
        => TrainingLoop.Fit(this, x, y, batchSize ?? 32, epochs, verbose, validationSplit, validationData, shuffle, seed, callbacks,
            new FitExtras(null, sampleWeight, initialEpoch, stepsPerEpoch, validationSteps, validationBatchSize, validationFreq, cancellationToken));

    /// <summary>Loss (total and per output) and metrics for several inputs and outputs (Keras's <c>evaluate([x1, x2], [y1, y2])</c>); <paramref name="returnDict"/> as the single-array overload. Safe to call from several threads at once.</summary>
    public EvaluationResult Evaluate(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int? batchSize = null, int verbose = 1, bool returnDict = false,
        IEnumerable<Callback>? callbacks = null, CancellationToken cancellationToken = default)
        => TrainingLoop.Evaluate(this, x, y, batchSize ?? 32, verbose, returnDict, callbacks: callbacks, cancellationToken: cancellationToken);

    /// <summary>Outputs (one array per model output) for one array per model input (Keras's <c>predict([x1, x2])</c>). Safe to call from several threads at once.</summary>
    public Tensor[] PredictOutputs(IReadOnlyList<Tensor> x, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null,
        CancellationToken cancellationToken = default)
        => TrainingLoop.Predict(this, x, batchSize ?? 32, verbose, callbacks: callbacks, cancellationToken: cancellationToken);

    /// <summary>One array per model output for one batch, run as a single batch (Keras's <c>predict_on_batch([x1, x2])</c>). Safe to call from several threads at once.</summary>
    public Tensor[] PredictOnBatch(IReadOnlyList<Tensor> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int samples = x.Count > 0 && x[0] is { Rank: > 0 } first ? first.Shape[0] : 1;
        return TrainingLoop.Predict(this, x, Math.Max(1, samples), verbose: 0, "PredictOnBatch");
    }
}
