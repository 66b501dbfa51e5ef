using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Saving;

/// <summary>The .keras, .h5 and .weights.h5 files real Keras wrote load here and predict as Keras did.</summary>
public class KerasRefsFileTests
{
    internal static Tensor[] Inputs(string model) => model switch
    {
        "mlp" => [NumpyFile.Load(KerasRefs.File("mlp_input.npy"))],
        "functional" => [NumpyFile.Load(KerasRefs.File("functional_input_a.npy")), NumpyFile.Load(KerasRefs.File("functional_input_b.npy"))],
        _ => throw new ArgumentException(model),
    };

    internal static void AssertClose(Tensor expected, Tensor actual, double atol = 1e-5)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        var e = expected.ToArray();
        var a = actual.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - e[i]) <= atol, $"output {i}: {a[i]} versus Keras {e[i]}");
        }
    }

    internal static Model BuildInCode(string name)
    {
        if (name == "mlp")
        {
            var seq = new Sequential([new Flatten(), new Dense(128, activation: "relu"), new Dense(10, activation: "softmax")], "mlp");
            seq.EnsureBuilt(new Shape(-1, 28, 28));
            return seq;
        }
        var a = Keras.Input([8], name: "input_a");
        var b = Keras.Input([5], name: "input_b");
        var ba = new Dense(16, activation: "relu", name: "branch_a").Apply(a);
        var bb = new Dense(16, activation: "tanh", name: "branch_b").Apply(b);
        var concat = new Concatenate(name: "concat").Apply([ba, bb]);
        var mix = new Dense(16, name: "mix").Apply(concat);
        var skip = new Dense(16, name: "skip").Apply(ba);
        var added = new Add(name: "add").Apply([mix, skip]);
        var dropped = new Dropout(0.3, name: "dropout").Apply(added);
        var normed = new LayerNormalization(name: "layernorm").Apply(dropped);
        var head = new Dense(4, activation: "softmax", name: "head").Apply(normed);
        return new Model([a, b], head, "functional_two_inputs");
    }

    [KerasRefsTheory]
    [InlineData("mlp", "keras")]
    [InlineData("mlp", "h5")]
    [InlineData("functional", "keras")]
    [InlineData("functional", "h5")]
    public void LoadedModelPredictsAsKeras(string name, string ext)
    {
        var model = Model.Load(KerasRefs.File($"{name}.{ext}"));
        var y = model.PredictOutputs(Inputs(name), verbose: 0)[0];
        AssertClose(NumpyFile.Load(KerasRefs.File($"{name}_output.npy")), y);
    }

    [KerasRefsTheory]
    [InlineData("mlp")]
    [InlineData("functional")]
    public void WeightsFileIntoModelBuiltInCodePredictsAsKeras(string name)
    {
        var model = BuildInCode(name);
        model.LoadWeights(KerasRefs.File($"{name}.weights.h5"));
        AssertClose(NumpyFile.Load(KerasRefs.File($"{name}_output.npy")), model.PredictOutputs(Inputs(name), verbose: 0)[0]);
        // The legacy file's weights load by layer order too.
        var legacy = BuildInCode(name);
        legacy.LoadWeights(KerasRefs.File($"{name}.h5"));
        AssertClose(NumpyFile.Load(KerasRefs.File($"{name}_output.npy")), legacy.PredictOutputs(Inputs(name), verbose: 0)[0]);
    }

    [KerasRefsTheory]
    [InlineData("mlp", "keras")]
    [InlineData("mlp", "h5")]
    [InlineData("functional", "keras")]
    [InlineData("functional", "h5")]
    public void SummaryMatchesKerasTable(string name, string ext)
    {
        var model = Model.Load(KerasRefs.File($"{name}.{ext}"));
        string text = "";
        model.Summary(s => text = s, lineLength: 76);
        var expected = File.ReadAllText(KerasRefs.File($"{name}_summary.txt")).TrimEnd();
        Assert.Equal(expected, text.TrimEnd());
    }

    [KerasRefsFact]
    public void CompiledKerasModelComesBackCompiledWithOptimizerState()
    {
        var model = Model.Load(KerasRefs.File("mlp.keras"));
        Assert.True(model.Compiled);
        var adam = Assert.IsType<SharpKeras.Optimizers.Adam>(model.Optimizer);
        Assert.Equal(1875, adam.Iterations);
        Assert.Equal(0.001, adam.LearningRate, 6);
        Assert.Equal(KerasRefs.ReadWeight("mlp.weights.h5", "optimizer/vars/3").ToArray(), adam.Slots[0][1].ToArray());
        Assert.Equal(["accuracy"], model.MetricNames);
        Assert.IsType<SharpKeras.Losses.SparseCategoricalCrossentropy>(model.Loss);
    }
}
