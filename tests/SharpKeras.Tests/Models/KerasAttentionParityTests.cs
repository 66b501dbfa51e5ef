using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;
using SharpKeras.Tests.Saving;

namespace SharpKeras.Tests.Models;

/// <summary>
/// keras-refs2's attention models (a Transformer encoder block around MultiHeadAttention, written by Keras 3.11):
/// loaded from .keras, .h5 and .weights.h5 they predict Keras's outputs to 1e-6 relative, and Summary prints Keras's table.
/// </summary>
public sealed class KerasAttentionParityTests
{
    private static string File(string name) => Path.Combine(KerasOptimizerFileTests.s_dir!, name);

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray();
        var a = actual.ToArray();
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-6 * Math.Max(Math.Abs(e[i]), 1e-2), $"element {i}: Keras {e[i]}, here {a[i]} (difference {Math.Abs(e[i] - a[i]):E2})");
        }
    }

    /// <summary>The `attention` model written in C# as the generator wrote it in Python.</summary>
    private static Model Encoder()
    {
        var x = SharpKeras.Keras.Input([12, 16], name: "x");
        var att = new MultiHeadAttention(2, 8, name: "enc_mha").Apply(x, x);
        var h = new LayerNormalization(name: "enc_ln1").Apply(new Add(name: "enc_add1").Apply([x, att]));
        var ff = new Dense(16, name: "enc_ff2").Apply(new Dense(32, activation: "gelu", name: "enc_ff1").Apply(h));
        var h2 = new LayerNormalization(name: "enc_ln2").Apply(new Add(name: "enc_add2").Apply([h, ff]));
        var y = new Dense(3, activation: "softmax").Apply(new GlobalAveragePooling1D().Apply(h2));
        return new Model(x, y, "attention");
    }

    [Refs2Theory]
    [InlineData("attention.keras")]
    [InlineData("attention.h5")]
    [InlineData("attention_masked.keras")]
    public void AttentionModelPredictsKerasOutputs(string file)
    {
        var name = file[..file.IndexOf('.', StringComparison.Ordinal)];
        var model = Model.Load(File(file));
        AssertClose(NumpyFile.Load(File(name + "_output.npy")), model.Predict(NumpyFile.Load(File(name + "_input.npy")), verbose: 0));
    }

    [Refs2Fact]
    public void MaskedModelWeightsLoadIntoTheModelFromItsConfig()
    {
        // The masked model's graph (Embedding mask, not_equal and logical_or nodes, a mask keyword) comes from its
        // config; its weights come from the separate .weights.h5 file.
        var model = Model.FromJson(Model.Load(File("attention_masked.keras")).ToJson());
        model.LoadWeights(File("attention_masked.weights.h5"));
        AssertClose(NumpyFile.Load(File("attention_masked_output.npy")), model.Predict(NumpyFile.Load(File("attention_masked_input.npy")), verbose: 0));
    }

    [Refs2Theory]
    [InlineData("attention.weights.h5")]
    [InlineData("attention.h5")]
    public void AttentionWeightsLoadIntoTheModelWrittenInCode(string file)
    {
        var model = Encoder();
        model.LoadWeights(File(file));
        AssertClose(NumpyFile.Load(File("attention_output.npy")), model.Predict(NumpyFile.Load(File("attention_input.npy")), verbose: 0));
    }

    [Refs2Theory]
    [InlineData("attention")]
    [InlineData("attention_masked")]
    public void SummaryPrintsKerasTable(string name)
    {
        var model = Model.Load(File(name + ".keras"));
        string text = "";
        model.Summary(s => text = s);
        Assert.Equal(System.IO.File.ReadAllText(File(name + "_summary.txt")).ReplaceLineEndings("\n").TrimEnd(), text.ReplaceLineEndings("\n").TrimEnd());
    }

    [Refs2Theory]
    [InlineData("attention")]
    [InlineData("attention_masked")]
    public void AModelSavedHereMatchesAfterReload(string name)
    {
        var model = Model.Load(File(name + ".keras"));
        var x = NumpyFile.Load(File(name + "_input.npy"));
        var dir = Directory.CreateTempSubdirectory("sk-attref-").FullName;
        try
        {
            var path = Path.Combine(dir, "again.keras");
            model.Save(path);
            Assert.Equal(model.Predict(x, verbose: 0).ToArray(), Model.Load(path).Predict(x, verbose: 0).ToArray());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

/// <summary>A fact that needs ../shared/keras-refs2; skipped visibly when it is absent.</summary>
internal sealed class Refs2FactAttribute : FactAttribute
{
    public Refs2FactAttribute()
    {
        if (KerasOptimizerFileTests.s_dir is null)
        {
            Skip = "Keras reference files not found (expected ../shared/keras-refs2 beside the checkout)";
        }
    }
}
