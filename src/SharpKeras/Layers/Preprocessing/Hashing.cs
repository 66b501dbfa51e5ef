using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SharpKeras.Saving;
using SharpKeras.Utils;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Hashes strings or integers into <c>numBins</c> bins (<c>keras.layers.Hashing</c>): FarmHash Fingerprint64 of the
/// UTF-8 bytes (TensorFlow's to_hash_bucket_fast), or keyed SipHash-2-4 with the two <c>salt</c> words
/// (to_hash_bucket_strong). Integers (and float32 values, truncated to integers as Keras casts them) are hashed as
/// their decimal text. With a mask value, bin 0 is the mask's and the rest hash into bins 1..numBins-1. Strings come
/// in through <see cref="Apply(string[][])"/>, numbers as tensors; "int" mode gives int32 bins (Keras's int64).
/// </summary>
public sealed class Hashing : Layer, IKerasSerializable<Hashing>
{
    private readonly string? _maskText;
    private readonly bool _maskIsInteger;

    /// <summary>A Hashing layer whose mask value (if any) is a string (Keras's defaults: no mask, no salt, output_mode "int").</summary>
    public Hashing(int numBins, string? maskValue = null, long[]? salt = null, string outputMode = "int", bool sparse = false, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : this(numBins, maskValue, false, salt, outputMode, sparse, name, inputShape, batchSize)
    {
    }

    /// <summary>A Hashing layer for integer inputs whose mask value is an integer.</summary>
    public Hashing(int numBins, long maskValue, long[]? salt = null, string outputMode = "int", bool sparse = false, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : this(numBins, maskValue.ToString(CultureInfo.InvariantCulture), true, salt, outputMode, sparse, name, inputShape, batchSize)
    {
    }

    private Hashing(int numBins, string? maskText, bool maskIsInteger, long[]? salt, string outputMode, bool sparse, string? name, int[]? inputShape, int? batchSize) : base(name, inputShape, batchSize)
    {
        string who = $"Hashing layer '{name ?? "hashing"}'";
        if (numBins <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numBins), $"{who}: num_bins cannot be non-positive, got num_bins={numBins}.");
        }
        if (outputMode is not ("int" or "one_hot" or "multi_hot" or "count"))
        {
            throw new ArgumentException($"{who}: output_mode must be one of \"int\", \"one_hot\", \"multi_hot\", \"count\", got \"{outputMode}\".", nameof(outputMode));
        }
        if (sparse)
        {
            throw new NotSupportedException($"{who}: sparse=True is not supported (SharpKeras has no sparse tensors); use sparse=false.");
        }
        if (salt is not null && salt.Length is not (1 or 2))
        {
            throw new ArgumentException($"{who}: salt must be a single integer or a pair of integers, got {salt.Length} values.", nameof(salt));
        }
        NumBins = numBins;
        _maskText = maskText;
        _maskIsInteger = maskIsInteger;
        Salt = salt is null ? null : salt.Length == 1 ? [salt[0], salt[0]] : [salt[0], salt[1]];
        OutputMode = outputMode;
    }

    /// <summary>The number of bins, the mask's bin included.</summary>
    public int NumBins { get; }

    /// <summary>The mask value as text (integers in decimal), or null for none.</summary>
    public string? MaskValue => _maskText;

    /// <summary>The two SipHash key words, or null for FarmHash.</summary>
    public IReadOnlyList<long>? Salt { get; }

    /// <summary>"int", "one_hot", "multi_hot" or "count".</summary>
    public string OutputMode { get; }

    /// <summary>Hashes a batch of strings (shape [n]).</summary>
    public Tensor Apply(string[] inputs)
    {
        var (values, shape) = StringInputs.Flatten($"Hashing layer '{Name}'", inputs);
        return Encode(Bins(values), shape);
    }

    /// <summary>Hashes a rectangular batch of string rows (shape [n, m]).</summary>
    public Tensor Apply(string[][] inputs)
    {
        var (values, shape) = StringInputs.Flatten($"Hashing layer '{Name}'", inputs);
        return Encode(Bins(values), shape);
    }

    /// <summary>The bin of each value, as Keras's _hash_values_to_bins.</summary>
    private int[] Bins(string[] values)
    {
        int bins = NumBins;
        bool masked = _maskText is not null && bins > 1;
        if (masked)
        {
            bins--;
        }
        var r = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            if (masked && values[i] == _maskText)
            {
                continue;
            }
            var bytes = Encoding.UTF8.GetBytes(values[i]);
            ulong h = Salt is { } key ? SipHash.Hash((ulong)key[0], (ulong)key[1], bytes) : FarmHash.Fingerprint64(bytes);
            r[i] = (int)(h % (ulong)bins) + (masked ? 1 : 0);
        }
        return r;
    }

    private Tensor Encode(int[] bins, int[] shape) =>
        OutputMode == "int" ? Tensor.FromArray(bins, shape) : CategoricalEncoding.Encode(this, bins, new Shape(shape), OutputMode, NumBins);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        OutputMode == "int" ? inputShape : CategoricalEncoding.OutputShape(inputShape, OutputMode, NumBins);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (inputs.DType == DType.Bool)
        {
            throw new ArgumentException($"Hashing layer '{Name}': expected integer or float inputs (or strings through Apply(string[][])), got a bool tensor of shape {inputs.Shape}.", nameof(inputs));
        }
        string[] text;
        if (inputs.DType is DType.Int32 or DType.UInt8)
        {
            text = [.. inputs.ToInt32Array().Select(v => v.ToString(CultureInfo.InvariantCulture))];
        }
        else
        {
            // Keras casts floats to int64 (truncating toward zero) before turning them into text.
            var f = inputs.ToArray();
            text = new string[f.Length];
            for (int i = 0; i < f.Length; i++)
            {
                if (!float.IsFinite(f[i]) || Math.Abs(f[i]) >= 9.2e18f)
                {
                    throw new ArgumentException($"Hashing layer '{Name}': input element {i} is {f[i].ToString(CultureInfo.InvariantCulture)}, which has no int64 value to hash.", nameof(inputs));
                }
                text[i] = ((long)f[i]).ToString(CultureInfo.InvariantCulture);
            }
        }
        return Encode(Bins(text), inputs.Shape.ToArray());
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        if (OutputMode == "int")
        {
            c["dtype"] = DTypePolicyConfig("int64");
        }
        c["num_bins"] = NumBins;
        c["salt"] = Salt is { } s ? new JsonArray(s[0], s[1]) : null;
        c["mask_value"] = _maskText is null ? null : _maskIsInteger ? JsonValue.Create(long.Parse(_maskText, CultureInfo.InvariantCulture)) : JsonValue.Create(_maskText);
        c["output_mode"] = OutputMode;
        c["sparse"] = false;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Hashing FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long[]? salt = config["salt"] switch
        {
            null => null,
            JsonArray => LookupConfig.Longs(config, "salt"),
            JsonValue v when v.TryGetValue<long>(out var one) => [one],
            var other => throw Cfg.Wrong(config, "salt", "an integer, a pair of integers or null", other),
        };
        int numBins = Cfg.Int(config, "num_bins");
        string mode = Cfg.String(config, "output_mode", "int");
        bool sparse = Cfg.Bool(config, "sparse", false);
        return config["mask_value"] switch
        {
            null => new Hashing(numBins, (string?)null, salt, mode, sparse, Cfg.Name(config)),
            JsonValue v when v.TryGetValue<string>(out var s) => new Hashing(numBins, s, salt, mode, sparse, Cfg.Name(config)),
            JsonValue v when v.TryGetValue<long>(out var l) => new Hashing(numBins, l, salt, mode, sparse, Cfg.Name(config)),
            var other => throw Cfg.Wrong(config, "mask_value", "a string, an integer or null", other),
        };
    }
}
