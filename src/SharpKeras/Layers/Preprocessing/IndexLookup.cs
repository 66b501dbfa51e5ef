using System.Globalization;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Keras's IndexLookup, the core StringLookup, IntegerLookup and TextVectorization share: the vocabulary (mask
/// first, then the OOV indices, then the tokens), adapt's counting and ordering (most frequent first, ties by the
/// token, highest first, as Keras's reversed lexsort), lookups with OOV buckets, the inverse lookup, the
/// one_hot / multi_hot / count / tf_idf encodings and the idf weights.
/// </summary>
internal sealed class IndexLookup<TKey> where TKey : notnull
{
    private readonly Layer _layer;
    private readonly IComparer<TKey> _order;
    private readonly Func<TKey, int, int> _oovBucket;
    private readonly Func<TKey, string> _show;
    private readonly List<TKey> _tokens = [];
    private readonly Dictionary<TKey, int> _index = [];
    private readonly Dictionary<TKey, long> _counts = [];
    private readonly Dictionary<TKey, long> _documentCounts = [];
    private long _documents;

    public IndexLookup(Layer layer, int? maxTokens, int numOovIndices, bool hasMask, TKey maskToken, TKey oovToken, bool invert, string outputMode,
        bool padToMaxTokens, bool sparse, IComparer<TKey> order, Func<TKey, int, int> oovBucket, Func<TKey, string> show, string? name)
    {
        _layer = layer;
        _order = order;
        _oovBucket = oovBucket;
        _show = show;
        Who = $"{layer.GetType().Name} layer '{name ?? Layer.ToSnakeCase(layer.GetType().Name)}'";
        if (maxTokens is <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTokens), $"{Who}: if set, max_tokens must be greater than 1, got {maxTokens}.");
        }
        if (padToMaxTokens && maxTokens is null)
        {
            throw new ArgumentException($"{Who}: pad_to_max_tokens=True needs max_tokens to be set, got max_tokens=None.", nameof(padToMaxTokens));
        }
        if (numOovIndices < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numOovIndices), $"{Who}: num_oov_indices must be greater than or equal to 0, got {numOovIndices}.");
        }
        outputMode = outputMode switch { "binary" => "multi_hot", "tf-idf" => "tf_idf", _ => outputMode };
        if (outputMode is not ("int" or "one_hot" or "multi_hot" or "count" or "tf_idf"))
        {
            throw new ArgumentException($"{Who}: output_mode must be one of \"int\", \"one_hot\", \"multi_hot\", \"count\", \"tf_idf\", got \"{outputMode}\".", nameof(outputMode));
        }
        if (invert && outputMode != "int")
        {
            throw new ArgumentException($"{Who}: output_mode must be \"int\" when invert is true, got \"{outputMode}\".", nameof(outputMode));
        }
        if (sparse)
        {
            throw new NotSupportedException($"{Who}: sparse=True is not supported (SharpKeras has no sparse tensors, as Keras's non-TensorFlow backends); use sparse=false.");
        }
        MaxTokens = maxTokens;
        NumOovIndices = numOovIndices;
        HasMask = hasMask;
        MaskToken = maskToken;
        OovToken = oovToken;
        Invert = invert;
        OutputMode = outputMode;
        PadToMaxTokens = padToMaxTokens;
    }

    public string Who { get; }

    public int? MaxTokens { get; }

    public int NumOovIndices { get; }

    public bool HasMask { get; }

    public TKey MaskToken { get; }

    public TKey OovToken { get; }

    public bool Invert { get; }

    public string OutputMode { get; }

    public bool PadToMaxTokens { get; }

    /// <summary>The vocabulary given to the constructor (Keras's input_vocabulary: written to the config, not to assets).</summary>
    public TKey[]? InputVocabulary { get; private set; }

    /// <summary>The idf weights given to the constructor (Keras's input_idf_weights).</summary>
    public float[]? InputIdfWeights { get; private set; }

    /// <summary>The vocabulary size fixed when the vocabulary was set (Keras's _frozen_vocab_size).</summary>
    public int? FrozenVocabularySize { get; set; }

    /// <summary>The idf weight of every output index (tf_idf only), padded as Keras pads it.</summary>
    public float[]? IdfWeights { get; private set; }

    public int OovStart => HasMask && OutputMode == "int" ? 1 : 0;

    public int TokenStart => OovStart + NumOovIndices;

    public int VocabularySize => _tokens.Count + TokenStart;

    /// <summary>Sets the constructor's vocabulary, as Keras's __init__ does.</summary>
    public void Initialize(IEnumerable<TKey>? vocabulary, float[]? idfWeights)
    {
        if (idfWeights is not null && OutputMode != "tf_idf")
        {
            throw new ArgumentException($"{Who}: idf_weights should only be set if output_mode is \"tf_idf\", got output_mode \"{OutputMode}\".", nameof(idfWeights));
        }
        if (OutputMode == "tf_idf" && vocabulary is not null && idfWeights is null)
        {
            throw new ArgumentException($"{Who}: when specifying the vocabulary argument in tf_idf output mode, the idf_weights argument must also be provided.", nameof(idfWeights));
        }
        if (vocabulary is not null)
        {
            InputVocabulary = [.. vocabulary];
            InputIdfWeights = idfWeights is null ? null : [.. idfWeights];
            SetVocabulary(InputVocabulary, InputIdfWeights, fromAssets: false);
        }
    }

    /// <summary>Keras's get_vocabulary: a token's position equals its output index when the special tokens are included.</summary>
    public List<TKey> GetVocabulary(bool includeSpecialTokens)
    {
        var vocab = new List<TKey>(VocabularySize);
        for (int i = 0; i < TokenStart; i++)
        {
            vocab.Add(i < OovStart ? MaskToken : OovToken);
        }
        vocab.AddRange(_tokens);
        return includeSpecialTokens ? vocab : vocab.GetRange(TokenStart, vocab.Count - TokenStart);
    }

    /// <summary>Keras's set_vocabulary; from assets the idf weights come from the saved variables instead.</summary>
    public void SetVocabulary(IReadOnlyList<TKey> vocabulary, float[]? idfWeights, bool fromAssets)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (!fromAssets)
        {
            if (OutputMode == "tf_idf" && idfWeights is null)
            {
                throw new ArgumentException($"{Who}: idf_weights must be set if output_mode is \"tf_idf\".", nameof(idfWeights));
            }
            if (OutputMode != "tf_idf" && idfWeights is not null)
            {
                throw new ArgumentException($"{Who}: idf_weights should only be set if output_mode is \"tf_idf\", got output_mode \"{OutputMode}\".", nameof(idfWeights));
            }
        }
        if (vocabulary.Count == 0)
        {
            throw new ArgumentException($"{Who}: cannot set an empty vocabulary.", nameof(vocabulary));
        }
        var special = GetVocabulary(true).GetRange(0, TokenStart);
        var cmp = EqualityComparer<TKey>.Default;
        bool foundSpecial = vocabulary.Count >= TokenStart && Enumerable.Range(0, TokenStart).All(i => cmp.Equals(vocabulary[i], special[i]));
        var tokens = foundSpecial ? vocabulary.Skip(TokenStart).ToList() : [.. vocabulary];
        var repeated = tokens.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => _show(g.Key)).ToList();
        if (repeated.Count > 0)
        {
            throw new ArgumentException($"{Who}: the passed vocabulary has at least one repeated term; uniquify it. The repeated terms are: [{string.Join(", ", repeated)}].", nameof(vocabulary));
        }
        if (HasMask && tokens.Contains(MaskToken))
        {
            throw new ArgumentException($"{Who}: found the reserved mask token {_show(MaskToken)} at an unexpected location in the vocabulary (index {LastIndex(vocabulary, MaskToken)}). " +
                $"The vocabulary need not include the mask and OOV tokens; include them only at the start, in this order: [{string.Join(", ", special.Select(_show))}].", nameof(vocabulary));
        }
        if (Invert && tokens.Contains(OovToken))
        {
            throw new ArgumentException($"{Who}: found the reserved OOV token {_show(OovToken)} at an unexpected location in the vocabulary (index {LastIndex(vocabulary, OovToken)}). " +
                $"The vocabulary need not include the mask and OOV tokens; include them only at the start, in this order: [{string.Join(", ", special.Select(_show))}].", nameof(vocabulary));
        }
        int newSize = TokenStart + tokens.Count;
        if (MaxTokens is { } max && newSize > max)
        {
            throw new ArgumentException($"{Who}: attempted to set a vocabulary larger than max_tokens: the vocabulary size is {newSize}, max_tokens is {max}.", nameof(vocabulary));
        }
        if (idfWeights is not null && idfWeights.Length != vocabulary.Count)
        {
            throw new ArgumentException($"{Who}: idf_weights must be the same length as the vocabulary: len(idf_weights) is {idfWeights.Length}, len(vocabulary) is {vocabulary.Count}.", nameof(idfWeights));
        }
        CheckSizeUnchanged(newSize);
        SetTokens(tokens);
        if (OutputMode == "tf_idf" && idfWeights is not null)
        {
            // Keras pads given weights at the front with their mean unless the special tokens came with them.
            int front = foundSpecial ? 0 : TokenStart;
            float frontValue = foundSpecial ? 0f : (float)idfWeights.Average(w => (double)w);
            int back = PadToMaxTokens && MaxTokens is { } m ? m - front - idfWeights.Length : 0;
            var padded = new float[front + idfWeights.Length + Math.Max(back, 0)];
            Array.Fill(padded, frontValue, 0, front);
            idfWeights.CopyTo(padded, front);
            IdfWeights = padded;
        }
    }

    private static int LastIndex(IReadOnlyList<TKey> vocabulary, TKey token)
    {
        for (int i = vocabulary.Count - 1; i >= 0; i--)
        {
            if (EqualityComparer<TKey>.Default.Equals(vocabulary[i], token))
            {
                return i;
            }
        }
        return -1;
    }

    private void CheckSizeUnchanged(int newSize)
    {
        if (OutputMode != "int" && !PadToMaxTokens && FrozenVocabularySize is { } frozen && frozen != newSize)
        {
            throw new InvalidOperationException($"{Who}: with output_mode \"{OutputMode}\" and pad_to_max_tokens=False the vocabulary size cannot change after the layer is called; " +
                $"it was {frozen} and would become {newSize}.");
        }
    }

    private void SetTokens(List<TKey> tokens)
    {
        _tokens.Clear();
        _index.Clear();
        _tokens.AddRange(tokens);
        for (int i = 0; i < tokens.Count; i++)
        {
            _index[tokens[i]] = TokenStart + i;
        }
        FrozenVocabularySize = VocabularySize;
    }

    /// <summary>Keras's adapt: counts the tokens of every document (row), then keeps the most frequent.</summary>
    public void Adapt(IEnumerable<IReadOnlyList<TKey>> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (InputVocabulary is not null)
        {
            throw new InvalidOperationException($"{Who}: cannot adapt the layer after setting a static vocabulary via the vocabulary argument.");
        }
        _counts.Clear();
        _documentCounts.Clear();
        _documents = 0;
        foreach (var doc in documents)
        {
            foreach (var t in doc)
            {
                _counts[t] = _counts.GetValueOrDefault(t) + 1;
            }
            if (OutputMode == "tf_idf")
            {
                foreach (var t in doc.Distinct())
                {
                    _documentCounts[t] = _documentCounts.GetValueOrDefault(t) + 1;
                }
                _documents++;
            }
        }
        if (_counts.Count == 0)
        {
            FrozenVocabularySize = VocabularySize;
            return;
        }
        if (HasMask)
        {
            _counts.Remove(MaskToken);
        }
        _counts.Remove(OovToken);
        // np.lexsort((tokens, counts))[::-1]: count descending, then token descending.
        var sorted = _counts.Keys.ToList();
        sorted.Sort((a, b) =>
        {
            int c = _counts[b].CompareTo(_counts[a]);
            return c != 0 ? c : _order.Compare(b, a);
        });
        if (MaxTokens is { } max && sorted.Count > max - TokenStart)
        {
            sorted.RemoveRange(max - TokenStart, sorted.Count - (max - TokenStart));
        }
        CheckSizeUnchanged(TokenStart + sorted.Count);
        SetTokens(sorted);
        if (OutputMode == "tf_idf")
        {
            var idf = sorted.Select(t => (float)Math.Log(1 + (double)_documents / (1 + _documentCounts.GetValueOrDefault(t)))).ToArray();
            float mean = idf.Length == 0 ? float.NaN : (float)idf.Average(w => (double)w);
            int back = PadToMaxTokens && MaxTokens is { } m ? m - TokenStart - idf.Length : 0;
            var padded = new float[TokenStart + idf.Length + back];
            Array.Fill(padded, mean, 0, TokenStart);
            idf.CopyTo(padded, TokenStart);
            IdfWeights = padded;
        }
        _counts.Clear();
        _documentCounts.Clear();
        _documents = 0;
    }

    /// <summary>Output indices of <paramref name="values"/>; -1 marks a mask token outside "int" mode (Keras drops it from the encodings).</summary>
    public int[] Lookup(IReadOnlyList<TKey> values)
    {
        var r = new int[values.Count];
        List<string>? oov = null;
        for (int i = 0; i < r.Length; i++)
        {
            var v = values[i];
            if (HasMask && EqualityComparer<TKey>.Default.Equals(v, MaskToken))
            {
                r[i] = OutputMode == "int" ? 0 : -1;
            }
            else if (_index.TryGetValue(v, out var idx))
            {
                r[i] = idx;
            }
            else if (NumOovIndices == 0)
            {
                (oov ??= []).Add(_show(v));
            }
            else
            {
                r[i] = OovStart + (NumOovIndices == 1 ? 0 : _oovBucket(v, NumOovIndices));
            }
        }
        if (oov is not null)
        {
            throw new ArgumentException($"{Who}: when num_oov_indices=0 all inputs should be in the vocabulary, found OOV values [{string.Join(", ", oov.Take(10))}]; consider setting num_oov_indices=1.");
        }
        return r;
    }

    /// <summary>Keras's inverse lookup: index 0 is the mask token when there is one, unknown indices give the OOV token.</summary>
    public TKey[] InvertLookup(ReadOnlySpan<int> indices)
    {
        var r = new TKey[indices.Length];
        for (int i = 0; i < r.Length; i++)
        {
            int k = indices[i];
            r[i] = HasMask && k == 0 ? MaskToken
                : k >= TokenStart && k < TokenStart + _tokens.Count ? _tokens[k - TokenStart]
                : OovToken;
        }
        return r;
    }

    /// <summary>Checks the vocabulary is usable before a call (Keras's _ensure_known_vocab_size).</summary>
    public void EnsureKnownSize()
    {
        if (OutputMode != "int" && !PadToMaxTokens && FrozenVocabularySize is null)
        {
            throw new InvalidOperationException($"{Who}: with output_mode \"{OutputMode}\" and pad_to_max_tokens=False you must set the layer's vocabulary before calling it: " +
                "pass a vocabulary argument to the layer, or call Adapt with some sample data.");
        }
    }

    /// <summary>The depth of the encoded vectors.</summary>
    public int Depth => PadToMaxTokens ? MaxTokens!.Value : FrozenVocabularySize ?? -1;

    /// <summary>Encodes looked-up <paramref name="indices"/> laid out as <paramref name="shape"/>: int32 indices in "int" mode, float32 vectors otherwise.</summary>
    public Tensor Encode(int[] indices, int[] shape)
    {
        if (OutputMode == "int")
        {
            return Tensor.FromArray(indices, shape);
        }
        EnsureKnownSize();
        int depth = Depth;
        if (shape.Length > 2)
        {
            throw new ArgumentException($"{Who}: when output_mode is not \"int\", the maximum supported input rank is 2, got shape ({string.Join(", ", shape)}).");
        }
        var outShape = CategoricalEncoding.OutputShape(new Shape(shape), OutputMode == "tf_idf" ? "count" : OutputMode, depth);
        var y = new float[outShape.Size];
        int last = shape.Length == 0 ? 1 : shape[^1];
        for (int i = 0; i < indices.Length; i++)
        {
            int k = indices[i];
            if (k < 0 || k >= depth)
            {
                // Mask tokens (and indices past a padded depth) fall outside the bins, as TF's bincount drops them.
                continue;
            }
            if (OutputMode == "one_hot")
            {
                y[i * depth + k] = 1f;
            }
            else
            {
                int row = last == 0 ? 0 : i / last;
                ref float slot = ref y[row * depth + k];
                slot = OutputMode == "multi_hot" ? 1f : slot + 1f;
            }
        }
        if (OutputMode == "tf_idf")
        {
            var idf = IdfWeights ?? throw new InvalidOperationException($"{Who}: output_mode \"tf_idf\" needs idf_weights; set them with the vocabulary or call Adapt.");
            for (int i = 0; i < y.Length; i++)
            {
                int k = i % depth;
                y[i] *= k < idf.Length ? idf[k] : 0f;
            }
        }
        return Tensor.FromArray(y, outShape.ToArray());
    }

    /// <summary>The output shape for an input shape, as Keras's compute_output_shape.</summary>
    public Shape OutputShape(Shape input) =>
        OutputMode == "int" ? input : new Shape(input.Rank == 0 ? -1 : input[0], Depth);

    /// <summary>Loads saved idf weights (Keras's load_own_variables).</summary>
    public void LoadIdf(Tensor? idf, string where)
    {
        if (OutputMode != "tf_idf")
        {
            return;
        }
        IdfWeights = (idf ?? throw new FormatException($"{where}: {Who} has output_mode \"tf_idf\" but the file has no 'idf_weights'.")).ToArray();
    }

    /// <summary>The vocabulary as Keras's save_assets writes it: one token a line, joined by "\n", special tokens included.</summary>
    public byte[] VocabularyFile() => System.Text.Encoding.UTF8.GetBytes(string.Join("\n", GetVocabulary(true).Select(_show)));

    /// <summary>Culture-free decimal text, as Python's str(int).</summary>
    public static string Show(long v) => v.ToString(CultureInfo.InvariantCulture);
}
