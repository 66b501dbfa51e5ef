using System.Globalization;
using PureHDF;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Saving;

/// <summary>
/// Keras 3's weights layout (<c>.weights.h5</c> and the <c>model.weights.h5</c> inside <c>.keras</c>):
/// each object's own variables at <c>&lt;path&gt;/vars/&lt;i&gt;</c> (trainable first), nested objects below it
/// (<c>layers/dense</c>, <c>layers/lstm/cell</c>, ...), and the optimizer's at <c>optimizer/vars/&lt;i&gt;</c>.
/// </summary>
internal static class WeightsFile
{
    /// <summary>Keras's name for an object in a list: snake_case class name, made unique with _1, _2, ... in order.</summary>
    public static string UniqueSnakeName(Layer child, Dictionary<string, int> used)
    {
        var name = Layer.ToSnakeCase(child.ClassName);
        if (used.TryGetValue(name, out var n))
        {
            used[name] = n + 1;
            return $"{name}_{n + 1}";
        }
        used[name] = 0;
        return name;
    }

    /// <summary>The HDF5 tree of a model's weights (and its optimizer's, when compiled).</summary>
    public static H5File Build(Model model)
    {
        var file = new H5File();
        WriteObject(file, model);
        if (model.Optimizer is { } opt)
        {
            var vars = H5.Child(file, "optimizer/vars");
            vars.Attributes["name"] = opt.Name;
            var values = opt.SaveableVariables();
            for (int i = 0; i < values.Count; i++)
            {
                vars[i.ToString(CultureInfo.InvariantCulture)] = H5.Dataset(values[i]);
            }
        }
        return file;
    }

    private static void WriteObject(H5Group group, Layer layer)
    {
        var vars = H5.Child(group, "vars");
        vars.Attributes["name"] = layer.Name;
        var own = layer.OwnVariables;
        for (int i = 0; i < own.Count; i++)
        {
            vars[i.ToString(CultureInfo.InvariantCulture)] = H5.Dataset(own[i].Value);
        }
        if (layer is IKerasOwnState state)
        {
            foreach (var (key, value) in state.SaveNamedVariables())
            {
                vars[key] = H5.Dataset(value);
            }
        }
        foreach (var (path, child) in layer.SavedChildren())
        {
            WriteObject(H5.Child(group, path), child);
        }
    }

    /// <summary>Writes the weights file for <paramref name="model"/> to <paramref name="stream"/>.</summary>
    public static void Write(Model model, Stream stream) => Build(model).Write(stream);

    /// <summary>Loads every weight (and the optimizer state, when both the file and the model have one) from an open file.</summary>
    public static void Load(Model model, IH5Group root, string file) => H5.Guarded(file, () => LoadUnguarded(model, root, file));

    private static void LoadUnguarded(Model model, IH5Group root, string file)
    {
        LoadObject(root, model, "", file);
        if (model.Optimizer is { } opt && H5.TryGroup(root, "optimizer/vars") is { } ovars)
        {
            var values = ReadVars(ovars, "optimizer/vars", file);
            // Beyond iterations (and the learning rate unless scheduled) the file holds slots: build to receive them.
            if (values.Count > opt.UnbuiltVariableCount && !opt.Built)
            {
                opt.Build(model.TrainableWeights);
            }
            if (values.Count > opt.UnbuiltVariableCount || !opt.Built)
            {
                opt.LoadVariables(values, $"{file}: optimizer/vars");
            }
        }
    }

    private static List<Tensor> ReadVars(IH5Group vars, string path, string file)
    {
        var list = new List<Tensor>();
        for (int i = 0; ; i++)
        {
            var key = i.ToString(CultureInfo.InvariantCulture);
            bool exists;
            try
            {
                exists = vars.LinkExists(key);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"{file}: {path} cannot be read ({e.Message}); the file is corrupt or truncated.", e);
            }
            if (!exists)
            {
                return list;
            }
            list.Add(H5.Read(vars.Dataset(key), $"{file}: {path}/{key}"));
        }
    }

    private static void LoadObject(IH5Group group, Layer layer, string path, string file)
    {
        var own = layer.OwnVariables;
        string varsPath = path.Length == 0 ? "vars" : path + "/vars";
        var vars = H5.TryGroup(group, "vars");
        var values = vars is null ? [] : ReadVars(vars, varsPath, file);
        if (values.Count != own.Count)
        {
            throw new FormatException($"{file}: layer '{layer.Name}' ({layer.ClassName}) at '{varsPath}' expects {own.Count} variables " +
                $"[{string.Join(", ", own.Select(v => $"{v.Name} {v.Shape}"))}] but the file has {values.Count}.");
        }
        for (int i = 0; i < own.Count; i++)
        {
            // A scalar weight (Attention's scale) may come back from HDF5 as a one-element array.
            if (own[i].Shape.Rank == 0 && values[i].Shape.Rank == 1 && values[i].Shape[0] == 1)
            {
                values[i] = Tensor.Scalar(values[i].ToArray()[0]);
            }
            if (values[i].Shape != own[i].Shape)
            {
                throw new FormatException($"{file}: weight '{varsPath}/{i}' ({own[i].Name} of layer '{layer.Name}') has shape {values[i].Shape} in the file, but the model expects {own[i].Shape}.");
            }
        }
        for (int i = 0; i < own.Count; i++)
        {
            own[i].Assign(values[i]);
        }
        if (layer is IKerasOwnState state)
        {
            state.LoadNamedVariables(key => vars is not null && vars.LinkExists(key) ? H5.Read(vars.Dataset(key), $"{file}: {varsPath}/{key}") : null, $"{file}: {varsPath}");
        }
        foreach (var (rel, child) in layer.SavedChildren())
        {
            var childPath = path.Length == 0 ? rel : path + "/" + rel;
            var g = H5.TryGroup(group, rel);
            if (g is null)
            {
                if (child.Weights.Count == 0)
                {
                    continue;
                }
                throw new FormatException($"{file}: no group '{childPath}' for layer '{child.Name}' ({child.ClassName}); the file was saved from a different architecture.");
            }
            LoadObject(g, child, childPath, file);
        }
    }
}
