using System.Text.Json.Nodes;
using SharpKeras.Constraints;
using SharpKeras.Initializers;
using SharpKeras.Regularizers;

namespace SharpKeras.Layers;

/// <summary>
/// Grouped-query attention (<c>keras.layers.GroupQueryAttention</c>, Keras class <c>GroupedQueryAttention</c>): queries projected to
/// <see cref="NumQueryHeads"/> heads, keys and values to <see cref="NumKeyValueHeads"/> heads each shared by a group of query heads,
/// scaled dot-product scores, masked softmax, dropout, and the heads combined by the <c>attention_output</c> EinsumDense.
/// Without dropout and when no scores are returned it runs, as Keras 3.11, the fused <see cref="Ops.DotProductAttention"/> on the
/// repeated key/value heads (see <see cref="FlashAttention"/>); a query row whose keys are all masked then averages every value,
/// as Keras's dot_product_attention does, where the composition's masked softmax gives it zero weights.
/// </summary>
public sealed partial class GroupQueryAttention : Layer, Saving.IKerasSerializable<GroupQueryAttention>
{
    // Keras's _large_negative_number for float32, added to masked scores by its Softmax layer.
    private const float LargeNegative = -1e9f;

    private EinsumDense? _query;
    private EinsumDense? _key;
    private EinsumDense? _value;
    private EinsumDense? _output;
    private Dropout? _dropout;
    private bool _builtWithKey;

    /// <summary>
    /// A grouped-query attention layer with heads of size <paramref name="headDim"/>, <paramref name="numQueryHeads"/> query heads and
    /// <paramref name="numKeyValueHeads"/> key/value heads (which must divide the query heads); <paramref name="dropout"/> on the attention weights;
    /// <paramref name="flashAttention"/> (Keras's <c>flash_attention</c>) null to use the fused attention kernel when the layer has
    /// no dropout and no scores are returned, true to require it, false to keep the plain composition.
    /// </summary>
    public GroupQueryAttention(int headDim, int numQueryHeads, int numKeyValueHeads, double dropout = 0.0, bool useBias = true, bool? flashAttention = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        string who = $"GroupQueryAttention layer '{Name}'";
        if (headDim <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(headDim), headDim, $"{who}: headDim must be a positive integer, got {headDim}.");
        }
        if (numQueryHeads <= 0 || numKeyValueHeads <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numQueryHeads), $"{who}: numQueryHeads and numKeyValueHeads must be positive integers, got {numQueryHeads} and {numKeyValueHeads}.");
        }
        if (numQueryHeads % numKeyValueHeads != 0)
        {
            throw new ArgumentException($"{who}: numQueryHeads must be divisible by numKeyValueHeads, got {numQueryHeads} and {numKeyValueHeads}.", nameof(numKeyValueHeads));
        }
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, $"{who}: dropout must be in [0, 1), got {dropout}.");
        }
        HeadDim = headDim;
        NumQueryHeads = numQueryHeads;
        NumKeyValueHeads = numKeyValueHeads;
        DropoutRate = dropout;
        UseBias = useBias;
        FlashAttention = flashAttention;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
        Seed = seed;
    }

    /// <summary>Size of each attention head (Keras's <c>head_dim</c>).</summary>
    public int HeadDim { get; }

    /// <summary>Number of query heads (Keras's <c>num_query_heads</c>).</summary>
    public int NumQueryHeads { get; }

    /// <summary>Number of key and value heads (Keras's <c>num_key_value_heads</c>).</summary>
    public int NumKeyValueHeads { get; }

    /// <summary>Dropout rate on the attention weights.</summary>
    public double DropoutRate { get; }

    /// <summary>Whether the projections have biases.</summary>
    public bool UseBias { get; }

    /// <summary>Keras's <c>flash_attention</c>: null picks the fused attention kernel when it applies, true requires it, false never uses it (not part of the config, as in Keras).</summary>
    public bool? FlashAttention { get; }

    /// <summary>Initializer of the projection kernels.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Initializer of the projection biases.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Penalty on the projection kernels, if any.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>Penalty on the projection biases, if any.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <summary>Projection of the kernels after each update, if any.</summary>
    public Constraint? KernelConstraint { get; }

    /// <summary>Projection of the biases after each update, if any.</summary>
    public Constraint? BiasConstraint { get; }

    /// <summary>Seed of the attention dropout, if fixed.</summary>
    public int? Seed { get; }

    /// <summary>The query projection <c>bqm,muh->bquh</c> (Keras's <c>_query_dense</c>); null before build.</summary>
    public EinsumDense? QueryDense => _query;

    /// <summary>The key projection <c>bkm,mvh->bkvh</c> (Keras's <c>_key_dense</c>); null before build.</summary>
    public EinsumDense? KeyDense => _key;

    /// <summary>The value projection <c>bkm,mvh->bkvh</c> (Keras's <c>_value_dense</c>); null before build.</summary>
    public EinsumDense? ValueDense => _value;

    /// <summary>The output projection <c>bquh,uhm->bqm</c> (Keras's <c>_output_dense</c>); null before build.</summary>
    public EinsumDense? OutputDense => _output;

    /// <summary>Keras's default name for the layer, from its class <c>GroupedQueryAttention</c>.</summary>
    public override string DefaultName => "grouped_query_attention";

    /// <inheritdoc/>
    internal override bool IsMultiInput => true;

    /// <inheritdoc/>
    internal override bool WritesBuildConfig => true;

    /// <summary>
    /// Runs the layer (Keras's <c>gqa(query, value, key, query_mask=..., value_mask=..., key_mask=..., attention_mask=..., use_causal_mask=...)</c>);
    /// masks default to those the inputs carry (from <c>Embedding(maskZero)</c>), and all given masks are and-ed.
    /// </summary>
    public Tensor Apply(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null, Tensor? keyMask = null,
        Tensor? attentionMask = null, bool useCausalMask = false, bool training = false) =>
        Run(query, value, key, queryMask, valueMask, keyMask, attentionMask, useCausalMask, training, false).Output;

    /// <summary>Runs the layer and also returns the attention weights (Keras's <c>return_attention_scores=True</c>), shaped (batch, query heads, target, source).</summary>
    public (Tensor Output, Tensor Scores) ApplyReturningScores(Tensor query, Tensor value, Tensor? key = null, Tensor? queryMask = null, Tensor? valueMask = null,
        Tensor? keyMask = null, Tensor? attentionMask = null, bool useCausalMask = false, bool training = false)
    {
        var (output, scores) = Run(query, value, key, queryMask, valueMask, keyMask, attentionMask, useCausalMask, training, true);
        return (output, scores!);
    }

    private (Tensor Output, Tensor? Scores) Run(Tensor query, Tensor value, Tensor? key, Tensor? queryMask, Tensor? valueMask, Tensor? keyMask,
        Tensor? attentionMask, bool useCausalMask, bool training, bool wantScores)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        var inputs = key is null ? new[] { query, value } : [query, value, key];
        EnsureBuilt([.. inputs.Select(t => t.Shape)]);
        using var scope = EnterCall();
        return Compute(query, value, key, queryMask ?? query.KerasMask, valueMask ?? value.KerasMask, keyMask ?? key?.KerasMask, attentionMask, useCausalMask, training, wantScores);
    }

    /// <inheritdoc/>
    protected override void Build(IReadOnlyList<Shape> inputShapes)
    {
        string who = $"GroupQueryAttention layer '{Name}'";
        if (inputShapes.Count is < 2 or > 3)
        {
            throw new ArgumentException($"{who} takes [query, value] or [query, value, key], but was given {inputShapes.Count} input(s).");
        }
        var q = inputShapes[0];
        var v = inputShapes[1];
        var k = inputShapes.Count == 3 ? inputShapes[2] : v;
        _builtWithKey = inputShapes.Count == 3;
        if (q.Rank != 3 || v.Rank != 3 || k.Rank != 3)
        {
            throw new ArgumentException($"{who}: query, value and key must have rank 3 (batch, positions, features), got query {q}, value {v}, key {k}.");
        }
        if (q[-1] != v[-1])
        {
            throw new ArgumentException($"{who}: the last axes of query and value must be equal, got query {q} and value {v} ({q[-1]} vs {v[-1]}).");
        }
        if (k[1] >= 0 && v[1] >= 0 && k[1] != v[1])
        {
            throw new ArgumentException($"{who}: key and value must have the same positions, got key {k} and value {v}.");
        }
        _query = Track(Sublayer("bqm,muh->bquh", NumQueryHeads, "uh", "query"));
        _query.EnsureBuilt(q);
        _key = Track(Sublayer("bkm,mvh->bkvh", NumKeyValueHeads, "vh", "key"));
        _key.EnsureBuilt(k);
        _value = Track(Sublayer("bkm,mvh->bkvh", NumKeyValueHeads, "vh", "value"));
        _value.EnsureBuilt(v);
        if (DropoutRate > 0)
        {
            _dropout = new Dropout(DropoutRate, Seed, name: "dropout");
        }
        _output = Track(new EinsumDense("bquh,uhm->bqm", [-1, q[-1]], null, UseBias ? "m" : null, KernelInitializer, BiasInitializer,
            KernelRegularizer, BiasRegularizer, ActivityRegularizer, KernelConstraint, BiasConstraint, "attention_output"));
        _output.EnsureBuilt(new Shape(-1, -1, NumQueryHeads, HeadDim));
    }

    private EinsumDense Sublayer(string equation, int heads, string biasAxes, string name) =>
        AttentionSublayers.Projection(equation, [-1, heads, HeadDim], biasAxes, UseBias, KernelInitializer, BiasInitializer, KernelRegularizer, BiasRegularizer,
            ActivityRegularizer, KernelConstraint, BiasConstraint, name);

    /// <inheritdoc/>
    protected override void CheckInputShapes(IReadOnlyList<Shape> inputShapes)
    {
        var built = BuildInputShapes!;
        bool sameInputs = (inputShapes.Count == 3) == _builtWithKey || (inputShapes.Count == 3 && inputShapes[2] == inputShapes[1]);
        if (inputShapes.Count is < 2 or > 3 || !sameInputs)
        {
            throw new ArgumentException($"GroupQueryAttention layer '{Name}' was built for {built.Count} inputs, but was called on {inputShapes.Count}.");
        }
        string[] names = ["query", "value", "key"];
        for (int t = 0; t < Math.Min(inputShapes.Count, built.Count); t++)
        {
            var s = inputShapes[t];
            var b = built[t];
            if (s.Rank != b.Rank || s[-1] != b[-1])
            {
                throw new ArgumentException($"GroupQueryAttention layer '{Name}': {names[t]} of shape {s} does not match the shape it was built for, {b} (rank {b.Rank} and last axis {b[-1]} expected).");
            }
        }
        var k = inputShapes.Count == 3 ? inputShapes[2] : inputShapes[1];
        if (k[1] != inputShapes[1][1])
        {
            throw new ArgumentException($"GroupQueryAttention layer '{Name}': key and value must have the same positions, got key {k} and value {inputShapes[1]}.");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        return inputShapes[0];
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        Compute(inputs, inputs, null, inputs.KerasMask, inputs.KerasMask, null, null, false, training, false).Output;

    /// <inheritdoc/>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (inputs.Count is < 2 or > 3)
        {
            throw new ArgumentException($"GroupQueryAttention layer '{Name}' takes [query, value] or [query, value, key], but was called on {inputs.Count} tensor(s).");
        }
        var key = inputs.Count == 3 ? inputs[2] : null;
        return Compute(inputs[0], inputs[1], key, inputs[0].KerasMask, inputs[1].KerasMask, key?.KerasMask, null, false, training, false).Output;
    }

    private (Tensor Output, Tensor? Scores) Compute(Tensor query, Tensor value, Tensor? key, Tensor? queryMask, Tensor? valueMask, Tensor? keyMask,
        Tensor? attentionMask, bool useCausalMask, bool training, bool wantScores)
    {
        if (FlashAttention == true && (wantScores || DropoutRate > 0))
        {
            throw new InvalidOperationException($"GroupQueryAttention layer '{Name}': flashAttention=true cannot return attention scores or apply dropout ({DropoutRate}); build it with flashAttention null or false.");
        }
        var mask = AttentionMask(query, value, queryMask, valueMask, keyMask, attentionMask, useCausalMask);
        var q = _query!.Apply(query, training);
        var k = _key!.Apply(key ?? value, training);
        var v = _value!.Apply(value, training);
        int repeats = NumQueryHeads / NumKeyValueHeads;
        if (repeats > 1)
        {
            // Each key/value head serves the consecutive group of query heads it is repeated into (Keras's ops.repeat on axis 2).
            k = Ops.Repeat(k, repeats, 2);
            v = Ops.Repeat(v, repeats, 2);
        }
        if (AttentionSublayers.TakesFused(FlashAttention) && !wantScores && DropoutRate == 0)
        {
            // Keras 3.11 takes ops.dot_product_attention whenever the layer has no dropout and no scores are asked for.
            var fused = _output!.Apply(AttentionSublayers.Fused(q, k, v, mask, 1.0 / Math.Sqrt(HeadDim)), training);
            if (queryMask is not null)
            {
                fused.KerasMask = queryMask;
            }
            return (fused, null);
        }
        q = Ops.Multiply(q, Tensor.Scalar((float)(1.0 / Math.Sqrt(HeadDim))));
        var scores = Ops.Einsum("bquh,bkuh->buqk", q, k);
        if (mask is not null)
        {
            // Keras's Softmax(mask): masked scores pushed down by 1e9, and the weights multiplied by the mask after.
            mask = Ops.ExpandDims(mask, 1);
            scores = Ops.Add(scores, Ops.Multiply(Ops.Subtract(Tensor.Scalar(1f), mask), Tensor.Scalar(LargeNegative)));
        }
        var weights = Ops.Softmax(scores, -1);
        if (mask is not null)
        {
            weights = Ops.Multiply(weights, mask);
        }
        var dropped = _dropout is { } d ? d.Apply(weights, training) : weights;
        var combined = Ops.Einsum("buqk,bkuh->bquh", dropped, v);
        var output = _output!.Apply(combined, training);
        if (queryMask is not null)
        {
            output.KerasMask = queryMask;
        }
        return (output, weights);
    }

    /// <summary>Keras's _compute_attention_mask: query (B, T, 1), value and key (B, 1, S), causal (1, T, S) and the given (B, T, S) masks, and-ed as 1/0 floats.</summary>
    private Tensor? AttentionMask(Tensor query, Tensor value, Tensor? queryMask, Tensor? valueMask, Tensor? keyMask, Tensor? attentionMask, bool useCausalMask)
    {
        int b = query.Shape[0], t = query.Shape[1], s = value.Shape[1];
        Tensor? auto = null;
        Tensor And(Tensor? a, Tensor m) => a is null ? m : Ops.Multiply(a, m);
        if (queryMask is not null)
        {
            auto = Ops.Reshape(Bool(queryMask, [b, t], "queryMask"), [b, t, 1]);
        }
        if (valueMask is not null)
        {
            auto = And(auto, Ops.Reshape(Bool(valueMask, [b, s], "valueMask"), [b, 1, s]));
        }
        if (keyMask is not null)
        {
            auto = And(auto, Ops.Reshape(Bool(keyMask, [b, s], "keyMask"), [b, 1, s]));
        }
        if (useCausalMask)
        {
            var causal = Tensor.Zeros(new Shape(1, t, s));
            var c = causal.Span;
            for (int i = 0; i < t; i++)
            {
                for (int j = 0; j <= Math.Min(i, s - 1); j++)
                {
                    c[i * s + j] = 1f;
                }
            }
            auto = And(auto, causal);
        }
        if (attentionMask is not null)
        {
            auto = And(auto, Bool(attentionMask, [b, t, s], "attentionMask"));
        }
        return auto;
    }

    /// <summary>A mask as 1/0 floats (non-zero keeps), outside autodiff, after checking it is shaped <paramref name="expected"/>.</summary>
    private Tensor Bool(Tensor mask, int[] expected, string what)
    {
        if (!mask.Shape.Dims.SequenceEqual(expected))
        {
            throw new ArgumentException($"GroupQueryAttention layer '{Name}': {what} must be shaped ({string.Join(", ", expected)}), got {mask.Shape}.", what);
        }
        return AttentionShapes.MaskAsFloats(mask);
    }

    /// <inheritdoc/>
    protected internal override IEnumerable<KeyValuePair<string, Layer>> SavedChildren() => AttentionSublayers.SavedChildren(_query, _key, _value, _output);

    /// <inheritdoc/>
    public override JsonObject? GetBuildConfig() => AttentionShapes.ShapesDict(BuildInputShapes);

    /// <inheritdoc/>
    public override void BuildFromConfig(JsonObject? buildConfig)
    {
        if (!Built && AttentionShapes.FromShapesDict(buildConfig, "GroupQueryAttention") is { } shapes)
        {
            EnsureBuilt(shapes);
            return;
        }
        base.BuildFromConfig(buildConfig);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["head_dim"] = HeadDim;
        c["num_query_heads"] = NumQueryHeads;
        c["num_key_value_heads"] = NumKeyValueHeads;
        c["use_bias"] = UseBias;
        c["dropout"] = DropoutRate;
        c["kernel_initializer"] = Saving.KerasSerializer.Serialize(KernelInitializer);
        c["bias_initializer"] = Saving.KerasSerializer.Serialize(BiasInitializer);
        c["kernel_regularizer"] = Saving.KerasSerializer.Serialize(KernelRegularizer);
        c["bias_regularizer"] = Saving.KerasSerializer.Serialize(BiasRegularizer);
        c["activity_regularizer"] = ActivityRegularizer is null ? null : Saving.KerasSerializer.Serialize(ActivityRegularizer);
        c["kernel_constraint"] = Saving.KerasSerializer.Serialize(KernelConstraint);
        c["bias_constraint"] = Saving.KerasSerializer.Serialize(BiasConstraint);
        c["seed"] = Seed;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static GroupQueryAttention FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new GroupQueryAttention(Saving.Cfg.Int(config, "head_dim"), Saving.Cfg.Int(config, "num_query_heads"), Saving.Cfg.Int(config, "num_key_value_heads"),
            Saving.Cfg.Double(config, "dropout", 0.0), Saving.Cfg.Bool(config, "use_bias", true), null,
            Saving.KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform"),
            Saving.KerasSerializer.Initializer(config["bias_initializer"], "zeros"),
            Saving.KerasSerializer.Regularizer(config["kernel_regularizer"]),
            Saving.KerasSerializer.Regularizer(config["bias_regularizer"]),
            Saving.KerasSerializer.Regularizer(config["activity_regularizer"]),
            Saving.KerasSerializer.Constraint(config["kernel_constraint"]),
            Saving.KerasSerializer.Constraint(config["bias_constraint"]),
            Saving.Cfg.OptionalInt(config, "seed"), Saving.Cfg.Name(config));
    }
}
