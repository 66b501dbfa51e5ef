using System.Text.Json.Nodes;
using SharpKeras.Layers;

namespace SharpKeras.Saving;

/// <summary>Reads the fields recurrent and embedding configs share.</summary>
internal static class RecurrentConfigs
{
    /// <summary>An activation identifier, or <paramref name="fallback"/> when absent.</summary>
    public static ActivationFunction Act(JsonObject c, string key, string fallback) => ConvLayerConfigs.Activation(c, key, fallback);

    /// <summary>A deserialized layer that must be a recurrent layer (Bidirectional's layer and backward_layer).</summary>
    public static RNN Rnn(JsonObject c, string field)
    {
        var layer = KerasSerializer.Layer(c[field] ?? throw Cfg.Missing(c, field, "a serialized recurrent layer"));
        return layer as RNN
            ?? throw new ConfigException($"Config field \"{field}\" of {Cfg.Describe(c)} must be a recurrent layer (LSTM, GRU, SimpleRNN, RNN), got {layer.ClassName} '{layer.Name}'.");
    }

    /// <summary>Rejects what SharpKeras does not support (regularizers, constraints); returns the layer name.</summary>
    public static string? Checked(JsonObject c)
    {
        var name = Cfg.Name(c);
        foreach (var key in new[] { "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
            "recurrent_constraint", "bias_constraint" })
        {
            if (c[key] is { } v)
            {
                throw new ConfigException($"Layer {Cfg.Describe(c)}: {key} is not supported yet (got {v.ToJsonString()}).");
            }
        }
        // unroll only changes how Keras runs the loop, not the results; SharpKeras runs its fused loop either way.
        return name;
    }

    private static readonly string[] s_cellNulls = ["kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
        "kernel_constraint", "recurrent_constraint", "bias_constraint"];

    /// <summary>The fields Keras's built-in cells write after their initializers (regularizers and constraints null, no dropout).</summary>
    public static void WriteCellTail(JsonObject c)
    {
        foreach (var key in s_cellNulls)
        {
            c[key] = null;
        }
        c["dropout"] = 0.0;
        c["recurrent_dropout"] = 0.0;
    }

    /// <summary>
    /// A cell's own dropout: SharpKeras applies dropout in the recurrent layer (LSTM, GRU, SimpleRNN),
    /// not in a standalone cell, so a standalone cell config with dropout is refused rather than ignored.
    /// </summary>
    public static void CheckCellDropout(JsonObject c)
    {
        foreach (var key in new[] { "dropout", "recurrent_dropout" })
        {
            if (Cfg.Double(c, key, 0) != 0)
            {
                throw new ConfigException($"Config field \"{key}\" of {Cfg.Describe(c)} is {Cfg.Double(c, key)}; SharpKeras applies dropout in LSTM / GRU / SimpleRNN layers, not in a cell run by RNN(cell). Use the layer, or set the cell's dropout to 0.");
            }
        }
    }
}
