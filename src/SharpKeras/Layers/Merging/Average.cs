using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Element-wise mean of its inputs (<c>keras.layers.Average</c>).</summary>
public sealed class Average(string? name = null) : Merge(name), Saving.IKerasSerializable<Average>
{
    private protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs)
    {
        var y = inputs[0];
        for (int i = 1; i < inputs.Count; i++)
        {
            y = Ops.Add(y, inputs[i]);
        }
        return Ops.Divide(y, Tensor.Scalar(inputs.Count));
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Average FromConfig(JsonObject config) => new(Saving.Cfg.Name(config));
}
