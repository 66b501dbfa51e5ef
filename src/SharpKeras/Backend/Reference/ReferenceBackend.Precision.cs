namespace SharpKeras.Backend.Reference;

/// <summary>The reduced-precision kernel family of the reference backend: each value rounded by comparing it with its two bfloat16 neighbours.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void RoundToBfloat16(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = RoundToBfloat16(x[i]);
        }
    }

    // Written from the definition rather than the bit trick the CPU backend uses, so the two check each other:
    // the candidates are the value truncated to bfloat16 and the next bfloat16 away from zero, compared in double.
    private static float RoundToBfloat16(float v)
    {
        if (float.IsNaN(v))
        {
            return BitConverter.UInt32BitsToSingle((BitConverter.SingleToUInt32Bits(v) & 0xFFFF_0000u) | 0x0040_0000u);
        }
        if (float.IsInfinity(v))
        {
            return v;
        }
        uint bits = BitConverter.SingleToUInt32Bits(v);
        uint down = bits & 0xFFFF_0000u;
        uint up = down + 0x0001_0000u;
        double below = BitConverter.UInt32BitsToSingle(down);
        // The next one up from the largest finite bfloat16 is Inf; as a rounding candidate it sits where 2^128 would.
        double above = (up & 0x7F80_0000u) == 0x7F80_0000u ? Math.CopySign(Math.Pow(2, 128), v) : BitConverter.UInt32BitsToSingle(up);
        double dBelow = Math.Abs(v - below);
        double dAbove = Math.Abs(above - v);
        bool takeUp = dAbove < dBelow || (dAbove == dBelow && (down & 0x0001_0000u) != 0);
        return takeUp ? BitConverter.UInt32BitsToSingle(up) : BitConverter.UInt32BitsToSingle(down);
    }
}
