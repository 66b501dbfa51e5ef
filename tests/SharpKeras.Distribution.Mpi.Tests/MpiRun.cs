using System.Diagnostics;
using System.Text;

namespace SharpKeras.Distribution.Mpi.Tests;

/// <summary>Launches the worker program under mpirun and collects what it printed.</summary>
internal static class MpiRun
{
    /// <summary>mpirun's full path, or null when it is not on the PATH.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => System.IO.Path.Combine(d, "mpirun"))
        .FirstOrDefault(File.Exists);

    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed);

    /// <summary>Runs `mpirun -np <paramref name="ranks"/> dotnet Worker.dll args...`, killing it after <paramref name="limit"/>.</summary>
    public static Result Worker(int ranks, TimeSpan limit, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var worker = System.IO.Path.Combine(AppContext.BaseDirectory, "SharpKeras.Distribution.Mpi.Worker.dll");
        Assert.True(File.Exists(worker), $"The worker program {worker} was not built beside the tests.");
        var start = new ProcessStartInfo(Path!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Root in containers needs --allow-run-as-root; the 2-core CI machine needs --oversubscribe for 2+ ranks.
        foreach (var a in new[] { "--allow-run-as-root", "--oversubscribe", "-np", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "dotnet", worker })
        {
            start.ArgumentList.Add(a);
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["OMPI_MCA_btl_vader_single_copy_mechanism"] = "none";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[k] = v;
        }
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output)
            {
                Assert.Fail($"mpirun {string.Join(' ', args)} did not end within {limit.TotalSeconds} s. Output:\n{output}");
            }
        }
        process.WaitForExit();
        clock.Stop();
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString(), clock.Elapsed);
        }
    }
}
