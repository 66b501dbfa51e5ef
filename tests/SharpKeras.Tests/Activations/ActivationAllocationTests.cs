using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Training;
using Act = SharpKeras.Activations;

namespace SharpKeras.Tests.Activations;

/// <summary>The activation ops and layers replay inside the planned training step without allocating, as every op must.</summary>
[Collection("Allocation")]
public class ActivationAllocationTests
{
    [Fact]
    public void StepWithEveryKindOfActivationAllocatesNothingAfterTheFirstBatch()
    {
        Config.SetRandomSeed(4);
        var x = GradCheck.Random(21, -1f, 1f, 256, 12);
        var labels = new int[256];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i % 5;
        }
        var y = Tensor.FromArray(labels);
        var model = new Sequential(
        [
            new Dense(24, 12, "gelu"), new PReLU(), new Dense(24, null, "elu"), new ReLU(maxValue: 6, negativeSlope: 0.1, threshold: 0.05),
            new LeakyReLU(), new ELU(0.5), new Dense(16, null, Act.Mish), new Activation("glu"), new Activation("log_sigmoid"),
            new Dense(12, null, "selu"), new Activation("sparsemax"), new Dense(5), new SharpKeras.Layers.Softmax(),
        ]);
        model.Compile("adam", "sparse_categorical_crossentropy");
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
        for (int s = 0; s < 8; s++)
        {
            Step(s);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        Assert.True(allocated == 0, $"8 training steps allocated {allocated} bytes");
        Assert.NotEqual(before, model.Weights[0].Value.ToArray());
    }
}
