using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Dot product of two samples-by-features inputs along <see cref="Axes"/> (<c>keras.layers.Dot</c>):
/// (batch, d) and (batch, d) give (batch, 1); with <see cref="Normalize"/> the cosine similarity.
/// </summary>
public sealed class Dot : Merge, Saving.IKerasSerializable<Dot>
{
    /// <summary>A Dot layer contracting axis <paramref name="axes"/> of both inputs (rank-2 inputs: 1 or -1).</summary>
    public Dot(int axes, bool normalize = false, string? name = null) : base(name)
    {
        Axes = axes;
        Normalize = normalize;
    }

    /// <summary>The axis contracted in both inputs.</summary>
    public int Axes { get; }

    /// <summary>Whether inputs are L2-normalised along the axis first (cosine proximity).</summary>
    public bool Normalize { get; }

    private protected override int MaxInputs => 2;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        var (a, b) = (inputShapes[0], inputShapes[1]);
        if (a.Rank != 2 || b.Rank != 2)
        {
            throw new ArgumentException($"Layer '{Name}' (Dot) supports inputs of rank 2 (batch, features) here; got shapes {a} and {b}. Use Ops.MatMul for batched products of higher rank.");
        }
        if (Axes != 1 && Axes != -1)
        {
            throw new ArgumentException($"Layer '{Name}' (Dot): with rank-2 inputs, axes must be 1 or -1 (the feature axis), got {Axes}.");
        }
        if (a[1] >= 0 && b[1] >= 0 && a[1] != b[1])
        {
            throw new ArgumentException($"Layer '{Name}' (Dot): incompatible input shapes {a} and {b}: dimension {a[1]} != {b[1]} on axis {Axes}.");
        }
        return new Shape(a[0] >= 0 ? a[0] : b[0], 1);
    }

    private protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        var a = inputs[0];
        var b = inputs[1];
        if (Normalize)
        {
            a = L2Normalize(a);
            b = L2Normalize(b);
        }
        return Ops.Sum(Ops.Multiply(a, b), -1, keepDims: true);
    }

    // Keras's l2_normalize: x / sqrt(max(sum(x^2), 1e-12)).
    private static Tensor L2Normalize(Tensor x) =>
        Ops.Divide(x, Ops.Sqrt(Ops.Clip(Ops.Sum(Ops.Square(x), -1, keepDims: true), 1e-12f, float.MaxValue)));

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axes"] = Axes;
        c["normalize"] = Normalize;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Dot FromConfig(JsonObject config)
    {
        var all = Saving.Cfg.Ints(config, "axes");
        int axes = all.Length == 1 || (all.Length == 2 && all[0] == all[1])
            ? all[0]
            : throw Saving.Cfg.Wrong(config, "axes", "one axis, or the same axis for both inputs (different axes per input are not supported)", config["axes"]);
        return new Dot(axes, Saving.Cfg.Bool(config, "normalize", false), Saving.Cfg.Name(config));
    }
}
