namespace SharpKeras.Layers;

// The functional-API calls: symbolic tensors with Keras's keyword arguments, recorded in the graph's nodes.
public sealed partial class MultiHeadAttention
{
    /// <summary>
    /// Calls the layer on symbolic tensors (Keras's <c>mha(query, value, key, attention_mask=..., use_causal_mask=...)</c>);
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
    /// output and the scores shaped (batch, heads, target, source).
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
        return AttentionCalls.Node(this, args, asList, kwargs, ScoresShape, AddNode);
    }

    /// <inheritdoc/>
    internal override Tensor[] CallWithKwargs(Tensor[] args, bool asList, CallKwargs<Tensor> kwargs, bool training)
    {
        var (q, v, k, mask, scores, causal) = AttentionCalls.Parse(this, args, asList, kwargs);
        var (output, s) = ApplyWithScores(q, v, k, mask, causal, training, scores);
        return scores ? [output, s!] : [output];
    }

    /// <summary>The scores' shape: the dot-product equation's output axes, read from the projected query and key shapes.</summary>
    private Shape ScoresShape(Shape query, Shape key)
    {
        int[] qp = [.. query.ToArray()[..^1], NumHeads, KeyDim];
        int[] kp = [.. key.ToArray()[..^1], NumHeads, KeyDim];
        var sides = _dotProductEquation.Split("->");
        var operands = sides[0].Split(',');
        string source = operands[0], target = operands[1];
        return new Shape([.. sides[1].Select(c => target.IndexOf(c) is var i and >= 0 ? qp[i] : kp[source.IndexOf(c)])]);
    }
}
