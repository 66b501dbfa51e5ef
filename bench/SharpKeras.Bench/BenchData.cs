using System.Runtime.InteropServices;
using SharpKeras.Datasets;

namespace SharpKeras.Bench;

/// <summary>A workload's training data: float inputs, integer labels, and where they came from.</summary>
public sealed class BenchData
{
    private BenchData(Tensor x, int[] labels, string source)
    {
        X = x;
        Labels = labels;
        Y = Tensor.FromArray(labels, labels.Length);
        Source = source;
    }

    /// <summary>Inputs, (samples, ...input shape), float32 scaled to [0, 1].</summary>
    public Tensor X { get; }

    /// <summary>Integer class labels, (samples,).</summary>
    public Tensor Y { get; }

    /// <summary>The labels as an array.</summary>
    public int[] Labels { get; }

    /// <summary>What the data is (a file path, or "synthetic ..." and why).</summary>
    public string Source { get; }

    /// <summary>Number of samples.</summary>
    public int Samples => X.Shape[0];

    /// <summary>Loads (or generates) <paramref name="samples"/> samples for the workload.</summary>
    public static BenchData Load(Workload w, int samples, string? dataPath, int seed)
    {
        switch (w.Data)
        {
            case DataKind.FashionMnist:
                return Real(w, samples, dataPath, "Fashion-MNIST")
                    ?? Synthetic(w, samples, seed, $"synthetic data of Fashion-MNIST's shape (Fashion-MNIST {NotFound})");
            case DataKind.Mnist:
                // Without MNIST, Fashion-MNIST has the same shape and classes and still gives meaningful accuracy curves.
                return Real(w, samples, dataPath, "MNIST")
                    ?? Real(w, samples, dataPath, "Fashion-MNIST", $"; MNIST {NotFound}, so Fashion-MNIST (same shape and classes) stands in")
                    ?? Synthetic(w, samples, seed, $"synthetic data of MNIST's shape (MNIST and Fashion-MNIST {NotFound})");
            case DataKind.SyntheticTokens:
                return Tokens(w, samples, seed);
            case DataKind.SyntheticBabi:
                return Babi(w, samples, seed);
            default:
                return Synthetic(w, samples, seed, "synthetic (uniform random inputs and labels, as keras_benchmarks generates)");
        }
    }

    private const string NotFound = "not found in Keras's dataset folders ($KERAS_HOME/datasets, ~/.keras/datasets, /usr/share/datasets) or --data";

    /// <summary>The first <paramref name="samples"/> training images of a real data set, or null when it is not on this machine.</summary>
    private static BenchData? Real(Workload w, int samples, string? dataPath, string name, string note = "")
    {
        try
        {
            var ((x, y), _) = name == "MNIST" ? Mnist.LoadData(dataPath, download: false) : FashionMnist.LoadData(dataPath, download: false);
            int n = Math.Min(samples, x.Shape[0]);
            var xs = (x.Slice(0, n) / 255.0).Reshape([n, .. w.InputShape]);
            return new BenchData(xs, y.Slice(0, n).ToInt32Array(), $"{name} ({n} training images{note})");
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private static BenchData Synthetic(Workload w, int samples, int seed, string source)
    {
        var rng = new Random(seed);
        int perSample = w.InputShape.Aggregate(1, (p, d) => p * d);
        var x = new float[(long)samples * perSample];
        for (long i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextSingle();
        }
        var labels = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            labels[i] = rng.Next(w.Classes);
        }
        return new BenchData(Tensor.FromArray(x, [samples, .. w.InputShape]), labels, source);
    }

    /// <summary>Generated reviews of the workload's length: word ids in [0, input_dim) as floats (Embedding casts them), random labels.</summary>
    private static BenchData Tokens(Workload w, int samples, int seed)
    {
        var rng = new Random(seed);
        int vocab = w.Layers[0].InputDim ?? throw new InvalidOperationException($"workload '{w.Name}': generated tokens need input_dim on its first layer");
        int length = w.InputShape.Aggregate(1, (p, d) => p * d);
        var x = new float[(long)samples * length];
        for (long i = 0; i < x.Length; i++)
        {
            x[i] = rng.Next(vocab);
        }
        var labels = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            labels[i] = rng.Next(w.Classes);
        }
        return new BenchData(Tensor.FromArray(x, [samples, .. w.InputShape]), labels,
            $"synthetic (uniform random word ids below {vocab} and random labels, of IMDB's padded shape)");
    }

    /// <summary>
    /// Generated bAbI samples: a story of random length (words 1..vocab-1) pre-padded with zeros to the story
    /// length, as babi_rnn's pad_sequences does, then a full question, and a random answer word; stored as floats.
    /// </summary>
    private static BenchData Babi(Workload w, int samples, int seed)
    {
        var rng = new Random(seed);
        var spec = w.Layers[0];
        int vocab = spec.InputDim ?? throw new InvalidOperationException($"workload '{w.Name}': generated bAbI data need input_dim on its first layer");
        int story = spec.StoryLength ?? throw new InvalidOperationException($"workload '{w.Name}': generated bAbI data need story_length on its first layer");
        int length = w.InputShape[0];
        var x = new float[(long)samples * length];
        var labels = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            var row = x.AsSpan(i * length, length);
            int words = rng.Next(story / 8, story + 1);
            for (int j = story - words; j < length; j++)
            {
                row[j] = rng.Next(1, vocab);
            }
            labels[i] = rng.Next(1, vocab);
        }
        return new BenchData(Tensor.FromArray(x, [samples, length]), labels,
            $"synthetic (random stories of up to {story} words pre-padded with zeros, {length - story}-word questions, answers below {vocab}: the bAbI qa2 shapes)");
    }

    /// <summary>Writes x (float32) and y (int32) as raw little-endian files the peers read; returns their paths.</summary>
    public (string X, string Y) WriteRaw(string folder)
    {
        Directory.CreateDirectory(folder);
        string xPath = Path.Combine(folder, "x.f32"), yPath = Path.Combine(folder, "y.i32");
        File.WriteAllBytes(xPath, MemoryMarshal.AsBytes(X.ToArray().AsSpan()).ToArray());
        File.WriteAllBytes(yPath, MemoryMarshal.AsBytes(Labels.AsSpan()).ToArray());
        return (xPath, yPath);
    }
}
