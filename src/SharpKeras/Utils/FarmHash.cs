using System.Buffers.Binary;
using System.Numerics;

namespace SharpKeras.Utils;

/// <summary>
/// FarmHash's Fingerprint64 (farmhashna::Hash64), the hash behind TensorFlow's <c>strings.to_hash_bucket_fast</c>
/// that Keras's Hashing and the lookup layers' OOV buckets use. Written from the published algorithm; its results are
/// fixed by FarmHash's own contract (a fingerprint never changes), so bins match Keras's on every platform.
/// </summary>
internal static class FarmHash
{
    private const ulong K0 = 0xc3a5c85c97cb3127UL;
    private const ulong K1 = 0xb492b66fbe98f273UL;
    private const ulong K2 = 0x9ae16a3b2f90404fUL;

    /// <summary>The 64-bit fingerprint of <paramref name="s"/> (little-endian reads, as the reference on x86).</summary>
    public static ulong Fingerprint64(ReadOnlySpan<byte> s)
    {
        int len = s.Length;
        if (len <= 16)
        {
            return Len0To16(s);
        }
        if (len <= 32)
        {
            return Len17To32(s);
        }
        if (len <= 64)
        {
            return Len33To64(s);
        }
        const ulong seed = 81;
        ulong x = seed;
        ulong y = unchecked(seed * K1 + 113);
        ulong z = unchecked(ShiftMix(y * K2 + 113) * K2);
        (ulong First, ulong Second) v = (0, 0), w = (0, 0);
        unchecked
        {
            x = x * K2 + F64(s, 0);
            int end = (len - 1) / 64 * 64;
            int last64 = end + ((len - 1) & 63) - 63;
            int p = 0;
            do
            {
                x = R(x + y + v.First + F64(s, p + 8), 37) * K1;
                y = R(y + v.Second + F64(s, p + 48), 42) * K1;
                x ^= w.Second;
                y += v.First + F64(s, p + 40);
                z = R(z + w.First, 33) * K1;
                v = Weak32(s, p, v.Second * K1, x + w.First);
                w = Weak32(s, p + 32, z + w.Second, y + F64(s, p + 16));
                (z, x) = (x, z);
                p += 64;
            }
            while (p != end);
            ulong mul = K1 + ((z & 0xff) << 1);
            p = last64;
            w.First += (ulong)((len - 1) & 63);
            v.First += w.First;
            w.First += v.First;
            x = R(x + y + v.First + F64(s, p + 8), 37) * mul;
            y = R(y + v.Second + F64(s, p + 48), 42) * mul;
            x ^= w.Second * 9;
            y += v.First * 9 + F64(s, p + 40);
            z = R(z + w.First, 33) * mul;
            v = Weak32(s, p, v.Second * mul, x + w.First);
            w = Weak32(s, p + 32, z + w.Second, y + F64(s, p + 16));
            (z, x) = (x, z);
            return Len16(Len16(v.First, w.First, mul) + ShiftMix(y) * K0 + z, Len16(v.Second, w.Second, mul) + x, mul);
        }
    }

    private static ulong F64(ReadOnlySpan<byte> s, int i) => BinaryPrimitives.ReadUInt64LittleEndian(s[i..]);

    private static uint F32(ReadOnlySpan<byte> s, int i) => BinaryPrimitives.ReadUInt32LittleEndian(s[i..]);

    private static ulong R(ulong v, int shift) => BitOperations.RotateRight(v, shift);

    private static ulong ShiftMix(ulong v) => v ^ (v >> 47);

    private static ulong Len16(ulong u, ulong v, ulong mul)
    {
        unchecked
        {
            ulong a = (u ^ v) * mul;
            a ^= a >> 47;
            ulong b = (v ^ a) * mul;
            b ^= b >> 47;
            return b * mul;
        }
    }

    private static ulong Len0To16(ReadOnlySpan<byte> s)
    {
        int len = s.Length;
        unchecked
        {
            if (len >= 8)
            {
                ulong mul = K2 + (ulong)len * 2;
                ulong a = F64(s, 0) + K2;
                ulong b = F64(s, len - 8);
                ulong c = R(b, 37) * mul + a;
                ulong d = (R(a, 25) + b) * mul;
                return Len16(c, d, mul);
            }
            if (len >= 4)
            {
                ulong mul = K2 + (ulong)len * 2;
                ulong a = F32(s, 0);
                return Len16((ulong)len + (a << 3), F32(s, len - 4), mul);
            }
            if (len > 0)
            {
                uint y = s[0] + ((uint)s[len >> 1] << 8);
                uint z = (uint)len + ((uint)s[len - 1] << 2);
                return ShiftMix(y * K2 ^ z * K0) * K2;
            }
            return K2;
        }
    }

    private static ulong Len17To32(ReadOnlySpan<byte> s)
    {
        int len = s.Length;
        unchecked
        {
            ulong mul = K2 + (ulong)len * 2;
            ulong a = F64(s, 0) * K1;
            ulong b = F64(s, 8);
            ulong c = F64(s, len - 8) * mul;
            ulong d = F64(s, len - 16) * K2;
            return Len16(R(a + b, 43) + R(c, 30) + d, a + R(b + K2, 18) + c, mul);
        }
    }

    private static ulong Len33To64(ReadOnlySpan<byte> s)
    {
        int len = s.Length;
        unchecked
        {
            ulong mul = K2 + (ulong)len * 2;
            ulong a = F64(s, 0) * K2;
            ulong b = F64(s, 8);
            ulong c = F64(s, len - 8) * mul;
            ulong d = F64(s, len - 16) * K2;
            ulong y = R(a + b, 43) + R(c, 30) + d;
            ulong z = Len16(y, a + R(b + K2, 18) + c, mul);
            ulong e = F64(s, 16) * mul;
            ulong f = F64(s, 24);
            ulong g = (y + F64(s, len - 32)) * mul;
            ulong h = (z + F64(s, len - 24)) * mul;
            return Len16(R(e + f, 43) + R(g, 30) + h, e + R(f + a, 18) + g, mul);
        }
    }

    private static (ulong, ulong) Weak32(ReadOnlySpan<byte> s, int p, ulong a, ulong b)
    {
        unchecked
        {
            ulong w = F64(s, p), x = F64(s, p + 8), y = F64(s, p + 16), z = F64(s, p + 24);
            a += w;
            b = R(b + a + z, 21);
            ulong c = a;
            a += x;
            a += y;
            b += R(a, 44);
            return (a + z, b + c);
        }
    }
}
