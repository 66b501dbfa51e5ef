using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Wraps a function of tensors as a layer (<c>keras.layers.Lambda</c>). The function is a C# delegate
/// registered by name with <see cref="Register"/> (Keras's <c>register_keras_serializable</c> for a
/// function), so a saved model names it as Keras does and loading finds it again; a file naming an
/// unregistered function, or holding a Python lambda's bytecode, is refused.
/// </summary>
public sealed class Lambda : Layer, Saving.IKerasSerializable<Lambda>
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> s_functions = [];
    private static readonly Lock s_lock = new();
    private readonly Func<Tensor, Tensor> _function;
    private readonly int[]? _outputShape;
    private readonly string _module;

    /// <summary>
    /// A Lambda layer calling the function registered as <paramref name="function"/> ("square" or "Custom>square").
    /// <paramref name="outputShape"/> (optional) is the output shape without the batch axis, as Keras's <c>output_shape</c>;
    /// without it the shape is found by calling the function on zeros.
    /// </summary>
    public Lambda(string function, int[]? outputShape = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : this(function, outputShape, "__main__", name, inputShape, batchSize)
    {
    }

    private Lambda(string function, int[]? outputShape, string module, string? name, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(function);
        _function = Lookup(function) ?? throw new ArgumentException(
            $"Lambda layer '{name ?? "lambda"}': no function is registered as '{function}'; register it first with Lambda.Register(\"{function}\", x => ...).", nameof(function));
        FunctionName = function;
        _outputShape = outputShape is null ? null : [.. outputShape];
        _module = module;
    }

    /// <summary>The registered name of the wrapped function (Keras's <c>registered_name</c>, e.g. "Custom>square").</summary>
    public string FunctionName { get; }

    /// <summary>The declared output shape without the batch axis (Keras's <c>output_shape</c>), or null when inferred.</summary>
    public IReadOnlyList<int>? OutputShapeArgument => _outputShape;

    /// <summary>
    /// Registers <paramref name="function"/> under <paramref name="name"/> (Keras's <c>register_keras_serializable</c> for a
    /// function: "package>name", or a bare name); registering a name again replaces its function.
    /// </summary>
    public static void Register(string name, Func<Tensor, Tensor> function)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(function);
        lock (s_lock)
        {
            s_functions[name] = function;
        }
    }

    /// <summary>Whether a function is registered under <paramref name="name"/>.</summary>
    public static bool IsRegistered(string name) => Lookup(name) is not null;

    private static Func<Tensor, Tensor>? Lookup(string name)
    {
        lock (s_lock)
        {
            return s_functions.GetValueOrDefault(name);
        }
    }

    /// <summary>Keras builds this layer at construction, so its config carries no build_config.</summary>
    internal override bool WritesBuildConfig => false;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (_outputShape is not null)
        {
            return new Shape([inputShape[0], .. _outputShape]);
        }
        // Keras traces the function symbolically; here it runs once on zeros with a batch of one.
        var probe = Tensor.Zeros(new Shape([.. inputShape.ToArray().Select(d => d < 0 ? 1 : d)]));
        var y = _function(probe);
        return new Shape([inputShape[0], .. y.Shape.ToArray()[1..]]);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => _function(inputs);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        int cut = FunctionName.IndexOf('>');
        c["function"] = new JsonObject
        {
            ["module"] = _module,
            ["class_name"] = "function",
            ["config"] = cut < 0 ? FunctionName : FunctionName[(cut + 1)..],
            ["registered_name"] = FunctionName,
        };
        if (_outputShape is not null)
        {
            c["output_shape"] = new JsonArray([.. _outputShape.Select(d => (JsonNode)d)]);
        }
        c["arguments"] = new JsonObject();
        return c;
    }

    /// <summary>
    /// Recreates the layer from its config (Keras's <c>from_config</c>): the function is looked up by its registered
    /// name (then its bare name); a Python lambda is taken only when a delegate is registered under the layer's name.
    /// </summary>
    public static Lambda FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var name = Saving.Cfg.Name(config);
        var shown = name ?? "lambda";
        if (config["function"] is not JsonObject fn)
        {
            throw Saving.Cfg.Missing(config, "function", "the serialized function ({\"class_name\": \"function\", \"config\": name, ...})");
        }
        if (config["arguments"] is JsonObject args && args.Count > 0)
        {
            throw new Saving.ConfigException(
                $"Lambda layer '{shown}' passes arguments ({string.Join(", ", args.Select(a => a.Key))}) to its function; SharpKeras's Lambda takes none: " +
                "register a delegate that binds them and save the model without arguments.");
        }
        int[]? outputShape = null;
        if (config["output_shape"] is JsonArray)
        {
            outputShape = Saving.Cfg.Shape(config["output_shape"], $"Lambda layer '{shown}' output_shape");
        }
        else if (config["output_shape"] is JsonObject)
        {
            throw new Saving.ConfigException($"Lambda layer '{shown}' computes its output_shape with a function; SharpKeras reads only an output_shape given as a list of ints.");
        }
        var cls = fn["class_name"]?.GetValue<string>();
        if (cls == "__lambda__")
        {
            if (name is not null && IsRegistered(name))
            {
                return new Lambda(name, outputShape, "__main__", name);
            }
            throw new Saving.ConfigException(
                $"Lambda layer '{shown}' holds a Python lambda (bytecode), which SharpKeras cannot run: register a C# delegate for it under the layer's name " +
                $"with Lambda.Register(\"{shown}\", x => ...) before loading.");
        }
        if (cls != "function")
        {
            throw new Saving.ConfigException($"Lambda layer '{shown}': expected a function (class_name \"function\" or \"__lambda__\"), got class_name '{cls}'.");
        }
        var registered = fn["registered_name"] is JsonValue r && r.TryGetValue<string>(out var rs) ? rs : null;
        var bare = fn["config"] is JsonValue b && b.TryGetValue<string>(out var bs) ? bs : null;
        var module = fn["module"] is JsonValue m && m.TryGetValue<string>(out var ms) ? ms : "__main__";
        foreach (var candidate in new[] { registered, bare })
        {
            if (candidate is not null && IsRegistered(candidate))
            {
                return new Lambda(candidate, outputShape, module, name);
            }
        }
        var wanted = registered ?? bare ?? "?";
        throw new Saving.ConfigException(
            $"Lambda layer '{shown}' calls the function '{wanted}', which is not registered: call Lambda.Register(\"{wanted}\", x => ...) before loading.");
    }
}
