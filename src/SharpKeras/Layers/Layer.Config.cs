using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers;

/// <summary>The serializable side of a layer: Keras's get_config, class name and module.</summary>
public abstract partial class Layer
{
    /// <summary>Keras's class name written to configs ("Dense", "Functional", ...); by default the C# type name.</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The Python module Keras writes for this class ("keras.layers" for built-in layers).</summary>
    public virtual string Module => "keras.layers";

    /// <summary>
    /// The layer's configuration (Keras's <c>get_config</c>): name, trainable and dtype policy, plus what
    /// a subclass adds. <see cref="KerasSerializer"/> gives it back to the class's FromConfig.
    /// </summary>
    public virtual JsonObject GetConfig()
    {
        var config = new JsonObject
        {
            ["name"] = Name,
            ["trainable"] = Trainable,
            ["dtype"] = DtypePolicy.Serialize(),
        };
        // As Keras's base get_config: the key is written only when the layer has one.
        if (ActivityRegularizer is { } activity)
        {
            config["activity_regularizer"] = KerasSerializer.Serialize(activity);
        }
        return config;
    }

    /// <summary>Keras's serialized DTypePolicy for <paramref name="dtype"/>.</summary>
    public static JsonObject DTypePolicyConfig(string dtype) => new()
    {
        ["module"] = "keras",
        ["class_name"] = "DTypePolicy",
        ["config"] = new JsonObject { ["name"] = dtype },
        ["registered_name"] = null,
    };

    /// <summary>Keras's build_config: the input shape(s) the layer was built for, or null when unbuilt.</summary>
    public virtual JsonObject? GetBuildConfig()
    {
        if (BuildInputShapes is { } shapes)
        {
            return new JsonObject { ["input_shape"] = new JsonArray([.. shapes.Select(s => (JsonNode)Cfg.ShapeNode(s))]) };
        }
        return BuildInputShape is { } shape ? new JsonObject { ["input_shape"] = Cfg.ShapeNode(shape) } : null;
    }

    /// <summary>Builds the layer from a build_config (Keras's <c>build_from_config</c>).</summary>
    public virtual void BuildFromConfig(JsonObject? buildConfig)
    {
        var node = buildConfig?["input_shape"];
        if (node is not JsonArray a || Built)
        {
            return;
        }
        if (a.Count > 0 && a[0] is JsonArray)
        {
            EnsureBuilt([.. a.Select(s => new Shape(Cfg.Shape(s, "build_config input_shape")))]);
        }
        else
        {
            EnsureBuilt(new Shape(Cfg.Shape(a, "build_config input_shape")));
        }
    }

    /// <summary>Applies the base fields of a config (trainable, dtype policy) after a FromConfig made the layer.</summary>
    internal void ApplyBaseConfig(JsonObject config)
    {
        // A non-float dtype ("int64" of a lookup layer) is the layer's own business; a float one sets the policy.
        if (DtypePolicies.DTypePolicy.FromConfigNode(config["dtype"], $"{Describe()} config \"dtype\"") is { } policy)
        {
            DtypePolicy = policy;
        }
        if (config["trainable"] is JsonValue t && t.TryGetValue<bool>(out var trainable))
        {
            Trainable = trainable;
        }
        if (config["activity_regularizer"] is { } activity)
        {
            ActivityRegularizer = KerasSerializer.Regularizer(activity);
        }
    }
}
