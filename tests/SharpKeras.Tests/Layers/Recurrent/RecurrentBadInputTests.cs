using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Layers.Recurrent;

/// <summary>Wrong inputs to the recurrent layers fail with messages naming the layer and the shapes.</summary>
public class RecurrentBadInputTests
{
    [Fact]
    public void FloatIdsBeyondInputDimAreRejected()
    {
        // Float ids are truncated as Keras casts them (EmbeddingFloatIdsTests); one that truncates past inputDim is still refused.
        var layer = new Embedding(10, 4, name: "tokens");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Apply(Tensor.FromArray(new[] { 1f, 10.5f, 3f, 2f }, 2, 2)));
        Assert.Contains("\"tokens\"", e.Message);
        Assert.Contains("token id 10", e.Message);
        Assert.Contains("(2, 2)", e.Message);
    }

    [Fact]
    public void TokenIdsBeyondInputDimAreRejected()
    {
        var layer = new Embedding(10, 4, name: "tokens");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Apply(Tensor.FromArray(new[] { 1, 10, 3, 2 }, 2, 2)));
        Assert.Contains("\"tokens\"", e.Message);
        Assert.Contains("token id 10", e.Message);
        Assert.Contains("[0, 10)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Apply(Tensor.FromArray(new[] { -1, 0 }, 1, 2)));
    }

    [Fact]
    public void TwoDimensionalInputIntoAnRnnIsRejected()
    {
        var model = new Sequential([new LSTM(8, name: "encoder")]);
        var e = Assert.Throws<ArgumentException>(() => model.Predict(Tensor.Ones(new Shape(4, 6)), verbose: 0));
        Assert.Contains("\"encoder\"", e.Message);
        Assert.Contains("ndim=3", e.Message);
        Assert.Contains(", 6)", e.Message);
        var built = new GRU(8, name: "gru_a");
        built.Apply(Tensor.Ones(new Shape(2, 3, 5)));
        var wrongFeatures = Assert.Throws<ArgumentException>(() => built.Apply(Tensor.Ones(new Shape(2, 3, 4))));
        Assert.Contains("features=5", wrongFeatures.Message);
    }

    [Fact]
    public void InitialStatesThatDoNotMatchUnitsAreRejected()
    {
        var lstm = new LSTM(8, name: "decoder");
        var x = Tensor.Ones(new Shape(2, 3, 5));
        var e = Assert.Throws<ArgumentException>(() => lstm.Apply(x, [Tensor.Zeros(new Shape(2, 6)), Tensor.Zeros(new Shape(2, 8))]));
        Assert.Contains("\"decoder\"", e.Message);
        Assert.Contains("(2, 6)", e.Message);
        Assert.Contains("(2, 8)", e.Message);
        var count = Assert.Throws<ArgumentException>(() => lstm.Apply(x, [Tensor.Zeros(new Shape(2, 8))]));
        Assert.Contains("expects 2 initial state(s) but got 1", count.Message);
    }

    [Fact]
    public void BadConstructorArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LSTM(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GRU(4, dropout: 1.0));
        Assert.Throws<ArgumentException>(() => new LSTM(4, stateful: true));
        Assert.Throws<ArgumentException>(() => new Bidirectional(new LSTM(4), "max"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RepeatVector(0));
    }
}
