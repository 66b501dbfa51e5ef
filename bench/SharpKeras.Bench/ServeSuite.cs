using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Serving;
using Spectre.Console;

namespace SharpKeras.Bench;

/// <summary>
/// The serve suite: a load test of <c>SharpKeras.Serving</c> on loopback. N concurrent clients post
/// TF Serving :predict requests (bounded in count and time); every answer is compared with an offline
/// <c>Predict</c> of the same rows; throughput and p50/p99 latency are set beside in-process <c>Predict</c>,
/// with dynamic batching off and on.
/// </summary>
public static class ServeSuite
{
    private sealed record Options(int Clients, int Requests, double Seconds, int Rows, int MaxBatch, int BatchTimeoutMs, string Out, int Seed);

    /// <summary>One measured mode: how many requests, how many failed or were wrong, how fast.</summary>
    public sealed record ModeResult(string Mode, int Requests, int Errors, int Wrong, double Seconds, double RequestsPerSecond, double RowsPerSecond, double P50Ms, double P99Ms, long ModelCalls);

    private const string Usage =
        "usage: dotnet run -c Release --project bench/SharpKeras.Bench -- serve [--clients N] [--requests N] [--seconds S] [--rows N] [--max-batch N] [--batch-timeout-ms N] [--out DIR] [--seed N]";

    /// <summary>Runs the suite; returns the exit code (0 done and every answer right, 1 wrong answers or errors, 2 bad usage).</summary>
    public static int Run(IReadOnlyList<string> args, IAnsiConsole console)
    {
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
        var results = Measure(o, console).GetAwaiter().GetResult();
        var table = new Table().AddColumns("mode", "requests", "errors", "wrong", "req/s", "rows/s", "p50 ms", "p99 ms", "model calls");
        foreach (var r in results)
        {
            table.AddRow(r.Mode, N(r.Requests), N(r.Errors), N(r.Wrong), F(r.RequestsPerSecond, 0), F(r.RowsPerSecond, 0), F(r.P50Ms, 3), F(r.P99Ms, 3), N(r.ModelCalls));
        }
        console.Write(table);
        Write(o, results, args);
        console.MarkupLineInterpolated($"Report: {Path.GetFullPath(o.Out)}/results.md");
        return results.All(r => r.Errors == 0 && r.Wrong == 0) ? 0 : 1;
    }

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string F(double v, int digits) => v.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static Options Parse(IReadOnlyList<string> args)
    {
        var o = new Options(Clients: 8, Requests: 2000, Seconds: 10, Rows: 1, MaxBatch: 32, BatchTimeoutMs: 2, Out: Path.Combine("bench-results", "serve"), Seed: 1);
        for (int i = 1; i < args.Count; i++)
        {
            string name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value.");
            int Int(int min)
            {
                string v = Value();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int r) && r >= min
                    ? r
                    : throw new UsageException($"{name} needs an integer of at least {min}, got '{v}'.");
            }
            o = name switch
            {
                "--clients" => o with { Clients = Int(1) },
                "--requests" => o with { Requests = Int(1) },
                "--seconds" => o with { Seconds = Int(1) },
                "--rows" => o with { Rows = Int(1) },
                "--max-batch" => o with { MaxBatch = Int(1) },
                "--batch-timeout-ms" => o with { BatchTimeoutMs = Int(1) },
                "--out" => o with { Out = Value() },
                "--seed" => o with { Seed = Int(0) },
                _ => throw new UsageException($"Unknown option '{name}' for the serve suite."),
            };
        }
        return o;
    }

    private static async Task<List<ModeResult>> Measure(Options o, IAnsiConsole console)
    {
        // The seed experiment's MLP on 28x28 inputs, saved and served from its .keras file as a user would.
        Config.SetRandomSeed(o.Seed);
        var built = new Sequential([new InputLayer([28, 28]), new Flatten(), new Dense(128, activation: "relu"), new Dense(10, activation: "softmax")]);
        var dir = Directory.CreateTempSubdirectory("sk-bench-serve-").FullName;
        try
        {
            var path = Path.Combine(dir, "mlp.keras");
            built.Save(path);
            var offline = Model.Load(path);
            var rng = new Random(o.Seed);
            const int distinct = 256;
            var inputs = new Tensor[distinct];
            var bodies = new string[distinct];
            var expected = new float[distinct][];
            for (int k = 0; k < distinct; k++)
            {
                var data = new float[o.Rows * 784];
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (float)rng.NextDouble();
                }
                inputs[k] = Tensor.FromArray(data, o.Rows, 28, 28);
                expected[k] = offline.Predict(inputs[k], batchSize: o.Rows, verbose: 0).ToArray();
                bodies[k] = Body(data, o.Rows);
            }
            var results = new List<ModeResult>
            {
                InProcess($"in-process Predict, {o.Rows} row(s) per call", offline, inputs, expected, o, 1),
                InProcess($"in-process Predict, {o.MaxBatch * o.Rows} rows per call", offline, inputs, expected, o, o.MaxBatch),
            };
            foreach (var (mode, timeout) in new[] { ("server, batching off", 0), ($"server, batching on (max {o.MaxBatch}, {o.BatchTimeoutMs} ms)", o.BatchTimeoutMs) })
            {
                console.MarkupLineInterpolated($"[grey]{mode}: {o.Clients} clients, up to {o.Requests:N0} requests or {o.Seconds} s[/]");
                results.Add(await OverHttp(mode, path, bodies, expected, o, timeout).ConfigureAwait(false));
            }
            return results;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Body(float[] data, int rows)
    {
        var sb = new StringBuilder("{\"instances\": [");
        for (int r = 0; r < rows; r++)
        {
            sb.Append(r == 0 ? "[" : ", [");
            for (int i = 0; i < 28; i++)
            {
                sb.Append(i == 0 ? "[" : ", [");
                for (int j = 0; j < 28; j++)
                {
                    if (j > 0)
                    {
                        sb.Append(", ");
                    }
                    sb.Append(data[r * 784 + i * 28 + j].ToString("R", CultureInfo.InvariantCulture));
                }
                sb.Append(']');
            }
            sb.Append(']');
        }
        return sb.Append("]}").ToString();
    }

    /// <summary>In-process Predict on the same requests, serially, <paramref name="group"/> requests per call.</summary>
    private static ModeResult InProcess(string mode, Model model, Tensor[] inputs, float[][] expected, Options o, int group)
    {
        int rows = o.Rows;
        var batches = new Tensor[inputs.Length / group];
        for (int b = 0; b < batches.Length; b++)
        {
            var data = new float[group * rows * 784];
            for (int g = 0; g < group; g++)
            {
                inputs[b * group + g].ToArray().CopyTo(data, g * rows * 784);
            }
            batches[b] = Tensor.FromArray(data, group * rows, 28, 28);
        }
        model.Predict(batches[0], batchSize: group * rows, verbose: 0);
        var latencies = new List<double>();
        int wrong = 0, done = 0;
        var clock = Stopwatch.StartNew();
        while (done < o.Requests && clock.Elapsed.TotalSeconds < o.Seconds)
        {
            int b = latencies.Count % batches.Length;
            long t0 = Stopwatch.GetTimestamp();
            var y = model.Predict(batches[b], batchSize: group * rows, verbose: 0).ToArray();
            latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            for (int g = 0; g < group; g++)
            {
                wrong += Close(expected[b * group + g], y.AsSpan(g * rows * 10, rows * 10)) ? 0 : 1;
            }
            done += group;
        }
        double secs = clock.Elapsed.TotalSeconds;
        return new ModeResult(mode, done, 0, wrong, secs, done / secs, done * rows / secs, Percentile(latencies, 0.5), Percentile(latencies, 0.99), latencies.Count);
    }

    private static async Task<ModeResult> OverHttp(string mode, string path, string[] bodies, float[][] expected, Options o, int batchTimeoutMs)
    {
        var options = new ServeOptions(path) { Port = 0, Host = "127.0.0.1", Name = "mlp", MaxBatch = batchTimeoutMs == 0 ? 1 : o.MaxBatch, BatchTimeoutMs = batchTimeoutMs };
        await using var server = await KerasServer.StartAsync(options, logging: l => l.ClearProviders()).ConfigureAwait(false);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = o.Clients, UseProxy = false };
        using var client = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var url = "/v1/models/mlp:predict";
        // Warm-up: JIT of both ends and the model's planned inference pass.
        for (int i = 0; i < 20; i++)
        {
            using var warm = await client.PostAsync(url, new StringContent(bodies[i % bodies.Length], Encoding.UTF8, "application/json")).ConfigureAwait(false);
        }
        long callsBefore = server.Batches;
        int next = -1, errors = 0, wrong = 0;
        var latencies = new List<double>[o.Clients];
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, o.Clients).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = [];
            while (clock.Elapsed.TotalSeconds < o.Seconds)
            {
                int k = Interlocked.Increment(ref next);
                if (k >= o.Requests)
                {
                    break;
                }
                int which = k % bodies.Length;
                long t0 = Stopwatch.GetTimestamp();
                try
                {
                    using var content = new StringContent(bodies[which], Encoding.UTF8, "application/json");
                    using var response = await client.PostAsync(url, content).ConfigureAwait(false);
                    var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    mine.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref errors);
                        continue;
                    }
                    var got = Flatten(JsonNode.Parse(text)!["predictions"]);
                    if (!Close(expected[which], got.ToArray()))
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ToArray();
        await Task.WhenAll(clients).ConfigureAwait(false);
        double secs = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        int done = all.Count;
        return new ModeResult(mode, done, errors, wrong, secs, done / secs, done * o.Rows / secs, Percentile(all, 0.5), Percentile(all, 0.99), server.Batches - callsBefore);
    }

    private static List<float> Flatten(JsonNode? node)
    {
        var list = new List<float>();
        void Walk(JsonNode? n)
        {
            if (n is JsonArray a)
            {
                foreach (var c in a)
                {
                    Walk(c);
                }
            }
            else if (n is not null)
            {
                list.Add(n.GetValue<float>());
            }
        }
        Walk(node);
        return list;
    }

    /// <summary>Agreement with the offline answer: the same rows to 1e-5 (batching may change float summation order only).</summary>
    private static bool Close(float[] expected, ReadOnlySpan<float> actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }
        for (int i = 0; i < expected.Length; i++)
        {
            if (!(Math.Abs(expected[i] - actual[i]) <= 1e-5))
            {
                return false;
            }
        }
        return true;
    }

    private static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    private static void Write(Options o, List<ModeResult> results, IReadOnlyList<string> args)
    {
        Directory.CreateDirectory(o.Out);
        var json = new JsonObject
        {
            ["suite"] = "serve",
            ["arguments"] = new JsonArray([.. args.Select(a => (JsonNode?)JsonValue.Create(a))]),
            ["clients"] = o.Clients, ["rows_per_request"] = o.Rows, ["max_batch"] = o.MaxBatch, ["batch_timeout_ms"] = o.BatchTimeoutMs,
            ["cores"] = Environment.ProcessorCount,
            ["modes"] = new JsonArray([.. results.Select(r => (JsonNode?)new JsonObject
            {
                ["mode"] = r.Mode, ["requests"] = r.Requests, ["errors"] = r.Errors, ["wrong"] = r.Wrong, ["seconds"] = r.Seconds,
                ["requests_per_second"] = r.RequestsPerSecond, ["rows_per_second"] = r.RowsPerSecond, ["p50_ms"] = r.P50Ms, ["p99_ms"] = r.P99Ms,
                ["model_calls"] = r.ModelCalls,
            })]),
        };
        var md = new StringBuilder("# serve suite\n\n")
            .Append(CultureInfo.InvariantCulture, $"{o.Clients} concurrent loopback clients, {o.Rows} row(s) of 28x28 per request, MLP 784-128-10; every answer compared with offline Predict to 1e-5.\n\n")
            .Append("| mode | requests | errors | wrong | req/s | rows/s | p50 ms | p99 ms | model calls |\n|---|---|---|---|---|---|---|---|---|\n");
        foreach (var r in results)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {r.Mode} | {r.Requests} | {r.Errors} | {r.Wrong} | {F(r.RequestsPerSecond, 0)} | {F(r.RowsPerSecond, 0)} | {F(r.P50Ms, 3)} | {F(r.P99Ms, 3)} | {r.ModelCalls} |\n");
        }
        WriteWhole(Path.Combine(o.Out, "results.json"), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        WriteWhole(Path.Combine(o.Out, "results.md"), md.ToString());
    }

    private static void WriteWhole(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
