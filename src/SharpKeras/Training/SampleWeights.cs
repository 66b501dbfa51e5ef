using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// Per-sample weights from Keras's <c>sample_weight</c> and <c>class_weight</c>: checked against the data, and
/// a class weight turned into each sample's weight from its label (the integer label, or the arg-max of a one-hot row).
/// </summary>
internal static class SampleWeights
{
    /// <summary>The weight of each sample (a float tensor of shape [samples]), or null when neither is given.</summary>
    public static Tensor? Resolve(Model model, IReadOnlyList<Tensor> y, Tensor? sampleWeight, IReadOnlyDictionary<int, double>? classWeight, string method)
    {
        if (sampleWeight is null && classWeight is null)
        {
            return null;
        }
        int samples = y.Count > 0 ? y[0].Shape[0] : -1;
        float[]? weights = null;
        if (sampleWeight is not null)
        {
            if (sampleWeight.Rank != 1 && !(sampleWeight.Rank == 2 && sampleWeight.Shape[1] == 1))
            {
                throw new ArgumentException($"{method} of model '{model.Name}': sampleWeight must have shape [samples] (or [samples, 1]), got {sampleWeight.Shape}.", nameof(sampleWeight));
            }
            if (samples >= 0 && sampleWeight.Shape[0] != samples)
            {
                throw new ArgumentException($"{method} of model '{model.Name}': sampleWeight has {sampleWeight.Shape[0]} values but the data has {samples} samples; give one weight per sample.", nameof(sampleWeight));
            }
            weights = sampleWeight.Cast(DType.Float32).ToArray();
        }
        if (classWeight is not null)
        {
            if (y.Count != 1)
            {
                throw new ArgumentException($"{method} of model '{model.Name}': classWeight is only supported for models with a single output, and needs targets; this call has {y.Count} target arrays.", nameof(classWeight));
            }
            var labels = Labels(y[0]);
            weights ??= Enumerable.Repeat(1f, labels.Length).ToArray();
            for (int i = 0; i < labels.Length; i++)
            {
                if (!classWeight.TryGetValue(labels[i], out var w))
                {
                    throw new ArgumentException($"{method} of model '{model.Name}': classWeight has no weight for class {labels[i]} (sample {i}); it gives weights for classes {string.Join(", ", classWeight.Keys.Order())}.", nameof(classWeight));
                }
                weights[i] *= (float)w;
            }
        }
        return Tensor.FromArray(weights!, weights!.Length);
    }

    /// <summary>Each sample's class: the integer label of sparse targets ([n] or [n, 1]), else the arg-max of its row, as Keras reads class_weight.</summary>
    private static int[] Labels(Tensor y)
    {
        var values = y.Cast(DType.Float32).ToArray();
        int n = y.Shape[0];
        int row = n == 0 ? 0 : values.Length / n;
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (row == 1)
            {
                labels[i] = (int)MathF.Round(values[i]);
                continue;
            }
            int best = 0;
            for (int j = 1; j < row; j++)
            {
                if (values[i * row + j] > values[i * row + best])
                {
                    best = j;
                }
            }
            labels[i] = best;
        }
        return labels;
    }
}
