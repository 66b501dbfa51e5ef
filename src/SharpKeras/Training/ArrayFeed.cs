using SharpKeras.Distribution;
using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// Batches cut from in-memory arrays, one per model input and output: in order or in a per-epoch shuffled order,
/// with stepsPerEpoch carrying the pass on across epochs as Keras's, and under data parallelism each rank's shard.
/// The batch is never copied here: the built-in steps load its rows straight into their planned buffers.
/// </summary>
internal sealed class ArrayFeed : StepFeed
{
    private readonly IReadOnlyList<Tensor> _x;
    private readonly IReadOnlyList<Tensor> _y;
    private readonly Tensor? _weight;
    private readonly int _batchSize;
    private readonly int? _stepsPerEpoch;
    private readonly bool _shuffle;
    private readonly int _shuffleSeed;
    private readonly DataParallelContext? _dp;
    private readonly int[]? _order;
    private readonly int _samples;
    private readonly int _batches;
    // The pass over the data carries on across epochs when stepsPerEpoch is given.
    private int _passStep;

    private ArrayFeed(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? weight, int batchSize, int? stepsPerEpoch, bool shuffle, int shuffleSeed, DataParallelContext? dp)
    {
        _x = x;
        _y = y;
        _weight = weight;
        _batchSize = batchSize;
        _stepsPerEpoch = stepsPerEpoch;
        _shuffle = shuffle;
        _shuffleSeed = shuffleSeed;
        _dp = dp;
        _samples = x[0].Shape[0];
        _batches = (_samples + batchSize - 1) / batchSize;
        _order = shuffle ? new int[_samples] : null;
        _passStep = _batches;
    }

    /// <summary>Training batches of <paramref name="batchSize"/> global samples; each rank of <paramref name="dp"/> takes its shard of every batch.</summary>
    public static ArrayFeed ForTraining(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? weight, int batchSize, int? stepsPerEpoch, bool shuffle, int shuffleSeed, DataParallelContext? dp)
        => new(x, y, weight, batchSize, stepsPerEpoch, shuffle, shuffleSeed, dp);

    /// <summary>
    /// Evaluation batches in order; with <paramref name="steps"/> each evaluation carries on from where the last stopped.
    /// Under data parallelism each rank evaluates a contiguous share in batches of its share of the global batch.
    /// </summary>
    public static ArrayFeed ForEvaluation(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? weight, int batchSize, int? steps, DataParallelContext? dp)
    {
        int samples = x[0].Shape[0];
        // Fewer samples than ranks: every rank evaluates them all, which gives the same result everywhere.
        if (dp is null || samples < dp.Size)
        {
            return new(x, y, weight, batchSize, steps, false, 0, null) { Sharded = false };
        }
        var (start, count) = dp.Shard(0, samples);
        return new([.. x.Select(t => t.Slice(start, count))], [.. y.Select(t => t.Slice(start, count))], weight?.Slice(start, count),
            (batchSize + dp.Size - 1) / dp.Size, steps, false, 0, null) { Sharded = true };
    }

    /// <summary>True when this evaluation feed holds one rank's share, whose metric states must be summed across ranks.</summary>
    public bool Sharded { get; private init; }

    /// <inheritdoc/>
    public override int? Steps => _stepsPerEpoch is { } s ? Math.Min(s, _passStep >= _batches ? _batches : _batches - _passStep) : _batches;

    /// <inheritdoc/>
    public override int? Samples => _samples;

    /// <inheritdoc/>
    public override int TargetCount => _y.Count;

    /// <inheritdoc/>
    public override string Description => "x";

    /// <inheritdoc/>
    public override DataParallelContext? DataParallel => _dp;

    /// <inheritdoc/>
    public override void BeginEpoch(int epoch)
    {
        if (_stepsPerEpoch is null)
        {
            _passStep = _batches;
        }
        _epoch = epoch;
    }

    private int _epoch;

    /// <inheritdoc/>
    public override bool TryLoad(StepData data, int step, CancellationToken cancellationToken)
    {
        if (_samples == 0 || (_stepsPerEpoch is { } s && step >= s))
        {
            return false;
        }
        if (_passStep >= _batches)
        {
            if (step > 0)
            {
                // The data ran out before stepsPerEpoch steps: the epoch ends here (Keras warns and interrupts).
                return false;
            }
            _passStep = 0;
            if (_order is not null)
            {
                // Each pass's order comes from its own generator, seeded from the run's seed and the epoch, so
                // epoch k is shuffled the same whether or not epochs before it ran in this process (a resumed run).
                for (int i = 0; i < _samples; i++)
                {
                    _order[i] = i;
                }
                new SeedGenerator(unchecked(_shuffleSeed + _epoch * (int)0x9E3779B9)).Shuffle(_order);
            }
        }
        int globalStart = _passStep * _batchSize;
        int globalCount = Math.Min(_batchSize, _samples - globalStart);
        var (start, count) = _dp?.Shard(globalStart, globalCount) ?? (globalStart, globalCount);
        _passStep++;
        data.Load(_x, _y, _weight, _order, start, count);
        data.Distribute(_dp, globalCount);
        return true;
    }

    /// <inheritdoc/>
    public override bool EndEpoch()
    {
        // An evaluation that reached the end starts over next time; one stopped by steps carries on.
        if (_stepsPerEpoch is null || _passStep >= _batches)
        {
            _passStep = _batches;
        }
        return false;
    }
}
