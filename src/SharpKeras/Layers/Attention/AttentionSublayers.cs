using SharpKeras.Constraints;
using SharpKeras.Initializers;
using SharpKeras.Regularizers;

namespace SharpKeras.Layers;

/// <summary>
/// What MultiHeadAttention and GroupQueryAttention share: their EinsumDense projections, saved as Keras's <c>query_dense</c>,
/// <c>key_dense</c>, <c>value_dense</c> and <c>output_dense</c>, and when and how they call the fused attention kernel.
/// </summary>
internal static class AttentionSublayers
{
    /// <summary>One projection sublayer: biased on <paramref name="biasAxes"/> when <paramref name="useBias"/>, with the layer's initializers, penalties and constraints.</summary>
    public static EinsumDense Projection(string equation, int[] outputShape, string biasAxes, bool useBias, Initializer kernelInitializer,
        Initializer biasInitializer, Regularizer? kernelRegularizer, Regularizer? biasRegularizer, Regularizer? activityRegularizer,
        Constraint? kernelConstraint, Constraint? biasConstraint, string name) =>
        new(equation, outputShape, null, useBias ? biasAxes : null, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer,
            activityRegularizer, kernelConstraint, biasConstraint, name);

    /// <summary>The four projections under the names Keras saves them by, or nothing before the layer is built.</summary>
    public static IEnumerable<KeyValuePair<string, Layer>> SavedChildren(EinsumDense? query, EinsumDense? key, EinsumDense? value, EinsumDense? output)
    {
        if (query is null)
        {
            yield break;
        }
        yield return new("query_dense", query);
        yield return new("key_dense", key!);
        yield return new("value_dense", value!);
        yield return new("output_dense", output!);
    }

    /// <summary>
    /// Whether a layer whose <c>flash_attention</c> is <paramref name="flashAttention"/> (and to which the fused kernel applies) takes it:
    /// null takes it, as Keras 3.11. Measured in the TextTransformer example's recorded training step (length 200, 2 heads of 32), the fused
    /// layer's forward and backward took less time than the composition's in every per-layer profile, and the whole step was faster at
    /// 2 threads; at 1 thread the whole-step timings under load scattered either side of parity, so no training-only exception is made.
    /// </summary>
    public static bool TakesFused(bool? flashAttention) => flashAttention != false;

    /// <summary>
    /// Keras's <c>ops.dot_product_attention</c> on projected (batch, target, heads, dim) tensors, with a (batch, target, source)
    /// attention mask (1 keeps) given the heads axis.
    /// </summary>
    public static Tensor Fused(Tensor query, Tensor key, Tensor value, Tensor? mask, double scale)
    {
        var headMask = mask is null || mask.Rank < 3 ? mask : Ops.ExpandDims(mask, 1);
        return Ops.DotProductAttention(query, key, value, mask: headMask, scale: scale);
    }
}
