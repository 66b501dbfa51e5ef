using System.CommandLine;

/// <summary>The command-line options every example takes (DESIGN.md: --epochs, --batch-size, --samples, ...), parsed by System.CommandLine as the sharpkeras command is.</summary>
internal sealed record ExampleOptions(int Runs, int Epochs, int BatchSize, int? Samples, int? Threads, int? Seed, int Verbose, string? DataPath, bool Distributed = false)
{
    /// <summary>Parses <paramref name="args"/> with the example's defaults; prints help and exits on --help (0) or a usage error (2).</summary>
    public static ExampleOptions Parse(string[] args, int runs, int epochs, int batchSize)
    {
        static Option<int> Count(string name, string description, int defaultValue, int min)
        {
            var o = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "N" };
            o.Validators.Add(r =>
            {
                if (r.Tokens.Count > 0 && !(int.TryParse(r.Tokens[^1].Value, out int v) && v >= min))
                {
                    r.AddError($"{name} needs an integer >= {min}, got '{r.Tokens[^1].Value}'.");
                }
            });
            return o;
        }
        static Option<int?> Optional(string name, string description)
        {
            var o = new Option<int?>(name) { Description = description, HelpName = "N" };
            o.Validators.Add(r =>
            {
                if (r.Tokens.Count > 0 && !(int.TryParse(r.Tokens[^1].Value, out int v) && v >= 0))
                {
                    r.AddError($"{name} needs a non-negative integer, got '{r.Tokens[^1].Value}'.");
                }
            });
            return o;
        }
        var runsOption = Count("--runs", "Training runs from fresh weights.", runs, 1);
        var epochsOption = Count("--epochs", "Epochs per run.", epochs, 0);
        var batchOption = Count("--batch-size", "Samples per batch.", batchSize, 1);
        var samplesOption = Optional("--samples", "Limit the training set to the first N samples.");
        var threadsOption = Optional("--threads", "CPU threads (default: all cores).");
        var seedOption = Optional("--seed", "Random seed (Config.SetRandomSeed).");
        var verboseOption = Count("--verbose", "0 silent, 1 progress bar, 2 one line per epoch.", 1, 0);
        var dataOption = new Option<string?>("--data") { Description = "Folder holding the dataset files.", HelpName = "DIR" };
        var distributedOption = new Option<bool>("--distributed") { Description = "Train data-parallel across the processes of an MPI job (mpirun -np N ...; examples that support it)." };
        var root = new RootCommand("A SharpKeras example.")
        {
            runsOption, epochsOption, batchOption, samplesOption, threadsOption, seedOption, verboseOption, dataOption, distributedOption,
        };
        ExampleOptions? parsed = null;
        root.SetAction(r => parsed = new ExampleOptions(r.GetValue(runsOption), r.GetValue(epochsOption), r.GetValue(batchOption),
            r.GetValue(samplesOption), r.GetValue(threadsOption), r.GetValue(seedOption), r.GetValue(verboseOption), r.GetValue(dataOption),
            r.GetValue(distributedOption)));
        int code = root.Parse(args).Invoke();
        if (parsed is null)
        {
            // --help printed the usage (0), or a usage error was printed (non-zero).
            Environment.Exit(code == 0 ? 0 : 2);
        }
        return parsed;
    }
}
