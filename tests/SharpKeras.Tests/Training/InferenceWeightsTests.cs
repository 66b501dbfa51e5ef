using SharpKeras.Constraints;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Training;

namespace SharpKeras.Tests.Training;

/// <summary>
/// Weights kept packed between inference calls: Predict packs a Dense kernel once and reuses the copy, the copy
/// gives the floats of an unpacked product, and every way of changing the weights (SetWeights, Assign, Fit's
/// optimizer, LoadWeights, a constraint) makes the next Predict equal a fresh model's with the new weights.
/// </summary>
public sealed class InferenceWeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sk-infer-weights").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Mlp(int seed)
    {
        Config.SetRandomSeed(seed);
        var model = new Sequential([new Dense(48, 12, "relu"), new Dense(24, null, "tanh"), new Dense(5, null, "softmax")]);
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.EnsureBuilt(new Shape(-1, 12));
        return model;
    }

    private static readonly Tensor X = GradCheck.Random(11, -1, 1, 40, 12);

    /// <summary>Predict at batch 16 (full and partial batches) and one row at a time, flattened.</summary>
    private static float[] Outputs(Model model) =>
        [.. model.Predict(X, batchSize: 16, verbose: 0).ToArray(), .. model.PredictOnBatch(X.Slice(3, 1)).ToArray()];

    /// <summary>What a model never used for inference gives with the same weights.</summary>
    private static float[] Fresh(Model model)
    {
        var fresh = Mlp(99);
        fresh.SetWeights(model.GetWeights());
        return Outputs(fresh);
    }

    private static void SameBits(float[] expected, float[] actual, string route)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"after {route}: output [{i}] is {actual[i]:R}, a fresh model gives {expected[i]:R}");
        }
    }

    [Fact]
    public void PredictKeepsTheKernelPackedUntilItChanges()
    {
        var model = Mlp(1);
        var kernel = ((Dense)model.Layers[0]).Kernel!;
        Assert.Null(kernel.PackedCache);
        Outputs(model);
        var packed = kernel.PackedCache;
        Assert.NotNull(packed);
        Outputs(model);
        Assert.Same(packed, kernel.PackedCache);
        kernel.Assign(GradCheck.Random(3, -1, 1, 12, 48));
        Assert.Null(kernel.PackedCache);
        Outputs(model);
        Assert.NotNull(kernel.PackedCache);
        Assert.NotSame(packed, kernel.PackedCache);
    }

    [Fact]
    public void PackedPredictGivesTheUnpackedFloats()
    {
        var model = Mlp(2);
        var predicted = model.Predict(X, batchSize: 40, verbose: 0).ToArray();
        // Layer.Apply outside a Predict runs eagerly, packing each product's B as it goes.
        var eager = model.Apply(X).ToArray();
        SameBits(eager, predicted, "nothing (eager call)");
        var one = model.PredictOnBatch(X.Slice(5, 1)).ToArray();
        SameBits(model.Apply(X.Slice(5, 1)).ToArray(), one, "nothing (eager call, one row)");
    }

    [Fact]
    public void EveryRouteThatChangesWeightsReachesTheNextPredict()
    {
        var model = Mlp(3);
        var dense = (Dense)model.Layers[0];
        Outputs(model);

        model.SetWeights(Mlp(4).GetWeights());
        SameBits(Fresh(model), Outputs(model), "SetWeights");

        dense.Kernel!.Assign(GradCheck.Random(5, -1, 1, 12, 48));
        dense.Bias!.Assign(GradCheck.Random(6, -1, 1, 48));
        SameBits(Fresh(model), Outputs(model), "Variable.Assign");

        var labels = Tensor.FromArray(Enumerable.Range(0, 40).Select(i => (float)(i * 3 % 5)).ToArray(), 40);
        model.Fit(X, labels, batchSize: 8, epochs: 1, verbose: 0);
        SameBits(Fresh(model), Outputs(model), "Fit");

        var other = Mlp(7);
        var path = Path.Combine(_dir, "other.weights.h5");
        other.SaveWeights(path);
        model.LoadWeights(path);
        SameBits(Outputs(other), Outputs(model), "LoadWeights");

        new NonNeg().ApplyTo(dense.Kernel);
        SameBits(Fresh(model), Outputs(model), "NonNeg.ApplyTo");

        new MaxNorm(0.5).ApplyTo(dense.Kernel);
        SameBits(Fresh(model), Outputs(model), "MaxNorm.ApplyTo");
    }

    [Fact]
    public void ConcurrentPredictsAfterAChangeAllSeeTheNewWeights()
    {
        var model = Mlp(8);
        Outputs(model);
        model.SetWeights(Mlp(9).GetWeights());
        var expected = Fresh(model);
        var results = new float[6][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i => results[i] = Outputs(model));
        foreach (var r in results)
        {
            SameBits(expected, r, "SetWeights, then Predict on 6 threads at once");
        }
    }
}
