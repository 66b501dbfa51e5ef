namespace SharpKeras.Metrics;

/// <summary>
/// Keras's MeanMetricWrapper: the sample-weighted mean of any per-sample function, for example a
/// loss function (<c>new MeanMetricWrapper(LossFunctions.Huber, "huber")</c>). It runs the
/// function's ops, so unlike the built-in metrics it allocates per batch.
/// </summary>
public class MeanMetricWrapper(Func<Tensor, Tensor, Tensor> fn, string name) : Metric(name)
{
    private readonly Func<Tensor, Tensor, Tensor> _fn = fn ?? throw new ArgumentNullException(nameof(fn));
    private readonly Mean _mean = new(name);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => UpdateState(yTrue, yPred, null);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var values = _fn(yTrue, yPred);
        int samples = values.Rank == 0 ? 1 : values.Shape[0];
        int per = values.Length / Math.Max(1, samples);
        if (sampleWeight is not null && sampleWeight.Length != samples)
        {
            throw new ArgumentException($"{Name}: sample weights of shape {sampleWeight.Shape} do not match {samples} samples.", nameof(sampleWeight));
        }
        for (int s = 0; s < samples; s++)
        {
            double v = 0;
            for (int i = 0; i < per; i++)
            {
                v += values.GetFloat(s * per + i);
            }
            _mean.Update(v / per, sampleWeight is null ? 1 : sampleWeight.GetFloat(s));
        }
    }

    /// <inheritdoc/>
    public override double Result() => _mean.Result();

    /// <inheritdoc/>
    public override void ResetState() => _mean.ResetState();
}
