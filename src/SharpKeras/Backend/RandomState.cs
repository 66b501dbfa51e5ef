namespace SharpKeras.Backend;

/// <summary>
/// The state of the xoshiro256** generator behind Keras's SeedGenerator: every backend draws the
/// same stream from the same state, so a seed gives the same numbers whichever backend runs.
/// </summary>
internal struct RandomState
{
    /// <summary>The four 64-bit words of state.</summary>
    public ulong S0, S1, S2, S3;
}
