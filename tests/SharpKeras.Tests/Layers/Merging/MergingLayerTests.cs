using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Layers.Merging;

/// <summary>Merging layers compute Keras's values and shapes, train through their gradients, and reject bad calls.</summary>
public class MergingLayerTests
{
    private static readonly Tensor A = Tensor.FromArray(new float[] { 1, -2, 3, 0.5f, 4, -1 }, 2, 3);
    private static readonly Tensor B = Tensor.FromArray(new float[] { 2, 2, -1, 0.5f, -4, 3 }, 2, 3);

    [Fact]
    public void ElementwiseMergesMatchKeras()
    {
        Assert.Equal([3, 0, 2, 1, 0, 2], new Add().Apply([A, B]).ToArray());
        Assert.Equal([-1, -4, 4, 0, 8, -4], new Subtract().Apply([A, B]).ToArray());
        Assert.Equal([2, -4, -3, 0.25f, -16, -3], new Multiply().Apply([A, B]).ToArray());
        Assert.Equal([1.5f, 0, 1, 0.5f, 0, 1], new Average().Apply([A, B]).ToArray());
        Assert.Equal([2, 2, 3, 0.5f, 4, 3], new Maximum().Apply([A, B]).ToArray());
        Assert.Equal([1, -2, -1, 0.5f, -4, -1], new Minimum().Apply([A, B]).ToArray());
        Assert.Equal([4, 1, 3, 2, 1, 3], new Add().Apply([A, B, Tensor.Ones(new Shape(2, 3))]).ToArray());
    }

    [Fact]
    public void DotAndConcatenate()
    {
        Assert.Equal([-5, -18.75f], new Dot(1).Apply([A, B]).ToArray());
        var cos = new Dot(-1, normalize: true).Apply([A, A]).ToArray();
        Assert.Equal(1f, cos[0], 5);
        var c = new Concatenate().Apply([A, B]);
        Assert.Equal(new Shape(2, 6), c.Shape);
        Assert.Equal(new Shape(4, 3), new Concatenate(axis: 0).Apply([A, B]).Shape);
    }

    [Fact]
    public void SymbolicShapesAndErrors()
    {
        var a = Keras.Input([4]);
        var b = Keras.Input([4]);
        var c = Keras.Input([2]);
        Assert.Equal(new Shape(-1, 4), new Add().Apply([a, b]).Shape);
        Assert.Equal(new Shape(-1, 6), new Concatenate().Apply([a, c]).Shape);
        Assert.Equal(new Shape(-1, 1), new Dot(1).Apply([a, b]).Shape);
        var add = Assert.Throws<ArgumentException>(() => new Add(name: "bad_add").Apply([a, c]));
        Assert.Contains("bad_add", add.Message);
        Assert.Throws<ArgumentException>(() => new Subtract().Apply([a, b, b]));
        var single = Assert.Throws<ArgumentException>(() => new Add().Apply(a));
        Assert.Contains("list of inputs", single.Message);
        Assert.Throws<ArgumentException>(() => new Dot(1).Apply([a, c]));
        Assert.Throws<ArgumentException>(() => new Concatenate(axis: 0).Apply([Keras.Input([2, 3]), Keras.Input([4, 3])]).Shape.ToString());
    }

    [Fact]
    public void GradientsFlowThroughEveryMergeToBothBranches()
    {
        foreach (var merge in new Func<Merge>[] { () => new Add(), () => new Subtract(), () => new Multiply(), () => new Average(),
            () => new Maximum(), () => new Minimum(), () => new Concatenate() })
        {
            var a = Keras.Input([3]);
            var b = Keras.Input([3]);
            var da = new Dense(3);
            var db = new Dense(3);
            var m = merge();
            var model = new Model([a, b], new Dense(1).Apply(m.Apply([da.Apply(a), db.Apply(b)])));
            var x = new[] { GradCheck.Random(1, -1, 1, 5, 3), GradCheck.Random(2, -1, 1, 5, 3) };
            var weights = model.TrainableWeights;
            using var tape = new GradientTape();
            foreach (var w in weights)
            {
                tape.Watch(w.Value);
            }
            var loss = SharpKeras.Ops.Sum(SharpKeras.Ops.Square(model.CallOutputs(x, training: true)[0]));
            var grads = tape.Gradient(loss, [.. weights.Select(w => w.Value)]);
            Assert.All(grads, g => Assert.NotNull(g));
            Assert.Contains(grads[0]!.ToArray(), v => v != 0);
            Assert.Contains(grads[2]!.ToArray(), v => v != 0);
        }
    }
}
