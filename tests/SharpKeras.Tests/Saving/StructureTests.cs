using System.IO.Compression;
using System.Text.Json.Nodes;
using PureHDF;
using SharpKeras.Models;

namespace SharpKeras.Tests.Saving;

/// <summary>Files SharpKeras writes have the layout, keys and dtypes of the files Keras writes (so Keras can load them).</summary>
public sealed class StructureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-structure-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every group, dataset (dtype class, size, shape) and attribute (string or numeric, shape) of an HDF5 file.</summary>
    internal static SortedSet<string> Tree(Stream stream)
    {
        using var file = H5File.Open(stream, leaveOpen: false);
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        void Attrs(IH5Object obj, string path)
        {
            foreach (var a in obj.Attributes())
            {
                bool isString = a.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength;
                lines.Add($"{path} @{a.Name} {(isString ? "string" : a.Type.Class + "/" + a.Type.Size)} [{string.Join(",", a.Space.Dimensions)}]");
            }
        }
        void Walk(IH5Group g, string path)
        {
            Attrs(g, path);
            foreach (var child in g.Children())
            {
                var p = path + "/" + child.Name;
                if (child is IH5Group cg)
                {
                    lines.Add(p + " group");
                    Walk(cg, p);
                }
                else if (child is IH5Dataset ds)
                {
                    lines.Add($"{p} dataset {ds.Type.Class}/{ds.Type.Size} [{string.Join(",", ds.Space.Dimensions)}]");
                    Attrs(ds, p);
                }
            }
        }
        Walk(file, "");
        return lines;
    }

    internal static SortedSet<string> Tree(string path) => Tree(File.OpenRead(path));

    private static SortedSet<string> ZippedTree(string keras)
    {
        using var zip = ZipFile.OpenRead(keras);
        var ms = new MemoryStream();
        using (var s = zip.GetEntry("model.weights.h5")!.Open())
        {
            s.CopyTo(ms);
        }
        ms.Position = 0;
        return Tree(ms);
    }

    private static JsonObject ZippedJson(string keras, string entry)
    {
        using var zip = ZipFile.OpenRead(keras);
        using var s = zip.GetEntry(entry)!.Open();
        return (JsonObject)JsonNode.Parse(s)!;
    }

    /// <summary>Differences in structure: keys, value kinds, list lengths, and strings (except where Keras's backend shows).</summary>
    internal static List<string> Diff(JsonNode? keras, JsonNode? ours, string path = "$")
    {
        var diffs = new List<string>();
        switch (keras, ours)
        {
            case (null, null):
                break;
            case (JsonObject k, JsonObject o):
                foreach (var key in k.Select(p => p.Key).Where(key => key != "shared_object_id"))
                {
                    if (!o.ContainsKey(key))
                    {
                        diffs.Add($"{path}.{key}: missing in ours");
                    }
                    else
                    {
                        diffs.AddRange(Diff(k[key], o[key], $"{path}.{key}"));
                    }
                }
                diffs.AddRange(o.Select(p => p.Key).Where(key => !k.ContainsKey(key)).Select(key => $"{path}.{key}: extra in ours"));
                break;
            case (JsonArray k, JsonArray o):
                if (k.Count != o.Count)
                {
                    diffs.Add($"{path}: {k.Count} items in Keras's, {o.Count} in ours");
                }
                for (int i = 0; i < Math.Min(k.Count, o.Count); i++)
                {
                    diffs.AddRange(Diff(k[i], o[i], $"{path}[{i}]"));
                }
                break;
            case (JsonValue k, JsonValue o):
                if (k.GetValueKind() != o.GetValueKind() && !(k.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False
                    && o.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
                {
                    diffs.Add($"{path}: {k.ToJsonString()} in Keras's, {o.ToJsonString()} in ours");
                }
                else if (k.GetValueKind() == System.Text.Json.JsonValueKind.String && k.GetValue<string>() != o.GetValue<string>()
                    && !path.EndsWith(".date_saved", StringComparison.Ordinal))
                {
                    diffs.Add($"{path}: {k.ToJsonString()} in Keras's, {o.ToJsonString()} in ours");
                }
                break;
            default:
                diffs.Add($"{path}: {keras?.ToJsonString() ?? "null"} in Keras's, {ours?.ToJsonString() ?? "null"} in ours");
                break;
        }
        return diffs;
    }

    internal static void AssertSameTree(SortedSet<string> keras, SortedSet<string> ours)
    {
        var missing = keras.Except(ours).ToList();
        var extra = ours.Except(keras).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"Missing in ours: {string.Join("; ", missing)}\nExtra in ours: {string.Join("; ", extra)}");
    }

    // Keras's reference ran on the torch backend; these name it, and SharpKeras writes the backend-neutral names.
    private static readonly string[] BackendSpecific =
    [
        "$.compile_config.optimizer.module: \"keras.src.backend.torch.optimizers.torch_adam\" in Keras's, \"keras.optimizers\" in ours",
        "$.compile_config.optimizer.registered_name: \"Adam\" in Keras's, null in ours",
    ];

    [KerasRefsTheory]
    [InlineData("mlp")]
    [InlineData("functional")]
    public void KerasFileMatchesKerasLayout(string name)
    {
        var model = Model.Load(KerasRefs.File($"{name}.keras"));
        var path = Path.Combine(_dir, $"{name}.keras");
        model.Save(path);
        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.Equal(["config.json", "metadata.json", "model.weights.h5"], zip.Entries.Select(e => e.FullName).Order().ToArray());
        }
        AssertSameTree(ZippedTree(KerasRefs.File($"{name}.keras")), ZippedTree(path));
        Assert.Empty(Diff(ZippedJson(KerasRefs.File($"{name}.keras"), "config.json"), ZippedJson(path, "config.json")).Except(BackendSpecific));
        Assert.Empty(Diff(ZippedJson(KerasRefs.File($"{name}.keras"), "metadata.json"), ZippedJson(path, "metadata.json")));
    }

    [KerasRefsTheory]
    [InlineData("mlp")]
    [InlineData("functional")]
    public void WeightsFileMatchesKerasLayout(string name)
    {
        var model = Model.Load(KerasRefs.File($"{name}.keras"));
        var path = Path.Combine(_dir, $"{name}.weights.h5");
        model.SaveWeights(path);
        AssertSameTree(Tree(KerasRefs.File($"{name}.weights.h5")), Tree(path));
    }

    [KerasRefsTheory]
    [InlineData("mlp")]
    [InlineData("functional")]
    public void LegacyFileMatchesKerasLayout(string name)
    {
        var model = Model.Load(KerasRefs.File($"{name}.keras"));
        var path = Path.Combine(_dir, $"{name}.h5");
        model.Save(path);
        AssertSameTree(Tree(KerasRefs.File($"{name}.h5")), Tree(path));
        using var ours = H5File.OpenRead(path);
        using var theirs = H5File.OpenRead(KerasRefs.File($"{name}.h5"));
        foreach (var attr in new[] { "model_config", "training_config" })
        {
            if (theirs.AttributeExists(attr))
            {
                var diffs = Diff(JsonNode.Parse(theirs.Attribute(attr).Read<string>()), JsonNode.Parse(ours.Attribute(attr).Read<string>()));
                Assert.Empty(diffs);
            }
        }
    }
}
