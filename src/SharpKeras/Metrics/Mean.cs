using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Weighted mean of values (<c>keras.metrics.Mean</c>); the trainer tracks the loss with it.</summary>
public sealed class Mean(string name = "mean") : Metric(name), IKerasSerializable<Mean>
{
    private double _total;
    private double _count;

    /// <summary>Adds <paramref name="value"/> with <paramref name="weight"/> (the batch size for losses).</summary>
    public void Update(double value, double weight = 1)
    {
        _total += value * weight;
        _count += weight;
    }

    /// <summary>
    /// Adds every element of <paramref name="values"/> (Keras's <c>update_state(values)</c>, as a loss tracker is updated
    /// with the loss tensor); a custom TrainStep that updates its trackers this way is recorded and replayed.
    /// </summary>
    public void UpdateState(Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var recording = Training.StepRecorder.OnMeanUpdate(this, values);
        AddValues(values);
    }

    /// <summary>Adds the elements of <paramref name="values"/>, each with weight 1, reading them in place.</summary>
    internal void AddValues(Tensor values)
    {
        double sum = 0;
        for (int i = 0; i < values.Length; i++)
        {
            sum += values.GetFloat(i);
        }
        _total += sum;
        _count += values.Length;
    }

    /// <summary>Adds the mean of <paramref name="yPred"/> weighted by its element count.</summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred) => Update(Ops.Mean(yPred).Item(), yPred.Length);

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : _total / _count;

    /// <inheritdoc/>
    public override void ResetState() => (_total, _count) = (0, 0);

    internal override int StateLength => 2;

    internal override void GetState(Span<double> state) => (state[0], state[1]) = (_total, _count);

    internal override void SetState(ReadOnlySpan<double> state) => (_total, _count) = (state[0], state[1]);

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static Mean FromConfig(JsonObject config) => new(Cfg.String(config, "name", "mean"));
}
