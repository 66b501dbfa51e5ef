using SharpKeras.Datasets;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Tests.Datasets;

namespace SharpKeras.Tests.Training;

/// <summary>The seed experiment's model on the real Fashion-MNIST (skipped visibly when the data is absent).</summary>
public class SeedModelTests
{
    [FashionMnistFact]
    public void ReachesPublishedAccuracyInFiveEpochsAtBatch10000()
    {
        Config.SetRandomSeed(2024);
        var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData(download: false);
        xTrain = xTrain / 255.0;
        xTest = xTest / 255.0;
        var model = new Sequential();
        model.Add(new Flatten());
        model.Add(new Dense(128, activation: "relu"));
        model.Add(new Dense(10, activation: "softmax"));
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: new[] { "accuracy" });
        var history = model.Fit(xTrain, yTrain, batchSize: 10000, epochs: 5, verbose: 0);
        var (loss, acc) = model.Evaluate(xTest, yTest, verbose: 0);
        Assert.True(acc >= 0.74, $"test accuracy {acc:F4} (loss {loss:F4})");
        Assert.True(history["loss"][^1] < history["loss"][0]);
        Assert.Equal(new Shape(10000, 10), model.Predict(xTest, verbose: 0).Shape);
    }
}
