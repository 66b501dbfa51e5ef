namespace SharpKeras.Data;

/// <summary>
/// Keras's OrderedEnqueuer on threads: batches of a <see cref="PyDataset"/> prepared by up to <c>workers</c>
/// threads at once and handed out in index order. At most <c>maxQueueSize</c> batches are requested ahead of
/// the consumer, so memory stays bounded however large the data set is.
/// </summary>
internal sealed class BatchPrefetcher : IDisposable
{
    private readonly PyDataset _dataset;
    private readonly ReadOnlyMemory<int> _order;
    private readonly int _queueSize;
    private readonly string _description;
    private readonly SemaphoreSlim _workers;
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<Task<Batch>> _pending = new();
    private int _next;
    private bool _disposed;

    public BatchPrefetcher(PyDataset dataset, ReadOnlyMemory<int> order, int workers, int maxQueueSize, string description)
    {
        _dataset = dataset;
        _order = order;
        _queueSize = maxQueueSize;
        _description = description;
        _workers = new SemaphoreSlim(Math.Max(1, workers));
        TopUp();
    }

    private void TopUp()
    {
        while (_pending.Count < _queueSize && _next < _order.Length)
        {
            int index = _order.Span[_next++];
            _pending.Enqueue(Task.Run(() => Produce(index)));
        }
    }

    private async Task<Batch> Produce(int index)
    {
        await _workers.WaitAsync(_stop.Token).ConfigureAwait(false);
        try
        {
            _stop.Token.ThrowIfCancellationRequested();
            return _dataset[index] ?? throw new InvalidOperationException($"{_description}[{index}] returned null; it must return a batch (x, y).");
        }
        finally
        {
            _workers.Release();
        }
    }

    /// <summary>The next batch in order, waiting for a worker to finish it; false after the epoch's last one.</summary>
    public bool TryTake(CancellationToken cancellationToken, out Batch batch)
    {
        if (_pending.Count == 0)
        {
            batch = null!;
            return false;
        }
        var task = _pending.Peek();
        try
        {
            task.Wait(cancellationToken);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
        {
            // The dataset's own exception, not the task wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }
        _pending.Dequeue();
        batch = task.Result;
        TopUp();
        return true;
    }

    /// <summary>Stops scheduling, and waits for batches being prepared so that no worker touches the dataset after Fit returns.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stop.Cancel();
        foreach (var t in _pending)
        {
            try
            {
                t.Wait();
            }
            catch (AggregateException)
            {
                // Unused batches: their failures (or cancellations) no longer matter.
            }
        }
        _pending.Clear();
        _stop.Dispose();
        _workers.Dispose();
    }
}
