using SharpKeras.Datasets;

namespace SharpKeras.Tests.Datasets;

public class FashionMnistTests
{
    private static void AssertImages(Tensor x, int n, int rows, int cols)
    {
        Assert.Equal(DType.UInt8, x.DType);
        Assert.Equal(new Shape(n, rows, cols), x.Shape);
        var bytes = x.ToByteArray();
        for (int i = 0, k = 0; i < n; i++)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    Assert.Equal(IdxTestFiles.Pixel(i, r, c), bytes[k++]);
                }
            }
        }
    }

    private static void AssertLabels(Tensor y, int n)
    {
        Assert.Equal(DType.UInt8, y.DType);
        Assert.Equal(new Shape(n), y.Shape);
        Assert.Equal(Enumerable.Range(0, n).Select(IdxTestFiles.Label).ToArray(), y.ToByteArray());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LoadsIdxFilesFromExplicitPath(bool gzip)
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip, nTrain: 3, nTest: 2, testRows: 2, testCols: 2);

        var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData(files.Dir, download: false);

        AssertImages(xTrain, 3, 28, 28);
        AssertLabels(yTrain, 3);
        AssertImages(xTest, 2, 2, 2);
        AssertLabels(yTest, 2);
        Assert.Equal(IdxTestFiles.Pixel(1, 5, 7), xTrain[1, 5, 7]);
    }

    [Fact]
    public void AcceptsAMixOfGzipAndRawFiles()
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.Write(files.Dir, "train-images-idx3-ubyte", IdxTestFiles.Images(3, 4, 5), gzip: true);
        IdxTestFiles.Write(files.Dir, "train-labels-idx1-ubyte", IdxTestFiles.Labels(3), gzip: false);
        IdxTestFiles.Write(files.Dir, "t10k-images-idx3-ubyte", IdxTestFiles.Images(1, 4, 5), gzip: false);
        IdxTestFiles.Write(files.Dir, "t10k-labels-idx1-ubyte", IdxTestFiles.Labels(1), gzip: true);

        var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData(files.Dir, download: false);

        AssertImages(xTrain, 3, 4, 5);
        AssertLabels(yTrain, 3);
        AssertImages(xTest, 1, 4, 5);
        AssertLabels(yTest, 1);
    }

    [Fact]
    public void ExplicitPathMayBeTheParentOfAFashionMnistFolder()
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Sub("fashion-mnist"), gzip: true);

        var ((xTrain, _), _) = FashionMnist.LoadData(files.Dir, download: false);

        Assert.Equal(new Shape(3, 28, 28), xTrain.Shape);
    }

    [Fact]
    public void SearchesRootsInOrderAndTakesTheFirstThatHasTheData()
    {
        using var files = new IdxTestFiles();
        var empty = files.Sub("empty");
        var first = files.Sub("first");
        var second = files.Sub("second");
        var d1 = files.Sub("first", "fashion-mnist");
        var d2 = files.Sub("second", "fashion-mnist");
        IdxTestFiles.WriteSet(d1, gzip: true, nTrain: 4);
        IdxTestFiles.WriteSet(d2, gzip: false, nTrain: 5);

        var ((xTrain, _), _) = FashionMnist.Load(null, [empty, first, second], download: false, files.Sub("dl"));
        Assert.Equal(4, xTrain.Shape[0]);

        Assert.Equal(d1, FashionMnist.FindLocal([empty, first, second]));
        Assert.Null(FashionMnist.FindLocal([empty]));
    }

    [Fact]
    public void NothingFoundWithDownloadsDisabledSaysWhereItLookedAndHowToGetTheData()
    {
        using var files = new IdxTestFiles();
        var a = files.Sub("a");
        var b = files.Sub("b");

        var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(null, [a, b], download: false, files.Sub("dl")));

        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
        Assert.Contains(Path.Combine(a, "fashion-mnist"), ex.Message);
        Assert.Contains(Path.Combine(b, "fashion-mnist"), ex.Message);
        Assert.Contains("train-images-idx3-ubyte.gz", ex.Message);
        Assert.Contains("Downloads are disabled", ex.Message);
        Assert.Contains("~/.keras/datasets/fashion-mnist", ex.Message);
    }

    [Fact]
    public void MissingExplicitDirectoryGivesAHelpfulError()
    {
        using var files = new IdxTestFiles();
        var missing = Path.Combine(files.Dir, "does-not-exist");

        var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadData(missing, download: false));

        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
        Assert.Contains(missing, ex.Message);
    }

    [Fact]
    public void PartialSetNamesTheMissingFile()
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip: true);
        File.Delete(Path.Combine(files.Dir, "t10k-labels-idx1-ubyte.gz"));

        var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadData(files.Dir, download: false));

        Assert.Contains(Path.Combine(files.Dir, "t10k-labels-idx1-ubyte.gz"), ex.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TruncatedImagesNameTheFileAndTheByteCounts(bool gzip)
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip);
        var raw = IdxTestFiles.Images(3, 28, 28);
        var path = IdxTestFiles.Write(files.Dir, "train-images-idx3-ubyte", raw[..^100], gzip);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadData(files.Dir, download: false));

        Assert.Contains(path, ex.Message);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("2,352", ex.Message); // 3 * 28 * 28 expected
        Assert.Contains("2,252", ex.Message); // found
        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
    }

    [Fact]
    public void TruncatedHeaderIsReported()
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip: false);
        var path = IdxTestFiles.Write(files.Dir, "train-images-idx3-ubyte", IdxTestFiles.Images(3, 28, 28)[..10], gzip: false);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadData(files.Dir, download: false));

        Assert.Contains(path, ex.Message);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("16-byte", ex.Message);
    }

    [Fact]
    public void TrailingBytesAreReported()
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip: true);
        var path = IdxTestFiles.Write(files.Dir, "t10k-labels-idx1-ubyte", [.. IdxTestFiles.Labels(2), 9, 9, 9], gzip: true);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadData(files.Dir, download: false));

        Assert.Contains(path, ex.Message);
        Assert.Contains("3 extra", ex.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WrongMagicNamesTheFileAndBothNumbers(bool gzip)
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip);
        // A label file where the training images should be.
        var path = IdxTestFiles.Write(files.Dir, "train-images-idx3-ubyte", IdxTestFiles.Labels(3), gzip);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadData(files.Dir, download: false));

        Assert.Contains(path, ex.Message);
        Assert.Contains("0x00000801", ex.Message);
        Assert.Contains("0x00000803", ex.Message);
    }

    [Fact]
    public void NonIdxContentIsRejectedByItsMagic()
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip: false);
        var path = Path.Combine(files.Dir, "t10k-labels-idx1-ubyte");
        File.WriteAllText(path, "<html>Not Found</html>");

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadData(files.Dir, download: false));

        Assert.Contains(path, ex.Message);
        Assert.Contains("magic number 0x3C68746D", ex.Message);
        Assert.Contains("expected 0x00000801", ex.Message);
    }

    [Fact]
    public void CorruptGzipNamesTheFile()
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip: true);
        var path = Path.Combine(files.Dir, "train-labels-idx1-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        for (int i = 10; i < bytes.Length - 8; i++)
        {
            bytes[i] = 0xFF;
        }
        File.WriteAllBytes(path, bytes);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadData(files.Dir, download: false));

        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void CutGzipStreamNamesTheFile()
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip: true, nTrain: 50);
        var path = Path.Combine(files.Dir, "train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadData(files.Dir, download: false));

        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void LabelCountMustMatchImageCount()
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip: false);
        IdxTestFiles.Write(files.Dir, "train-labels-idx1-ubyte", IdxTestFiles.Labels(2), gzip: false);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadData(files.Dir, download: false));

        Assert.Contains("3 images", ex.Message);
        Assert.Contains("2 labels", ex.Message);
        Assert.Contains(Path.Combine(files.Dir, "train-labels-idx1-ubyte"), ex.Message);
    }

    [Fact]
    public void AbsurdHeaderDimensionsAreRejectedWithoutAllocating()
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip: true);
        var path = IdxTestFiles.Write(files.Dir, "train-images-idx3-ubyte", IdxTestFiles.Header(0x803, 60000, 100000, 100000), gzip: true);

        var ex = Assert.Throws<InvalidDataException>(() => FashionMnist.LoadData(files.Dir, download: false));

        Assert.Contains(path, ex.Message);
        Assert.Contains("corrupt header", ex.Message);
    }

    [FashionMnistFact]
    public void LoadsTheRealFashionMnist()
    {
        var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData(download: false);

        Assert.Equal(new Shape(60000, 28, 28), xTrain.Shape);
        Assert.Equal(new Shape(60000), yTrain.Shape);
        Assert.Equal(new Shape(10000, 28, 28), xTest.Shape);
        Assert.Equal(new Shape(10000), yTest.Shape);
        Assert.Equal(DType.UInt8, xTrain.DType);
        Assert.Equal(DType.UInt8, yTest.DType);
        // Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class.
        var trainCounts = yTrain.ToByteArray().GroupBy(v => v).OrderBy(g => g.Key).Select(g => (int)g.Key * 100000 + g.Count());
        Assert.Equal(Enumerable.Range(0, 10).Select(k => k * 100000 + 6000), trainCounts);
        var testCounts = yTest.ToByteArray().GroupBy(v => v).OrderBy(g => g.Key).Select(g => (int)g.Key * 100000 + g.Count());
        Assert.Equal(Enumerable.Range(0, 10).Select(k => k * 100000 + 1000), testCounts);
        // Keras's first training label is 9 (ankle boot); pixels span the full 0..255 range.
        Assert.Equal(9, yTrain.ToByteArray()[0]);
        Assert.Equal(255, xTrain.ToByteArray().Max());
    }
}
