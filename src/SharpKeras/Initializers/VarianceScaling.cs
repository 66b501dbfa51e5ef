using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>Keras's VarianceScaling: variance scale / n, where n depends on <see cref="FanMode"/>.</summary>
public class VarianceScaling(double scale = 1.0, FanMode mode = FanMode.FanIn,
    VarianceDistribution distribution = VarianceDistribution.TruncatedNormal, int? seed = null) : RandomInitializer(seed), IKerasSerializable<VarianceScaling>
{
    /// <summary>Scaling factor of the variance.</summary>
    public double Scale => scale;

    /// <summary>Which fan the variance is divided by.</summary>
    public FanMode Mode => mode;

    /// <summary>The distribution drawn from.</summary>
    public VarianceDistribution Distribution => distribution;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => GetType() == typeof(VarianceScaling)
        ? new()
        {
            ["seed"] = Seed,
            ["scale"] = Scale,
            ["mode"] = Mode switch { FanMode.FanIn => "fan_in", FanMode.FanOut => "fan_out", _ => "fan_avg" },
            ["distribution"] = Distribution switch
            {
                VarianceDistribution.Uniform => "uniform",
                VarianceDistribution.UntruncatedNormal => "untruncated_normal",
                _ => "truncated_normal",
            },
        }
        : base.GetConfig();

    // Stddev of a unit normal truncated to [-2, 2]; dividing by it restores the requested variance.
    private const double TruncatedStddev = 0.87962566103423978;

    /// <inheritdoc/>
    public override Tensor Call(Shape shape)
    {
        var (fanIn, fanOut) = ComputeFans(shape);
        double n = mode switch
        {
            FanMode.FanIn => fanIn,
            FanMode.FanOut => fanOut,
            _ => (fanIn + fanOut) / 2,
        };
        double s = scale / Math.Max(1.0, n);
        var t = Tensor.Zeros(shape);
        var rng = NewGenerator();
        var span = t.Span;
        switch (distribution)
        {
            case VarianceDistribution.Uniform:
                double limit = Math.Sqrt(3.0 * s);
                for (int i = 0; i < span.Length; i++)
                {
                    span[i] = (float)(-limit + 2 * limit * rng.NextFloat());
                }
                break;
            case VarianceDistribution.UntruncatedNormal:
                double sd = Math.Sqrt(s);
                for (int i = 0; i < span.Length; i++)
                {
                    span[i] = (float)(sd * rng.NextNormal());
                }
                break;
            default:
                double tsd = Math.Sqrt(s) / TruncatedStddev;
                for (int i = 0; i < span.Length; i++)
                {
                    double z;
                    do
                    {
                        z = rng.NextNormal();
                    }
                    while (z <= -2.0 || z >= 2.0);
                    span[i] = (float)(tsd * z);
                }
                break;
        }
        return t;
    }

    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static VarianceScaling FromConfig(JsonObject config) => new(Cfg.Double(config, "scale", 1.0),
        Cfg.String(config, "mode", "fan_in") switch
        {
            "fan_in" => FanMode.FanIn,
            "fan_out" => FanMode.FanOut,
            "fan_avg" => FanMode.FanAvg,
            _ => throw Cfg.Wrong(config, "mode", "fan_in, fan_out or fan_avg", config["mode"]),
        },
        Cfg.String(config, "distribution", "truncated_normal") switch
        {
            "truncated_normal" or "normal" => VarianceDistribution.TruncatedNormal,
            "untruncated_normal" => VarianceDistribution.UntruncatedNormal,
            "uniform" => VarianceDistribution.Uniform,
            _ => throw Cfg.Wrong(config, "distribution", "truncated_normal, untruncated_normal or uniform", config["distribution"]),
        },
        Cfg.OptionalInt(config, "seed"));
}
