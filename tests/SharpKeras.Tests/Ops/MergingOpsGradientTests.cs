namespace SharpKeras.Tests.Operations;

/// <summary>Finite-difference checks of the ops merging layers use.</summary>
public class MergingOpsGradientTests
{
    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    public void ConcatenateGradient(int axis)
    {
        var a = GradCheck.Random(1, -1, 1, 2, 3, 2);
        var b = axis == 0 ? GradCheck.Random(2, -1, 1, 3, 3, 2) : axis == 1 ? GradCheck.Random(2, -1, 1, 2, 4, 2) : GradCheck.Random(2, -1, 1, 2, 3, 5);
        GradCheck.Check(x => SharpKeras.Ops.Concatenate(x, axis), [a, b]);
    }

    [Fact]
    public void ConcatenateValues()
    {
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.FromArray(new float[] { 5, 6 }, 2, 1);
        Assert.Equal([1, 2, 5, 3, 4, 6], SharpKeras.Ops.Concatenate([a, b], -1).ToArray());
        Assert.Throws<ArgumentException>(() => SharpKeras.Ops.Concatenate([a, b], 0));
    }

    [Fact]
    public void MaximumAndMinimumGradients()
    {
        // Values kept apart so that no finite-difference step crosses a tie.
        var a = Tensor.FromArray(new float[] { 0.5f, -1f, 2f, 0.1f, -0.7f, 1.3f }, 2, 3);
        var b = Tensor.FromArray(new float[] { -0.5f, 1f, 1f, 0.9f, -0.2f, 0.3f }, 2, 3);
        GradCheck.Check(x => SharpKeras.Ops.Maximum(x[0], x[1]), [a, b]);
        GradCheck.Check(x => SharpKeras.Ops.Minimum(x[0], x[1]), [a, b]);
        Assert.Equal([0.5f, 1f, 2f, 0.9f, -0.2f, 1.3f], SharpKeras.Ops.Maximum(a, b).ToArray());
        Assert.Equal([-0.5f, -1f, 1f, 0.1f, -0.7f, 0.3f], SharpKeras.Ops.Minimum(a, b).ToArray());
    }
}
