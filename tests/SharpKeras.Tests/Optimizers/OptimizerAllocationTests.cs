using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Optimizers.Schedules;
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
}
