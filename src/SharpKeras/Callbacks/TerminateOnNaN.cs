using SharpKeras.Training;

namespace SharpKeras.Callbacks;

/// <summary>
/// Ends training when a batch's loss becomes NaN or infinite (<c>keras.callbacks.TerminateOnNaN</c>).
/// Fit always has one: when the callbacks given to it hold no TerminateOnNaN, it adds
/// <c>new TerminateOnNaN(raiseError: true)</c>, so a non-finite loss throws <see cref="NonFiniteLossException"/>
/// naming the epoch and batch. Pass <c>new TerminateOnNaN()</c> for Keras's quiet stop, or
/// <see cref="Disabled"/> to train on without any check (Keras's behaviour without the callback;
/// the optimizer still skips a step whose loss is not finite).
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    private readonly bool _enabled;
    private int _epoch;

    /// <summary>
    /// The callback; with <paramref name="raiseError"/> a non-finite loss throws <see cref="NonFiniteLossException"/>
    /// at once (skipping the other callbacks' end-of-training hooks, which keeps a BackupAndRestore backup), otherwise
    /// it sets <c>model.StopTraining</c> (Keras's <c>raise_error</c>, default false).
    /// </summary>
    public TerminateOnNaN(bool raiseError = false) : this(raiseError, enabled: true) { }

    private TerminateOnNaN(bool raiseError, bool enabled)
    {
        RaiseError = raiseError;
        _enabled = enabled;
    }

    /// <summary>A TerminateOnNaN that checks nothing: given to Fit, it turns the default NaN check off.</summary>
    public static TerminateOnNaN Disabled => new(raiseError: false, enabled: false);

    /// <summary>Whether a non-finite loss throws rather than stopping quietly (Keras's <c>raise_error</c>).</summary>
    public bool RaiseError { get; }

    /// <summary>Whether this instance checks the loss at all (false for <see cref="Disabled"/>).</summary>
    public bool Enabled => _enabled;

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch) => _epoch = epoch;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (!_enabled || !logs.TryGetValue("loss", out double loss) || double.IsFinite(loss))
        {
            return;
        }
        if (RaiseError)
        {
            throw new NonFiniteLossException(loss, _epoch + 1, batch + 1);
        }
        Console.WriteLine($"Batch {batch}: Invalid loss, terminating training");
        Model!.StopTraining = true;
    }
}
