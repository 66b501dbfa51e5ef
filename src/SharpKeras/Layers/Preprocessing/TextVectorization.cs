using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Turns text into token indices or vectors (<c>keras.layers.TextVectorization</c>): standardize (ASCII lower-casing
/// and/or stripping Python's string.punctuation, as Keras's TensorFlow ops do), split (whitespace or characters),
/// ngrams, then a StringLookup with mask "" and OOV "[UNK]". Texts come in as <c>string[]</c> (or <c>string[][]</c> with one
/// string per row); "int" mode gives int32 indices padded with 0 (to outputSequenceLength, or the longest row), the other
/// modes float32 vectors.
/// </summary>
public sealed class TextVectorization : Layer, IKerasSerializable<TextVectorization>, IKerasOwnState
{
    private readonly StringLookup _lookup;
    private readonly int[]? _ngramWidths;

    /// <summary>
    /// A TextVectorization layer with Keras's defaults ("lower_and_strip_punctuation", "whitespace", output_mode "int");
    /// <c>ngrams</c> is Keras's integer form (n-grams of 1 to n tokens), <c>ngramWidths</c> its tuple form (set at most one).
    /// </summary>
    public TextVectorization(int? maxTokens = null, string? standardize = "lower_and_strip_punctuation", string? split = "whitespace", int? ngrams = null,
        string outputMode = "int", int? outputSequenceLength = null, bool padToMaxTokens = false, IEnumerable<string>? vocabulary = null, float[]? idfWeights = null,
        bool sparse = false, bool ragged = false, string encoding = "utf-8", int[]? ngramWidths = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"TextVectorization layer '{name ?? "text_vectorization"}'";
        if (standardize is not (null or "lower_and_strip_punctuation" or "lower" or "strip_punctuation"))
        {
            throw new ArgumentException($"{who}: standardize must be one of \"lower_and_strip_punctuation\", \"lower\", \"strip_punctuation\" or null, got \"{standardize}\".", nameof(standardize));
        }
        if (split is not (null or "whitespace" or "character"))
        {
            throw new ArgumentException($"{who}: split must be one of \"whitespace\", \"character\" or null, got \"{split}\".", nameof(split));
        }
        outputMode = outputMode switch { "binary" => "multi_hot", "tf-idf" => "tf_idf", _ => outputMode };
        if (outputMode is not ("int" or "one_hot" or "multi_hot" or "count" or "tf_idf"))
        {
            throw new ArgumentException($"{who}: output_mode must be one of \"int\", \"one_hot\", \"multi_hot\", \"count\", \"tf_idf\", got \"{outputMode}\".", nameof(outputMode));
        }
        if (ngrams is not null && ngramWidths is not null)
        {
            throw new ArgumentException($"{who}: set ngrams (an integer) or ngramWidths (Keras's tuple), not both.", nameof(ngramWidths));
        }
        if (ngrams is < 1 || ngramWidths?.Any(w => w < 1) == true)
        {
            throw new ArgumentOutOfRangeException(nameof(ngrams), $"{who}: n-gram widths must be at least 1, got {(ngrams?.ToString(CultureInfo.InvariantCulture) ?? $"({string.Join(", ", ngramWidths!)})")}.");
        }
        if (outputMode != "int" && outputSequenceLength is not null)
        {
            throw new ArgumentException($"{who}: output_sequence_length must not be set if output_mode is not \"int\", got output_sequence_length={outputSequenceLength}.", nameof(outputSequenceLength));
        }
        if (outputSequenceLength is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(outputSequenceLength), $"{who}: output_sequence_length must be at least 1, got {outputSequenceLength}.");
        }
        if (sparse || ragged)
        {
            throw new NotSupportedException($"{who}: sparse=True and ragged=True can only be used with the TensorFlow backend; SharpKeras has neither.");
        }
        Standardize = standardize;
        Split = split;
        Ngrams = ngrams;
        _ngramWidths = ngramWidths is not null ? [.. ngramWidths] : ngrams is { } n ? [.. Enumerable.Range(1, n)] : null;
        NgramWidthsArgument = ngramWidths is null ? null : [.. ngramWidths];
        OutputMode = outputMode;
        OutputSequenceLength = outputSequenceLength;
        _lookup = new StringLookup(maxTokens, 1, "", "[UNK]", vocabulary, idfWeights, false, outputMode, padToMaxTokens, false, encoding, name: "string_lookup");
    }

    /// <summary>"lower_and_strip_punctuation", "lower", "strip_punctuation" or null.</summary>
    public string? Standardize { get; }

    /// <summary>"whitespace", "character" or null.</summary>
    public string? Split { get; }

    /// <summary>Keras's integer ngrams (n-grams of 1..n tokens), or null.</summary>
    public int? Ngrams { get; }

    /// <summary>Keras's tuple ngrams (the widths), or null.</summary>
    public IReadOnlyList<int>? NgramWidthsArgument { get; }

    /// <summary>"int", "one_hot", "multi_hot", "count" or "tf_idf".</summary>
    public string OutputMode { get; }

    /// <summary>The length "int" outputs are padded or cut to, or null for the longest row.</summary>
    public int? OutputSequenceLength { get; }

    /// <summary>The largest vocabulary size, "" and "[UNK]" included (null: unlimited).</summary>
    public int? MaxTokens => _lookup.MaxTokens;

    /// <summary>Whether encoded vectors have max_tokens entries whatever the vocabulary size.</summary>
    public bool PadToMaxTokens => _lookup.PadToMaxTokens;

    /// <summary>The idf weight per output index (tf_idf), or null.</summary>
    public IReadOnlyList<float>? IdfWeights => _lookup.IdfWeights;

    /// <summary>The vocabulary (Keras's <c>get_vocabulary</c>); with the special tokens ("" and "[UNK]") a token's position is its index.</summary>
    public IReadOnlyList<string> GetVocabulary(bool includeSpecialTokens = true) => _lookup.GetVocabulary(includeSpecialTokens);

    /// <summary>The vocabulary size, special tokens included.</summary>
    public int VocabularySize() => _lookup.VocabularySize();

    /// <summary>Replaces the vocabulary (and, for tf_idf, the idf weights), as Keras's <c>set_vocabulary</c>.</summary>
    public void SetVocabulary(IEnumerable<string> vocabulary, float[]? idfWeights = null) => _lookup.SetVocabulary(vocabulary, idfWeights);

    /// <summary>Learns the vocabulary from a corpus, each text one document (Keras's <c>adapt</c>).</summary>
    public void Adapt(IEnumerable<string> corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        _lookup.Core.Adapt(corpus.Select((t, i) => (IReadOnlyList<string>)Tokens(t ?? throw new ArgumentException($"{_lookup.Core.Who.Replace("StringLookup", "TextVectorization", StringComparison.Ordinal)}: corpus text {i} is null.", nameof(corpus)))));
    }

    /// <summary>Vectorizes a batch of texts.</summary>
    public Tensor Apply(string[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Vectorize(StringInputs.Flatten(Who, inputs).Values, rank2: false);
    }

    /// <summary>Vectorizes a batch of texts given as rows of one string (shape [n, 1], as Keras's <c>[["text"], ...]</c>).</summary>
    public Tensor Apply(string[][] inputs)
    {
        var (values, shape) = StringInputs.Flatten(Who, inputs);
        if (Split is not null && shape[1] != 1)
        {
            throw new ArgumentException($"{Who}: to tokenize strings the input rank must be 1 or the last dimension must be 1, got shape ({shape[0]}, {shape[1]}).", nameof(inputs));
        }
        if (Split is null)
        {
            return Lookup([.. StringInputs.Rows(values, shape[0], shape[1]).Select(r => Ngram([.. r.Select(StandardizeText)]))]);
        }
        return Vectorize(values, rank2: true);
    }

    private string Who => $"TextVectorization layer '{Name}'";

    private Tensor Vectorize(string[] texts, bool rank2)
    {
        if (Split is null && !rank2)
        {
            // Without splitting each text is one token; rank-1 "int" output keeps the batch shape.
            var tokens = texts.Select(StandardizeText).ToArray();
            if (OutputMode == "int")
            {
                return _lookup.Lookup(tokens, [tokens.Length]);
            }
            return Lookup([.. tokens.Select(t => (string[])[t])]);
        }
        return Lookup([.. texts.Select(Tokens)]);
    }

    private Tensor Lookup(string[][] rows)
    {
        if (OutputMode != "int")
        {
            int width = rows.Length == 0 ? 0 : rows.Max(r => r.Length);
            // Ragged rows are padded with the mask token "", which the vector encodings drop.
            var flat = rows.SelectMany(r => r.Concat(Enumerable.Repeat("", width - r.Length))).ToArray();
            return _lookup.Lookup(flat, [rows.Length, width]);
        }
        int length = OutputSequenceLength ?? (rows.Length == 0 ? 0 : rows.Max(r => r.Length));
        var indices = new int[rows.Length * length];
        for (int r = 0; r < rows.Length; r++)
        {
            var ids = _lookup.Core.Lookup(rows[r]);
            Array.Copy(ids, 0, indices, r * length, Math.Min(ids.Length, length));
        }
        return Tensor.FromArray(indices, rows.Length, length);
    }

    /// <summary>Standardizes, splits and makes n-grams of one text (Keras's _preprocess).</summary>
    internal string[] Tokens(string text)
    {
        var s = StandardizeText(text);
        string[] tokens = Split switch
        {
            "whitespace" => SplitWhitespace(s),
            "character" => SplitCharacters(s),
            _ => [s],
        };
        return Ngram(tokens);
    }

    private string StandardizeText(string text)
    {
        if (Standardize is null)
        {
            return text;
        }
        var sb = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            // tf.strings.lower without an encoding lower-cases ASCII only; the regex strips string.punctuation only.
            if (Standardize != "lower" && c < 128 && char.IsAsciiLetterOrDigit(c) == false && IsPunctuation(c))
            {
                continue;
            }
            sb.Append(Standardize != "strip_punctuation" && c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
        }
        return sb.ToString();
    }

    // Python's string.punctuation, the character class of Keras's DEFAULT_STRIP_REGEX.
    private static bool IsPunctuation(char c) => "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".Contains(c, StringComparison.Ordinal);

    // tf.strings.split with no separator: runs of ASCII whitespace separate tokens, empty tokens dropped.
    private static string[] SplitWhitespace(string s) => s.Split([' ', '\t', '\n', '\v', '\f', '\r'], StringSplitOptions.RemoveEmptyEntries);

    // tf.strings.unicode_split: one token per code point.
    private static string[] SplitCharacters(string s)
    {
        var list = new List<string>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                list.Add(s.Substring(i++, 2));
            }
            else
            {
                list.Add(s[i].ToString());
            }
        }
        return [.. list];
    }

    // tf.strings.ngrams with a tuple of widths and separator " ": all n-grams of each width in turn, shorter rows make none.
    private string[] Ngram(string[] tokens)
    {
        if (_ngramWidths is null)
        {
            return tokens;
        }
        var r = new List<string>();
        foreach (int w in _ngramWidths)
        {
            for (int i = 0; i + w <= tokens.Length; i++)
            {
                r.Add(w == 1 ? tokens[i] : string.Join(' ', tokens, i, w));
            }
        }
        return [.. r];
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (OutputMode == "int")
        {
            return new Shape(inputShape.Rank == 0 ? -1 : inputShape[0], OutputSequenceLength ?? -1);
        }
        return _lookup.ComputeOutputShape(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => throw new NotSupportedException(
        $"{Who} takes text, which SharpKeras tensors cannot hold: call Apply(string[]) or Apply(string[][]) outside the model and feed its output to the model.");

    /// <inheritdoc/>
    protected internal override IEnumerable<KeyValuePair<string, Layer>> SavedChildren()
    {
        yield return new("_lookup_layer", _lookup);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["max_tokens"] = MaxTokens;
        c["standardize"] = Standardize;
        c["split"] = Split;
        c["ngrams"] = NgramWidthsArgument is { } w ? new JsonArray([.. w.Select(x => (JsonNode)x)]) : Ngrams is { } n ? JsonValue.Create(n) : null;
        c["output_mode"] = OutputMode;
        c["output_sequence_length"] = OutputSequenceLength;
        c["pad_to_max_tokens"] = PadToMaxTokens;
        c["sparse"] = false;
        c["ragged"] = false;
        c["vocabulary"] = _lookup.Core.InputVocabulary is { } v ? new JsonArray([.. v.Select(t => (JsonNode)t)]) : null;
        c["idf_weights"] = _lookup.Core.InputIdfWeights is { } iw ? new JsonArray([.. iw.Select(x => (JsonNode)(double)x)]) : null;
        c["encoding"] = _lookup.Encoding;
        // Keras writes vocabulary_size(); a layer rebuilt from a config alone keeps the size its config gave until its assets load.
        c["vocabulary_size"] = _lookup.Core.FrozenVocabularySize ?? VocabularySize();
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>); an adapted vocabulary comes back from the .keras assets.</summary>
    public static TextVectorization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int? ngrams = null;
        int[]? widths = null;
        switch (config["ngrams"])
        {
            case null:
                break;
            case JsonArray:
                widths = [.. LookupConfig.Longs(config, "ngrams")!.Select(x => (int)x)];
                break;
            default:
                ngrams = Cfg.Int(config, "ngrams");
                break;
        }
        foreach (var key in new[] { "standardize", "split" })
        {
            if (config[key] is not null and not JsonValue)
            {
                throw new UnknownClassException($"TextVectorization config: a custom {key} callable ({config[key]!.ToJsonString()}) cannot be loaded; SharpKeras takes Keras's named {key} modes only.", key);
            }
        }
        var layer = new TextVectorization(Cfg.OptionalInt(config, "max_tokens"), Cfg.OptionalString(config, "standardize"), Cfg.OptionalString(config, "split"), ngrams,
            Cfg.String(config, "output_mode", "int"), Cfg.OptionalInt(config, "output_sequence_length"), Cfg.Bool(config, "pad_to_max_tokens", false),
            LookupConfig.Strings(config, "vocabulary"), LookupConfig.Floats(config, "idf_weights"), Cfg.Bool(config, "sparse", false), Cfg.Bool(config, "ragged", false),
            Cfg.String(config, "encoding", "utf-8"), widths, Cfg.Name(config));
        layer._lookup.Core.FrozenVocabularySize ??= Cfg.OptionalInt(config, "vocabulary_size");
        return layer;
    }

    IEnumerable<KeyValuePair<string, Tensor>> IKerasOwnState.SaveNamedVariables() => ((IKerasOwnState)_lookup).SaveNamedVariables();

    void IKerasOwnState.LoadNamedVariables(Func<string, Tensor?> read, string where) => ((IKerasOwnState)_lookup).LoadNamedVariables(read, where);

    IEnumerable<KeyValuePair<string, byte[]>> IKerasOwnState.SaveAssets() => ((IKerasOwnState)_lookup).SaveAssets();

    void IKerasOwnState.LoadAssets(Func<string, byte[]?> read, string where) => ((IKerasOwnState)_lookup).LoadAssets(read, where);
}
