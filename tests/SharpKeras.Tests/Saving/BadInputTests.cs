using System.Text.Json.Nodes;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>Broken, mismatched or misnamed model files give clear errors; saving never leaves a damaged file.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-badinput-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Copy(string refName, string newName, Func<byte[], byte[]> change)
    {
        var path = Path.Combine(_dir, newName);
        File.WriteAllBytes(path, change(File.ReadAllBytes(KerasRefs.File(refName))));
        return path;
    }

    [KerasRefsFact]
    public void TruncatedKerasZipIsRejected()
    {
        var path = Copy("mlp.keras", "cut.keras", b => b[..(b.Length / 2)]);
        var e = Assert.ThrowsAny<InvalidDataException>(() => Model.Load(path));
        Assert.Contains("cut.keras", e.Message);
    }

    [Fact]
    public void GarbageKerasFileIsRejected()
    {
        var path = Path.Combine(_dir, "junk.keras");
        File.WriteAllText(path, "this is not a zip file at all");
        var e = Assert.ThrowsAny<InvalidDataException>(() => Model.Load(path));
        Assert.Contains("junk.keras", e.Message);
    }

    [KerasRefsFact]
    public void CorruptHdf5InsideKerasZipIsRejected()
    {
        var (config, _) = KerasFile.Read(KerasRefs.File("mlp.keras"));
        var path = Path.Combine(_dir, "badweights.keras");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            using (var w = new StreamWriter(zip.CreateEntry("config.json").Open()))
            {
                w.Write(config.ToJsonString());
            }
            using var s = zip.CreateEntry("model.weights.h5").Open();
            s.Write(new byte[300]);
        }
        var e = Assert.ThrowsAny<InvalidDataException>(() => Model.Load(path));
        Assert.Contains("model.weights.h5", e.Message);
    }

    [KerasRefsTheory]
    [InlineData("mlp.h5", 0.5)]
    [InlineData("mlp.h5", 0.02)]
    [InlineData("mlp.weights.h5", 0.3)]
    public void TruncatedHdf5IsRejected(string refName, double keep)
    {
        var path = Copy(refName, "cut_" + refName, b => b[..(int)(b.Length * keep)]);
        var model = KerasRefsFileTests.BuildInCode("mlp");
        var e = Assert.ThrowsAny<Exception>(() => model.LoadWeights(path));
        Assert.True(e is InvalidDataException or FormatException, e.ToString());
        Assert.Contains("cut_", e.Message);
    }

    [KerasRefsFact]
    public void WrongWeightShapeNamesThePathAndBothShapes()
    {
        var model = new Sequential([new Flatten(), new Dense(64, activation: "relu"), new Dense(10)]);
        model.EnsureBuilt(new Shape(-1, 28, 28));
        var before = model.GetWeights();
        var e = Assert.Throws<FormatException>(() => model.LoadWeights(KerasRefs.File("mlp.weights.h5")));
        Assert.Contains("layers/dense/vars/0", e.Message);
        Assert.Contains("(784, 128)", e.Message);
        Assert.Contains("(784, 64)", e.Message);
        // Nothing was assigned.
        Assert.Equal(before.SelectMany(w => w.ToArray()), model.GetWeights().SelectMany(w => w.ToArray()));
        var legacy = Assert.Throws<FormatException>(() => model.LoadWeights(KerasRefs.File("mlp.h5")));
        Assert.Contains("kernel", legacy.Message);
        Assert.Contains("(784, 128)", legacy.Message);
    }

    [Fact]
    public void UnknownClassNamesItAndHowToRegister()
    {
        var config = JsonNode.Parse("""
            {"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 3], "dtype": "float32", "name": "in"}},
              {"module": "my_pkg", "class_name": "MyFancyLayer", "config": {"name": "fancy"}, "registered_name": "MyPkg>MyFancyLayer"}]}}
            """)!.AsObject();
        var e = Assert.Throws<UnknownClassException>(() => Model.FromConfig(config));
        Assert.Contains("MyPkg>MyFancyLayer", e.Message);
        Assert.Contains("KerasSerializer.Register", e.Message);
        Assert.Contains("package: \"MyPkg\"", e.Message);
        Assert.Equal("MyPkg>MyFancyLayer", e.ClassName);
    }

    [Fact]
    public void MissingFileIsReported()
    {
        var path = Path.Combine(_dir, "nope.keras");
        var e = Assert.Throws<FileNotFoundException>(() => Model.Load(path));
        Assert.Contains("nope.keras", e.Message);
        var model = new Sequential([Keras.Input([2]).Layer, new Dense(1)]);
        Assert.Throws<FileNotFoundException>(() => model.LoadWeights(Path.Combine(_dir, "nope.weights.h5")));
    }

    [Fact]
    public void WrongExtensionsAreRejected()
    {
        var model = new Sequential([Keras.Input([2]).Layer, new Dense(1)]);
        var e = Assert.Throws<ArgumentException>(() => model.Save(Path.Combine(_dir, "m.txt")));
        Assert.Contains(".keras", e.Message);
        Assert.Throws<ArgumentException>(() => model.Save(Path.Combine(_dir, "m.weights.h5")));
        Assert.Throws<ArgumentException>(() => model.SaveWeights(Path.Combine(_dir, "w.h5")));
        var txt = Path.Combine(_dir, "m.txt");
        File.WriteAllText(txt, "x");
        Assert.Throws<ArgumentException>(() => Model.Load(txt));
        Assert.False(File.Exists(Path.Combine(_dir, "w.h5")));
    }

    private sealed class BrokenConfigLayer() : Layer("broken")
    {
        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

        protected override Tensor Call(Tensor inputs, bool training) => inputs;

        public override JsonObject GetConfig() => throw new InvalidOperationException("config failed");
    }

    [Fact]
    public void FailedSaveLeavesTheOldFileAndNoTemporaries()
    {
        var path = Path.Combine(_dir, "keep.keras");
        var good = new Sequential([Keras.Input([2]).Layer, new Dense(1)]);
        good.Save(path);
        var bytes = File.ReadAllBytes(path);
        var bad = new Sequential([Keras.Input([2]).Layer, new BrokenConfigLayer()]);
        Assert.Throws<InvalidOperationException>(() => bad.Save(path));
        Assert.Throws<InvalidOperationException>(() => bad.Save(Path.Combine(_dir, "keep.h5")));
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(["keep.keras"], Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)).ToList());
        Assert.NotNull(Model.Load(path));
    }
}
