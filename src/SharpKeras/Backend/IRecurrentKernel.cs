namespace SharpKeras.Backend;

/// <summary>
/// One recurrent layer over a sequence (Keras's SimpleRNN, LSTM and GRU with reset_after=True),
/// forward and backpropagation through time.
/// </summary>
/// <remarks>
/// x is (B, T, F); the kernel is (F, G) and the recurrent kernel (H, G) with G = H times the gate
/// count (LSTM gates i, f, c, o; GRU z, r, h); the bias is G long, or 2G for GRU (input bias then
/// recurrent bias). The sequence output is written in processing order (reversed when going
/// backwards), as Keras does. A mask (B, T) of 0/1 keeps the state of masked steps; their output is
/// the previous output (zeros before the first valid step, or always when zeroOutputForMask).
/// The input dropout mask (B, F) multiplies x and the recurrent one (B, H) multiplies the state
/// fed to the recurrent kernel.
/// </remarks>
internal interface IRecurrentKernel
{
    /// <summary>
    /// Runs the sequence. Masks are empty when unused. Writes <paramref name="sequences"/> (B, T, H)
    /// and <paramref name="last"/> (B, H) when not empty, and the final states into
    /// <paramref name="hT"/> / <paramref name="cT"/> when not empty.
    /// </summary>
    void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> recurrentKernel, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<float> mask, ReadOnlySpan<float> dropMask, ReadOnlySpan<float> recDropMask,
        Span<float> sequences, Span<float> last, Span<float> hT, Span<float> cT);

    /// <summary>
    /// The inference forward: what <see cref="Forward"/> writes without dropout masks, with nothing kept for a
    /// backward pass. <paramref name="packedKernel"/> and <paramref name="packedRecurrentKernel"/> are this
    /// backend's packings of the kernels (kept between inference calls) or null; a packing the kernel cannot use
    /// is ignored and the plain values are read instead. <see cref="Backward"/> needs a <see cref="Forward"/> first.
    /// </summary>
    void Infer(ReadOnlySpan<float> x, PackedMatrix? packedKernel, ReadOnlySpan<float> kernel, PackedMatrix? packedRecurrentKernel,
        ReadOnlySpan<float> recurrentKernel, ReadOnlySpan<float> bias, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<float> mask,
        Span<float> sequences, Span<float> last, Span<float> hT, Span<float> cT);

    /// <summary>
    /// Backpropagation through time over the last <see cref="Forward"/>. Gradients arrive for the
    /// sequences, the last output and the final states, any of them empty when unused. Each
    /// non-empty gradient target is overwritten.
    /// </summary>
    void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> recurrentKernel, bool hasBias,
        ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<float> mask, ReadOnlySpan<float> dropMask, ReadOnlySpan<float> recDropMask,
        ReadOnlySpan<float> gSequences, ReadOnlySpan<float> gLast, ReadOnlySpan<float> gHT, ReadOnlySpan<float> gCT,
        Span<float> dx, Span<float> dKernel, Span<float> dRecurrentKernel, Span<float> dBias, Span<float> dh0, Span<float> dc0);
}
