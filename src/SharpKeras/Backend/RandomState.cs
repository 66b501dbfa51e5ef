namespace SharpKeras.Backend;

/// <summary>
/// The state of the xoshiro256** generator behind Keras's SeedGenerator: every backend draws the
/// same stream from the same state, so a seed gives the same numbers whichever backend runs.
/// </summary>
internal struct RandomState
{
    /// <summary>The four 64-bit words of state.</summary>
    public ulong S0, S1, S2, S3;

    /// <summary>One xoshiro256** step, as its authors' reference code: returns the next 64 bits and advances the state.</summary>
    public ulong Next()
    {
        ulong result = ulong.RotateLeft(S1 * 5, 7) * 9;
        ulong t = S1 << 17;
        S2 ^= S0;
        S3 ^= S1;
        S1 ^= S2;
        S0 ^= S3;
        S2 ^= t;
        S3 = ulong.RotateLeft(S3, 45);
        return result;
    }
}
