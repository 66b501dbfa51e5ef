using System.Globalization;

/// <summary>The command-line options every example takes (DESIGN.md: --epochs, --batch-size, --samples, ...).</summary>
internal sealed record ExampleOptions(int Runs, int Epochs, int BatchSize, int? Samples, int? Threads, int? Seed, int Verbose, string? DataPath)
{
    public static ExampleOptions Parse(string[] args, int runs, int epochs, int batchSize)
    {
        var o = new ExampleOptions(runs, epochs, batchSize, null, null, null, 1, null);
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw Usage($"{name} needs a value.");
            int Int()
            {
                var v = Value();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) && r >= 0
                    ? r
                    : throw Usage($"{name} needs a non-negative integer, got '{v}'.");
            }
            o = name switch
            {
                "--runs" => o with { Runs = Math.Max(1, Int()) },
                "--epochs" => o with { Epochs = Int() },
                "--batch-size" => o with { BatchSize = Int() },
                "--samples" => o with { Samples = Int() },
                "--threads" => o with { Threads = Int() },
                "--seed" => o with { Seed = Int() },
                "--verbose" => o with { Verbose = Int() },
                "--data" => o with { DataPath = Value() },
                "-h" or "--help" => throw Usage(null),
                _ => throw Usage($"Unknown option '{name}'."),
            };
        }
        return o;
    }

    private static Exception Usage(string? problem)
    {
        Console.Error.WriteLine((problem is null ? "" : problem + "\n") +
            "Options: --runs N  --epochs N  --batch-size N  --samples N (limit the training set)  --threads N  --seed N  --verbose 0|1|2  --data DIR");
        Environment.Exit(problem is null ? 0 : 2);
        return new InvalidOperationException();
    }
}
