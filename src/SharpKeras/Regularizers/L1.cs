using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Regularizers;

/// <summary>The L1 penalty <c>l1 * sum(abs(x))</c> (<c>keras.regularizers.L1</c>, identifier "l1").</summary>
public sealed class L1 : Regularizer, IKerasSerializable<L1>
{
    /// <summary>An L1 penalty with factor <paramref name="l1"/> (Keras's default 0.01).</summary>
    public L1(double l1 = 0.01) => Factor = CheckFactor(l1, nameof(l1));

    /// <summary>The L1 factor (Keras's <c>l1</c>).</summary>
    public double Factor { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor x) => Ops.Multiply(Tensor.Scalar((float)Factor), Ops.Sum(Absolute(x)));

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l1"] = (double)(float)Factor };

    /// <summary>Recreates the regularizer from its config (Keras's <c>from_config</c>).</summary>
    public static L1 FromConfig(JsonObject config) => new(Cfg.Double(config, "l1", 0.01));
}
