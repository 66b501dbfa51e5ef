using SharpKeras.Distribution;

namespace SharpKeras.Tests.Distribution;

/// <summary>
/// An in-memory job for tests without mpirun: <see cref="Create"/> gives one communicator per rank,
/// each used by its own thread. Collectives meet at a barrier (with a timeout, so a broken test fails
/// instead of hanging) and every rank sums in rank order, so all get the same bits, as MPI promises.
/// </summary>
internal sealed class ThreadGroupCommunicator : ICommunicator
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private sealed class Group(int size)
    {
        public readonly Barrier Barrier = new(size);
        public readonly object?[] Slots = new object?[size];
    }

    private readonly Group _group;

    private ThreadGroupCommunicator(Group group, int rank)
    {
        _group = group;
        Rank = rank;
    }

    public static ThreadGroupCommunicator[] Create(int size)
    {
        var group = new Group(size);
        return [.. Enumerable.Range(0, size).Select(r => new ThreadGroupCommunicator(group, r))];
    }

    public int Rank { get; }

    public int Size => _group.Slots.Length;

    /// <summary>How many collectives this rank has made.</summary>
    public int Calls { get; private set; }

    private void Meet()
    {
        if (!_group.Barrier.SignalAndWait(Timeout))
        {
            throw new DistributionException($"Test rank {Rank} of {Size}: a collective did not complete within {Timeout.TotalSeconds} s.");
        }
    }

    private T[][] Exchange<T>(T[] mine)
    {
        Calls++;
        _group.Slots[Rank] = mine;
        Meet();
        var all = _group.Slots.Select(s => (T[])s!).ToArray();
        Meet();
        return all;
    }

    public void AllReduceSum(Span<float> values)
    {
        var all = Exchange(values.ToArray());
        for (int i = 0; i < values.Length; i++)
        {
            float s = 0;
            foreach (var a in all)
            {
                s += a[i];
            }
            values[i] = s;
        }
    }

    public void AllReduceSum(Span<double> values)
    {
        var all = Exchange(values.ToArray());
        for (int i = 0; i < values.Length; i++)
        {
            double s = 0;
            foreach (var a in all)
            {
                s += a[i];
            }
            values[i] = s;
        }
    }

    public void Broadcast(Span<float> values, int root) => Exchange(values.ToArray())[root].CopyTo(values);

    public void AllGather(ReadOnlySpan<float> send, Span<float> receive)
    {
        var all = Exchange(send.ToArray());
        for (int r = 0; r < all.Length; r++)
        {
            all[r].CopyTo(receive.Slice(r * send.Length, send.Length));
        }
    }

    public void Barrier() => Exchange(Array.Empty<float>());
}
