using System.Text.Json.Nodes;
using SharpKeras.Layers;

namespace SharpKeras.Saving;

/// <summary>Reads the fields recurrent and embedding configs share.</summary>
internal static class RecurrentConfigs
{
    /// <summary>An activation identifier, or <paramref name="fallback"/> when absent.</summary>
    public static ActivationFunction Act(JsonObject c, string key, string fallback) => Activations.Get(c[key]?.GetValue<string>() ?? fallback);

    /// <summary>A deserialized layer that must be a recurrent layer (Bidirectional's layer and backward_layer).</summary>
    public static RNN Rnn(Layer layer, string field) => layer as RNN
        ?? throw new FormatException($"Bidirectional: '{field}' must be a recurrent layer (LSTM, GRU, SimpleRNN), got {layer.ClassName} '{layer.Name}'.");

    /// <summary>Rejects what SharpKeras does not support (regularizers, constraints); returns the layer name.</summary>
    public static string? Checked(JsonObject c)
    {
        var name = Cfg.Name(c);
        foreach (var key in new[] { "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
            "recurrent_constraint", "bias_constraint", "embeddings_regularizer", "embeddings_constraint" })
        {
            if (c[key] is { } v)
            {
                throw new FormatException($"Layer '{name}': {key} is not supported yet (got {v.ToJsonString()}).");
            }
        }
        // unroll only changes how Keras runs the loop, not the results; SharpKeras runs its fused loop either way.
        return name;
    }
}
