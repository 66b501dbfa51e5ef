using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// Where the one training loop gets each step's batch: in-memory arrays (<see cref="ArrayFeed"/>) or a batch
/// source such as a PyDataset or an enumerable (<see cref="SourceFeed"/>). The loop itself (steps, callbacks,
/// TrainStep/TestStep/PredictStep, validation, cancellation) is the same for both, as Keras's epoch iterator
/// hides the data adapter from its trainer.
/// </summary>
internal abstract class StepFeed : IDisposable
{
    /// <summary>Batches in the coming epoch when known (for the progress bar and callbacks' params); null reads to the end.</summary>
    public abstract int? Steps { get; }

    /// <summary>Total samples of one pass when known in advance (Predict then fills one array); null otherwise.</summary>
    public virtual int? Samples => null;

    /// <summary>Targets per batch (one per output, or 0 for <c>fit(x)</c>), for the per-output loss logs.</summary>
    public abstract int TargetCount { get; }

    /// <summary>What the data is, for messages ("x", "PyDataset 'Seqs'").</summary>
    public abstract string Description { get; }

    /// <summary>The data-parallel job this feed shards for, or null.</summary>
    public virtual Distribution.DataParallelContext? DataParallel => null;

    /// <summary>Starts an epoch (a new shuffled order, the dataset's OnEpochBegin).</summary>
    public abstract void BeginEpoch(int epoch);

    /// <summary>Points <paramref name="data"/> at the next batch of this epoch; false when the epoch's data is exhausted.</summary>
    public abstract bool TryLoad(StepData data, int step, CancellationToken cancellationToken);

    /// <summary>Ends an epoch; true when the data ran out before the steps asked for and training must stop (Keras's warning).</summary>
    public virtual bool EndEpoch() => false;

    /// <summary>Releases enumerators and prefetch workers.</summary>
    public virtual void Dispose()
    {
    }
}
