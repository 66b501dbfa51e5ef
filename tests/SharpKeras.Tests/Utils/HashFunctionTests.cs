using System.Text;
using SharpKeras.Utils;

namespace SharpKeras.Tests.Utils;

/// <summary>FarmHash Fingerprint64 and SipHash-2-4 against their published test vectors.</summary>
public sealed class HashFunctionTests
{
    private static ulong Fp(string s) => FarmHash.Fingerprint64(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Fingerprint64MatchesPublishedValues()
    {
        // Guava's FarmHashFingerprint64Test (checked there against the C++ reference): 4, 32 and 256 bytes.
        Assert.Equal(8581389452482819506UL, Fp("test"));
        Assert.Equal(unchecked((ulong)-4196240717365766262L), Fp(string.Concat(Enumerable.Repeat("test", 8))));
        Assert.Equal(3500507768004279527UL, Fp(string.Concat(Enumerable.Repeat("test", 64))));
        Assert.Equal(0x9ae16a3b2f90404fUL, Fp(""));
    }

    [Fact]
    public void Fingerprint64MatchesTheReferenceOnEveryLengthUpTo3200Bytes()
    {
        // The reference's chained test: fingerprints of growing, self-modifying buffers folded into one value, which
        // covers every length path (0-16, 17-32, 33-64 and the 64-byte loop with its tail).
        const int iterations = 800;
        var buf = new byte[iterations * 4];
        int len = 0;
        ulong h = 0;
        ulong Fingerprint(int n) => FarmHash.Fingerprint64(buf.AsSpan(0, n));
        void Step(int n)
        {
            h ^= Fingerprint(n);
            h ^= h >> 41;
            h = unchecked(h * 949921979UL);
            buf[len++] = (byte)('a' + (int)((h & 0xfffff) % 26));
        }
        for (int i = 0; i < iterations; ++i)
        {
            Step(i);
            Step(i * i % len);
            Step((int)((long)i * i * i % len));
            Step(len);
            int x0 = buf[len - 1], x1 = buf[len - 2], x2 = buf[len - 3], x3 = buf[len / 2];
            buf[((x0 << 16) + (x1 << 8) + x2) % len] ^= (byte)x3;
            buf[((x1 << 16) + (x2 << 8) + x3) % len] ^= (byte)(i % 256);
        }
        Assert.Equal(0x7a1d67c50ec7e167UL, h);
    }

    [Fact]
    public void SipHashMatchesTheReferenceVectors()
    {
        // The SipHash paper's key 00..0f; messages 00, 00 01, ... (first vectors of its reference table).
        ulong k0 = 0x0706050403020100UL, k1 = 0x0f0e0d0c0b0a0908UL;
        Assert.Equal(0x726fdb47dd0e0e31UL, SipHash.Hash(k0, k1, []));
        Assert.Equal(0x74f839c593dc67fdUL, SipHash.Hash(k0, k1, [0]));
        var fifteen = Enumerable.Range(0, 15).Select(i => (byte)i).ToArray();
        Assert.Equal(0xa129ca6149be45e5UL, SipHash.Hash(k0, k1, fifteen));
    }
}
