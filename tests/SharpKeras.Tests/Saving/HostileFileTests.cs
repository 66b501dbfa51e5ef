using System.Diagnostics;
using System.IO.Compression;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;
using Xunit.Abstractions;

namespace SharpKeras.Tests.Saving;

/// <summary>Model and array files that try to hurt the reader: flipped bits, zip bombs, forged sizes, duplicate entries.</summary>
[Collection(LoadLimitsCollection.Name)]
public sealed class HostileFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Peak memory a bomb may cost the reader: far below the gigabytes it would inflate to.</summary>
    private const long MemoryBound = 64L << 20;

    private const long ThreeGiB = 3L << 30;

    internal static Model SmallModel()
    {
        Config.SetRandomSeed(11);
        var input = Keras.Input([4], name: "x");
        return new Model(input, new Dense(3, activation: "softmax").Apply(new Dense(8, activation: "relu").Apply(input)));
    }

    private string SavedKeras()
    {
        var path = Path.Combine(_dir, "good.keras");
        SmallModel().Save(path);
        return path;
    }

    [Fact]
    public void FlippedBitInTheWeightsIsRefusedNamingTheEntry()
    {
        var path = SavedKeras();
        Assert.NotNull(Model.Load(path));
        ZipForge.FlipBit(path, "model.weights.h5", 700);
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Contains($"{path}/model.weights.h5", e.Message);
        Assert.Contains("CRC-32", e.Message);
    }

    [Fact]
    public void FlippedBitInTheConfigIsRefusedNamingTheEntry()
    {
        var path = SavedKeras();
        ZipForge.FlipBit(path, "config.json", 20);
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Contains($"{path}/config.json", e.Message);
        Assert.Contains("CRC-32", e.Message);
    }

    [Fact]
    public void FlippedBitInAnNpzArrayIsRefusedNamingTheEntry()
    {
        var path = Path.Combine(_dir, "a.npz");
        var npy = new MemoryStream();
        NumpyFile.Write(npy, Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (float)i).ToArray(), [8, 8]));
        ZipForge.Write(path, false, new ZipForge.Entry("x.npy", npy.ToArray()));
        Assert.Equal(8, NumpyFile.LoadNpz(path)["x"].Shape[0]);
        ZipForge.FlipBit(path, "x.npy", 200);
        var e = Assert.Throws<InvalidDataException>(() => NumpyFile.LoadNpz(path));
        Assert.Contains($"{path}:x.npy", e.Message);
        Assert.Contains("CRC-32", e.Message);
    }

    [Fact]
    public void DuplicateConfigEntryIsRefused()
    {
        var good = SavedKeras();
        var entries = ZipForge.ReadEntries(good);
        var path = Path.Combine(_dir, "dup.keras");
        ZipForge.Write(path, false, [.. entries, new ZipForge.Entry("config.json", "{\"class_name\": \"Sequential\"}"u8.ToArray())]);
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        Assert.Contains("'config.json' twice", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void WeightsBombIsRefusedFastWithBoundedMemory()
    {
        var entries = ZipForge.ReadEntries(SavedKeras()).Where(e => e.Name != "model.weights.h5").ToList();
        var path = Path.Combine(_dir, "bomb.keras");
        ZipForge.Write(path, true, [.. entries, new ZipForge.Entry("model.weights.h5", Zeros: ThreeGiB)]);
        var e = RefusedWithin(path, "weights bomb, declared 3 GiB");
        Assert.Contains("LoadLimits.MaxEntryBytes", e.Message);
        Assert.Contains("model.weights.h5", e.Message);
    }

    [Fact]
    public void WeightsBombWithAForgedSmallSizeStopsAtTheDeclaredSize()
    {
        var entries = ZipForge.ReadEntries(SavedKeras()).Where(e => e.Name != "model.weights.h5").ToList();
        var path = Path.Combine(_dir, "liar.keras");
        ZipForge.Write(path, true, [.. entries, new ZipForge.Entry("model.weights.h5", Zeros: ThreeGiB)]);
        ZipForge.ForgeDeclaredSize(path, "model.weights.h5", 4096);
        var e = RefusedWithin(path, "weights bomb, forged 4 KiB declared size");
        // The runtime's inflater may itself stop at the declared size; then the CRC-32 catches the forgery.
        Assert.True(e.Message.Contains("more data than the 4,096 bytes") || e.Message.Contains("CRC-32"), e.Message);
        Assert.Contains("model.weights.h5", e.Message);
    }

    [Fact]
    public void ConfigBombIsRefusedFastWithBoundedMemory()
    {
        var entries = ZipForge.ReadEntries(SavedKeras()).Where(e => e.Name != "config.json").ToList();
        var path = Path.Combine(_dir, "cbomb.keras");
        ZipForge.Write(path, true, [.. entries, new ZipForge.Entry("config.json", Prefix: "{\"a\": \"", Zeros: ThreeGiB, Fill: (byte)'a')]);
        var e = RefusedWithin(path, "config bomb, declared 3 GiB");
        Assert.Contains("config.json", e.Message);
        Assert.Contains("LoadLimits.MaxConfigBytes", e.Message);

        ZipForge.ForgeDeclaredSize(path, "config.json", 1000);
        e = RefusedWithin(path, "config bomb, forged 1000-byte declared size");
        Assert.True(e.Message.Contains("more data than the 1,000 bytes") || e.Message.Contains("CRC-32"), e.Message);
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void RaisingTheRatioLimitIsWhatLetsACompressibleEntryThrough()
    {
        var npz = Path.Combine(_dir, "zeros.npz");
        var npy = new MemoryStream();
        NumpyFile.Write(npy, Tensor.Zeros(new Shape(1024, 1024)));
        ZipForge.Write(npz, true, new ZipForge.Entry("z.npy", npy.ToArray()));
        var e = Assert.Throws<InvalidDataException>(() => NumpyFile.LoadNpz(npz));
        Assert.Contains("LoadLimits.MaxCompressionRatio", e.Message);
        int before = LoadLimits.MaxCompressionRatio;
        try
        {
            LoadLimits.MaxCompressionRatio = 100_000;
            Assert.Equal(1024, NumpyFile.LoadNpz(npz)["z"].Shape[0]);
        }
        finally
        {
            LoadLimits.MaxCompressionRatio = before;
        }
    }

    [Fact]
    public void ForgedHdf5DatasetShapeIsRefusedBeforeAllocating()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LoadLimits.MaxEntryBytes = 0);
        long before = LoadLimits.MaxEntryBytes;
        var path = Path.Combine(_dir, "m.weights.h5");
        var model = SmallModel();
        model.SaveWeights(path);
        try
        {
            // The kernel of the first Dense (4x8 float32 = 128 bytes) is above a 100-byte limit.
            LoadLimits.MaxEntryBytes = 100;
            var e = Assert.Throws<FormatException>(() => SmallModel().LoadWeights(path));
            Assert.Contains("LoadLimits.MaxEntryBytes", e.Message);
            Assert.Contains(path, e.Message);
        }
        finally
        {
            LoadLimits.MaxEntryBytes = before;
        }
    }

    private InvalidDataException RefusedWithin(string path, string what)
    {
        GC.Collect();
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var proc = Process.GetCurrentProcess();
        proc.Refresh();
        long peakBefore = proc.PeakWorkingSet64;
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() => Model.Load(path));
        watch.Stop();
        long used = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        proc.Refresh();
        output.WriteLine($"{what}: file {new FileInfo(path).Length:N0} bytes, refused in {watch.ElapsedMilliseconds} ms, " +
            $"{used:N0} bytes allocated, peak working set grew {proc.PeakWorkingSet64 - peakBefore:N0} bytes: {e.Message}");
        Assert.True(used < MemoryBound, $"{what}: the reader allocated {used:N0} bytes, bound {MemoryBound:N0}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"{what}: refused after {watch.Elapsed}");
        return e;
    }
}
