using System.Globalization;
using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Maps integer tokens to contiguous indices (<c>keras.layers.IntegerLookup</c>), from a given vocabulary or one learnt
/// by <see cref="Adapt(Tensor)"/>: mask token first (when set, in "int" mode), then the OOV indices (an OOV value v goes
/// to bucket v mod num_oov_indices), then the tokens. Takes int32 tensors (or float32 holding whole numbers); "int" mode
/// returns int32 indices (Keras's int64), the other modes float32 vectors; with invert=True it maps indices back to tokens.
/// </summary>
public sealed class IntegerLookup : Layer, IKerasSerializable<IntegerLookup>, IKerasOwnState
{
    private readonly IndexLookup<long> _core;

    /// <summary>An IntegerLookup layer with Keras's defaults (one OOV index, OOV token -1, no mask, output_mode "int").</summary>
    public IntegerLookup(int? maxTokens = null, int numOovIndices = 1, long? maskToken = null, long oovToken = -1, IEnumerable<long>? vocabulary = null,
        string vocabularyDtype = "int64", float[]? idfWeights = null, bool invert = false, string outputMode = "int", bool sparse = false, bool padToMaxTokens = false,
        string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (vocabularyDtype != "int64")
        {
            throw new ArgumentException($"IntegerLookup layer '{name ?? "integer_lookup"}': only vocabulary_dtype \"int64\" is supported, got \"{vocabularyDtype}\".", nameof(vocabularyDtype));
        }
        _core = new IndexLookup<long>(this, maxTokens, numOovIndices, maskToken is not null, maskToken ?? 0, oovToken, invert, outputMode, padToMaxTokens, sparse,
            Comparer<long>.Default, (v, n) => (int)(((v % n) + n) % n), IndexLookup<long>.Show, name);
        _core.Initialize(vocabulary, idfWeights);
    }

    /// <summary>The largest vocabulary size, special tokens included (null: unlimited).</summary>
    public int? MaxTokens => _core.MaxTokens;

    /// <summary>How many out-of-vocabulary buckets there are.</summary>
    public int NumOovIndices => _core.NumOovIndices;

    /// <summary>The value that means "masked" (index 0 in "int" mode), or null for none.</summary>
    public long? MaskToken => _core.HasMask ? _core.MaskToken : null;

    /// <summary>The token an OOV index maps back to with invert.</summary>
    public long OovToken => _core.OovToken;

    /// <summary>Whether the layer maps indices back to tokens.</summary>
    public bool Invert => _core.Invert;

    /// <summary>"int", "one_hot", "multi_hot", "count" or "tf_idf".</summary>
    public string OutputMode => _core.OutputMode;

    /// <summary>Whether encoded vectors have max_tokens entries whatever the vocabulary size.</summary>
    public bool PadToMaxTokens => _core.PadToMaxTokens;

    /// <summary>The idf weight per output index (tf_idf), or null.</summary>
    public IReadOnlyList<float>? IdfWeights => _core.IdfWeights;

    /// <summary>The vocabulary (Keras's <c>get_vocabulary</c>); with the special tokens a token's position is its index.</summary>
    public IReadOnlyList<long> GetVocabulary(bool includeSpecialTokens = true) => _core.GetVocabulary(includeSpecialTokens);

    /// <summary>The vocabulary size, mask and OOV indices included (Keras's <c>vocabulary_size</c>).</summary>
    public int VocabularySize() => _core.VocabularySize;

    /// <summary>Replaces the vocabulary (and, for tf_idf, the idf weights), as Keras's <c>set_vocabulary</c>.</summary>
    public void SetVocabulary(IEnumerable<long> vocabulary, float[]? idfWeights = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _core.SetVocabulary([.. vocabulary], idfWeights, fromAssets: false);
    }

    /// <summary>Learns the vocabulary from <paramref name="data"/>: a rank-1 tensor is one document per value, otherwise each row along axis 0 is one document.</summary>
    public void Adapt(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Adapt([data]);
    }

    /// <summary>Learns the vocabulary from a stream of batches (Keras's <c>adapt</c> on a dataset).</summary>
    public void Adapt(IEnumerable<Tensor> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        _core.Adapt(batches.SelectMany(Documents));
    }

    private IEnumerable<IReadOnlyList<long>> Documents(Tensor batch)
    {
        var values = Values(batch);
        int rows = batch.Shape.Rank == 0 ? 1 : batch.Shape[0];
        int width = rows == 0 ? 0 : values.Length / rows;
        for (int r = 0; r < rows; r++)
        {
            yield return new ArraySegment<long>(values, r * width, width);
        }
    }

    private long[] Values(Tensor inputs)
    {
        if (inputs.DType is DType.Int32 or DType.UInt8)
        {
            return [.. inputs.ToInt32Array().Select(v => (long)v)];
        }
        if (inputs.DType == DType.Bool)
        {
            throw new ArgumentException($"{_core.Who}: expected integer tokens (int32, or float32 holding whole numbers), got a bool tensor of shape {inputs.Shape}.", nameof(inputs));
        }
        var f = inputs.ToArray();
        var r = new long[f.Length];
        for (int i = 0; i < f.Length; i++)
        {
            if (f[i] != MathF.Floor(f[i]) || float.IsInfinity(f[i]))
            {
                throw new ArgumentException($"{_core.Who}: expected integer tokens, but input element {i} is {f[i].ToString(CultureInfo.InvariantCulture)}.", nameof(inputs));
            }
            r[i] = (long)f[i];
        }
        return r;
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => _core.OutputShape(inputShape);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var values = Values(inputs);
        var shape = inputs.Shape.ToArray();
        if (!Invert)
        {
            return _core.Encode(_core.Lookup(values), shape);
        }
        var indices = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            indices[i] = values[i] is >= int.MinValue and <= int.MaxValue ? (int)values[i] : -1;
        }
        var tokens = _core.InvertLookup(indices);
        var r = new int[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            r[i] = tokens[i] is >= int.MinValue and <= int.MaxValue ? (int)tokens[i]
                : throw new OverflowException($"{_core.Who}: token {tokens[i]} does not fit the int32 tensors SharpKeras holds (Keras returns int64); use GetVocabulary to read it.");
        }
        return Tensor.FromArray(r, shape);
    }

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
        c["vocabulary_dtype"] = "int64";
        c["idf_weights"] = _core.InputIdfWeights is { } w ? new JsonArray([.. w.Select(v => (JsonNode)(double)v)]) : null;
        c["vocabulary"] = _core.InputVocabulary is { } v2 ? new JsonArray([.. v2.Select(t => (JsonNode)t)]) : null;
        c["vocabulary_size"] = _core.FrozenVocabularySize;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>); an adapted vocabulary comes back from the .keras assets.</summary>
    public static IntegerLookup FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long? mask = config["mask_token"] is null ? null : LookupConfig.Longs(new JsonObject { ["v"] = new JsonArray(config["mask_token"]!.DeepClone()) }, "v")![0];
        long oov = config["oov_token"] is null ? -1 : LookupConfig.Longs(new JsonObject { ["v"] = new JsonArray(config["oov_token"]!.DeepClone()) }, "v")![0];
        var layer = new IntegerLookup(Cfg.OptionalInt(config, "max_tokens"), Cfg.Int(config, "num_oov_indices", 1), mask, oov, LookupConfig.Longs(config, "vocabulary"),
            Cfg.String(config, "vocabulary_dtype", "int64"), LookupConfig.Floats(config, "idf_weights"), Cfg.Bool(config, "invert", false), Cfg.String(config, "output_mode", "int"),
            Cfg.Bool(config, "sparse", false), Cfg.Bool(config, "pad_to_max_tokens", false), Cfg.Name(config));
        layer._core.FrozenVocabularySize ??= Cfg.OptionalInt(config, "vocabulary_size");
        return layer;
    }

    IEnumerable<KeyValuePair<string, Tensor>> IKerasOwnState.SaveNamedVariables() => LookupState.SaveIdf(_core);

    void IKerasOwnState.LoadNamedVariables(Func<string, Tensor?> read, string where) => _core.LoadIdf(read("idf_weights"), where);

    IEnumerable<KeyValuePair<string, byte[]>> IKerasOwnState.SaveAssets() => LookupState.SaveVocabulary(_core);

    void IKerasOwnState.LoadAssets(Func<string, byte[]?> read, string where) =>
        LookupState.LoadVocabulary(_core, read, where, text => long.Parse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
}
