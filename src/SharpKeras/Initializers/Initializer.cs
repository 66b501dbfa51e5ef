using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>
/// Base of weight initializers (<c>keras.initializers.Initializer</c>). Strings such as
/// "glorot_uniform" convert to it implicitly.
/// </summary>
public abstract class Initializer
{
    /// <summary>The identifiers <see cref="Get"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "ones", "orthogonal", "random_normal", "random_uniform", "zeros"];

    /// <summary>Creates a tensor of the given shape with the initial values.</summary>
    public abstract Tensor Call(Shape shape);

    /// <summary>Keras's class name written to configs ("GlorotUniform", ...).</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The initializer's configuration (Keras's <c>get_config</c>).</summary>
    public virtual JsonObject GetConfig() => [];

    /// <summary>The initializer for a Keras identifier, or an error listing the valid ones.</summary>
    public static Initializer Get(string name) => (name ?? throw new ArgumentNullException(nameof(name))).ToLowerInvariant() switch
    {
        "glorot_uniform" => new GlorotUniform(),
        "glorot_normal" => new GlorotNormal(),
        "he_normal" => new HeNormal(),
        "he_uniform" => new HeUniform(),
        "random_normal" => new RandomNormal(),
        "random_uniform" => new RandomUniform(),
        "zeros" => new Zeros(),
        "ones" => new Ones(),
        "orthogonal" => new Orthogonal(),
        _ => throw new ArgumentException($"Unknown initializer '{name}'. Valid initializers: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>Looks a Keras identifier up.</summary>
    public static implicit operator Initializer(string name) => Get(name);

    /// <summary>(fan_in, fan_out) as Keras computes them: receptive field times the last two dimensions.</summary>
    public static (double FanIn, double FanOut) ComputeFans(Shape shape)
    {
        if (shape.Rank == 0)
        {
            return (1, 1);
        }
        if (shape.Rank == 1)
        {
            return (shape[0], shape[0]);
        }
        double receptive = 1;
        for (int i = 0; i < shape.Rank - 2; i++)
        {
            receptive *= shape[i];
        }
        return (shape[-2] * receptive, shape[-1] * receptive);
    }
}

/// <summary>All zeros (<c>"zeros"</c>).</summary>
public sealed class Zeros : Initializer
{
    /// <inheritdoc/>
    public override Tensor Call(Shape shape) => Tensor.Zeros(shape);
}

/// <summary>All ones (<c>"ones"</c>).</summary>
public sealed class Ones : Initializer
{
    /// <inheritdoc/>
    public override Tensor Call(Shape shape) => Tensor.Ones(shape);
}

/// <summary>Base of initializers that draw random numbers; a fixed seed gives the same values on every call.</summary>
public abstract class RandomInitializer(int? seed) : Initializer
{
    /// <summary>The seed, or null to draw from the global generator (<see cref="Config.SetRandomSeed"/>).</summary>
    public int? Seed { get; } = seed;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["seed"] = Seed };

    /// <summary>A generator for one call.</summary>
    protected SeedGenerator NewGenerator() => SeedGenerator.FromSeed(Seed);
}

/// <summary>Normal distribution (<c>"random_normal"</c>: mean 0, stddev 0.05).</summary>
public sealed class RandomNormal(double mean = 0.0, double stddev = 0.05, int? seed = null) : RandomInitializer(seed)
{
    /// <summary>Mean of the distribution.</summary>
    public double Mean => mean;

    /// <summary>Standard deviation of the distribution.</summary>
    public double Stddev => stddev;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["seed"] = Seed, ["mean"] = Mean, ["stddev"] = Stddev };

    /// <inheritdoc/>
    public override Tensor Call(Shape shape)
    {
        var t = Tensor.Zeros(shape);
        var rng = NewGenerator();
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (float)(mean + stddev * rng.NextNormal());
        }
        return t;
    }
}

/// <summary>Uniform distribution (<c>"random_uniform"</c>: [-0.05, 0.05)).</summary>
public sealed class RandomUniform(double minval = -0.05, double maxval = 0.05, int? seed = null) : RandomInitializer(seed)
{
    /// <summary>Lower bound of the range.</summary>
    public double Minval => minval;

    /// <summary>Upper bound of the range.</summary>
    public double Maxval => maxval;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["seed"] = Seed, ["minval"] = Minval, ["maxval"] = Maxval };

    /// <inheritdoc/>
    public override Tensor Call(Shape shape)
    {
        var t = Tensor.Zeros(shape);
        var rng = NewGenerator();
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (float)(minval + (maxval - minval) * rng.NextFloat());
        }
        return t;
    }
}

/// <summary>How <see cref="VarianceScaling"/> picks n in scale / n.</summary>
public enum FanMode
{
    /// <summary>Fan in (Keras "fan_in").</summary>
    FanIn,
    /// <summary>Fan out (Keras "fan_out").</summary>
    FanOut,
    /// <summary>Average of fan in and fan out (Keras "fan_avg").</summary>
    FanAvg,
}

/// <summary>The distribution <see cref="VarianceScaling"/> draws from.</summary>
public enum VarianceDistribution
{
    /// <summary>Normal truncated at two standard deviations (Keras "truncated_normal").</summary>
    TruncatedNormal,
    /// <summary>Plain normal (Keras "untruncated_normal").</summary>
    UntruncatedNormal,
    /// <summary>Uniform in [-limit, limit] (Keras "uniform").</summary>
    Uniform,
}

/// <summary>Keras's VarianceScaling: variance scale / n, where n depends on <see cref="FanMode"/>.</summary>
public class VarianceScaling(double scale = 1.0, FanMode mode = FanMode.FanIn,
    VarianceDistribution distribution = VarianceDistribution.TruncatedNormal, int? seed = null) : RandomInitializer(seed)
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
}

/// <summary>Glorot (Xavier) uniform, the Dense default: U[-limit, limit], limit = sqrt(6 / (fan_in + fan_out)).</summary>
public sealed class GlorotUniform(int? seed = null) : VarianceScaling(1.0, FanMode.FanAvg, VarianceDistribution.Uniform, seed);

/// <summary>Glorot normal: truncated normal with stddev sqrt(2 / (fan_in + fan_out)).</summary>
public sealed class GlorotNormal(int? seed = null) : VarianceScaling(1.0, FanMode.FanAvg, VarianceDistribution.TruncatedNormal, seed);

/// <summary>He normal: truncated normal with stddev sqrt(2 / fan_in).</summary>
public sealed class HeNormal(int? seed = null) : VarianceScaling(2.0, FanMode.FanIn, VarianceDistribution.TruncatedNormal, seed);

/// <summary>He uniform: U[-limit, limit], limit = sqrt(6 / fan_in).</summary>
public sealed class HeUniform(int? seed = null) : VarianceScaling(2.0, FanMode.FanIn, VarianceDistribution.Uniform, seed);
