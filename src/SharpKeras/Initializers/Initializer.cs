using System.Text.Json.Nodes;

namespace SharpKeras.Initializers;

/// <summary>
/// Base of weight initializers (<c>keras.initializers.Initializer</c>). Strings such as
/// "glorot_uniform" convert to it implicitly.
/// </summary>
public abstract class Initializer
{
    /// <summary>The identifiers <see cref="Get"/> accepts (Keras's class names are accepted too, as Keras's <c>initializers.get</c> does).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity", "lecun_normal", "lecun_uniform", "normal",
        "one", "ones", "orthogonal", "random_normal", "random_uniform", "truncated_normal", "uniform", "variance_scaling", "zero", "zeros",
    ];

    /// <summary>Creates a tensor of the given shape with the initial values.</summary>
    public abstract Tensor Call(Shape shape);

    /// <summary>Keras's class name written to configs ("GlorotUniform", ...).</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The initializer's configuration (Keras's <c>get_config</c>).</summary>
    public virtual JsonObject GetConfig() => [];

    /// <summary>
    /// The initializer for a Keras identifier with its default arguments: a snake_case name
    /// ("glorot_uniform"), a class name ("GlorotUniform") or one of Keras's aliases ("normal",
    /// "uniform", "one", "zero"); an error lists the valid ones.
    /// </summary>
    public static Initializer Get(string name) => (name ?? throw new ArgumentNullException(nameof(name))).Replace("_", "").ToLowerInvariant() switch
    {
        "glorotuniform" => new GlorotUniform(),
        "glorotnormal" => new GlorotNormal(),
        "henormal" => new HeNormal(),
        "heuniform" => new HeUniform(),
        "lecunnormal" => new LecunNormal(),
        "lecununiform" => new LecunUniform(),
        "randomnormal" or "normal" => new RandomNormal(),
        "randomuniform" or "uniform" => new RandomUniform(),
        "truncatednormal" => new TruncatedNormal(),
        "variancescaling" => new VarianceScaling(),
        "zeros" or "zero" => new Zeros(),
        "ones" or "one" => new Ones(),
        "constant" => new Constant(),
        "identity" or "identityinitializer" => new Identity(),
        "orthogonal" or "orthogonalinitializer" => new Orthogonal(),
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
