using System.Text.Json.Nodes;
using SharpKeras.Constraints;
using SharpKeras.Initializers;
using SharpKeras.Regularizers;

namespace SharpKeras.Layers;

/// <summary>
/// Multi-head attention (<c>keras.layers.MultiHeadAttention</c>): query, key and value projected per head by
/// EinsumDense sublayers <c>query</c>, <c>key</c>, <c>value</c>, scaled dot-product scores over the attention axes,
/// masked softmax, optional dropout, and the heads combined by the <c>attention_output</c> EinsumDense.
/// </summary>
public sealed partial class MultiHeadAttention : Layer, Saving.IKerasSerializable<MultiHeadAttention>
{
    // Keras's _large_negative_number for float32: masked scores become this before the softmax.
    private const float LargeNegative = -1e9f;

    private readonly int[]? _outputShape;
    private readonly int[]? _attentionAxes;
    private EinsumDense? _query;
    private EinsumDense? _key;
    private EinsumDense? _value;
    private EinsumDense? _output;
    private Dropout? _dropout;
    private string _dotProductEquation = "";
    private string _combineEquation = "";
    private int[] _normAxes = [];
    private bool _builtWithKey;

    /// <summary>
    /// A multi-head attention layer with <paramref name="numHeads"/> heads of query/key size <paramref name="keyDim"/>
    /// and value size <paramref name="valueDim"/> (default keyDim); <paramref name="outputShape"/> the last axes of the output
    /// (default the query's last axis); <paramref name="attentionAxes"/> the axes attention runs over (default all but batch, heads and features);
    /// <paramref name="flashAttention"/> (Keras's <c>flash_attention</c>) null to use the fused attention kernel whenever no scores are returned and
    /// no dropout is active, true to require it, false to keep the plain composition.
    /// </summary>
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0.0, bool useBias = true,
        int[]? outputShape = null, int[]? attentionAxes = null, bool? flashAttention = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, int? seed = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        string who = $"MultiHeadAttention layer '{name ?? "multi_head_attention"}'";
        if (numHeads <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numHeads), numHeads, $"{who}: numHeads must be a positive integer, got {numHeads}.");
        }
        if (keyDim <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(keyDim), keyDim, $"{who}: keyDim must be a positive integer, got {keyDim}.");
        }
        if (valueDim is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(valueDim), valueDim, $"{who}: valueDim must be a positive integer, got {valueDim}.");
        }
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, $"{who}: dropout must be in [0, 1), got {dropout}.");
        }
        if (outputShape is not null && (outputShape.Length == 0 || outputShape.Any(d => d <= 0)))
        {
            throw new ArgumentException($"{who}: outputShape must hold positive dimensions, got [{string.Join(", ", outputShape)}].", nameof(outputShape));
        }
        NumHeads = numHeads;
        KeyDim = keyDim;
        ValueDim = valueDim ?? keyDim;
        DropoutRate = dropout;
        UseBias = useBias;
        _outputShape = outputShape is null ? null : (int[])outputShape.Clone();
        _attentionAxes = attentionAxes is null ? null : (int[])attentionAxes.Clone();
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
        Seed = seed;
        FlashAttention = flashAttention;
    }

    /// <summary>Keras's <c>flash_attention</c>: null picks the fused attention kernel when it applies, true requires it, false never uses it (not part of the config, as in Keras).</summary>
    public bool? FlashAttention { get; }

    /// <summary>Number of attention heads.</summary>
    public int NumHeads { get; }

    /// <summary>Size of each head for query and key.</summary>
    public int KeyDim { get; }

    /// <summary>Size of each head for value.</summary>
    public int ValueDim { get; }

    /// <summary>Dropout rate on the attention weights.</summary>
    public double DropoutRate { get; }

    /// <summary>Whether the projections have biases.</summary>
    public bool UseBias { get; }

    /// <summary>The output's last axes (Keras's <c>output_shape</c>); null for the query's last axis.</summary>
    public IReadOnlyList<int>? OutputShape => _outputShape;

    /// <summary>The axes attention runs over as given (Keras's <c>attention_axes</c>); after build, the resolved axes.</summary>
    public IReadOnlyList<int>? AttentionAxes => _resolvedAxes ?? _attentionAxes;

    private int[]? _resolvedAxes;

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

    /// <summary>The query projection (Keras's <c>query_dense</c>); null before build.</summary>
    public EinsumDense? QueryDense => _query;

    /// <summary>The key projection (Keras's <c>key_dense</c>); null before build.</summary>
    public EinsumDense? KeyDense => _key;

    /// <summary>The value projection (Keras's <c>value_dense</c>); null before build.</summary>
    public EinsumDense? ValueDense => _value;

    /// <summary>The output projection (Keras's <c>output_dense</c>); null before build.</summary>
    public EinsumDense? OutputDense => _output;

    /// <inheritdoc/>
    internal override bool IsMultiInput => true;

    /// <inheritdoc/>
    internal override bool WritesBuildConfig => true;

    /// <summary>
    /// Runs the layer (Keras's <c>mha(query, value, key, attention_mask=..., use_causal_mask=...)</c>): <paramref name="attentionMask"/>
    /// (batch, target, source) keeps where non-zero; masks carried by the inputs (from <c>Embedding(maskZero)</c>) are combined with it.
    /// </summary>
    public Tensor Apply(Tensor query, Tensor value, Tensor? key = null, Tensor? attentionMask = null, bool useCausalMask = false, bool training = false) =>
        ApplyWithScores(query, value, key, attentionMask, useCausalMask, training, wantScores: false).Output;

    /// <summary>Runs the layer and also returns the attention weights (Keras's <c>return_attention_scores=True</c>), shaped (batch, heads, target, source).</summary>
    public (Tensor Output, Tensor Scores) ApplyReturningScores(Tensor query, Tensor value, Tensor? key = null, Tensor? attentionMask = null, bool useCausalMask = false, bool training = false)
    {
        var (output, scores) = ApplyWithScores(query, value, key, attentionMask, useCausalMask, training, wantScores: true);
        return (output, scores!);
    }

    private (Tensor Output, Tensor? Scores) ApplyWithScores(Tensor query, Tensor value, Tensor? key, Tensor? attentionMask, bool useCausalMask, bool training, bool wantScores)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        var inputs = key is null ? new[] { query, value } : [query, value, key];
        EnsureBuilt([.. inputs.Select(t => t.Shape)]);
        using var scope = EnterCall();
        return Compute(query, value, key ?? value, attentionMask, useCausalMask, training, wantScores);
    }

    /// <inheritdoc/>
    protected override void Build(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count is < 2 or > 3)
        {
            throw new ArgumentException($"MultiHeadAttention layer '{Name}' takes [query, value] or [query, value, key], but was given {inputShapes.Count} input(s).");
        }
        var q = inputShapes[0];
        var v = inputShapes[1];
        var k = inputShapes.Count == 3 ? inputShapes[2] : v;
        _builtWithKey = inputShapes.Count == 3;
        if (q.Rank < 3 || v.Rank < 3 || k.Rank < 3)
        {
            throw new ArgumentException($"MultiHeadAttention layer '{Name}': query, value and key must have rank >= 3 (batch, positions..., features), got query {q}, value {v}, key {k}.");
        }
        if (q.Rank != v.Rank || k.Rank != v.Rank)
        {
            throw new ArgumentException($"MultiHeadAttention layer '{Name}': query, value and key must have the same rank, got query {q}, value {v}, key {k}.");
        }
        for (int i = 1; i < v.Rank - 1; i++)
        {
            if (k[i] >= 0 && v[i] >= 0 && k[i] != v[i])
            {
                throw new ArgumentException($"MultiHeadAttention layer '{Name}': key and value must have the same positions, got key {k} and value {v}.");
            }
        }
        int freeDims = q.Rank - 1;
        var (qEq, qBias, qRank) = ProjectionEquation(freeDims, 1, 2);
        _query = Track(Sublayer(qEq, Pad(qRank - 1, [NumHeads, KeyDim]), qBias, "query"));
        _query.EnsureBuilt(q);
        var (kEq, kBias, kRank) = ProjectionEquation(k.Rank - 1, 1, 2);
        _key = Track(Sublayer(kEq, Pad(kRank - 1, [NumHeads, KeyDim]), kBias, "key"));
        _key.EnsureBuilt(k);
        var (vEq, vBias, vRank) = ProjectionEquation(v.Rank - 1, 1, 2);
        _value = Track(Sublayer(vEq, Pad(vRank - 1, [NumHeads, ValueDim]), vBias, "value"));
        _value.EnsureBuilt(v);
        BuildAttention(qRank);
        var outShape = _outputShape ?? [q[-1]];
        var (oEq, oBias, oRank) = ProjectionEquation(q.Rank - 1, 2, outShape.Length);
        _output = Track(Sublayer(oEq, Pad(oRank - 1, outShape), oBias, "attention_output"));
        _output.EnsureBuilt(new Shape([.. q.Dims[..^1], NumHeads, ValueDim]));
        if (DropoutRate > 0)
        {
            _dropout = new Dropout(DropoutRate, Seed, name: "dropout");
        }
    }

    private EinsumDense Sublayer(string equation, int[] outputShape, string biasAxes, string name) =>
        AttentionSublayers.Projection(equation, outputShape, biasAxes, UseBias, KernelInitializer, BiasInitializer, KernelRegularizer, BiasRegularizer,
            null, KernelConstraint, BiasConstraint, name);

    /// <summary>Keras's _get_output_shape: unknown (-1) leading axes, then the known last ones.</summary>
    private static int[] Pad(int rank, int[] known) => [.. Enumerable.Repeat(-1, rank - known.Length), .. known];

    private static char Letter(int i) => (char)('a' + i);

    /// <summary>Keras's _build_proj_equation: free axes kept, bound axes contracted, output axes added (and biased).</summary>
    private static (string Equation, string BiasAxes, int OutputRank) ProjectionEquation(int freeDims, int boundDims, int outputDims)
    {
        string input = "", kernel = "", output = "", bias = "";
        int offset = 0;
        for (int i = 0; i < freeDims; i++)
        {
            input += Letter(i + offset);
            output += Letter(i + offset);
        }
        offset += freeDims;
        for (int i = 0; i < boundDims; i++)
        {
            input += Letter(i + offset);
            kernel += Letter(i + offset);
        }
        offset += boundDims;
        for (int i = 0; i < outputDims; i++)
        {
            kernel += Letter(i + offset);
            output += Letter(i + offset);
            bias += Letter(i + offset);
        }
        return ($"{input},{kernel}->{output}", bias, output.Length);
    }

    /// <summary>Keras's _build_attention / _build_attention_equation for projected tensors of <paramref name="rank"/> (batch, positions..., heads, features).</summary>
    private void BuildAttention(int rank)
    {
        var axes = _attentionAxes is null ? Enumerable.Range(1, rank - 3).ToArray() : _attentionAxes.Select(a => a < 0 ? a + rank - 1 : a).ToArray();
        if (axes.Length == 0 || axes.Any(a => a <= 0 || a >= rank - 2) || axes.Distinct().Count() != axes.Length)
        {
            throw new ArgumentException($"MultiHeadAttention layer '{Name}': attentionAxes [{string.Join(", ", _attentionAxes ?? [])}] must name distinct position axes of the query, between 1 and {rank - 3} for inputs of rank {rank - 1}.");
        }
        _resolvedAxes = axes;
        string target = new([.. Enumerable.Range(0, rank).Select(Letter)]);
        var batchDims = Enumerable.Range(0, rank).Where(i => !axes.Contains(i) && i != rank - 1).ToArray();
        int offset = rank;
        var source = new char[rank];
        for (int i = 0; i < rank; i++)
        {
            source[i] = batchDims.Contains(i) || i == rank - 1 ? target[i] : Letter(offset++);
        }
        var src = new string(source);
        string product = new([.. batchDims.Select(i => target[i]), .. axes.Select(i => target[i]), .. axes.Select(i => src[i])]);
        _dotProductEquation = $"{src},{target}->{product}";
        _combineEquation = $"{product},{src}->{target}";
        _normAxes = [.. Enumerable.Range(product.Length - axes.Length, axes.Length)];
    }

    /// <inheritdoc/>
    protected override void CheckInputShapes(IReadOnlyList<Shape> inputShapes)
    {
        var built = BuildInputShapes!;
        if (inputShapes.Count != built.Count && !(inputShapes.Count == 2 && !_builtWithKey) && !(inputShapes.Count == 3 && !_builtWithKey && inputShapes[2] == inputShapes[1]))
        {
            throw new ArgumentException($"MultiHeadAttention layer '{Name}' was built for {built.Count} inputs, but was called on {inputShapes.Count}.");
        }
        string[] names = ["query", "value", "key"];
        for (int t = 0; t < Math.Min(inputShapes.Count, built.Count); t++)
        {
            var s = inputShapes[t];
            var b = built[t];
            bool ok = s.Rank == b.Rank && (s.Rank == 0 || s[-1] == b[-1]);
            if (!ok)
            {
                throw new ArgumentException($"MultiHeadAttention layer '{Name}': {names[t]} of shape {s} does not match the shape it was built for, {b} (same rank and last axis {b[-1]} expected).");
            }
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        var q = inputShapes[0];
        return _outputShape is { } o ? new Shape([.. q.Dims[..^1], .. o]) : q;
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => ComputeOutputShape([inputShape, inputShape]);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Compute(inputs, inputs, inputs, null, false, training, false).Output;

    /// <inheritdoc/>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (inputs.Count is < 2 or > 3)
        {
            throw new ArgumentException($"MultiHeadAttention layer '{Name}' takes [query, value] or [query, value, key], but was called on {inputs.Count} tensor(s).");
        }
        return Compute(inputs[0], inputs[1], inputs.Count == 3 ? inputs[2] : inputs[1], null, false, training, false).Output;
    }

    private (Tensor Output, Tensor? Scores) Compute(Tensor query, Tensor value, Tensor key, Tensor? attentionMask, bool useCausalMask, bool training, bool wantScores)
    {
        var mask = AttentionMask(query, value, key, attentionMask, useCausalMask);
        var q = _query!.Apply(query, training);
        var k = _key!.Apply(key, training);
        var v = _value!.Apply(value, training);
        bool dropoutActive = _dropout is not null && training;
        if (FlashAttention == true && (wantScores || dropoutActive || _normAxes.Length != 1 || q.Rank != 4))
        {
            throw new InvalidOperationException($"MultiHeadAttention layer '{Name}': flashAttention=true cannot return attention scores, apply dropout in training ({DropoutRate}) or attend over several axes ([{string.Join(", ", _resolvedAxes ?? [])}]); build it with flashAttention null or false.");
        }
        if (AttentionSublayers.TakesFused(FlashAttention) && !wantScores && !dropoutActive && _normAxes.Length == 1 && q.Rank == 4)
        {
            // As Keras 3.11 does when no weights are asked for and no dropout is active: one fused attention per head,
            // the (batch, target, source) mask gaining the heads axis; masked logits get -1e9 added, as the composition below.
            var fused = AttentionSublayers.Fused(q, k, v, mask, 1.0 / Math.Sqrt(KeyDim));
            var projected = _output!.Apply(fused, training);
            if (query.KerasMask is { } m)
            {
                projected.KerasMask = m;
            }
            return (projected, null);
        }
        q = Ops.Multiply(q, Tensor.Scalar((float)(1.0 / Math.Sqrt(KeyDim))));
        var scores = Ops.Einsum(_dotProductEquation, k, q);
        if (mask is not null)
        {
            // The mask (batch, target..., source...) gains the heads axis (and any other batch axes) before the attention axes.
            int axis = mask.Rank - 2 * _normAxes.Length;
            while (mask.Rank < scores.Rank)
            {
                mask = Ops.Reshape(mask, [.. mask.Shape.Dims[..axis], 1, .. mask.Shape.Dims[axis..]]);
            }
            var adder = Ops.Multiply(Ops.Subtract(Tensor.Scalar(1f), mask), Tensor.Scalar(LargeNegative));
            scores = Ops.Add(scores, adder);
        }
        var weights = SoftmaxOverAxes(scores);
        var dropped = _dropout is { } d ? d.Apply(weights, training) : weights;
        var combined = Ops.Einsum(_combineEquation, dropped, v);
        var output = _output!.Apply(combined, training);
        if (query.KerasMask is { } qm)
        {
            output.KerasMask = qm;
        }
        return (output, wantScores ? weights : null);
    }

    private Tensor SoftmaxOverAxes(Tensor scores)
    {
        if (_normAxes.Length == 1)
        {
            return Ops.Softmax(scores, -1);
        }
        var dims = scores.Shape.ToArray();
        int lead = dims.Length - _normAxes.Length;
        var flat = Ops.Reshape(scores, [.. dims[..lead], -1]);
        return Ops.Reshape(Ops.Softmax(flat, -1), dims);
    }

    /// <summary>Keras's _compute_attention_mask: the query, value and key masks, the causal mask and the given mask, and-ed (as 1/0 floats).</summary>
    private Tensor? AttentionMask(Tensor query, Tensor value, Tensor key, Tensor? attentionMask, bool useCausalMask)
    {
        Tensor? auto = null;
        Tensor Combine(Tensor? a, Tensor b) => a is null ? b : Ops.Multiply(a, b);
        if (query.KerasMask is { } qm)
        {
            auto = Ops.Reshape(AttentionShapes.MaskAsFloats(qm), [.. qm.Shape.Dims, 1]);
        }
        if (value.KerasMask is { } vm)
        {
            auto = Combine(auto, Ops.Reshape(AttentionShapes.MaskAsFloats(vm), [.. vm.Shape.Dims[..^1], 1, vm.Shape[-1]]));
        }
        if (key.KerasMask is { } km)
        {
            auto = Combine(auto, Ops.Reshape(AttentionShapes.MaskAsFloats(km), [.. km.Shape.Dims[..^1], 1, km.Shape[-1]]));
        }
        if (useCausalMask)
        {
            int t = query.Shape[1], s = value.Shape[1];
            var causal = new float[t * s];
            for (int i = 0; i < t; i++)
            {
                for (int j = 0; j <= Math.Min(i, s - 1); j++)
                {
                    causal[i * s + j] = 1f;
                }
            }
            auto = Combine(auto, Tensor.FromArray(causal, 1, t, s));
        }
        if (attentionMask is not null)
        {
            var m = AttentionShapes.MaskAsFloats(attentionMask);
            int expectedRank = 2 * (_resolvedAxes?.Length ?? 1) + 1;
            if (m.Rank != expectedRank && m.Rank != expectedRank - 1)
            {
                throw new ArgumentException($"MultiHeadAttention layer '{Name}': attentionMask must be shaped (batch, target, source), rank {expectedRank}; got shape {attentionMask.Shape}.", nameof(attentionMask));
            }
            auto = auto is null ? m : Ops.Multiply(m, auto);
        }
        return auto;
    }

    /// <inheritdoc/>
    protected internal override IEnumerable<KeyValuePair<string, Layer>> SavedChildren() => AttentionSublayers.SavedChildren(_query, _key, _value, _output);

    /// <inheritdoc/>
    public override JsonObject? GetBuildConfig() => AttentionShapes.ShapesDict(BuildInputShapes);

    /// <inheritdoc/>
    public override void BuildFromConfig(JsonObject? buildConfig)
    {
        if (!Built && AttentionShapes.FromShapesDict(buildConfig, "MultiHeadAttention") is { } shapes)
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
        c["num_heads"] = NumHeads;
        c["key_dim"] = KeyDim;
        c["value_dim"] = ValueDim;
        c["dropout"] = DropoutRate;
        c["use_bias"] = UseBias;
        c["output_shape"] = _outputShape is null ? null : new JsonArray([.. _outputShape.Select(x => (JsonNode)JsonValue.Create(x))]);
        var axes = _resolvedAxes ?? _attentionAxes;
        c["attention_axes"] = axes is null ? null : new JsonArray([.. axes.Select(x => (JsonNode)JsonValue.Create(x))]);
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
    public static MultiHeadAttention FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int[]? outputShape = config["output_shape"] switch
        {
            null => null,
            JsonArray => Saving.Cfg.Shape(config["output_shape"], "MultiHeadAttention output_shape"),
            _ => [Saving.Cfg.Int(config, "output_shape")],
        };
        int[]? axes = config["attention_axes"] is null ? null : Saving.Cfg.Ints(config, "attention_axes");
        return new MultiHeadAttention(Saving.Cfg.Int(config, "num_heads"), Saving.Cfg.Int(config, "key_dim"),
            Saving.Cfg.OptionalInt(config, "value_dim"), Saving.Cfg.Double(config, "dropout", 0.0), Saving.Cfg.Bool(config, "use_bias", true),
            outputShape, axes, null,
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
