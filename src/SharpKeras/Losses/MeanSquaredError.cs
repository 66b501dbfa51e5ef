using SharpKeras.Saving;
using System.Text.Json.Nodes;

namespace SharpKeras.Losses;

/// <summary>Mean of squared errors over the last axis (Keras's mean_squared_error).</summary>
public sealed class MeanSquaredError() : Loss("mean_squared_error"), IKerasSerializable<MeanSquaredError>
{
    /// <inheritdoc/>
    public override Tensor Call(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.Rank == yPred.Rank - 1 && yPred.Shape[-1] == 1)
        {
            yTrue = yTrue.Reshape(yPred.Shape.ToArray());
        }
        CheckSameShape(yTrue, yPred);
        return Ops.Mean(Ops.Square(Ops.Subtract(yTrue, yPred)), -1);
    }

    /// <summary>Recreates the loss from its config (Keras's <c>from_config</c>).</summary>
    public static MeanSquaredError FromConfig(JsonObject config) => new();
}
