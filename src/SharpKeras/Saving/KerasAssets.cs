using System.IO.Compression;
using SharpKeras.Layers;

namespace SharpKeras.Saving;

/// <summary>
/// The <c>assets/</c> folder of a .keras zip, as Keras's saving_lib lays it out: each object's files at
/// <c>assets/&lt;its path&gt;/</c>, the path being the one its variables have in model.weights.h5
/// (<c>layers/string_lookup</c>, <c>layers/text_vectorization/_lookup_layer</c>).
/// </summary>
internal static class KerasAssets
{
    public const string Folder = "assets";

    /// <summary>Every asset file of the layer tree, as (zip entry name, bytes).</summary>
    public static List<KeyValuePair<string, byte[]>> Collect(Layer root)
    {
        var list = new List<KeyValuePair<string, byte[]>>();
        Walk(root, "", (layer, path) =>
        {
            foreach (var (file, data) in ((IKerasOwnState)layer).SaveAssets())
            {
                list.Add(new(Entry(path, file), data));
            }
        });
        return list;
    }

    /// <summary>Whether any layer in the tree keeps assets.</summary>
    public static bool Any(Layer root)
    {
        bool any = false;
        Walk(root, "", (_, _) => any = true);
        return any;
    }

    /// <summary>Hands each layer with assets its files from the open archive.</summary>
    public static void Load(Layer root, ZipArchive zip, string file)
    {
        Walk(root, "", (layer, path) => ((IKerasOwnState)layer).LoadAssets(name =>
        {
            var entryName = Entry(path, name);
            return SafeZip.Single(zip, entryName, file) is { } entry
                ? SafeZip.ReadAll(entry, $"{file}/{entryName}", LoadLimits.MaxEntryBytes, nameof(LoadLimits.MaxEntryBytes))
                : null;
        }, $"{file}/{Entry(path, "")}"));
    }

    private static string Entry(string path, string name) => path.Length == 0 ? $"{Folder}/{name}" : $"{Folder}/{path}/{name}";

    private static void Walk(Layer layer, string path, Action<Layer, string> visit)
    {
        if (layer is IKerasOwnState)
        {
            visit(layer, path);
        }
        foreach (var (rel, child) in layer.SavedChildren())
        {
            Walk(child, path.Length == 0 ? rel : path + "/" + rel, visit);
        }
    }
}
