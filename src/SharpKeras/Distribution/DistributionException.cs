namespace SharpKeras.Distribution;

/// <summary>
/// A multi-process job cannot go on: a collective did not complete within the communicator's
/// timeout (another process died or hangs), or the processes disagree about the work.
/// </summary>
public sealed class DistributionException : Exception
{
    /// <summary>Creates the error with its message.</summary>
    public DistributionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with its message and the error that caused it.</summary>
    public DistributionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
