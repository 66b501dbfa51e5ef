using Xunit.Abstractions;
using static SharpKeras.Tests.Training.CustomStepModels;

namespace SharpKeras.Tests.Training;

/// <summary>After its first batch of a shape, a replayed custom TrainStep allocates (about) nothing, as the built-in one.</summary>
[Collection("Allocation")]
public class CustomStepAllocationTests(ITestOutputHelper output)
{
    // Bytes of a Fit of 12 steps minus those of a Fit of 2, least of three each, over 10.
    private static double BytesPerStep(SharpKeras.Models.Model model, Tensor x)
    {
        long Measure(int samples)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            model.Fit(x.Slice(0, samples), batchSize: 16, epochs: 1, verbose: 0);
            return GC.GetAllocatedBytesForCurrentThread() - start;
        }
        Measure(32);
        Measure(192);
        long two = long.MaxValue, twelve = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            two = Math.Min(two, Measure(32));
            twelve = Math.Min(twelve, Measure(192));
        }
        return (twelve - two) / 10.0;
    }

    [Fact]
    public void ReplayedVaeStepAllocatesNothingPerStep()
    {
        var x = Uniform(192, 16, 18);
        var replayed = BuildVae(10, runEagerly: false);
        double replayedBytes = BytesPerStep(replayed, x);
        var eager = BuildVae(10, runEagerly: true);
        double eagerBytes = BytesPerStep(eager, x);
        output.WriteLine($"VAE custom TrainStep: replayed {replayedBytes:F0} B/step, eager (runEagerly: true) {eagerBytes:F0} B/step");
        Assert.Null(replayed.EagerTrainStepReason);
        Assert.NotEmpty(replayed.CustomPlans);
        // The built-in Fit allocation test's allowance (10 steps, 320 * 4 + 256 bytes); eager is thousands of bytes a step.
        Assert.True(replayedBytes * 10 <= 320 * 4 + 256, $"a replayed custom step allocated {replayedBytes} bytes (eager: {eagerBytes})");
        Assert.True(eagerBytes > 10 * replayedBytes + 1000, $"eager {eagerBytes} B/step vs replayed {replayedBytes}: the measure does not tell them apart");
    }
}
