using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SharpKeras.Models;

namespace SharpKeras.Serving;

/// <summary>One output of a request: row-major values and shape (batch dimension first).</summary>
internal sealed record OutputSlice(float[] Data, int[] Shape);

/// <summary>
/// Server-side dynamic batching with one executor: requests that arrive within the batch timeout of the
/// first run together as one model call of up to maxBatch rows, and every model call happens on the
/// executor, so calls are serialised whatever the model's own thread safety.
/// </summary>
internal sealed class DynamicBatcher : IAsyncDisposable
{
    private sealed record Work(Tensor[] Inputs, int Rows, TaskCompletionSource<OutputSlice[]> Done);

    private readonly Model _model;
    private readonly int _maxBatch;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _executor;
    private long _batches;
    private long _rows;

    public DynamicBatcher(Model model, int maxBatch, int batchTimeoutMs, ILogger logger)
    {
        _model = model;
        _maxBatch = batchTimeoutMs == 0 ? 1 : maxBatch;
        _timeout = TimeSpan.FromMilliseconds(batchTimeoutMs);
        _logger = logger;
        _executor = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Model calls made so far (each one batch).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Rows predicted so far.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    private int _incoming;

    /// <summary>
    /// Marks a request as on its way (its body being read and parsed); call <see cref="Left"/> when it is
    /// queued or refused. A batch stops waiting as soon as nothing is on its way: with fewer clients than
    /// maxBatch, waiting out the timeout would only add latency.
    /// </summary>
    public void Arriving() => Interlocked.Increment(ref _incoming);

    /// <summary>Ends what <see cref="Arriving"/> began.</summary>
    public void Left()
    {
        if (Interlocked.Decrement(ref _incoming) <= 0)
        {
            // Wake a batch waiting for this request, so that it leaves now rather than at its next poll (up to 1/8 of the timeout later).
            _queue.Writer.TryWrite(Nudge);
        }
    }

    /// <summary>Queued by <see cref="Left"/> to wake the executor; never part of a batch.</summary>
    private static readonly Work Nudge = new([], 0, new TaskCompletionSource<OutputSlice[]>());

    /// <summary>Whether new requests are still accepted (false once shutting down).</summary>
    public bool Accepting { get; private set; } = true;

    /// <summary>
    /// Raised on the caller's thread each time a request is queued: a deterministic "this request is now in flight"
    /// signal for tests, where waiting a while would race with the client and the scheduler.
    /// </summary>
    internal event Action? Queued;

    /// <summary>Queues a request (one tensor per model input, same row count) and waits for its outputs.</summary>
    public Task<OutputSlice[]> PredictAsync(Tensor[] inputs)
    {
        var work = new Work(inputs, inputs[0].Shape[0], new TaskCompletionSource<OutputSlice[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(work))
        {
            throw new ServingException(503, "The server is shutting down; the request was not run.");
        }
        Queued?.Invoke();
        return work.Done.Task;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        Work? carried = null;
        var batch = new List<Work>();
        while (carried is not null || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            Work first;
            if (carried is not null)
            {
                first = carried;
                carried = null;
            }
            else if (!reader.TryRead(out first!) || ReferenceEquals(first, Nudge))
            {
                continue;
            }
            batch.Add(first);
            int rows = first.Rows;
            if (rows < _maxBatch)
            {
                var deadline = Stopwatch.GetTimestamp() + (long)(_timeout.TotalSeconds * Stopwatch.Frequency);
                while (rows < _maxBatch)
                {
                    if (reader.TryRead(out var next))
                    {
                        if (ReferenceEquals(next, Nudge))
                        {
                            continue;
                        }
                        if (rows + next.Rows <= _maxBatch && Compatible(first, next))
                        {
                            batch.Add(next);
                            rows += next.Rows;
                            continue;
                        }
                        carried = next;
                        break;
                    }
                    var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                    if (deadline <= Stopwatch.GetTimestamp() || Volatile.Read(ref _incoming) <= 0)
                    {
                        break;
                    }
                    // Poll at 1/8 of the timeout (at least 50 us) so that the batch leaves once nothing else is on its way.
                    var slice = TimeSpan.FromTicks(Math.Max(Math.Min(left.Ticks, _timeout.Ticks / 8), TimeSpan.FromMicroseconds(50).Ticks));
                    using var cts = new CancellationTokenSource(slice);
                    try
                    {
                        if (!await reader.WaitToReadAsync(cts.Token).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
            Run(batch, rows);
        }
    }

    /// <summary>Requests batch together when every input has the same row shape and dtype.</summary>
    private static bool Compatible(Work a, Work b)
    {
        for (int i = 0; i < a.Inputs.Length; i++)
        {
            var x = a.Inputs[i];
            var y = b.Inputs[i];
            if (x.DType != y.DType || x.Rank != y.Rank || !x.Shape.Dims[1..].SequenceEqual(y.Shape.Dims[1..]))
            {
                return false;
            }
        }
        return true;
    }

    private void Run(List<Work> batch, int rows)
    {
        try
        {
            var inputs = batch.Count == 1 ? batch[0].Inputs : Concatenate(batch, rows);
            var outputs = _model.PredictOutputs(inputs, batchSize: Math.Max(rows, 1), verbose: 0);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _rows, rows);
            var flat = outputs.Select(o => o.ToArray()).ToArray();
            int start = 0;
            foreach (var w in batch)
            {
                var slices = new OutputSlice[outputs.Length];
                for (int k = 0; k < outputs.Length; k++)
                {
                    var shape = outputs[k].Shape.ToArray();
                    int perRow = rows == 0 ? 0 : flat[k].Length / rows;
                    shape[0] = w.Rows;
                    slices[k] = new OutputSlice(flat[k].AsSpan(start * perRow, w.Rows * perRow).ToArray(), shape);
                }
                start += w.Rows;
                w.Done.TrySetResult(slices);
            }
        }
        catch (Exception e)
        {
            // A model error for a merged batch is reported to each request; bad shapes were refused before queuing.
            _logger.LogWarning(e, "Model call on a batch of {Requests} requests ({Rows} rows) failed", batch.Count, rows);
            var failure = e is ArgumentException or FormatException or InvalidOperationException
                ? new ServingException(400, e.Message)
                : new ServingException(500, $"The model failed: {e.Message}");
            foreach (var w in batch)
            {
                w.Done.TrySetException(failure);
            }
        }
    }

    private static Tensor[] Concatenate(List<Work> batch, int rows)
    {
        var first = batch[0].Inputs;
        var result = new Tensor[first.Length];
        for (int i = 0; i < first.Length; i++)
        {
            int[] shape = first[i].Shape.ToArray();
            shape[0] = rows;
            switch (first[i].DType)
            {
                case DType.Int32:
                    result[i] = Tensor.FromArray(batch.SelectMany(w => w.Inputs[i].ToInt32Array()).ToArray(), shape);
                    break;
                case DType.UInt8:
                    result[i] = Tensor.FromArray(batch.SelectMany(w => w.Inputs[i].ToByteArray()).ToArray(), shape);
                    break;
                default:
                    int per = first[i].Length / Math.Max(first[i].Shape[0], 1);
                    var data = new float[(long)rows * per];
                    int at = 0;
                    foreach (var w in batch)
                    {
                        var src = w.Inputs[i].ToArray();
                        src.CopyTo(data, at);
                        at += src.Length;
                    }
                    result[i] = Tensor.FromArray(data, shape);
                    break;
            }
        }
        return result;
    }

    /// <summary>Stops accepting requests, lets the executor finish every queued one, and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        Accepting = false;
        _queue.Writer.TryComplete();
        await _executor.ConfigureAwait(false);
    }
}
