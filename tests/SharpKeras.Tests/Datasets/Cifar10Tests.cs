using SharpKeras.Datasets;

namespace SharpKeras.Tests.Datasets;

/// <summary>The CIFAR-10 binary reader on small files the test writes (3 records per file instead of 10,000).</summary>
public sealed class Cifar10Tests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sharpkeras-cifar-" + Guid.NewGuid().ToString("N"));

    public Cifar10Tests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Record r of file f: label (f + r) % 10; red = 10f + r, green = pixel index % 256, blue = 255 - red.</summary>
    private void WriteFiles(int records, Func<int, int, byte[]?>? alter = null)
    {
        for (int f = 0; f < Cifar10.FileNames.Length; f++)
        {
            var data = new List<byte>();
            for (int r = 0; r < records; r++)
            {
                var rec = new byte[3073];
                rec[0] = (byte)((f + r) % 10);
                for (int p = 0; p < 1024; p++)
                {
                    rec[1 + p] = (byte)(10 * f + r);
                    rec[1 + 1024 + p] = (byte)(p % 256);
                    rec[1 + 2048 + p] = (byte)(255 - (10 * f + r));
                }
                data.AddRange(rec);
            }
            File.WriteAllBytes(Path.Combine(_dir, Cifar10.FileNames[f]), alter?.Invoke(f, 0) ?? [.. data]);
        }
    }

    [Fact]
    public void ReadsChannelsLastImagesAndColumnLabels()
    {
        WriteFiles(3);
        var ((xTrain, yTrain), (xTest, yTest)) = Cifar10.LoadFrom(Cifar10.Find(_dir)!, recordsPerFile: 3);
        Assert.Equal(new Shape(15, 32, 32, 3), xTrain.Shape);
        Assert.Equal(new Shape(15, 1), yTrain.Shape);
        Assert.Equal(new Shape(3, 32, 32, 3), xTest.Shape);
        Assert.Equal(DType.UInt8, xTrain.DType);
        // Training image 7 is file 2 (data_batch_3), record 1.
        Assert.Equal(21f, xTrain[7, 5, 6, 0]);
        Assert.Equal((5 * 32 + 6) % 256, xTrain[7, 5, 6, 1]);
        Assert.Equal(255f - 21, xTrain[7, 5, 6, 2]);
        Assert.Equal(3f, yTrain[7, 0]);
        Assert.Equal(7f, yTest[2, 0]);
        Assert.Equal(51f, xTest[1, 0, 0, 0]);
    }

    [Fact]
    public void TruncatedFileIsReportedByName()
    {
        WriteFiles(3, (f, _) => f == 4 ? new byte[3073 * 3 - 10] : null);
        var e = Assert.Throws<InvalidDataException>(() => Cifar10.LoadFrom(_dir, recordsPerFile: 3));
        Assert.Contains("data_batch_5.bin", e.Message);
    }

    [Fact]
    public void LabelOutsideTheClassesIsReportedByFileAndRecord()
    {
        WriteFiles(3, (f, _) =>
        {
            if (f != 5)
            {
                return null;
            }
            var bytes = new byte[3073 * 3];
            bytes[3073] = 12;
            return bytes;
        });
        var e = Assert.Throws<InvalidDataException>(() => Cifar10.LoadFrom(_dir, recordsPerFile: 3));
        Assert.Contains("test_batch.bin", e.Message);
        Assert.Contains("record 1", e.Message);
        Assert.Contains("label 12", e.Message);
    }

    [Fact]
    public void MissingDataSaysWhereItLookedAndHowToGetIt()
    {
        var e = Assert.Throws<FileNotFoundException>(() => Cifar10.LoadData(_dir));
        Assert.Contains(_dir, e.Message);
        Assert.Contains("cifar-10-binary.tar.gz", e.Message);
    }
}
