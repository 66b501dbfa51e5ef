using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using SharpKeras.Datasets;
using SharpKeras.Utils;

namespace SharpKeras.Tests.Datasets;

/// <summary>IMDB, Reuters, CIFAR-10 (python version), CIFAR-100, Boston and California housing on small files the test writes in Keras's formats.</summary>
public sealed class KerasDatasetsTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sharpkeras-kds-" + Guid.NewGuid().ToString("N"));

    public KerasDatasetsTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private KerasCache.Places NoDownload => new([_dir], false, _dir);

    private static readonly int[][] TrainSeqs = [[1, 2, 3], [4, 5, 6, 7, 8], [9], [2, 2], [7, 1, 4, 4], [3, 9, 9, 9, 9, 9]];
    private static readonly int[][] TestSeqs = [[5, 5], [1, 2, 3, 4, 5, 6, 7], [8], [6, 1]];

    private string WriteImdb()
    {
        var path = Path.Combine(_dir, "imdb.npz");
        PickleWriter.Npz(path,
            ("x_train", PickleWriter.SequencesNpy(TrainSeqs)), ("y_train", PickleWriter.Int64Npy([1, 0, 1, 0, 1, 0])),
            ("x_test", PickleWriter.SequencesNpy(TestSeqs)), ("y_test", PickleWriter.Int64Npy([0, 1, 1, 0])));
        return path;
    }

    [Fact]
    public void ImdbLoadsShufflesAndMarksAsKeras()
    {
        var path = WriteImdb();
        var ((xTrain, yTrain), (xTest, yTest)) = Imdb.LoadData(path, download: false);
        // Keras: one RandomState(113) shuffles the training set, then the test set.
        var rng = new NumpyRandomState(113);
        var trainOrder = rng.Permutation(6);
        var testOrder = rng.Permutation(4);
        Assert.Equal(6, xTrain.Length);
        Assert.Equal(new[] { 1, 0, 1, 0, 1, 0 }.Let(l => trainOrder.Select(i => l[i])), yTrain.ToInt32Array());
        Assert.Equal(new[] { 0, 1, 1, 0 }.Let(l => testOrder.Select(i => l[i])), yTest.ToInt32Array());
        // Start mark 1, ids + 3; without numWords the limit is the largest id (12 here), which Keras's rule maps to oov 2.
        for (int k = 0; k < 6; k++)
        {
            var expected = new[] { 1 }.Concat(TrainSeqs[trainOrder[k]].Select(w => w + 3 < 12 ? w + 3 : 2));
            Assert.Equal(expected, xTrain[k]);
        }
        Assert.Equal(new[] { 1 }.Concat(TestSeqs[testOrder[0]].Select(w => w + 3 < 12 ? w + 3 : 2)), xTest[0]);
    }

    [Fact]
    public void ImdbNumWordsSkipTopMaxlenAndOovFollowKeras()
    {
        var path = WriteImdb();
        var ((xTrain, _), (xTest, _)) = Imdb.LoadData(path, numWords: 8, skipTop: 2, seed: 1, download: false);
        Assert.All(xTrain.Concat(xTest).SelectMany(s => s), w => Assert.True(w == 2 || (w >= 2 && w < 8), $"id {w}"));
        // start_char 1 is below skipTop 2, so Keras turns it into oov as well.
        Assert.All(xTrain, s => Assert.Equal(2, s[0]));
        // maxlen keeps sequences strictly shorter than maxlen, counting the start mark.
        var ((shortTrain, yShort), (shortTest, _)) = Imdb.LoadData(path, maxlen: 4, download: false);
        Assert.All(shortTrain.Concat(shortTest), s => Assert.True(s.Length < 4));
        // Marked lengths 4, 6, 2, 3, 5, 7 (train) and 3, 8, 2, 3 (test): 2 and 3 sequences stay.
        Assert.Equal(2, shortTrain.Length);
        Assert.Equal(2, yShort.Shape[0]);
        Assert.Equal(3, shortTest.Length);
        // Without an oov char, cut words are dropped.
        var ((dropped, _), _) = Imdb.LoadData(path, numWords: 6, oovChar: null, startChar: null, indexFrom: 0, download: false);
        Assert.All(dropped.SelectMany(s => s), w => Assert.InRange(w, 0, 5));
        Assert.Throws<ArgumentException>(() => Imdb.LoadData(path, maxlen: 1, download: false));
    }

    [Fact]
    public void WordIndexAndLabelNames()
    {
        var json = Path.Combine(_dir, "imdb_word_index.json");
        File.WriteAllText(json, "{\"the\": 1, \"and\": 2, \"caf\\u00e9\": 3}");
        var index = Imdb.GetWordIndex(json, download: false);
        Assert.Equal(1, index["the"]);
        Assert.Equal(3, index["café"]);
        File.WriteAllText(json, "{\"the\": \"x\"}");
        Assert.Contains("the", Assert.Throws<InvalidDataException>(() => Reuters.GetWordIndex(json, download: false)).Message);
        Assert.Equal(46, Reuters.GetLabelNames().Count);
        Assert.Equal("cocoa", Reuters.GetLabelNames()[0]);
        Assert.Equal("lead", Reuters.GetLabelNames()[45]);
    }

    [Fact]
    public void ReutersShufflesThenSplits()
    {
        var path = Path.Combine(_dir, "reuters.npz");
        int[][] all = [.. TrainSeqs, .. TestSeqs];
        PickleWriter.Npz(path, ("x", PickleWriter.SequencesNpy(all)), ("y", PickleWriter.Int64Npy([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])));
        var ((xTrain, yTrain), (xTest, yTest)) = Reuters.LoadData(path, testSplit: 0.3, download: false);
        var order = new NumpyRandomState(113).Permutation(10);
        Assert.Equal(order.Take(7), yTrain.ToInt32Array());
        Assert.Equal(order.Skip(7), yTest.ToInt32Array());
        Assert.Equal(new[] { 1 }.Concat(all[order[7]].Select(w => w + 3 < 12 ? w + 3 : 2)), xTest[0]);
        Assert.Equal(7, xTrain.Length);
    }

    /// <summary>A CIFAR batch pickled as the original Python 2 files: data uint8 (n, 3072), labels list, batch_label, filenames.</summary>
    private static byte[] CifarBatch(int n, int seed, string labelKey, int classes, string? coarseKey = null)
    {
        var data = new byte[n * 3072];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 7 + seed);
        }
        var w = new PickleWriter(py2: true);
        w.Op('}').Put().Op('(');
        w.Str("batch_label").Str($"training batch {seed}");
        w.Str(labelKey).IntList(Enumerable.Range(0, n).Select(i => (i + seed) % classes));
        if (coarseKey is not null)
        {
            w.Str(coarseKey).IntList(Enumerable.Range(0, n).Select(i => (i + seed) % 20));
        }
        w.Str("data").NdArray([n, 3072], "u1", '|', p => p.Bytes(data));
        w.Str("filenames").Op(']').Put().Op('(').Str("a.png").Op('e');
        w.Op('u');
        return w.Finish();
    }

    private static readonly string[] CifarNames = ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"];

    [Fact]
    public void Cifar10ReadsKerasPythonCacheFolderAndArchive()
    {
        var folder = Path.Combine(_dir, "cifar-10-batches-py-target", "cifar-10-batches-py");
        Directory.CreateDirectory(folder);
        for (int f = 0; f < 6; f++)
        {
            File.WriteAllBytes(Path.Combine(folder, CifarNames[f]), CifarBatch(2, f, "labels", 10));
        }
        var ((xTrain, yTrain), (xTest, yTest)) = Cifar10.Load(null, NoDownload);
        Assert.Equal(new Shape(10, 32, 32, 3), xTrain.Shape);
        Assert.Equal(DType.UInt8, xTrain.DType);
        Assert.Equal(new Shape(10, 1), yTrain.Shape);
        Assert.Equal(new Shape(2, 32, 32, 3), xTest.Shape);
        Assert.Equal(new[] { 5, 6 }, yTest.ToInt32Array());
        Assert.Equal(new[] { 0, 1, 1, 2, 2, 3, 3, 4, 4, 5 }, yTrain.ToInt32Array());
        // Channels last: pixel p of channel c of image r in batch f is stored at r*3072 + c*1024 + p.
        var pixels = xTrain.ToByteArray();
        int image = 3, pixel = 37, channel = 2, batch = 1, row = 1;
        Assert.Equal((byte)((row * 3072 + channel * 1024 + pixel) * 7 + batch), pixels[image * 3072 + pixel * 3 + channel]);

        // The same from the downloaded archive (Keras 3's name), read without extracting.
        Directory.Delete(Path.Combine(_dir, "cifar-10-batches-py-target"), recursive: true);
        var archive = Path.Combine(_dir, "cifar-10-batches-py-target_archive");
        using (var fs = File.Create(archive))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gz))
        {
            for (int f = 0; f < 6; f++)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "cifar-10-batches-py/" + CifarNames[f]) { DataStream = new MemoryStream(CifarBatch(2, f, "labels", 10)) });
            }
        }
        var ((xa, ya), _) = Cifar10.Load(null, NoDownload);
        Assert.Equal(xTrain.ToByteArray(), xa.ToByteArray());
        Assert.Equal(yTrain.ToInt32Array(), ya.ToInt32Array());
        Assert.Equal(xTrain.ToByteArray(), Cifar10.LoadData(archive).Item1.XTrain.ToByteArray());

        File.Delete(archive);
        var missing = Assert.Throws<FileNotFoundException>(() => Cifar10.Load(null, NoDownload));
        Assert.Contains("cifar-10-batches-py-target_archive", missing.Message);
        Assert.Contains("Downloads are disabled", missing.Message);
    }

    [Fact]
    public void Cifar100FineAndCoarseLabels()
    {
        var folder = Path.Combine(_dir, "cifar-100-python");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "train"), CifarBatch(3, 90, "fine_labels", 100, "coarse_labels"));
        File.WriteAllBytes(Path.Combine(folder, "test"), CifarBatch(2, 5, "fine_labels", 100, "coarse_labels"));
        var ((xTrain, fine), (_, fineTest)) = Cifar100.Load("fine", null, NoDownload);
        Assert.Equal(new Shape(3, 32, 32, 3), xTrain.Shape);
        Assert.Equal(new[] { 90, 91, 92 }, fine.ToInt32Array());
        Assert.Equal(new Shape(2, 1), fineTest.Shape);
        var ((_, coarse), _) = Cifar100.Load("coarse", _dir, NoDownload);
        Assert.Equal(new[] { 10, 11, 12 }, coarse.ToInt32Array());
        Assert.Throws<ArgumentException>(() => Cifar100.Load("medium", null, NoDownload));
    }

    [Fact]
    public void PicklesAreReadSafely()
    {
        var folder = Path.Combine(_dir, "cifar-10-batches-py");
        Directory.CreateDirectory(folder);
        for (int f = 0; f < 6; f++)
        {
            File.WriteAllBytes(Path.Combine(folder, CifarNames[f]), CifarBatch(2, f, "labels", 10));
        }
        // A global outside numpy's array rebuilders is refused, never looked up.
        var evil = new PickleWriter(py2: false).Global("os", "system").Str("echo hi").Raw(0x85).Op('R').Finish();
        File.WriteAllBytes(Path.Combine(folder, "data_batch_3"), evil);
        var e = Assert.Throws<InvalidDataException>(() => Cifar10.Load(folder, NoDownload));
        Assert.Contains("os.system", e.Message);
        // A truncated batch, and a length field larger than the file.
        var good = CifarBatch(2, 2, "labels", 10);
        File.WriteAllBytes(Path.Combine(folder, "data_batch_3"), good[..(good.Length / 2)]);
        Assert.Contains("data_batch_3", Assert.Throws<InvalidDataException>(() => Cifar10.Load(folder, NoDownload)).Message);
        File.WriteAllBytes(Path.Combine(folder, "data_batch_3"), [0x80, 2, (byte)'T', 0xff, 0xff, 0xff, 0x7f, 1, 2]);
        Assert.Contains("remain", Assert.Throws<InvalidDataException>(() => Cifar10.Load(folder, NoDownload)).Message);
        // Labels out of range.
        File.WriteAllBytes(Path.Combine(folder, "data_batch_3"), CifarBatch(12, 2, "labels", 30));
        Assert.Contains("label", Assert.Throws<InvalidDataException>(() => Cifar10.Load(folder, NoDownload)).Message);
    }

    private string WriteHousing(string name, int n, int features)
    {
        var path = Path.Combine(_dir, name);
        var x = Enumerable.Range(0, n * features).Select(i => i / (double)features).ToArray();
        var y = Enumerable.Range(0, n).Select(i => 1000.0 * i).ToArray();
        PickleWriter.Npz(path, ("x", PickleWriter.Float64Npy(x, [n, features])), ("y", PickleWriter.Float64Npy(y, [n])));
        return path;
    }

    [Fact]
    public void HousingSetsShuffleAndSplitAsKeras()
    {
        var boston = WriteHousing("boston_housing.npz", 20, 13);
        var ((xTrain, yTrain), (xTest, yTest)) = BostonHousing.LoadData(boston, download: false);
        var order = new NumpyRandomState(113).Permutation(20);
        Assert.Equal(new Shape(16, 13), xTrain.Shape);
        Assert.Equal(new Shape(4, 13), xTest.Shape);
        Assert.Equal(order.Take(16).Select(i => 1000f * i), yTrain.ToArray());
        Assert.Equal(order.Skip(16).Select(i => 1000f * i), yTest.ToArray());
        Assert.Equal((float)order[0], xTrain[0, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => BostonHousing.LoadData(boston, testSplit: 1, download: false));

        var california = WriteHousing("california_housing.npz", 700, 8);
        var ((small, _), (smallTest, _)) = CaliforniaHousing.LoadData("small", california, testSplit: 0.25, seed: 7, download: false);
        Assert.Equal(450, small.Shape[0]);
        Assert.Equal(150, smallTest.Shape[0]);
        Assert.True(small.ToArray().All(v => v < 600));
        var ((large, _), _) = CaliforniaHousing.LoadData(path: california, download: false);
        Assert.Equal(560, large.Shape[0]);
        Assert.Throws<ArgumentException>(() => CaliforniaHousing.LoadData("medium", california, download: false));
        var missing = Assert.Throws<FileNotFoundException>(() => KerasCache.Locate("Boston housing", "nothing.npz", ["nothing.npz"], "http://unused", "00", "hint", NoDownload));
        Assert.Contains(Path.Combine(_dir, "nothing.npz"), missing.Message);
    }
}

internal static class LetExtensions
{
    public static TResult Let<T, TResult>(this T value, Func<T, TResult> f) => f(value);
}
