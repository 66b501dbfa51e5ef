using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Models;

/// <summary>Keras's trained MLP weights and input give Keras's predictions (mlp_output.npy).</summary>
public class KerasOutputParityTests
{
    [KerasRefsFact]
    public void MlpPredictMatchesKeras()
    {
        var model = new Sequential([new Flatten(), new Dense(128, activation: "relu"), new Dense(10, activation: "softmax")]);
        model.EnsureBuilt(new Shape(1, 28, 28));
        model.SetWeights([.. new[] { "layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_1/vars/1" }
            .Select(p => KerasRefs.ReadWeight("mlp.weights.h5", p))]);
        var x = NumpyFile.Load(KerasRefs.File("mlp_input.npy"));
        var expected = NumpyFile.Load(KerasRefs.File("mlp_output.npy")).ToArray();
        var actual = model.Predict(x, verbose: 0);
        Assert.Equal(new Shape(32, 10), actual.Shape);
        var a = actual.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - expected[i]) <= 1e-6 + 1e-5 * Math.Abs(expected[i]), $"output {i}: {a[i]} versus Keras {expected[i]}");
        }
        // The same predictions through Evaluate's inference path: labels from the reference file.
        var labels = NumpyFile.Load(KerasRefs.File("mlp_input_labels.npy"));
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var result = model.Evaluate(x, labels, verbose: 0);
        Assert.InRange(result["accuracy"], 0.5, 1.0);
    }
}
