namespace SharpKeras.Callbacks;

/// <summary>
/// A callback built from delegates (<c>keras.callbacks.LambdaCallback</c>); each hook left null does nothing.
/// </summary>
public sealed class LambdaCallback : Callback
{
    private readonly Action<int>? _onEpochBegin;
    private readonly Action<int, IReadOnlyDictionary<string, double>>? _onEpochEnd;
    private readonly Action? _onTrainBegin;
    private readonly Action<IReadOnlyDictionary<string, double>>? _onTrainEnd;
    private readonly Action<int>? _onTrainBatchBegin;
    private readonly Action<int, IReadOnlyDictionary<string, double>>? _onTrainBatchEnd;
    private readonly Action? _onTestBegin;
    private readonly Action<IReadOnlyDictionary<string, double>>? _onTestEnd;
    private readonly Action<int>? _onTestBatchBegin;
    private readonly Action<int, IReadOnlyDictionary<string, double>>? _onTestBatchEnd;

    /// <summary>Creates the callback from Keras's <c>on_*</c> arguments (camelCase here).</summary>
    /// <param name="onEpochBegin">Called with the epoch (from 0) at its start.</param>
    /// <param name="onEpochEnd">Called with the epoch and its logs at its end.</param>
    /// <param name="onTrainBegin">Called before training.</param>
    /// <param name="onTrainEnd">Called after training with the last epoch's logs.</param>
    /// <param name="onTrainBatchBegin">Called with the batch index before each training batch.</param>
    /// <param name="onTrainBatchEnd">Called with the batch index and running logs after each training batch.</param>
    /// <param name="onTestBegin">Called when a validation pass starts.</param>
    /// <param name="onTestEnd">Called with the validation results when a validation pass ends.</param>
    /// <param name="onTestBatchBegin">Called before each validation batch.</param>
    /// <param name="onTestBatchEnd">Called after each validation batch with the running results.</param>
    public LambdaCallback(Action<int>? onEpochBegin = null, Action<int, IReadOnlyDictionary<string, double>>? onEpochEnd = null,
        Action? onTrainBegin = null, Action<IReadOnlyDictionary<string, double>>? onTrainEnd = null,
        Action<int>? onTrainBatchBegin = null, Action<int, IReadOnlyDictionary<string, double>>? onTrainBatchEnd = null,
        Action? onTestBegin = null, Action<IReadOnlyDictionary<string, double>>? onTestEnd = null,
        Action<int>? onTestBatchBegin = null, Action<int, IReadOnlyDictionary<string, double>>? onTestBatchEnd = null)
    {
        _onEpochBegin = onEpochBegin;
        _onEpochEnd = onEpochEnd;
        _onTrainBegin = onTrainBegin;
        _onTrainEnd = onTrainEnd;
        _onTrainBatchBegin = onTrainBatchBegin;
        _onTrainBatchEnd = onTrainBatchEnd;
        _onTestBegin = onTestBegin;
        _onTestEnd = onTestEnd;
        _onTestBatchBegin = onTestBatchBegin;
        _onTestBatchEnd = onTestBatchEnd;
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch) => _onEpochBegin?.Invoke(epoch);

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => _onEpochEnd?.Invoke(epoch, logs);

    /// <inheritdoc/>
    public override void OnTrainBegin() => _onTrainBegin?.Invoke();

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => _onTrainEnd?.Invoke(logs);

    /// <inheritdoc/>
    public override void OnTrainBatchBegin(int batch) => _onTrainBatchBegin?.Invoke(batch);

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => _onTrainBatchEnd?.Invoke(batch, logs);

    /// <inheritdoc/>
    public override void OnTestBegin() => _onTestBegin?.Invoke();

    /// <inheritdoc/>
    public override void OnTestEnd(IReadOnlyDictionary<string, double> logs) => _onTestEnd?.Invoke(logs);

    /// <inheritdoc/>
    public override void OnTestBatchBegin(int batch) => _onTestBatchBegin?.Invoke(batch);

    /// <inheritdoc/>
    public override void OnTestBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => _onTestBatchEnd?.Invoke(batch, logs);
}
