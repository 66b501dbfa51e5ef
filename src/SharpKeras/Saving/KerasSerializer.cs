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
/// How a new class plugs in: it implements <see cref="IKerasSerializable{TSelf}"/> (override GetConfig,
/// calling base and adding its fields in Keras's names, and add <c>public static T FromConfig(JsonObject)</c>),
/// and gets one line in the built-in table below (<c>Layer&lt;LSTM&gt;()</c>); a test finds every public
/// class by reflection and fails when one is missing here. A layer's weights are saved from the
/// variables it made with AddWeight (trainable first) at <c>layers/&lt;snake_case&gt;/vars/i</c>; a layer that
/// owns other layers (an RNN's <c>cell</c>, Bidirectional's <c>forward_layer</c> / <c>backward_layer</c>)
/// overrides <see cref="Layer.SavedChildren"/> to yield them under Keras's attribute names, and
/// each child's variables go to <c>&lt;layer&gt;/&lt;attribute&gt;/vars/i</c>, recursively.
/// </remarks>
public static class KerasSerializer
{
    private static readonly Dictionary<string, Func<JsonObject, Layer>> s_layers = Table(
        Layer<InputLayer>(), Layer<Dense>(), Layer<Flatten>(), Layer<Dropout>(), Layer<Activation>(), Layer<Masking>(), Layer<Embedding>(),
        Layer<LayerNormalization>(), Layer<BatchNormalization>(),
        Layer<Add>(), Layer<Subtract>(), Layer<Layers.Multiply>(), Layer<Average>(), Layer<Layers.Maximum>(), Layer<Layers.Minimum>(),
        Layer<Layers.Concatenate>(), Layer<Dot>(),
        Layer<Conv1D>(), Layer<Conv2D>(), Layer<DepthwiseConv2D>(), Layer<SeparableConv2D>(), Layer<Conv2DTranspose>(),
        Layer<MaxPooling1D>(), Layer<MaxPooling2D>(), Layer<AveragePooling1D>(), Layer<AveragePooling2D>(),
        Layer<GlobalAveragePooling1D>(), Layer<GlobalAveragePooling2D>(), Layer<GlobalMaxPooling1D>(), Layer<GlobalMaxPooling2D>(),
        Layer<RNN>(), Layer<LSTM>(), Layer<GRU>(), Layer<SimpleRNN>(), Layer<LSTMCell>(), Layer<GRUCell>(), Layer<SimpleRNNCell>(),
        Layer<Bidirectional>(), Layer<TimeDistributed>(),
        Layer<ZeroPadding2D>(), Layer<UpSampling2D>(), Layer<Reshape>(), Layer<Permute>(), Layer<RepeatVector>(), Layer<SpatialDropout2D>(),
        Layer<ReLU>(), Layer<LeakyReLU>(), Layer<PReLU>(), Layer<ELU>(), Layer<Layers.Softmax>(),
        Layer<EinsumDense>(), Layer<MultiHeadAttention>(),
        Layer<NotEqual>(), Layer<LogicalOr>(),
        Layer<Conv1DTranspose>(), Layer<Cropping1D>(), Layer<Cropping2D>(), Layer<Cropping3D>(), Layer<ZeroPadding1D>(), Layer<ZeroPadding3D>(),
        Layer<UpSampling1D>(), Layer<UpSampling3D>(), Layer<GroupNormalization>(), Layer<UnitNormalization>(), Layer<RMSNormalization>(),
        Layer<SpatialDropout1D>(), Layer<SpatialDropout3D>(), Layer<GaussianNoise>(), Layer<GaussianDropout>(), Layer<AlphaDropout>(),
        Layer<ActivityRegularization>(), Layer<Layers.Identity>(), Layer<GlobalMaxPooling3D>(), Layer<GlobalAveragePooling3D>(),
        Layer<DepthwiseConv1D>(), Layer<SeparableConv1D>(),
        Layer<Layers.Preprocessing.Normalization>(), Layer<Layers.Preprocessing.Rescaling>(), Layer<Layers.Preprocessing.Resizing>(), Layer<Layers.Preprocessing.CenterCrop>(), Layer<Layers.Preprocessing.CategoryEncoding>(), Layer<Layers.Preprocessing.Discretization>(),
        Layer<Layers.Preprocessing.RandomFlip>(), Layer<Layers.Preprocessing.RandomBrightness>(), Layer<Layers.Preprocessing.RandomContrast>(),
        Layer<Layers.Preprocessing.RandomRotation>(), Layer<Layers.Preprocessing.RandomZoom>(), Layer<Layers.Preprocessing.RandomTranslation>(), Layer<Layers.Preprocessing.RandomCrop>(),
        Layer<Lambda>(), Layer<SpectralNormalization>(),
        Layer<Attention>(),
        Layer<AdditiveAttention>(),
        Layer<GroupQueryAttention>(),
        Layer<AdaptiveAveragePooling1D>(), Layer<AdaptiveAveragePooling2D>(), Layer<AdaptiveMaxPooling1D>(), Layer<AdaptiveMaxPooling2D>(),
        Layer<ConvLSTM2D>(),
        new("GroupedQueryAttention", c => GroupQueryAttention.FromConfig(c)),
        Layer<Conv3D>(), Layer<Conv3DTranspose>(), Layer<MaxPooling3D>(), Layer<AveragePooling3D>(),
        new("MaxPool3D", c => MaxPooling3D.FromConfig(c)), new("AvgPool3D", c => AveragePooling3D.FromConfig(c)),
        Layer<Layers.Preprocessing.Hashing>(), Layer<Layers.Preprocessing.StringLookup>(), Layer<Layers.Preprocessing.IntegerLookup>(), Layer<Layers.Preprocessing.TextVectorization>());

    private static readonly Dictionary<string, Func<JsonObject, Initializer>> s_initializers = Table(
        Init<Zeros>(), Init<Ones>(), Init<Orthogonal>(), Init<GlorotUniform>(), Init<GlorotNormal>(), Init<HeNormal>(), Init<HeUniform>(),
        Init<RandomNormal>(), Init<RandomUniform>(), Init<VarianceScaling>(),
        Init<Constant>(), Init<Initializers.Identity>(), Init<TruncatedNormal>(), Init<LecunNormal>(), Init<LecunUniform>());

    private static readonly Dictionary<string, Func<JsonObject, Regularizers.Regularizer>> s_regularizers = Table(
        Reg<Regularizers.L1>(), Reg<Regularizers.L2>(), Reg<Regularizers.L1L2>(), Reg<Regularizers.OrthogonalRegularizer>());

    private static readonly Dictionary<string, Func<JsonObject, Constraints.Constraint>> s_constraints = Table(
        Con<Constraints.MaxNorm>(), Con<Constraints.MinMaxNorm>(), Con<Constraints.NonNeg>(), Con<Constraints.UnitNorm>());

    private static readonly Dictionary<string, Func<JsonObject, Optimizer>> s_optimizers = Table(
        Opt<SGD>(), Opt<RMSprop>(), Opt<Adam>(), Opt<Adadelta>(),
        Opt<AdamW>(), Opt<Adagrad>(), Opt<Adamax>(), Opt<Nadam>(), Opt<Lion>(), Opt<Ftrl>());

    private static readonly Dictionary<string, Func<JsonObject, Optimizers.Schedules.LearningRateSchedule>> s_schedules = Table(
        Sched<Optimizers.Schedules.ExponentialDecay>(), Sched<Optimizers.Schedules.InverseTimeDecay>(), Sched<Optimizers.Schedules.PiecewiseConstantDecay>(),
        Sched<Optimizers.Schedules.PolynomialDecay>(), Sched<Optimizers.Schedules.CosineDecay>(), Sched<Optimizers.Schedules.CosineDecayRestarts>());

    private static readonly Dictionary<string, Func<JsonObject, Loss>> s_losses = Table(
        LossOf<Losses.SparseCategoricalCrossentropy>(), LossOf<Losses.CategoricalCrossentropy>(), LossOf<Losses.BinaryCrossentropy>(), LossOf<Losses.MeanSquaredError>(),
        LossOf<Losses.MeanAbsoluteError>(), LossOf<Losses.MeanAbsolutePercentageError>(), LossOf<Losses.MeanSquaredLogarithmicError>(), LossOf<Huber>(),
        LossOf<LogCosh>(), LossOf<Losses.KLDivergence>(), LossOf<Losses.Poisson>(), LossOf<Losses.Hinge>(), LossOf<Losses.SquaredHinge>(),
        LossOf<Losses.CategoricalHinge>(), LossOf<Losses.CosineSimilarity>(), LossOf<BinaryFocalCrossentropy>(), LossOf<CategoricalFocalCrossentropy>(),
        LossOf<CategoricalGeneralizedCrossEntropy>(), LossOf<Dice>(), LossOf<Tversky>());

    private static readonly Dictionary<string, Func<JsonObject, Metric>> s_metrics = Table(
        MetricOf<Mean>(), MetricOf<SparseCategoricalAccuracy>(), MetricOf<CategoricalAccuracy>(), MetricOf<BinaryAccuracy>(),
        MetricOf<TopKCategoricalAccuracy>(), MetricOf<SparseTopKCategoricalAccuracy>(), MetricOf<Metrics.MeanAbsoluteError>(), MetricOf<Metrics.MeanSquaredError>(),
        MetricOf<RootMeanSquaredError>(), MetricOf<Metrics.MeanAbsolutePercentageError>(), MetricOf<Metrics.MeanSquaredLogarithmicError>(),
        MetricOf<Metrics.CosineSimilarity>(), MetricOf<LogCoshError>(), MetricOf<Metrics.Hinge>(), MetricOf<Metrics.SquaredHinge>(), MetricOf<Metrics.CategoricalHinge>(),
        MetricOf<Metrics.KLDivergence>(), MetricOf<Metrics.Poisson>(), MetricOf<Precision>(), MetricOf<Recall>(), MetricOf<AUC>(), MetricOf<TruePositives>(),
        MetricOf<FalsePositives>(), MetricOf<TrueNegatives>(), MetricOf<FalseNegatives>(), MetricOf<FBetaScore>(), MetricOf<F1Score>(), MetricOf<R2Score>(),
        MetricOf<Sum>(), MetricOf<MeanMetricWrapper>(), MetricOf<Metrics.BinaryCrossentropy>(), MetricOf<Metrics.CategoricalCrossentropy>(),
        MetricOf<Metrics.SparseCategoricalCrossentropy>(), MetricOf<SensitivityAtSpecificity>(), MetricOf<SpecificityAtSensitivity>(),
        MetricOf<PrecisionAtRecall>(), MetricOf<RecallAtPrecision>(), MetricOf<IoU>(), MetricOf<MeanIoU>(), MetricOf<BinaryIoU>(), MetricOf<OneHotIoU>(),
        MetricOf<OneHotMeanIoU>());

    // The class name is the C# type name, which is Keras's class name for every built-in class; the
    // static FromConfig is bound here at compile time, so nothing is looked up by reflection.
    private static KeyValuePair<string, Func<JsonObject, Layer>> Layer<T>() where T : Layer, IKerasSerializable<T> => new(typeof(T).Name, c => T.FromConfig(c));

    private static KeyValuePair<string, Func<JsonObject, Initializer>> Init<T>() where T : Initializer, IKerasSerializable<T> => new(typeof(T).Name, c => T.FromConfig(c));

    private static KeyValuePair<string, Func<JsonObject, Regularizers.Regularizer>> Reg<T>() where T : Regularizers.Regularizer, IKerasSerializable<T> => new(typeof(T).Name, c => T.FromConfig(c));

    private static KeyValuePair<string, Func<JsonObject, Constraints.Constraint>> Con<T>() where T : Constraints.Constraint, IKerasSerializable<T> => new(typeof(T).Name, c => T.FromConfig(c));

    private static KeyValuePair<string, Func<JsonObject, Optimizer>> Opt<T>() where T : Optimizer, IKerasSerializable<T> => new(typeof(T).Name, c => T.FromConfig(c));

    private static KeyValuePair<string, Func<JsonObject, Optimizers.Schedules.LearningRateSchedule>> Sched<T>()
        where T : Optimizers.Schedules.LearningRateSchedule, IKerasSerializable<T> => new(typeof(T).Name, c => T.FromConfig(c));

    private static KeyValuePair<string, Func<JsonObject, Loss>> LossOf<T>() where T : Loss, IKerasSerializable<T> => new(typeof(T).Name, c => T.FromConfig(c));

    private static KeyValuePair<string, Func<JsonObject, Metric>> MetricOf<T>() where T : Metric, IKerasSerializable<T> => new(typeof(T).Name, c => T.FromConfig(c));

    private static Dictionary<string, Func<JsonObject, T>> Table<T>(params KeyValuePair<string, Func<JsonObject, T>>[] entries) => new(entries);

    /// <summary>
    /// Whether configs naming <paramref name="type"/> can be read: a built-in class in the table, or a
    /// class registered with <see cref="Register{T}(Func{JsonObject, T}, string, string?)"/>.
    /// </summary>
    public static bool IsRegistered(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (s_lock)
        {
            if (s_customNames.ContainsKey(type))
            {
                return true;
            }
        }
        // Sequential and functional models are rebuilt by ModelSerializer, not from the table.
        return type == typeof(Model) || type == typeof(Sequential)
            || (typeof(Layers.Layer).IsAssignableFrom(type) && s_layers.ContainsKey(type.Name))
            || (typeof(Initializer).IsAssignableFrom(type) && s_initializers.ContainsKey(type.Name))
            || (typeof(Regularizers.Regularizer).IsAssignableFrom(type) && s_regularizers.ContainsKey(type.Name))
            || (typeof(Constraints.Constraint).IsAssignableFrom(type) && s_constraints.ContainsKey(type.Name))
            || (typeof(Optimizer).IsAssignableFrom(type) && s_optimizers.ContainsKey(type.Name))
            || (typeof(Optimizers.Schedules.LearningRateSchedule).IsAssignableFrom(type) && s_schedules.ContainsKey(type.Name))
            || (typeof(Loss).IsAssignableFrom(type) && s_losses.ContainsKey(type.Name))
            || (typeof(Metric).IsAssignableFrom(type) && s_metrics.ContainsKey(type.Name));
    }

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

    /// <summary>
    /// Registers a custom class that implements <see cref="IKerasSerializable{TSelf}"/> (Keras's
    /// <c>@register_keras_serializable(package, name)</c>): its static FromConfig reads the configs naming it.
    /// </summary>
    public static void Register<T>(string package = "Custom", string? name = null) where T : class, IKerasSerializable<T> =>
        Register(T.FromConfig, package, name ?? typeof(T).Name);

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

    /// <summary>Keras's serialize_keras_object for a regularizer; null (Keras's None) for none.</summary>
    public static JsonObject? Serialize(Regularizers.Regularizer? regularizer) =>
        regularizer is null ? null : Envelope(regularizer, "keras.regularizers", regularizer.ClassName, regularizer.GetConfig());

    /// <summary>Keras's serialize_keras_object for a constraint; null (Keras's None) for none.</summary>
    public static JsonObject? Serialize(Constraints.Constraint? constraint) =>
        constraint is null ? null : Envelope(constraint, "keras.constraints", constraint.ClassName, constraint.GetConfig());

    /// <summary>Keras's serialize_keras_object for an optimizer.</summary>
    public static JsonObject Serialize(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return Envelope(optimizer, "keras.optimizers", optimizer.ClassName, optimizer.GetConfig());
    }

    /// <summary>Keras's serialize_keras_object for a learning-rate schedule (module keras.optimizers.schedules).</summary>
    public static JsonObject Serialize(Optimizers.Schedules.LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return Envelope(schedule, "keras.optimizers.schedules", schedule.ClassName, schedule.GetConfig());
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
        var cls = o["class_name"] is JsonValue c && c.TryGetValue<string>(out var name)
            ? name
            : throw new ConfigException($"A serialized {kind} should have a class_name string, got {o["class_name"]?.ToJsonString() ?? "none"}: {Short(o)}.");
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
            return Read(() => custom(config), kind, registered ?? cls, config) as T
                ?? throw new FormatException($"Registered class '{registered ?? cls}' does not make a {kind}.");
        }
        if ((registered is null || registered == cls) && builtins.TryGetValue(cls, out var make))
        {
            return Read(() => make(config), kind, cls, config);
        }
        var shown = registered ?? cls;
        throw new UnknownClassException(
            $"Unknown {kind} class '{shown}' in the config. SharpKeras builds only built-in classes ({string.Join(", ", builtins.Keys.Order())}) " +
            $"and classes registered before loading; it never creates a class named in a file by reflection. If '{cls}' is your own {kind}, " +
            $"register it first: KerasSerializer.Register(config => new {cls}(...){(registered is { } rn && rn.Contains('>') ? $", package: \"{rn[..rn.IndexOf('>')]}\"" : "")}).", shown);
    }

    /// <summary>
    /// Runs a FromConfig; errors that do not already say where they come from (System.Text.Json's
    /// "The node must be of type ...", a constructor's argument check) get the class and name of the
    /// object whose config was read, as Keras names the layer when from_config fails.
    /// </summary>
    private static T Read<T>(Func<T> make, string kind, string cls, JsonObject config)
    {
        try
        {
            return make();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or InvalidCastException
            && e is not ConfigException and not UnknownClassException)
        {
            var name = config["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? $" '{n}'" : "";
            throw new ConfigException($"Cannot read the config of {kind}{name} ({cls}): {e.Message}", e);
        }
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

    /// <summary>Keras's regularizers.get for a config value: null (None), an identifier ("l2") or a serialized regularizer.</summary>
    public static Regularizers.Regularizer? Regularizer(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue v && v.TryGetValue<string>(out var id))
        {
            return Regularizers.Regularizer.Get(id);
        }
        return Resolve(node, "regularizer", s_regularizers);
    }

    /// <summary>Keras's constraints.get for a config value: null (None), an identifier ("max_norm") or a serialized constraint.</summary>
    public static Constraints.Constraint? Constraint(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue v && v.TryGetValue<string>(out var id))
        {
            return Constraints.Constraint.Get(id);
        }
        return Resolve(node, "constraint", s_constraints);
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

    /// <summary>Keras's deserialize_keras_object for a learning-rate schedule ({"module","class_name","config","registered_name"}).</summary>
    public static Optimizers.Schedules.LearningRateSchedule LearningRateSchedule(JsonNode? node) => Resolve(node, "learning rate schedule", s_schedules);

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

    /// <summary>A Keras dtype name as a DType ("float32", "int32", "uint8").</summary>
    public static DType ParseDType(string name) => name switch
    {
        "float32" => DType.Float32,
        "int32" or "int64" => DType.Int32,
        "uint8" => DType.UInt8,
        "bool" => DType.Bool,
        _ => throw new ConfigException($"Unsupported dtype '{name}': SharpKeras models take float32, int32 (int64 read as int32), uint8 or bool inputs."),
    };

    /// <summary>Keras's serialize_keras_object for a dtype policy (<c>{"module": "keras", "class_name": "DTypePolicy", ...}</c>).</summary>
    public static JsonObject Serialize(DtypePolicies.DTypePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Serialize();
    }

    /// <summary>Keras's dtype_policies.get for a config value: a policy name ("mixed_bfloat16") or a serialized DTypePolicy.</summary>
    public static DtypePolicies.DTypePolicy DTypePolicy(JsonNode? node) =>
        DtypePolicies.DTypePolicy.FromConfigNode(node, "dtype policy")
        ?? throw new ConfigException($"Expected a float dtype policy ({DtypePolicies.DTypePolicy.Supported}), got {node?.ToJsonString() ?? "null"}.");
}
