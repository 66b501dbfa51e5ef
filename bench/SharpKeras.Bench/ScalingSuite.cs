using System.Diagnostics;
using System.Globalization;
using System.Text;
using SharpKeras.Callbacks;
using SharpKeras.Datasets;
using SharpKeras.Distribution;
using SharpKeras.Distribution.Mpi;
using SharpKeras.Layers;
using SharpKeras.Models;
using Spectre.Console;

namespace SharpKeras.Bench;

/// <summary>
/// The scaling suite: the seed MLP on Fashion-MNIST with the same global batch on one process
/// (1 and 2 threads) and data-parallel on 2 processes of 1 thread under mpirun: seconds per epoch,
/// speed-up and efficiency against 1 process x 1 thread, the gradient allreduce's share of Fit, and
/// each configuration's loss curve beside the single-process one. Each configuration runs as a
/// process of its own (this program in worker mode), so none inherits another's warm caches or threads.
/// </summary>
public static class ScalingSuite
{
    private const string Usage =
        "usage: dotnet run -c Release --project bench/SharpKeras.Bench -- scaling [--epochs N] [--batch-size N] [--samples N] [--out DIR]";

    private sealed record Options(int Epochs, int BatchSize, int? Samples, string Out);

    /// <summary>What one configuration measured.</summary>
    public sealed record Row(string Name, int Processes, int Threads, double[] EpochSeconds, double[] Losses, double FitSeconds, double AllReduceSeconds, int AllReduces);

    /// <summary>Runs the suite (or, with "scaling-worker", one configuration); returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console)
    {
        if (args[0] == "scaling-worker")
        {
            return Worker(args);
        }
        Options o;
        try
        {
            o = Parse(args);
        }
        catch (UsageException e)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            console.WriteLine(Usage);
            return 2;
        }
        double? load = MachineInfo.ReadLoadAverage();
        var common = new List<string> { "--epochs", $"{o.Epochs}", "--batch-size", $"{o.BatchSize}" };
        if (o.Samples is { } n)
        {
            common.AddRange(["--samples", $"{n}"]);
        }
        var self = typeof(ScalingSuite).Assembly.Location;
        var rows = new List<Row>();
        foreach (var (name, processes, threads) in new[] { ("1 process x 1 thread", 1, 1), ("1 process x 2 threads", 1, 2), ("2 processes x 1 thread", 2, 1) })
        {
            var workerArgs = new List<string> { self, "scaling-worker", "--threads", $"{threads}" };
            workerArgs.AddRange(common);
            string file;
            List<string> argv;
            if (processes == 1)
            {
                (file, argv) = ("dotnet", workerArgs);
            }
            else
            {
                string? mpirun = Which("mpirun");
                if (mpirun is null)
                {
                    console.MarkupLine("[yellow]mpirun not found (apt-get install -y openmpi-bin libopenmpi-dev): the 2-process row is left out.[/]");
                    continue;
                }
                workerArgs.Add("--distributed");
                (file, argv) = (mpirun, ["--allow-run-as-root", "--oversubscribe", "-np", $"{processes}", "dotnet", .. workerArgs]);
            }
            console.MarkupLineInterpolated($"running {name} ...");
            var row = Launch(file, argv, name, processes, threads, console);
            if (row is null)
            {
                return 1;
            }
            rows.Add(row);
        }
        var report = Report(rows, $"global batch {o.BatchSize}, {o.Epochs} epochs{(o.Samples is { } s ? $", {s} samples" : "")}", load, MachineInfo.ReadLoadAverage());
        console.WriteLine(report);
        Directory.CreateDirectory(o.Out);
        File.WriteAllText(Path.Combine(o.Out, "results.md"), report);
        console.MarkupLineInterpolated($"written: {Path.Combine(o.Out, "results.md")}");
        return 0;
    }

    private static Options Parse(IReadOnlyList<string> args)
    {
        int epochs = 4, batch = 10000;
        int? samples = null;
        string outDir = "bench-results/scaling";
        for (int i = 1; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value.");
            int Positive(string flag)
            {
                var v = Value();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n : throw new UsageException($"{flag} needs an integer >= 1, got '{v}'.");
            }
            switch (args[i])
            {
                case "--epochs": epochs = Positive("--epochs"); break;
                case "--batch-size": batch = Positive("--batch-size"); break;
                case "--samples": samples = Positive("--samples"); break;
                case "--out": outDir = Value(); break;
                default: throw new UsageException($"Unknown option '{args[i]}' for the scaling suite.");
            }
        }
        if (epochs < 2)
        {
            throw new UsageException("--epochs must be at least 2: the first epoch (JIT, planning) is left out of the time per epoch.");
        }
        return new Options(epochs, batch, samples, outDir);
    }

    private static string? Which(string program) => (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private static Row? Launch(string file, List<string> argv, string name, int processes, int threads, IAnsiConsole console)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        argv.ForEach(start.ArgumentList.Add);
        start.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var line = stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("SCALING ", StringComparison.Ordinal));
        if (p.ExitCode != 0 || line is null)
        {
            console.MarkupLineInterpolated($"[red]{name} failed (exit {p.ExitCode}):[/]");
            console.WriteLine(stdout + stderr.Result);
            return null;
        }
        var fields = line[line.IndexOf("SCALING ", StringComparison.Ordinal)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => f.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        static double[] List(string s) => [.. s.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        return new Row(name, processes, threads, List(fields["epoch_s"]), List(fields["loss"]), double.Parse(fields["fit_s"], CultureInfo.InvariantCulture),
            double.Parse(fields["allreduce_s"], CultureInfo.InvariantCulture), int.Parse(fields["allreduces"], CultureInfo.InvariantCulture));
    }

    /// <summary>The markdown table of the rows: time per epoch leaves out epoch 1 (JIT and planning).</summary>
    internal static string Report(IReadOnlyList<Row> rows, string setup, double? loadBefore, double? loadAfter)
    {
        static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Scaling: seed MLP (Flatten, Dense 128 relu, Dense 10 softmax, Adam) on Fashion-MNIST, {setup}; load average {(loadBefore is { } a ? F(a, "0.00") : "n/a")} before, {(loadAfter is { } b ? F(b, "0.00") : "n/a")} after, {Environment.ProcessorCount} cores.");
        sb.AppendLine();
        sb.AppendLine("| configuration | s/epoch (epochs 2+) | speed-up vs 1x1 | efficiency | allreduce share of Fit | loss per epoch |");
        sb.AppendLine("|---|---|---|---|---|---|");
        double? baseline = rows.FirstOrDefault(r => r.Processes == 1 && r.Threads == 1) is { } b1 ? b1.EpochSeconds.Skip(1).Average() : null;
        foreach (var r in rows)
        {
            double perEpoch = r.EpochSeconds.Skip(1).Average();
            string speedup = baseline is { } t ? F(t / perEpoch, "0.00") + "x" : "n/a";
            string efficiency = baseline is { } t2 ? F(t2 / perEpoch / (r.Processes * r.Threads) * 100, "0") + "%" : "n/a";
            string share = r.Processes > 1 ? $"{F(r.AllReduceSeconds / r.FitSeconds * 100, "0.0")}% ({F(r.AllReduceSeconds * 1000 / r.AllReduces, "0.0")} ms x {r.AllReduces})" : "-";
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {F(perEpoch, "0.000")} | {speedup} | {efficiency} | {share} | {string.Join(", ", r.Losses.Select(l => F(l, "0.0000")))} |");
        }
        return sb.ToString();
    }

    /// <summary>One configuration: trains and prints one SCALING line (rank 0 only).</summary>
    private static int Worker(IReadOnlyList<string> args)
    {
        int threads = 1, epochs = 4, batch = 10000;
        int? samples = null;
        bool distributed = false;
        for (int i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch-size": batch = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--samples": samples = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--distributed": distributed = true; break;
                default: throw new UsageException($"Unknown scaling-worker option '{args[i]}'.");
            }
        }
        Config.Threads = threads;
        TimedCommunicator? timed = null;
        if (distributed)
        {
            timed = new TimedCommunicator(MpiCommunicator.Initialize());
            Distribution.Distribution.SetDistribution(new DataParallel(communicator: timed));
        }
        Tensor x, y;
        try
        {
            ((x, y), _) = FashionMnist.LoadData(download: false);
        }
        catch (IOException)
        {
            // Without the data set, random data of its shape (the timings do not depend on the values).
            x = Keras.Random.Uniform([60000, 28, 28], 0, 255, seed: 1);
            var labels = new float[60000];
            for (int i = 0; i < labels.Length; i++)
            {
                labels[i] = i * 7 % 10;
            }
            y = Tensor.FromArray(labels, labels.Length);
        }
        if (samples is { } n && n < x.Shape[0])
        {
            (x, y) = (x.Slice(0, n), y.Slice(0, n));
        }
        x /= 255.0;
        Config.SetRandomSeed(1);
        var model = new Sequential([new InputLayer([28, 28]), new Flatten(), new Dense(128, activation: "relu"), new Dense(10, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var epochSeconds = new List<double>();
        var losses = new List<double>();
        long epochStart = 0;
        var clock = new LambdaCallback(onEpochBegin: _ => epochStart = Stopwatch.GetTimestamp(),
            onEpochEnd: (_, logs) => { epochSeconds.Add(Stopwatch.GetElapsedTime(epochStart).TotalSeconds); losses.Add(logs["loss"]); });
        var fit = Stopwatch.StartNew();
        model.Fit(x, y, batchSize: batch, epochs: epochs, verbose: 0, shuffle: true, seed: 3, callbacks: [clock]);
        fit.Stop();
        if ((timed?.Rank ?? 0) == 0)
        {
            static string Join(IEnumerable<double> v) => string.Join(',', v.Select(d => d.ToString("R", CultureInfo.InvariantCulture)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"SCALING epoch_s={Join(epochSeconds)} loss={Join(losses)} fit_s={fit.Elapsed.TotalSeconds:R} allreduce_s={timed?.GradientSeconds ?? 0:R} allreduces={timed?.GradientCalls ?? 0}"));
        }
        return 0;
    }

    /// <summary>A communicator that times the float allreduces (the gradients) it passes on, waiting for the slower rank included.</summary>
    private sealed class TimedCommunicator(ICommunicator inner) : ICommunicator
    {
        public double GradientSeconds { get; private set; }

        public int GradientCalls { get; private set; }

        public int Rank => inner.Rank;

        public int Size => inner.Size;

        public void AllReduceSum(Span<float> values)
        {
            long t = Stopwatch.GetTimestamp();
            inner.AllReduceSum(values);
            GradientSeconds += Stopwatch.GetElapsedTime(t).TotalSeconds;
            GradientCalls++;
        }

        public void AllReduceSum(Span<double> values) => inner.AllReduceSum(values);

        public void Broadcast(Span<float> values, int root) => inner.Broadcast(values, root);

        public void AllGather(ReadOnlySpan<float> send, Span<float> receive) => inner.AllGather(send, receive);

        public void Barrier() => inner.Barrier();
    }
}
