namespace SharpKeras.Backend;

/// <summary>
/// The random kernel family: bulk draws from a <see cref="RandomState"/> (xoshiro256**), advancing it.
/// The streams are part of the contract: a backend must give exactly the values described.
/// </summary>
internal interface IRandomKernels
{
    /// <summary>One float uniform in [0, 1) per draw: the draw's top 24 bits times 2^-24.</summary>
    void UniformFloats(ref RandomState state, Span<float> values);

    /// <summary>
    /// A dropout mask: each element is <paramref name="scale"/> where a 24-bit uniform is below
    /// <paramref name="keep"/> times 2^24 (rounded up) and 0 elsewhere. Each draw gives two elements:
    /// bits 40-63 for the even element, bits 16-39 for the odd one.
    /// </summary>
    void DropoutMask(ref RandomState state, Span<float> mask, float keep, float scale);
}
