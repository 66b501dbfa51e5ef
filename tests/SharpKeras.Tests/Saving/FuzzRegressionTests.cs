using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>
/// Replays every input the fuzzer (fuzz/) found crashing a reader, plus its seed corpus: each must load
/// or fail with a clear load error (InvalidDataException or FormatException), never anything else.
/// </summary>
public sealed class FuzzRegressionTests
{
    /// <summary>Target name to the file extension the reader expects (as in fuzz/SharpKeras.Fuzz/FuzzTargets.cs).</summary>
    private static readonly Dictionary<string, string> Extensions = new()
    {
        ["keras"] = ".keras",
        ["h5"] = ".h5",
        ["weights"] = ".weights.h5",
        ["npy"] = ".npy",
        ["npz"] = ".npz",
    };

    /// <summary>The checkout's root (the folder holding SharpKeras.sln), found by walking up from the test binaries.</summary>
    private static string? Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SharpKeras.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    /// <summary>The architecture the fuzzer's weights target loads into (FuzzTargets.TinyModel).</summary>
    private static Model TinyModel()
    {
        Config.SetRandomSeed(1);
        var a = Keras.Input([3], name: "a");
        var b = Keras.Input([2], name: "b");
        var x = new Concatenate().Apply([new Dense(4, activation: "relu").Apply(a), b]);
        return new Model([a, b], new Dense(2, activation: "softmax").Apply(new LayerNormalization().Apply(x)));
    }

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        var root = Root() ?? throw new InvalidOperationException("SharpKeras.sln not found above the test binaries");
        foreach (var corpus in new[] { Path.Combine("tests", "SharpKeras.Tests", "Saving", "FuzzRegressions"), Path.Combine("fuzz", "corpus") })
        {
            foreach (var target in Extensions.Keys)
            {
                var dir = Path.Combine(root, corpus, target);
                if (Directory.Exists(dir))
                {
                    foreach (var file in Directory.EnumerateFiles(dir).Order())
                    {
                        data.Add(target, Path.GetRelativePath(root, file));
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void ReaderAnswersAClearLoadErrorOrLoads(string target, string file)
    {
        var full = Path.Combine(Root()!, file);
        var dir = Directory.CreateTempSubdirectory("sk-fuzzreg-").FullName;
        try
        {
            var path = Path.Combine(dir, "input" + Extensions[target]);
            File.Copy(full, path);
            try
            {
                switch (target)
                {
                    case "keras":
                    case "h5":
                        Model.Load(path);
                        break;
                    case "weights":
                        TinyModel().LoadWeights(path);
                        break;
                    case "npy":
                        NumpyFile.Load(path);
                        break;
                    default:
                        NumpyFile.LoadNpz(path);
                        break;
                }
            }
            catch (Exception e) when (e is InvalidDataException or FormatException)
            {
                Assert.Contains(path, e.Message);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
