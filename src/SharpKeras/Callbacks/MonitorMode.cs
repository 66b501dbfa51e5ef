namespace SharpKeras.Callbacks;

/// <summary>Whether a monitored quantity should go down or up, resolved from Keras's mode strings.</summary>
internal static class MonitorMode
{
    /// <summary>
    /// True when <paramref name="monitor"/> improves by growing. "min"/"max" decide directly; "auto"
    /// infers it as Keras does from the metric's direction: losses and errors go down, accuracy-like
    /// scores go up, and an unknown name is an error asking for an explicit mode.
    /// </summary>
    public static bool IsMax(string mode, string monitor, string callback)
    {
        switch (mode)
        {
            case "min":
                return false;
            case "max":
                return true;
            case "auto":
                break;
            default:
                throw new ArgumentException($"{callback}: mode must be one of \"auto\", \"min\", \"max\", got \"{mode}\".", nameof(mode));
        }
        string name = monitor.StartsWith("val_", StringComparison.Ordinal) ? monitor[4..] : monitor;
        if (name == "loss" || name.EndsWith("_loss", StringComparison.Ordinal))
        {
            return false;
        }
        string[] up = ["acc", "auc", "precision", "recall", "f1_score", "fbeta_score", "r2_score", "iou", "cosine_similarity", "true_positives", "true_negatives", "fmeasure"];
        string[] down = ["error", "crossentropy", "hinge", "false_positives", "false_negatives", "mse", "mae", "mape", "msle", "poisson", "divergence", "logcosh", "huber"];
        if (Array.Exists(up, name.Contains))
        {
            return true;
        }
        if (Array.Exists(down, name.Contains))
        {
            return false;
        }
        throw new ArgumentException($"{callback} callback received monitor={monitor} but SharpKeras isn't able to automatically determine whether that metric should be maximized or minimized. Pass mode: \"max\" to use the highest value, or mode: \"min\" to use the lowest value.", nameof(mode));
    }
}
