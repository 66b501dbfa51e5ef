namespace SharpKeras.Backend;

/// <summary>
/// How one image axis is resampled: output position o reads input positions
/// <see cref="Index"/>[o * Taps + k] with weights <see cref="Weight"/>[o * Taps + k]; an index of -1
/// stands for the constant fill value (padding), a weight of 0 for an unused tap. Resizing of any
/// interpolation, cropping and padding are all this one separable form.
/// </summary>
internal sealed class ResampleTaps
{
    /// <summary>Taps for <paramref name="outSize"/> outputs with <paramref name="taps"/> taps each (indices -1, weights 0).</summary>
    public ResampleTaps(int inSize, int outSize, int taps)
    {
        InSize = inSize;
        OutSize = outSize;
        Taps = taps;
        Index = new int[outSize * taps];
        Array.Fill(Index, -1);
        Weight = new float[outSize * taps];
    }

    /// <summary>Length of the input axis.</summary>
    public int InSize { get; }

    /// <summary>Length of the output axis.</summary>
    public int OutSize { get; }

    /// <summary>Taps per output position.</summary>
    public int Taps { get; }

    /// <summary>Input position of each tap, -1 for the fill value.</summary>
    public int[] Index { get; }

    /// <summary>Weight of each tap.</summary>
    public float[] Weight { get; }
}
