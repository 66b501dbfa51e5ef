using SharpKeras;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Distribution.Mpi.Worker;

/// <summary>
/// The models and data both the mpirun worker and the single-process reference in the tests build,
/// from the same seeds, so that their training can be compared step by step.
/// </summary>
internal static class DistributedScenarios
{
    public const int Seed = 1234;

    /// <summary>
    /// The seed experiment's MLP on 28x28 inputs (Flatten, Dense(128, relu), Dense(10, softmax), Adam), or a
    /// small CNN with SGD (momentum 0.9), whose step is proportional to the gradient, so a wrongly scaled average shows.
    /// </summary>
    public static Model Build(string model)
    {
        Config.SetRandomSeed(Seed);
        Model m = model switch
        {
            "mlp" => new Sequential(
            [
                new InputLayer([28, 28]),
                new Flatten(),
                new Dense(128, activation: "relu"),
                new Dense(10, activation: "softmax"),
            ]),
            "cnn" => new Sequential(
            [
                new InputLayer([12, 12, 1]),
                new Conv2D(8, kernelSize: 3, activation: "relu"),
                new MaxPooling2D(poolSize: 2),
                new Conv2D(8, kernelSize: 3, activation: "relu"),
                new Flatten(),
                new Dense(10, activation: "softmax"),
            ]),
            _ => throw new ArgumentException($"Unknown scenario model '{model}'; use mlp or cnn.", nameof(model)),
        };
        Optimizers.Optimizer optimizer = model == "mlp" ? new Optimizers.Adam() : new Optimizers.SGD(learningRate: 0.05, momentum: 0.9);
        m.Compile(optimizer: optimizer, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return m;
    }

    /// <summary>Deterministic inputs in [0, 1) and labels 0..9 read from each sample's first value (so training learns something).</summary>
    public static (Tensor X, Tensor Y) Data(string model, int samples)
    {
        int[] shape = model == "cnn" ? [samples, 12, 12, 1] : [samples, 28, 28];
        var x = Keras.Random.Uniform(shape, 0, 1, seed: 7);
        var xs = x.ToArray();
        int row = xs.Length / samples;
        var labels = new float[samples];
        for (int i = 0; i < samples; i++)
        {
            labels[i] = (int)(xs[i * row] * 10) % 10;
        }
        return (x, Tensor.FromArray(labels, samples));
    }

    /// <summary>Every trainable weight of the model, flattened in order.</summary>
    public static float[] Weights(Model model) => [.. model.TrainableWeights.SelectMany(v => v.Value.ToArray())];

    /// <summary>The optimizer's state, flattened: its iteration count, then every weight's slots in order (Adam's m and v, SGD's momentum).</summary>
    public static float[] OptimizerState(Model model) =>
        [model.Optimizer!.Iterations, .. model.Optimizer.Slots.SelectMany(s => s).SelectMany(t => t.ToArray())];
}
