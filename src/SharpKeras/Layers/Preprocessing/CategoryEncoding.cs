using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Encodes integer features in [0, numTokens) as dense float32 vectors (<c>keras.layers.CategoryEncoding</c>):
/// "one_hot" (one vector per value), "multi_hot" (1 where a value occurs in the sample's last axis) or
/// "count" (how often it occurs).
/// </summary>
public sealed class CategoryEncoding : Layer, IKerasSerializable<CategoryEncoding>
{
    /// <summary>A CategoryEncoding layer for values in [0, <paramref name="numTokens"/>) (Keras's default output_mode "multi_hot"; sparse output is not supported).</summary>
    public CategoryEncoding(int numTokens, string outputMode = "multi_hot", bool sparse = false, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        string who = $"CategoryEncoding layer '{name ?? "category_encoding"}'";
        if (outputMode == "binary")
        {
            outputMode = "multi_hot";
        }
        if (!CategoricalEncoding.VectorModes.Contains(outputMode))
        {
            throw new ArgumentException($"{who}: output_mode must be \"one_hot\", \"multi_hot\" or \"count\", got \"{outputMode}\".", nameof(outputMode));
        }
        if (numTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numTokens), $"{who}: num_tokens must be >= 1, got {numTokens}.");
        }
        if (sparse)
        {
            throw new NotSupportedException($"{who}: sparse=True is not supported (SharpKeras has no sparse tensors); use sparse=false.");
        }
        NumTokens = numTokens;
        OutputMode = outputMode;
    }

    /// <summary>The number of distinct values: the length of the output vectors.</summary>
    public int NumTokens { get; }

    /// <summary>"one_hot", "multi_hot" or "count".</summary>
    public string OutputMode { get; }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => CategoricalEncoding.OutputShape(inputShape, OutputMode, NumTokens);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        CategoricalEncoding.Encode(this, CategoricalEncoding.Indices(this, inputs), inputs.Shape, OutputMode, NumTokens);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["num_tokens"] = NumTokens;
        c["output_mode"] = OutputMode;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static CategoryEncoding FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new CategoryEncoding(Cfg.Int(config, "num_tokens"), Cfg.String(config, "output_mode", "multi_hot"), Cfg.Bool(config, "sparse", false), Cfg.Name(config));
    }
}
