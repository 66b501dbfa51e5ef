using System.Globalization;

namespace SharpKeras.Bench;

/// <summary>A command-line mistake: the message says what was wrong and what is accepted.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The parsed command line of the benchmark harness.</summary>
public sealed record BenchOptions
{
    /// <summary>The suites the harness knows.</summary>
    public static readonly IReadOnlyList<string> Suites = ["seed", "keras-examples", "keras-benchmarks", "gemm", "inference"];

    /// <summary>The peers the harness can launch.</summary>
    public static readonly IReadOnlyList<string> KnownPeers = ["torchsharp", "pytorch", "onnxruntime"];

    /// <summary>The suite to run.</summary>
    public required string Suite { get; init; }

    /// <summary>Repeated runs per workload and framework (null: the suite's default).</summary>
    public int? Runs { get; init; }

    /// <summary>Epochs per run (null: the workload's default).</summary>
    public int? Epochs { get; init; }

    /// <summary>Batch size (null: the workload's default).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Training samples (null: the workload's default).</summary>
    public int? Samples { get; init; }

    /// <summary>Thread counts to measure at (null: the suite's default).</summary>
    public IReadOnlyList<int>? Threads { get; init; }

    /// <summary>Workload names to run (null: all of the suite's).</summary>
    public IReadOnlyList<string>? Models { get; init; }

    /// <summary>Peers to run beside SharpKeras (default: the suite's own, see <see cref="DefaultPeers"/>).</summary>
    public IReadOnlyList<string> Peers { get; init; } = DefaultPeers("seed");

    /// <summary>The peers a suite runs when --peers is not given: ONNX Runtime for inference, the training peers otherwise.</summary>
    public static IReadOnlyList<string> DefaultPeers(string suite) => suite == "inference" ? ["onnxruntime"] : ["torchsharp", "pytorch"];

    /// <summary>Folder the reports are written to.</summary>
    public string Out { get; init; } = "";

    /// <summary>Also profile one model per layer.</summary>
    public bool Profile { get; init; }

    /// <summary>Small sizes, for smoke tests (the whole suite in about a minute).</summary>
    public bool Quick { get; init; }

    /// <summary>Folder holding the datasets (null: Keras's usual places).</summary>
    public string? DataPath { get; init; }

    /// <summary>Seed of weights, dropout and shuffling.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The dtype policy of SharpKeras's training runs ("float32", the default, or "mixed_bfloat16"); the peers keep float32.</summary>
    public string DtypePolicy { get; init; } = "float32";

    /// <summary>The arguments as given, for the report.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The usage text.</summary>
    public static string Usage =>
        "usage: dotnet run -c Release --project bench/SharpKeras.Bench -- <suite> [options]\n" +
        $"suites: {string.Join(", ", Suites)}\n" +
        "options:\n" +
        "  --runs N            repeated runs per workload and framework\n" +
        "  --epochs N          epochs per run\n" +
        "  --batch-size N      batch size\n" +
        "  --samples N         training samples (limits the data set)\n" +
        "  --threads LIST      thread counts, e.g. 1,2 or all\n" +
        "  --models a,b        workloads of the suite to run (default: all)\n" +
        $"  --peers LIST        peers beside SharpKeras: {string.Join(",", KnownPeers)} or none (default: onnxruntime for inference, torchsharp,pytorch otherwise)\n" +
        "  --out DIR           report folder (default: bench-results/<suite>)\n" +
        "  --profile           per-layer forward/backward profile of one model\n" +
        "  --quick             small sizes for a smoke test\n" +
        "  --data DIR          dataset folder (default: Keras's usual places)\n" +
        "  --seed N            seed of weights, dropout and shuffling (default 1)\n" +
        "  --dtype-policy P    SharpKeras's dtype policy in the training suites: float32 (default) or mixed_bfloat16 (bfloat16 emulated in float32)";

    /// <summary>Parses the command line; throws <see cref="UsageException"/> on a mistake.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help")
        {
            throw new UsageException("No suite given.");
        }
        string suite = args[0];
        if (!Suites.Contains(suite))
        {
            throw new UsageException($"Unknown suite '{suite}'. Valid suites: {string.Join(", ", Suites)}.");
        }
        var o = new BenchOptions { Suite = suite, Out = Path.Combine("bench-results", suite), Arguments = [.. args], Peers = DefaultPeers(suite) };
        for (int i = 1; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value.");
            int Positive()
            {
                string v = Value();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int r) && r > 0
                    ? r
                    : throw new UsageException($"{name} needs a positive integer, got '{v}'.");
            }
            o = name switch
            {
                "--runs" => o with { Runs = Positive() },
                "--epochs" => o with { Epochs = Positive() },
                "--batch-size" => o with { BatchSize = Positive() },
                "--samples" => o with { Samples = Positive() },
                "--threads" => o with { Threads = ParseThreads(Value()) },
                "--models" => o with { Models = List(Value()) },
                "--peers" => o with { Peers = ParsePeers(Value()) },
                "--out" => o with { Out = Value() },
                "--profile" => o with { Profile = true },
                "--quick" => o with { Quick = true },
                "--data" => o with { DataPath = Value() },
                "--seed" => o with { Seed = Positive() },
                "--dtype-policy" => o with { DtypePolicy = ParseDtypePolicy(suite, Value()) },
                _ => throw new UsageException($"Unknown option '{name}'."),
            };
        }
        return o;
    }

    private static string ParseDtypePolicy(string suite, string value)
    {
        if (suite is not ("seed" or "keras-examples" or "keras-benchmarks"))
        {
            throw new UsageException($"--dtype-policy applies to the training suites (seed, keras-examples, keras-benchmarks), not '{suite}'.");
        }
        try
        {
            return new DtypePolicies.DTypePolicy(value).Name;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new UsageException($"--dtype-policy: {e.Message}");
        }
    }

    private static List<string> List(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static List<int> ParseThreads(string value)
    {
        var result = new List<int>();
        foreach (var item in List(value))
        {
            if (item == "all")
            {
                result.Add(Environment.ProcessorCount);
            }
            else if (int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out int t) && t > 0)
            {
                result.Add(t);
            }
            else
            {
                throw new UsageException($"--threads takes positive integers or 'all', separated by commas; got '{item}'.");
            }
        }
        return result.Count > 0 ? [.. result.Distinct()] : throw new UsageException("--threads needs at least one thread count.");
    }

    private static List<string> ParsePeers(string value)
    {
        var peers = List(value);
        if (peers is ["none"])
        {
            return [];
        }
        foreach (var p in peers)
        {
            if (!KnownPeers.Contains(p))
            {
                throw new UsageException($"Unknown peer '{p}'. Valid peers: {string.Join(", ", KnownPeers)} (or none).");
            }
        }
        return [.. peers.Distinct()];
    }
}
