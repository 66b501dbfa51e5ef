using SharpKeras;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Fuzz;

/// <summary>
/// The readers under fuzzing. Each reads one file; a clear load error (InvalidDataException or
/// FormatException) is the correct answer to a hostile file, anything else escaping is a crash.
/// </summary>
public static class FuzzTargets
{
    /// <summary>The target names and the file extension each reader expects.</summary>
    public static readonly IReadOnlyDictionary<string, string> Extensions = new Dictionary<string, string>
    {
        ["keras"] = ".keras",
        ["h5"] = ".h5",
        ["weights"] = ".weights.h5",
        ["npy"] = ".npy",
        ["npz"] = ".npz",
    };

    /// <summary>The architecture the weights target loads into (the one the seed weights files were saved from).</summary>
    public static Model TinyModel()
    {
        Config.SetRandomSeed(1);
        var a = Keras.Input([3], name: "a");
        var b = Keras.Input([2], name: "b");
        var x = new Concatenate().Apply([new Dense(4, activation: "relu").Apply(a), b]);
        return new Model([a, b], new Dense(2, activation: "softmax").Apply(new LayerNormalization().Apply(x)));
    }

    /// <summary>
    /// Runs one reader on the file at <paramref name="path"/>: returns null for a successful load and the
    /// clear load error for a refused file; anything else escapes (a crash).
    /// </summary>
    public static Exception? Run(string target, string path, Model? weightsModel)
    {
        try
        {
            switch (target)
            {
                case "keras":
                case "h5":
                    Model.Load(path);
                    break;
                case "weights":
                    (weightsModel ?? TinyModel()).LoadWeights(path);
                    break;
                case "npy":
                    NumpyFile.Load(path);
                    break;
                case "npz":
                    NumpyFile.LoadNpz(path);
                    break;
                default:
                    throw new ArgumentException($"Unknown fuzz target '{target}'; use one of {string.Join(", ", Extensions.Keys)}.");
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            // The clear load error a hostile file deserves.
            return e;
        }
        return null;
    }
}
