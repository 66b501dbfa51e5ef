using SharpKeras.Models;

namespace SharpKeras.Callbacks;

/// <summary>
/// Base of training callbacks (<c>keras.callbacks.Callback</c>): hooks called by Fit at the
/// start and end of training, of each epoch and of each batch. Logs map metric names to values,
/// loss first, in the order Keras logs them.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained; set by Fit before <see cref="OnTrainBegin"/>.</summary>
    public Model? Model { get; internal set; }

    /// <summary>Fit's parameters: epochs, steps per epoch, verbosity.</summary>
    public TrainingParams? Params { get; internal set; }

    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin() { }

    /// <summary>Called once after the last epoch (or when training stops early).</summary>
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called at the start of epoch <paramref name="epoch"/> (counting from 0).</summary>
    public virtual void OnEpochBegin(int epoch) { }

    /// <summary>Called at the end of an epoch with its training (and val_) results.</summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called after each training batch with the running epoch results so far.</summary>
    public virtual void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }
}

/// <summary>What Fit was asked to do, as Keras's callback <c>params</c>.</summary>
/// <param name="Epochs">Number of epochs.</param>
/// <param name="Steps">Batches per epoch.</param>
/// <param name="Verbose">Verbosity (0 silent, 1 progress bar, 2 one line per epoch).</param>
public sealed record TrainingParams(int Epochs, int Steps, int Verbose);
