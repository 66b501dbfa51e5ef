using SharpKeras.Datasets;

namespace SharpKeras.Examples;

/// <summary>The MNIST-shaped data of the keras-io guides: Fashion-MNIST when installed (never downloaded), else generated.</summary>
internal static class MnistShaped
{
    /// <summary>(N, 784) floats in [0, 1] and (N,) labels: Fashion-MNIST when found, else generated digits-like data.</summary>
    public static (Tensor X, Tensor Y, string Source) Load(int samples, string? dataPath)
    {
        try
        {
            var ((xTrain, yTrain), _) = FashionMnist.LoadData(dataPath, download: false);
            int n = Math.Min(samples, xTrain.Shape[0]);
            // Reshaped to (-1, 784) as the guides do, and scaled to [0, 1] as the built-in training guide does.
            return ((xTrain.Slice(0, n) / 255.0).Reshape(-1, 784), yTrain.Slice(0, n), "real Fashion-MNIST");
        }
        catch (FileNotFoundException)
        {
            // Ten classes, each a fixed random template plus noise, in MNIST's shape.
            var rng = new Random(7);
            var templates = new float[10 * 784];
            for (int i = 0; i < templates.Length; i++)
            {
                templates[i] = rng.NextDouble() < 0.2 ? 1f : 0f;
            }
            var x = new float[samples * 784];
            var y = new float[samples];
            for (int i = 0; i < samples; i++)
            {
                int label = rng.Next(10);
                y[i] = label;
                for (int j = 0; j < 784; j++)
                {
                    x[i * 784 + j] = Math.Clamp(templates[label * 784 + j] + (float)(rng.NextDouble() - 0.5) * 0.8f, 0f, 1f);
                }
            }
            return (Tensor.FromArray(x, samples, 784), Tensor.FromArray(y, samples), "generated data (Fashion-MNIST not found)");
        }
    }
}
