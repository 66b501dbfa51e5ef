using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Element-wise product of its inputs (<c>keras.layers.Multiply</c>).</summary>
public sealed class Multiply(string? name = null) : Merge(name), Saving.IKerasSerializable<Multiply>
{
    private protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            y = Ops.Multiply(y, inputs[i]);
        }
        return y;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Multiply FromConfig(JsonObject config) => new(Saving.Cfg.Name(config));
}
