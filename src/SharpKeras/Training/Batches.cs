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
    /// The compiled loss (Keras's CompileLoss): each output's loss, and their sum weighted by the
    /// loss weights. The per-output values are the unweighted ones, as Keras logs "&lt;output&gt;_loss".
    /// With <paramref name="sampleWeight"/>, each sample's loss is scaled by its weight before the mean
    /// over the batch (Keras's "sum_over_batch_size": the sum of weighted losses over the sample count).
    /// </summary>
    public static (Tensor Total, Tensor[] PerOutput) TotalLoss(Model model, IReadOnlyList<Tensor> y, IReadOnlyList<Tensor> predictions, Tensor? sampleWeight = null)
    {
        if (predictions.Count == 1 && model.OutputLosses is null)
        {
            var only = OneLoss(model.Loss!, y[0], predictions[0], sampleWeight);
            return (only, [only]);
        }
        var losses = model.OutputLosses ?? [model.Loss!];
        Tensor? total = null;
        var parts = new Tensor[predictions.Count];
        for (int k = 0; k < predictions.Count; k++)
        {
            var loss = losses.Count == 1 ? losses[0] : losses[k];
            parts[k] = OneLoss(loss, y[k], predictions[k], sampleWeight);
            double w = model.LossWeights?[losses.Count == 1 ? 0 : k] ?? 1.0;
            var weighted = w == 1.0 ? parts[k] : Ops.Multiply(parts[k], Tensor.Scalar((float)w));
            total = total is null ? weighted : Ops.Add(total, weighted);
        }
        return (total!, parts);
    }

    private static Tensor OneLoss(Losses.Loss loss, Tensor y, Tensor prediction, Tensor? sampleWeight)
    {
        if (sampleWeight is null)
        {
            return loss.Compute(y, prediction);
        }
        var perSample = loss.Call(y, prediction);
        var w = sampleWeight;
        if (perSample.Rank > 1)
        {
            // Per-sample weights broadcast over the loss's remaining axes (a loss per time step, say).
            var dims = new int[perSample.Rank];
            dims.AsSpan().Fill(1);
            dims[0] = perSample.Shape[0];
            w = Ops.Reshape(sampleWeight, dims);
        }
        return Ops.Mean(Ops.Multiply(perSample, w));
    }
}
