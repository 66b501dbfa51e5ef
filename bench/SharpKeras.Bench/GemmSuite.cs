using System.Diagnostics;
using System.Text.Json.Nodes;
using SharpKeras.Backend;

namespace SharpKeras.Bench;

/// <summary>One matrix-multiply shape: C[M,N] = op(A)[M,K] op(B)[K,N].</summary>
public sealed record GemmShape(string Name, int M, int N, int K, bool TransA, bool TransB, string Description)
{
    /// <summary>2*M*N*K.</summary>
    public double Flops => 2.0 * M * N * K;
}

/// <summary>
/// The GEMM suite: SharpKeras's packed GEMM (the kernel behind Ops.MatMul and its gradients, called
/// directly on preallocated buffers) against torch.mm, at each thread count, in alternating rounds.
/// </summary>
public static class GemmSuite
{
    /// <summary>The shapes issue 4 names: square, the seed MLP's first layer forward and its two backward forms, mnist_mlp's hidden layer.</summary>
    public static IReadOnlyList<GemmShape> Shapes(bool quick) => quick
        ?
        [
            new("square_256", 256, 256, 256, false, false, "256x256 by 256x256 (quick stand-in for the square shapes)"),
            new("fwd_1000x784x128", 1000, 128, 784, false, false, "X W: 1000x784 by 784x128 (quick)"),
            new("dW_784x1000x128", 784, 128, 1000, true, false, "dW = X^T dY: 784x1000 by 1000x128 (quick)"),
            new("dX_1000x128x784", 1000, 784, 128, false, true, "dX = dY W^T: 1000x128 by 128x784 (quick)"),
            new("mlp_128x512x512", 128, 512, 512, false, false, "128x512 by 512x512 (mnist_mlp hidden layer at batch 128)"),
        ]
        :
        [
            new("square_1024", 1024, 1024, 1024, false, false, "1024x1024 by 1024x1024"),
            new("square_2048", 2048, 2048, 2048, false, false, "2048x2048 by 2048x2048"),
            new("fwd_10000x784x128", 10000, 128, 784, false, false, "X W: 10000x784 by 784x128 (seed MLP layer 1 forward)"),
            new("dW_784x10000x128", 784, 128, 10000, true, false, "dW = X^T dY: 784x10000 by 10000x128 (its weight gradient; X read transposed)"),
            new("dX_10000x128x784", 10000, 784, 128, false, true, "dX = dY W^T: 10000x128 by 128x784 (its input gradient; W read transposed)"),
            new("dWt_128x10000x784", 128, 784, 10000, true, false, "dW^T = dY^T X: 128x10000 by 10000x784 (the weight gradient computed transposed; dY read transposed, X along its rows)"),
            new("mlp_128x512x512", 128, 512, 512, false, false, "128x512 by 512x512 (mnist_mlp hidden layer at batch 128)"),
        ];

    /// <summary>Names accepted by --models for this suite.</summary>
    public static IReadOnlyList<string> Names(bool quick) => [.. Shapes(quick).Select(s => s.Name)];

    /// <summary>(rounds, timed multiplies per round per framework).</summary>
    public static (int Rounds, int Reps) Plan(BenchOptions o) => (o.Runs ?? (o.Quick ? 1 : 5), o.Quick ? 2 : 3);

    /// <summary>Progress steps.</summary>
    public static int Steps(BenchContext ctx) =>
        Shapes(ctx.Options.Quick).Count(s => ctx.Options.Models is null || ctx.Options.Models.Contains(s.Name))
        * Plan(ctx.Options).Rounds * (1 + ctx.Peers.Count) * ctx.Threads.Count;

    /// <summary>Runs every selected shape at every thread count.</summary>
    public static void Run(BenchContext ctx)
    {
        var (rounds, reps) = Plan(ctx.Options);
        foreach (var shape in Shapes(ctx.Options.Quick).Where(s => ctx.Options.Models is null || ctx.Options.Models.Contains(s.Name)))
        {
            ctx.SamplePeak();
            var result = new WorkloadResult
            {
                Name = shape.Name, Description = shape.Description, Supported = true,
                Metric = "seconds of one matrix multiply (median of all timed calls)", FlopsPerTimedRun = shape.Flops,
            };
            ctx.Report.Workloads.Add(result);
            var rng = new Random(ctx.Options.Seed);
            var a = RandomArray(rng, shape.M * shape.K);
            var b = RandomArray(rng, shape.K * shape.N);
            var c = new float[shape.M * shape.N];
            foreach (int threads in ctx.Threads)
            {
                var sk = new FrameworkResult { Framework = "SharpKeras", Version = ctx.Report.Machine.SharpKeras, Threads = threads };
                var peers = ctx.Peers.Select(p => (Peer: p, Result: new FrameworkResult { Framework = p.Framework, Version = p.Version, Threads = threads })).ToList();
                result.Frameworks.Add(sk);
                result.Frameworks.AddRange(peers.Select(p => p.Result));
                Config.Threads = threads;
                // Warm-up: JIT tiers and the packing buffers (at least 5 calls and half a second, at most 3 s).
                var warm = Stopwatch.StartNew();
                for (int i = 0; (i < 5 || warm.Elapsed.TotalSeconds < (ctx.Options.Quick ? 0.05 : 0.5)) && warm.Elapsed.TotalSeconds < 3; i++)
                {
                    Multiply(shape, a, b, c);
                }
                for (int round = 1; round <= rounds; round++)
                {
                    ctx.Status($"{shape.Name} · {threads} thread(s) · round {round}/{rounds} · SharpKeras");
                    for (int r = 0; r < reps; r++)
                    {
                        var clock = Stopwatch.StartNew();
                        Multiply(shape, a, b, c);
                        double s = clock.Elapsed.TotalSeconds;
                        sk.Runs.Add(new RunResult { Run = round, Seconds = s, Gflops = shape.Flops / s / 1e9 });
                    }
                    ctx.Step();
                    foreach (var (peer, pr) in peers)
                    {
                        if (pr.Error is null)
                        {
                            ctx.Status($"{shape.Name} · {threads} thread(s) · round {round}/{rounds} · {peer.Framework}");
                            try
                            {
                                var answer = peer.Run(new JsonObject
                                {
                                    ["kind"] = "gemm", ["threads"] = threads, ["m"] = shape.M, ["n"] = shape.N, ["k"] = shape.K,
                                    ["transA"] = shape.TransA, ["transB"] = shape.TransB, ["reps"] = reps,
                                });
                                foreach (var v in answer["seconds"]!.AsArray())
                                {
                                    double s = v!.GetValue<double>();
                                    pr.Runs.Add(new RunResult { Run = round, Seconds = s, Gflops = shape.Flops / s / 1e9 });
                                }
                            }
                            catch (InvalidOperationException e)
                            {
                                pr.Error = e.Message;
                                ctx.Log($"{peer.Framework} failed on {shape.Name}: {e.Message}");
                            }
                        }
                        ctx.Step();
                    }
                }
            }
            TrainingSuite.Summarise(result, ctx.Report.Machine);
        }
    }

    /// <summary>
    /// C = op(A) op(B) through the backend seam the ops use (the CPU backend's packed GEMM unless
    /// SHARPKERAS_BACKEND says otherwise), operands stored as the shape says (transposed ones never materialised).
    /// </summary>
    public static void Multiply(GemmShape s, float[] a, float[] b, float[] c) =>
        Kernels.Current.MatMul(a, b, c, s.M, s.N, s.K, s.TransA, s.TransB, accumulate: false);

    private static float[] RandomArray(Random rng, int length)
    {
        var v = new float[length];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = rng.NextSingle() * 2 - 1;
        }
        return v;
    }
}
