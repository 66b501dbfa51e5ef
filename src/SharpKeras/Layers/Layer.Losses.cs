namespace SharpKeras.Layers;

/// <summary>The regularization side of a layer: its activity regularizer and the penalties it adds to the loss.</summary>
public abstract partial class Layer
{
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

    /// <summary>The penalties of this layer's weight regularizers, sublayers' included, on the current values (Keras's <c>_get_regularization_losses</c>).</summary>
    private List<Tensor> RegularizationLosses()
    {
        var losses = new List<Tensor>();
        foreach (var v in TrainableWeights)
        {
            if (v.Regularizer is { } r)
            {
                losses.Add(r.Call(v.Value));
            }
        }
        return losses;
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
        // As Keras 3, the activity penalty is an add_loss term of the layer's latest call.
        AddLoss(loss);
    }
}
