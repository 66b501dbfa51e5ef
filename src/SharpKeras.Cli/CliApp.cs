using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Reflection;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Cli;

/// <summary>The commands of <c>sharpkeras</c> (summary, predict, convert, serve) on Keras model files, parsed by System.CommandLine.</summary>
public static class CliApp
{
    /// <summary>Runs the command in <paramref name="args"/>; returns the exit code (0 success, 1 failure, 2 usage error).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, CancellationToken.None);

    /// <summary>Runs the command in <paramref name="args"/>; <paramref name="cancellationToken"/> stops a running <c>serve</c> gracefully.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            var root = BuildCommand(stdout, cancellationToken);
            var parsed = root.Parse(args);
            if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
            {
                foreach (var error in parsed.Errors)
                {
                    stderr.WriteLine($"sharpkeras: {error.Message}");
                }
                stderr.WriteLine("Run 'sharpkeras --help' (or 'sharpkeras COMMAND --help') for usage.");
                return 2;
            }
            // Exceptions reach the handler below (message only, exit 1) instead of System.CommandLine's stack trace.
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"sharpkeras: {e.Message}");
            stderr.WriteLine("Run 'sharpkeras --help' (or 'sharpkeras COMMAND --help') for usage.");
            return 2;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"sharpkeras: error: {Innermost(e).Message}");
            return 1;
        }
    }

    /// <summary>The exception that says what went wrong: reflection and task wrappers are unwrapped.</summary>
    internal static Exception Innermost(Exception e)
    {
        while (e is TargetInvocationException or AggregateException or TypeInitializationException && e.InnerException is { } inner)
        {
            e = inner;
        }
        return e;
    }

    /// <summary>The version <c>--version</c> prints (from the git tag, via MinVer).</summary>
    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The command tree: <c>sharpkeras summary|predict|convert|serve</c> with help, <c>--version</c> and the <c>[suggest]</c> completion directive.</summary>
    public static RootCommand BuildCommand(TextWriter stdout) => BuildCommand(stdout, CancellationToken.None);

    /// <summary>The command tree, with <paramref name="serveStop"/> ending a running <c>serve</c> (besides Ctrl+C and SIGTERM).</summary>
    public static RootCommand BuildCommand(TextWriter stdout, CancellationToken serveStop)
    {
        var root = new RootCommand("Keras model files from the command line: print summaries, predict from NumPy files, convert between .keras, .h5, .weights.h5, export ONNX, and serve over TensorFlow Serving's REST API.");
        // Help says "sharpkeras" whatever the process is called (the dotnet tool, the NativeAOT binary, a test host).
        root.HelpName = "sharpkeras";
        root.Add(SummaryCommand(stdout));
        root.Add(PredictCommand(stdout));
        root.Add(ConvertCommand(stdout));
        root.Add(ServeCommand.Build(serveStop));
        // System.CommandLine's own --version reads the entry assembly, which is not this one when the
        // commands run inside another process (tests, a host app).
        foreach (var version in root.Options.OfType<VersionOption>())
        {
            version.Action = new PrintVersion();
        }
        return root;
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return 0;
        }
    }

    internal sealed class UsageException(string message) : Exception(message);

    private static Argument<string> ModelArgument(string description) => new("MODEL") { Description = description };

    private static Command SummaryCommand(TextWriter stdout)
    {
        var model = ModelArgument("A .keras or .h5 model file.");
        var command = new Command("summary", "Print the model's summary (layers, output shapes, parameter counts), as Keras's model.summary().") { model };
        command.SetAction(r =>
        {
            Model.Load(r.GetValue(model)!).Summary(stdout.Write);
            return 0;
        });
        return command;
    }

    private static Command PredictCommand(TextWriter stdout)
    {
        var model = ModelArgument("A .keras or .h5 model file.");
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "A NumPy .npy input (float32, float64, int32 or int64); one per model input, in input order.",
            Required = true,
            HelpName = "x.npy",
        };
        var outputs = new Option<string[]>("--output", "-o")
        {
            Description = "Where to write an output as a float32 .npy file; one per model output, in output order.",
            Required = true,
            HelpName = "y.npy",
        };
        var batchSize = new Option<int>("--batch-size", "-b")
        {
            Description = "Samples per batch.",
            DefaultValueFactory = _ => 32,
            HelpName = "N",
        };
        batchSize.Validators.Add(r =>
        {
            // Checked on the token: reading the value of an unparsable one (e.g. past int.MaxValue) would throw.
            if (r.Tokens.Count > 0 && !(int.TryParse(r.Tokens[^1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1))
            {
                r.AddError($"--batch-size must be a positive integer, got '{r.Tokens[^1].Value}'.");
            }
        });
        var command = new Command("predict", "Run Predict on NumPy inputs and write each output as a .npy file.") { model, inputs, outputs, batchSize };
        command.SetAction(r =>
        {
            var m = Model.Load(r.GetValue(model)!);
            var inFiles = r.GetValue(inputs)!;
            var outFiles = r.GetValue(outputs)!;
            if (inFiles.Length != m.InputCount)
            {
                throw new ArgumentException($"Model '{m.Name}' takes {m.InputCount} input(s) but {inFiles.Length} --input file(s) were given; give one per input, in order.");
            }
            if (outFiles.Length != m.OutputCount)
            {
                throw new ArgumentException($"Model '{m.Name}' has {m.OutputCount} output(s) but {outFiles.Length} --output file(s) were given; give one per output, in order.");
            }
            var x = inFiles.Select(NumpyFile.Load).ToArray();
            var y = m.PredictOutputs(x, r.GetValue(batchSize), verbose: 0);
            for (int i = 0; i < y.Length; i++)
            {
                NumpyFile.Save(outFiles[i], y[i]);
                stdout.WriteLine($"{outFiles[i]}: {y[i].Shape} float32");
            }
            return 0;
        });
        return command;
    }

    private static bool Is(string path, string extension) => path.EndsWith(extension, StringComparison.OrdinalIgnoreCase);

    private static Command ConvertCommand(TextWriter stdout)
    {
        var input = new Argument<string>("IN") { Description = "The file to read: .keras, .h5, or .weights.h5 (with --architecture)." };
        var output = new Argument<string>("OUT") { Description = "The file to write: .keras, .h5, .weights.h5, or .onnx (ONNX export, opset 17)." };
        var architecture = new Option<string>("--architecture", "-a")
        {
            Description = "A .keras or .h5 model file to take the architecture from when IN holds weights only (.weights.h5).",
            HelpName = "MODEL",
        };
        var command = new Command("convert", "Rewrite a model between .keras, .h5 and .weights.h5, or export it to ONNX (.onnx).") { input, output, architecture };
        command.SetAction(r =>
        {
            string inPath = r.GetValue(input)!, outPath = r.GetValue(output)!;
            Model model;
            if (Is(inPath, ".weights.h5"))
            {
                var arch = r.GetValue(architecture)
                    ?? throw new UsageException($"'{inPath}' holds weights only: give --architecture MODEL (a .keras or .h5 file) to take the architecture from.");
                model = Model.Load(arch);
                model.LoadWeights(inPath);
            }
            else
            {
                model = Model.Load(inPath);
            }
            if (Is(outPath, ".weights.h5"))
            {
                model.SaveWeights(outPath);
            }
            else if (Is(outPath, ".onnx"))
            {
                model.Export(outPath);
            }
            else
            {
                model.Save(outPath);
            }
            stdout.WriteLine($"{inPath} -> {outPath}");
            return 0;
        });
        return command;
    }
}
