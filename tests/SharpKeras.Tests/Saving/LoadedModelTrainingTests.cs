using SharpKeras.Datasets;
using SharpKeras.Models;

namespace SharpKeras.Tests.Saving;

/// <summary>A compiled model loaded from Keras's .keras file trains as Keras trained it.</summary>
public class LoadedModelTrainingTests
{
    [KerasRefsTheory]
    [InlineData("mlp_initial.keras")]
    [InlineData("mlp_initial.weights.h5")]
    public void MlpInitialLoadedFromFileReproducesKerasFirstEpochs(string file)
    {
        if (FashionMnist.FindLocal() is null)
        {
            // The Keras-file half still runs without the data set: the model comes back compiled as Keras saved it.
            Assert.True(Model.Load(KerasRefs.File("mlp_initial.keras")).Compiled);
            return;
        }
        Model model;
        if (file.EndsWith(".keras", StringComparison.Ordinal))
        {
            model = Model.Load(KerasRefs.File(file));
        }
        else
        {
            model = KerasRefsFileTests.BuildInCode("mlp");
            model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
            model.LoadWeights(KerasRefs.File(file));
        }
        Assert.True(model.Compiled);
        Assert.Equal(0, model.Optimizer!.Iterations);
        var ((x, y), _) = FashionMnist.LoadData(download: false);
        x = x / 255.0;
        var history = model.Fit(x, y, batchSize: 10000, epochs: 2, verbose: 0, shuffle: false);
        // Keras: loss 1.847194, 1.159217; accuracy 0.40650, 0.64507 (mlp_training_curve.json, batch 10000).
        Assert.Equal(1.8471938, history["loss"][0], 1.8471938 * 1e-4);
        Assert.Equal(1.1592169, history["loss"][1], 1.1592169 * 1e-4);
        Assert.Equal(0.40650, history["accuracy"][0], 5e-4);
        Assert.Equal(0.64507, history["accuracy"][1], 5e-4);
    }
}
