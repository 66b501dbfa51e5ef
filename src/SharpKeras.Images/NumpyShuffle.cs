namespace SharpKeras.Images;

/// <summary>
/// NumPy's legacy <c>np.random.RandomState(seed).shuffle</c> (MT19937 with masked rejection sampling), which Keras's
/// index_directory uses to order the files; kept here because the core's copy is internal to it.
/// </summary>
internal sealed class NumpyShuffle
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _pos;

    /// <summary>RandomState(seed) for a seed in [0, 2^32).</summary>
    public NumpyShuffle(long seed)
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

    private uint NextUInt32()
    {
        if (_pos >= N)
        {
            for (int k = 0; k < N; k++)
            {
                uint y = (_mt[k] & 0x80000000u) | (_mt[(k + 1) % N] & 0x7fffffffu);
                _mt[k] = _mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
            }
            _pos = 0;
        }
        uint v = _mt[_pos++];
        v ^= v >> 11;
        v ^= (v << 7) & 0x9d2c5680u;
        v ^= (v << 15) & 0xefc60000u;
        v ^= v >> 18;
        return v;
    }

    // NumPy's random_interval: draws under the smallest all-ones mask covering max, rejecting values above it.
    private uint Interval(uint max)
    {
        if (max == 0)
        {
            return 0;
        }
        uint mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max)
        {
        }
        return value;
    }

    /// <summary>Shuffles in place as NumPy's RandomState.shuffle does a 1-D array (Fisher-Yates from the end).</summary>
    public void Shuffle<T>(T[] values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = (int)Interval((uint)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
