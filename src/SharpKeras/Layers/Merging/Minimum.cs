using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Element-wise minimum of its inputs (<c>keras.layers.Minimum</c>).</summary>
public sealed class Minimum(string? name = null) : Merge(name), Saving.IKerasSerializable<Minimum>
{
    private protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            y = Ops.Minimum(y, inputs[i]);
        }
        return y;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Minimum FromConfig(JsonObject config) => new(Saving.Cfg.Name(config));
}
