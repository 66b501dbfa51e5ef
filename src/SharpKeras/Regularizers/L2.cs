using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Regularizers;

/// <summary>The L2 penalty <c>l2 * sum(square(x))</c> (<c>keras.regularizers.L2</c>, identifier "l2").</summary>
public sealed class L2 : Regularizer, IKerasSerializable<L2>
{
    /// <summary>An L2 penalty with factor <paramref name="l2"/> (Keras's default 0.01).</summary>
    public L2(double l2 = 0.01) => Factor = CheckFactor(l2, nameof(l2));

    /// <summary>The L2 factor (Keras's <c>l2</c>).</summary>
    public double Factor { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor x) => Ops.Multiply(Tensor.Scalar((float)Factor), Ops.Sum(Ops.Square(x)));

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l2"] = Factor };

    /// <summary>Recreates the regularizer from its config (Keras's <c>from_config</c>).</summary>
    public static L2 FromConfig(JsonObject config) => new(Cfg.Double(config, "l2", 0.01));
}
