using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// The bfloat16 rounding kernel on the CPU backend (bit arithmetic, SIMD, threaded) and the reference backend (nearest of
/// the two neighbours, in double) against hand-worked cases, then against each other bit for bit on random bit patterns.
/// </summary>
public class PrecisionKernelTests
{
    private static readonly IBackend[] s_backends = [CpuBackend.Instance, ReferenceBackend.Instance];

    private static float F(uint bits) => BitConverter.UInt32BitsToSingle(bits);

    private static uint Bits(float f) => BitConverter.SingleToUInt32Bits(f);

    // (input bits, expected output bits), worked out by hand from round-to-nearest-even on the top 16 bits.
    public static TheoryData<uint, uint> Cases() => new()
    {
        { 0x3F80_0000u, 0x3F80_0000u },  // 1.0 is a bfloat16
        { 0x3F80_7FFFu, 0x3F80_0000u },  // just below the midpoint: down
        { 0x3F80_8000u, 0x3F80_0000u },  // midpoint, lower neighbour even: down
        { 0x3F80_8001u, 0x3F81_0000u },  // just above the midpoint: up
        { 0x3F81_8000u, 0x3F82_0000u },  // midpoint, lower neighbour odd: up to even
        { 0xBF81_8000u, 0xBF82_0000u },  // the same, negative
        { 0x3FFF_FFFFu, 0x4000_0000u },  // carry into the exponent
        { 0x0000_8000u, 0x0000_0000u },  // subnormal midpoint to even zero
        { 0x0001_8000u, 0x0002_0000u },  // subnormal midpoint, odd below: up
        { 0x0001_0001u, 0x0001_0000u },  // subnormal, below midpoint
        { 0x8001_7FFFu, 0x8001_0000u },  // negative subnormal
        { 0x007F_FFFFu, 0x0080_0000u },  // largest subnormal rounds up to the smallest normal
        { 0x0000_0000u, 0x0000_0000u },  // +0
        { 0x8000_0000u, 0x8000_0000u },  // -0
        { 0x7F7F_7FFFu, 0x7F7F_0000u },  // below the midpoint under the largest bfloat16
        { 0x7F7F_8000u, 0x7F80_0000u },  // midpoint above the largest bfloat16 (odd): Inf
        { 0x7F7F_FFFFu, 0x7F80_0000u },  // float.MaxValue: Inf
        { 0xFF7F_FFFFu, 0xFF80_0000u },  // float.MinValue: -Inf
        { 0x7F80_0000u, 0x7F80_0000u },  // +Inf
        { 0xFF80_0000u, 0xFF80_0000u },  // -Inf
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RoundsToNearestEven(uint input, uint expected)
    {
        foreach (var backend in s_backends)
        {
            // Long enough that the CPU kernel takes the value through its vector loop and its scalar tail.
            int n = 67;
            var x = Enumerable.Repeat(F(input), n).ToArray();
            var y = new float[n];
            backend.RoundToBfloat16(x, y);
            for (int i = 0; i < n; i++)
            {
                Assert.True(Bits(y[i]) == expected, $"{backend.Name} [{i}]: 0x{input:X8} -> 0x{Bits(y[i]):X8}, expected 0x{expected:X8}");
            }
        }
    }

    [Theory]
    [InlineData(0x7FC0_0000u)]
    [InlineData(0x7F80_0001u)]  // a NaN whose payload is all in the dropped half: must not become Inf
    [InlineData(0xFFFF_FFFFu)]  // a NaN the rounding carry would wrap
    [InlineData(0xFF80_8000u)]
    public void NaNStaysNaN(uint input)
    {
        foreach (var backend in s_backends)
        {
            var x = Enumerable.Repeat(F(input), 35).ToArray();
            var y = new float[35];
            backend.RoundToBfloat16(x, y);
            foreach (var v in y)
            {
                Assert.True(float.IsNaN(v), $"{backend.Name}: 0x{input:X8} -> 0x{Bits(v):X8}, not a NaN");
                Assert.True((Bits(v) & 0xFFFFu) == 0, $"{backend.Name}: NaN 0x{Bits(v):X8} keeps low bits");
                Assert.Equal(input >> 31, Bits(v) >> 31);
            }
        }
    }

    [Fact]
    public void CpuMatchesReferenceBitForBitOnRandomBitPatterns()
    {
        // Threaded size with a ragged tail; every bit pattern is a candidate (NaNs, subnormals, huge values).
        int n = 200_003;
        var rng = new SeedGenerator(11);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = F((uint)rng.NextUInt64());
        }
        var cpu = new float[n];
        var reference = new float[n];
        CpuBackend.Instance.RoundToBfloat16(x, cpu);
        ReferenceBackend.Instance.RoundToBfloat16(x, reference);
        for (int i = 0; i < n; i++)
        {
            Assert.True(Bits(cpu[i]) == Bits(reference[i]), $"[{i}] 0x{Bits(x[i]):X8}: cpu 0x{Bits(cpu[i]):X8}, reference 0x{Bits(reference[i]):X8}");
        }
    }
}
