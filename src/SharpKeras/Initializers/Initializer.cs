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
