using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Element-wise difference of exactly two inputs (<c>keras.layers.Subtract</c>).</summary>
public sealed class Subtract(string? name = null) : Merge(name), Saving.IKerasSerializable<Subtract>
{
    private protected override int MaxInputs => 2;

    private protected override Tensor MergeFunction(IReadOnlyList<Tensor> inputs) => Ops.Subtract(inputs[0], inputs[1]);

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Subtract FromConfig(JsonObject config) => new(Saving.Cfg.Name(config));
}
