using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SharpKeras.Models;

namespace SharpKeras.Onnx.Tests.Export;

/// <summary>Exports a model, runs the file in ONNX Runtime and measures how far it is from SharpKeras's Predict.</summary>
internal static class OnnxCheck
{
    /// <summary>The tolerance the issue asks for: ONNX Runtime reproduces Predict to 1e-5.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>Max |ORT - Predict| over every output; asserts the output names, shapes and the tolerance.</summary>
    public static double MaxError(Model model, params Tensor[] inputs)
    {
        var expected = model.PredictOutputs(inputs, verbose: 0);
        var path = Path.Combine(Path.GetTempPath(), $"sharpkeras-onnx-{Guid.NewGuid():N}.onnx");
        try
        {
            model.Export(path);
            using var session = new InferenceSession(path);
            var names = session.InputMetadata.Keys.ToArray();
            Assert.Equal(inputs.Length, names.Length);
            var feeds = new List<NamedOnnxValue>();
            for (int i = 0; i < inputs.Length; i++)
            {
                var dims = inputs[i].Shape.ToArray();
                feeds.Add(inputs[i].DType == DType.Int32
                    ? NamedOnnxValue.CreateFromTensor(names[i], new DenseTensor<int>(inputs[i].ToInt32Array(), dims))
                    : NamedOnnxValue.CreateFromTensor(names[i], new DenseTensor<float>(inputs[i].ToArray(), dims)));
            }
            using var results = session.Run(feeds);
            Assert.Equal(expected.Length, results.Count);
            double max = 0;
            int k = 0;
            foreach (var r in results)
            {
                var t = r.AsTensor<float>();
                Assert.Equal(expected[k].Shape.ToArray(), t.Dimensions.ToArray());
                var want = expected[k].ToArray();
                var got = t.ToArray();
                for (int i = 0; i < want.Length; i++)
                {
                    max = Math.Max(max, Math.Abs(want[i] - got[i]));
                }
                k++;
            }
            Assert.True(max <= Tolerance, $"ONNX Runtime differs from Predict by {max:G3} (> {Tolerance}) for model '{model.Name}'");
            return max;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Uniform values in [low, high) from a fixed seed.</summary>
    public static Tensor Random(int seed, float low, float high, params int[] shape)
    {
        var rng = new Random(seed);
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = low + (float)rng.NextDouble() * (high - low);
        }
        return Tensor.FromArray(data, shape);
    }

    /// <summary>Replaces every weight with seeded noise so that biases, gamma/beta and moving statistics all matter.</summary>
    public static void Randomize(Model model, int seed)
    {
        int i = 0;
        foreach (var w in model.Weights)
        {
            bool positive = w.Name.Contains("variance", StringComparison.Ordinal);
            w.Assign(Random(seed + i++, positive ? 0.5f : -0.5f, positive ? 1.5f : 0.5f, w.Shape.ToArray()));
        }
    }
}
