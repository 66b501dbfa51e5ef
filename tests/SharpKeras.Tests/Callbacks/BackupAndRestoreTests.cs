using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using SharpKeras.Callbacks;
using SharpKeras.Training;

namespace SharpKeras.Tests.Callbacks;

/// <summary>BackupAndRestore: a training process killed mid-run resumes at the interrupted epoch with the losses of an uninterrupted run.</summary>
public sealed class BackupAndRestoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-backup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ChildDll => Path.Combine(AppContext.BaseDirectory, "SharpKeras.BackupChild.dll");

    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(ChildDll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start the training process");
    }

    /// <summary>Reads "EPOCH k loss" lines until the process ends (or, with <paramref name="killAfter"/>, until that epoch's line, then kills it).</summary>
    private static SortedDictionary<int, double> Run(int killAfter, params string[] args)
    {
        using var p = Start(args);
        var losses = new SortedDictionary<int, double>();
        var deadline = Stopwatch.StartNew();
        try
        {
            while (p.StandardOutput.ReadLine() is { } line)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), "the training process took too long");
                var parts = line.Split(' ');
                if (parts[0] != "EPOCH")
                {
                    continue;
                }
                int epoch = int.Parse(parts[1], CultureInfo.InvariantCulture);
                losses[epoch] = double.Parse(parts[2], CultureInfo.InvariantCulture);
                if (epoch == killAfter)
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit();
                    return losses;
                }
            }
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"training process failed: {p.StandardError.ReadToEnd()}");
            return losses;
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public void AKilledRunResumesAtTheInterruptedEpochWithTheUninterruptedLosses()
    {
        string backup = Path.Combine(_dir, "backup");
        var uninterrupted = Run(-1, "-", "6", "-1");
        Assert.Equal([0, 1, 2, 3, 4, 5], uninterrupted.Keys);

        // Killed while blocked after epoch 2's end (its backup written): three epochs done.
        var first = Run(2, backup, "6", "2");
        Assert.Equal([0, 1, 2], first.Keys);
        var meta = JsonNode.Parse(File.ReadAllText(Path.Combine(backup, "training_metadata.json")))!;
        Assert.Equal(3, (int)meta["epoch"]!);
        Assert.Single(Directory.GetFiles(backup, "*.weights.h5"));
        Assert.Empty(Directory.GetFiles(backup, "*.tmp"));

        var resumed = Run(-1, backup, "6", "-1");
        Assert.Equal([3, 4, 5], resumed.Keys);
        foreach (var (epoch, loss) in first.Concat(resumed))
        {
            Assert.True(uninterrupted[epoch] == loss, $"epoch {epoch}: resumed loss {loss:R}, uninterrupted {uninterrupted[epoch]:R}");
        }
        // Training finished: the backup is deleted (deleteCheckpoint).
        Assert.False(Directory.Exists(backup));
    }

    [Fact]
    public void BatchFrequencyBackupsRecordTheBatchAndKeepOneWeightsFile()
    {
        string backup = Path.Combine(_dir, "batches");
        var (x, y, _, _) = CallbackFixtures.Data();
        var model = new SharpKeras.Models.Sequential([Keras.Input([2]), new SharpKeras.Layers.Dense(1)]);
        model.Compile(new SharpKeras.Optimizers.Adam(), "mse");
        string metadata = Path.Combine(backup, "training_metadata.json");
        var seen = new List<(int Epoch, int Batch)>();
        var reader = new LambdaCallback(onTrainBatchEnd: (_, _) =>
        {
            if (File.Exists(metadata))
            {
                var m = JsonNode.Parse(File.ReadAllText(metadata))!;
                seen.Add(((int)m["epoch"]!, (int)m["batch"]!));
            }
        });
        // 64 samples in batches of 16: 4 batches per epoch, a backup every 3 batches.
        model.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, callbacks: [new BackupAndRestore(backup, saveFreq: "3", deleteCheckpoint: false), reader]);
        // Saves after batches 2 (epoch 0) and 1 (epoch 1, three batches later); the end of epoch 0 resets the batch to 0.
        Assert.Equal([(0, 2), (0, 2), (0, 2), (1, 1), (1, 1), (1, 1)], seen);
        Assert.Single(Directory.GetFiles(backup, "*.weights.h5"));
        Assert.True(Directory.Exists(backup));
    }

    [Fact]
    public void ANonFiniteLossKeepsTheBackup()
    {
        string backup = Path.Combine(_dir, "nan");
        var (x, y, _, _) = CallbackFixtures.Data();
        var bad = x.ToArray();
        bad[2 * 40] = float.NaN; // sample 40: the third batch of 16 in the first epoch without shuffling
        var model = new SharpKeras.Models.Sequential([Keras.Input([2]), new SharpKeras.Layers.Dense(1)]);
        model.Compile("sgd", "mse");
        Assert.Throws<NonFiniteLossException>(() =>
            model.Fit(Tensor.FromArray(bad, 64, 2), y, batchSize: 16, epochs: 2, verbose: 0, shuffle: false, callbacks: [new BackupAndRestore(backup, "1")]));
        Assert.True(File.Exists(Path.Combine(backup, "training_metadata.json")));
    }

    [Fact]
    public void ArgumentsAndCorruptMetadataGiveClearErrors()
    {
        Assert.Contains("backupDir", Assert.Throws<ArgumentException>(() => new BackupAndRestore("")).Message);
        Assert.Contains("saveFreq=batch", Assert.Throws<ArgumentException>(() => new BackupAndRestore(_dir, "batch")).Message);
        string backup = Path.Combine(_dir, "corrupt");
        Directory.CreateDirectory(backup);
        File.WriteAllText(Path.Combine(backup, "training_metadata.json"), "{\"epoch\": 2, \"weights\": \"../../etc/passwd\"}");
        var (x, y, _, _) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model();
        var e = Assert.Throws<FormatException>(() => model.Fit(x, y, verbose: 0, callbacks: [new BackupAndRestore(backup)]));
        Assert.Contains("training_metadata.json", e.Message);
        Assert.Contains("weights", e.Message);
    }
}
