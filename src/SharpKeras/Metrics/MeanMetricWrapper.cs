using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>
/// Keras's MeanMetricWrapper: the sample-weighted mean of a per-sample function, here a loss
/// (<c>new MeanMetricWrapper(new Huber(0.5), "huber")</c>, saved with the loss under "fn") or any
/// delegate (not saveable). It runs the function's ops, so unlike the built-in metrics it allocates per batch.
/// </summary>
public class MeanMetricWrapper : Metric, IKerasSerializable<MeanMetricWrapper>
{
    private readonly Func<Tensor, Tensor, Tensor> _fn;
    private readonly Losses.Loss? _loss;
    private readonly Mean _mean;

    /// <summary>Wraps a loss: its per-sample values (<see cref="Losses.Loss.Call"/>) are averaged.</summary>
    public MeanMetricWrapper(Losses.Loss loss, string? name = null) : base(name ?? (loss ?? throw new ArgumentNullException(nameof(loss))).Name)
    {
        _loss = loss;
        _fn = loss.Call;
        _mean = new Mean(Name);
    }

    /// <summary>Wraps a function returning one value per sample.</summary>
    public MeanMetricWrapper(Func<Tensor, Tensor, Tensor> fn, string name) : base(name)
    {
        _fn = fn ?? throw new ArgumentNullException(nameof(fn));
        _mean = new Mean(name);
    }

    /// <summary>The wrapped loss, when the metric was made from one.</summary>
    public Losses.Loss? Loss => _loss;

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["fn"] = _loss is null
            ? throw new NotSupportedException($"MeanMetricWrapper '{Name}' wraps a delegate, which cannot be saved; wrap a Loss to save it.")
            : KerasSerializer.Serialize(_loss);
        return c;
    }

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

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>); "fn" must name or serialize a loss.</summary>
    public static MeanMetricWrapper FromConfig(JsonObject config) =>
        new(KerasSerializer.Loss(config["fn"] ?? throw Cfg.Missing(config, "fn", "a loss")), Cfg.OptionalString(config, "name"));
}
