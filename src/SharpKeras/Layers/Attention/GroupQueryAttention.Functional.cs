namespace SharpKeras.Layers;

// The functional-API calls: symbolic tensors with Keras's keyword arguments, recorded in the graph's nodes.
public sealed partial class GroupQueryAttention
{
    /// <summary>
    /// Calls the layer on symbolic tensors (Keras's <c>gqa(query, value, key, attention_mask=..., use_causal_mask=...)</c>);
    /// the mask input and the flag are recorded in the node, saved in the model's config and applied when the model runs.
    /// </summary>
    public KerasTensor Apply(KerasTensor query, KerasTensor value, KerasTensor? key = null, KerasTensor? attentionMask = null, bool useCausalMask = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        return ApplyWithKwargs(key is null ? [query, value] : [query, value, key], false, AttentionCalls.Record(attentionMask, false, useCausalMask))[0];
    }

    /// <summary>
    /// Calls the layer on symbolic tensors with <c>return_attention_scores=True</c>: the node's two outputs, the attention
    /// output and the scores shaped (batch, query heads, target, source).
    /// </summary>
    public (KerasTensor Output, KerasTensor Scores) ApplyReturningScores(KerasTensor query, KerasTensor value, KerasTensor? key = null,
        KerasTensor? attentionMask = null, bool useCausalMask = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(value);
        var r = ApplyWithKwargs(key is null ? [query, value] : [query, value, key], false, AttentionCalls.Record(attentionMask, true, useCausalMask));
        return (r[0], r[1]);
    }

    /// <inheritdoc/>
    internal override KerasTensor[] ApplyWithKwargs(KerasTensor[] args, bool asList, CallKwargs<KerasTensor> kwargs)
    {
        if (asList && kwargs.Count == 0)
        {
            // Layer.Apply([query, value]) records a list, as Keras's mha([q, v]) would.
            return base.ApplyWithKwargs(args, asList, kwargs);
        }
        var (q, v, k, mask, scores, causal) = AttentionCalls.Parse(this, args, asList, kwargs);
        KerasTensor[] positional = k is null ? [q, v] : [q, v, k];
        if (mask is null && !scores && !causal)
        {
            // A plain call stays the node it always was, so that its saved config is unchanged.
            return [ApplyPositional(positional)];
        }
        var shapes = positional.Select(t => t.Shape).ToArray();
        EnsureBuilt(shapes);
        AttentionCalls.CheckMask(this, mask, q.Shape, v.Shape);
        var output = (ComputeOutputShape(shapes), DType.Float32);
        (Shape, DType)[] outputs = scores ? [output, (new Shape(q.Shape[0], NumQueryHeads, q.Shape[1], (k ?? v).Shape[1]), DType.Float32)] : [output];
        return AddNode(positional, false, AttentionCalls.Record(mask, scores, causal), outputs);
    }

    /// <inheritdoc/>
    internal override Tensor[] CallWithKwargs(Tensor[] args, bool asList, CallKwargs<Tensor> kwargs, bool training)
    {
        var (q, v, k, mask, scores, causal) = AttentionCalls.Parse(this, args, asList, kwargs);
        var (output, s) = Run(q, v, k, null, null, null, mask, causal, training, scores);
        return scores ? [output, s!] : [output];
    }
}
