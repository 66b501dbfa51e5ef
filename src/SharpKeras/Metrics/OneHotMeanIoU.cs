using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>IoU averaged over every class with one-hot labels (<c>keras.metrics.OneHotMeanIoU</c>).</summary>
public sealed class OneHotMeanIoU(int numClasses, string name = "one_hot_mean_io_u", int? ignoreClass = null, bool sparseYPred = false, int axis = -1)
    : IoU(numClasses, [.. Enumerable.Range(0, numClasses)], name, ignoreClass, false, sparseYPred, axis), IKerasSerializable<OneHotMeanIoU>
{
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c.Remove("target_class_ids");
        c.Remove("sparse_y_true");
        return c;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static new OneHotMeanIoU FromConfig(JsonObject config) => new(Cfg.Int(config, "num_classes"), Cfg.OptionalString(config, "name") ?? "one_hot_mean_io_u",
        Cfg.OptionalInt(config, "ignore_class"), Cfg.Bool(config, "sparse_y_pred", false), Cfg.Int(config, "axis", -1));
}
