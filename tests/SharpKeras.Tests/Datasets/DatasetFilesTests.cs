using SharpKeras.Datasets;

namespace SharpKeras.Tests.Datasets;

public class DatasetFilesTests
{
    [Fact]
    public void DefaultRootsEndWithTheSystemDatasetsFolder()
    {
        var roots = DatasetFiles.DefaultRoots();

        Assert.Equal("/usr/share/datasets", roots[^1]);
        Assert.Contains(roots, r => r.EndsWith(Path.Combine(".keras", "datasets"), StringComparison.Ordinal));
    }

    [Fact]
    public void DownloadFalseAlwaysDisablesDownloads()
    {
        Assert.False(DatasetFiles.DownloadsAllowed(false));
    }

    [Fact]
    public void FindVariantPrefersGzipAndAcceptsRaw()
    {
        using var files = new IdxTestFiles();
        Assert.Null(DatasetFiles.FindVariant(files.Dir, "x"));
        File.WriteAllBytes(Path.Combine(files.Dir, "x"), [1]);
        Assert.Equal(Path.Combine(files.Dir, "x"), DatasetFiles.FindVariant(files.Dir, "x"));
        File.WriteAllBytes(Path.Combine(files.Dir, "x.gz"), [1]);
        Assert.Equal(Path.Combine(files.Dir, "x.gz"), DatasetFiles.FindVariant(files.Dir, "x"));
    }

    [Fact]
    public void IdxReaderDetectsGzipByContentNotName()
    {
        using var files = new IdxTestFiles();
        var path = Path.Combine(files.Dir, "labels.bin");
        File.WriteAllBytes(path, IdxTestFiles.Gzip(IdxTestFiles.Labels(4)));

        var (dims, data) = Idx.Read(path, Idx.LabelsMagic, "hint");

        Assert.Equal([4], dims);
        Assert.Equal(IdxTestFiles.LabelData(4), data);
    }

    [Fact]
    public void EmptyFileIsTruncated()
    {
        using var files = new IdxTestFiles();
        var path = Path.Combine(files.Dir, "empty");
        File.WriteAllBytes(path, []);

        var ex = Assert.Throws<InvalidDataException>(() => Idx.Read(path, Idx.ImagesMagic, "HINT"));

        Assert.Contains(path, ex.Message);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("0x00000803", ex.Message);
        Assert.EndsWith("HINT", ex.Message);
    }

    [Fact]
    public void ZeroImagesIsAValidFile()
    {
        using var files = new IdxTestFiles();
        var path = Path.Combine(files.Dir, "none");
        File.WriteAllBytes(path, IdxTestFiles.Images(0, 28, 28));

        var (dims, data) = Idx.Read(path, Idx.ImagesMagic, "hint");

        Assert.Equal([0, 28, 28], dims);
        Assert.Empty(data);
    }

    [Fact]
    public void LargeGzipPayloadIsReadCompletely()
    {
        using var files = new IdxTestFiles();
        // 3 MB of pixels: more than the reader's first chunk, so the buffer has to grow.
        var path = IdxTestFiles.Write(files.Dir, "big", IdxTestFiles.Images(4000, 28, 28), gzip: true);

        var (dims, data) = Idx.Read(path, Idx.ImagesMagic, "hint");

        Assert.Equal([4000, 28, 28], dims);
        Assert.Equal(IdxTestFiles.ImageData(4000, 28, 28), data);
    }
}
