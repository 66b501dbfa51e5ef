namespace SharpKeras.Saving;

/// <summary>
/// State a layer keeps outside its variables, saved the way Keras's <c>save_own_variables</c> / <c>save_assets</c>
/// write it: named arrays beside the numbered ones in the layer's <c>vars</c> group (IndexLookup's "idf_weights"),
/// and files under the layer's folder in the .keras zip's <c>assets/</c> (a lookup's "vocabulary.txt").
/// </summary>
internal interface IKerasOwnState
{
    /// <summary>The named arrays to write in the layer's vars group.</summary>
    IEnumerable<KeyValuePair<string, Tensor>> SaveNamedVariables();

    /// <summary>Reads the named arrays back; <paramref name="read"/> gives null for a name the file lacks.</summary>
    void LoadNamedVariables(Func<string, Tensor?> read, string where);

    /// <summary>The asset files (name, bytes) to write in the layer's assets folder.</summary>
    IEnumerable<KeyValuePair<string, byte[]>> SaveAssets();

    /// <summary>Reads the asset files back; <paramref name="read"/> gives null for a file the archive lacks.</summary>
    void LoadAssets(Func<string, byte[]?> read, string where);
}
