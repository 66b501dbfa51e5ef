using System.Diagnostics;
using SharpKeras.Layers;
using SharpKeras.Models;
using Xunit.Abstractions;

namespace SharpKeras.Tests.Operations;

/// <summary>
/// Checks that both paths agree, and with SHARPKERAS_ATTENTION_TIMING=1 prints (never asserts) the fused attention's time against the plain composition, alternated in one process so that
/// machine load hits both alike: Ops.DotProductAttention forward and backward at (batch 32, length 200, heads 2, dim 32),
/// and a training step of the TextTransformer example's model (maxlen 200, embed 32, 2 heads, ff 32, batch 32).
/// </summary>
public sealed class AttentionTimingTests(ITestOutputHelper output)
{
    // Timings run only when asked (SHARPKERAS_ATTENTION_TIMING=1): under CI's load they take seconds and prove nothing.
    private static bool Timing => Environment.GetEnvironmentVariable("SHARPKERAS_ATTENTION_TIMING") == "1";

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

    /// <summary>The medians of <paramref name="rounds"/> alternated timings of each action (which goes first swaps each round), in milliseconds, after one warm-up of each.</summary>
    private static (double A, double B) Alternate(Action a, Action b, int rounds)
    {
        a();
        b();
        var ta = new double[rounds];
        var tb = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            if (r % 2 == 1)
            {
                b();
                tb[r] = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
            }
            a();
            ta[r] = sw.Elapsed.TotalMilliseconds;
            if (r % 2 == 0)
            {
                sw.Restart();
                b();
                tb[r] = sw.Elapsed.TotalMilliseconds;
            }
        }
        Array.Sort(ta);
        Array.Sort(tb);
        return (ta[rounds / 2], tb[rounds / 2]);
    }

    /// <summary>Times at 1 thread and at every core (Config.Threads is process-wide, so this runs only when timing is asked for, never in CI).</summary>
    private void AtThreadCounts(string what, Action fused, Action composed)
    {
        int all = Config.Threads;
        try
        {
            foreach (int threads in all > 1 ? new[] { 1, all } : [1])
            {
                Config.Threads = threads;
                var (f, c) = Alternate(fused, composed, 7);
                output.WriteLine($"{what}: fused {f:F1} ms, composition {c:F1} ms (medians of 7), composition/fused {c / f:F2}; threads {threads}; loadavg {Load()}");
            }
        }
        finally
        {
            Config.Threads = all;
        }
    }

    [Fact]
    public void FusedAgainstCompositionForwardAndBackward()
    {
        var q = GradCheck.Random(1, -1, 1, 32, 200, 2, 32);
        var k = GradCheck.Random(2, -1, 1, 32, 200, 2, 32);
        var v = GradCheck.Random(3, -1, 1, 32, 200, 2, 32);
        float Step(bool? flash)
        {
            using var tape = new GradientTape();
            tape.Watch(q);
            tape.Watch(k);
            tape.Watch(v);
            var y = Ops.DotProductAttention(q, k, v, flashAttention: flash);
            var grads = tape.Gradient(Ops.Sum(y), [q, k, v]);
            return grads[0]!.ToArray()[0];
        }
        Assert.Equal(Step(false), Step(null), 3);
        if (!Timing)
        {
            return;
        }
        AtThreadCounts("dot_product_attention fwd+bwd (32, 200, 2, 32)", () => Step(null), () => Step(false));
    }

    [Fact]
    public void TextTransformerTrainingStepFusedAgainstComposition()
    {
        // flashAttention true against false, so that the fused figure stays the kernel's whatever rule null follows.
        Model Build(bool? flash)
        {
            var inputs = Keras.Input([200]);
            var x = new Embedding(20000, 32, embeddingsInitializer: new SharpKeras.Initializers.RandomUniform(seed: 1)).Apply(inputs);
            var att = new MultiHeadAttention(2, 32, flashAttention: flash, kernelInitializer: new SharpKeras.Initializers.GlorotUniform(seed: 2)).Apply(x, x);
            var h = new LayerNormalization(epsilon: 1e-6).Apply(new Add().Apply([x, att]));
            var ffn = new Dense(32, kernelInitializer: new SharpKeras.Initializers.GlorotUniform(seed: 3)).Apply(new Dense(32, activation: "relu", kernelInitializer: new SharpKeras.Initializers.GlorotUniform(seed: 4)).Apply(h));
            h = new LayerNormalization(epsilon: 1e-6).Apply(new Add().Apply([h, ffn]));
            var y = new Dense(2, activation: "softmax", kernelInitializer: new SharpKeras.Initializers.GlorotUniform(seed: 5))
                .Apply(new Dense(20, activation: "relu", kernelInitializer: new SharpKeras.Initializers.GlorotUniform(seed: 6)).Apply(new GlobalAveragePooling1D().Apply(h)));
            var model = new Model(inputs, y);
            model.Compile(new SharpKeras.Optimizers.Adam(), new SharpKeras.Losses.SparseCategoricalCrossentropy());
            return model;
        }
        var rng = new SeedGenerator(7);
        var ids = Tensor.FromArray([.. Enumerable.Range(0, 32 * 200).Select(_ => (float)(int)(rng.NextFloat() * 19999))], 32, 200);
        var labels = Tensor.FromArray([.. Enumerable.Range(0, 32).Select(i => (float)(i % 2))], 32);
        var fusedModel = Build(true);
        var composedModel = Build(false);
        double l1 = fusedModel.TrainOnBatch(ids, labels).Loss, l2 = composedModel.TrainOnBatch(ids, labels).Loss;
        Assert.Equal(l2, l1, 4);
        if (!Timing)
        {
            return;
        }
        AtThreadCounts("TextTransformer model train step (batch 32, maxlen 200, embed 32, 2 heads)",
            () => fusedModel.TrainOnBatch(ids, labels), () => composedModel.TrainOnBatch(ids, labels));
        int all = Config.Threads;
        try
        {
            Config.Threads = 1;
            foreach (var (what, model) in new[] { ("fused", fusedModel), ("composition", composedModel) })
            {
                var profile = model.ProfileTrainStep(ids, labels, batchSize: 32, steps: 3);
                output.WriteLine($"{what} at 1 thread, ms per step: " + string.Join(", ", profile.Select(p => $"{p.Layer} {p.ForwardSeconds * 1e3:F1}+{p.BackwardSeconds * 1e3:F1}")));
            }
        }
        finally
        {
            Config.Threads = all;
        }
    }
}
