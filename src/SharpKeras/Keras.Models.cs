using System.Text.Json.Nodes;
using SharpKeras.Models;

namespace SharpKeras;

/// <summary>keras.models: cloning models and rebuilding them from JSON.</summary>
public static partial class Keras
{
    /// <summary>keras.models: <c>clone_model</c>, <c>model_from_json</c>.</summary>
    public static class Models
    {
        /// <summary>
        /// A new model with the same architecture and fresh weights (Keras's <c>clone_model</c>): every layer is
        /// made again from its config, so nothing is shared with <paramref name="model"/>; the clone is not compiled.
        /// </summary>
        public static Model CloneModel(Model model)
        {
            ArgumentNullException.ThrowIfNull(model);
            var config = model.ToConfig();
            config.Remove("compile_config");
            return Model.FromConfig(config);
        }

        /// <summary>Rebuilds a model from the JSON of <see cref="Model.ToJson"/> (Keras's <c>model_from_json</c>).</summary>
        public static Model ModelFromJson(string json) => Model.FromJson(json);

        /// <summary>Rebuilds a model from a config (Keras's <c>model_from_config</c>).</summary>
        public static Model ModelFromConfig(JsonObject config) => Model.FromConfig(config);
    }
}
