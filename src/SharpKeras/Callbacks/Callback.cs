using SharpKeras.Models;

namespace SharpKeras.Callbacks;

/// <summary>
/// Base of callbacks (<c>keras.callbacks.Callback</c>): hooks called by Fit at the start and end of
/// training, of each epoch and of each batch; by Evaluate (and Fit's validation passes) around the
/// test run and its batches; and by Predict around the prediction and its batches, in Keras's order.
/// Logs map metric names to values, loss first, in the order Keras logs them.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained; set by Fit before <see cref="OnTrainBegin"/>.</summary>
    public Model? Model { get; internal set; }

    /// <summary>Fit's parameters: epochs, steps per epoch, verbosity.</summary>
    public TrainingParams? Params { get; internal set; }

    /// <summary>Called once before the first epoch (Keras's <c>on_train_begin</c>).</summary>
    public virtual void OnTrainBegin() { }

    /// <summary>Called once after the last epoch, or when training stops early (Keras's <c>on_train_end</c>).</summary>
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called at the start of epoch <paramref name="epoch"/>, counting from 0 (Keras's <c>on_epoch_begin</c>).</summary>
    public virtual void OnEpochBegin(int epoch) { }

    /// <summary>
    /// Called at the end of an epoch with its training (and val_) results (Keras's <c>on_epoch_end</c>).
    /// Fit passes a mutable dictionary, so a callback may add entries (as ReduceLROnPlateau adds "learning_rate").
    /// </summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called before each training batch, counting from 0 within the epoch (Keras's <c>on_train_batch_begin</c>).</summary>
    public virtual void OnTrainBatchBegin(int batch) { }

    /// <summary>Called after each training batch with the running epoch results so far (Keras's <c>on_train_batch_end</c>).</summary>
    public virtual void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called when Evaluate, or a validation pass inside Fit, starts (Keras's <c>on_test_begin</c>).</summary>
    public virtual void OnTestBegin() { }

    /// <summary>Called when Evaluate, or a validation pass inside Fit, ends, with its results without the val_ prefix (Keras's <c>on_test_end</c>).</summary>
    public virtual void OnTestEnd(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called before each evaluation or validation batch (Keras's <c>on_test_batch_begin</c>).</summary>
    public virtual void OnTestBatchBegin(int batch) { }

    /// <summary>Called after each evaluation or validation batch with the running results (Keras's <c>on_test_batch_end</c>).</summary>
    public virtual void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called when Predict starts (Keras's <c>on_predict_begin</c>).</summary>
    public virtual void OnPredictBegin() { }

    /// <summary>Called when Predict ends (Keras's <c>on_predict_end</c>).</summary>
    public virtual void OnPredictEnd() { }

    /// <summary>Called before each prediction batch (Keras's <c>on_predict_batch_begin</c>).</summary>
    public virtual void OnPredictBatchBegin(int batch) { }

    /// <summary>
    /// Called after each prediction batch with that batch's outputs, one tensor per model output (Keras's
    /// <c>on_predict_batch_end</c>, whose logs hold them under "outputs"). The tensors are reused for the next batch: copy what you keep.
    /// </summary>
    public virtual void OnPredictBatchEnd(int batch, IReadOnlyList<Tensor> outputs) { }

    /// <summary>The epoch Fit should start from, set during <see cref="OnTrainBegin"/> by a callback that resumes training (Keras's <c>model._initial_epoch</c>).</summary>
    internal int? ResumeEpoch { get; set; }

    /// <summary>True for the callbacks Fit adds itself (History, the progress bar, the default NaN check).</summary>
    internal bool BuiltIn { get; set; }

    /// <summary>Sets an entry of a logs dictionary when Fit passed a mutable one (Keras callbacks write into <c>logs</c>).</summary>
    private protected static void SetLog(IReadOnlyDictionary<string, double> logs, string key, double value)
    {
        if (logs is IDictionary<string, double> mutable)
        {
            mutable[key] = value;
        }
    }
}

/// <summary>What Fit was asked to do, as Keras's callback <c>params</c>.</summary>
/// <param name="Epochs">Number of epochs.</param>
/// <param name="Steps">Batches per epoch.</param>
/// <param name="Verbose">Verbosity (0 silent, 1 progress bar, 2 one line per epoch).</param>
public sealed record TrainingParams(int Epochs, int Steps, int Verbose);
