using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// Who is using a model right now: any number of inference calls (Predict, Evaluate,
/// PredictOnBatch) at once, or one training call (Fit, ProfileTrainStep) that changes the weights
/// in place. Training waits for the inference calls in flight to finish; an inference call or a
/// second training call from another thread while training runs is refused with an error, since
/// it would read weights in the middle of an update. Calls from the training thread itself (a
/// callback predicting, Fit's own validation) go through.
/// </summary>
internal sealed class ModelUsage
{
    private readonly object _gate = new();
    private int _inference;
    private Thread? _trainer;
    private int _trainingDepth;

    /// <summary>Marks an inference call as running until the returned scope is disposed; throws when another thread is training the model.</summary>
    public Scope EnterInference(Model model, string method)
    {
        lock (_gate)
        {
            if (_trainer is { } t && t != Thread.CurrentThread)
            {
                throw new InvalidOperationException(
                    $"{method}() on model '{model.Name}' was called while Fit() is training it on another thread ({Describe(t)}); " +
                    "its weights are being updated in place, so the result would be wrong. Wait for Fit to return, or predict with a separate copy of the model.");
            }
            _inference++;
        }
        return new Scope(this, training: false);
    }

    /// <summary>Marks a training call as running until the returned scope is disposed: waits for inference in flight, refuses a second trainer.</summary>
    public Scope EnterTraining(Model model, string method)
    {
        lock (_gate)
        {
            if (_trainer == Thread.CurrentThread)
            {
                _trainingDepth++;
                return new Scope(this, training: true);
            }
            if (_trainer is { } t)
            {
                throw new InvalidOperationException(
                    $"{method}() on model '{model.Name}' was called while Fit() is already training it on another thread ({Describe(t)}). Train a model from one thread at a time.");
            }
            // New inference calls are refused from here on; the ones in flight each finish one pass over their data.
            _trainer = Thread.CurrentThread;
            _trainingDepth = 1;
            while (_inference > 0)
            {
                Monitor.Wait(_gate);
            }
        }
        return new Scope(this, training: true);
    }

    private static string Describe(Thread t) => t.Name is { } name ? $"thread '{name}'" : $"managed thread {t.ManagedThreadId}";

    private void Exit(bool training)
    {
        lock (_gate)
        {
            if (training)
            {
                if (--_trainingDepth == 0)
                {
                    _trainer = null;
                }
            }
            else if (--_inference == 0)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Ends the call it was returned for when disposed (the default scope ends nothing).</summary>
    public readonly struct Scope(ModelUsage? usage, bool training) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => usage?.Exit(training);
    }
}
