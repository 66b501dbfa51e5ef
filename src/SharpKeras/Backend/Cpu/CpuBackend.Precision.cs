using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>The reduced-precision kernel family of the CPU backend: bit arithmetic on whole vectors, split across cores.</summary>
internal sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public void RoundToBfloat16(ReadOnlySpan<float> x, Span<float> y) => Elementwise.Unary<Bfloat16RoundOp>(x, y);
}

/// <summary>
/// Round to nearest bfloat16, ties to even, on the float's bits: adding 0x7FFF plus the lowest kept bit carries into the
/// kept half exactly when the dropped half is above the midpoint (or at it with an odd kept half), and a carry out of the
/// largest finite value lands on the exponent of Inf. NaNs are taken apart first, since the carry could turn one into Inf
/// or wrap the sign; they keep their sign and high payload with the quiet bit set.
/// </summary>
internal readonly struct Bfloat16RoundOp : IUnaryOp
{
    public static float Apply(float x)
    {
        uint bits = BitConverter.SingleToUInt32Bits(x);
        if ((bits & 0x7FFF_FFFFu) > 0x7F80_0000u)
        {
            return BitConverter.UInt32BitsToSingle((bits & 0xFFFF_0000u) | 0x0040_0000u);
        }
        uint rounded = bits + 0x7FFFu + ((bits >> 16) & 1u);
        return BitConverter.UInt32BitsToSingle(rounded & 0xFFFF_0000u);
    }

    public static Vector<float> Apply(Vector<float> x)
    {
        var bits = Vector.AsVectorUInt32(x);
        var high = new Vector<uint>(0xFFFF_0000u);
        var lsb = Vector.ShiftRightLogical(bits, 16) & Vector<uint>.One;
        var rounded = (bits + new Vector<uint>(0x7FFFu) + lsb) & high;
        var nan = Vector.GreaterThan(bits & new Vector<uint>(0x7FFF_FFFFu), new Vector<uint>(0x7F80_0000u));
        var quiet = (bits & high) | new Vector<uint>(0x0040_0000u);
        return Vector.AsVectorSingle(Vector.ConditionalSelect(nan, quiet, rounded));
    }
}
