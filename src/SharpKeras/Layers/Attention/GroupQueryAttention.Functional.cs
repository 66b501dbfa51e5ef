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
        return AttentionCalls.Node(this, args, asList, kwargs, (query, key) => new Shape(query[0], NumQueryHeads, query[1], key[1]), AddNode);
    }

    /// <inheritdoc/>
    internal override Tensor[] CallWithKwargs(Tensor[] args, bool asList, CallKwargs<Tensor> kwargs, bool training)
    {
        var (q, v, k, mask, scores, causal) = AttentionCalls.Parse(this, args, asList, kwargs);
        var (output, s) = Run(q, v, k, null, null, null, mask, causal, training, scores);
        return scores ? [output, s!] : [output];
    }
}
