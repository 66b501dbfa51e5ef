using SharpKeras.Data;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Utils;

namespace SharpKeras.Tests.Utils;

/// <summary>keras.utils.normalize, split_dataset, timeseries_dataset_from_array; keras.random truncated_normal and shuffle; NumPy's RandomState as Keras's loaders use it.</summary>
public class DataUtilsTests
{
    [Fact]
    public void NormalizeDividesBySliceNorms()
    {
        var x = Tensor.FromArray(new float[] { 3, 4, 0, 0, 1, -1 }, 3, 2);
        Assert.Equal(new[] { 0.6f, 0.8f, 0f, 0f, 1 / MathF.Sqrt(2), -1 / MathF.Sqrt(2) }, Keras.Utils.Normalize(x).ToArray());
        Assert.Equal(new[] { 3f / 7, 4f / 7, 0, 0, 0.5f, -0.5f }, Keras.Utils.Normalize(x, order: 1).ToArray());
        // axis 0: columns (3, 0, 1) and (4, 0, -1).
        var cols = Keras.Utils.Normalize(x, axis: 0).ToArray();
        Assert.Equal(3 / MathF.Sqrt(10), cols[0], 6);
        Assert.Equal(-1 / MathF.Sqrt(17), cols[5], 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => Keras.Utils.Normalize(x, axis: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Keras.Utils.Normalize(x, order: 0));
    }

    [Fact]
    public void SplitDatasetFollowsKerasSizes()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), 10, 1);
        var y = Tensor.FromArray(Enumerable.Range(0, 10).ToArray());
        var ((xl, yl), (xr, yr)) = Keras.Utils.SplitDataset((x, y), leftSize: 0.8);
        Assert.Equal(new[] { 0f, 1, 2, 3, 4, 5, 6, 7 }, xl.ToArray());
        Assert.Equal(new[] { 8, 9 }, yr.ToInt32Array());
        Assert.Equal(8, yl.Shape[0]);
        Assert.Equal(2, xr.Shape[0]);
        // Counts, and a right part taken from the end.
        var (l, r) = Keras.Utils.SplitDataset(x, leftSize: 3, rightSize: 2);
        Assert.Equal(new[] { 0f, 1, 2 }, l.ToArray());
        Assert.Equal(new[] { 8f, 9 }, r.ToArray());
        // Python's round: 0.25 * 10 = 2.5 rounds to 2.
        Assert.Equal(2, Keras.Utils.SplitDataset(x, leftSize: 0.25).Left.Shape[0]);
        var (sl, sr) = Keras.Utils.SplitDataset(x, rightSize: 0.5, shuffle: true, seed: 1);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), sl.ToArray().Concat(sr.ToArray()).Order());
        Assert.NotEqual(new[] { 0f, 1, 2, 3, 4 }, sl.ToArray());
        Assert.Throws<ArgumentException>(() => Keras.Utils.SplitDataset(x));
        Assert.Throws<ArgumentOutOfRangeException>(() => Keras.Utils.SplitDataset(x, leftSize: 10));
        Assert.Throws<ArgumentException>(() => Keras.Utils.SplitDataset(x, leftSize: 0.7, rightSize: 0.5));
    }

    [Fact]
    public void TimeseriesDatasetFromArrayMatchesKerasDocstringExamples()
    {
        // Example 1: indices [0..98], sequence_length 10, sampling_rate 2, sequence_stride 3:
        // [0 2 .. 18], [3 5 .. 21], [6 8 .. 24], ..., last [78 80 .. 96].
        var indices = Tensor.FromArray(Enumerable.Range(0, 99).Select(i => (float)i).ToArray(), 99);
        var ex1 = Keras.Utils.TimeseriesDatasetFromArray(indices, null, sequenceLength: 10, sequenceStride: 3, samplingRate: 2);
        Assert.Equal(27, ex1.Samples);
        var (w, none) = ex1[0];
        Assert.Null(none);
        Assert.Equal(new Shape(27, 10), w.Shape);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)(2 * i)), w.ToArray().Take(10));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)(3 + 2 * i)), w.ToArray().Skip(10).Take(10));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)(78 + 2 * i)), w.ToArray().TakeLast(10));
        // Example 2: input_data = data[:-10], targets = data[10:], sequence_length 10: the first window is
        // data[0..9] with target data[10].
        var input = Tensor.FromArray(Enumerable.Range(0, 90).Select(i => (float)i).ToArray(), 90, 1);
        var targets = Tensor.FromArray(Enumerable.Range(10, 90).Select(i => (float)i).ToArray(), 90, 1);
        var ds = Keras.Utils.TimeseriesDatasetFromArray(input, targets, sequenceLength: 10, batchSize: 32);
        Assert.Equal(81, ds.Samples);
        Assert.Equal(3, ds.Length);
        var (x, y) = ds[0];
        Assert.Equal(new Shape(32, 10, 1), x.Shape);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (float)i), x.ToArray().Take(10));
        Assert.Equal(10f, y![0, 0]);
        var (last, lastY) = ds[2];
        Assert.Equal(17, last.Shape[0]);
        Assert.Equal(Enumerable.Range(80, 10).Select(i => (float)i), last.ToArray().TakeLast(10));
        Assert.Equal(90f, lastY![16, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Keras.Utils.TimeseriesDatasetFromArray(input, targets, 10, samplingRate: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds[3]);
    }

    [Fact]
    public void TimeseriesDatasetShufflesAsNumpyAndTrains()
    {
        var data = Tensor.FromArray(Enumerable.Range(0, 14).Select(i => (float)i).ToArray(), 14, 1);
        var ds = Keras.Utils.TimeseriesDatasetFromArray(data, data, sequenceLength: 5, batchSize: 10, shuffle: true, seed: 0);
        // 10 windows; numpy RandomState(0).shuffle(arange(10)) gives [2, 8, 4, 9, 1, 6, 7, 3, 0, 5].
        Assert.Equal(new[] { 2f, 8, 4, 9, 1, 6, 7, 3, 0, 5 }, ds[0].Y![0].ToArray());
        Config.SetRandomSeed(1);
        var model = new Sequential([Keras.Input([5, 1]), new Flatten(), new Dense(1)]);
        model.Compile("adam", "mean_squared_error");
        var history = model.Fit(ds, epochs: 2, verbose: 0);
        Assert.Equal(2, history["loss"].Count);
    }

    [Fact]
    public void NumpyRandomStateMatchesNumpy()
    {
        // np.random.RandomState(0).random_sample() and RandomState(42).random_sample().
        Assert.Equal(0.5488135039273248, new NumpyRandomState(0).NextDouble());
        Assert.Equal(0.3745401188473625, new NumpyRandomState(42).NextDouble());
        // np.random.RandomState(0).permutation(10).
        Assert.Equal(new[] { 2, 8, 4, 9, 1, 6, 7, 3, 0, 5 }, new NumpyRandomState(0).Permutation(10));
    }

    [Fact]
    public void TruncatedNormalStaysWithinTwoStddevs()
    {
        var t = Keras.Random.TruncatedNormal([20000], mean: 1, stddev: 0.5, seed: 3).ToArray();
        Assert.All(t, v => Assert.InRange(v, 0f, 2f));
        double mean = t.Average();
        double sd = Math.Sqrt(t.Select(v => (v - mean) * (v - mean)).Average());
        Assert.Equal(1.0, mean, 1);
        // A normal truncated at 2 sigma keeps 0.8796 of its standard deviation.
        Assert.InRange(sd, 0.5 * 0.86, 0.5 * 0.90);
        Assert.Equal(t, Keras.Random.TruncatedNormal([20000], mean: 1, stddev: 0.5, seed: 3).ToArray());
    }

    [Fact]
    public void ShufflePermutesSlicesAlongTheAxis()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 12).ToArray(), 3, 4);
        var rows = Keras.Random.Shuffle(x, seed: 5).ToInt32Array();
        var rowStarts = Enumerable.Range(0, 3).Select(r => rows[r * 4]).ToArray();
        Assert.Equal(new[] { 0, 4, 8 }, rowStarts.Order());
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(Enumerable.Range(rowStarts[r], 4), rows.Skip(r * 4).Take(4));
        }
        var cols = Keras.Random.Shuffle(x, axis: 1, seed: 5);
        Assert.Equal(DType.Int32, cols.DType);
        var c = cols.ToInt32Array();
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(Enumerable.Range(r * 4, 4), c.Skip(r * 4).Take(4).Order());
            Assert.Equal(c[0] % 4, c[r * 4] % 4);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => Keras.Random.Shuffle(x, axis: 2));
    }
}
