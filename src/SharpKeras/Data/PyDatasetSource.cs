namespace SharpKeras.Data;

/// <summary>
/// Reads a <see cref="PyDataset"/> epoch by epoch as Keras's PyDatasetAdapter does: batch indices in order
/// (shuffled per epoch when asked), on the calling thread or through an ordered, bounded prefetch queue
/// when the dataset has workers.
/// </summary>
internal sealed class PyDatasetSource : IBatchSource
{
    private readonly PyDataset _dataset;
    private readonly bool _shuffle;
    private readonly SeedGenerator? _rng;
    private readonly int? _stepsPerEpoch;
    private BatchPrefetcher? _prefetcher;
    private int[] _order = [];
    private int _next;

    public PyDatasetSource(PyDataset dataset, bool shuffle, int? seed, int? stepsPerEpoch, string what)
    {
        ArgumentNullException.ThrowIfNull(dataset, what);
        _dataset = dataset;
        _shuffle = shuffle;
        _rng = shuffle ? SeedGenerator.FromSeed(seed) : null;
        _stepsPerEpoch = stepsPerEpoch;
        Description = $"PyDataset '{dataset.GetType().Name}'";
    }

    public int? Steps
    {
        get
        {
            int length = Length();
            return _stepsPerEpoch is { } s ? Math.Min(s, length) : length;
        }
    }

    public string Description { get; }

    private int Length()
    {
        int length = _dataset.Length;
        if (length < 0)
        {
            throw new InvalidOperationException($"{Description}.Length must be >= 0, got {length}.");
        }
        return length;
    }

    public void BeginEpoch()
    {
        _dataset.OnEpochBegin();
        int length = Length();
        if (_order.Length != length)
        {
            _order = new int[length];
        }
        for (int i = 0; i < length; i++)
        {
            _order[i] = i;
        }
        if (_shuffle)
        {
            _rng!.Shuffle(_order);
        }
        int steps = Steps ?? length;
        _next = 0;
        if (_dataset.Parallel)
        {
            _prefetcher = new BatchPrefetcher(_dataset, _order.AsMemory(0, steps), _dataset.Workers, _dataset.MaxQueueSize, Description);
        }
        else
        {
            _order = _order[..steps];
        }
    }

    public bool TryNext(CancellationToken cancellationToken, out Batch batch)
    {
        if (_prefetcher is not null)
        {
            return _prefetcher.TryTake(cancellationToken, out batch);
        }
        if (_next >= _order.Length)
        {
            batch = null!;
            return false;
        }
        int index = _order[_next++];
        batch = _dataset[index] ?? throw new InvalidOperationException($"{Description}[{index}] returned null; it must return a batch (x, y).");
        return true;
    }

    public void EndEpoch()
    {
        _prefetcher?.Dispose();
        _prefetcher = null;
        _dataset.OnEpochEnd();
    }

    public void Dispose()
    {
        _prefetcher?.Dispose();
        _prefetcher = null;
    }
}
