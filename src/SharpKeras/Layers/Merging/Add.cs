using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Element-wise sum of its inputs (<c>keras.layers.Add</c>).</summary>
public sealed class Add(string? name = null) : Merge(name), Saving.IKerasSerializable<Add>
{
    private protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            y = Ops.Add(y, inputs[i]);
        }
        return y;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Add FromConfig(JsonObject config) => new(Saving.Cfg.Name(config));
}
