namespace SharpKeras.Backend.Cpu;

/// <summary>The attention kernel family of the CPU backend: the blocked, online-softmax pass of <see cref="FlashAttention"/> on this CPU's GEMM level.</summary>
internal sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public void DotProductAttention(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        AttentionGeometry g, Span<float> output, Span<float> rowStats) =>
        FlashAttention.Forward(Gemm.Level, q, k, v, bias, g, output, rowStats);

    /// <inheritdoc/>
    public void DotProductAttentionBackward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> bias,
        AttentionGeometry g, ReadOnlySpan<float> output, ReadOnlySpan<float> rowStats, ReadOnlySpan<float> outputGrad,
        Span<float> dq, Span<float> dk, Span<float> dv) =>
        FlashAttention.Backward(Gemm.Level, q, k, v, bias, g, output, rowStats, outputGrad, dq, dk, dv);
}
