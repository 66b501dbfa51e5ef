namespace SharpKeras.Tests.Utils;

/// <summary>keras.utils.to_categorical and pad_sequences, on the cases of Keras's own docstrings and their edges.</summary>
public class KerasUtilsTests
{
    [Fact]
    public void ToCategoricalMatchesKerasDocstring()
    {
        // keras/src/utils/numerical_utils.py: to_categorical([0, 1, 2, 3], num_classes=4) is the 4x4 identity.
        var a = Keras.Utils.ToCategorical([0, 1, 2, 3], numClasses: 4);
        Assert.Equal(DType.Float32, a.DType);
        Assert.Equal(new Shape(4, 4), a.Shape);
        Assert.Equal([1f, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], a.ToArray());
    }

    [Fact]
    public void ToCategoricalInfersTheClassCountFromTheLargestLabel()
    {
        var a = Keras.Utils.ToCategorical([2, 0]);
        Assert.Equal(new Shape(2, 3), a.Shape);
        Assert.Equal([0f, 0, 1, 1, 0, 0], a.ToArray());
        Assert.Equal(new Shape(0, 0), Keras.Utils.ToCategorical([]).Shape);
    }

    [Fact]
    public void ToCategoricalRejectsLabelsOutsideTheClasses()
    {
        var e = Assert.Throws<ArgumentException>(() => Keras.Utils.ToCategorical([0, 3], numClasses: 3));
        Assert.Contains("labels[1] is 3", e.Message);
        Assert.Throws<ArgumentException>(() => Keras.Utils.ToCategorical([-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Keras.Utils.ToCategorical([0], numClasses: 0));
    }

    [Fact]
    public void ToCategoricalOfATensorKeepsItsShapeAsKeras()
    {
        // Keras drops a trailing axis of 1: labels of shape (3, 1) give (3, classes); (2, 2) gives (2, 2, classes).
        var column = Keras.Utils.ToCategorical(Tensor.FromArray(new byte[] { 1, 0, 2 }, 3, 1), 3);
        Assert.Equal(new Shape(3, 3), column.Shape);
        Assert.Equal([0f, 1, 0, 1, 0, 0, 0, 0, 1], column.ToArray());
        var grid = Keras.Utils.ToCategorical(Tensor.FromArray(new[] { 0, 1, 1, 0 }, 2, 2));
        Assert.Equal(new Shape(2, 2, 2), grid.Shape);
        Assert.Equal([1f, 0, 0, 1, 0, 1, 1, 0], grid.ToArray());
        Assert.Equal(new Shape(2, 4), Keras.Utils.ToCategorical(Tensor.FromArray(new[] { 3f, 1f }), 4).Shape);
        var e = Assert.Throws<ArgumentException>(() => Keras.Utils.ToCategorical(Tensor.FromArray(new[] { 0.5f })));
        Assert.Contains("whole class ids", e.Message);
    }

    private static readonly int[][] Sequence = [[1], [2, 3], [4, 5, 6]];

    [Fact]
    public void PadSequencesMatchesKerasDocstring()
    {
        // keras/src/utils/sequence_utils.py docstring, case by case.
        var p = Keras.Utils.PadSequences(Sequence);
        Assert.Equal(DType.Int32, p.DType);
        Assert.Equal(new Shape(3, 3), p.Shape);
        Assert.Equal([0, 0, 1, 0, 2, 3, 4, 5, 6], p.ToInt32Array());
        Assert.Equal([-1, -1, 1, -1, 2, 3, 4, 5, 6], Keras.Utils.PadSequences(Sequence, value: -1).ToInt32Array());
        Assert.Equal([1, 0, 0, 2, 3, 0, 4, 5, 6], Keras.Utils.PadSequences(Sequence, padding: "post").ToInt32Array());
        var cut = Keras.Utils.PadSequences(Sequence, maxlen: 2);
        Assert.Equal(new Shape(3, 2), cut.Shape);
        Assert.Equal([0, 1, 2, 3, 5, 6], cut.ToInt32Array());
    }

    [Fact]
    public void PadSequencesTruncatesAtTheEndAndCastsToTheDtype()
    {
        Assert.Equal([0, 1, 2, 3, 4, 5], Keras.Utils.PadSequences(Sequence, maxlen: 2, truncating: "post").ToInt32Array());
        var f = Keras.Utils.PadSequences(Sequence, maxlen: 4, dtype: "float32", padding: "post", value: 0.5);
        Assert.Equal(DType.Float32, f.DType);
        Assert.Equal([1f, 0.5f, 0.5f, 0.5f, 2, 3, 0.5f, 0.5f, 4, 5, 6, 0.5f], f.ToArray());
        // An empty sequence is all padding, as in Keras.
        Assert.Equal([9, 9, 9, 7], Keras.Utils.PadSequences([[], [7]], maxlen: 2, value: 9).ToInt32Array());
        Assert.Equal([9, 7], Keras.Utils.PadSequences([[], [7]], value: 9).ToInt32Array());
    }

    [Fact]
    public void PadSequencesRejectsUnknownModes()
    {
        var e = Assert.Throws<ArgumentException>(() => Keras.Utils.PadSequences(Sequence, padding: "middle"));
        Assert.Contains("padding", e.Message);
        Assert.Throws<ArgumentException>(() => Keras.Utils.PadSequences(Sequence, truncating: "both"));
        Assert.Throws<ArgumentException>(() => Keras.Utils.PadSequences(Sequence, dtype: "float64"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Keras.Utils.PadSequences(Sequence, maxlen: -1));
        Assert.Throws<ArgumentException>(() => Keras.Utils.PadSequences([[1], null!]));
    }
}
