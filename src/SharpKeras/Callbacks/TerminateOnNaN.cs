namespace SharpKeras.Callbacks;

/// <summary>
/// Stops training when a batch's loss becomes NaN or infinite (<c>keras.callbacks.TerminateOnNaN</c>).
/// Without it Fit throws <see cref="Training.NonFiniteLossException"/> at that batch instead.
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>Creates the callback.</summary>
    public TerminateOnNaN() { }

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (logs.TryGetValue("loss", out double loss) && !double.IsFinite(loss))
        {
            Console.WriteLine($"Batch {batch}: Invalid loss, terminating training");
            Model!.StopTraining = true;
        }
    }
}
