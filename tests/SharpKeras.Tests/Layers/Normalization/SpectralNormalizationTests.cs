using SharpKeras.Initializers;
using SharpKeras.Layers;
using SharpKeras.Models;
using SharpKeras.Optimizers;
using SharpKeras.Saving;
using static SharpKeras.Tests.GradCheck;

namespace SharpKeras.Tests.Layers.Normalization;

/// <summary>SpectralNormalization against power iteration written out in double precision, in training, Fit, saving and bad inputs.</summary>
public class SpectralNormalizationTests
{
    // Keras's normalized_weights on a kernel viewed as (rows, cols) and u (1, cols): returns (kernel / sigma, u).
    private static (double[] Kernel, double[] U) Reference(float[] w, float[] u0, int iterations)
    {
        int cols = u0.Length, rows = w.Length / cols;
        var u = u0.Select(x => (double)x).ToArray();
        var v = new double[rows];
        static void Normalize(double[] a)
        {
            double n = Math.Sqrt(a.Sum(x => x * x));
            for (int i = 0; i < a.Length; i++)
            {
                a[i] /= n;
            }
        }
        for (int it = 0; it < iterations; it++)
        {
            for (int i = 0; i < rows; i++)
            {
                v[i] = Enumerable.Range(0, cols).Sum(j => u[j] * w[i * cols + j]);
            }
            Normalize(v);
            for (int j = 0; j < cols; j++)
            {
                u[j] = Enumerable.Range(0, rows).Sum(i => v[i] * w[i * cols + j]);
            }
            Normalize(u);
        }
        double sigma = 0;
        for (int j = 0; j < cols; j++)
        {
            sigma += u[j] * Enumerable.Range(0, rows).Sum(i => v[i] * w[i * cols + j]);
        }
        return (w.Select(x => x / sigma).ToArray(), u);
    }

    // The largest singular value of a (rows, cols) matrix, by many power iterations from a fixed start.
    private static double SpectralNorm(float[] w, int cols)
    {
        var start = Enumerable.Range(0, cols).Select(j => 1f + 0.1f * j).ToArray();
        var (_, u) = Reference(w, start, 500);
        int rows = w.Length / cols;
        double s = 0;
        for (int i = 0; i < rows; i++)
        {
            double r = Enumerable.Range(0, cols).Sum(j => w[i * cols + j] * u[j]);
            s += r * r;
        }
        return Math.Sqrt(s);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void TrainingCallDividesTheKernelByItsEstimatedSpectralNorm(int iterations)
    {
        var dense = new Dense(3, kernelInitializer: new RandomNormal(0, 1, 2), biasInitializer: new RandomNormal(0, 1, 3));
        var sn = new SpectralNormalization(dense, iterations);
        var x = Random(1, -1, 1, 2, 4);
        var inference = sn.Apply(x).ToArray();
        var w0 = dense.Kernel!.Value.ToArray();
        var u0 = sn.VectorU!.Value.ToArray();
        Assert.Equal(new Shape(1, 3), sn.VectorU.Shape);
        Assert.False(sn.VectorU.Trainable);
        // Inference leaves everything alone and is the plain Dense.
        Assert.Equal(w0, dense.Kernel.Value.ToArray());
        Assert.Equal(inference, dense.Apply(x).ToArray());

        var (kernel, u) = Reference(w0, u0, iterations);
        var y = sn.Apply(x, training: true).ToArray();
        var w1 = dense.Kernel.Value.ToArray();
        for (int i = 0; i < w1.Length; i++)
        {
            Assert.True(Math.Abs(w1[i] - kernel[i]) < 1e-5, $"kernel {i}: {w1[i]} versus {kernel[i]}");
        }
        var u1 = sn.VectorU.Value.ToArray();
        for (int j = 0; j < 3; j++)
        {
            Assert.True(Math.Abs(u1[j] - u[j]) < 1e-5, $"u {j}: {u1[j]} versus {u[j]}");
        }
        var xs = x.ToArray();
        var b = dense.Bias!.Value.ToArray();
        for (int n = 0; n < 2; n++)
        {
            for (int k = 0; k < 3; k++)
            {
                double e = b[k] + Enumerable.Range(0, 4).Sum(i => xs[n * 4 + i] * kernel[i * 3 + k]);
                Assert.True(Math.Abs(y[n * 3 + k] - e) < 1e-5, $"output ({n}, {k}): {y[n * 3 + k]} versus {e}");
            }
        }
    }

    [Fact]
    public void RepeatedTrainingCallsBringTheSpectralNormToOne()
    {
        var conv = new Conv2D(4, 3, kernelInitializer: new RandomNormal(0, 1, 4));
        var sn = new SpectralNormalization(conv);
        var x = Random(2, -1, 1, 1, 5, 5, 2);
        for (int i = 0; i < 30; i++)
        {
            sn.Apply(x, training: true);
        }
        Assert.Equal(new Shape(1, 4), sn.VectorU!.Shape);
        Assert.InRange(SpectralNorm(conv.Kernel!.Value.ToArray(), 4), 0.999, 1.001);
    }

    [Fact]
    public void FitNormalisesOnEveryReplayedStep()
    {
        // With a zero learning rate only the normalisation moves the kernel: after many steps its spectral
        // norm is 1, which a step plan replaying without the normalisation would not reach.
        var dense = new Dense(3, kernelInitializer: new RandomNormal(0, 1, 7));
        var model = new Sequential([new InputLayer([5]), new SpectralNormalization(dense), new Dense(1)]);
        model.Compile(new SGD(0.0), "mse");
        var x = Random(3, -1, 1, 64, 5);
        var y = Random(4, -1, 1, 64, 1);
        double before = SpectralNorm(dense.Kernel!.Value.ToArray(), 3);
        model.Fit(x, y, batchSize: 4, epochs: 2, verbose: 0, shuffle: false);
        Assert.True(Math.Abs(before - 1) > 0.1, $"the test needs a start away from 1, got {before}");
        Assert.InRange(SpectralNorm(dense.Kernel.Value.ToArray(), 3), 0.999, 1.001);
    }

    [Fact]
    public void GradientsAreTheWrappedLayers()
    {
        var dense = new Dense(3, kernelInitializer: new RandomNormal(0, 1, 2));
        var sn = new SpectralNormalization(dense);
        var x = Random(5, -1, 1, 2, 4);
        sn.Apply(x);
        Check(t => sn.Apply(t[0]), [x]);
        Check(t => sn.Apply(x), [dense.Kernel!.Value, dense.Bias!.Value]);
        Assert.Equal(2, sn.TrainableWeights.Count);
        Assert.Contains(sn.VectorU!, sn.NonTrainableWeights);
    }

    [Fact]
    public void ConfigRoundTripsAndEmbeddingsAreNormalisedToo()
    {
        var sn = new SpectralNormalization(new Dense(2, name: "inner"), powerIterations: 4, name: "sn");
        var c = sn.GetConfig();
        Assert.Equal(4, c["power_iterations"]!.GetValue<int>());
        Assert.Equal("Dense", c["layer"]!["class_name"]!.GetValue<string>());
        var back = Assert.IsType<SpectralNormalization>(KerasSerializer.Layer(KerasSerializer.Serialize(sn)));
        Assert.Equal(4, back.PowerIterations);
        Assert.Equal("inner", back.Layer.Name);
        Assert.Equal(c.ToJsonString(), back.GetConfig().ToJsonString());

        var emb = new Embedding(6, 3, embeddingsInitializer: new RandomNormal(0, 1, 9));
        var se = new SpectralNormalization(emb);
        se.Apply(Tensor.FromArray(new[] { 1, 2, 3 }, 1, 3), training: true);
        Assert.Equal(new Shape(1, 3), se.VectorU!.Shape);
    }

    [Fact]
    public void AModelSavesAndLoadsWithVectorU()
    {
        var dense = new Dense(3, kernelInitializer: new RandomNormal(0, 1, 2));
        var sn = new SpectralNormalization(dense, name: "sn");
        var model = new Sequential([new InputLayer([4]), sn]);
        var x = Random(6, -1, 1, 2, 4);
        sn.Apply(x, training: true);
        var before = model.Predict(x, verbose: 0).ToArray();
        var dir = Directory.CreateTempSubdirectory("sk-sn-").FullName;
        try
        {
            foreach (var file in new[] { "m.keras", "m.h5" })
            {
                var path = Path.Combine(dir, file);
                model.Save(path);
                var loaded = Model.Load(path);
                Assert.Equal(before, loaded.Predict(x, verbose: 0).ToArray());
                var lsn = Assert.IsType<SpectralNormalization>(loaded.Layers[0]);
                Assert.Equal(sn.VectorU!.Value.ToArray(), lsn.VectorU!.Value.ToArray());
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void BadInputsNameTheLayerAndWhatWasExpected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SpectralNormalization(new Dense(2), 0, name: "sn0"));
        Assert.Contains("sn0", e.Message);
        Assert.Contains("got 0", e.Message);
        var a = Assert.Throws<ArgumentException>(() => new SpectralNormalization(new Flatten(name: "flat"), name: "snf").Apply(Tensor.Zeros(new Shape(2, 3))));
        Assert.Contains("snf", a.Message);
        Assert.Contains("'flat'", a.Message);
        Assert.Contains("'kernel' nor 'embeddings'", a.Message);
        var sn = new SpectralNormalization(new Dense(2, name: "d4"), name: "sn4");
        sn.Apply(Tensor.Zeros(new Shape(2, 4)));
        a = Assert.Throws<ArgumentException>(() => sn.Apply(Tensor.Zeros(new Shape(2, 5))));
        Assert.Contains("(2, 5)", a.Message);
        Assert.Contains("4", a.Message);
    }
}
