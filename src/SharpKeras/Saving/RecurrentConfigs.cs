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

    /// <summary>The layer name of a recurrent layer's or cell's config (everything else in it is supported).</summary>
    public static string? Checked(JsonObject c)
    {
        var name = Cfg.Name(c);
        // unroll only changes how Keras runs the loop, not the results; SharpKeras runs its fused loop either way.
        return name;
    }

    /// <summary>The fields Keras's built-in cells write after their initializers: regularizers, constraints, no dropout.</summary>
    public static void WriteCellTail(JsonObject c, Layers.RecurrentCell cell)
    {
        c["kernel_regularizer"] = KerasSerializer.Serialize(cell.KernelRegularizer);
        c["recurrent_regularizer"] = KerasSerializer.Serialize(cell.RecurrentRegularizer);
        c["bias_regularizer"] = KerasSerializer.Serialize(cell.BiasRegularizer);
        c["activity_regularizer"] = KerasSerializer.Serialize(cell.ActivityRegularizer);
        c["kernel_constraint"] = KerasSerializer.Serialize(cell.KernelConstraint);
        c["recurrent_constraint"] = KerasSerializer.Serialize(cell.RecurrentConstraint);
        c["bias_constraint"] = KerasSerializer.Serialize(cell.BiasConstraint);
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
