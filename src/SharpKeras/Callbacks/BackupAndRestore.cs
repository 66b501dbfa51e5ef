using System.Globalization;
using System.Text.Json.Nodes;

namespace SharpKeras.Callbacks;

/// <summary>
/// Backs training up so that a run that was interrupted (killed, crashed) resumes where it stopped
/// (<c>keras.callbacks.BackupAndRestore</c>): the model's weights, the optimizer's state and the
/// progress (epochs done, last batch seen) go to <see cref="BackupDir"/>; the next Fit with this callback
/// restores them and starts at the interrupted epoch, as Keras's <c>initial_epoch</c>. With a batch-count
/// <see cref="SaveFreq"/> the weights are from mid-epoch but, as in Keras, the epoch restarts from its beginning.
/// </summary>
/// <remarks>
/// Every save is crash-safe: the weights go to a new file (written whole, then renamed), then the
/// metadata file that names it is replaced the same way, and only then is the previous weights file
/// removed, so the metadata always names a complete file from the same moment of training.
/// Under <see cref="Distribution.DataParallel"/> rank 0 alone reads and writes the backup and broadcasts
/// what it restored, so every rank resumes with the same weights, optimizer state and epoch.
/// </remarks>
public sealed class BackupAndRestore : Callback
{
    private const string MetadataName = "training_metadata.json";
    private const string WeightsPrefix = "backup-";
    private const string WeightsSuffix = ".weights.h5";

    private readonly int _saveFreqBatches;
    private int _batchesSinceSave;
    private int _lastBatchSeen;
    private int _currentEpoch;
    private long _saves;
    private bool _writes = true;

    /// <summary>
    /// Backs up into <paramref name="backupDir"/> every epoch (<paramref name="saveFreq"/> "epoch", Keras's default)
    /// or every N training batches ("N"); with <paramref name="deleteCheckpoint"/> (default) the folder is
    /// removed when training ends normally.
    /// </summary>
    public BackupAndRestore(string backupDir, string saveFreq = "epoch", bool deleteCheckpoint = true)
    {
        if (string.IsNullOrEmpty(backupDir))
        {
            throw new ArgumentException("Empty `backupDir` argument passed to BackupAndRestore.", nameof(backupDir));
        }
        ArgumentNullException.ThrowIfNull(saveFreq);
        if (saveFreq != "epoch"
            && (!int.TryParse(saveFreq, NumberStyles.None, CultureInfo.InvariantCulture, out _saveFreqBatches) || _saveFreqBatches < 1))
        {
            throw new ArgumentException($"Invalid value for argument `saveFreq`. Received: saveFreq={saveFreq}. Expected either \"epoch\" or a positive whole number of batches.", nameof(saveFreq));
        }
        BackupDir = backupDir;
        SaveFreq = saveFreq;
        DeleteCheckpoint = deleteCheckpoint;
    }

    /// <summary>The folder holding the backup (Keras's <c>backup_dir</c>).</summary>
    public string BackupDir { get; }

    /// <summary>"epoch" or a number of batches between backups (Keras's <c>save_freq</c>).</summary>
    public string SaveFreq { get; }

    /// <summary>Whether the backup is deleted when training finishes (Keras's <c>delete_checkpoint</c>).</summary>
    public bool DeleteCheckpoint { get; }

    private string MetadataPath => Path.Combine(BackupDir, MetadataName);

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _batchesSinceSave = 0;
        _lastBatchSeen = 0;
        _currentEpoch = 0;
        // Under data parallelism rank 0 alone reads and writes the folder (the others may run on hosts
        // without it) and hands every rank its restored weights, optimizer state and epoch.
        var dp = Distribution.DataParallelContext.Current();
        _writes = dp is null || dp.Rank == 0;
        int? epoch = dp is null ? Restore() : dp.RestoreFromChief(Model!, dp.Rank == 0 ? Restore : null);
        if (epoch is { } e)
        {
            _currentEpoch = e;
            ResumeEpoch = e;
        }
    }

    /// <summary>Loads the backup on disk into the model and its optimizer; returns the epoch to resume at, or null when there is none.</summary>
    private int? Restore()
    {
        if (!File.Exists(MetadataPath))
        {
            return null;
        }
        var (epoch, weights) = ReadMetadata();
        var model = Model!;
        try
        {
            model.LoadWeights(Path.Combine(BackupDir, weights));
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"BackupAndRestore cannot restore the backup in '{BackupDir}': {e.Message} To use BackupAndRestore, the model must be built before Fit (give it an Input, or call it on a batch).", e);
        }
        return epoch;
    }

    private (int Epoch, string Weights) ReadMetadata()
    {
        string path = MetadataPath;
        JsonObject meta;
        try
        {
            meta = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new FormatException("not a JSON object");
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw new FormatException($"BackupAndRestore: '{path}' is not a training metadata file ({e.Message}); delete the folder '{BackupDir}' to start afresh.", e);
        }
        int epoch = meta["epoch"] is JsonValue ev && ev.TryGetValue<int>(out var ep) && ep >= 0
            ? ep
            : throw new FormatException($"BackupAndRestore: '{path}' needs a non-negative integer \"epoch\", got {meta["epoch"]?.ToJsonString() ?? "none"}.");
        string weights = meta["weights"] is JsonValue wv && wv.TryGetValue<string>(out var w) && IsOurWeightsName(w)
            ? w
            : throw new FormatException($"BackupAndRestore: '{path}' needs a \"weights\" file name of the form {WeightsPrefix}N{WeightsSuffix}, got {meta["weights"]?.ToJsonString() ?? "none"}.");
        return (epoch, weights);
    }

    private static bool IsOurWeightsName(string name) =>
        name.StartsWith(WeightsPrefix, StringComparison.Ordinal) && name.EndsWith(WeightsSuffix, StringComparison.Ordinal)
        && name.Length > WeightsPrefix.Length + WeightsSuffix.Length
        && name.AsSpan(WeightsPrefix.Length, name.Length - WeightsPrefix.Length - WeightsSuffix.Length).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _currentEpoch = epoch + 1;
        _lastBatchSeen = 0;
        if (_saveFreqBatches == 0)
        {
            Save();
        }
    }

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (_saveFreqBatches == 0)
        {
            return;
        }
        // As Keras's _should_save_on_batch: a batch index not past the last one seen starts a new epoch.
        _batchesSinceSave += batch <= _lastBatchSeen ? batch + 1 : batch - _lastBatchSeen;
        _lastBatchSeen = batch;
        if (_batchesSinceSave >= _saveFreqBatches)
        {
            _batchesSinceSave = 0;
            Save();
        }
    }

    private void Save()
    {
        if (!_writes)
        {
            return;
        }
        Directory.CreateDirectory(BackupDir);
        // A name not used by the backup on disk: the metadata keeps naming the old file until it is replaced.
        string current = File.Exists(MetadataPath) ? ReadMetadata().Weights : "";
        string name;
        do
        {
            name = $"{WeightsPrefix}{_saves++.ToString(CultureInfo.InvariantCulture)}{WeightsSuffix}";
        }
        while (name == current);
        Model!.SaveWeights(Path.Combine(BackupDir, name));
        var meta = new JsonObject { ["epoch"] = _currentEpoch, ["batch"] = _lastBatchSeen, ["weights"] = name };
        Saving.SafeFile.Replace(MetadataPath, tmp =>
        {
            File.WriteAllText(tmp, meta.ToJsonString());
            return true;
        });
        foreach (var old in Directory.EnumerateFiles(BackupDir, WeightsPrefix + "*" + WeightsSuffix))
        {
            var file = Path.GetFileName(old);
            if (file != name && IsOurWeightsName(file))
            {
                Saving.SafeFile.TryDelete(old);
            }
        }
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        if (_writes && DeleteCheckpoint && Directory.Exists(BackupDir))
        {
            Directory.Delete(BackupDir, recursive: true);
        }
    }
}
