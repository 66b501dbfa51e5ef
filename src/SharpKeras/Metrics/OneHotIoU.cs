using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>IoU over target classes with one-hot labels (<c>keras.metrics.OneHotIoU</c>).</summary>
public sealed class OneHotIoU(int numClasses, int[] targetClassIds, string name = "one_hot_io_u", int? ignoreClass = null, bool sparseYPred = false, int axis = -1)
    : IoU(numClasses, targetClassIds, name, ignoreClass, false, sparseYPred, axis), IKerasSerializable<OneHotIoU>
{
    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c.Remove("sparse_y_true");
        return c;
    }

    /// <summary>Recreates the metric from its config (Keras's <c>from_config</c>).</summary>
    public static new OneHotIoU FromConfig(JsonObject config) => new(Cfg.Int(config, "num_classes"),
        IdsOf(config) ?? throw Cfg.Missing(config, "target_class_ids", "a list of class ids"), Cfg.OptionalString(config, "name") ?? "one_hot_io_u",
        Cfg.OptionalInt(config, "ignore_class"), Cfg.Bool(config, "sparse_y_pred", false), Cfg.Int(config, "axis", -1));
}
