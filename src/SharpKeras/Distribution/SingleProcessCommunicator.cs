namespace SharpKeras.Distribution;

/// <summary>
/// The communicator of a job of one process (rank 0 of 1): every collective leaves the data as it
/// is. It is what <see cref="Distribution.JobCommunicator"/> is until <see cref="Distribution.Initialize"/>
/// names another, so a data-parallel program also runs, unchanged, without a launcher.
/// </summary>
public sealed class SingleProcessCommunicator : ICommunicator
{
    /// <summary>The one shared instance.</summary>
    public static SingleProcessCommunicator Instance { get; } = new();

    private SingleProcessCommunicator()
    {
    }

    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int Size => 1;

    /// <inheritdoc/>
    public void AllReduceSum(Span<float> values)
    {
    }

    /// <inheritdoc/>
    public void AllReduceSum(Span<double> values)
    {
    }

    /// <inheritdoc/>
    public void Broadcast(Span<float> values, int root)
    {
        if (root != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(root), root, $"A single-process job has only rank 0; got root {root}.");
        }
    }

    /// <inheritdoc/>
    public void AllGather(ReadOnlySpan<float> send, Span<float> receive)
    {
        if (receive.Length != send.Length)
        {
            throw new ArgumentException($"AllGather on one process needs a receive span as long as the send span ({send.Length}), got {receive.Length}.", nameof(receive));
        }
        send.CopyTo(receive);
    }

    /// <inheritdoc/>
    public void Barrier()
    {
    }
}
