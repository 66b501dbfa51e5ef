using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>IoU averaged over every class (<c>keras.metrics.MeanIoU</c>).</summary>
public sealed class MeanIoU(int numClasses, string name = "mean_io_u", int? ignoreClass = null, bool sparseYTrue = true, bool sparseYPred = true, int axis = -1)
    : IoU(numClasses, [.. Enumerable.Range(0, numClasses)], name, ignoreClass, sparseYTrue, sparseYPred, axis), IKerasSerializable<MeanIoU>
{
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c.Remove("target_class_ids");
        return c;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static new MeanIoU FromConfig(JsonObject config) => new(Cfg.Int(config, "num_classes"), Cfg.OptionalString(config, "name") ?? "mean_io_u",
        Cfg.OptionalInt(config, "ignore_class"), Cfg.Bool(config, "sparse_y_true", true), Cfg.Bool(config, "sparse_y_pred", true), Cfg.Int(config, "axis", -1));
}
