using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// What the training and inference plans share: matching placeholders to data, loading batches
/// into them, running the model on them and summing the per-output losses as Keras's compile does.
/// </summary>
internal static class Batches
{
    /// <summary>True when each placeholder has the dtype and the per-sample shape of the matching data array.</summary>
    public static bool SameSamples(Tensor[] batch, IReadOnlyList<Tensor> data)
    {
        if (batch.Length != data.Count)
        {
            return false;
        }
        for (int k = 0; k < batch.Length; k++)
        {
            if (!SameSamples(batch[k], data[k]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>True when the placeholder has the dtype and the per-sample shape of the data array.</summary>
    public static bool SameSamples(Tensor batch, Tensor data)
    {
        if (batch.DType != data.DType || batch.Rank != data.Rank)
        {
            return false;
        }
        for (int i = 1; i < batch.Rank; i++)
        {
            if (batch.Shape[i] != data.Shape[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Points each placeholder at rows [start, start + its batch size) of its data array, without copying.</summary>
    public static void RebindRows(Tensor[] batch, IReadOnlyList<Tensor> data, int start)
    {
        for (int k = 0; k < batch.Length; k++)
        {
            batch[k].RebindRows(data[k], start);
        }
    }

    /// <summary>Copies the rows at <paramref name="indices"/> of each data array into the placeholder's own buffer.</summary>
    public static void GatherInto(Tensor[] batch, Tensor[] own, IReadOnlyList<Tensor> data, ReadOnlySpan<int> indices)
    {
        for (int k = 0; k < batch.Length; k++)
        {
            batch[k].Rebind(own[k]);
            data[k].GatherInto(indices, batch[k]);
        }
    }

    /// <summary>Runs the model on one tensor per input; one tensor per output comes back.</summary>
    public static Tensor[] CallModel(Model model, Tensor[] x, bool training) =>
        // A single-input model goes through Apply, which builds it and checks the input shape.
        x.Length == 1 && model.OutputCount == 1 ? [model.Apply(x[0], training)] : model.CallOutputs(x, training);

    /// <summary>
    /// The total loss plus the model's penalties (Keras's <c>model.losses</c> summed into compute_loss): each
    /// trainable weight's regularizer, in weight order, then the activity penalties of the forward pass.
    /// </summary>
    public static Tensor AddPenalties(Tensor total, IReadOnlyList<Variable> trainable, List<Tensor> activityLosses)
    {
        foreach (var v in trainable)
        {
            if (v.Regularizer is { } r)
            {
                total = Ops.Add(total, r.Call(v.Value));
            }
        }
        foreach (var a in activityLosses)
        {
            total = Ops.Add(total, a);
        }
        return total;
    }

    /// <summary>
    /// The compiled loss (Keras's CompileLoss): each output's loss, and their sum weighted by the
    /// loss weights. The per-output values are the unweighted ones, as Keras logs "&lt;output&gt;_loss".
    /// </summary>
    public static (Tensor Total, Tensor[] PerOutput) TotalLoss(Model model, Tensor[] y, Tensor[] predictions)
    {
        if (predictions.Length == 1 && model.OutputLosses is null)
        {
            var only = model.Loss!.Compute(y[0], predictions[0]);
            return (only, [only]);
        }
        var losses = model.OutputLosses ?? [model.Loss!];
        Tensor? total = null;
        var parts = new Tensor[predictions.Length];
        for (int k = 0; k < predictions.Length; k++)
        {
            var loss = losses.Count == 1 ? losses[0] : losses[k];
            parts[k] = loss.Compute(y[k], predictions[k]);
            double w = model.LossWeights?[losses.Count == 1 ? 0 : k] ?? 1.0;
            var weighted = w == 1.0 ? parts[k] : Ops.Multiply(parts[k], Tensor.Scalar((float)w));
            total = total is null ? weighted : Ops.Add(total, weighted);
        }
        return (total!, parts);
    }
}
