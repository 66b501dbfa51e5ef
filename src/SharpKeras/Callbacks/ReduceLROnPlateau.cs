namespace SharpKeras.Callbacks;

/// <summary>
/// Multiplies the learning rate by <c>factor</c> when a metric has stopped improving for
/// <c>patience</c> epochs (<c>keras.callbacks.ReduceLROnPlateau</c>), then waits <c>cooldown</c>
/// epochs before counting again; the rate never goes below <c>minLr</c>.
/// </summary>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly bool _isMax;
    private double _best;
    private int _wait;
    private int _cooldownCounter;

    /// <summary>Creates the callback with Keras's arguments and defaults.</summary>
    /// <param name="monitor">Quantity to watch, a key of the epoch logs.</param>
    /// <param name="factor">Multiplier applied to the rate, in [0, 1).</param>
    /// <param name="patience">Epochs without improvement before reducing.</param>
    /// <param name="verbose">1 prints each reduction.</param>
    /// <param name="mode">"auto", "min" or "max"; "auto" maximizes when the name contains "acc", as Keras does.</param>
    /// <param name="minDelta">Smallest change counted as an improvement.</param>
    /// <param name="cooldown">Epochs to wait after a reduction before resuming normal operation.</param>
    /// <param name="minLr">Lower bound on the learning rate.</param>
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, int verbose = 0, string mode = "auto",
        double minDelta = 1e-4, int cooldown = 0, double minLr = 0.0)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        if (factor >= 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}");
        }
        if (!(factor >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"ReduceLROnPlateau: factor must be in [0, 1), got {factor}.");
        }
        if (mode is not ("auto" or "min" or "max"))
        {
            throw new ArgumentException($"ReduceLROnPlateau: mode must be one of \"auto\", \"min\", \"max\", got \"{mode}\".", nameof(mode));
        }
        Monitor = monitor;
        Factor = factor;
        Patience = patience;
        Verbose = verbose;
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinLr = minLr;
        // Keras's own rule here (not EarlyStopping's): maximize only for "max", or "auto" on a name containing "acc".
        _isMax = mode == "max" || (mode == "auto" && monitor.Contains("acc", StringComparison.Ordinal));
        Reset();
    }

    /// <summary>The monitored log key.</summary>
    public string Monitor { get; }

    /// <summary>The multiplier applied at each reduction.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; }

    /// <summary>Verbosity: 0 silent, 1 prints reductions.</summary>
    public int Verbose { get; }

    /// <summary>The minimum improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Epochs skipped after each reduction.</summary>
    public int Cooldown { get; }

    /// <summary>The lowest learning rate.</summary>
    public double MinLr { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin() => Reset();

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var optimizer = LearningRateScheduler.OptimizerOf(Model, nameof(ReduceLROnPlateau));
        SetLog(logs, "learning_rate", optimizer.LearningRate);
        if (!logs.TryGetValue(Monitor, out double current))
        {
            Console.Error.WriteLine($"Learning rate reduction is conditioned on metric `{Monitor}` which is not available. Available metrics are: {string.Join(",", logs.Keys)}.");
            return;
        }
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _wait = 0;
        }
        if (_isMax ? current > _best + MinDelta : current < _best - MinDelta)
        {
            _best = current;
            _wait = 0;
        }
        else if (_cooldownCounter <= 0)
        {
            _wait++;
            if (_wait >= Patience)
            {
                double oldLr = optimizer.LearningRate;
                if (oldLr > (float)MinLr)
                {
                    double newLr = Math.Max(oldLr * Factor, MinLr);
                    // Keras keeps the rate in a float32 variable.
                    optimizer.LearningRate = (float)newLr;
                    if (Verbose > 0)
                    {
                        Console.WriteLine($"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {PyFormat.Repr(newLr)}.");
                    }
                    _cooldownCounter = Cooldown;
                    _wait = 0;
                }
            }
        }
    }

    private void Reset()
    {
        _best = _isMax ? double.NegativeInfinity : double.PositiveInfinity;
        _cooldownCounter = 0;
        _wait = 0;
    }
}
