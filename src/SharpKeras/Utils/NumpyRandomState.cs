namespace SharpKeras.Utils;

/// <summary>
/// NumPy's legacy <c>np.random.RandomState(seed)</c> (MT19937) as far as Keras's data loaders use it:
/// <c>shuffle</c> of a 1-D array, so that the datasets and timeseries windows come out in the order Keras gives.
/// </summary>
internal sealed class NumpyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _pos;

    /// <summary>RandomState(seed) for a seed in [0, 2^32).</summary>
    public NumpyRandomState(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), seed, $"seed must be between 0 and 2**32 - 1, got {seed}.");
        }
        uint s = (uint)seed;
        for (int i = 0; i < N; i++)
        {
            _mt[i] = s;
            s = unchecked(1812433253u * (s ^ (s >> 30)) + (uint)i + 1);
        }
        _pos = N;
    }

    /// <summary>The next 32-bit output of the Mersenne Twister.</summary>
    public uint NextUInt32()
    {
        if (_pos >= N)
        {
            Generate();
        }
        uint y = _mt[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>NumPy's <c>random_sample()</c>: a double in [0, 1) from two 32-bit outputs (53 bits).</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    private void Generate()
    {
        for (int k = 0; k < N; k++)
        {
            uint y = (_mt[k] & 0x80000000u) | (_mt[(k + 1) % N] & 0x7fffffffu);
            _mt[k] = _mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
        }
        _pos = 0;
    }

    /// <summary>NumPy's <c>random_interval(max)</c>: uniform in [0, max] by masked rejection.</summary>
    private ulong Interval(ulong max)
    {
        if (max == 0)
        {
            return 0;
        }
        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        ulong value;
        if (max <= uint.MaxValue)
        {
            while ((value = NextUInt32() & mask) > max)
            {
            }
        }
        else
        {
            while ((value = (((ulong)NextUInt32() << 32) | NextUInt32()) & mask) > max)
            {
            }
        }
        return value;
    }

    /// <summary>NumPy's <c>RandomState.shuffle</c> of a 1-D array (Fisher-Yates from the end).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = (int)Interval((ulong)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>NumPy's <c>permutation(n)</c>: 0..n-1 shuffled.</summary>
    public int[] Permutation(int n)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }
        Shuffle<int>(order);
        return order;
    }
}
