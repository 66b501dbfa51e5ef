namespace SharpKeras.Callbacks;

/// <summary>
/// Stops training when a monitored metric has stopped improving (<c>keras.callbacks.EarlyStopping</c>).
/// An epoch improves when the value beats the best so far by more than <c>minDelta</c>; after
/// <c>patience</c> epochs without improvement <see cref="Models.Model.StopTraining"/> is set.
/// With <c>restoreBestWeights</c> the weights of the best epoch are put back at the end of training.
/// </summary>
public sealed class EarlyStopping : Callback
{
    private readonly string _mode;
    private bool? _isMax;
    private double _minDelta;
    private int _wait;
    private double? _best;
    private IReadOnlyList<Tensor>? _bestWeights;

    /// <summary>Creates the callback with Keras's arguments and defaults.</summary>
    /// <param name="monitor">Quantity to watch, a key of the epoch logs ("val_loss", "accuracy", ...).</param>
    /// <param name="minDelta">Smallest change counted as an improvement; its sign is ignored.</param>
    /// <param name="patience">Epochs without improvement before stopping.</param>
    /// <param name="verbose">1 prints when training stops and when weights are restored.</param>
    /// <param name="mode">"auto", "min" or "max"; "auto" infers the direction from the metric's name.</param>
    /// <param name="baseline">A value the metric must beat; epochs that improve on the best but not on the baseline still count towards patience.</param>
    /// <param name="restoreBestWeights">Put back the weights of the best epoch when training ends.</param>
    /// <param name="startFromEpoch">Epochs to wait before watching (a warm-up with no improvement expected).</param>
    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, int verbose = 0, string mode = "auto",
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        if (mode is not ("auto" or "min" or "max"))
        {
            throw new ArgumentException($"EarlyStopping: mode must be one of \"auto\", \"min\", \"max\", got \"{mode}\".", nameof(mode));
        }
        if (patience < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(patience), patience, $"EarlyStopping: patience must be >= 0, got {patience}.");
        }
        Monitor = monitor;
        MinDelta = Math.Abs(minDelta);
        Patience = patience;
        Verbose = verbose;
        _mode = mode;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
    }

    /// <summary>The monitored log key.</summary>
    public string Monitor { get; }

    /// <summary>The minimum improvement (non-negative).</summary>
    public double MinDelta { get; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Verbosity: 0 silent, 1 prints actions.</summary>
    public int Verbose { get; }

    /// <summary>The value to beat, if any.</summary>
    public double? Baseline { get; }

    /// <summary>Whether the best epoch's weights are restored at the end of training.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Epochs skipped before monitoring starts.</summary>
    public int StartFromEpoch { get; }

    /// <summary>The epoch (from 0) at which training was stopped; 0 when it ran to the end (Keras's <c>stopped_epoch</c>).</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>The epoch (from 0) with the best monitored value (Keras's <c>best_epoch</c>).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The best monitored value seen; null before the first monitored epoch.</summary>
    public double? Best => _best;

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _wait = 0;
        StoppedEpoch = 0;
        _best = null;
        _bestWeights = null;
        BestEpoch = 0;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (_isMax is null)
        {
            _isMax = MonitorMode.IsMax(_mode, Monitor, nameof(EarlyStopping));
            // Improvements are tested as (value - minDelta) against the reference, so minimizing subtracts a negative delta.
            _minDelta = _isMax.Value ? MinDelta : -MinDelta;
        }
        if (!logs.TryGetValue(Monitor, out double current))
        {
            Console.Error.WriteLine($"Early stopping conditioned on metric `{Monitor}` which is not available. Available metrics are: {string.Join(",", logs.Keys)}");
            return;
        }
        if (epoch < StartFromEpoch)
        {
            return;
        }
        if (RestoreBestWeights && _bestWeights is null)
        {
            // The first monitored epoch's weights, so a run that never improves still restores something defined.
            _bestWeights = Model!.GetWeights();
            BestEpoch = epoch;
        }
        _wait++;
        if (IsImprovement(current, _best))
        {
            _best = current;
            BestEpoch = epoch;
            if (RestoreBestWeights)
            {
                _bestWeights = Model!.GetWeights();
            }
            // Only restart the wait if the baseline has been beaten too.
            if (Baseline is null || IsImprovement(current, Baseline))
            {
                _wait = 0;
            }
            return;
        }
        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model!.StopTraining = true;
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (StoppedEpoch > 0 && Verbose > 0)
        {
            Console.WriteLine($"Epoch {StoppedEpoch + 1}: early stopping");
        }
        if (RestoreBestWeights && _bestWeights is not null)
        {
            if (Verbose > 0)
            {
                Console.WriteLine($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            }
            Model!.SetWeights(_bestWeights);
        }
    }

    private bool IsImprovement(double value, double? reference) =>
        reference is not { } r || (_isMax!.Value ? value - _minDelta > r : value - _minDelta < r);
}
