using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Metrics;
using SharpKeras.Models;

namespace SharpKeras.Saving;

/// <summary>Configs of Sequential and functional models as Keras writes them, and models rebuilt from them.</summary>
internal static class ModelSerializer
{
    public static JsonObject GetConfig(Model model)
    {
        switch (model)
        {
            case Sequential seq:
                return SequentialConfig(seq);
            case { Graph: { } graph }:
                return FunctionalConfig(model, graph);
            default:
                return model.GetConfig();
        }
    }

    private static JsonObject SequentialConfig(Sequential seq)
    {
        var layers = new JsonArray();
        var input = seq.ExplicitInputLayer;
        if (input is not null)
        {
            layers.Add((JsonNode)KerasSerializer.Serialize(input));
        }
        else if (seq.InputShape is { } shape)
        {
            layers.Add((JsonNode)KerasSerializer.Serialize(new InputLayer(shape.ToArray()[1..], name: "input_layer", batchSize: shape[0] > 0 ? shape[0] : null)));
        }
        foreach (var l in seq.Layers)
        {
            layers.Add((JsonNode)KerasSerializer.Serialize(l));
        }
        var c = new JsonObject
        {
            ["name"] = seq.Name,
            ["trainable"] = seq.Trainable,
            ["dtype"] = seq.DtypePolicy.Serialize(),
            ["layers"] = layers,
        };
        if (seq.InputShape is { } s)
        {
            c["build_input_shape"] = Cfg.ShapeNode(s);
        }
        return c;
    }

    private static JsonArray History(FunctionalGraph graph, KerasTensor t) =>
        new(JsonValue.Create(t.Layer.Name), JsonValue.Create(graph.NodesOf(t.Layer).IndexOf(t.Node)), JsonValue.Create(t.TensorIndex));

    private static JsonObject TensorConfig(FunctionalGraph graph, KerasTensor t) => new()
    {
        ["class_name"] = "__keras_tensor__",
        ["config"] = new JsonObject
        {
            ["shape"] = Cfg.ShapeNode(t.Shape),
            ["dtype"] = t.DType.Name(),
            ["keras_history"] = History(graph, t),
        },
    };

    private static JsonObject FunctionalConfig(Model model, FunctionalGraph graph)
    {
        var layers = new JsonArray();
        foreach (var layer in graph.Layers)
        {
            var o = KerasSerializer.Serialize(layer);
            o["name"] = layer.Name;
            var nodes = new JsonArray();
            if (layer is not InputLayer)
            {
                foreach (var node in graph.NodesOf(layer))
                {
                    var positional = node.Args;
                    JsonNode arg = node.InputsAsList
                        ? new JsonArray([.. positional.Select(t => (JsonNode)TensorConfig(graph, t))])
                        : TensorConfig(graph, positional[0]);
                    var kwargs = new JsonObject();
                    if (layer.CallTakesTraining)
                    {
                        kwargs["training"] = false;
                    }
                    // Several positional tensors (an attention layer's query and value) are several args, as Keras writes them.
                    var args = !node.InputsAsList && positional.Length > 1 && !node.LastInputIsMask
                        ? new JsonArray([.. positional.Select(t => (JsonNode)TensorConfig(graph, t))])
                        : new JsonArray(arg);
                    if (node.LastInputIsMask)
                    {
                        kwargs["mask"] = TensorConfig(graph, node.Inputs[^1]);
                    }
                    foreach (var e in node.Kwargs.Entries)
                    {
                        kwargs[e.Name] = e.Tensors is { } ts
                            ? e.IsList ? new JsonArray([.. ts.Select(t => (JsonNode)TensorConfig(graph, t))]) : TensorConfig(graph, ts[0])
                            : e.Constant?.DeepClone();
                    }
                    if (layer.ConstantArgument is { } constant)
                    {
                        args.Add(constant.DeepClone());
                    }
                    nodes.Add((JsonNode)new JsonObject { ["args"] = args, ["kwargs"] = kwargs });
                }
            }
            o["inbound_nodes"] = nodes;
            layers.Add((JsonNode)o);
        }
        JsonNode Ends(KerasTensor[] ts, bool asList) => asList
            ? new JsonArray([.. ts.Select(t => (JsonNode)History(graph, t))])
            : History(graph, ts[0]);
        return new JsonObject
        {
            ["name"] = model.Name,
            ["trainable"] = model.Trainable,
            ["layers"] = layers,
            ["input_layers"] = Ends(graph.Inputs, model.InputsAsList),
            ["output_layers"] = Ends(graph.Outputs, model.OutputsAsList),
        };
    }

    public static JsonObject BuildConfig(Model model) => model switch
    {
        Sequential { InputShape: { } s } => new JsonObject { ["input_shape"] = Cfg.ShapeNode(s) },
        { Graph: not null } => new JsonObject { ["input_shape"] = null },
        { BuildInputShape: { } b } => new JsonObject { ["input_shape"] = Cfg.ShapeNode(b) },
        _ => new JsonObject { ["input_shape"] = null },
    };

    public static JsonObject CompileConfig(Model model)
    {
        JsonNode LossNode(Losses.Loss loss) =>
            Losses.Loss.Names.Contains(loss.Name) && loss.GetConfig().ToJsonString() == Losses.Loss.Get(loss.Name).GetConfig().ToJsonString()
                ? JsonValue.Create(loss.Name)
                : KerasSerializer.Serialize(loss);
        JsonNode? MetricsNode() => model.MetricObjects is { } objs
            ? new JsonArray([.. objs.Select(m => (JsonNode)KerasSerializer.Serialize(m))])
            : model.MetricNames.Count > 0 ? new JsonArray([.. model.MetricNames.Select(n => (JsonNode)JsonValue.Create(n)!)]) : null;
        JsonNode? loss = model.OutputLosses is { } many
            ? new JsonArray([.. many.Select(LossNode)])
            : model.Loss is { } single ? LossNode(single) : null;
        return new JsonObject
        {
            ["optimizer"] = KerasSerializer.Serialize(model.Optimizer!),
            ["loss"] = loss,
            ["loss_weights"] = model.LossWeights is { } w ? new JsonArray([.. w.Select(x => (JsonNode)JsonValue.Create(x))]) : null,
            ["metrics"] = MetricsNode(),
            ["weighted_metrics"] = null,
            ["run_eagerly"] = false,
            ["steps_per_execution"] = 1,
            ["jit_compile"] = false,
        };
    }

    /// <summary>
    /// Compiles a loaded model from its saved settings, as Keras's loaders do; when they name a loss,
    /// metric or optimizer SharpKeras does not have, the model still loads (for inference) uncompiled,
    /// with a warning on stderr, as Keras warns when compile_from_config fails. Returns whether it compiled.
    /// </summary>
    public static bool TryCompile(Model model, JsonObject compileConfig, string file)
    {
        try
        {
            Compile(model, compileConfig);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"Warning: '{file}': model '{model.Name}' was loaded without its compile settings ({e.Message}); call Compile() before training or evaluating it.");
            return false;
        }
    }

    /// <summary>Compiles <paramref name="model"/> from a compile_config (or a legacy training_config with optimizer_config).</summary>
    public static void Compile(Model model, JsonObject compileConfig)
    {
        var optimizer = KerasSerializer.Optimizer(compileConfig["optimizer"] ?? compileConfig["optimizer_config"]
            ?? throw new FormatException("compile_config has no optimizer."));
        var lossNode = compileConfig["loss"] ?? throw new FormatException("compile_config has no loss.");
        var metricsNode = compileConfig["metrics"];
        double[]? weights = compileConfig["loss_weights"] is JsonArray lw
            ? [.. lw.Select(x => x is JsonValue v && v.TryGetValue<double>(out var d) ? d : throw new ConfigException($"compile_config loss_weights should be a list of numbers, got {lw.ToJsonString()}."))]
            : null;
        if (lossNode is JsonArray losses)
        {
            model.Compile(optimizer, [.. losses.Select(KerasSerializer.Loss)], weights, MetricNames(metricsNode));
            return;
        }
        if (lossNode is JsonObject dict && !dict.ContainsKey("class_name"))
        {
            var byOutput = model.Outputs.Select(o => dict[o.Layer.Name] ?? throw new FormatException($"compile_config loss has no entry for output '{o.Layer.Name}'.")).ToArray();
            model.Compile(optimizer, [.. byOutput.Select(KerasSerializer.Loss)], weights, MetricNames(metricsNode));
            return;
        }
        var loss = KerasSerializer.Loss(lossNode);
        if (metricsNode is JsonArray arr && arr.Count > 0 && arr.All(m => m is JsonObject))
        {
            model.Compile(optimizer, loss, arr.Select(m => KerasSerializer.Metric(m)).ToArray());
        }
        else
        {
            model.Compile(optimizer, loss, MetricNames(metricsNode));
        }
    }

    private static string[] MetricNames(JsonNode? node) => node switch
    {
        null => [],
        JsonArray a => [.. a.SelectMany(m => m switch
        {
            JsonValue v => [MetricName(v)],
            JsonArray inner => inner.Select(MetricName),
            JsonObject o => [o["config"] is JsonObject mc ? Cfg.String(mc, "name") : throw new ConfigException($"A metric config has no name: {o.ToJsonString()}.")],
            _ => [],
        })],
        JsonValue v => [MetricName(v)],
        _ => throw new ConfigException($"compile_config metrics should be a list, got {node.ToJsonString()}."),
    };

    public static Sequential SequentialFromConfig(JsonObject config)
    {
        var seq = new Sequential(Cfg.Name(config));
        var layers = config["layers"] as JsonArray ?? throw Cfg.Missing(config, "layers", "a list of layer configs");
        foreach (var l in layers)
        {
            // Keras 2 declared the input on the first layer (batch_input_shape) instead of an InputLayer.
            if (seq.Layers.Count == 0 && seq.ExplicitInputLayer is null && (l?["class_name"] as JsonValue)?.ToString() != "InputLayer"
                && l?["config"]?["batch_input_shape"] is JsonArray bis)
            {
                var batchShape = Cfg.Shape(bis, "batch_input_shape");
                seq.Add(new InputLayer(batchShape[1..], batchSize: batchShape.Length > 0 && batchShape[0] > 0 ? batchShape[0] : null));
            }
            seq.Add(KerasSerializer.Layer(l));
        }
        if (DtypePolicies.DTypePolicy.FromConfigNode(config["dtype"], $"Model '{seq.Name}' config \"dtype\"") is { } policy)
        {
            seq.DtypePolicy = policy;
        }
        if (config["trainable"] is JsonValue t && t.TryGetValue<bool>(out var trainable))
        {
            seq.Trainable = trainable;
        }
        var buildShape = config["build_input_shape"];
        if (buildShape is JsonArray && !seq.Built)
        {
            seq.EnsureBuilt(new Shape(Cfg.Shape(buildShape, "build_input_shape")));
        }
        else
        {
            seq.TryBuildFromDeclaredShape();
        }
        return seq;
    }

    public static Model FunctionalFromConfig(JsonObject config)
    {
        var layerConfigs = config["layers"] as JsonArray ?? throw Cfg.Missing(config, "layers", "a list of layer configs");
        var byName = new Dictionary<string, Layer>();
        var ordered = new List<(Layer Layer, JsonArray Nodes)>();
        foreach (var lc in layerConfigs)
        {
            var layer = KerasSerializer.Layer(lc);
            var name = (lc is JsonObject lo ? Cfg.OptionalString(lo, "name") : null) ?? layer.Name;
            layer.Name = name;
            if (!byName.TryAdd(name, layer))
            {
                throw new FormatException($"The model config has two layers named '{name}'.");
            }
            ordered.Add((layer, lc!["inbound_nodes"] as JsonArray ?? []));
        }
        var made = new Dictionary<(string, int, int), KerasTensor>();
        foreach (var (layer, _) in ordered)
        {
            if (layer is InputLayer input)
            {
                made[(layer.Name, 0, 0)] = input.Output;
            }
        }
        var pending = new Queue<(Layer Layer, int Index, JsonNode Data)>();
        foreach (var (layer, nodes) in ordered)
        {
            for (int i = 0; i < nodes.Count; i++)
            {
                pending.Enqueue((layer, i, nodes[i]!));
            }
        }
        int stalled = 0;
        while (pending.Count > 0)
        {
            var (layer, index, data) = pending.Dequeue();
            if (TryRunNode(layer, data, made, out var nodeOutputs))
            {
                for (int o = 0; o < nodeOutputs!.Length; o++)
                {
                    made[(layer.Name, index, o)] = nodeOutputs[o];
                }
                stalled = 0;
            }
            else
            {
                pending.Enqueue((layer, index, data));
                if (++stalled > pending.Count)
                {
                    throw new FormatException($"The model config's graph cannot be rebuilt: layer '{layer.Name}' takes tensors that no layer in the config makes ({data.ToJsonString()}).");
                }
            }
        }
        KerasTensor Lookup(JsonNode? h)
        {
            var a = h as JsonArray ?? throw new FormatException($"Expected [layer name, node index, tensor index], got {h?.ToJsonString() ?? "null"}.");
            var key = HistoryKey(a, "the model's inputs or outputs");
            return made.TryGetValue(key, out var t) ? t : throw new FormatException($"The model config names tensor {a.ToJsonString()}, which no layer makes.");
        }
        (KerasTensor[], bool) Ends(JsonNode? node, string what)
        {
            if (node is JsonArray { Count: > 0 } a && a[0] is JsonValue)
            {
                return ([Lookup(a)], false);
            }
            if (node is JsonArray list)
            {
                return ([.. list.Select(Lookup)], true);
            }
            throw Cfg.Missing(config, what, "a list of [layer, node, tensor]");
        }
        var (inputs, inList) = Ends(config["input_layers"], "input_layers");
        var (outputs, outList) = Ends(config["output_layers"], "output_layers");
        var model = new Model(inputs, outputs, Cfg.Name(config));
        model.InputsAsList = inList;
        model.OutputsAsList = outList;
        if (DtypePolicies.DTypePolicy.FromConfigNode(config["dtype"], $"Model '{model.Name}' config \"dtype\"") is { } policy)
        {
            model.DtypePolicy = policy;
        }
        if (config["trainable"] is JsonValue t && t.TryGetValue<bool>(out var trainable))
        {
            model.Trainable = trainable;
        }
        return model;
    }

    private static bool TryRunNode(Layer layer, JsonNode data, Dictionary<(string, int, int), KerasTensor> made, out KerasTensor[]? outputs)
    {
        outputs = null;
        List<KerasTensor> tensors = [];
        bool asList;
        bool withMask = false;
        var kwargs = new CallKwargs<KerasTensor>();
        if (data is JsonObject o)
        {
            // Keras 3: {"args": [tensor or [tensors]], "kwargs": {...}}.
            var args = o["args"] as JsonArray ?? throw new FormatException($"Node of layer '{layer.Name}' has no args: {data.ToJsonString()}.");
            if (args.Count == 0 && o["kwargs"] is not JsonObject { Count: > 0 })
            {
                throw new FormatException($"Node of layer '{layer.Name}' has no positional arguments; SharpKeras layers take one tensor, one list of tensors, or several tensors.");
            }
            if (args.Count > 1 && args.Any(a => a is JsonArray))
            {
                throw new FormatException($"Node of layer '{layer.Name}' has {args.Count} positional arguments with a list among them; SharpKeras layers take one tensor, one list of tensors, or several tensors.");
            }
            asList = args.Count == 1 && args[0] is JsonArray;
            // Constants among the positional arguments (Keras's not_equal(x, 0)) belong to the operation, not the graph.
            var constants = args.Count > 1 ? args.Where(a => a is not JsonObject).ToList() : [];
            if (constants.Count > 0)
            {
                layer.BindConstantArguments(constants);
                args = new JsonArray([.. args.Where(a => a is JsonObject).Select(a => a!.DeepClone())]);
            }
            if (o["kwargs"]?["mask"] is JsonObject maskArg)
            {
                args = new JsonArray([.. args.Select(a => a?.DeepClone()), maskArg.DeepClone()]);
                withMask = true;
            }
            // Tensors may all come by keyword (Keras's mha(query=x, value=x)): then there are no positional ones.
            foreach (var t in asList ? (JsonArray)args[0]! : args.Count != 1 ? (JsonArray)args.DeepClone() : new JsonArray(args[0]!.DeepClone()))
            {
                var h = t?["config"]?["keras_history"] as JsonArray ?? throw new FormatException($"Node of layer '{layer.Name}': argument {t?.ToJsonString()} is not a Keras tensor.");
                if (!made.TryGetValue(HistoryKey(h, $"a node of layer '{layer.Name}'"), out var kt))
                {
                    return false;
                }
                tensors.Add(kt);
            }
            if (o["kwargs"] is JsonObject kw && !ReadKwargs(layer, kw, made, kwargs, IsKeras3Tensor, t => t!["config"]?["keras_history"] as JsonArray))
            {
                return false;
            }
        }
        else if (data is JsonArray legacy)
        {
            // Keras 2: [[name, node_index, tensor_index, kwargs], ...], tensors inside kwargs as [name, node_index, tensor_index].
            asList = legacy.Count > 1;
            foreach (var h in legacy)
            {
                var a = h as JsonArray ?? throw new ConfigException($"Node of layer '{layer.Name}': expected [layer name, node index, tensor index], got {h?.ToJsonString() ?? "null"}.");
                if (!made.TryGetValue(HistoryKey(a, $"a node of layer '{layer.Name}'"), out var kt))
                {
                    return false;
                }
                tensors.Add(kt);
                if (a.Count >= 4 && a[3] is JsonObject kw && !ReadKwargs(layer, kw, made, kwargs, IsKeras2Tensor, t => (JsonArray)t!))
                {
                    return false;
                }
            }
        }
        else
        {
            throw new FormatException($"Node of layer '{layer.Name}' has an unknown format: {data.ToJsonString()}.");
        }
        if (withMask)
        {
            kwargs.CheckKnown(layer);
            outputs = [layer.ApplyMasked(tensors[0], tensors[^1])];
            return true;
        }
        outputs = layer.ApplyWithKwargs([.. tensors], asList, kwargs);
        return true;
    }

    private static bool IsKeras3Tensor(JsonNode? n) => n is JsonObject t && (t["class_name"] as JsonValue)?.ToString() == "__keras_tensor__";

    private static bool IsKeras2Tensor(JsonNode? n) =>
        n is JsonArray { Count: 3 } a && a[0] is JsonValue name && name.TryGetValue<string>(out _) && a[1] is JsonValue i && i.TryGetValue<int>(out _);

    /// <summary>
    /// Reads a node's keyword arguments other than the mask (handled by the caller) and Keras's recorded
    /// <c>training</c> flag (the model's mode decides); false while a tensor they name is not yet made.
    /// </summary>
    private static bool ReadKwargs(Layer layer, JsonObject kw, Dictionary<(string, int, int), KerasTensor> made, CallKwargs<KerasTensor> into,
        Func<JsonNode?, bool> isTensor, Func<JsonNode?, JsonArray?> history)
    {
        bool TryTensor(JsonNode? t, out KerasTensor? kt)
        {
            var h = history(t) ?? throw new FormatException($"Node of layer '{layer.Name}': keyword argument {t?.ToJsonString()} is not a Keras tensor.");
            return made.TryGetValue(HistoryKey(h, $"a node of layer '{layer.Name}'"), out kt);
        }
        foreach (var (name, value) in kw)
        {
            if (name == "mask" || (name == "training" && (value is null || value is JsonValue)) || into.Has(name))
            {
                continue;
            }
            if (isTensor(value))
            {
                if (!TryTensor(value, out var kt))
                {
                    return false;
                }
                into.Add(name, kt!);
            }
            else if (value is JsonArray { Count: > 0 } list && list.All(isTensor))
            {
                var ts = new KerasTensor[list.Count];
                for (int i = 0; i < ts.Length; i++)
                {
                    if (!TryTensor(list[i], out var kt))
                    {
                        return false;
                    }
                    ts[i] = kt!;
                }
                into.Add(name, ts);
            }
            else
            {
                into.AddConstant(name, value?.DeepClone());
            }
        }
        return true;
    }

    private static string MetricName(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var name)
        ? name
        : throw new ConfigException($"compile_config metrics should name metrics with strings or metric configs, got {node?.ToJsonString() ?? "null"}.");

    // A keras_history entry [layer name, node index, tensor index] as the key of the tensor it names.
    private static (string, int, int) HistoryKey(JsonArray h, string where) =>
        h.Count >= 2 && h[0] is JsonValue n && n.TryGetValue<string>(out var name) && h[1] is JsonValue i && i.TryGetValue<int>(out var index)
            ? (name, index, h.Count >= 3 && h[2] is JsonValue ti && ti.TryGetValue<int>(out var tensorIndex) ? tensorIndex : 0)
            : throw new ConfigException($"In {where}: expected [layer name, node index, tensor index], got {h.ToJsonString()}.");

    /// <summary>A v3 config turned into the legacy (.h5) model_config: no module / registered_name / build_config on the model and its layers.</summary>
    public static JsonObject ToLegacy(JsonObject serialized)
    {
        var o = (JsonObject)serialized.DeepClone();
        foreach (var key in new[] { "module", "registered_name", "build_config", "compile_config" })
        {
            o.Remove(key);
        }
        if (o["config"]?["layers"] is JsonArray layers)
        {
            foreach (var l in layers.OfType<JsonObject>())
            {
                l.Remove("module");
                l.Remove("registered_name");
                l.Remove("build_config");
            }
        }
        return o;
    }

    /// <summary>Keras's legacy training_config from a compile_config.</summary>
    public static JsonObject TrainingConfig(Model model)
    {
        var c = CompileConfig(model);
        var opt = (JsonObject)c["optimizer"]!;
        c.Remove("optimizer");
        c["optimizer_config"] = new JsonObject { ["class_name"] = opt["class_name"]!.DeepClone(), ["config"] = opt["config"]!.DeepClone() };
        return c;
    }
}
