using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers;

/// <summary>Reads and writes the (before, after) amounts per spatial axis of Keras's cropping and padding configs.</summary>
internal static class SpatialPairs
{
    /// <summary>
    /// The pairs of a config field, as Keras's int-or-tuple forms accept them: an int for every side,
    /// one int per axis (both sides), or one (before, after) pair per axis; for one axis, a pair is (before, after).
    /// </summary>
    public static (int Before, int After)[] Read(JsonObject config, string key, int rank, int fallback)
    {
        var node = config[key];
        var expected = rank == 1 ? "an int or (start, end)" : $"an int, {rank} ints or {rank} (before, after) pairs";
        if (node is null)
        {
            return [.. Enumerable.Repeat((fallback, fallback), rank)];
        }
        int At(JsonNode? n) => n is JsonValue v && v.TryGetValue<int>(out var i) && i >= 0 ? i : throw Cfg.Wrong(config, key, expected + " of non-negative integers", node);
        if (node is JsonValue)
        {
            int v = At(node);
            return [.. Enumerable.Repeat((v, v), rank)];
        }
        if (node is JsonArray a)
        {
            if (rank == 1 && a.Count == 2 && a[0] is JsonValue)
            {
                return [(At(a[0]), At(a[1]))];
            }
            if (a.Count == rank && a.All(e => e is JsonValue))
            {
                return [.. a.Select(e => (At(e), At(e)))];
            }
            if (a.Count == rank && a.All(e => e is JsonArray { Count: 2 }))
            {
                return [.. a.Select(e => (At(((JsonArray)e!)[0]), At(((JsonArray)e!)[1])))];
            }
        }
        throw Cfg.Wrong(config, key, expected, node);
    }

    /// <summary>Keras's form: (before, after) for one axis, ((b, a), ...) for several.</summary>
    public static JsonArray Write(IReadOnlyList<(int Before, int After)> pairs) => pairs.Count == 1
        ? new JsonArray(pairs[0].Before, pairs[0].After)
        : new JsonArray([.. pairs.Select(p => (JsonNode)new JsonArray(p.Before, p.After))]);

    /// <summary>Throws naming the layer and argument when an amount is negative.</summary>
    public static void CheckNonNegative(string layer, string argument, params (int Before, int After)[] pairs)
    {
        if (pairs.Any(p => p.Before < 0 || p.After < 0))
        {
            throw new ArgumentOutOfRangeException(argument, $"{layer}: {argument} must be non-negative, got {Show(pairs)}.");
        }
    }

    /// <summary>The pairs as Keras prints them.</summary>
    public static string Show(IReadOnlyList<(int Before, int After)> pairs) => pairs.Count == 1
        ? $"({pairs[0].Before}, {pairs[0].After})"
        : "(" + string.Join(", ", pairs.Select(p => $"({p.Before}, {p.After})")) + ")";

    /// <summary>Throws unless the input has the rank of <paramref name="spatial"/> spatial axes.</summary>
    public static void CheckRank(Layer layer, Shape inputShape, int spatial)
    {
        if (inputShape.Rank != spatial + 2)
        {
            string layout = spatial switch
            {
                1 => "(batch, steps, channels)",
                2 => "(batch, height, width, channels)",
                _ => "(batch, depth, height, width, channels)",
            };
            throw new ArgumentException($"Input 0 of layer \"{layer.Name}\" ({layer.GetType().Name}) is incompatible with the layer: expected ndim={spatial + 2} {layout}, found ndim={inputShape.Rank}, but received input with shape {inputShape}.");
        }
    }

    /// <summary>The output shape after adding (sign +1) or removing (sign -1) the pairs; removing must leave at least one position per axis.</summary>
    public static Shape Resize(Layer layer, Shape inputShape, IReadOnlyList<(int Before, int After)> pairs, int sign, string argument)
    {
        CheckRank(layer, inputShape, pairs.Count);
        var dims = inputShape.ToArray();
        for (int i = 0; i < pairs.Count; i++)
        {
            if (dims[i + 1] < 0)
            {
                continue;
            }
            int d = dims[i + 1] + sign * (pairs[i].Before + pairs[i].After);
            if (d <= 0)
            {
                throw new ArgumentException($"Layer \"{layer.Name}\" ({layer.GetType().Name}): `{argument}` {Show(pairs)} must be smaller than the input on spatial axis {i + 1}: received input with shape {inputShape}, which would leave {d}.");
            }
            dims[i + 1] = d;
        }
        return new Shape(dims);
    }
}
