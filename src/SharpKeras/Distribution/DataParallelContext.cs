using SharpKeras.Callbacks;
using SharpKeras.Models;
using SharpKeras.Training;

namespace SharpKeras.Distribution;

/// <summary>
/// What one Fit, Evaluate or Predict under <see cref="DataParallel"/> needs between processes: each
/// rank's shard of a global batch, the gradient allreduce inside the replayed step, the initial
/// weights from rank 0, and the metric states summed so that logs are global.
/// </summary>
internal sealed class DataParallelContext
{
    private readonly ICommunicator _comm;
    private float[] _flat = [];
    private int[]? _gradLengths;
    private Tensor?[]? _zeroGrads;
    private double[] _localState = [];
    private double[] _globalState = [];
    private bool _weightsSynced;

    private DataParallelContext(ICommunicator comm) => _comm = comm;

    public int Rank => _comm.Rank;

    public int Size => _comm.Size;

    /// <summary>The global loss of the last step (the same on every rank), for the non-finite check.</summary>
    public double LastGlobalLoss { get; private set; }

    /// <summary>The context for the distribution in effect, or null when there is none or it spans one process.</summary>
    public static DataParallelContext? Current()
    {
        var comm = Distribution.GetDistribution()?.Communicator;
        return comm is null || comm.Size == 1 ? null : new DataParallelContext(comm);
    }

    /// <summary>Rows [start, start + count) of this rank's contiguous share of <paramref name="count"/> rows beginning at <paramref name="start"/>; shares differ by one row at most.</summary>
    public (int Start, int Count) Shard(int start, int count)
    {
        int lo = (int)((long)count * Rank / Size), hi = (int)((long)count * (Rank + 1) / Size);
        return (start + lo, hi - lo);
    }

    /// <summary>The shuffling seed every rank uses: the caller's, or one rank 0 draws (so that all ranks walk the samples in the same order).</summary>
    public int AgreeOnSeed(int? seed)
    {
        if (seed is { } s)
        {
            return s;
        }
        Span<double> value = [Rank == 0 ? SeedGenerator.Global.NextInt() : 0];
        _comm.AllReduceSum(value);
        return (int)value[0];
    }

    /// <summary>Gives every rank rank 0's weights, once per Fit, after the first batch has built the model.</summary>
    public void SyncInitialWeights(Model model)
    {
        if (_weightsSynced)
        {
            return;
        }
        foreach (var v in model.Weights)
        {
            if (v.Value.DType == DType.Float32)
            {
                _comm.Broadcast(v.Value.Span, 0);
                v.MarkChanged();
            }
        }
        _weightsSynced = true;
    }

    /// <summary>
    /// Restores a backup on every rank from rank 0's copy (BackupAndRestore under data parallelism): rank 0
    /// alone runs <paramref name="restoreOnChief"/> (which reads its files and returns the epoch to resume at,
    /// or null when there is no backup), then broadcasts the outcome, the model's weights and the optimizer's
    /// state, so that ranks on hosts without the backup folder resume exactly as rank 0. Returns the epoch, or null.
    /// </summary>
    public int? RestoreFromChief(Model model, Func<int?>? restoreOnChief)
    {
        var opt = model.Optimizer;
        // [outcome (-1 failed, 0 none, 1 restored), epoch, optimizer built, raw iterations, learning rate]
        Span<double> header = stackalloc double[5];
        header.Clear();
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        if (Rank == 0)
        {
            try
            {
                int? epoch = restoreOnChief?.Invoke();
                header[0] = epoch is null ? 0 : 1;
                header[1] = epoch ?? 0;
                if (opt is not null)
                {
                    var saved = opt.SaveableVariables();
                    header[2] = opt.Built ? 1 : 0;
                    header[3] = saved[0].GetInt(0);
                    header[4] = opt.UnbuiltVariableCount > 1 ? saved[1].GetFloat(0) : 0;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The other ranks wait in the collective below: tell them, rather than leave them to time out.
                failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
                header.Clear();
                header[0] = -1;
            }
        }
        _comm.AllReduceSum(header);
        if (header[0] < 0)
        {
            failure?.Throw();
            throw new DistributionException($"Rank {Rank} of {Size}: rank 0 could not restore the BackupAndRestore backup of model '{model.Name}' (its error is in rank 0's output), so this process stops too.");
        }
        if (header[0] == 0)
        {
            return null;
        }
        foreach (var v in model.Weights)
        {
            if (v.Value.DType == DType.Float32)
            {
                _comm.Broadcast(v.Value.Span, 0);
                v.MarkChanged();
            }
        }
        if (opt is not null)
        {
            if (header[2] == 1 && !opt.Built)
            {
                opt.Build(model.TrainableWeights);
            }
            if (header[2] == 1)
            {
                var own = opt.SaveableVariables();
                for (int i = opt.UnbuiltVariableCount; i < own.Count; i++)
                {
                    _comm.Broadcast(own[i].Span, 0);
                }
            }
            if (Rank != 0)
            {
                var own = opt.SaveableVariables();
                var values = new List<Tensor>(own.Count) { Tensor.WrapInts([(int)header[3]], new Shape(1)).View(Shape.Scalar) };
                if (opt.UnbuiltVariableCount > 1)
                {
                    values.Add(Tensor.Scalar((float)header[4]));
                }
                values.AddRange(own.Skip(opt.UnbuiltVariableCount));
                opt.LoadVariables(values, $"rank 0's restored optimizer state for model '{model.Name}'");
            }
        }
        return (int)header[1];
    }

    /// <summary>
    /// Replaces each rank's gradients (means over its <paramref name="count"/> of <paramref name="globalCount"/>
    /// samples) by the mean over the global batch: every rank adds count / globalCount of its own, one
    /// allreduce sums them (the loss rides along in the same buffer). Returns whether the global loss is finite.
    /// </summary>
    public bool ReduceGradients(Tensor?[] grads, double loss, int count, int globalCount)
    {
        _gradLengths ??= [.. grads.Select(g => g?.Length ?? -1)];
        CheckLayout(grads);
        var flat = Flat();
        float scale = (float)((double)count / globalCount);
        int at = 0;
        foreach (var g in grads)
        {
            if (g is null)
            {
                continue;
            }
            var src = g.Span;
            var dst = flat.AsSpan(at, src.Length);
            if (scale == 1f)
            {
                src.CopyTo(dst);
            }
            else
            {
                for (int i = 0; i < src.Length; i++)
                {
                    dst[i] = src[i] * scale;
                }
            }
            at += src.Length;
        }
        flat[at] = (float)(loss * count / globalCount);
        _comm.AllReduceSum(flat.AsSpan(0, at + 1));
        at = 0;
        foreach (var g in grads)
        {
            if (g is null)
            {
                continue;
            }
            var dst = g.Span;
            flat.AsSpan(at, dst.Length).CopyTo(dst);
            at += dst.Length;
        }
        LastGlobalLoss = flat[at];
        return double.IsFinite(LastGlobalLoss);
    }

    /// <summary>
    /// The step of a rank whose shard of a short last batch is empty: it adds nothing to the
    /// allreduce but takes the others' mean gradient and applies the same update. Returns the global loss.
    /// </summary>
    public double StepWithoutSamples(Model model, int globalCount)
    {
        var variables = model.TrainableWeights;
        if (_gradLengths is null || _gradLengths.Length != variables.Count)
        {
            throw new DistributionException($"Rank {Rank} of {Size} got no samples of a batch of {globalCount} before any full step of model '{model.Name}'; the global batch size must be at least the number of processes.");
        }
        _zeroGrads ??= [.. variables.Select((v, i) => _gradLengths[i] < 0 ? null : Tensor.Zeros(v.Shape))];
        foreach (var g in _zeroGrads)
        {
            g?.Span.Clear();
        }
        if (ReduceGradients(_zeroGrads, 0, 0, globalCount))
        {
            model.Optimizer!.ApplyGradients(_zeroGrads, variables);
            // As the planned step does, so that every rank holds the same projected weights.
            foreach (var v in variables)
            {
                v.Constraint?.ApplyTo(v);
                v.MarkChanged();
            }
        }
        return LastGlobalLoss;
    }

    /// <summary>Writes <paramref name="metrics"/>' values over all ranks' samples into <paramref name="logs"/>, leaving each rank's own running state as it was.</summary>
    public Dictionary<string, double> WriteGlobalLogs(CompiledMetrics metrics, Dictionary<string, double> logs, string prefix = "")
    {
        int n = metrics.StateLength;
        if (_localState.Length < n)
        {
            _localState = new double[n];
            _globalState = new double[n];
        }
        var local = _localState.AsSpan(0, n);
        var global = _globalState.AsSpan(0, n);
        metrics.GetState(local);
        local.CopyTo(global);
        _comm.AllReduceSum(global);
        metrics.SetState(global);
        metrics.WriteLogs(logs, prefix);
        metrics.SetState(local);
        return logs;
    }

    /// <summary>Sums <paramref name="metrics"/>' running states over all ranks, in place (the end of a sharded evaluation).</summary>
    public void ReduceInPlace(CompiledMetrics metrics)
    {
        var state = new double[metrics.StateLength];
        metrics.GetState(state);
        _comm.AllReduceSum(state);
        metrics.SetState(state);
    }

    /// <summary>The callbacks this rank runs: all on rank 0; elsewhere all but those that print or write files (progress bar, History entries, checkpoints, CSV logs).</summary>
    public List<Callback> ChiefOnly(List<Callback> callbacks) => Rank == 0
        ? callbacks
        : [.. callbacks.Where(c => c is not (ProgbarLogger or History or ModelCheckpoint or CSVLogger))];

    /// <summary>Every rank's rows of the outputs, gathered in rank order into the full arrays (Predict).</summary>
    public Tensor[] Gather(Tensor[] local, int samples, int localRows)
    {
        int maxRows = (samples + Size - 1) / Size;
        var result = new Tensor[local.Length];
        for (int k = 0; k < local.Length; k++)
        {
            int row = 1;
            for (int d = 1; d < local[k].Shape.Rank; d++)
            {
                row *= local[k].Shape[d];
            }
            var send = new float[maxRows * row];
            local[k].Span.Slice(0, localRows * row).CopyTo(send);
            var receive = new float[send.Length * Size];
            _comm.AllGather(send, receive);
            var full = Tensor.Zeros(local[k].Shape.WithDim(0, samples));
            for (int r = 0; r < Size; r++)
            {
                int lo = (int)((long)samples * r / Size), hi = (int)((long)samples * (r + 1) / Size);
                receive.AsSpan(r * send.Length, (hi - lo) * row).CopyTo(full.Span.Slice(lo * row, (hi - lo) * row));
            }
            result[k] = full;
        }
        return result;
    }

    private void CheckLayout(Tensor?[] grads)
    {
        bool same = grads.Length == _gradLengths!.Length;
        for (int i = 0; same && i < grads.Length; i++)
        {
            same = (grads[i]?.Length ?? -1) == _gradLengths[i];
        }
        if (!same)
        {
            throw new DistributionException($"Rank {Rank} of {Size}: the model's gradients changed layout during data-parallel training ({grads.Length} tensors now, {_gradLengths.Length} before); every rank must train the same model.");
        }
    }

    private float[] Flat()
    {
        int total = 1;
        foreach (int n in _gradLengths!)
        {
            total += Math.Max(0, n);
        }
        if (_flat.Length != total)
        {
            _flat = new float[total];
        }
        return _flat;
    }
}
