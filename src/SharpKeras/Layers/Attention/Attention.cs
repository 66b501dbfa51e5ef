using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Dot-product (Luong-style) attention (<c>keras.layers.Attention</c>): scores of query against key ("dot" product or
/// "concat" tanh sum), masked softmax over the value positions, optional dropout, and the weighted sum of value.
/// Inputs are [query (batch, Tq, dim), value (batch, Tv, dim)] or [query, value, key (batch, Tv, dim)].
/// </summary>
public class Attention : Layer, Saving.IKerasSerializable<Attention>
{
    // Keras's _apply_scores subtracts this from masked float32 scores before the softmax.
    private const float MaskedScoreOffset = 1.0e9f;

    private readonly SeedGenerator? _rng;

    /// <summary>
    /// An attention layer; <paramref name="useScale"/> adds a trainable scalar <c>scale</c> on the scores,
    /// <paramref name="scoreMode"/> is "dot" or "concat", <paramref name="dropout"/> the rate on the attention weights in training.
    /// </summary>
    public Attention(bool useScale = false, string scoreMode = "dot", double dropout = 0.0, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        string who = $"{GetType().Name} layer '{Name}'";
        if (scoreMode is not ("dot" or "concat"))
        {
            throw new ArgumentException($"{who}: invalid value for argument scoreMode; expected one of {{'dot', 'concat'}}, got '{scoreMode}'.", nameof(scoreMode));
        }
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, $"{who}: dropout must be in [0, 1), got {dropout}.");
        }
        UseScale = useScale;
        ScoreMode = scoreMode;
        DropoutRate = dropout;
        Seed = seed;
        if (dropout > 0)
        {
            _rng = SeedGenerator.FromSeed(seed);
        }
    }

    /// <summary>Whether the scores are multiplied by a trainable scale (Keras's <c>use_scale</c>).</summary>
    public bool UseScale { get; }

    /// <summary>How scores are computed: "dot" or "concat" (Keras's <c>score_mode</c>).</summary>
    public string ScoreMode { get; }

    /// <summary>Dropout rate on the attention weights (Keras's <c>dropout</c>).</summary>
    public double DropoutRate { get; }

    /// <summary>Seed of the attention dropout, if fixed.</summary>
    public int? Seed { get; }

    /// <summary>The trainable <c>scale</c> weight when <see cref="UseScale"/>; null otherwise or before build.</summary>
    public Variable? Scale { get; private protected set; }

    /// <summary>The trainable <c>concat_score_weight</c> scalar of score mode "concat"; null otherwise or before build.</summary>
    public Variable? ConcatScoreWeight { get; private set; }

    /// <inheritdoc/>
    internal override bool IsMultiInput => true;

    /// <inheritdoc/>
    internal override bool WritesBuildConfig => true;

    /// <inheritdoc/>
    internal override bool CallTakesTraining => true;

    /// <summary>Calls the layer on symbolic tensors (Keras's <c>layer([query, value])</c> or <c>layer([query, value, key])</c>).</summary>
    public KerasTensor Apply(KerasTensor query, KerasTensor value, KerasTensor? key = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        return Apply(key is null ? [query, value] : [query, value, key]);
    }

    /// <summary>
    /// Runs the layer (Keras's <c>layer([query, value, key], mask=[query_mask, value_mask], use_causal_mask=...)</c>); masks default
    /// to those the inputs carry (from <c>Embedding(maskZero)</c>); output rows where the query mask is false are zero.
    /// </summary>
    public Tensor Apply(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null, bool useCausalMask = false, bool training = false) =>
        Run(query, value, key, queryMask, valueMask, useCausalMask, training).Output;

    /// <summary>Runs the layer and also returns the attention weights after masking and softmax (Keras's <c>return_attention_scores=True</c>), shaped (batch, Tq, Tv).</summary>
    public (Tensor Output, Tensor Scores) ApplyReturningScores(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null, bool useCausalMask = false, bool training = false) =>
        Run(query, value, key, queryMask, valueMask, useCausalMask, training);

    private (Tensor Output, Tensor Scores) Run(Tensor query, Tensor value, Tensor? key, Tensor? queryMask, Tensor? valueMask, bool useCausalMask, bool training)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        var inputs = key is null ? new[] { query, value } : [query, value, key];
        EnsureBuilt([.. inputs.Select(t => t.Shape)]);
        using var scope = EnterCall();
        return Compute(query, value, key ?? value, queryMask ?? query.KerasMask, valueMask ?? value.KerasMask, useCausalMask, training);
    }

    /// <inheritdoc/>
    protected override void Build(Shape inputShape) =>
        throw new ArgumentException($"{GetType().Name} layer '{Name}' must be called on a list of inputs, namely [query, value] or [query, value, key], but was given one input of shape {inputShape}.");

    /// <inheritdoc/>
    protected override void Build(IReadOnlyList<Shape> inputShapes)
    {
        ValidateShapes(inputShapes);
        CreateScoreWeights(inputShapes[0][-1]);
    }

    /// <summary>Creates the score weights for queries of <paramref name="dim"/> features (Keras's <c>build</c>).</summary>
    private protected virtual void CreateScoreWeights(int dim)
    {
        if (UseScale)
        {
            Scale = AddWeight("scale", Shape.Scalar, new Initializers.Ones());
        }
        if (ScoreMode == "concat")
        {
            ConcatScoreWeight = AddWeight("concat_score_weight", Shape.Scalar, new Initializers.Ones());
        }
    }

    private void ValidateShapes(IReadOnlyList<Shape> inputShapes)
    {
        string who = $"{GetType().Name} layer '{Name}'";
        if (inputShapes.Count is < 2 or > 3)
        {
            throw new ArgumentException($"{who} accepts a list of 2 or 3 inputs, namely [query, value] or [query, value, key], but was given {inputShapes.Count}.");
        }
        var q = inputShapes[0];
        var v = inputShapes[1];
        var k = inputShapes.Count == 3 ? inputShapes[2] : v;
        if (q.Rank < 3 || v.Rank != q.Rank || k.Rank != q.Rank)
        {
            throw new ArgumentException($"{who}: query, value and key must share one rank >= 3 (batch, positions, features), got query {q}, value {v}, key {k}.");
        }
        if (q[-1] >= 0 && k[-1] >= 0 && q[-1] != k[-1])
        {
            throw new ArgumentException($"{who}: query and key must have the same last axis, got query {q} and key {k} ({q[-1]} vs {k[-1]}).");
        }
        if (v[-2] >= 0 && k[-2] >= 0 && v[-2] != k[-2])
        {
            throw new ArgumentException($"{who}: value and key must have the same number of positions, got value {v} and key {k} ({v[-2]} vs {k[-2]}).");
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShapes(IReadOnlyList<Shape> inputShapes)
    {
        ValidateShapes(inputShapes);
        int built = BuildInputShapes![0][-1];
        if (inputShapes[0][-1] != built)
        {
            throw new ArgumentException($"{GetType().Name} layer '{Name}' was built for queries with last axis {built}, but was called on query {inputShapes[0]}.");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        ValidateShapes(inputShapes);
        return new Shape([.. inputShapes[0].Dims[..^1], inputShapes[1][-1]]);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        throw new ArgumentException($"{GetType().Name} layer '{Name}' takes [query, value] or [query, value, key], but was given one shape {inputShape}.");

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        throw new ArgumentException($"{GetType().Name} layer '{Name}' must be called on a list of inputs, namely [query, value] or [query, value, key], but was called on one tensor of shape {inputs.Shape}.");

    /// <inheritdoc/>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (inputs.Count is < 2 or > 3)
        {
            throw new ArgumentException($"{GetType().Name} layer '{Name}' accepts a list of 2 or 3 inputs, namely [query, value] or [query, value, key], but was called on {inputs.Count}.");
        }
        var v = inputs[1];
        return Compute(inputs[0], v, inputs.Count == 3 ? inputs[2] : v, inputs[0].KerasMask, v.KerasMask, false, training).Output;
    }

    /// <summary>Attention scores (batch, Tq, Tv) of <paramref name="query"/> against <paramref name="key"/> (Keras's <c>_calculate_scores</c>).</summary>
    private protected virtual Tensor CalculateScores(Tensor query, Tensor key)
    {
        if (ScoreMode == "dot")
        {
            var perm = Enumerable.Range(0, key.Rank).ToArray();
            (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
            var scores = Ops.MatMul(query, Ops.Transpose(key, perm));
            return Scale is { } s ? Ops.Multiply(scores, s.Value) : scores;
        }
        var sum = Ops.Add(Ops.ExpandDims(query, -2), Ops.ExpandDims(key, -3));
        if (Scale is { } scale)
        {
            sum = Ops.Multiply(scale.Value, sum);
        }
        return Ops.Multiply(ConcatScoreWeight!.Value, Ops.Sum(Ops.Tanh(sum), -1));
    }

    private (Tensor Output, Tensor Scores) Compute(Tensor query, Tensor value, Tensor key, Tensor? queryMask, Tensor? valueMask, bool useCausalMask, bool training)
    {
        var scores = CalculateScores(query, key);
        var keep = ScoreMask(scores.Shape, query.Shape, value.Shape, valueMask, useCausalMask);
        if (keep is not null)
        {
            scores = Ops.Where(keep, scores, Ops.Subtract(scores, Tensor.Scalar(MaskedScoreOffset)));
        }
        var weights = Ops.Softmax(scores, -1);
        var dropped = training && _rng is not null ? Ops.Dropout(weights, DropoutRate, _rng) : weights;
        var output = Ops.MatMul(dropped, value);
        if (queryMask is not null)
        {
            var qm = Bool(queryMask, query.Shape.Dims[..^1], "query mask");
            output = Ops.Where(Ops.ExpandDims(qm, -1), output, Tensor.Scalar(0f));
            output.KerasMask = queryMask;
        }
        return (output, weights);
    }

    /// <summary>Keras's _calculate_score_mask: the value mask (batch, 1, Tv), and-ed with the causal mask (1, Tq, Tv) row >= column.</summary>
    private Tensor? ScoreMask(Shape scores, Shape query, Shape value, Tensor? valueMask, bool useCausalMask)
    {
        Tensor? keep = null;
        if (valueMask is not null)
        {
            var vm = Bool(valueMask, value.Dims[..^1], "value mask");
            keep = Ops.ExpandDims(vm, -2);
        }
        if (useCausalMask)
        {
            int t = scores[-2], s = scores[-1];
            var causal = Tensor.Zeros(new Shape(1, t, s));
            var c = causal.Span;
            for (int i = 0; i < t; i++)
            {
                for (int j = 0; j <= Math.Min(i, s - 1); j++)
                {
                    c[i * s + j] = 1f;
                }
            }
            keep = keep is null ? causal : Ops.Multiply(keep, causal);
        }
        return keep;
    }

    /// <summary>A mask as 1/0 floats (non-zero keeps), outside autodiff, after checking it is shaped <paramref name="expected"/>.</summary>
    private Tensor Bool(Tensor mask, ReadOnlySpan<int> expected, string what)
    {
        bool ok = mask.Rank == expected.Length;
        for (int i = 0; ok && i < expected.Length; i++)
        {
            ok = mask.Shape[i] == expected[i];
        }
        if (!ok)
        {
            throw new ArgumentException($"{GetType().Name} layer '{Name}': the {what} must be shaped ({string.Join(", ", expected.ToArray())}), got {mask.Shape}.");
        }
        return AttentionShapes.MaskAsFloats(mask);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["use_scale"] = UseScale;
        c["score_mode"] = ScoreMode;
        c["dropout"] = DropoutRate;
        c["seed"] = Seed;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Attention FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Attention(Saving.Cfg.Bool(config, "use_scale", false), Saving.Cfg.String(config, "score_mode", "dot"),
            Saving.Cfg.Double(config, "dropout", 0.0), Saving.Cfg.OptionalInt(config, "seed"), Saving.Cfg.Name(config));
    }
}
