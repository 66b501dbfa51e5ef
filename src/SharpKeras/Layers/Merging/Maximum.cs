using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Element-wise maximum of its inputs (<c>keras.layers.Maximum</c>).</summary>
public sealed class Maximum(string? name = null) : Merge(name), Saving.IKerasSerializable<Maximum>
{
    private protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            y = Ops.Maximum(y, inputs[i]);
        }
        return y;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Maximum FromConfig(JsonObject config) => new(Saving.Cfg.Name(config));
}
