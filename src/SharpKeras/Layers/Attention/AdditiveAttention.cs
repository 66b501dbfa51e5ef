using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Additive (Bahdanau-style) attention (<c>keras.layers.AdditiveAttention</c>): scores are
/// <c>sum(scale * tanh(query + key), axis=-1)</c> over each query and key position pair, then masked softmax,
/// optional dropout and the weighted sum of value, as <see cref="Attention"/>.
/// </summary>
public sealed class AdditiveAttention : Attention, Saving.IKerasSerializable<AdditiveAttention>
{
    /// <summary>
    /// An additive attention layer; <paramref name="useScale"/> adds a trainable <c>scale</c> vector of the query's feature size
    /// (glorot_uniform), <paramref name="dropout"/> the rate on the attention weights in training.
    /// </summary>
    public AdditiveAttention(bool useScale = true, double dropout = 0.0, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(useScale, "dot", dropout, seed, name, inputShape, batchSize)
    {
    }

    /// <inheritdoc/>
    private protected override void CreateScoreWeights(int dim)
    {
        if (dim <= 0)
        {
            throw new ArgumentException($"AdditiveAttention layer '{Name}' needs a known query feature size to build its scale, got {dim}.");
        }
        if (UseScale)
        {
            Scale = AddWeight("scale", new Shape(dim), new Initializers.GlorotUniform());
        }
    }

    /// <inheritdoc/>
    private protected override Tensor CalculateScores(Tensor query, Tensor key)
    {
        var t = Ops.Tanh(Ops.Add(Ops.ExpandDims(query, -2), Ops.ExpandDims(key, -3)));
        return Ops.Sum(Scale is { } s ? Ops.Multiply(s.Value, t) : t, -1);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c.Remove("score_mode");
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static new AdditiveAttention FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new AdditiveAttention(Saving.Cfg.Bool(config, "use_scale", true), Saving.Cfg.Double(config, "dropout", 0.0),
            Saving.Cfg.OptionalInt(config, "seed"), Saving.Cfg.Name(config));
    }
}
