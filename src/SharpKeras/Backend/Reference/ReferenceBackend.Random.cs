namespace SharpKeras.Backend.Reference;

/// <summary>Random draws of the reference backend: xoshiro256** one step at a time, as its authors' reference code.</summary>
internal sealed partial class ReferenceBackend
{
    /// <summary>One xoshiro256** step: returns the next 64 bits and advances the state.</summary>
    private static ulong Next(ref RandomState s)
    {
        ulong result = ulong.RotateLeft(s.S1 * 5, 7) * 9;
        ulong t = s.S1 << 17;
        s.S2 ^= s.S0;
        s.S3 ^= s.S1;
        s.S1 ^= s.S2;
        s.S0 ^= s.S3;
        s.S2 ^= t;
        s.S3 = ulong.RotateLeft(s.S3, 45);
        return result;
    }

    /// <inheritdoc/>
    public void UniformFloats(ref RandomState state, Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            ulong top24 = Next(ref state) >> 40;
            values[i] = top24 / 16777216f;
        }
    }

    /// <inheritdoc/>
    public void DropoutMask(ref RandomState state, Span<float> mask, float keep, float scale)
    {
        long threshold = (long)Math.Ceiling(keep * 16777216.0);
        for (int i = 0; i < mask.Length; i += 2)
        {
            ulong bits = Next(ref state);
            mask[i] = (long)(bits >> 40) < threshold ? scale : 0f;
            if (i + 1 < mask.Length)
            {
                mask[i + 1] = (long)((bits >> 16) & 0xFFFFFF) < threshold ? scale : 0f;
            }
        }
    }
}
