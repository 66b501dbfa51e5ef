using SharpKeras.Metrics;

namespace SharpKeras.Tests.Metrics;

public class MetricTests
{
    [Fact]
    public void AccuracyIsResolvedFromShapesAsKeras3()
    {
        Assert.IsType<SparseCategoricalAccuracy>(Metric.Get("accuracy", new Shape(8), new Shape(8, 10)));
        Assert.IsType<SparseCategoricalAccuracy>(Metric.Get("acc", new Shape(8, 1), new Shape(8, 10)));
        Assert.IsType<CategoricalAccuracy>(Metric.Get("accuracy", new Shape(8, 10), new Shape(8, 10)));
        Assert.IsType<BinaryAccuracy>(Metric.Get("accuracy", new Shape(8, 1), new Shape(8, 1)));
        Assert.Equal("acc", Metric.Get("acc", new Shape(8), new Shape(8, 10)).Name);
        var e = Assert.Throws<ArgumentException>(() => Metric.Validate("precision@5"));
        Assert.Contains("accuracy", e.Message);
    }

    [Fact]
    public void AccuraciesCountMatchesOverBatches()
    {
        var sparse = new SparseCategoricalAccuracy();
        sparse.UpdateState(Tensor.FromArray(new int[] { 1, 0 }), Tensor.FromArray(new float[] { 0.1f, 0.9f, 0.2f, 0.8f }, 2, 2));
        sparse.UpdateState(Tensor.FromArray(new int[] { 0 }), Tensor.FromArray(new float[] { 0.6f, 0.4f }, 1, 2));
        Assert.Equal(2.0 / 3, sparse.Result(), 10);
        sparse.ResetState();
        Assert.Equal(0, sparse.Result());

        var binary = new BinaryAccuracy();
        binary.UpdateState(Tensor.FromArray(new float[] { 1, 0, 1 }, 3, 1), Tensor.FromArray(new float[] { 0.7f, 0.6f, 0.2f }, 3, 1));
        Assert.Equal(1.0 / 3, binary.Result(), 10);

        var categorical = new CategoricalAccuracy();
        categorical.UpdateState(Tensor.FromArray(new float[] { 0, 1, 1, 0 }, 2, 2), Tensor.FromArray(new float[] { 0.3f, 0.7f, 0.4f, 0.6f }, 2, 2));
        Assert.Equal(0.5, categorical.Result(), 10);
    }

    [Fact]
    public void MeanIsWeighted()
    {
        var m = new SharpKeras.Metrics.Mean("loss");
        m.Update(1.0, 3);
        m.Update(3.0, 1);
        Assert.Equal(1.5, m.Result(), 10);
    }
}
