using System.IO.Compression;
using SharpKeras.Datasets;

namespace SharpKeras.Tests.Datasets;

public class MnistTests
{
    private static void AssertSmallSet(((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) data)
    {
        var ((xTrain, yTrain), (xTest, yTest)) = data;
        Assert.Equal(new Shape(3, 28, 28), xTrain.Shape);
        Assert.Equal(new Shape(3), yTrain.Shape);
        Assert.Equal(new Shape(2, 28, 28), xTest.Shape);
        Assert.Equal(new Shape(2), yTest.Shape);
        Assert.Equal(DType.UInt8, xTrain.DType);
        Assert.Equal(DType.UInt8, yTrain.DType);
        Assert.Equal(IdxTestFiles.ImageData(3, 28, 28), xTrain.ToByteArray());
        Assert.Equal(IdxTestFiles.LabelData(3), yTrain.ToByteArray());
        Assert.Equal(IdxTestFiles.ImageData(2, 28, 28), xTest.ToByteArray());
        Assert.Equal(IdxTestFiles.LabelData(2), yTest.ToByteArray());
        Assert.Equal(IdxTestFiles.Pixel(2, 27, 3), xTrain[2, 27, 3]);
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void ReadsKerasNpzByFileAndByFolder(CompressionLevel level)
    {
        using var files = new IdxTestFiles();
        var npz = IdxTestFiles.WriteMnistNpz(Path.Combine(files.Dir, "mnist.npz"), level);

        AssertSmallSet(Mnist.LoadData(npz, download: false));
        AssertSmallSet(Mnist.LoadData(files.Dir, download: false));
    }

    [Fact]
    public void ReadsNpyVersion2Headers()
    {
        using var files = new IdxTestFiles();
        var npz = IdxTestFiles.WriteNpz(Path.Combine(files.Dir, "mnist.npz"),
        [
            ("x_train", IdxTestFiles.Npy("|u1", false, [3, 28, 28], IdxTestFiles.ImageData(3, 28, 28), major: 2)),
            ("y_train", IdxTestFiles.Npy("<u1", false, [3], IdxTestFiles.LabelData(3), major: 2)),
            ("x_test", IdxTestFiles.Npy("|u1", false, [2, 28, 28], IdxTestFiles.ImageData(2, 28, 28))),
            ("y_test", IdxTestFiles.Npy("|u1", true, [2], IdxTestFiles.LabelData(2))),
        ]);

        AssertSmallSet(Mnist.LoadData(npz, download: false));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadsIdxFiles(bool gzip)
    {
        using var files = new IdxTestFiles();
        IdxTestFiles.WriteSet(files.Dir, gzip);

        AssertSmallSet(Mnist.LoadData(files.Dir, download: false));
    }

    [Fact]
    public void SearchFindsNpzInRootAndIdxInMnistFolder()
    {
        using var files = new IdxTestFiles();
        var empty = files.Sub("empty");
        var withNpz = files.Sub("npz");
        var withIdx = files.Sub("idx");
        IdxTestFiles.WriteMnistNpz(Path.Combine(withNpz, "mnist.npz"));
        IdxTestFiles.WriteSet(files.Sub("idx", "mnist"), gzip: true);

        AssertSmallSet(Mnist.Load(null, [empty, withNpz], download: false, files.Sub("dl")));
        AssertSmallSet(Mnist.Load(null, [empty, withIdx], download: false, files.Sub("dl")));
        Assert.Equal(Path.Combine(withNpz, "mnist.npz"), Mnist.FindLocal([empty, withNpz, withIdx]));
        Assert.Equal(Path.Combine(withIdx, "mnist"), Mnist.FindLocal([empty, withIdx]));
        Assert.Null(Mnist.FindLocal([empty]));
    }

    [Fact]
    public void NothingFoundWithDownloadsDisabledSaysWhereItLookedAndHowToGetTheData()
    {
        using var files = new IdxTestFiles();
        var root = files.Sub("root");

        var ex = Assert.Throws<FileNotFoundException>(() => Mnist.Load(null, [root], download: false, files.Sub("dl")));

        Assert.Contains(Path.Combine(root, "mnist.npz"), ex.Message);
        Assert.Contains(Path.Combine(root, "mnist"), ex.Message);
        Assert.Contains("https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz", ex.Message);
        Assert.Contains("Downloads are disabled", ex.Message);
    }

    [Fact]
    public void WrongDtypeIsRejected()
    {
        using var files = new IdxTestFiles();
        var npz = IdxTestFiles.WriteNpz(Path.Combine(files.Dir, "mnist.npz"),
        [
            ("x_train", IdxTestFiles.Npy("<f4", false, [3, 28, 28], new byte[3 * 28 * 28 * 4])),
        ]);

        var ex = Assert.Throws<InvalidDataException>(() => Mnist.LoadData(npz, download: false));

        Assert.Contains("x_train.npy", ex.Message);
        Assert.Contains("'<f4'", ex.Message);
        Assert.Contains("'|u1'", ex.Message);
    }

    [Fact]
    public void MissingArrayIsNamed()
    {
        using var files = new IdxTestFiles();
        var npz = IdxTestFiles.WriteNpz(Path.Combine(files.Dir, "mnist.npz"),
        [
            ("x_train", IdxTestFiles.Npy("|u1", false, [3, 28, 28], IdxTestFiles.ImageData(3, 28, 28))),
            ("y_train", IdxTestFiles.Npy("|u1", false, [3], IdxTestFiles.LabelData(3))),
        ]);

        var ex = Assert.Throws<InvalidDataException>(() => Mnist.LoadData(npz, download: false));

        Assert.Contains(npz, ex.Message);
        Assert.Contains("x_test", ex.Message);
    }

    [Fact]
    public void TruncatedArrayDataIsReported()
    {
        using var files = new IdxTestFiles();
        var npz = IdxTestFiles.WriteNpz(Path.Combine(files.Dir, "mnist.npz"),
        [
            ("x_train", IdxTestFiles.Npy("|u1", false, [3, 28, 28], IdxTestFiles.ImageData(3, 28, 28)[..^10])),
        ], CompressionLevel.Optimal);

        var ex = Assert.Throws<InvalidDataException>(() => Mnist.LoadData(npz, download: false));

        Assert.Contains("x_train.npy", ex.Message);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("2,352", ex.Message);
        Assert.Contains("2,342", ex.Message);
    }

    [Fact]
    public void BadNpyMagicIsReported()
    {
        using var files = new IdxTestFiles();
        var npz = IdxTestFiles.WriteNpz(Path.Combine(files.Dir, "mnist.npz"),
        [
            ("x_train", "PK this is not numpy"u8.ToArray()),
        ]);

        var ex = Assert.Throws<InvalidDataException>(() => Mnist.LoadData(npz, download: false));

        Assert.Contains("x_train.npy", ex.Message);
        Assert.Contains("NUMPY", ex.Message);
    }

    [Fact]
    public void NotAZipIsReported()
    {
        using var files = new IdxTestFiles();
        var npz = Path.Combine(files.Dir, "mnist.npz");
        File.WriteAllText(npz, "definitely not a zip archive, but long enough to have been one");

        var ex = Assert.Throws<InvalidDataException>(() => Mnist.LoadData(npz, download: false));

        Assert.Contains(npz, ex.Message);
        Assert.Contains("zip", ex.Message);
    }

    [Fact]
    public void FortranOrderImagesAreRejected()
    {
        using var files = new IdxTestFiles();
        var npz = IdxTestFiles.WriteNpz(Path.Combine(files.Dir, "mnist.npz"),
        [
            ("x_train", IdxTestFiles.Npy("|u1", true, [3, 28, 28], IdxTestFiles.ImageData(3, 28, 28))),
        ]);

        var ex = Assert.Throws<InvalidDataException>(() => Mnist.LoadData(npz, download: false));

        Assert.Contains("Fortran", ex.Message);
    }

    [Fact]
    public void ImageAndLabelCountsMustMatch()
    {
        using var files = new IdxTestFiles();
        var npz = IdxTestFiles.WriteNpz(Path.Combine(files.Dir, "mnist.npz"),
        [
            ("x_train", IdxTestFiles.Npy("|u1", false, [3, 28, 28], IdxTestFiles.ImageData(3, 28, 28))),
            ("y_train", IdxTestFiles.Npy("|u1", false, [2], IdxTestFiles.LabelData(2))),
            ("x_test", IdxTestFiles.Npy("|u1", false, [2, 28, 28], IdxTestFiles.ImageData(2, 28, 28))),
            ("y_test", IdxTestFiles.Npy("|u1", false, [2], IdxTestFiles.LabelData(2))),
        ]);

        var ex = Assert.Throws<InvalidDataException>(() => Mnist.LoadData(npz, download: false));

        Assert.Contains("3 images", ex.Message);
        Assert.Contains("2 labels", ex.Message);
    }
}
