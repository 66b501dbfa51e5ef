namespace SharpKeras.Layers;

/// <summary>The regularization side of a layer: its activity regularizer and the penalties it adds to the loss.</summary>
public abstract partial class Layer
{
    // The activity penalties of the forward pass being recorded on this thread (a training or
    // evaluation plan's first batch); null outside one, so plain calls collect nothing.
    [ThreadStatic]
    private static List<Tensor>? t_activityLosses;

    private Tensor[] _lastActivityLosses = [];

    /// <summary>
    /// A penalty on the layer's output that joins the loss, divided by the batch size as Keras 3 does
    /// (Keras's <c>activity_regularizer</c>, settable on every layer).
    /// </summary>
    public Regularizers.Regularizer? ActivityRegularizer
    {
        get => _activityRegularizer;
        set
        {
            _activityRegularizer = value;
            StructureChanged();
        }
    }

    private Regularizers.Regularizer? _activityRegularizer;

    /// <summary>
    /// The scalar penalties of this layer (Keras's <c>layer.losses</c>): each trainable weight's regularizer,
    /// sublayers' included, computed on the current values, then the activity penalty of the layer's last call.
    /// </summary>
    public IReadOnlyList<Tensor> Losses
    {
        get
        {
            var losses = new List<Tensor>();
            foreach (var v in TrainableWeights)
            {
                if (v.Regularizer is { } r)
                {
                    losses.Add(r.Call(v.Value));
                }
            }
            losses.AddRange(_lastActivityLosses);
            return losses;
        }
    }

    private void AddActivityLoss(Regularizers.Regularizer activity, Tensor output)
    {
        var loss = activity.Call(output);
        if (output.Rank > 0)
        {
            // Keras's divide_no_nan by the batch size: an empty batch gives 0, not NaN.
            int batch = output.Shape[0];
            loss = batch == 0 ? Ops.Multiply(loss, Tensor.Scalar(0f)) : Ops.Divide(loss, Tensor.Scalar(batch));
        }
        _lastActivityLosses = [loss];
        t_activityLosses?.Add(loss);
    }

    /// <summary>Runs <paramref name="forward"/> collecting the activity penalties of every layer it calls, in call order.</summary>
    internal static T CollectActivityLosses<T>(Func<T> forward, out List<Tensor> losses)
    {
        var outer = t_activityLosses;
        losses = [];
        t_activityLosses = losses;
        try
        {
            return forward();
        }
        finally
        {
            t_activityLosses = outer;
        }
    }
}
