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

/// <summary>Keras 3.11 docstring examples of metrics that losses_metrics.json does not cover.</summary>
public class KerasDocstringMetricTests
{
    private static Tensor V(params float[] v) => Tensor.FromArray(v, v.Length);

    [Fact]
    public void SensitivityAtSpecificityDocstring()
    {
        var m = new SensitivityAtSpecificity(0.5);
        m.UpdateState(V(0, 0, 0, 1, 1), V(0, 0.3f, 0.8f, 0.3f, 0.8f));
        Assert.Equal(0.5, m.Result(), 6);
        m.ResetState();
        m.UpdateState(V(0, 0, 0, 1, 1), V(0, 0.3f, 0.8f, 0.3f, 0.8f), V(1, 1, 2, 2, 1));
        Assert.Equal(0.333333, m.Result(), 5);
    }

    [Fact]
    public void SpecificityAtSensitivityDocstring()
    {
        var m = new SpecificityAtSensitivity(0.5);
        m.UpdateState(V(0, 0, 0, 1, 1), V(0, 0.3f, 0.8f, 0.3f, 0.8f));
        Assert.Equal(0.66666667, m.Result(), 5);
        m.ResetState();
        m.UpdateState(V(0, 0, 0, 1, 1), V(0, 0.3f, 0.8f, 0.3f, 0.8f), V(1, 1, 2, 2, 2));
        Assert.Equal(0.5, m.Result(), 6);
    }

    [Fact]
    public void PrecisionAtRecallDocstring()
    {
        var m = new PrecisionAtRecall(0.5);
        m.UpdateState(V(0, 0, 0, 1, 1), V(0, 0.3f, 0.8f, 0.3f, 0.8f));
        Assert.Equal(0.5, m.Result(), 6);
        m.ResetState();
        m.UpdateState(V(0, 0, 0, 1, 1), V(0, 0.3f, 0.8f, 0.3f, 0.8f), V(2, 2, 2, 1, 1));
        Assert.Equal(0.33333333, m.Result(), 5);
    }

    [Fact]
    public void RecallAtPrecisionDocstring()
    {
        var m = new RecallAtPrecision(0.8);
        m.UpdateState(V(0, 0, 1, 1), V(0, 0.5f, 0.3f, 0.9f));
        Assert.Equal(0.5, m.Result(), 6);
        m.ResetState();
        m.UpdateState(V(0, 0, 1, 1), V(0, 0.5f, 0.3f, 0.9f), V(1, 0, 0, 1));
        Assert.Equal(1.0, m.Result(), 6);
    }

    [Fact]
    public void PrecisionTopKAndRecallDocstrings()
    {
        var p = new Precision();
        p.UpdateState(V(0, 1, 1, 1), V(1, 0, 1, 1));
        Assert.Equal(0.6666667, p.Result(), 5);
        p.ResetState();
        p.UpdateState(V(0, 1, 1, 1), V(1, 0, 1, 1), V(0, 0, 1, 0));
        Assert.Equal(1.0, p.Result(), 6);
        var top = new Precision(topK: 2);
        top.UpdateState(V(0, 0, 1, 1), V(1, 1, 1, 1));
        Assert.Equal(0.0, top.Result(), 6);
        var top4 = new Precision(topK: 4);
        top4.UpdateState(V(0, 0, 1, 1), V(1, 1, 1, 1));
        Assert.Equal(0.5, top4.Result(), 6);
        var r = new Recall();
        r.UpdateState(V(0, 1, 1, 1), V(1, 0, 1, 1));
        Assert.Equal(0.6666667, r.Result(), 5);
    }

    [Fact]
    public void AucDocstring()
    {
        var m = new AUC(numThresholds: 3);
        m.UpdateState(V(0, 0, 1, 1), V(0, 0.5f, 0.3f, 0.9f));
        Assert.Equal(0.75, m.Result(), 6);
        m.ResetState();
        m.UpdateState(V(0, 0, 1, 1), V(0, 0.5f, 0.3f, 0.9f), V(1, 0, 0, 1));
        Assert.Equal(1.0, m.Result(), 6);
    }

    [Fact]
    public void CountsAndR2Docstrings()
    {
        var tp = new TruePositives();
        tp.UpdateState(V(0, 1, 1, 1), V(1, 0, 1, 1));
        Assert.Equal(2.0, tp.Result());
        var fn = new FalseNegatives();
        fn.UpdateState(V(0, 1, 1, 1), V(0, 1, 0, 0), V(0, 0, 1, 0));
        Assert.Equal(1.0, fn.Result());
        var r2 = new R2Score();
        r2.UpdateState(Tensor.FromArray(new float[] { 1, 4, 3 }, 3, 1), Tensor.FromArray(new float[] { 2, 4, 4 }, 3, 1));
        Assert.Equal(0.57142854, r2.Result(), 5);
    }

    [Fact]
    public void IoUDocstrings()
    {
        var iou = new IoU(2, [0]);
        iou.UpdateState(V(0, 0, 1, 1), V(0, 1, 0, 1));
        Assert.Equal(0.33333, iou.Result(), 4);
        iou.ResetState();
        iou.UpdateState(V(0, 0, 1, 1), V(0, 1, 0, 1), V(0.3f, 0.3f, 0.3f, 0.1f));
        // Keras's confusion matrix is integer: weights below 1 truncate to 0, leaving no valid class.
        Assert.Equal(0.0, iou.Result(), 6);
        var mean = new MeanIoU(2);
        mean.UpdateState(V(0, 0, 1, 1), V(0, 1, 0, 1));
        Assert.Equal(0.33333, mean.Result(), 4);
        var binary = new BinaryIoU([0, 1], 0.3);
        binary.UpdateState(V(0, 1, 0, 1), V(0.1f, 0.2f, 0.4f, 0.7f));
        Assert.Equal(0.33333, binary.Result(), 4);
        var oneHot = new OneHotIoU(3, [0, 2]);
        oneHot.UpdateState(Tensor.FromArray(new float[] { 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0 }, 4, 3),
            Tensor.FromArray(new float[] { 0.2f, 0.3f, 0.5f, 0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.1f, 0.1f, 0.4f, 0.5f }, 4, 3));
        // Keras's docstring inputs without its float sample weights (which the integer matrix truncates):
        // classes true [2, 0, 1, 0], predicted [2, 2, 0, 2]; IoU of class 0 is 0, of class 2 1/3.
        Assert.Equal(1.0 / 6, oneHot.Result(), 5);
        var oneHotMean = new OneHotMeanIoU(3);
        oneHotMean.UpdateState(Tensor.FromArray(new float[] { 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0 }, 4, 3),
            Tensor.FromArray(new float[] { 0.2f, 0.3f, 0.5f, 0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.1f, 0.1f, 0.4f, 0.5f }, 4, 3));
        Assert.Equal(1.0 / 9, oneHotMean.Result(), 5);
    }
}
