namespace SharpKeras.Backend.Reference;

/// <summary>
/// The attention kernel family of the reference backend: the plain composition, the whole (queryLength, keyLength)
/// score matrix of each batch and head materialised, softmax-ed and multiplied by the values one term at a time.
/// </summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void DotProductAttention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        AttentionGeometry g, Span<float> output, Span<float> rowStats)
    {
        int tq = g.QueryLength, tk = g.KeyLength, dv = g.ValueDim;
        var p = new float[tq * tk];
        for (int b = 0; b < g.Batch; b++)
        {
            for (int n = 0; n < g.Heads; n++)
            {
                int at = (b * g.Heads + n) * tq;
                Probabilities(q, k, bias, g, b, n, p, rowStats.Slice(at, tq), rowStats.Slice(g.Batch * g.Heads * tq + at, tq));
                for (int i = 0; i < tq; i++)
                {
                    for (int c = 0; c < dv; c++)
                    {
                        float sum = 0f;
                        for (int j = 0; j < tk; j++)
                        {
                            sum += p[i * tk + j] * v[Row(b, j, n, tk, g.Heads, dv) + c];
                        }
                        output[Row(b, i, n, tq, g.Heads, dv) + c] = sum;
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void DotProductAttentionBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        AttentionGeometry g, ReadOnlySpan<float> output, ReadOnlySpan<float> rowStats, ReadOnlySpan<float> outputGrad,
        Span<float> dq, Span<float> dk, Span<float> dv)
    {
        int tq = g.QueryLength, tk = g.KeyLength, d = g.KeyDim, hv = g.ValueDim, h = g.Heads;
        var p = new float[tq * tk];
        var ds = new float[tq * tk];
        var max = new float[tq];
        var logSum = new float[tq];
        dq.Clear();
        dk.Clear();
        dv.Clear();
        for (int b = 0; b < g.Batch; b++)
        {
            for (int n = 0; n < h; n++)
            {
                // The probabilities again from the inputs, as the fused kernel recomputes them.
                Probabilities(q, k, bias, g, b, n, p, max, logSum);
                for (int i = 0; i < tq; i++)
                {
                    int oi = Row(b, i, n, tq, h, hv);
                    float rowDot = 0f;
                    for (int c = 0; c < hv; c++)
                    {
                        rowDot += outputGrad[oi + c] * output[oi + c];
                    }
                    for (int j = 0; j < tk; j++)
                    {
                        int vj = Row(b, j, n, tk, h, hv);
                        float dp = 0f;
                        for (int c = 0; c < hv; c++)
                        {
                            dp += outputGrad[oi + c] * v[vj + c];
                            dv[vj + c] += p[i * tk + j] * outputGrad[oi + c];
                        }
                        // A causally hidden logit is a constant: nothing flows back through it to q or k.
                        bool hidden = g.Causal && j > i;
                        ds[i * tk + j] = hidden ? 0f : p[i * tk + j] * (dp - rowDot);
                    }
                }
                for (int i = 0; i < tq; i++)
                {
                    int qi = Row(b, i, n, tq, h, d);
                    for (int j = 0; j < tk; j++)
                    {
                        int kj = Row(b, j, n, tk, h, d);
                        float s = ds[i * tk + j] * g.Scale;
                        for (int c = 0; c < d; c++)
                        {
                            dq[qi + c] += s * k[kj + c];
                            dk[kj + c] += s * q[qi + c];
                        }
                    }
                }
            }
        }
    }

    /// <summary>Offset of row t of head n of sample b in a (batch, length, heads, width) tensor.</summary>
    private static int Row(int b, int t, int n, int length, int heads, int width) => ((b * length + t) * heads + n) * width;

    /// <summary>p (queryLength, keyLength) = softmax over keys of the logits of batch b, head n; each row's largest logit and the log of its exp-sum relative to it.</summary>
    private static void Probabilities(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> bias, AttentionGeometry g, int b, int n,
        float[] p, Span<float> rowMax, Span<float> rowLogSum)
    {
        int tq = g.QueryLength, tk = g.KeyLength, d = g.KeyDim, h = g.Heads;
        for (int i = 0; i < tq; i++)
        {
            int qi = Row(b, i, n, tq, h, d);
            float max = float.NegativeInfinity;
            for (int j = 0; j < tk; j++)
            {
                float logit;
                if (g.Causal && j > i)
                {
                    logit = AttentionGeometry.LargeNegative;
                }
                else
                {
                    int kj = Row(b, j, n, tk, h, d);
                    float dot = 0f;
                    for (int c = 0; c < d; c++)
                    {
                        dot += q[qi + c] * k[kj + c];
                    }
                    logit = dot * g.Scale;
                    if (!bias.IsEmpty)
                    {
                        logit += bias[(int)(b * g.BiasBatchStride + n * g.BiasHeadStride + (long)i * tk + j)];
                    }
                }
                p[i * tk + j] = logit;
                max = MathF.Max(max, logit);
            }
            float sum = 0f;
            for (int j = 0; j < tk; j++)
            {
                p[i * tk + j] = MathF.Exp(p[i * tk + j] - max);
                sum += p[i * tk + j];
            }
            for (int j = 0; j < tk; j++)
            {
                p[i * tk + j] /= sum;
            }
            rowMax[i] = max;
            rowLogSum[i] = MathF.Log(sum);
        }
    }
}
