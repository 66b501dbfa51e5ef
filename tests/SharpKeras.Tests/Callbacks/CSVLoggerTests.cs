using SharpKeras.Callbacks;

namespace SharpKeras.Tests.Callbacks;

public sealed class CSVLoggerTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "sk-csv-" + Guid.NewGuid().ToString("N") + ".csv");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void HeaderIsEpochThenSortedKeysAndRowsArePythonFloats()
    {
        var (x, y, vx, vy) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model();
        var history = model.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0, validationData: (vx, vy),
            callbacks: [new CSVLogger(_path)]);
        string text = File.ReadAllText(_path);
        var expected = "epoch,loss,val_loss\r\n";
        for (int e = 0; e < 3; e++)
        {
            expected += $"{e},{PyFormat.Repr(history["loss"][e])},{PyFormat.Repr(history["val_loss"][e])}\r\n";
        }
        Assert.Equal(expected, text);
    }

    [Fact]
    public void WithoutValidationTheValColumnsHoldNAAndAppendSkipsTheHeader()
    {
        var (x, y, _, _) = CallbackFixtures.Data();
        var model = CallbackFixtures.Model();
        var h1 = model.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0, callbacks: [new CSVLogger(_path, separator: ";")]);
        var h2 = model.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, callbacks: [new CSVLogger(_path, separator: ";", append: true)]);
        var lines = File.ReadAllText(_path).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[]
        {
            "epoch;loss;val_loss",
            $"0;{PyFormat.Repr(h1["loss"][0])};NA",
            $"0;{PyFormat.Repr(h2["loss"][0])};NA",
            $"1;{PyFormat.Repr(h2["loss"][1])};NA",
        }, lines);
        model.Fit(x, y, batchSize: 16, epochs: 1, verbose: 0, callbacks: [new CSVLogger(_path)]);
        Assert.Equal(2, File.ReadAllLines(_path).Length);
        Assert.Throws<ArgumentException>(() => new CSVLogger(_path, separator: ";;"));
    }
}
