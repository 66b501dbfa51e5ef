using System.Text.Json.Nodes;

namespace SharpKeras.Serving.Tests;

/// <summary>The files real Python Keras wrote (shared/keras-refs), found by walking up from the test binaries.</summary>
internal static class KerasRefs
{
    public static string? Dir { get; } = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "keras-refs"), Path.Combine(dir.FullName, "..", "shared", "keras-refs") })
            {
                if (File.Exists(Path.Combine(candidate, "manifest.json")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        return null;
    }

    public static string PathOf(string name) => Path.Combine(Dir ?? throw new InvalidOperationException("keras-refs not found"), name);

    /// <summary>Each reference model's name with its inputs (manifest order) and Keras's predicted output.</summary>
    public static IEnumerable<(string Name, (string Input, Tensor X)[] Inputs, Tensor Y)> Models()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(PathOf("manifest.json")))!["models"]!.AsObject();
        foreach (var (name, entry) in manifest)
        {
            var files = entry!["files"]!;
            var inputs = files["inputs"]!.AsObject().Select(kv => (kv.Key, Saving.NumpyFile.Load(PathOf((string)kv.Value!)))).ToArray();
            yield return (name, inputs, Saving.NumpyFile.Load(PathOf((string)files["output"]!)));
        }
    }
}

/// <summary>A fact that needs the Keras reference files; skipped visibly otherwise.</summary>
public sealed class KerasRefsFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason when the files are missing.</summary>
    public KerasRefsFactAttribute()
    {
        if (KerasRefs.Dir is null)
        {
            Skip = "Keras reference files not found (expected shared/keras-refs above the checkout)";
        }
    }
}
