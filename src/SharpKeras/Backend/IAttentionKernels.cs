namespace SharpKeras.Backend;

/// <summary>
/// The attention kernel family (Keras's <c>ops.dot_product_attention</c>): softmax(scale * q k^T + bias) v per
/// batch and head, with a causal option; each query row's softmax statistics are saved so that the backward
/// pass can recompute the probabilities instead of keeping them.
/// </summary>
internal interface IAttentionKernels
{
    /// <summary>
    /// output[b, i, n, :] = sum over j of p[b, n, i, j] * v[b, j, n, :], where p is the softmax over j of
    /// scale * q[b, i, n, :] . k[b, j, n, :] + bias (empty span: none), a key after the query under
    /// <see cref="AttentionGeometry.Causal"/> taking <see cref="AttentionGeometry.LargeNegative"/> instead;
    /// rowStats (2, batch, heads, queryLength) receives each row's largest logit, then the log of its exp-sum relative to
    /// that largest logit (their sum is the row's logsumexp, kept in two parts because a fully masked row's logsumexp,
    /// near -1e9, would lose its fraction in float32).
    /// </summary>
    void DotProductAttention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        AttentionGeometry g, Span<float> output, Span<float> rowStats);

    /// <summary>
    /// The gradients of <see cref="DotProductAttention"/> with respect to q, k and v (overwritten), from the forward's
    /// output and row statistics and the output's gradient; the bias is treated as a constant.
    /// </summary>
    void DotProductAttentionBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        AttentionGeometry g, ReadOnlySpan<float> output, ReadOnlySpan<float> rowStats, ReadOnlySpan<float> outputGrad,
        Span<float> dq, Span<float> dk, Span<float> dv);
}
