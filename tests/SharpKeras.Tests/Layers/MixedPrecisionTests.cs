using SharpKeras.Backend.Reference;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Tests.Training;

namespace SharpKeras.Tests.Layers;

/// <summary>
/// Layers and models under the mixed_bfloat16 policy: inputs, autocast weights and outputs rounded to bfloat16, weights kept
/// and updated in float32, BatchNormalization computing in float32, training and inference plans that round on every replay.
/// </summary>
public class MixedPrecisionTests
{
    private static bool IsBfloat16(float v) => (BitConverter.SingleToUInt32Bits(v) & 0xFFFFu) == 0;

    private static float[] Round(float[] x)
    {
        var y = new float[x.Length];
        ReferenceBackend.Instance.RoundToBfloat16(x, y);
        return y;
    }

    private static Tensor Round(Tensor t) => Tensor.FromArray(Round(t.ToArray()), t.Shape.ToArray());

    /// <summary>An MLP made in a flow whose global policy is <paramref name="policy"/> (this test's own flow keeps float32).</summary>
    private static Task<Sequential> Mlp(int seed, string policy) => Task.Run(() =>
    {
        Config.SetDtypePolicy(policy);
        Config.SetRandomSeed(seed);
        var m = new Sequential([Keras.Input([6]), new Dense(16, activation: "relu"), new Dense(3, activation: "softmax")]);
        m.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
        return m;
    });

    [Fact]
    public void DenseRoundsItsInputKernelAndOutput()
    {
        var x = GradCheck.Random(1, -2f, 2f, 4, 5);
        var dense = new Dense(3, activation: "tanh");
        dense.Apply(x);
        dense.Bias!.Assign(GradCheck.Random(2, -1f, 1f, 3));
        // The float32 computation on the rounded input and weights, rounded: what the mixed layer must give.
        var twin = new Dense(3, activation: "tanh");
        twin.Apply(x);
        twin.Kernel!.Assign(Round(dense.Kernel!.Value));
        twin.Bias!.Assign(Round(dense.Bias.Value));
        var expected = Round(twin.Apply(Round(x)).ToArray());
        var storedBefore = dense.Kernel.Value.ToArray();

        dense.DtypePolicy = "mixed_bfloat16";
        var y = dense.Apply(x).ToArray();

        Assert.Equal(expected, y);
        Assert.All(y, v => Assert.True(IsBfloat16(v), $"{v} is not a bfloat16"));
        // The variable itself is untouched: float32 values, the same tensor outside the call.
        Assert.Same(dense.Kernel.Value, dense.Kernel.Value);
        Assert.Equal(storedBefore, dense.Kernel.Value.ToArray());
        Assert.Contains(storedBefore, v => !IsBfloat16(v));
    }

    [Fact]
    public void BatchNormalizationComputesInFloat32WithUnroundedWeights()
    {
        var x = Round(GradCheck.Random(3, -2f, 2f, 6, 4));
        var bn = new BatchNormalization();
        bn.Apply(x);
        bn.Gamma!.Assign(GradCheck.Random(4, 0.5f, 1.5f, 4));
        bn.Beta!.Assign(GradCheck.Random(5, -0.5f, 0.5f, 4));
        bn.MovingMean!.Assign(GradCheck.Random(6, -0.1f, 0.1f, 4));
        bn.MovingVariance!.Assign(GradCheck.Random(7, 0.5f, 1.5f, 4));
        var y32 = bn.Apply(x).ToArray();
        bn.DtypePolicy = "mixed_bfloat16";
        var y16 = bn.Apply(x).ToArray();
        Assert.Equal(Round(y32), y16);
    }

    [Fact]
    public async Task MixedModelTrainsFloat32WeightsAndStaysCloseToFloat32()
    {
        var (x, y) = FitTests.Blobs(192, 3);
        var m16 = await Mlp(5, "mixed_bfloat16");
        var m32 = await Mlp(5, "float32");
        Assert.Equal("mixed_bfloat16", m16.DtypePolicy.Name);
        Assert.All(m16.Layers, l => Assert.Equal("bfloat16", l.ComputeDtype));
        var kernel = ((Dense)m16.Layers[0]).Kernel!;
        Assert.Equal(m32.Layers[0].Weights[0].Value.ToArray(), kernel.Value.ToArray());

        var p16 = m16.Predict(x, verbose: 0).ToArray();
        var p32 = m32.Predict(x, verbose: 0).ToArray();
        Assert.All(p16, v => Assert.True(IsBfloat16(v), $"prediction {v} is not a bfloat16"));
        Assert.True(p16.Zip(p32).Max(t => Math.Abs(t.First - t.Second)) < 0.02, "bfloat16 predictions far from float32");

        var before = kernel.Value.ToArray();
        var h16 = m16.Fit(x, y, batchSize: 32, epochs: 4, verbose: 0);
        var h32 = m32.Fit(x, y, batchSize: 32, epochs: 4, verbose: 0);
        var after = kernel.Value.ToArray();
        Assert.NotEqual(before, after);
        // Updated in float32: the optimizer's small steps leave values that are not bfloat16.
        Assert.True(after.Count(v => !IsBfloat16(v)) > after.Length / 2, "weights were rounded to bfloat16");
        Assert.True(h16["loss"][^1] < h16["loss"][0], $"bfloat16 loss did not fall: {string.Join(", ", h16["loss"])}");
        Assert.True(Math.Abs(h16["loss"][^1] - h32["loss"][^1]) < 0.05, $"losses {h16["loss"][^1]} (bfloat16) and {h32["loss"][^1]} (float32)");
        Assert.True(Math.Abs(h16["accuracy"][^1] - h32["accuracy"][^1]) < 0.1, $"accuracies {h16["accuracy"][^1]} (bfloat16) and {h32["accuracy"][^1]} (float32)");
    }

    [Fact]
    public async Task InferencePlanRoundsTheCurrentWeightsAfterEveryChange()
    {
        var (x, _) = FitTests.Blobs(64, 4);
        var m = await Mlp(6, "mixed_bfloat16");
        var kernel = ((Dense)m.Layers[0]).Kernel!;
        var first = m.Predict(x, verbose: 0).ToArray();
        Assert.Equal(first, m.Predict(x, verbose: 0).ToArray());
        // A write to the variable must reach the next prediction through its rounded, packed copy.
        var halved = kernel.Value.ToArray().Select(v => v * 0.37f).ToArray();
        kernel.Assign(Tensor.FromArray(halved, kernel.Shape.ToArray()));
        var second = m.Predict(x, verbose: 0).ToArray();
        var eager = m.Apply(x).ToArray();
        Assert.All(second, v => Assert.True(IsBfloat16(v)));
        for (int i = 0; i < eager.Length; i++)
        {
            Assert.True(Math.Abs(second[i] - eager[i]) <= Math.Abs(eager[i]) / 128 + 1e-6, $"[{i}] plan {second[i]}, eager {eager[i]}");
        }
        Assert.True(second.Zip(first).Max(t => Math.Abs(t.First - t.Second)) > 0.01, "prediction did not follow the changed kernel");
    }

    [Fact]
    public async Task MixedTrainingStepAllocatesNothingPerStep()
    {
        var (x, y) = FitTests.Blobs(384, 8);
        var m = await Mlp(7, "mixed_bfloat16");
        m.Fit(x, y, batchSize: 32, epochs: 1, verbose: 0);
        long Measure(int samples)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            m.Fit(x.Slice(0, samples), y.Slice(0, samples), batchSize: 32, epochs: 1, verbose: 0);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Measure(64);
        Measure(384);
        long two = long.MaxValue, twelve = long.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            two = Math.Min(two, Measure(64));
            twelve = Math.Min(twelve, Measure(384));
        }
        // Only the shuffle order grows with the sample count; the 10 more steps add nothing.
        Assert.True(twelve - two <= 320 * 8 + 512, $"10 more mixed-precision steps allocated {twelve - two} bytes");
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public async Task SavedMixedModelLoadsWithItsPoliciesAndPredictsTheSame(string extension)
    {
        var (x, _) = FitTests.Blobs(16, 5);
        var m = await Mlp(8, "mixed_bfloat16");
        ((Dense)m.Layers[1]).DtypePolicy = "float32";
        var path = Path.Combine(Path.GetTempPath(), $"sk-mixed-{Guid.NewGuid():N}{extension}");
        try
        {
            m.Save(path);
            var back = Model.Load(path);
            Assert.Equal(["mixed_bfloat16", "float32"], back.Layers.Select(l => l.DtypePolicy.Name));
            Assert.Equal("mixed_bfloat16", back.DtypePolicy.Name);
            Assert.Equal(m.Predict(x, verbose: 0).ToArray(), back.Predict(x, verbose: 0).ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A layer that notes whether its call read its weight as stored or as an autocast copy.</summary>
    private sealed class Probe : Layer
    {
        private Variable? _w;

        public bool? ReadStored { get; private set; }

        protected override void Build(Shape inputShape) => _w = AddWeight("w", new Shape(inputShape[-1]), new SharpKeras.Initializers.Ones());

        protected override Tensor Call(Tensor inputs, bool training)
        {
            ReadStored = ReferenceEquals(_w!.Value, _w.Stored);
            return SharpKeras.Ops.Multiply(inputs, _w.Value);
        }

        public override Shape ComputeOutputShape(Shape inputShape) => inputShape;
    }

    [Theory]
    [InlineData("mixed_bfloat16", "float32", true)]
    [InlineData("float32", "mixed_bfloat16", false)]
    [InlineData("mixed_bfloat16", "mixed_bfloat16", false)]
    [InlineData("float32", "float32", true)]
    public void LayerReadsWeightsByItsOwnPolicyInsideAModel(string model, string layer, bool stored)
    {
        var probe = new Probe { DtypePolicy = layer };
        var outer = new Sequential([Keras.Input([4]), probe]) { DtypePolicy = model };
        var y = outer.Apply(GradCheck.Random(9, -1f, 1f, 3, 4)).ToArray();
        Assert.Equal(stored, probe.ReadStored);
        // A Sequential, as Keras's functional models, leaves the casts to its layers.
        if (layer == "mixed_bfloat16")
        {
            Assert.All(y, v => Assert.True(IsBfloat16(v)));
        }
        else
        {
            Assert.Contains(y, v => !IsBfloat16(v));
        }
    }
}
