using System.Diagnostics;
using System.Globalization;
using SharpKeras.Callbacks;
using SharpKeras.Distribution.Mpi.Worker;

namespace SharpKeras.Distribution.Mpi.Tests;

/// <summary>
/// Data-parallel training under `mpirun -np 2` against single-process training on the same global
/// batches, and what happens when a rank dies or hangs.
/// </summary>
public sealed class DataParallelMpiTests
{
    /// <summary>
    /// How far a weight may drift from single-process training after each step, relative to max(1, |w|).
    /// Why not bit-exact: a rank's gradient is the mean over its half of the batch, scaled by 1/2 and
    /// added to the other half's, where one process sums all rows in one pass: the same terms in another
    /// order. A float32 sum of n terms is within about n * 2^-24 * sum|terms| of the exact one (n = 64 here:
    /// ~4e-6 relative to the terms), so each gradient differs by a few ulps of its terms' magnitudes; Adam
    /// (MLP) turns it into a step of at most about lr = 1e-3 and SGD (CNN) into lr times it, so a weight
    /// moves by ~1e-9 to 1e-7 per step, and four steps add up. 1e-5 leaves a wide margin over that
    /// (measured largest: 2.2e-7 MLP, 3.0e-8 CNN; printed by the tests) and still catches a wrong average:
    /// a missing shard, an unsynchronised start, or (with SGD, which unlike Adam is not scale-invariant) a
    /// sum instead of a mean each move weights by 1e-4 to 1e-2.
    /// </summary>
    private const double Tolerance = 1e-5;

    [MpiFact]
    public void MlpWeightsAfterEachStepEqualSingleProcessTrainingAndAgreeAcrossRanks() => CompareWithSingleProcess("mlp", steps: 4, batch: 64);

    [MpiFact]
    public void CnnWeightsAfterEachStepEqualSingleProcessTrainingAndAgreeAcrossRanks() => CompareWithSingleProcess("cnn", steps: 4, batch: 30);

    private static void CompareWithSingleProcess(string name, int steps, int batch)
    {
        var dir = Directory.CreateTempSubdirectory("sk-mpi-");
        try
        {
            var run = MpiRun.Worker(2, TimeSpan.FromMinutes(4), null, "steps", name, steps.ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture), dir.FullName);
            Assert.True(run.ExitCode == 0, $"mpirun exited with {run.ExitCode}:\n{run.Output}");
            // Rank 0 alone prints: one RESULT line in all (mpirun gives the ranks a terminal, so .NET may prefix escape codes).
            Assert.Single(run.Output.Split('\n'), l => l.Contains("RESULT ", StringComparison.Ordinal));

            // The same model, data and global batches on one process.
            var model = DistributedScenarios.Build(name);
            var (x, y) = DistributedScenarios.Data(name, steps * batch);
            var reference = new List<float[]>();
            var referenceOpt = new List<float[]>();
            var losses = new List<double>();
            model.Fit(x, y, batchSize: batch, epochs: 1, verbose: 0, shuffle: false,
                callbacks: [new LambdaCallback(onTrainBatchEnd: (_, logs) =>
                {
                    reference.Add(DistributedScenarios.Weights(model));
                    referenceOpt.Add(DistributedScenarios.OptimizerState(model));
                    losses.Add(logs["loss"]);
                })]);

            double worst = 0;
            for (int s = 1; s <= steps; s++)
            {
                var r0 = Read(dir, $"rank0_step{s}.bin");
                var r1 = Read(dir, $"rank1_step{s}.bin");
                Assert.True(r0.AsSpan().SequenceEqual(r1), $"{name}: ranks 0 and 1 hold different weights after step {s}.");
                var expected = reference[s - 1];
                Assert.Equal(expected.Length, r0.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    double d = Math.Abs(r0[i] - expected[i]) / Math.Max(1.0, Math.Abs(expected[i]));
                    worst = Math.Max(worst, d);
                    Assert.True(d <= Tolerance, $"{name}: weight {i} after step {s} is {r0[i]} on 2 ranks, {expected[i]} on one process (relative {d:E2} > {Tolerance:E0}).");
                }
                // The optimizer's slots (Adam's m and v, SGD's momentum) and iteration count: never broadcast, yet
                // bit-identical across ranks, since each rank applies the same averaged gradient to the same weights.
                var o0 = Read(dir, $"rank0_opt{s}.bin");
                Assert.True(o0.AsSpan().SequenceEqual(Read(dir, $"rank1_opt{s}.bin")), $"{name}: ranks 0 and 1 hold different optimizer state after step {s}.");
                var expectedOpt = referenceOpt[s - 1];
                Assert.Equal(expectedOpt.Length, o0.Length);
                Assert.Equal((float)s, o0[0]);
                for (int i = 0; i < expectedOpt.Length; i++)
                {
                    double d = Math.Abs(o0[i] - expectedOpt[i]) / Math.Max(1.0, Math.Abs(expectedOpt[i]));
                    Assert.True(d <= Tolerance, $"{name}: optimizer variable {i} after step {s} is {o0[i]} on 2 ranks, {expectedOpt[i]} on one process.");
                }
            }
            // The printed (global) running loss is the single-process one, to float32 summation order.
            var globalLosses = File.ReadAllLines(Path.Combine(dir.FullName, "losses.txt")).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(steps, globalLosses.Length);
            for (int s = 0; s < steps; s++)
            {
                Assert.True(Math.Abs(globalLosses[s] - losses[s]) <= 1e-5 * Math.Max(1, Math.Abs(losses[s])), $"{name}: global loss after step {s + 1} is {globalLosses[s]}, single-process {losses[s]}.");
            }
            // Predict and Evaluate shard and gather: both ranks get the whole, equal to one process on these weights.
            var p0 = Read(dir, "rank0_predict.bin");
            Assert.True(p0.AsSpan().SequenceEqual(Read(dir, "rank1_predict.bin")), $"{name}: ranks 0 and 1 predicted differently.");
            var p = model.Predict(x, batchSize: batch, verbose: 0).ToArray();
            Assert.Equal(p.Length, p0.Length);
            for (int i = 0; i < p.Length; i++)
            {
                Assert.True(Math.Abs(p[i] - p0[i]) <= 1e-4, $"{name}: prediction {i} is {p0[i]} on 2 ranks, {p[i]} on one process.");
            }
            var e0 = File.ReadAllText(Path.Combine(dir.FullName, "rank0_evaluate.txt"));
            Assert.Equal(e0, File.ReadAllText(Path.Combine(dir.FullName, "rank1_evaluate.txt")));
            var (loss, accuracy) = model.Evaluate(x, y, batchSize: batch, verbose: 0);
            var parts = e0.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(Math.Abs(parts[0] - loss) <= 1e-4, $"{name}: evaluated loss {parts[0]} on 2 ranks, {loss} on one process.");
            Assert.Equal(accuracy, parts[1], 1e-3);
            Console.WriteLine($"{name}: largest relative weight difference over {steps} steps: {worst:E2}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Seconds from the failure to mpirun's end within which the survivor must have stopped when a rank dies: mpirun sees the death at once and stops the others.</summary>
    private const double DeadRankBoundSeconds = 10;

    [MpiFact]
    public void KilledRankEndsTheOtherWithAClearMessageAndARestartResumesFromTheLastBackup()
    {
        var dir = Directory.CreateTempSubdirectory("sk-mpi-");
        try
        {
            var run = MpiRun.Worker(2, TimeSpan.FromMinutes(4), null, "fail", "die", dir.FullName);
            long end = Stopwatch.GetTimestamp();
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains("SharpKeras MPI rank 0 of 2: stopped by the launcher (SIGTERM)", run.Output);
            double seconds = SecondsSinceFailure(dir, end);
            Assert.True(seconds < DeadRankBoundSeconds, $"The surviving rank ended {seconds:F1} s after rank 1 died (bound {DeadRankBoundSeconds} s).\n{run.Output}");
            // Epochs 1-3 finished and rank 0 backed them up; epoch 4 was cut short. Rank 0 alone wrote the folder.
            var backup = Path.Combine(dir.FullName, "backup");
            Assert.Contains("\"epoch\":3", File.ReadAllText(Path.Combine(backup, "training_metadata.json")), StringComparison.Ordinal);
            Assert.Single(Directory.GetFiles(backup, "backup-*.weights.h5"));

            // The same command again: BackupAndRestore resumes both ranks at epoch 4 from rank 0's backup.
            File.Delete(Path.Combine(dir.FullName, "rank0_start.bin"));
            File.Delete(Path.Combine(dir.FullName, "rank1_start.bin"));
            var resumed = MpiRun.Worker(2, TimeSpan.FromMinutes(4), null, "fail", "none", dir.FullName);
            Assert.True(resumed.ExitCode == 0, $"The restarted job exited with {resumed.ExitCode}:\n{resumed.Output}");
            Assert.Single(resumed.Output.Split('\n'), l => l.Contains("STARTED at epoch 4", StringComparison.Ordinal));
            Assert.Single(resumed.Output.Split('\n'), l => l.Contains("RESULT epochs_done=6 epochs_run=3", StringComparison.Ordinal));
            // Before their first step both ranks hold the backed-up weights and optimizer state (3 epochs x 32 steps).
            var start0 = Read(dir, "rank0_start.bin");
            Assert.True(start0.AsSpan().SequenceEqual(Read(dir, "rank1_start.bin")), "Ranks 0 and 1 resumed from different weights or optimizer state.");
            int weights = DistributedScenarios.Weights(DistributedScenarios.Build("mlp")).Length;
            Assert.Equal(96f, start0[weights]);
            var end0 = Read(dir, "rank0_end.bin");
            Assert.True(end0.AsSpan().SequenceEqual(Read(dir, "rank1_end.bin")), "Ranks 0 and 1 ended with different weights or optimizer state.");
            Assert.Equal(192f, end0[weights]);
            // Training completed, so rank 0 removed the backup (deleteCheckpoint, Keras's default).
            Assert.False(Directory.Exists(backup));
            Console.WriteLine($"Dead rank: survivor ended {seconds:F2} s after the kill.");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [MpiFact]
    public void HungRankEndsTheOtherWithAClearMessageWithinTheTimeout()
    {
        const int timeout = 8;
        var dir = Directory.CreateTempSubdirectory("sk-mpi-");
        try
        {
            var run = MpiRun.Worker(2, TimeSpan.FromMinutes(4), new Dictionary<string, string> { ["SHARPKERAS_MPI_TIMEOUT_S"] = $"{timeout}" }, "fail", "hang", dir.FullName);
            long end = Stopwatch.GetTimestamp();
            Assert.NotEqual(0, run.ExitCode);
            Assert.Contains($"SharpKeras MPI rank 0 of 2: allreduce of", run.Output);
            Assert.Contains($"did not complete within {timeout} s, so another process of the job died or hangs", run.Output);
            double seconds = SecondsSinceFailure(dir, end);
            Assert.True(seconds >= timeout && seconds < timeout + DeadRankBoundSeconds, $"The job ended {seconds:F1} s after rank 1 hung (expected the {timeout} s timeout plus at most {DeadRankBoundSeconds} s).\n{run.Output}");
            Console.WriteLine($"Hung rank: job ended {seconds:F2} s after the hang (timeout {timeout} s).");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Seconds between the moment the failing rank wrote failed_at.txt (its monotonic clock, shared by processes on one machine) and <paramref name="end"/>.</summary>
    private static double SecondsSinceFailure(DirectoryInfo dir, long end)
    {
        var path = Path.Combine(dir.FullName, "failed_at.txt");
        Assert.True(File.Exists(path), "Rank 1 never reached the failure point.");
        return (end - long.Parse(File.ReadAllText(path), CultureInfo.InvariantCulture)) / (double)Stopwatch.Frequency;
    }

    private static float[] Read(DirectoryInfo dir, string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(dir.FullName, file));
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
