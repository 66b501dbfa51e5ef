// Launched by the MPI tests under `mpirun -np N`: trains a scenario of DistributedScenarios data-parallel.
//   steps <mlp|cnn> <steps> <batch> <outDir>   one epoch of <steps> global batches, no shuffling; every rank writes
//                                               its weights and optimizer state after each step (rank<r>_step<s>.bin,
//                                               rank<r>_opt<s>.bin) and rank 0 the losses.
//   fail <none|die|hang> <outDir>              6 epochs with BackupAndRestore in <outDir>/backup (rank 0 writes it every
//                                               epoch); rank 1 dies (SIGKILL) or hangs in epoch 4. Running it again resumes
//                                               from the backup; every rank writes its state at its first epoch's start
//                                               (rank<r>_start.bin) and at the end (rank<r>_end.bin).
using System.Diagnostics;
using System.Globalization;
using SharpKeras;
using SharpKeras.Callbacks;
using SharpKeras.Distribution;
using SharpKeras.Distribution.Mpi;
using SharpKeras.Distribution.Mpi.Worker;

var comm = MpiCommunicator.Initialize();
Config.Threads = 1;
Distribution.SetDistribution(new DataParallel());
try
{
    return args[0] switch
    {
        "steps" => Steps(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), args[4]),
        "fail" => Fail(args[1], args[2]),
        _ => throw new ArgumentException($"Unknown worker command '{args[0]}'."),
    };
}
catch (DistributionException e)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}

int Steps(string name, int steps, int batch, string outDir)
{
    var model = DistributedScenarios.Build(name);
    var (x, y) = DistributedScenarios.Data(name, steps * batch);
    var losses = new List<double>();
    var record = new LambdaCallback(onTrainBatchEnd: (step, logs) =>
    {
        var w = DistributedScenarios.Weights(model);
        var bytes = new byte[w.Length * sizeof(float)];
        Buffer.BlockCopy(w, 0, bytes, 0, bytes.Length);
        File.WriteAllBytes(Path.Combine(outDir, $"rank{comm.Rank}_step{step + 1}.bin"), bytes);
        WriteFloats(Path.Combine(outDir, $"rank{comm.Rank}_opt{step + 1}.bin"), DistributedScenarios.OptimizerState(model));
        losses.Add(logs["loss"]);
    });
    model.Fit(x, y, batchSize: batch, epochs: 1, verbose: 0, shuffle: false, callbacks: [record]);
    if (comm.Rank == 0)
    {
        File.WriteAllLines(Path.Combine(outDir, "losses.txt"), losses.Select(l => l.ToString("R", CultureInfo.InvariantCulture)));
    }
    // Predict and Evaluate shard and gather: every rank gets the whole result.
    var p = model.Predict(x, batchSize: batch, verbose: 0);
    var (loss, accuracy) = model.Evaluate(x, y, batchSize: batch, verbose: 0);
    var pv = p.ToArray();
    var pb = new byte[pv.Length * sizeof(float)];
    Buffer.BlockCopy(pv, 0, pb, 0, pb.Length);
    File.WriteAllBytes(Path.Combine(outDir, $"rank{comm.Rank}_predict.bin"), pb);
    File.WriteAllText(Path.Combine(outDir, $"rank{comm.Rank}_evaluate.txt"), string.Create(CultureInfo.InvariantCulture, $"{loss:R} {accuracy:R}"));
    if (comm.Rank == 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT ranks={comm.Size} steps={steps} loss={losses[^1]:F6}"));
    }
    return 0;
}

int Fail(string mode, string outDir)
{
    const int epochs = 6, batch = 64, samples = 2048;
    var model = DistributedScenarios.Build("mlp");
    var (x, y) = DistributedScenarios.Data("mlp", samples);
    int epoch = 0;
    bool first = true;
    var chaos = new LambdaCallback(onEpochBegin: e =>
    {
        epoch = e + 1;
        if (first)
        {
            // Before the first step: what BackupAndRestore gave this rank (rank 1 from rank 0's broadcast).
            first = false;
            WriteFloats(Path.Combine(outDir, $"rank{comm.Rank}_start.bin"), [.. DistributedScenarios.Weights(model), .. DistributedScenarios.OptimizerState(model)]);
            if (comm.Rank == 0)
            {
                Console.WriteLine($"STARTED at epoch {epoch}");
            }
        }
    }, onTrainBatchBegin: step =>
    {
        if (mode != "none" && comm.Rank == 1 && epoch == 4 && step == 10)
        {
            File.WriteAllText(Path.Combine(outDir, "failed_at.txt"), Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture));
            if (mode == "die")
            {
                Process.GetCurrentProcess().Kill();
            }
            else if (mode == "hang")
            {
                Thread.Sleep(Timeout.Infinite);
            }
        }
    });
    // Every rank passes the same folder; rank 0 alone writes it (and deletes it when training completes).
    var backup = new BackupAndRestore(Path.Combine(outDir, "backup"));
    var history = model.Fit(x, y, batchSize: batch, epochs: epochs, verbose: 2, shuffle: true, seed: 5, callbacks: [backup, chaos]);
    WriteFloats(Path.Combine(outDir, $"rank{comm.Rank}_end.bin"), [.. DistributedScenarios.Weights(model), .. DistributedScenarios.OptimizerState(model)]);
    if (comm.Rank == 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT epochs_done={epoch} epochs_run={history.HistoryData["loss"].Count} last_loss={history.HistoryData["loss"][^1]:F6}"));
    }
    return 0;
}

static void WriteFloats(string path, float[] values)
{
    var bytes = new byte[values.Length * sizeof(float)];
    Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
    File.WriteAllBytes(path, bytes);
}
