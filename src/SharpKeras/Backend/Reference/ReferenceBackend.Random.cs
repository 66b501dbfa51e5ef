namespace SharpKeras.Backend.Reference;

/// <summary>Random draws of the reference backend: xoshiro256** one step at a time (<see cref="RandomState.Next"/>).</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void UniformFloats(ref RandomState state, Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            ulong top24 = state.Next() >> 40;
            values[i] = top24 / 16777216f;
        }
    }

    /// <inheritdoc/>
    public void DropoutMask(ref RandomState state, Span<float> mask, float keep, float scale)
    {
        long threshold = (long)Math.Ceiling(keep * 16777216.0);
        for (int i = 0; i < mask.Length; i += 2)
        {
            ulong bits = state.Next();
            mask[i] = (long)(bits >> 40) < threshold ? scale : 0f;
            if (i + 1 < mask.Length)
            {
                mask[i + 1] = (long)((bits >> 16) & 0xFFFFFF) < threshold ? scale : 0f;
            }
        }
    }
}
