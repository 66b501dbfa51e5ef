namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The left operand of a packed GEMM as the packing step sees it: whatever can write a block of A
/// into MR-row panels ([kc][MR] each, zero-padded rows) may stand for A, so that a matrix the
/// multiply only reads once per block (a convolution's windows) need never be stored whole.
/// </summary>
internal unsafe interface IPanelSourceA
{
    /// <summary>Packs A[ic:ic+mc, pc:pc+kc] into MR-row panels at <paramref name="dst"/> (panel r at dst + r * MR * kc).</summary>
    void Pack(int ic, int mc, int pc, int kc, float* dst);
}
