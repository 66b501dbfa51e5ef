using System.Globalization;

namespace SharpKeras.Callbacks;

/// <summary>
/// Saves the model or its weights during training (<c>keras.callbacks.ModelCheckpoint</c>).
/// <c>filepath</c> is a Python format string filled with <c>epoch</c> (from 1), <c>batch</c> (from 1,
/// when saving by batch) and every log key, e.g. <c>"ckpt/w.{epoch:02d}-{val_loss:.2f}.keras"</c>.
/// With <c>saveBestOnly</c> a file is written only when the monitored value improves on the best so far.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly string _mode;
    private readonly int _saveFreqBatches;
    private bool? _isMax;
    private double _best;
    private int _currentEpoch;
    private int _batchesSinceSave;
    private int _lastBatchSeen;

    /// <summary>Creates the callback with Keras's arguments and defaults.</summary>
    /// <param name="filepath">Where to save: ends in ".keras" (or legacy ".h5") for whole models, ".weights.h5" with <paramref name="saveWeightsOnly"/>; may hold <c>{epoch:02d}</c>-style fields.</param>
    /// <param name="monitor">The log key compared by <paramref name="saveBestOnly"/>.</param>
    /// <param name="verbose">1 prints each save or skip.</param>
    /// <param name="saveBestOnly">Save only when the monitored value improves.</param>
    /// <param name="saveWeightsOnly">Save only the weights (<see cref="Models.Model.SaveWeights"/>) instead of the whole model.</param>
    /// <param name="mode">"auto", "min" or "max"; "auto" maximizes when the name contains "acc" (or starts with "fmeasure"), as Keras does.</param>
    /// <param name="saveFreq">"epoch" to save after every epoch, or a whole number N (as text, e.g. "100") to save every N training batches.</param>
    /// <param name="initialValueThreshold">A value the monitored metric must beat before the first save with <paramref name="saveBestOnly"/>.</param>
    public ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool saveBestOnly = false, bool saveWeightsOnly = false,
        string mode = "auto", string saveFreq = "epoch", double? initialValueThreshold = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        ArgumentNullException.ThrowIfNull(monitor);
        if (saveWeightsOnly)
        {
            if (!filepath.EndsWith(".weights.h5", StringComparison.Ordinal))
            {
                throw new ArgumentException($"When using saveWeightsOnly: true in ModelCheckpoint, the filepath provided must end in `.weights.h5` (Keras weights format). Received: filepath={filepath}", nameof(filepath));
            }
        }
        else if (!filepath.EndsWith(".keras", StringComparison.Ordinal) && !filepath.EndsWith(".h5", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The filepath provided must end in `.keras` (Keras model format). Received: filepath={filepath}", nameof(filepath));
        }
        if (mode is not ("auto" or "min" or "max"))
        {
            throw new ArgumentException($"ModelCheckpoint: mode must be one of \"auto\", \"min\", \"max\", got \"{mode}\".", nameof(mode));
        }
        if (saveFreq != "epoch")
        {
            if (!int.TryParse(saveFreq, NumberStyles.None, CultureInfo.InvariantCulture, out _saveFreqBatches) || _saveFreqBatches < 1)
            {
                throw new ArgumentException($"Unrecognized saveFreq: {saveFreq}. Expected saveFreq are \"epoch\" or a positive whole number of batches.", nameof(saveFreq));
            }
        }
        Filepath = filepath;
        Monitor = monitor;
        Verbose = verbose;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        SaveFreq = saveFreq;
        _mode = mode;
        InitialValueThreshold = initialValueThreshold;
    }

    /// <summary>The file path template.</summary>
    public string Filepath { get; }

    /// <summary>The monitored log key.</summary>
    public string Monitor { get; }

    /// <summary>Verbosity: 0 silent, 1 prints saves.</summary>
    public int Verbose { get; }

    /// <summary>Whether only improvements are saved.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Whether only weights are saved.</summary>
    public bool SaveWeightsOnly { get; }

    /// <summary>"epoch" or a number of batches between saves.</summary>
    public string SaveFreq { get; }

    /// <summary>The value to beat before the first save with <see cref="SaveBestOnly"/>, if any.</summary>
    public double? InitialValueThreshold { get; }

    /// <summary>The best monitored value so far (±infinity before the first).</summary>
    public double Best => _best;

    /// <summary>The last file path written or considered, after formatting.</summary>
    public string? LastFilepath { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        if (_isMax is null)
        {
            // Keras's own rule here (not EarlyStopping's): "auto" maximizes names containing "acc" or starting with "fmeasure".
            _isMax = _mode == "max" || (_mode == "auto" && (Monitor.Contains("acc", StringComparison.Ordinal) || Monitor.StartsWith("fmeasure", StringComparison.Ordinal)));
            _best = InitialValueThreshold ?? (_isMax.Value ? double.NegativeInfinity : double.PositiveInfinity);
        }
    }

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch) => _currentEpoch = epoch;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (_saveFreqBatches == 0)
        {
            return;
        }
        // A batch index that does not grow means a new epoch began.
        _batchesSinceSave += batch <= _lastBatchSeen ? batch + 1 : batch - _lastBatchSeen;
        _lastBatchSeen = batch;
        if (_batchesSinceSave >= _saveFreqBatches)
        {
            _batchesSinceSave = 0;
            Save(_currentEpoch, batch, logs);
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (_saveFreqBatches == 0)
        {
            Save(epoch, null, logs);
        }
    }

    private void Save(int epoch, int? batch, IReadOnlyDictionary<string, double> logs)
    {
        string path = FilePath(epoch, batch, logs);
        LastFilepath = path;
        string? dir = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        if (Directory.Exists(path))
        {
            throw new IOException($"Please specify a non-directory filepath for ModelCheckpoint. Filepath used is an existing directory: {path}");
        }
        if (SaveBestOnly)
        {
            if (!logs.TryGetValue(Monitor, out double current))
            {
                Console.Error.WriteLine($"Can save best model only with {Monitor} available, skipping.");
                return;
            }
            if (!(_isMax!.Value ? current > _best : current < _best))
            {
                if (Verbose > 0)
                {
                    Console.WriteLine($"\nEpoch {epoch + 1}: {Monitor} did not improve from {_best.ToString("F5", CultureInfo.InvariantCulture)}");
                }
                return;
            }
            if (Verbose > 0)
            {
                Console.WriteLine($"\nEpoch {epoch + 1}: {Monitor} improved from {_best.ToString("F5", CultureInfo.InvariantCulture)} to {current.ToString("F5", CultureInfo.InvariantCulture)}, saving model to {path}");
            }
            _best = current;
        }
        else if (Verbose > 0)
        {
            Console.WriteLine($"\nEpoch {epoch + 1}: saving model to {path}");
        }
        if (SaveWeightsOnly)
        {
            Model!.SaveWeights(path);
        }
        else
        {
            Model!.Save(path);
        }
    }

    private string FilePath(int epoch, int? batch, IReadOnlyDictionary<string, double> logs)
    {
        var values = new Dictionary<string, object>();
        foreach (var (k, v) in logs)
        {
            values[k] = v;
        }
        values["epoch"] = (long)(epoch + 1);
        // As Keras: a "batch" log entry wins over the batch counter.
        if (batch is { } b && !logs.ContainsKey("batch"))
        {
            values["batch"] = (long)(b + 1);
        }
        try
        {
            return PyFormat.Format(Filepath, values);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException)
        {
            throw new KeyNotFoundException($"Failed to format this callback filepath: \"{Filepath}\". Reason: {e.Message}", e);
        }
    }
}
