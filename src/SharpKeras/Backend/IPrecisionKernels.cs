namespace SharpKeras.Backend;

/// <summary>
/// The reduced-precision kernel family: float32 values rounded to what a narrower float type holds, so that a
/// mixed-precision dtype policy (Keras's <c>mixed_bfloat16</c>) computes with that type's numerics in float32 arithmetic.
/// </summary>
internal interface IPrecisionKernels
{
    /// <summary>
    /// Writes each x rounded to the nearest bfloat16 (ties to even), kept as a float32 whose low 16 bits are zero:
    /// NaN stays a NaN, values beyond the largest bfloat16 become ±Inf, subnormals round like any other value.
    /// </summary>
    void RoundToBfloat16(ReadOnlySpan<float> x, Span<float> y);
}
