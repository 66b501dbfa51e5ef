namespace SharpKeras.Callbacks;

/// <summary>
/// Sets the optimizer's learning rate at the start of each epoch from a schedule
/// (<c>keras.callbacks.LearningRateScheduler</c>); the schedule gets the epoch (from 0) and the current rate.
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, double, double> _schedule;

    /// <summary>Creates the scheduler from <c>schedule(epoch, currentRate) -> newRate</c>.</summary>
    /// <param name="schedule">The schedule, given the epoch from 0 and the current learning rate.</param>
    /// <param name="verbose">1 prints the rate set at each epoch.</param>
    public LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Verbose = verbose;
    }

    /// <summary>Creates the scheduler from <c>schedule(epoch) -> rate</c> (Keras accepts one-argument schedules too).</summary>
    /// <param name="schedule">The schedule, given the epoch from 0.</param>
    /// <param name="verbose">1 prints the rate set at each epoch.</param>
    public LearningRateScheduler(Func<int, double> schedule, int verbose = 0)
        : this(WrapOneArgument(schedule), verbose)
    {
    }

    /// <summary>Verbosity: 0 silent, 1 prints each new rate.</summary>
    public int Verbose { get; }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch)
    {
        var optimizer = OptimizerOf(Model, nameof(LearningRateScheduler));
        double lr = _schedule(epoch, optimizer.LearningRate);
        if (!double.IsFinite(lr) || lr < 0)
        {
            throw new InvalidOperationException($"LearningRateScheduler: the schedule returned {lr} for epoch {epoch}; it must return a finite learning rate >= 0.");
        }
        // Keras keeps the rate in a float32 variable, so the rate read back is the float32 value.
        optimizer.LearningRate = (float)lr;
        if (Verbose > 0)
        {
            Console.WriteLine($"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {PyFormat.Repr(lr)}.");
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) =>
        SetLog(logs, "learning_rate", OptimizerOf(Model, nameof(LearningRateScheduler)).LearningRate);

    private static Func<int, double, double> WrapOneArgument(Func<int, double> schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return (epoch, _) => schedule(epoch);
    }

    /// <summary>The compiled model's optimizer, or an error naming the callback.</summary>
    internal static Optimizers.Optimizer OptimizerOf(Models.Model? model, string callback) =>
        model?.Optimizer ?? throw new InvalidOperationException($"{callback} needs a compiled model with an optimizer; call model.Compile(...) before Fit.");
}
