using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>What the attention layers share: masks read as 1/0 floats, and Keras's <c>shapes_dict</c> build config of query, value and key.</summary>
internal static class AttentionShapes
{
    /// <summary>A mask as 1/0 floats (non-zero keeps), outside autodiff; recorded ops, so a replayed step reads each batch's mask.</summary>
    public static Tensor MaskAsFloats(Tensor mask) => Ops.Cast(Ops.NotEqual(mask, Tensor.Scalar(0f)), DType.Float32);

    /// <summary>Keras's build config <c>{"shapes_dict": {query_shape, value_shape[, key_shape]}}</c>, or null before the layer is built.</summary>
    public static JsonObject? ShapesDict(IReadOnlyList<Shape>? shapes)
    {
        if (shapes is null)
        {
            return null;
        }
        var dict = new JsonObject { ["query_shape"] = Saving.Cfg.ShapeNode(shapes[0]), ["value_shape"] = Saving.Cfg.ShapeNode(shapes[1]) };
        if (shapes.Count == 3)
        {
            dict["key_shape"] = Saving.Cfg.ShapeNode(shapes[2]);
        }
        return new JsonObject { ["shapes_dict"] = dict };
    }

    /// <summary>The query, value (and key) shapes of a <c>shapes_dict</c> build config, or null when it has none.</summary>
    public static Shape[]? FromShapesDict(JsonObject? buildConfig, string className)
    {
        if (buildConfig?["shapes_dict"] is not JsonObject d)
        {
            return null;
        }
        var q = new Shape(Saving.Cfg.Shape(d["query_shape"], $"{className} build_config query_shape"));
        var v = new Shape(Saving.Cfg.Shape(d["value_shape"], $"{className} build_config value_shape"));
        return d["key_shape"] is { } k ? [q, v, new Shape(Saving.Cfg.Shape(k, $"{className} build_config key_shape"))] : [q, v];
    }
}
