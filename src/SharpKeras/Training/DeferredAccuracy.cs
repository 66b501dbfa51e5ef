using SharpKeras.Metrics;

namespace SharpKeras.Training;

/// <summary>
/// The compiled "accuracy" identifier before any data was seen: Keras's CompileMetrics picks binary, sparse or
/// categorical accuracy from the first targets and predictions it is updated with, so a custom TrainStep that updates
/// <c>model.Metrics</c> by hand gets the right one; until then it reads 0.
/// </summary>
internal sealed class DeferredAccuracy(string name) : Metric(name)
{
    private Metric? _inner;

    /// <inheritdoc/>
    public override string ClassName => _inner?.ClassName ?? "Accuracy";

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        _inner ??= Metric.Get(Name, yTrue.Shape, yPred.Shape);
        _inner.UpdateState(yTrue, yPred);
    }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        _inner ??= Metric.Get(Name, yTrue.Shape, yPred.Shape);
        _inner.UpdateState(yTrue, yPred, sampleWeight);
    }

    /// <inheritdoc/>
    public override double Result() => _inner?.Result() ?? 0;

    /// <inheritdoc/>
    public override void ResetState() => _inner?.ResetState();

    /// <inheritdoc/>
    internal override int StateLength => _inner?.StateLength ?? 0;

    /// <inheritdoc/>
    internal override void GetState(Span<double> state) => _inner?.GetState(state);

    /// <inheritdoc/>
    internal override void SetState(ReadOnlySpan<double> state) => _inner?.SetState(state);
}
