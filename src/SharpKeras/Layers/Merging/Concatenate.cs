using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Joins its inputs along <see cref="Axis"/> (<c>keras.layers.Concatenate</c>, default the last axis).</summary>
public sealed class Concatenate : Merge, Saving.IKerasSerializable<Concatenate>
{
    /// <summary>A Concatenate layer joining along <paramref name="axis"/>.</summary>
    public Concatenate(int axis = -1, string? name = null) : base(name)
    {
        Axis = axis;
    }

    /// <summary>The axis the inputs are joined along.</summary>
    public int Axis { get; }

    private protected override int MinInputs => 1;

    private protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs) => Ops.Concatenate(inputs, Axis);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        var first = inputShapes[0];
        int ax = first.NormalizeAxis(Axis);
        var dims = first.ToArray();
        foreach (var s in inputShapes.Skip(1))
        {
            bool ok = s.Rank == first.Rank;
            for (int d = 0; ok && d < first.Rank; d++)
            {
                ok = d == ax || s[d] == first[d] || s[d] < 0 || first[d] < 0;
            }
            if (!ok)
            {
                throw new ArgumentException($"A Concatenate layer ('{Name}') requires inputs with matching shapes except for the concatenation axis {Axis}. Received: input_shape=[{string.Join(", ", inputShapes)}]");
            }
            dims[ax] = dims[ax] < 0 || s[ax] < 0 ? -1 : dims[ax] + s[ax];
        }
        return new Shape(dims);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = Axis;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Concatenate FromConfig(JsonObject config) => new(Saving.Cfg.Int(config, "axis", -1), Saving.Cfg.Name(config));
}
