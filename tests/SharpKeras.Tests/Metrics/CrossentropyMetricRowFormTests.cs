using SharpKeras.Layers;
using SharpKeras.Metrics;
using SharpKeras.Models;
using SharpKeras.Training;

namespace SharpKeras.Tests.Metrics;

/// <summary>The crossentropy metrics' in-place row form: equal to the wrapped loss's tensor form, and free of allocations per batch.</summary>
[Collection("Allocation")]
public class CrossentropyMetricRowFormTests
{
    private static Tensor Uniform(int seed, float lo, float hi, params int[] shape) => GradCheck.Random(seed, lo, hi, shape);

    private static Tensor OneHot(int seed, int classes, params int[] leading)
    {
        var rng = new SeedGenerator(seed);
        int rows = leading.Aggregate(1, (a, b) => a * b);
        var v = new float[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            v[(r * classes) + rng.NextInt(classes)] = 1;
        }
        return Tensor.FromArray(v, [.. leading, classes]);
    }

    private static double Both(Metric rowForm, Metric tensorForm, Tensor yTrue, Tensor yPred, Tensor? weights)
    {
        // Two batches, so the running mean across updates is compared too.
        for (int i = 0; i < 2; i++)
        {
            rowForm.UpdateState(yTrue, yPred, weights);
            tensorForm.UpdateState(yTrue, yPred, weights);
        }
        double expected = tensorForm.Result();
        Assert.Equal(expected, rowForm.Result(), Math.Max(1e-6, Math.Abs(expected) * 1e-5));
        return expected;
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.2)]
    [InlineData(true, 0.1)]
    public void RowFormEqualsTheWrappedLoss(bool fromLogits, double smoothing)
    {
        var weights = Uniform(11, 0.1f, 2f, 6);
        var (lo, hi) = fromLogits ? (-4f, 4f) : (0.01f, 1f);
        // Categorical on (6, 5) and on (6, 3, 5), where a sample's value is the mean of its 3 rows.
        foreach (var shape in new[] { new[] { 6 }, new[] { 6, 3 } })
        {
            var t = OneHot(1, 5, shape);
            var p = Uniform(2, lo, hi, [.. shape, 5]);
            double v = Both(new SharpKeras.Metrics.CategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing),
                new MeanMetricWrapper(new SharpKeras.Losses.CategoricalCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing), "cce"), t, p, weights);
            Assert.True(v > 0);
        }
        var bt = Tensor.FromArray(Uniform(3, 0f, 1f, 6, 4).ToArray().Select(x => x > 0.5f ? 1f : 0f).ToArray(), 6, 4);
        Both(new SharpKeras.Metrics.BinaryCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing),
            new MeanMetricWrapper(new SharpKeras.Losses.BinaryCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing), "bce"),
            bt, Uniform(4, lo, hi, 6, 4), weights);
        Both(new SharpKeras.Metrics.BinaryCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing),
            new MeanMetricWrapper(new SharpKeras.Losses.BinaryCrossentropy(fromLogits: fromLogits, labelSmoothing: smoothing), "bce"),
            bt, Uniform(4, lo, hi, 6, 4), null);
        var labels = Tensor.FromArray([0, 4, 2, 2, 1, 3]);
        foreach (var y in new[] { labels, labels.Reshape(6, 1) })
        {
            Both(new SharpKeras.Metrics.SparseCategoricalCrossentropy(fromLogits: fromLogits),
                new MeanMetricWrapper(new SharpKeras.Losses.SparseCategoricalCrossentropy(fromLogits: fromLogits), "scce"),
                y, Uniform(5, lo, hi, 6, 5), weights);
        }
    }

    [Fact]
    public void RowFormRefusesBadLabelsAndShapesLikeTheLoss()
    {
        var p = Uniform(6, 0.1f, 1f, 3, 4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SharpKeras.Metrics.SparseCategoricalCrossentropy().UpdateState(Tensor.FromArray([0, 4, 1]), p));
        Assert.Contains("[0, 4)", e.Message);
        Assert.Throws<ArgumentException>(() => new SharpKeras.Metrics.CategoricalCrossentropy().UpdateState(OneHot(7, 3, 3), p));
        Assert.Throws<ArgumentException>(() => new SharpKeras.Metrics.BinaryCrossentropy().UpdateState(p, p, Tensor.FromArray([1f, 1f])));
    }

    [Fact]
    public void CrossentropyMetricsAllocateNothingPerBatch()
    {
        var cce = new SharpKeras.Metrics.CategoricalCrossentropy(fromLogits: true, labelSmoothing: 0.1);
        var scce = new SharpKeras.Metrics.SparseCategoricalCrossentropy();
        var bce = new SharpKeras.Metrics.BinaryCrossentropy();
        var t = OneHot(8, 5, 32);
        var p = Uniform(9, 0.01f, 1f, 32, 5);
        var labels = Tensor.FromArray(Enumerable.Range(0, 32).Select(i => i % 5).ToArray());
        var w = Uniform(10, 0.5f, 1.5f, 32);
        void Batch()
        {
            cce.UpdateState(t, p, w);
            scce.UpdateState(labels, p);
            bce.UpdateState(t, p);
        }
        Batch();
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            Batch();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        Assert.True(allocated == 0, $"10 batches of three crossentropy metrics allocated {allocated} bytes");
        Assert.True(double.IsFinite(cce.Result()) && double.IsFinite(scce.Result()) && double.IsFinite(bce.Result()));
    }

    [Fact]
    public void CompiledStepWithCrossentropyMetricsAllocatesNothing()
    {
        Config.SetRandomSeed(4);
        var x = Uniform(12, -1f, 1f, 128, 6);
        var y = Tensor.FromArray(Enumerable.Range(0, 128).Select(i => (i * 7) % 4).ToArray());
        var model = new Sequential([new Dense(8, 6, "relu"), new Dense(4, null, "softmax")]);
        model.Compile("adam", "sparse_categorical_crossentropy", new Metric[] { new SharpKeras.Metrics.SparseCategoricalCrossentropy(name: "scce") });
        var metrics = new CompiledMetrics(model);
        var logs = new Dictionary<string, double>();
        void Step(int s)
        {
            var plan = TrainStepPlan.For(model, x, y, 32);
            plan.LoadSlice(x, y, s * 32);
            double loss = plan.Run();
            metrics.Update(loss, plan.OutputLosses, plan.Y, plan.Predictions, 32);
            metrics.WriteLogs(logs);
        }
        for (int s = 0; s < 3; s++)
        {
            Step(s);
        }
        long start = GC.GetAllocatedBytesForCurrentThread();
        for (int s = 0; s < 8; s++)
        {
            Step(s % 4);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        Assert.True(allocated == 0, $"8 training steps with a sparse crossentropy metric allocated {allocated} bytes");
        Assert.True(logs["scce"] > 0 && double.IsFinite(logs["scce"]));
    }
}
