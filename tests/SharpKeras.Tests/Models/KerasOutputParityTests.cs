using System.Text.Json.Nodes;
using SharpKeras.Datasets;
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
        // Keras's values for this batch, from its own predictions: the fraction whose argmax is the
        // label, and the mean of -log(p[label]) with p clipped to [1e-7, 1 - 1e-7].
        int correct = 0;
        double loss = 0;
        for (int i = 0; i < 32; i++)
        {
            var row = expected.AsSpan(i * 10, 10);
            int label = (int)labels.GetFloat(i);
            correct += row.IndexOf(row.ToArray().Max()) == label ? 1 : 0;
            loss -= Math.Log(Math.Clamp(row[label], 1e-7, 1 - 1e-7));
        }
        Assert.Equal(correct / 32.0, result["accuracy"]);
        Assert.Equal(loss / 32, result.Loss, loss / 32 * 1e-5);
    }

    /// <summary>Evaluate on the whole Fashion-MNIST test set with Keras's trained weights gives Keras's evaluate (mlp_training_curve.json).</summary>
    [KerasRefsTheory(needsFashionMnist: true)]
    [InlineData("10000")]
    [InlineData("128")]
    public void MlpEvaluateOnTheTestSetMatchesKeras(string curve)
    {
        var reference = JsonNode.Parse(File.ReadAllText(KerasRefs.File("mlp_training_curve.json")))!["curves"]![curve]!;
        var model = new Sequential([new Flatten(), new Dense(128, activation: "relu"), new Dense(10, activation: "softmax")]);
        model.EnsureBuilt(new Shape(1, 28, 28));
        var weights = reference["final_weights"]!.GetValue<string>();
        model.SetWeights([.. new[] { "layers/dense/vars/0", "layers/dense/vars/1", "layers/dense_1/vars/0", "layers/dense_1/vars/1" }
            .Select(p => KerasRefs.ReadWeight(weights, p))]);
        model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        var (_, (xTest, yTest)) = FashionMnist.LoadData(download: false);
        var result = model.Evaluate(xTest / 255.0, yTest, verbose: 0);
        double kerasAccuracy = reference["test_evaluate_after"]!["accuracy"]!.GetValue<double>();
        double kerasLoss = reference["test_evaluate_after"]!["loss"]!.GetValue<double>();
        // Accuracy over 10000 samples: one flipped argmax (a float32 near-tie) moves it by 1e-4.
        Assert.Equal(kerasAccuracy, result["accuracy"], 1.5e-4);
        Assert.Equal(kerasLoss, result.Loss, kerasLoss * 1e-5);
    }
}
