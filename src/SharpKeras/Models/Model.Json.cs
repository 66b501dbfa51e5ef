using System.Text.Json;
using System.Text.Json.Nodes;

namespace SharpKeras.Models;

/// <summary>Keras's <c>model.to_json()</c> and <c>keras.models.model_from_json</c>.</summary>
public partial class Model
{
    /// <summary>The model's configuration as a JSON string (Keras's <c>to_json</c>): <see cref="ToConfig"/> written out, no weights.</summary>
    public string ToJson() => ToConfig().ToJsonString();

    /// <summary>Rebuilds a model, with fresh weights, from <see cref="ToJson"/>'s string or Keras's (Keras's <c>model_from_json</c>).</summary>
    public static Model FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Model.FromJson: the text is not valid JSON ({e.Message}).", e);
        }
        return FromConfig(node as JsonObject
            ?? throw new FormatException($"Model.FromJson: expected a JSON object with class_name and config, got {node?.ToJsonString() ?? "null"}."));
    }
}
