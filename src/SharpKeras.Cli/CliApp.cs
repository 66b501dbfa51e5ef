using System.Globalization;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Cli;

/// <summary>The commands of <c>sharpkeras</c>: summary, predict and convert on Keras model files.</summary>
public static class CliApp
{
    /// <summary>Usage text printed by <c>--help</c> and after a usage error.</summary>
    public const string Usage = """
        Usage:
          sharpkeras summary MODEL
              Print the model's summary (MODEL is a .keras or .h5 file).
          sharpkeras predict MODEL --input x.npy [--input x2.npy ...] --output y.npy [--output y2.npy ...] [--batch-size N]
              Run Predict on NumPy inputs (float32, float64, int32 or int64; one per model input, in input
              order) and write each output as a float32 .npy file (one per model output, in output order).
          sharpkeras convert IN OUT [--architecture MODEL]
              Rewrite a model between .keras, .h5 and .weights.h5. Reading a .weights.h5 file needs
              --architecture with a .keras or .h5 model file to take the architecture from.
        """;

    /// <summary>Runs the command in <paramref name="args"/>; returns the process exit code (0 success, 1 failure, 2 usage error).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        try
        {
            switch (args[0])
            {
                case "summary":
                    return Summary(args[1..], stdout);
                case "predict":
                    return Predict(args[1..], stdout);
                case "convert":
                    return Convert(args[1..], stdout);
                default:
                    throw new UsageException($"Unknown command '{args[0]}'. Commands: summary, predict, convert.");
            }
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"sharpkeras: {e.Message}");
            stderr.WriteLine(Usage);
            return 2;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException
            or InvalidOperationException or UnauthorizedAccessException or NotSupportedException)
        {
            stderr.WriteLine($"sharpkeras: error: {e.Message}");
            return 1;
        }
    }

    private sealed class UsageException(string message) : Exception(message);

    private static (List<string> Positional, Dictionary<string, List<string>> Options) Parse(string[] args, params string[] known)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, List<string>>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (!known.Contains(args[i]))
                {
                    throw new UsageException($"Unknown option '{args[i]}'.");
                }
                if (i + 1 >= args.Length)
                {
                    throw new UsageException($"Option '{args[i]}' needs a value.");
                }
                if (!options.TryGetValue(args[i], out var list))
                {
                    options[args[i]] = list = [];
                }
                list.Add(args[++i]);
            }
            else
            {
                positional.Add(args[i]);
            }
        }
        return (positional, options);
    }

    private static int Summary(string[] args, TextWriter stdout)
    {
        var (pos, _) = Parse(args);
        if (pos.Count != 1)
        {
            throw new UsageException("summary takes one model file.");
        }
        var model = Model.Load(pos[0]);
        model.Summary(stdout.Write);
        return 0;
    }

    private static int Predict(string[] args, TextWriter stdout)
    {
        var (pos, opts) = Parse(args, "--input", "--output", "--batch-size");
        if (pos.Count != 1)
        {
            throw new UsageException("predict takes one model file.");
        }
        var inputs = opts.GetValueOrDefault("--input") ?? throw new UsageException("predict needs at least one --input x.npy.");
        var outputs = opts.GetValueOrDefault("--output") ?? throw new UsageException("predict needs at least one --output y.npy.");
        int batchSize = 32;
        if (opts.TryGetValue("--batch-size", out var bs) && (!int.TryParse(bs[^1], NumberStyles.None, CultureInfo.InvariantCulture, out batchSize) || batchSize < 1))
        {
            throw new UsageException($"--batch-size must be a positive integer, got '{bs[^1]}'.");
        }
        var model = Model.Load(pos[0]);
        if (inputs.Count != model.InputCount)
        {
            throw new ArgumentException($"Model '{model.Name}' takes {model.InputCount} input(s) but {inputs.Count} --input file(s) were given; give one per input, in order.");
        }
        if (outputs.Count != model.OutputCount)
        {
            throw new ArgumentException($"Model '{model.Name}' has {model.OutputCount} output(s) but {outputs.Count} --output file(s) were given; give one per output, in order.");
        }
        var x = inputs.Select(NumpyFile.Load).ToArray();
        var y = model.PredictOutputs(x, batchSize, verbose: 0);
        for (int i = 0; i < y.Length; i++)
        {
            NumpyFile.Save(outputs[i], y[i]);
            stdout.WriteLine($"{outputs[i]}: {y[i].Shape} float32");
        }
        return 0;
    }

    private static bool IsWeights(string path) => path.EndsWith(".weights.h5", StringComparison.OrdinalIgnoreCase);

    private static int Convert(string[] args, TextWriter stdout)
    {
        var (pos, opts) = Parse(args, "--architecture");
        if (pos.Count != 2)
        {
            throw new UsageException("convert takes an input and an output file.");
        }
        var (input, output) = (pos[0], pos[1]);
        Model model;
        if (IsWeights(input))
        {
            var arch = opts.GetValueOrDefault("--architecture")?[^1]
                ?? throw new UsageException($"'{input}' holds weights only: give --architecture MODEL (a .keras or .h5 file) to take the architecture from.");
            model = Model.Load(arch);
            model.LoadWeights(input);
        }
        else
        {
            model = Model.Load(input);
        }
        if (IsWeights(output))
        {
            model.SaveWeights(output);
        }
        else
        {
            model.Save(output);
        }
        stdout.WriteLine($"{input} -> {output}");
        return 0;
    }
}
