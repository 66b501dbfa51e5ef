using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>The int-or-list <c>axis</c> argument of Keras's UnitNormalization and RMSNormalization.</summary>
internal static class AxesConfig
{
    /// <summary>The axes of a config's "axis" field (an int or a list of ints; <paramref name="fallback"/> when absent).</summary>
    public static int[] Read(JsonObject config, int fallback) => config["axis"] is null ? [fallback] : Saving.Cfg.Ints(config, "axis");

    /// <summary>The axes resolved against a rank (negative from the end), checked to be distinct non-batch axes of the input.</summary>
    public static int[] Resolve(Layer layer, int[] axes, Shape inputShape)
    {
        var resolved = axes.Select(a => a < 0 ? a + inputShape.Rank : a).ToArray();
        if (resolved.Length == 0 || resolved.Any(a => a < 1 || a >= inputShape.Rank) || resolved.Distinct().Count() != resolved.Length)
        {
            throw new ArgumentException($"Layer \"{layer.Name}\" ({layer.GetType().Name}): axis [{string.Join(", ", axes)}] is out of bounds for input shape {inputShape}; expected distinct non-batch axes in [1, {inputShape.Rank - 1}] or [-{inputShape.Rank - 1}, -1].");
        }
        return resolved;
    }

    /// <summary>Keras's sum or mean over several axes at once, done axis by axis with kept dimensions.</summary>
    public static Tensor Reduce(Tensor x, int[] axes, bool mean)
    {
        foreach (var a in axes)
        {
            x = mean ? Ops.Mean(x, a, keepDims: true) : Ops.Sum(x, a, keepDims: true);
        }
        return x;
    }
}
