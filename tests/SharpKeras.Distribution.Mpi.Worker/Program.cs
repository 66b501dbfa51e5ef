// Launched by the MPI tests under `mpirun -np N`: trains a scenario of DistributedScenarios data-parallel.
//   steps <mlp|cnn> <steps> <batch> <outDir>   one epoch of <steps> global batches, no shuffling; every rank writes
//                                               its weights after each step (rank<r>_step<s>.bin) and rank 0 the losses.
//   fail <none|die|hang> <outDir> [resume]     6 epochs with a checkpoint per epoch (rank 0); rank 1 dies (SIGKILL) or
//                                               hangs in epoch 4; "resume" continues from the newest checkpoint.
using System.Diagnostics;
using System.Globalization;
using SharpKeras;
using SharpKeras.Callbacks;
using SharpKeras.Distribution;
using SharpKeras.Distribution.Mpi;
using SharpKeras.Distribution.Mpi.Worker;
using SharpKeras.Models;

var comm = MpiCommunicator.Initialize();
Config.Threads = 1;
Distribution.SetDistribution(new DataParallel());
try
{
    return args[0] switch
    {
        "steps" => Steps(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture), args[4]),
        "fail" => Fail(args[1], args[2], args.Length > 3 && args[3] == "resume"),
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

int Fail(string mode, string outDir, bool resume)
{
    const int epochs = 6, batch = 64, samples = 2048;
    Model model;
    int done = 0;
    if (resume)
    {
        var last = Directory.GetFiles(outDir, "ckpt-*.keras").Order(StringComparer.Ordinal).LastOrDefault()
            ?? throw new FileNotFoundException($"No checkpoint ckpt-*.keras in {outDir} to resume from.");
        done = int.Parse(Path.GetFileNameWithoutExtension(last)[5..], CultureInfo.InvariantCulture);
        model = Model.Load(last);
        if (comm.Rank == 0)
        {
            Console.WriteLine($"RESUMED from {Path.GetFileName(last)} after epoch {done}");
        }
    }
    else
    {
        model = DistributedScenarios.Build("mlp");
    }
    var (x, y) = DistributedScenarios.Data("mlp", samples);
    int epoch = done;
    var chaos = new LambdaCallback(onEpochBegin: e => epoch = done + e + 1, onTrainBatchBegin: step =>
    {
        if (comm.Rank == 1 && epoch == 4 && step == 10)
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
    // Rank 0 alone writes the checkpoints (the others skip ModelCheckpoint); the file names count epochs across restarts.
    var checkpoint = new ModelCheckpoint(Path.Combine(outDir, "ckpt-{epoch:02d}.keras"), monitor: "loss");
    var renumber = new LambdaCallback(onEpochEnd: (e, _) =>
    {
        if (comm.Rank == 0 && done > 0)
        {
            File.Move(Path.Combine(outDir, $"ckpt-{e + 1:00}.keras"), Path.Combine(outDir, $"ckpt-{done + e + 1:00}.keras"), overwrite: true);
        }
    });
    var history = model.Fit(x, y, batchSize: batch, epochs: epochs - done, verbose: 2, shuffle: true, seed: 5, callbacks: [chaos, checkpoint, renumber]);
    if (comm.Rank == 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT epochs_done={epochs} first_loss={history.HistoryData["loss"][0]:F6} last_loss={history.HistoryData["loss"][^1]:F6}"));
    }
    return 0;
}
