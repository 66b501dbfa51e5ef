using System.Text.Json.Nodes;
using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Losses;
using SharpKeras.Metrics;
using SharpKeras.Models;
using SharpKeras.Optimizers;

namespace SharpKeras.Saving;

/// <summary>
/// Keras's serialization_lib and object registry: turns layers, models, initializers, optimizers,
/// losses and metrics into Keras's JSON (<c>{"module", "class_name", "config", "registered_name"}</c>)
/// and back. Classes are found in a table, never by reflection: the reader only makes classes that
/// are built in or registered with <c>Register...</c> (Keras's <c>register_keras_serializable</c>).
/// </summary>
/// <remarks>
/// How a new layer plugs in: (1) override <see cref="Layer.GetConfig"/> (call base, add its fields
/// in Keras's names) and add a <c>public static T FromConfig(JsonObject)</c>; (2) add one line to
/// the built-in table below (<c>["LSTM"] = LSTM.FromConfig</c>). Its weights are saved from the
/// variables it made with AddWeight (trainable first) at <c>layers/&lt;snake_case&gt;/vars/i</c>; a layer that
/// owns other layers (an RNN's <c>cell</c>, Bidirectional's <c>forward_layer</c> / <c>backward_layer</c>)
/// overrides <see cref="Layer.SavedChildren"/> to yield them under Keras's attribute names, and
/// each child's variables go to <c>&lt;layer&gt;/&lt;attribute&gt;/vars/i</c>, recursively.
/// </remarks>
public static class KerasSerializer
{
    private static readonly Dictionary<string, Func<JsonObject, Layer>> s_layers = new()
    {
        ["InputLayer"] = InputLayerFromConfig,
        ["Dense"] = Dense.FromConfig,
        ["Flatten"] = Flatten.FromConfig,
        ["Dropout"] = Dropout.FromConfig,
        ["Activation"] = Activation.FromConfig,
        ["LayerNormalization"] = LayerNormalization.FromConfig,
        ["Add"] = Add.FromConfig,
        ["Subtract"] = Subtract.FromConfig,
        ["Multiply"] = Layers.Multiply.FromConfig,
        ["Average"] = Average.FromConfig,
        ["Maximum"] = Layers.Maximum.FromConfig,
        ["Minimum"] = Layers.Minimum.FromConfig,
        ["Concatenate"] = Layers.Concatenate.FromConfig,
        ["Dot"] = Dot.FromConfig,
        ["Conv1D"] = c => new Conv1D(Cfg.Int(c, "filters"), ConvLayerConfigs.Ints(c, "kernel_size", 1)[0], ConvLayerConfigs.Ints(c, "strides", 1)[0],
            Cfg.String(c, "padding", "valid"), ConvLayerConfigs.Ints(c, "dilation_rate", 1)[0], ConvLayerConfigs.Activation(c), Cfg.Bool(c, "use_bias", true),
            Initializer(c["kernel_initializer"], "glorot_uniform"), Initializer(c["bias_initializer"], "zeros"), ConvLayerConfigs.Checked(c)),
        ["Conv2D"] = c => new Conv2D(Cfg.Int(c, "filters"), ConvLayerConfigs.Size(c, "kernel_size"), ConvLayerConfigs.Size(c, "strides", 1),
            Cfg.String(c, "padding", "valid"), ConvLayerConfigs.Size(c, "dilation_rate", 1), ConvLayerConfigs.Activation(c), Cfg.Bool(c, "use_bias", true),
            Initializer(c["kernel_initializer"], "glorot_uniform"), Initializer(c["bias_initializer"], "zeros"), ConvLayerConfigs.Checked(c)),
        ["MaxPooling2D"] = c => new MaxPooling2D(ConvLayerConfigs.Size(c, "pool_size", 2), ConvLayerConfigs.OptionalSize(c, "strides"), Cfg.String(c, "padding", "valid"), ConvLayerConfigs.Checked(c)),
        ["AveragePooling2D"] = c => new AveragePooling2D(ConvLayerConfigs.Size(c, "pool_size", 2), ConvLayerConfigs.OptionalSize(c, "strides"), Cfg.String(c, "padding", "valid"), ConvLayerConfigs.Checked(c)),
        ["MaxPooling1D"] = c => new MaxPooling1D(ConvLayerConfigs.Ints(c, "pool_size", 2)[0], c["strides"] is null ? null : ConvLayerConfigs.Ints(c, "strides", 1)[0], Cfg.String(c, "padding", "valid"), ConvLayerConfigs.Checked(c)),
        ["AveragePooling1D"] = c => new AveragePooling1D(ConvLayerConfigs.Ints(c, "pool_size", 2)[0], c["strides"] is null ? null : ConvLayerConfigs.Ints(c, "strides", 1)[0], Cfg.String(c, "padding", "valid"), ConvLayerConfigs.Checked(c)),
        ["GlobalAveragePooling1D"] = c => new GlobalAveragePooling1D(Cfg.Bool(c, "keepdims", false), ConvLayerConfigs.Checked(c)),
        ["GlobalAveragePooling2D"] = c => new GlobalAveragePooling2D(Cfg.Bool(c, "keepdims", false), ConvLayerConfigs.Checked(c)),
        ["GlobalMaxPooling1D"] = c => new GlobalMaxPooling1D(Cfg.Bool(c, "keepdims", false), ConvLayerConfigs.Checked(c)),
        ["GlobalMaxPooling2D"] = c => new GlobalMaxPooling2D(Cfg.Bool(c, "keepdims", false), ConvLayerConfigs.Checked(c)),
        ["Embedding"] = c => new Embedding(Cfg.Int(c, "input_dim"), Cfg.Int(c, "output_dim"), Initializer(c["embeddings_initializer"], "random_uniform"),
            Cfg.Bool(c, "mask_zero", false), RecurrentConfigs.Checked(c)),
        ["LSTM"] = c => new LSTM(Cfg.Int(c, "units"), RecurrentConfigs.Act(c, "activation", "tanh"), RecurrentConfigs.Act(c, "recurrent_activation", "sigmoid"),
            Cfg.Bool(c, "use_bias", true), Initializer(c["kernel_initializer"], "glorot_uniform"), Initializer(c["recurrent_initializer"], "orthogonal"),
            Initializer(c["bias_initializer"], "zeros"), Cfg.Bool(c, "unit_forget_bias", true), Cfg.Double(c, "dropout", 0), Cfg.Double(c, "recurrent_dropout", 0),
            Cfg.Bool(c, "return_sequences", false), Cfg.Bool(c, "return_state", false), Cfg.Bool(c, "go_backwards", false), Cfg.Bool(c, "stateful", false),
            Cfg.OptionalInt(c, "seed"), RecurrentConfigs.Checked(c)),
        ["GRU"] = c => new GRU(Cfg.Int(c, "units"), RecurrentConfigs.Act(c, "activation", "tanh"), RecurrentConfigs.Act(c, "recurrent_activation", "sigmoid"),
            Cfg.Bool(c, "use_bias", true), Initializer(c["kernel_initializer"], "glorot_uniform"), Initializer(c["recurrent_initializer"], "orthogonal"),
            Initializer(c["bias_initializer"], "zeros"), Cfg.Double(c, "dropout", 0), Cfg.Double(c, "recurrent_dropout", 0),
            Cfg.Bool(c, "return_sequences", false), Cfg.Bool(c, "return_state", false), Cfg.Bool(c, "go_backwards", false), Cfg.Bool(c, "stateful", false),
            Cfg.Bool(c, "reset_after", true), Cfg.OptionalInt(c, "seed"), RecurrentConfigs.Checked(c)),
        ["SimpleRNN"] = c => new SimpleRNN(Cfg.Int(c, "units"), RecurrentConfigs.Act(c, "activation", "tanh"), Cfg.Bool(c, "use_bias", true),
            Initializer(c["kernel_initializer"], "glorot_uniform"), Initializer(c["recurrent_initializer"], "orthogonal"), Initializer(c["bias_initializer"], "zeros"),
            Cfg.Double(c, "dropout", 0), Cfg.Double(c, "recurrent_dropout", 0), Cfg.Bool(c, "return_sequences", false), Cfg.Bool(c, "return_state", false),
            Cfg.Bool(c, "go_backwards", false), Cfg.Bool(c, "stateful", false), Cfg.OptionalInt(c, "seed"), RecurrentConfigs.Checked(c)),
        ["Bidirectional"] = c => new Bidirectional(RecurrentConfigs.Rnn(Layer(c["layer"]), "layer"), c["merge_mode"]?.GetValue<string>(),
            c["backward_layer"] is { } b ? RecurrentConfigs.Rnn(Layer(b), "backward_layer") : null, Cfg.Name(c)),
        ["BatchNormalization"] = c => new BatchNormalization(c["axis"] is JsonArray { Count: 1 } a ? a[0]!.GetValue<int>() : Cfg.Int(c, "axis", -1),
            Cfg.Double(c, "momentum", 0.99), Cfg.Double(c, "epsilon", 1e-3), Cfg.Bool(c, "center", true), Cfg.Bool(c, "scale", true),
            Initializer(c["beta_initializer"], "zeros"), Initializer(c["gamma_initializer"], "ones"),
            Initializer(c["moving_mean_initializer"], "zeros"), Initializer(c["moving_variance_initializer"], "ones"), Cfg.Name(c)),
        ["ZeroPadding2D"] = ZeroPadding2D.FromConfig,
        ["UpSampling2D"] = UpSampling2D.FromConfig,
        ["Reshape"] = Reshape.FromConfig,
        ["Permute"] = Permute.FromConfig,
        ["SpatialDropout2D"] = SpatialDropout2D.FromConfig,
        ["Masking"] = Masking.FromConfig,
        ["RepeatVector"] = RepeatVector.FromConfig,
        ["TimeDistributed"] = TimeDistributed.FromConfig,
    };

    private static readonly Dictionary<string, Func<JsonObject, Initializer>> s_initializers = new()
    {
        ["Zeros"] = _ => new Zeros(),
        ["Orthogonal"] = c => new Orthogonal(Cfg.Double(c, "gain", 1.0), Cfg.OptionalInt(c, "seed")),
        ["Ones"] = _ => new Ones(),
        ["GlorotUniform"] = c => new GlorotUniform(Cfg.OptionalInt(c, "seed")),
        ["GlorotNormal"] = c => new GlorotNormal(Cfg.OptionalInt(c, "seed")),
        ["HeNormal"] = c => new HeNormal(Cfg.OptionalInt(c, "seed")),
        ["HeUniform"] = c => new HeUniform(Cfg.OptionalInt(c, "seed")),
        ["RandomNormal"] = c => new RandomNormal(Cfg.Double(c, "mean", 0.0), Cfg.Double(c, "stddev", 0.05), Cfg.OptionalInt(c, "seed")),
        ["RandomUniform"] = c => new RandomUniform(Cfg.Double(c, "minval", -0.05), Cfg.Double(c, "maxval", 0.05), Cfg.OptionalInt(c, "seed")),
        ["VarianceScaling"] = c => new VarianceScaling(Cfg.Double(c, "scale", 1.0),
            Cfg.String(c, "mode", "fan_in") switch
            {
                "fan_in" => FanMode.FanIn,
                "fan_out" => FanMode.FanOut,
                "fan_avg" => FanMode.FanAvg,
                var m => throw new FormatException($"VarianceScaling mode must be fan_in, fan_out or fan_avg, got '{m}'."),
            },
            Cfg.String(c, "distribution", "truncated_normal") switch
            {
                "truncated_normal" or "normal" => VarianceDistribution.TruncatedNormal,
                "untruncated_normal" => VarianceDistribution.UntruncatedNormal,
                "uniform" => VarianceDistribution.Uniform,
                var d => throw new FormatException($"VarianceScaling distribution must be truncated_normal, untruncated_normal or uniform, got '{d}'."),
            },
            Cfg.OptionalInt(c, "seed")),
    };

    private static readonly Dictionary<string, Func<JsonObject, Optimizer>> s_optimizers = new()
    {
        ["Adam"] = c => new Adam(Cfg.Double(c, "learning_rate", 0.001), Cfg.Double(c, "beta_1", 0.9), Cfg.Double(c, "beta_2", 0.999),
            Cfg.Double(c, "epsilon", 1e-7), Cfg.Bool(c, "amsgrad", false)),
        ["SGD"] = c => new SGD(Cfg.Double(c, "learning_rate", 0.01), Cfg.Double(c, "momentum", 0.0), Cfg.Bool(c, "nesterov", false)),
        ["RMSprop"] = c => new RMSprop(Cfg.Double(c, "learning_rate", 0.001), Cfg.Double(c, "rho", 0.9), Cfg.Double(c, "momentum", 0.0),
            Cfg.Double(c, "epsilon", 1e-7), Cfg.Bool(c, "centered", false)),
    };

    private static readonly Dictionary<string, Func<JsonObject, Loss>> s_losses = new()
    {
        ["SparseCategoricalCrossentropy"] = c => new SparseCategoricalCrossentropy(Cfg.Bool(c, "from_logits", false)),
        ["CategoricalCrossentropy"] = c => new CategoricalCrossentropy(Cfg.Bool(c, "from_logits", false)),
        ["BinaryCrossentropy"] = c => new BinaryCrossentropy(Cfg.Bool(c, "from_logits", false)),
        ["MeanSquaredError"] = _ => new MeanSquaredError(),
    };

    private static readonly Dictionary<string, Func<JsonObject, Metric>> s_metrics = new()
    {
        ["SparseCategoricalAccuracy"] = c => new SparseCategoricalAccuracy(Cfg.String(c, "name", "sparse_categorical_accuracy")),
        ["CategoricalAccuracy"] = c => new CategoricalAccuracy(Cfg.String(c, "name", "categorical_accuracy")),
        ["BinaryAccuracy"] = c => new BinaryAccuracy(Cfg.String(c, "name", "binary_accuracy"), Cfg.Double(c, "threshold", 0.5)),
    };

    // Custom classes by registered name ("package>Name") and the registered name of each custom type.
    private static readonly Dictionary<string, Func<JsonObject, object>> s_custom = [];
    private static readonly Dictionary<Type, string> s_customNames = [];
    private static readonly Lock s_lock = new();

    /// <summary>
    /// Registers a custom class (Keras's <c>@register_keras_serializable(package, name)</c>) so that
    /// configs naming it can be read: files record it as "<paramref name="package"/>&gt;<paramref name="name"/>".
    /// <typeparamref name="T"/> is a Layer, Model, Initializer, Optimizer, Loss or Metric.
    /// </summary>
    public static void Register<T>(Func<JsonObject, T> fromConfig, string package = "Custom", string? name = null) where T : class
    {
        ArgumentNullException.ThrowIfNull(fromConfig);
        string registered = $"{package}>{name ?? typeof(T).Name}";
        lock (s_lock)
        {
            s_custom[registered] = c => fromConfig(c);
            s_customNames[typeof(T)] = registered;
        }
    }

    /// <summary>The registered name of a custom object ("Custom>MyLayer"), or null for built-in classes.</summary>
    public static string? RegisteredName(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        lock (s_lock)
        {
            return s_customNames.GetValueOrDefault(obj.GetType());
        }
    }

    private static JsonObject Envelope(string module, string className, JsonObject config, string? registeredName) => new()
    {
        ["module"] = module,
        ["class_name"] = className,
        ["config"] = config,
        ["registered_name"] = registeredName,
    };

    private static JsonObject Envelope(object obj, string builtinModule, string className, JsonObject config)
    {
        var registered = RegisteredName(obj);
        return Envelope(registered is null ? builtinModule : obj.GetType().Namespace ?? "", className, config, registered);
    }

    /// <summary>Keras's serialize_keras_object for an initializer.</summary>
    public static JsonObject Serialize(Initializer initializer)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return Envelope(initializer, "keras.initializers", initializer.ClassName, initializer.GetConfig());
    }

    /// <summary>Keras's serialize_keras_object for an optimizer.</summary>
    public static JsonObject Serialize(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return Envelope(optimizer, "keras.optimizers", optimizer.ClassName, optimizer.GetConfig());
    }

    /// <summary>Keras's serialize_keras_object for a loss.</summary>
    public static JsonObject Serialize(Loss loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return Envelope(loss, "keras.losses", loss.ClassName, loss.GetConfig());
    }

    /// <summary>Keras's serialize_keras_object for a metric.</summary>
    public static JsonObject Serialize(Metric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return Envelope(metric, "keras.metrics", metric.ClassName, metric.GetConfig());
    }

    /// <summary>
    /// Keras's serialize_keras_object for a layer or model: module, class_name, config,
    /// registered_name and, once built, build_config (and compile_config for a compiled model).
    /// </summary>
    public static JsonObject Serialize(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var registered = RegisteredName(layer);
        var module = registered is not null ? layer.GetType().Namespace ?? "" : layer.Module;
        var o = Envelope(module, layer.ClassName, layer is Model m ? ModelSerializer.GetConfig(m) : layer.GetConfig(),
            registered ?? (layer is Model { Graph: not null } ? "Functional" : null));
        if (layer is not InputLayer)
        {
            if (layer is Model model)
            {
                o["build_config"] = ModelSerializer.BuildConfig(model);
                // Keras writes an empty compile_config for a model that was never compiled.
                o["compile_config"] = model.Compiled ? ModelSerializer.CompileConfig(model) : new JsonObject();
            }
            else if (layer.WritesBuildConfig && layer.GetBuildConfig() is { } bc)
            {
                o["build_config"] = bc;
            }
        }
        return o;
    }

    private static (string ClassName, string? Registered, JsonObject Config) Open(JsonNode? node, string kind)
    {
        if (node is not JsonObject o)
        {
            throw new FormatException($"Expected a serialized {kind} (an object with class_name and config), got {node?.ToJsonString() ?? "null"}.");
        }
        var cls = o["class_name"]?.GetValue<string>() ?? throw new FormatException($"A serialized {kind} has no class_name: {Short(o)}.");
        var registered = o["registered_name"] is JsonValue r && r.TryGetValue<string>(out var rn) ? rn : null;
        var config = o["config"] as JsonObject ?? [];
        return (cls, registered, config);
    }

    private static string Short(JsonNode node)
    {
        var s = node.ToJsonString();
        return s.Length > 200 ? s[..200] + "..." : s;
    }

    private static T Resolve<T>(JsonNode? node, string kind, Dictionary<string, Func<JsonObject, T>> builtins) where T : class
    {
        var (cls, registered, config) = Open(node, kind);
        Func<JsonObject, object>? custom = null;
        lock (s_lock)
        {
            if (registered is not null)
            {
                s_custom.TryGetValue(registered, out custom);
            }
            if (custom is null && registered is null)
            {
                s_custom.TryGetValue("Custom>" + cls, out custom);
            }
        }
        if (custom is not null)
        {
            return custom(config) as T
                ?? throw new FormatException($"Registered class '{registered ?? cls}' does not make a {kind}.");
        }
        if ((registered is null || registered == cls) && builtins.TryGetValue(cls, out var make))
        {
            return make(config);
        }
        var shown = registered ?? cls;
        throw new UnknownClassException(
            $"Unknown {kind} class '{shown}' in the config. SharpKeras builds only built-in classes ({string.Join(", ", builtins.Keys.Order())}) " +
            $"and classes registered before loading; it never creates a class named in a file by reflection. If '{cls}' is your own {kind}, " +
            $"register it first: KerasSerializer.Register(config => new {cls}(...){(registered is { } rn && rn.Contains('>') ? $", package: \"{rn[..rn.IndexOf('>')]}\"" : "")}).", shown);
    }

    /// <summary>Keras's deserialize_keras_object for an initializer: a serialized object or an identifier ("glorot_uniform").</summary>
    public static Initializer Initializer(JsonNode? node, string fallback)
    {
        if (node is null)
        {
            return Initializers.Initializer.Get(fallback);
        }
        if (node is JsonValue v && v.TryGetValue<string>(out var id))
        {
            return Initializers.Initializer.Get(id);
        }
        return Resolve(node, "initializer", s_initializers);
    }

    /// <summary>Keras's deserialize_keras_object for an optimizer: a serialized object or an identifier ("adam").</summary>
    public static Optimizer Optimizer(JsonNode? node)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var id))
        {
            return Optimizers.Optimizer.Get(id);
        }
        return Resolve(node, "optimizer", s_optimizers);
    }

    /// <summary>Keras's deserialize_keras_object for a loss: a serialized object or an identifier.</summary>
    public static Loss Loss(JsonNode? node)
    {
        if (node is JsonValue v && v.TryGetValue<string>(out var id))
        {
            return Losses.Loss.Get(id);
        }
        return Resolve(node, "loss", s_losses);
    }

    /// <summary>Keras's deserialize_keras_object for a metric object.</summary>
    public static Metric Metric(JsonNode? node) => Resolve(node, "metric", s_metrics);

    /// <summary>Keras's deserialize_keras_object for a layer or model (Sequential and Functional included).</summary>
    public static Layer Layer(JsonNode? node)
    {
        var (cls, registered, config) = Open(node, "layer");
        Layer layer;
        if (registered is null && cls == "Sequential")
        {
            layer = ModelSerializer.SequentialFromConfig(config);
        }
        else if ((registered is null or "Functional") && cls is "Functional" or "Model")
        {
            layer = ModelSerializer.FunctionalFromConfig(config);
        }
        else
        {
            layer = Resolve(node, "layer", s_layers);
            layer.ApplyBaseConfig(config);
        }
        var o = (JsonObject)node!;
        if (layer is not Model && o["build_config"] is JsonObject bc)
        {
            layer.BuildFromConfig(bc);
        }
        return layer;
    }

    private static Layer InputLayerFromConfig(JsonObject config)
    {
        var batchShape = config["batch_shape"] ?? config["batch_input_shape"];
        int[] shape = batchShape is not null
            ? Cfg.Shape(batchShape, "InputLayer batch_shape")[1..]
            : Cfg.Shape(config["shape"] ?? config["input_shape"], "InputLayer shape");
        var dtype = config["dtype"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => ParseDType(s),
            JsonObject o when o["config"]?["name"] is JsonValue n => ParseDType(n.GetValue<string>()),
            _ => DType.Float32,
        };
        return new InputLayer(shape, dtype, Cfg.Name(config));
    }

    /// <summary>A Keras dtype name as a DType ("float32", "int32", "uint8").</summary>
    public static DType ParseDType(string name) => name switch
    {
        "float32" => DType.Float32,
        "int32" or "int64" => DType.Int32,
        "uint8" => DType.UInt8,
        _ => throw new FormatException($"Unsupported dtype '{name}': SharpKeras models take float32, int32 (int64 read as int32) or uint8 inputs."),
    };
}

/// <summary>A config names a class that is neither built in nor registered.</summary>
public sealed class UnknownClassException(string message, string className) : FormatException(message)
{
    /// <summary>The class (or registered name) the config asked for.</summary>
    public string ClassName { get; } = className;
}
