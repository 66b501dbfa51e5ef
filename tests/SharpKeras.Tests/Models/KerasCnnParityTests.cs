using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Saving;

namespace SharpKeras.Tests.Models;

/// <summary>
/// Keras's trained CNN (Conv2D same + relu, BatchNormalization, MaxPooling2D, strided Conv2D,
/// GlobalAveragePooling2D, Dense softmax) with its weights and input gives Keras's outputs, in
/// inference (moving statistics) and in training mode (batch statistics).
/// </summary>
public class KerasCnnParityTests
{
    private static Sequential Load()
    {
        var model = new Sequential(
        [
            new InputLayer([28, 28, 1]),
            new Conv2D(8, 3, padding: "same", activation: "relu"),
            new BatchNormalization(),
            new MaxPooling2D(),
            new Conv2D(16, 3, strides: 2),
            new GlobalAveragePooling2D(),
            new Dense(10, activation: "softmax"),
        ]);
        model.EnsureBuilt(new Shape(1, 28, 28, 1));
        string[] paths =
        [
            "layers/conv2d/vars/0", "layers/conv2d/vars/1",
            "layers/batch_normalization/vars/0", "layers/batch_normalization/vars/1",
            "layers/batch_normalization/vars/2", "layers/batch_normalization/vars/3",
            "layers/conv2d_1/vars/0", "layers/conv2d_1/vars/1",
            "layers/dense/vars/0", "layers/dense/vars/1",
        ];
        model.SetWeights([.. paths.Select(p => KerasRefs.ReadWeight("cnn.weights.h5", p))]);
        Assert.Equal(4_320 - 2_870, model.CountParams());
        return model;
    }

    private static void AssertClose(float[] expected, Tensor actual)
    {
        Assert.Equal(new Shape(16, 10), actual.Shape);
        var a = actual.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - expected[i]) <= 1e-5, $"output {i}: {a[i]} versus Keras {expected[i]}");
        }
    }

    [KerasRefsFact]
    public void PredictMatchesKeras()
    {
        var model = Load();
        var x = NumpyFile.Load(KerasRefs.File("cnn_input.npy"));
        AssertClose(NumpyFile.Load(KerasRefs.File("cnn_output.npy")).ToArray(), model.Predict(x, verbose: 0));
    }

    [KerasRefsFact]
    public void TrainingModeCallMatchesKeras()
    {
        var model = Load();
        var x = NumpyFile.Load(KerasRefs.File("cnn_input.npy"));
        AssertClose(NumpyFile.Load(KerasRefs.File("cnn_output_training_mode.npy")).ToArray(), model.Apply(x, training: true));
    }
}
