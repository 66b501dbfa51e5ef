namespace SharpKeras.Data;

/// <summary>
/// Keras's <c>keras.utils.PyDataset</c>: a data source that <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c> read
/// batch by batch. Subclass it, give the batch count in <see cref="Length"/> and return batch <c>i</c> from
/// the indexer, reading from disk as needed so a data set larger than memory trains in bounded memory.
/// With <c>workers</c> &gt; 1 (or <c>useMultiprocessing</c>, which SharpKeras runs on threads) batches are
/// prepared in parallel ahead of the training step, at most <c>maxQueueSize</c> at a time; the indexer must then be thread-safe.
/// </summary>
public abstract class PyDataset
{
    /// <summary>Keras's <c>PyDataset(workers=1, use_multiprocessing=False, max_queue_size=10)</c>.</summary>
    /// <param name="workers">Threads that prepare batches in parallel (1: batches are read on the training thread).</param>
    /// <param name="useMultiprocessing">Accepted for Keras compatibility; SharpKeras prepares batches on threads, never in other processes.</param>
    /// <param name="maxQueueSize">Most batches prepared ahead of the training step at once (bounds memory).</param>
    protected PyDataset(int workers = 1, bool useMultiprocessing = false, int maxQueueSize = 10)
    {
        if (workers < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(workers), workers, $"PyDataset workers must be >= 0, got {workers}.");
        }
        if (maxQueueSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxQueueSize), maxQueueSize, $"PyDataset maxQueueSize must be >= 1, got {maxQueueSize}.");
        }
        Workers = workers;
        UseMultiprocessing = useMultiprocessing;
        MaxQueueSize = maxQueueSize;
    }

    /// <summary>Keras's <c>workers</c>: threads preparing batches.</summary>
    public int Workers { get; set; }

    /// <summary>Keras's <c>use_multiprocessing</c> (threads are used either way).</summary>
    public bool UseMultiprocessing { get; set; }

    /// <summary>Keras's <c>max_queue_size</c>: most batches prepared ahead of use.</summary>
    public int MaxQueueSize { get; set; }

    /// <summary>Keras's <c>__len__</c>: the number of batches in one epoch.</summary>
    public abstract int Length { get; }

    /// <summary>The number of batches in one epoch (the same as <see cref="Length"/>).</summary>
    public int Count => Length;

    /// <summary>Keras's <c>__getitem__</c>: batch <paramref name="index"/>, 0 &lt;= index &lt; <see cref="Length"/>.</summary>
    public abstract Batch this[int index] { get; }

    /// <summary>Keras's <c>on_epoch_begin</c>: called before an epoch's first batch is requested.</summary>
    public virtual void OnEpochBegin()
    {
    }

    /// <summary>Keras's <c>on_epoch_end</c>: called after an epoch's last batch (a place to reshuffle).</summary>
    public virtual void OnEpochEnd()
    {
    }

    /// <summary>True when batches are prepared on worker threads (Keras: workers &gt; 1, or workers &gt; 0 with use_multiprocessing).</summary>
    internal bool Parallel => Workers > 1 || (Workers > 0 && UseMultiprocessing);
}
