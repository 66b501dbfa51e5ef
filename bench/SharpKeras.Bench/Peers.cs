using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SharpKeras.Bench;

/// <summary>What happened to a requested peer: ran (with its version) or skipped (with the reason).</summary>
public sealed record PeerStatus(string Name, string Framework, bool Ran, string? Version, string? Reason);

/// <summary>
/// A peer framework running as a separate process that answers one JSON line per JSON job line
/// (bench/peers/torchsharp, bench/peers/pytorch/peer.py).
/// </summary>
public sealed class PeerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr;

    private PeerProcess(string name, string framework, Process process, string version, List<string> stderr)
    {
        _stderr = stderr;
        Name = name;
        Framework = framework;
        _process = process;
        Version = version;
    }

    /// <summary>The --peers name.</summary>
    public string Name { get; }

    /// <summary>The framework's display name.</summary>
    public string Framework { get; }

    /// <summary>The framework's version as the peer reports it.</summary>
    public string Version { get; }

    /// <summary>Asks the peer to give the memory its earlier jobs freed back to the OS (job "release"); a peer that cannot is left as it is.</summary>
    public void ReleaseFreedMemory(int threads)
    {
        try
        {
            Run(new JsonObject { ["kind"] = "release", ["threads"] = threads });
        }
        catch (InvalidOperationException)
        {
            // An older peer without the job: its figures then start on its earlier jobs' leftovers, as before.
        }
    }

    /// <summary>Starts watching the peer process's resident set for one job (its peak reset first, where the OS allows).</summary>
    public MemoryWatch WatchMemory() => MemoryProbe.Start(_process);

    /// <summary>Sends a job and waits for its answer; throws with the peer's own message when it fails.</summary>
    public JsonObject Run(JsonObject job)
    {
        _process.StandardInput.WriteLine(job.ToJsonString());
        _process.StandardInput.Flush();
        string? line = _process.StandardOutput.ReadLine();
        if (line is null)
        {
            throw new InvalidOperationException($"{Framework} peer exited: {LastErrors()}");
        }
        JsonObject answer;
        try
        {
            answer = JsonNode.Parse(line)!.AsObject();
        }
        catch (System.Text.Json.JsonException)
        {
            throw new InvalidOperationException($"{Framework} peer answered something other than JSON: {line}");
        }
        if (answer["error"] is { } error)
        {
            throw new InvalidOperationException($"{Framework} peer: {error.GetValue<string>()}");
        }
        return answer;
    }

    private string LastErrors()
    {
        lock (_stderr)
        {
            return string.Join(" | ", _stderr.TakeLast(5));
        }
    }

    /// <summary>Stops the peer.</summary>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    /// <summary>Starts the requested peers; each one that cannot start is skipped with the reason.</summary>
    public static List<PeerProcess> StartAll(IReadOnlyList<string> names, Action<string> log, List<PeerStatus> statuses)
    {
        var started = new List<PeerProcess>();
        foreach (var name in names)
        {
            string framework = name == "torchsharp" ? "TorchSharp" : "PyTorch";
            try
            {
                var peer = name == "torchsharp" ? StartTorchSharp(log) : StartPyTorch(log);
                started.Add(peer);
                statuses.Add(new PeerStatus(name, framework, true, peer.Version, null));
                log($"{framework} {peer.Version} started");
            }
            catch (PeerUnavailableException e)
            {
                statuses.Add(new PeerStatus(name, framework, false, null, e.Message));
                log($"{framework} skipped: {e.Message}");
            }
        }
        return started;
    }

    /// <summary>Environment variable naming the Python interpreter of the PyTorch peer (default: python3, then /usr/bin/python3).</summary>
    public const string PythonVariable = "SHARPKERAS_BENCH_PYTHON";

    /// <summary>The repository's bench/peers folder, found above the harness's own folder or the working folder.</summary>
    public static string? PeersFolder()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "bench", "peers");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static PeerProcess StartTorchSharp(Action<string> log)
    {
        string folder = PeersFolder() is { } peers ? Path.Combine(peers, "torchsharp")
            : throw new PeerUnavailableException("bench/peers/torchsharp not found above the harness's folder");
        string project = Path.Combine(folder, "TorchSharpPeer.csproj");
        log("building the TorchSharp peer (dotnet build -c Release bench/peers/torchsharp) ...");
        var (code, output) = RunToEnd("dotnet", ["build", "-c", "Release", "--nologo", "-v", "q", project], TimeSpan.FromMinutes(10));
        if (code != 0)
        {
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var errors = lines.Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(3).ToList();
            throw new PeerUnavailableException("the TorchSharp peer did not build (is the NuGet package TorchSharp-cpu reachable?): " +
                string.Join(" | ", errors.Count > 0 ? errors : lines.TakeLast(3)));
        }
        string dll = Path.Combine(folder, "bin", "Release", "net10.0", "TorchSharpPeer.dll");
        if (!File.Exists(dll))
        {
            throw new PeerUnavailableException($"the TorchSharp peer built but {dll} is missing");
        }
        return Start("torchsharp", "TorchSharp", "dotnet", [dll]);
    }

    private static PeerProcess StartPyTorch(Action<string> log)
    {
        string script = PeersFolder() is { } peers ? Path.Combine(peers, "pytorch", "peer.py")
            : throw new PeerUnavailableException("bench/peers/pytorch not found above the harness's folder");
        // The python3 first on PATH may lack torch (a pyenv or venv) while Debian's python3-torch is in /usr/bin.
        // SHARPKERAS_BENCH_PYTHON names the interpreter instead.
        var reasons = new List<string>();
        string[] candidates = Environment.GetEnvironmentVariable(PythonVariable) is { Length: > 0 } chosen ? [chosen] : ["python3", "/usr/bin/python3"];
        foreach (var python in candidates)
        {
            var (code, output) = RunToEnd(python, ["-c", "import torch, numpy"], TimeSpan.FromMinutes(2));
            if (code == 0)
            {
                log($"PyTorch found by {python}");
                return Start("pytorch", "PyTorch", python, [script]);
            }
            string last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {code}";
            reasons.Add($"{python}: {last}");
        }
        throw new PeerUnavailableException("python3 -c \"import torch, numpy\" failed (" + string.Join("; ", reasons) +
            "); on Debian: apt-get install -y python3-torch");
    }

    private static PeerProcess Start(string name, string framework, string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new PeerUnavailableException($"{file} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PeerUnavailableException($"{file} could not be started: {e.Message}");
        }
        var stderr = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } d)
            {
                lock (stderr)
                {
                    stderr.Add(d);
                }
            }
        };
        process.BeginErrorReadLine();
        string? hello = process.StandardOutput.ReadLine();
        JsonObject? h = null;
        try
        {
            h = hello is null ? null : JsonNode.Parse(hello)?.AsObject();
        }
        catch (System.Text.Json.JsonException)
        {
        }
        if (h is null || h["ready"]?.GetValue<bool>() != true)
        {
            string why = h?["error"]?.GetValue<string>() ?? hello ?? "no answer";
            process.WaitForExit(5000);
            process.Dispose();
            // TorchSharp's load failure carries a long trace; its first line says what went wrong.
            throw new PeerUnavailableException($"{framework} did not load: {why.Split('\n')[0]}");
        }
        string version = h["version"]?.GetValue<string>() ?? "?";
        if (h["libtorch"]?.GetValue<string>() is { } lib)
        {
            version += $" (libtorch {lib})";
        }
        return new PeerProcess(name, framework, process, version, stderr);
    }

    private static (int Code, string Output) RunToEnd(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        try
        {
            using var p = Process.Start(info)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                return (-1, $"timed out after {timeout.TotalSeconds:F0} s");
            }
            return (p.ExitCode, stdout.Result + "\n" + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{file}: {e.Message}");
        }
    }
}

/// <summary>A peer that cannot run here; the message says why.</summary>
public sealed class PeerUnavailableException(string message) : Exception(message);
