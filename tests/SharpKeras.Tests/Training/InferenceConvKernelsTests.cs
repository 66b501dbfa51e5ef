using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Tests.Training;

/// <summary>
/// Convolution kernels kept packed between inference calls: Predict packs a Conv2D kernel once and reuses the
/// copy, the copy gives the floats of the unpacked convolution, and a write to the kernel (Assign, Fit) makes the
/// next Predict equal a fresh model's with the new weights.
/// </summary>
public sealed class InferenceConvKernelsTests
{
    private static Sequential Cnn(int seed)
    {
        Config.SetRandomSeed(seed);
        var model = new Sequential([
            new Conv2D(8, 3, padding: "same", activation: "relu", inputShape: [9, 9, 2]),
            new Conv2D(5, 3, activation: "relu"), new MaxPooling2D(2), new Flatten(), new Dense(3, activation: "softmax")]);
        model.Compile("adam", "sparse_categorical_crossentropy");
        return model;
    }

    private static readonly Tensor X = GradCheck.Random(21, -1, 1, 10, 9, 9, 2);

    /// <summary>Predict at batch 4 (full and partial batches) and one image alone, flattened.</summary>
    private static float[] Outputs(Model model) =>
        [.. model.Predict(X, batchSize: 4, verbose: 0).ToArray(), .. model.PredictOnBatch(X.Slice(3, 1)).ToArray()];

    private static void SameBits(float[] expected, float[] actual, string route)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"after {route}: output [{i}] is {actual[i]:R}, expected {expected[i]:R}");
        }
    }

    [Fact]
    public void PredictKeepsTheConvKernelPackedUntilItChanges()
    {
        var model = Cnn(1);
        var kernel = ((Conv2D)model.Layers[1]).Kernel!;
        Assert.Null(kernel.PackedCache);
        Outputs(model);
        var packed = kernel.PackedCache;
        Assert.NotNull(packed);
        Outputs(model);
        Assert.Same(packed, kernel.PackedCache);
        kernel.Assign(GradCheck.Random(3, -1, 1, 3, 3, 8, 5));
        Assert.Null(kernel.PackedCache);
        var after = Outputs(model);
        Assert.NotNull(kernel.PackedCache);
        Assert.NotSame(packed, kernel.PackedCache);
        var fresh = Cnn(99);
        fresh.SetWeights(model.GetWeights());
        SameBits(Outputs(fresh), after, "Assign");
    }

    [Fact]
    public void PackedPredictGivesTheEagerFloats()
    {
        var model = Cnn(2);
        var predicted = model.Predict(X, batchSize: 10, verbose: 0).ToArray();
        // Layer.Apply outside a Predict runs eagerly, packing each convolution's kernel for the call.
        SameBits(model.Apply(X).ToArray(), predicted, "nothing (eager call)");
        SameBits(model.Apply(X.Slice(5, 1)).ToArray(), model.PredictOnBatch(X.Slice(5, 1)).ToArray(), "nothing (eager call, one image)");
    }

    [Fact]
    public void AfterFitPredictMatchesAFreshModel()
    {
        var model = Cnn(3);
        var before = Outputs(model);
        var y = Tensor.FromArray(Enumerable.Range(0, 10).Select(i => (float)(i % 3)).ToArray(), 10);
        model.Fit(X, y, batchSize: 5, epochs: 1, verbose: 0);
        var after = Outputs(model);
        Assert.NotEqual(before, after);
        var fresh = Cnn(99);
        fresh.SetWeights(model.GetWeights());
        SameBits(Outputs(fresh), after, "Fit");
    }
}
