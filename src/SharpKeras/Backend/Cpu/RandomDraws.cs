namespace SharpKeras.Backend.Cpu;

/// <summary>Bulk xoshiro256** draws with the state held in locals for the loop (the JIT keeps fields in memory).</summary>
internal static class RandomDraws
{
    /// <summary>See <see cref="IRandomKernels.UniformFloats"/>.</summary>
    public static void UniformFloats(ref RandomState state, Span<float> values)
    {
        ulong s0 = state.S0, s1 = state.S1, s2 = state.S2, s3 = state.S3;
        for (int i = 0; i < values.Length; i++)
        {
            ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = ulong.RotateLeft(s3, 45);
            // Through int: the 24-bit value converts exactly, and int-to-float is one instruction where ulong-to-float is a slow helper.
            values[i] = (int)(result >> 40) * (1f / (1 << 24));
        }
        (state.S0, state.S1, state.S2, state.S3) = (s0, s1, s2, s3);
    }

    /// <summary>See <see cref="IRandomKernels.DropoutMask"/>.</summary>
    public static void DropoutMask(ref RandomState state, Span<float> mask, float keep, float scale)
    {
        // Two 24-bit uniforms per 64-bit draw (xoshiro256**'s scrambler makes every bit usable),
        // halving the generator's serial work per element.
        int threshold = (int)Math.Ceiling(keep * (double)(1 << 24));
        ulong s0 = state.S0, s1 = state.S1, s2 = state.S2, s3 = state.S3;
        for (int i = 0; i < mask.Length; i += 2)
        {
            ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
            ulong t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = ulong.RotateLeft(s3, 45);
            mask[i] = (int)(result >> 40) < threshold ? scale : 0f;
            if (i + 1 < mask.Length)
            {
                mask[i + 1] = (int)((result >> 16) & 0xFFFFFF) < threshold ? scale : 0f;
            }
        }
        (state.S0, state.S1, state.S2, state.S3) = (s0, s1, s2, s3);
    }
}
