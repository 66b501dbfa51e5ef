using System.Text.Json.Nodes;
using SharpKeras.Datasets;
using SharpKeras.Models;

namespace SharpKeras.Tests.Saving;

/// <summary>A compiled model loaded from Keras's files trains as Keras trained it.</summary>
public class LoadedModelTrainingTests
{
    /// <summary>Keras's batch-10000 history from mlp_training_curve.json ("loss" or "accuracy", one value per epoch).</summary>
    private static double[] KerasHistory(string key) =>
        [.. JsonNode.Parse(System.IO.File.ReadAllText(KerasRefs.File("mlp_training_curve.json")))!["curves"]!["10000"]!["history"]![key]!
            .AsArray().Select(v => v!.GetValue<double>())];

    [KerasRefsTheory(needsFashionMnist: true)]
    [InlineData("mlp_initial.keras")]
    [InlineData("mlp_initial.weights.h5")]
    public void MlpInitialLoadedFromFileReproducesKerasFirstEpochs(string file)
    {
        Model model;
        if (file.EndsWith(".keras", StringComparison.Ordinal))
        {
            model = Model.Load(KerasRefs.File(file));
        }
        else
        {
            Assert.EndsWith(".weights.h5", file);
            // The architecture in code, the weights from the file under test.
            model = KerasRefsFileTests.BuildInCode("mlp");
            model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
            var fresh = model.GetWeights();
            model.LoadWeights(KerasRefs.File(file));
            Assert.NotEqual(fresh[0].ToArray(), model.GetWeights()[0].ToArray());
        }
        Assert.True(model.Compiled);
        Assert.Equal(0, model.Optimizer!.Iterations);
        var ((x, y), _) = FashionMnist.LoadData(download: false);
        x = x / 255.0;
        var history = model.Fit(x, y, batchSize: 10000, epochs: 2, verbose: 0, shuffle: false);
        var kerasLoss = KerasHistory("loss");
        var kerasAccuracy = KerasHistory("accuracy");
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(kerasLoss[e], history["loss"][e], kerasLoss[e] * 1e-4);
            Assert.Equal(kerasAccuracy[e], history["accuracy"][e], 5e-4);
        }
    }
}
