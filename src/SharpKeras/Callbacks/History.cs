namespace SharpKeras.Callbacks;

/// <summary>
/// Records each epoch's logs (<c>keras.callbacks.History</c>); Fit returns it.
/// <c>history.HistoryData["loss"]</c> lists the loss of every epoch.
/// </summary>
public sealed class History : Callback
{
    private readonly Dictionary<string, List<double>> _history = [];
    private readonly List<int> _epochs = [];

    /// <summary>Per metric name ("loss", "accuracy", "val_loss", ...), the value at the end of each epoch.</summary>
    public IReadOnlyDictionary<string, List<double>> HistoryData => _history;

    /// <summary>The epochs recorded (counting from 0).</summary>
    public IReadOnlyList<int> Epoch => _epochs;

    /// <summary>The values of one metric, one per epoch; throws naming the known metrics when absent.</summary>
    public IReadOnlyList<double> this[string metric] => _history.TryGetValue(metric, out var v)
        ? v
        : throw new KeyNotFoundException($"History has no metric '{metric}'. Recorded: {string.Join(", ", _history.Keys)}.");

    /// <inheritdoc/>
    public override void OnTrainBegin() { }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _epochs.Add(epoch);
        foreach (var (k, v) in logs)
        {
            if (!_history.TryGetValue(k, out var list))
            {
                _history[k] = list = [];
            }
            list.Add(v);
        }
    }
}
