using SharpKeras.Losses;

namespace SharpKeras.Tests.Losses;

/// <summary>Finite-difference gradient checks of every loss with respect to its predictions.</summary>
public class LossGradientTests
{
    public static TheoryData<string> Names => ["mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_logarithmic_error", "huber", "log_cosh",
        "kl_divergence", "poisson", "hinge", "squared_hinge", "categorical_hinge", "cosine_similarity", "binary_focal_crossentropy",
        "categorical_focal_crossentropy", "dice", "tversky", "binary_crossentropy", "categorical_crossentropy", "mean_squared_error"];

    [Theory]
    [MemberData(nameof(Names))]
    public void GradientMatchesFiniteDifferences(string name)
    {
        var loss = Loss.Get(name);
        // Soft labels (0.9 / 0.1) keep every loss smooth and MAPE's denominators away from eps.
        var yTrue = Tensor.FromArray(new float[] { 0.9f, 0.1f, 0.1f, 0.1f, 0.9f, 0.1f, 0.1f, 0.1f, 0.9f, 0.1f, 0.9f, 0.1f }, 4, 3);
        var yPred = GradCheck.Random(5, 0.15f, 0.85f, 4, 3);
        GradCheck.Check(x => loss.Compute(yTrue, x[0]), [yPred], eps: 1e-3f);
    }

    [Fact]
    public void GeneralizedCrossEntropyGradientMatchesFiniteDifferences()
    {
        var loss = new CategoricalGeneralizedCrossEntropy(0.7);
        var labels = Tensor.FromArray(new int[] { 0, 2, 1, 1 });
        GradCheck.Check(x => loss.Call(labels, x[0]), [GradCheck.Random(6, 0.15f, 0.85f, 4, 3)], eps: 1e-3f);
    }

    [Fact]
    public void ReductionsFollowKeras()
    {
        var t = Tensor.FromArray(new float[] { 0, 1, 2, 3 }, 4, 1);
        var p = Tensor.FromArray(new float[] { 1, 1, 1, 1 }, 4, 1);
        var w = Tensor.FromArray(new float[] { 1, 0, 2, 1 });
        // |t - p| = 1, 0, 1, 2; weighted 1, 0, 2, 2 (sum 5, weights sum 4).
        Assert.Equal(5 / 4.0, new MeanAbsoluteError().Compute(t, p, w).Item(), 6);
        Assert.Equal(5.0, new MeanAbsoluteError("sum").Compute(t, p, w).Item(), 6);
        Assert.Equal(5.0 / 4, new MeanAbsoluteError("mean_with_sample_weight").Compute(t, p, w).Item(), 6);
        var w2 = Tensor.FromArray(new float[] { 2, 0, 2, 0 });
        Assert.Equal((2 + 2) / 4.0, new MeanAbsoluteError("mean_with_sample_weight").Compute(t, p, w2).Item(), 6);
        Assert.Equal([1f, 0f, 2f, 2f], new MeanAbsoluteError("none").Compute(t, p, w).ToArray());
        Assert.Throws<ArgumentException>(() => new MeanAbsoluteError("average"));
        // 0/1 labels become -1/+1 for the hinge losses; other labels are used as they are.
        var p2 = Tensor.FromArray(new float[] { 0.5f, -0.5f }, 1, 2);
        Assert.Equal((0.5 + 0.5) / 2, new Hinge().Compute(Tensor.FromArray(new float[] { 1, 0 }, 1, 2), p2).Item(), 6);
        Assert.Equal((0.5 + 1.25) / 2, new Hinge().Compute(Tensor.FromArray(new float[] { 1, 0.5f }, 1, 2), p2).Item(), 6);
    }
}
