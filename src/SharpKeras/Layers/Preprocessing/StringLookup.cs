using System.Text;
using System.Text.Json.Nodes;
using SharpKeras.Saving;
using SharpKeras.Utils;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Maps string tokens to integer indices (<c>keras.layers.StringLookup</c>), from a given vocabulary or one learnt by
/// <see cref="Adapt(IEnumerable{string})"/>: mask token first (when set, in "int" mode), then the OOV indices, then the
/// tokens. Strings come in through <see cref="Apply(string[][])"/> (SharpKeras tensors hold numbers only); "int" mode
/// returns int32 indices (Keras's int64), the other modes float32 vectors; <c>invert</c> maps indices back with
/// <see cref="ApplyInverted(int[][])"/>.
/// </summary>
public sealed class StringLookup : Layer, IKerasSerializable<StringLookup>, IKerasOwnState
{
    private readonly IndexLookup<string> _core;

    /// <summary>A StringLookup layer with Keras's defaults (one OOV index "[UNK]", no mask, output_mode "int").</summary>
    public StringLookup(int? maxTokens = null, int numOovIndices = 1, string? maskToken = null, string oovToken = "[UNK]", IEnumerable<string>? vocabulary = null,
        float[]? idfWeights = null, bool invert = false, string outputMode = "int", bool padToMaxTokens = false, bool sparse = false, string encoding = "utf-8",
        string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(oovToken);
        if (encoding is not ("utf-8" or "utf8" or "UTF-8"))
        {
            throw new NotSupportedException($"StringLookup layer '{name ?? "string_lookup"}': encoding must be \"utf-8\" (.NET strings are Unicode; other encodings are not supported), got \"{encoding}\".");
        }
        Encoding = encoding;
        _core = new IndexLookup<string>(this, maxTokens, numOovIndices, maskToken is not null, maskToken ?? "", oovToken, invert, outputMode, padToMaxTokens, sparse,
            Utf8Order.Instance, (s, n) => (int)(FarmHash.Fingerprint64(System.Text.Encoding.UTF8.GetBytes(s)) % (ulong)n), s => s, name);
        _core.Initialize(vocabulary, idfWeights);
    }

    internal IndexLookup<string> Core => _core;

    /// <summary>The largest vocabulary size, special tokens included (null: unlimited).</summary>
    public int? MaxTokens => _core.MaxTokens;

    /// <summary>How many out-of-vocabulary buckets there are (tokens hash into them with FarmHash when more than one).</summary>
    public int NumOovIndices => _core.NumOovIndices;

    /// <summary>The token that means "masked" (index 0 in "int" mode), or null for none.</summary>
    public string? MaskToken => _core.HasMask ? _core.MaskToken : null;

    /// <summary>The token an OOV index maps back to with invert.</summary>
    public string OovToken => _core.OovToken;

    /// <summary>Whether the layer maps indices back to tokens.</summary>
    public bool Invert => _core.Invert;

    /// <summary>"int", "one_hot", "multi_hot", "count" or "tf_idf".</summary>
    public string OutputMode => _core.OutputMode;

    /// <summary>Whether encoded vectors have max_tokens entries whatever the vocabulary size.</summary>
    public bool PadToMaxTokens => _core.PadToMaxTokens;

    /// <summary>The text encoding of the tokens ("utf-8").</summary>
    public string Encoding { get; }

    /// <summary>The idf weight per output index (tf_idf), or null.</summary>
    public IReadOnlyList<float>? IdfWeights => _core.IdfWeights;

    /// <summary>The vocabulary (Keras's <c>get_vocabulary</c>); with the special tokens a token's position is its index.</summary>
    public IReadOnlyList<string> GetVocabulary(bool includeSpecialTokens = true) => _core.GetVocabulary(includeSpecialTokens);

    /// <summary>The vocabulary size, mask and OOV indices included (Keras's <c>vocabulary_size</c>).</summary>
    public int VocabularySize() => _core.VocabularySize;

    /// <summary>Replaces the vocabulary (and, for tf_idf, the idf weights), as Keras's <c>set_vocabulary</c>.</summary>
    public void SetVocabulary(IEnumerable<string> vocabulary, float[]? idfWeights = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _core.SetVocabulary([.. vocabulary], idfWeights, fromAssets: false);
    }

    /// <summary>Learns the vocabulary from <paramref name="data"/>, each string one document of one token (Keras's <c>adapt</c> on a list of strings).</summary>
    public void Adapt(IEnumerable<string> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _core.Adapt(data.Select(s => (IReadOnlyList<string>)[s]));
    }

    /// <summary>Learns the vocabulary from rows of tokens, each row one document (Keras's <c>adapt</c> on a 2-D array or a dataset).</summary>
    public void Adapt(IEnumerable<string[]> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _core.Adapt(data);
    }

    /// <summary>Looks up a batch of tokens (shape [n]).</summary>
    public Tensor Apply(string[] inputs)
    {
        var (values, shape) = StringInputs.Flatten(_core.Who, inputs);
        return Lookup(values, shape);
    }

    /// <summary>Looks up a rectangular batch of token rows (shape [n, m]).</summary>
    public Tensor Apply(string[][] inputs)
    {
        var (values, shape) = StringInputs.Flatten(_core.Who, inputs);
        return Lookup(values, shape);
    }

    internal Tensor Lookup(string[] values, int[] shape)
    {
        if (Invert)
        {
            throw new InvalidOperationException($"{_core.Who}: invert=True maps indices to tokens; call ApplyInverted with integer indices.");
        }
        return _core.Encode(_core.Lookup(values), shape);
    }

    /// <summary>Maps indices back to tokens (a layer made with invert=True).</summary>
    public string[] ApplyInverted(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        RequireInvert();
        return _core.InvertLookup(indices);
    }

    /// <summary>Maps rows of indices back to tokens (a layer made with invert=True).</summary>
    public string[][] ApplyInverted(int[][] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        RequireInvert();
        return [.. indices.Select((row, r) => _core.InvertLookup(row ?? throw new ArgumentException($"{_core.Who}: index row {r} is null.", nameof(indices))))];
    }

    private void RequireInvert()
    {
        if (!Invert)
        {
            throw new InvalidOperationException($"{_core.Who}: ApplyInverted needs a layer made with invert=True; this one maps tokens to indices (call Apply with strings).");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => _core.OutputShape(inputShape);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => throw new NotSupportedException(
        $"{_core.Who} takes strings, which SharpKeras tensors cannot hold: call Apply(string[]) or Apply(string[][]) (or ApplyInverted(int[][]) with invert=True) outside the model.");

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["invert"] = Invert;
        c["max_tokens"] = MaxTokens;
        c["num_oov_indices"] = NumOovIndices;
        c["oov_token"] = OovToken;
        c["mask_token"] = MaskToken;
        c["output_mode"] = OutputMode;
        c["sparse"] = false;
        c["pad_to_max_tokens"] = PadToMaxTokens;
        c["idf_weights"] = _core.InputIdfWeights is { } w ? new JsonArray([.. w.Select(v => (JsonNode)(double)v)]) : null;
        c["vocabulary"] = _core.InputVocabulary is { } v2 ? new JsonArray([.. v2.Select(t => (JsonNode)t)]) : null;
        c["vocabulary_size"] = _core.FrozenVocabularySize;
        c["encoding"] = Encoding;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>); an adapted vocabulary comes back from the .keras assets.</summary>
    public static StringLookup FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var layer = new StringLookup(Cfg.OptionalInt(config, "max_tokens"), Cfg.Int(config, "num_oov_indices", 1), Cfg.OptionalString(config, "mask_token"),
            Cfg.OptionalString(config, "oov_token") ?? "[UNK]", LookupConfig.Strings(config, "vocabulary"), LookupConfig.Floats(config, "idf_weights"),
            Cfg.Bool(config, "invert", false), Cfg.String(config, "output_mode", "int"), Cfg.Bool(config, "pad_to_max_tokens", false), Cfg.Bool(config, "sparse", false),
            Cfg.String(config, "encoding", "utf-8"), Cfg.Name(config));
        layer._core.FrozenVocabularySize ??= Cfg.OptionalInt(config, "vocabulary_size");
        return layer;
    }

    IEnumerable<KeyValuePair<string, Tensor>> IKerasOwnState.SaveNamedVariables() => LookupState.SaveIdf(_core);

    void IKerasOwnState.LoadNamedVariables(Func<string, Tensor?> read, string where) => _core.LoadIdf(read("idf_weights"), where);

    IEnumerable<KeyValuePair<string, byte[]>> IKerasOwnState.SaveAssets() => LookupState.SaveVocabulary(_core);

    void IKerasOwnState.LoadAssets(Func<string, byte[]?> read, string where) =>
        LookupState.LoadVocabulary(_core, read, where, text => text);
}
