using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Reduced-precision ops: the rounding that a mixed-precision dtype policy puts around a layer's call.</summary>
public static partial class Ops
{
    /// <summary>
    /// <paramref name="x"/> rounded to bfloat16 and kept in float32 (Keras's <c>ops.cast(x, "bfloat16")</c> on a runtime
    /// without a bfloat16 type). The gradient is rounded the same way, as Keras's cast hands its input a gradient cast
    /// from the bfloat16 gradient of its output. <paramref name="of"/> names the variable when this is an autocast read of it,
    /// so that inference keeps the packed copy of the rounded weight instead of packing it on every call.
    /// </summary>
    internal static Tensor RoundToBfloat16(Tensor x, Variable? of = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        x = F(x);
        var y = Tensor.Zeros(x.Shape);
        y.HoldsBfloat16 = true;
        y.Bfloat16Of = of;
        void Forward() => K.RoundToBfloat16(x.Span, y.Span);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.RoundToBfloat16(g.Span, dx[0].Span), OpKind.RoundToBfloat16);
        }
        return y;
    }
}
