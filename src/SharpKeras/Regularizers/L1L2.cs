using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Regularizers;

/// <summary>
/// The sum of an L1 and an L2 penalty, <c>l1 * sum(abs(x)) + l2 * sum(square(x))</c>
/// (<c>keras.regularizers.L1L2</c>, identifier "l1_l2", whose defaults are both 0 as Keras's class).
/// </summary>
public sealed class L1L2 : Regularizer, IKerasSerializable<L1L2>
{
    /// <summary>An L1 plus L2 penalty (Keras's defaults l1 = 0, l2 = 0).</summary>
    public L1L2(double l1 = 0.0, double l2 = 0.0)
    {
        L1 = CheckFactor(l1, nameof(l1));
        L2 = CheckFactor(l2, nameof(l2));
    }

    /// <summary>The L1 factor (Keras's <c>l1</c>).</summary>
    public double L1 { get; }

    /// <summary>The L2 factor (Keras's <c>l2</c>).</summary>
    public double L2 { get; }

    /// <inheritdoc/>
    public override Tensor Call(Tensor x)
    {
        // As Keras: a term whose factor is 0 is left out of the graph, so both zero gives a constant 0.
        Tensor total = Tensor.Scalar(0f);
        if (L1 != 0.0)
        {
            total = Ops.Add(total, Ops.Multiply(Tensor.Scalar((float)L1), Ops.Sum(Absolute(x))));
        }
        if (L2 != 0.0)
        {
            total = Ops.Add(total, Ops.Multiply(Tensor.Scalar((float)L2), Ops.Sum(Ops.Square(x))));
        }
        return total;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["l1"] = L1, ["l2"] = L2 };

    /// <summary>Recreates the regularizer from its config (Keras's <c>from_config</c>).</summary>
    public static L1L2 FromConfig(JsonObject config) => new(Cfg.Double(config, "l1", 0.0), Cfg.Double(config, "l2", 0.0));
}
