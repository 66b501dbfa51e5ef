namespace SharpKeras.Backend.Cpu;

/// <summary>
/// A convolution kernel [patch, filters] packed once as <see cref="DirectConvolution"/>'s panels: panel j holds
/// filters [j * NR, j * NR + NR) of every patch row, [patch][NR], zero beyond the last filter.
/// </summary>
internal sealed class ConvPanels : PackedMatrix
{
    internal ConvPanels(SimdLevel level, SimdLevel tileLevel, int patch, int filters, int nr) : base(patch, filters)
    {
        Level = level;
        TileLevel = tileLevel;
        NR = nr;
        Panels = (filters + nr - 1) / nr;
        Data = new float[(long)Panels * patch * nr];
    }

    /// <summary>The SIMD level of the convolutions this packing is for.</summary>
    public SimdLevel Level { get; }

    /// <summary>The level whose tiles the panels follow (narrower than <see cref="Level"/> for few filters).</summary>
    public SimdLevel TileLevel { get; }

    /// <summary>Filters per panel.</summary>
    public int NR { get; }

    /// <summary>Number of panels.</summary>
    public int Panels { get; }

    /// <summary>The panels.</summary>
    public float[] Data { get; }

    // Made on first use by a 3x3 convolution Winograd takes; concurrent Predict calls may both make it, with the same floats.
    private float[]? _winograd;

    /// <summary>The kernel transformed for <see cref="WinogradConvolution"/> (a 3x3 window), made once and kept with the panels.</summary>
    public float[] Winograd => Volatile.Read(ref _winograd) ?? Interlocked.CompareExchange(ref _winograd, WinogradConvolution.Transform(this), null) ?? _winograd!;
}
