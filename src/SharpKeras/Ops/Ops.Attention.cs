using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Ops of attention: Keras's <c>ops.dot_product_attention</c>, fused on the backend's attention kernel or composed from einsums.</summary>
public static partial class Ops
{
    /// <summary>
    /// Scaled dot-product attention (Keras's <c>ops.dot_product_attention</c>): softmax(scale * query key^T + bias,
    /// masked) value, on query (batch, queryLength, heads, headDim), key (batch, keyLength, heads, headDim) and value
    /// (batch, keyLength, heads, valueDim), or on the same without the heads axis; <paramref name="bias"/> (added to the
    /// logits) and <paramref name="mask"/> (true or non-zero where a query may attend to a key) broadcast to
    /// (batch, heads, queryLength, keyLength); <paramref name="scale"/> defaults to 1/sqrt(headDim); <paramref name="isCausal"/>
    /// hides keys after each query; masked logits become -1e9, Keras's large negative number. <paramref name="flashAttention"/>
    /// null or true runs the fused kernel (no (queryLength x keyLength) matrix kept for the backward), false the plain
    /// composition of einsum, softmax and einsum; a bias that needs a gradient always takes the composition.
    /// </summary>
    public static Tensor DotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? bias = null, Tensor? mask = null,
        double? scale = null, bool isCausal = false, bool? flashAttention = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (query.Rank != key.Rank || query.Rank != value.Rank || query.Rank is not (3 or 4))
        {
            throw new ArgumentException($"dot_product_attention: query, key and value must all be rank 4 (batch, length, heads, dim) or all rank 3 (batch, length, dim), got query {query.Shape}, key {key.Shape}, value {value.Shape}.");
        }
        if (query.Rank == 3)
        {
            var r = DotProductAttention(ExpandDims(query, 2), ExpandDims(key, 2), ExpandDims(value, 2),
                bias is null || bias.Rank < 3 ? bias : ExpandDims(bias, 1), mask is null || mask.Rank < 3 ? mask : ExpandDims(mask, 1), scale, isCausal, flashAttention);
            return Squeeze(r, 2);
        }
        int b = query.Shape[0], tq = query.Shape[1], n = query.Shape[2], d = query.Shape[3];
        int tk = key.Shape[1], dv = value.Shape[3];
        if (key.Shape[0] != b || value.Shape[0] != b || key.Shape[2] != n || value.Shape[2] != n || key.Shape[3] != d || value.Shape[1] != tk)
        {
            throw new ArgumentException($"dot_product_attention: expected key (batch {b}, keyLength, heads {n}, headDim {d}) and value (batch {b}, keyLength {tk}, heads {n}, valueDim), got query {query.Shape}, key {key.Shape}, value {value.Shape}.");
        }
        var full = new Shape(b, n, tq, tk);
        CheckBroadcastsTo(bias, full, "bias");
        CheckBroadcastsTo(mask, full, "mask");
        float s = (float)(scale ?? 1.0 / Math.Sqrt(d));
        bool biasNeedsGradient = bias is not null && GradientTape.IsRecording(bias);
        if (flashAttention == false || biasNeedsGradient)
        {
            if (flashAttention == true)
            {
                throw new ArgumentException("dot_product_attention: flashAttention=true cannot give the bias a gradient; pass flashAttention null or false to differentiate the bias.", nameof(flashAttention));
            }
            return ComposedAttention(query, key, value, bias, mask, s, isCausal);
        }
        return FusedAttention(F(query), F(key), F(value), bias is null ? null : F(bias), mask is null ? null : F(mask), s, isCausal);
    }

    private static void CheckBroadcastsTo(Tensor? t, Shape full, string name)
    {
        if (t is null)
        {
            return;
        }
        bool ok = t.Rank <= 4;
        for (int i = 1; ok && i <= t.Rank; i++)
        {
            ok = t.Shape[-i] == 1 || t.Shape[-i] == full[-i];
        }
        if (!ok)
        {
            throw new ArgumentException($"dot_product_attention: {name} of shape {t.Shape} does not broadcast to (batch, heads, queryLength, keyLength) = {full}.", name);
        }
    }

    /// <summary>The attention as Keras composes it: einsum, scale, bias, masked logits replaced by -1e9, softmax, einsum.</summary>
    private static Tensor ComposedAttention(Tensor q, Tensor k, Tensor v, Tensor? bias, Tensor? mask, float scale, bool causal)
    {
        var logits = Multiply(Einsum("btnh,bsnh->bnts", q, k), Tensor.Scalar(scale));
        if (bias is not null)
        {
            logits = Add(logits, bias);
        }
        Tensor? keep = mask is null ? null : NotEqual(F(mask), Tensor.Scalar(0f));
        if (causal)
        {
            int tq = q.Shape[1], tk = k.Shape[1];
            var tri = new float[tq * tk];
            for (int i = 0; i < tq; i++)
            {
                for (int j = 0; j <= Math.Min(i, tk - 1); j++)
                {
                    tri[i * tk + j] = 1f;
                }
            }
            var lower = Tensor.FromArray(tri, tq, tk);
            keep = keep is null ? lower : Multiply(F(keep), lower);
        }
        if (keep is not null)
        {
            logits = Where(keep, logits, Tensor.Scalar(AttentionGeometry.LargeNegative));
        }
        return Einsum("bnts,bsnh->btnh", Softmax(logits, -1), v);
    }

    /// <summary>The attention on the backend's fused kernel; bias and mask are folded into one additive (batch|1, heads|1, Tq, Tk) bias each time the op runs.</summary>
    private static Tensor FusedAttention(Tensor q, Tensor k, Tensor v, Tensor? bias, Tensor? mask, float scale, bool causal)
    {
        int b = q.Shape[0], tq = q.Shape[1], n = q.Shape[2], d = q.Shape[3], tk = k.Shape[1], dv = v.Shape[3];
        static int Lead(Tensor? t, int fromEnd) => t is null || t.Rank < fromEnd ? 1 : t.Shape[-fromEnd];
        int bb = Math.Max(Lead(bias, 4), Lead(mask, 4)), nb = Math.Max(Lead(bias, 3), Lead(mask, 3));
        var biasShape = new Shape(bb, nb, tq, tk);
        var folded = bias is null && mask is null ? null : Tensor.Zeros(biasShape);
        var adder = mask is null ? null : Tensor.Zeros(mask.Shape);
        var one = Tensor.Scalar(1f);
        var g = new AttentionGeometry(b, n, tq, tk, d, dv, scale, causal, bb == 1 ? 0 : (long)nb * tq * tk, nb == 1 ? 0 : (long)tq * tk);
        var y = Tensor.Zeros(new Shape(b, tq, n, dv));
        var stats = Tensor.Zeros(new Shape(2, b, n, tq));
        void Fold()
        {
            if (folded is null)
            {
                return;
            }
            if (adder is not null)
            {
                var m = mask!.Span;
                var a = adder.Span;
                for (int i = 0; i < a.Length; i++)
                {
                    a[i] = m[i] != 0f ? 0f : AttentionGeometry.LargeNegative;
                }
            }
            var first = bias ?? adder!;
            K.Binary(BinaryFunction.Multiply, first.Span, first.Shape, one.Span, one.Shape, folded.Span, biasShape);
            if (bias is not null && adder is not null)
            {
                K.Binary(BinaryFunction.Add, folded.Span, biasShape, adder.Span, adder.Shape, folded.Span, biasShape);
            }
        }
        void Forward()
        {
            Fold();
            K.DotProductAttention(q.Span, k.Span, v.Span, folded is null ? default : folded.Span, g, y.Span, stats.Span);
        }
        Forward();
        Tensor[] inputs = bias is null && mask is null ? [q, k, v] : bias is null ? [q, k, v, mask!] : mask is null ? [q, k, v, bias] : [q, k, v, bias, mask];
        if (GradientTape.IsRecording(inputs))
        {
            Tensor?[] scratch = new Tensor?[3];
            GradientTape.Record(y, inputs, Forward, (grad, dx) =>
            {
                Span<float> Target(int i, Tensor like) => dx.Needs(i) ? dx[i].Span : (scratch[i] ??= Tensor.Zeros(like.Shape)).Span;
                K.DotProductAttentionBackward(q.Span, k.Span, v.Span, folded is null ? default : folded.Span, g, y.Span, stats.Span, grad.Span,
                    Target(0, q), Target(1, k), Target(2, v));
                // Masks carry no gradient, and a bias that needed one took the composition.
                for (int i = 3; i < inputs.Length; i++)
                {
                    if (dx.Needs(i))
                    {
                        dx[i].Span.Clear();
                    }
                }
            }, OpKind.DotProductAttention);
        }
        return y;
    }
}
