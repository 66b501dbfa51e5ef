namespace SharpKeras.Backend.Cpu;

/// <summary>
/// op(B) [K, N] packed once as the GEMM's NR-column panels: K block pc (KC rows, the last one shorter) starts
/// at pc * NPadded and holds the panels of all N columns side by side, panel j at j * kc in it, each [kc][NR]
/// zero-padded. The packed kernels and the few-rows path read it in place of packing B on every call.
/// </summary>
internal sealed class GemmPanels : PackedMatrix
{
    internal GemmPanels(SimdLevel level, SimdLevel tileLevel, int k, int n, int nr, int kc) : base(k, n)
    {
        Level = level;
        TileLevel = tileLevel;
        NR = nr;
        KC = kc;
        NPadded = Gemm.RoundUp(n, nr);
        Data = new float[(long)k * NPadded];
    }

    /// <summary>The SIMD level of the multiplies this packing is for.</summary>
    public SimdLevel Level { get; }

    /// <summary>The level whose tiles the panels follow (narrower than <see cref="Level"/> for narrow products).</summary>
    public SimdLevel TileLevel { get; }

    /// <summary>Columns per panel.</summary>
    public int NR { get; }

    /// <summary>Rows of K per block.</summary>
    public int KC { get; }

    /// <summary>N rounded up to whole panels.</summary>
    public int NPadded { get; }

    /// <summary>The panels.</summary>
    public float[] Data { get; }
}
