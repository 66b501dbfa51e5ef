using System.Runtime.ExceptionServices;
using SharpKeras.Backend.Cpu;
using SharpKeras.Models;
using SharpKeras.Callbacks;

namespace SharpKeras.Training;

/// <summary>
/// Predict over arrays with the batches shared out among the threads, each thread running whole batches
/// through an inference plan of its own, instead of every batch's ops being split across the threads.
/// </summary>
/// <remarks>
/// Splitting each op of a 128-row batch across two cores syncs the cores at every layer and halves each
/// product's rows or columns; whole batches per core need no sync until the end. Measured on mnist_mlp at
/// batch 128 (issue 19): split by op, Predict gained about 1.3x from 1 to 2 threads; with whole batches per
/// core, 2 threads went from 179-189 to 240-249 GFLOP/s.
/// A batch gives the same bits on one thread as on several (kernels never split a reduction), so the
/// result does not depend on which thread ran which batch.
/// </remarks>
internal sealed class ConcurrentPredict : IRangeBody
{
    private readonly Model _model;
    private readonly IReadOnlyList<Tensor> _x;
    private readonly Tensor[] _result;
    private readonly int _batchSize;
    private readonly int _samples;
    private readonly Progbar? _bar;
    private readonly int _callerThread = Environment.CurrentManagedThreadId;
    private readonly CancellationToken _cancellationToken;
    private readonly int _batches;
    private int _next;
    private int _done;
    private volatile bool _stop;
    private ExceptionDispatchInfo? _error;

    private ConcurrentPredict(Model model, IReadOnlyList<Tensor> x, Tensor[] result, int first, int batchSize, Progbar? bar, CancellationToken cancellationToken)
    {
        _model = model;
        _x = x;
        _result = result;
        _batchSize = batchSize;
        _samples = x[0].Shape[0];
        _bar = bar;
        _cancellationToken = cancellationToken;
        _batches = (_samples + batchSize - 1) / batchSize;
        _next = first;
        _done = first;
    }

    /// <summary>
    /// True when the batches after the first may run this way: a built-in model class (a subclass may
    /// override PredictStep, which is then called per batch in order), no callbacks to call per batch in
    /// order, arrays of known size, and more than one thread with at least two batches left to share.
    /// </summary>
    public static bool Applies(Model model, IReadOnlyList<Tensor>? x, bool hasCallbacks, int batchesLeft) =>
        x is not null && !hasCallbacks && batchesLeft >= 2 && Config.Threads > 1 &&
        model.GetType().Assembly == typeof(Model).Assembly;

    /// <summary>
    /// Predicts batches <paramref name="first"/> onward (rows from first * batchSize) into
    /// <paramref name="result"/>, updating <paramref name="bar"/> to the number of batches done.
    /// </summary>
    public static void Run(Model model, IReadOnlyList<Tensor> x, Tensor[] result, int first, int batchSize, Progbar? bar, CancellationToken cancellationToken)
    {
        var work = new ConcurrentPredict(model, x, result, first, batchSize, bar, cancellationToken);
        // One item per thread, each taking batches until none is left; a whole batch is far more work than waking a thread.
        CpuParallel.ForObject(Math.Min(Config.Threads, work._batches - first), CpuParallel.MinWorkPerChunk, work);
        work._error?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <inheritdoc/>
    public void Run(int start, int end)
    {
        // Each thread takes the next batch not yet taken, so a thread that starts late (a worker waking on a core
        // that idled, which takes milliseconds on some machines) leaves its share to the others instead of
        // finishing last.
        while (!_stop)
        {
            int b = Interlocked.Increment(ref _next) - 1;
            if (b >= _batches)
            {
                return;
            }
            try
            {
                _cancellationToken.ThrowIfCancellationRequested();
                PredictBatch(b);
            }
            catch (Exception e)
            {
                // The first failure stops every thread at its next batch and is thrown on the caller as it was.
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
                _stop = true;
                return;
            }
            int done = Interlocked.Increment(ref _done);
            if (Environment.CurrentManagedThreadId == _callerThread)
            {
                _bar?.Update(done);
            }
        }
    }

    private void PredictBatch(int b)
    {
        int start = b * _batchSize;
        int count = Math.Min(_batchSize, _samples - start);
        var plan = _model.InferencePlans.Rent(_model, _x, null, count);
        try
        {
            plan.LoadSlice(_x, null, start);
            plan.Run();
            var outputs = plan.Predictions;
            for (int k = 0; k < outputs.Length; k++)
            {
                int row = _result[k].Length / Math.Max(1, _samples);
                outputs[k].Span.CopyTo(_result[k].Span.Slice(start * row, count * row));
            }
        }
        finally
        {
            _model.InferencePlans.Return(plan);
        }
    }
}
