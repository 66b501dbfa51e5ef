using System.Globalization;
using SharpKeras.Callbacks;

namespace SharpKeras.Tests.Callbacks;

public sealed class ModelCheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sk-ckpt-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void FilepathIsFormattedAsPythonFormatsIt()
    {
        var values = new Dictionary<string, object> { ["epoch"] = 3L, ["val_loss"] = 0.123456, ["loss"] = 1.0, ["acc"] = 0.5 };
        Assert.Equal("w.03-0.12.keras", PyFormat.Format("w.{epoch:02d}-{val_loss:.2f}.keras", values));
        Assert.Equal("3-1.0-0.5-{x}", PyFormat.Format("{epoch}-{loss}-{acc}-{{x}}", values));
        Assert.Equal("0003-1.235e-01-12.3%-0.123", PyFormat.Format("{epoch:04d}-{val_loss:.3e}-{val_loss:.1%}-{val_loss:.3g}", values));
        Assert.Equal("  3|0.1235", PyFormat.Format("{epoch:3d}|{val_loss:.4f}", values));
        Assert.Throws<FormatException>(() => PyFormat.Format("{loss:d}", values));
        Assert.Throws<KeyNotFoundException>(() => PyFormat.Format("{nope}", values));
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e16, "1e+16")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(1234.5, "1234.5")]
    [InlineData(-2.5e-7, "-2.5e-07")]
    [InlineData(0.6931471824645996, "0.6931471824645996")]
    [InlineData(double.NaN, "nan")]
    public void FloatsAreWrittenAsPythonRepr(double value, string expected) => Assert.Equal(expected, PyFormat.Repr(value));

    [Fact]
    public void SaveBestOnlyWritesOnImprovementWithFormattedNames()
    {
        var (x, y, vx, vy) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model();
        var weights = new List<IReadOnlyList<Tensor>>();
        var logs = new List<Dictionary<string, double>>();
        string template = Path.Combine(_dir, "w.{epoch:02d}-{val_loss:.2f}.weights.h5");
        string bestPath = Path.Combine(_dir, "best.weights.h5");
        var history = model.Fit(x, y, batchSize: 16, epochs: 9, verbose: 0, validationData: (vx, vy), shuffle: false,
            callbacks: [CallbackFixtures.DivergeAfter(5), CallbackFixtures.Recorder(weights, logs, model),
                new ModelCheckpoint(template, saveBestOnly: true, saveWeightsOnly: true),
                new ModelCheckpoint(bestPath, saveBestOnly: true, saveWeightsOnly: true)]);

        var valLoss = history["val_loss"];
        var expected = new List<string>();
        double best = double.PositiveInfinity;
        for (int e = 0; e < valLoss.Count; e++)
        {
            if (valLoss[e] < best)
            {
                best = valLoss[e];
                expected.Add($"w.{e + 1:00}-{valLoss[e].ToString("F2", CultureInfo.InvariantCulture)}.weights.h5");
            }
        }
        Assert.True(expected.Count < valLoss.Count, "val_loss should get worse after the rate grows");
        var written = Directory.GetFiles(_dir, "w.*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected.Order(StringComparer.Ordinal), written);

        // The fixed-name file holds the best epoch's weights.
        int bestEpoch = CallbackFixtures.ArgMin(valLoss);
        var fresh = CallbackFixtures.Model();
        fresh.Predict(x.Slice(0, 1), verbose: 0);
        fresh.LoadWeights(bestPath);
        CallbackFixtures.AssertSameWeights(weights[bestEpoch], fresh.GetWeights());
    }

    [Fact]
    public void SavesTheWholeModelEveryEpochByDefault()
    {
        var (x, y, _, _) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model();
        model.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0,
            callbacks: [new ModelCheckpoint(Path.Combine(_dir, "m-{epoch}-{loss:.3f}.keras"), monitor: "loss")]);
        Assert.Equal(3, Directory.GetFiles(_dir, "m-*.keras").Length);
        var loaded = SharpKeras.Models.Model.Load(Directory.GetFiles(_dir, "m-3-*.keras").Single());
        CallbackFixtures.AssertSameWeights(model.GetWeights(), loaded.GetWeights());
    }

    [Fact]
    public void SaveFreqInBatchesSavesEveryNBatches()
    {
        var (x, y, _, _) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model();
        // 4 batches per epoch, 2 epochs: saves after batches 3 and 6 (the latter is epoch 2, batch 2).
        model.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0,
            callbacks: [new ModelCheckpoint(Path.Combine(_dir, "b-{epoch}-{batch}.weights.h5"), saveWeightsOnly: true, saveFreq: "3")]);
        Assert.Equal(new[] { "b-1-3.weights.h5", "b-2-2.weights.h5" }, Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AutoModeMaximizesOnlyAccuracyLikeNames()
    {
        var model = CallbackFixtures.Model();
        var up = new ModelCheckpoint(Path.Combine(_dir, "a.keras"), monitor: "val_accuracy", saveBestOnly: true) { Model = model };
        var down = new ModelCheckpoint(Path.Combine(_dir, "b.keras"), monitor: "val_custom", saveBestOnly: true) { Model = model };
        up.OnTrainBegin();
        down.OnTrainBegin();
        Assert.Equal(double.NegativeInfinity, up.Best);
        Assert.Equal(double.PositiveInfinity, down.Best);
    }

    [Fact]
    public void BadArgumentsAreRefusedWithKerasMessages()
    {
        Assert.Contains(".weights.h5", Assert.Throws<ArgumentException>(() => new ModelCheckpoint("w.keras", saveWeightsOnly: true)).Message);
        Assert.Contains(".keras", Assert.Throws<ArgumentException>(() => new ModelCheckpoint("w.txt")).Message);
        Assert.Contains("saveFreq", Assert.Throws<ArgumentException>(() => new ModelCheckpoint("w.keras", saveFreq: "batch")).Message);
        var (x, y, _, _) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model();
        var e = Assert.Throws<KeyNotFoundException>(() => model.Fit(x, y, epochs: 1, verbose: 0,
            callbacks: [new ModelCheckpoint(Path.Combine(_dir, "{val_auc:.2f}.keras"), monitor: "loss")]));
        Assert.Contains("Failed to format this callback filepath", e.Message);
    }
}
