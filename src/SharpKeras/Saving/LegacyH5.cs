using System.Text.Json.Nodes;
using PureHDF;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;

namespace SharpKeras.Saving;

/// <summary>
/// Keras 2's HDF5 model format (<c>model.save("m.h5")</c> in Keras 2 / tf.keras and Keras 3's legacy
/// path): model_config and training_config attributes, weights under <c>model_weights/&lt;layer&gt;</c>
/// listed by <c>layer_names</c> / <c>weight_names</c>, optimizer state under <c>optimizer_weights</c>.
/// </summary>
internal static class LegacyH5
{
    /// <summary>The backend written to the file's attributes; Keras 3 reads the data the same way for every backend.</summary>
    public const string Backend = "tensorflow";

    /// <summary>Each weight of a layer with the name Keras gives it in legacy files.</summary>
    private static List<(string Name, Variable Var)> NamedWeights(Model model, Layer layer)
    {
        string prefix = model is Sequential ? $"{model.Name}/{layer.Name}" : layer.Name;
        var names = new Dictionary<Variable, string>();
        void Collect(Layer l, string p)
        {
            foreach (var v in l.OwnVariables)
            {
                names[v] = $"{p}/{v.Name}";
            }
            // Keras names a nested layer's variables by its name scope ("lstm/lstm_cell/kernel").
            foreach (var (_, child) in l.SavedChildren())
            {
                Collect(child, $"{p}/{child.Name}");
            }
        }
        Collect(layer, prefix);
        return [.. layer.Weights.Select(v => (names.GetValueOrDefault(v, $"{prefix}/{v.Name}"), v))];
    }

    private static string[] SlotNames(Optimizer opt) => opt switch
    {
        Adam a => a.Amsgrad ? ["momentum", "velocity", "velocity_hat"] : ["momentum", "velocity"],
        SGD s => s.Momentum != 0 ? ["momentum"] : [],
        RMSprop r => ["velocity", .. r.Momentum > 0 ? new[] { "momentum" } : [], .. r.Centered ? new[] { "average_gradient" } : []],
        _ => [],
    };

    public static H5File Build(Model model, JsonObject serialized)
    {
        if (KerasAssets.Collect(model) is { Count: > 0 } assets)
        {
            // Keras's legacy HDF5 saving has no assets either: an adapted vocabulary would be lost silently.
            throw new NotSupportedException($"Model '{model.Name}' has layer state that the legacy .h5 format cannot hold ({string.Join(", ", assets.Select(a => a.Key))}); save it as .keras instead.");
        }
        var file = new H5File();
        file.Attributes["backend"] = Backend;
        file.Attributes["keras_version"] = KerasFile.KerasVersion;
        file.Attributes["model_config"] = ModelSerializer.ToLegacy(serialized).ToJsonString();
        if (model.Compiled)
        {
            file.Attributes["training_config"] = ModelSerializer.TrainingConfig(model).ToJsonString();
        }
        var weights = new H5Group();
        file["model_weights"] = weights;
        WriteModelWeights(model, weights);
        if (model.Optimizer is { } opt)
        {
            var og = new H5Group();
            file["optimizer_weights"] = og;
            var values = opt.SaveableVariables();
            // A scheduled learning rate is no variable (Keras saves none).
            var names = opt.Schedule is null ? new List<string> { $"{opt.Name}/iteration", $"{opt.Name}/learning_rate" } : [$"{opt.Name}/iteration"];
            var slotNames = SlotNames(opt);
            var trainables = opt.Built ? model.TrainableWeights : [];
            var paths = trainables.Select(v => NamedWeights(model, model.Layers.First(l => l.Weights.Contains(v)))
                .First(p => ReferenceEquals(p.Var, v)).Name.Replace('/', '_')).ToList();
            // Same order as the slot values: per kind for RMSprop, per weight otherwise.
            names.AddRange(opt is RMSprop
                ? slotNames.SelectMany(s => paths.Select(path => $"{opt.Name}/{path}_{s}"))
                : paths.SelectMany(path => slotNames.Select(s => $"{opt.Name}/{path}_{s}")));
            if (names.Count != values.Count)
            {
                int first = opt.UnbuiltVariableCount;
                names = [.. names.Take(first), .. Enumerable.Range(first, values.Count - first).Select(i => $"{opt.Name}/slot_{i - first}")];
            }
            H5.SetStringList(og.Attributes, "weight_names", names);
            for (int i = 0; i < values.Count; i++)
            {
                var (groupPath, leaf) = Split(names[i]);
                H5.Child(og, groupPath)[leaf] = H5.Dataset(values[i]);
            }
        }
        return file;
    }

    private static (string Group, string Leaf) Split(string path)
    {
        int slash = path.LastIndexOf('/');
        return (path[..slash], path[(slash + 1)..]);
    }

    /// <summary>Writes layer_names, one group per layer with weight_names and datasets, and top_level_model_weights.</summary>
    public static void WriteModelWeights(Model model, H5Group weights)
    {
        weights.Attributes["backend"] = Backend;
        weights.Attributes["keras_version"] = KerasFile.KerasVersion;
        H5.SetStringList(weights.Attributes, "layer_names", [.. model.Layers.Select(l => l.Name)]);
        foreach (var layer in model.Layers)
        {
            var g = new H5Group();
            weights[layer.Name] = g;
            var named = NamedWeights(model, layer);
            H5.SetStringList(g.Attributes, "weight_names", [.. named.Select(n => n.Name)]);
            foreach (var (name, v) in named)
            {
                var (groupPath, leaf) = Split(name);
                H5.Child(g, groupPath)[leaf] = H5.Dataset(v.Value);
            }
        }
        var top = new H5Group();
        H5.SetStringList(top.Attributes, "weight_names", []);
        weights["top_level_model_weights"] = top;
    }

    /// <summary>Reads a legacy model file: architecture, weights and (when present) compile settings and optimizer state.</summary>
    public static Model LoadModel(IH5Group root, string file) => H5.Guarded(file, () => LoadModelUnguarded(root, file));

    private static Model LoadModelUnguarded(IH5Group root, string file)
    {
        var configText = H5.StringAttribute(root, "model_config")
            ?? throw new FormatException($"'{file}' has no model_config attribute: it holds weights only. Build the model in code and call LoadWeights(\"{file}\").");
        JsonNode config;
        try
        {
            config = JsonNode.Parse(configText) ?? throw new FormatException("empty");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException($"'{file}': model_config is not valid JSON ({e.Message}).", e);
        }
        var layer = KerasSerializer.Layer(config);
        if (layer is not Model model)
        {
            throw new FormatException($"'{file}': model_config describes a {layer.ClassName}, not a model.");
        }
        var weights = H5.TryGroup(root, "model_weights") ?? throw new FormatException($"'{file}' has no model_weights group.");
        LoadModelWeights(model, weights, file);
        if (H5.StringAttribute(root, "training_config") is { } tc && JsonNode.Parse(tc) is JsonObject training)
        {
            if (ModelSerializer.TryCompile(model, training, file) && H5.TryGroup(root, "optimizer_weights") is { } og)
            {
                LoadOptimizer(model, og, file);
            }
        }
        return model;
    }

    private static void LoadOptimizer(Model model, IH5Group og, string file)
    {
        var names = H5.StringListAttribute(og, "weight_names");
        var values = names.Select(n => H5.Read(og.Dataset(n), $"{file}: optimizer_weights/{n}")).ToList();
        var opt = model.Optimizer!;
        if (values.Count > opt.UnbuiltVariableCount && !opt.Built)
        {
            opt.Build(model.TrainableWeights);
        }
        try
        {
            opt.LoadVariables(values, $"{file}: optimizer_weights");
        }
        catch (FormatException e)
        {
            // Keras 2's optimizers stored other variables (no learning rate, slots grouped differently);
            // Keras 3 skips them too. The layer weights are loaded; training restarts the optimizer.
            Console.Error.WriteLine($"Warning: skipping the optimizer state of '{file}' ({e.Message}).");
        }
    }

    /// <summary>Loads weights by layer order from a legacy group (model_weights, or the root of a legacy weights file).</summary>
    public static void LoadModelWeights(Model model, IH5Group group, string file) => H5.Guarded(file, () => LoadModelWeightsUnguarded(model, group, file));

    private static void LoadModelWeightsUnguarded(Model model, IH5Group group, string file)
    {
        var layerNames = H5.StringListAttribute(group, "layer_names");
        var withWeights = new List<(string Name, string[] WeightNames)>();
        foreach (var name in layerNames)
        {
            var g = H5.TryGroup(group, name) ?? throw new FormatException($"'{file}': layer_names lists '{name}' but there is no group for it.");
            var wn = H5.StringListAttribute(g, "weight_names");
            if (wn.Length > 0)
            {
                withWeights.Add((name, wn));
            }
        }
        var layers = model.Layers.Where(l => l.Weights.Count > 0).ToList();
        if (layers.Count != withWeights.Count)
        {
            throw new FormatException($"'{file}': the file has weights for {withWeights.Count} layers [{string.Join(", ", withWeights.Select(w => w.Name))}] " +
                $"but the model has {layers.Count} layers with weights [{string.Join(", ", layers.Select(l => l.Name))}].");
        }
        var pending = new List<(Variable Var, Tensor Value)>();
        for (int k = 0; k < layers.Count; k++)
        {
            var layer = layers[k];
            var (name, weightNames) = withWeights[k];
            var vars = layer.Weights;
            if (vars.Count != weightNames.Length)
            {
                throw new FormatException($"'{file}': layer '{layer.Name}' ({layer.ClassName}) expects {vars.Count} weights but group '{name}' has {weightNames.Length} [{string.Join(", ", weightNames)}].");
            }
            var g = H5.TryGroup(group, name)!;
            for (int i = 0; i < vars.Count; i++)
            {
                var path = $"{name}/{weightNames[i]}";
                var value = H5.Read(g.Dataset(weightNames[i]), $"{file}: {path}");
                // A scalar weight (Attention's scale) may come back from HDF5 as a one-element array.
                if (vars[i].Shape.Rank == 0 && value.Shape.Rank == 1 && value.Shape[0] == 1)
                {
                    value = Tensor.Scalar(value.ToArray()[0]);
                }
                if (value.Shape != vars[i].Shape)
                {
                    throw new FormatException($"'{file}': weight '{path}' has shape {value.Shape} in the file, but layer '{layer.Name}' expects {vars[i].Shape} for {vars[i].Name}.");
                }
                pending.Add((vars[i], value));
            }
        }
        foreach (var (v, value) in pending)
        {
            v.Assign(value);
        }
    }
}
