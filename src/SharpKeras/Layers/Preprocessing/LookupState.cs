using System.Text;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>What the lookup layers save beside their config, as Keras's IndexLookup: idf_weights in vars, vocabulary.txt in assets.</summary>
internal static class LookupState
{
    public const string VocabularyFile = "vocabulary.txt";

    public static IEnumerable<KeyValuePair<string, Tensor>> SaveIdf<TKey>(IndexLookup<TKey> core) where TKey : notnull
    {
        if (core.OutputMode == "tf_idf" && core.IdfWeights is { } idf)
        {
            yield return new("idf_weights", Tensor.FromArray(idf, idf.Length));
        }
    }

    public static IEnumerable<KeyValuePair<string, byte[]>> SaveVocabulary<TKey>(IndexLookup<TKey> core) where TKey : notnull
    {
        // A vocabulary given to the constructor is in the config already (Keras's save_assets returns early).
        if (core.InputVocabulary is null)
        {
            yield return new(VocabularyFile, core.VocabularyFile());
        }
    }

    public static void LoadVocabulary<TKey>(IndexLookup<TKey> core, Func<string, byte[]?> read, string where, Func<string, TKey> parse) where TKey : notnull
    {
        if (core.InputVocabulary is not null)
        {
            return;
        }
        var bytes = read(VocabularyFile) ?? throw new FormatException($"{where}{VocabularyFile}: {core.Who} was adapted, but the file has no vocabulary asset.");
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException($"{where}{VocabularyFile}: not valid UTF-8 ({e.Message}).", e);
        }
        var lines = text.Split('\n');
        var tokens = new TKey[lines.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            try
            {
                tokens[i] = parse(lines[i]);
            }
            catch (FormatException e)
            {
                throw new FormatException($"{where}{VocabularyFile}: line {i + 1} ('{lines[i]}') is not a token of {core.Who}: {e.Message}", e);
            }
        }
        try
        {
            core.SetVocabulary(tokens, null, fromAssets: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new FormatException($"{where}{VocabularyFile}: {e.Message}", e);
        }
        if (core.OutputMode == "tf_idf" && core.IdfWeights is { } idf && idf.Length != core.Depth)
        {
            throw new FormatException($"{where}: {core.Who} has {idf.Length} idf_weights for a vocabulary of {core.Depth} entries.");
        }
    }
}
