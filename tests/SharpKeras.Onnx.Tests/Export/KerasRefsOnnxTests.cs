using SharpKeras.Models;
using SharpKeras.Saving;
using Xunit.Abstractions;

namespace SharpKeras.Onnx.Tests.Export;

/// <summary>Every reference model Python Keras wrote that SharpKeras loads, exported and run by ONNX Runtime.</summary>
public sealed class KerasRefsOnnxTests(ITestOutputHelper output)
{
    /// <summary>The folder holding keras-refs and keras-refs2, found by walking up from the test binaries.</summary>
    internal static readonly string? Refs = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared"), Path.Combine(dir.FullName, "..", "shared") })
            {
                if (File.Exists(Path.Combine(candidate, "keras-refs", "manifest.json")))
                {
                    return Path.GetFullPath(candidate);
                }
            }
        }
        return null;
    }

    /// <summary>The models (folder, name, input files in input order).</summary>
    public static TheoryData<string, string, string[]> Models => new()
    {
        { "keras-refs", "mlp", ["mlp_input.npy"] },
        { "keras-refs", "cnn", ["cnn_input.npy"] },
        { "keras-refs", "lstm_gru", ["lstm_gru_input.npy"] },
        { "keras-refs", "functional", ["functional_input_a.npy", "functional_input_b.npy"] },
        { "keras-refs", "simplernn_bilstm", ["simplernn_bilstm_input.npy"] },
        // keras-refs2's optimizer models (one MLP trained by each optimizer) whose optimizer SharpKeras loads; the
        // attention, misc-layer, activation and preprocessing models use layers SharpKeras does not have yet.
        { "keras-refs2", "opt_adam", ["optimizers_x.npy"] },
        { "keras-refs2", "opt_sgd_momentum_nesterov", ["optimizers_x.npy"] },
        { "keras-refs2", "opt_rmsprop_centered", ["optimizers_x.npy"] },
        { "keras-refs2", "opt_adam_clipnorm", ["optimizers_x.npy"] },
    };

    [KerasRefsTheory]
    [MemberData(nameof(Models))]
    public void ExportedReferenceModelMatchesPredict(string folder, string name, string[] inputFiles)
    {
        var dir = Path.Combine(Refs!, folder);
        foreach (var file in new[] { $"{name}.keras", $"{name}.h5" }.Where(f => File.Exists(Path.Combine(dir, f))))
        {
            var model = Model.Load(Path.Combine(dir, file));
            var inputs = inputFiles.Select(f => NumpyFile.Load(Path.Combine(dir, f))).ToArray();
            double err = OnnxCheck.MaxError(model, inputs);
            output.WriteLine($"{folder}/{file}: max |ORT - Predict| = {err:G3}");
        }
    }
}
