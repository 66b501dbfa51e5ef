using SharpKeras.Constraints;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Optimizers.Schedules;
using SharpKeras.Regularizers;
using SharpKeras.Training;

namespace SharpKeras.Tests.Optimizers;

/// <summary>The optimizer's extras keep the replayed training step free of managed allocations.</summary>
[Collection("Allocation")]
public class OptimizerAllocationTests
{
    [Fact]
    public void AdamWWithScheduleClippingAndEmaAllocatesNothingPerStep()
    {
        Config.SetRandomSeed(5);
        var rng = new SeedGenerator(6);
        var xs = new float[256 * 20];
        rng.NextFloats(xs);
        var ys = new int[256];
        for (int i = 0; i < ys.Length; i++)
        {
            ys[i] = rng.NextInt(5);
        }
        var (x, y) = (Tensor.FromArray(xs, 256, 20), Tensor.FromArray(ys));
        var model = new Sequential([new Dense(32, 20, "relu"), new Dense(5, null, "softmax")]);
        var optimizer = new AdamW(new CosineDecay(0.001, 100, warmupTarget: 0.01, warmupSteps: 3), weightDecay: 0.01, globalClipnorm: 1.0, useEma: true);
        model.Compile(optimizer, "sparse_categorical_crossentropy");
        model.EnsureBuilt(x.Shape);
        void Step(int s)
        {
            var plan = TrainStepPlan.For(model, x, y, 32);
            plan.LoadSlice(x, y, s * 32);
            Assert.True(double.IsFinite(plan.Run()));
        }
        for (int s = 0; s < 3; s++)
        {
            Step(s);
        }
        var before = model.Weights[0].Value.ToArray();
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 10; s++)
        {
            Step(s % 8);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        Assert.True(allocated == 0, $"10 AdamW training steps with a schedule, global clipping and EMA allocated {allocated} bytes");
        Assert.NotEqual(before, model.Weights[0].Value.ToArray());
        Assert.Equal(13, optimizer.Iterations);
    }
    [Fact]
    public void AdamWWithScheduleClippingL2AndMaxNormAllocatesNothingPerStep()
    {
        Config.SetRandomSeed(7);
        var rng = new SeedGenerator(8);
        var xs = new float[256 * 20];
        rng.NextFloats(xs);
        var ys = new int[256];
        for (int i = 0; i < ys.Length; i++)
        {
            ys[i] = rng.NextInt(5);
        }
        var (x, y) = (Tensor.FromArray(xs, 256, 20), Tensor.FromArray(ys));
        // A tight max-norm bound so the projection really rescales columns on every step.
        var model = new Sequential([
            new Dense(32, 20, "relu", kernelRegularizer: new L2(0.01), kernelConstraint: new MaxNorm(0.5)),
            new Dense(5, null, "softmax", kernelRegularizer: new L2(0.001), kernelConstraint: new MaxNorm(1.0))]);
        var optimizer = new AdamW(new ExponentialDecay(0.01, 10, 0.9), weightDecay: 0.01, clipnorm: 1.0);
        model.Compile(optimizer, "sparse_categorical_crossentropy");
        model.EnsureBuilt(x.Shape);
        void Step(int s)
        {
            var plan = TrainStepPlan.For(model, x, y, 32);
            plan.LoadSlice(x, y, s * 32);
            Assert.True(double.IsFinite(plan.Run()));
        }
        for (int s = 0; s < 3; s++)
        {
            Step(s);
        }
        var before = model.Weights[0].Value.ToArray();
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 10; s++)
        {
            Step(s % 8);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        Assert.True(allocated == 0, $"10 AdamW training steps with a schedule, clipnorm, L2 penalties and max-norm constraints allocated {allocated} bytes");
        var after = model.Weights[0].Value.ToArray();
        Assert.NotEqual(before, after);
        // The constraint ran: every kernel column's norm stays within the bound.
        for (int j = 0; j < 32; j++)
        {
            double sq = 0;
            for (int i = 0; i < 20; i++)
            {
                sq += after[(i * 32) + j] * (double)after[(i * 32) + j];
            }
            Assert.True(Math.Sqrt(sq) <= 0.5 + 1e-5, $"column {j} norm {Math.Sqrt(sq)} exceeds the max-norm bound 0.5");
        }
        Assert.Equal(13, optimizer.Iterations);
    }
}
