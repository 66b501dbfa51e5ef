namespace SharpKeras;

/// <summary>
/// keras.ops's comparisons and logical ops (bool results, NumPy broadcasting, no gradient) and
/// <c>where</c>, which passes the gradient to the side each element was taken from.
/// </summary>
public static partial class Ops
{
    private enum Comparison
    {
        Equal,
        NotEqual,
        Greater,
        GreaterEqual,
        Less,
        LessEqual,
    }

    private enum LogicalOp
    {
        And,
        Or,
        Xor,
    }

    /// <summary>x1 == x2 element-wise, as a bool tensor (Keras's <c>ops.equal</c>).</summary>
    public static Tensor Equal(Tensor x1, Tensor x2) => Compare(x1, x2, Comparison.Equal);

    /// <summary>x1 != x2 element-wise, as a bool tensor (Keras's <c>ops.not_equal</c>).</summary>
    public static Tensor NotEqual(Tensor x1, Tensor x2) => Compare(x1, x2, Comparison.NotEqual);

    /// <summary>x1 &gt; x2 element-wise, as a bool tensor (Keras's <c>ops.greater</c>).</summary>
    public static Tensor Greater(Tensor x1, Tensor x2) => Compare(x1, x2, Comparison.Greater);

    /// <summary>x1 &gt;= x2 element-wise, as a bool tensor (Keras's <c>ops.greater_equal</c>).</summary>
    public static Tensor GreaterEqual(Tensor x1, Tensor x2) => Compare(x1, x2, Comparison.GreaterEqual);

    /// <summary>x1 &lt; x2 element-wise, as a bool tensor (Keras's <c>ops.less</c>).</summary>
    public static Tensor Less(Tensor x1, Tensor x2) => Compare(x1, x2, Comparison.Less);

    /// <summary>x1 &lt;= x2 element-wise, as a bool tensor (Keras's <c>ops.less_equal</c>).</summary>
    public static Tensor LessEqual(Tensor x1, Tensor x2) => Compare(x1, x2, Comparison.LessEqual);

    /// <summary>Element-wise AND of the truth values (non-zero is true) (Keras's <c>ops.logical_and</c>).</summary>
    public static Tensor LogicalAnd(Tensor x1, Tensor x2) => Logical(x1, x2, LogicalOp.And);

    /// <summary>Element-wise OR of the truth values (Keras's <c>ops.logical_or</c>).</summary>
    public static Tensor LogicalOr(Tensor x1, Tensor x2) => Logical(x1, x2, LogicalOp.Or);

    /// <summary>Element-wise exclusive OR of the truth values (Keras's <c>ops.logical_xor</c>).</summary>
    public static Tensor LogicalXor(Tensor x1, Tensor x2) => Logical(x1, x2, LogicalOp.Xor);

    /// <summary>Element-wise NOT of the truth value (Keras's <c>ops.logical_not</c>).</summary>
    public static Tensor LogicalNot(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.NewLike(x.Shape, DType.Bool);
        void Forward()
        {
            var ys = y.ByteSpan;
            for (int i = 0; i < ys.Length; i++)
            {
                ys[i] = x.GetFloat(i) == 0f ? (byte)1 : (byte)0;
            }
        }
        Forward();
        RecordNoGradient(y, [x], Forward, OpKind.Logical);
        return y;
    }

    private static Tensor Compare(Tensor x1, Tensor x2, Comparison c)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        var shape = BroadcastShapeFor(c.ToString(), x1.Shape, x2.Shape);
        var m1 = BroadcastIndex(x1.Shape, shape);
        var m2 = BroadcastIndex(x2.Shape, shape);
        var y = Tensor.NewLike(shape, DType.Bool);
        void Forward()
        {
            var ys = y.ByteSpan;
            for (int i = 0; i < ys.Length; i++)
            {
                // Integers compare exactly as doubles; NaN compares false except for NotEqual, as IEEE.
                double a = x1.GetFloat(m1 is null ? i : m1[i]), b = x2.GetFloat(m2 is null ? i : m2[i]);
                if (x1.DType == DType.Int32 && x2.DType == DType.Int32)
                {
                    a = x1.GetInt(m1 is null ? i : m1[i]);
                    b = x2.GetInt(m2 is null ? i : m2[i]);
                }
                bool r = c switch
                {
                    Comparison.Equal => a == b,
                    Comparison.NotEqual => a != b,
                    Comparison.Greater => a > b,
                    Comparison.GreaterEqual => a >= b,
                    Comparison.Less => a < b,
                    _ => a <= b,
                };
                ys[i] = r ? (byte)1 : (byte)0;
            }
        }
        Forward();
        RecordNoGradient(y, [x1, x2], Forward, OpKind.Comparison);
        return y;
    }

    private static Tensor Logical(Tensor x1, Tensor x2, LogicalOp op)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        var shape = BroadcastShapeFor("Logical" + op, x1.Shape, x2.Shape);
        var m1 = BroadcastIndex(x1.Shape, shape);
        var m2 = BroadcastIndex(x2.Shape, shape);
        var y = Tensor.NewLike(shape, DType.Bool);
        void Forward()
        {
            var ys = y.ByteSpan;
            for (int i = 0; i < ys.Length; i++)
            {
                bool a = x1.GetFloat(m1 is null ? i : m1[i]) != 0f, b = x2.GetFloat(m2 is null ? i : m2[i]) != 0f;
                bool r = op switch
                {
                    LogicalOp.And => a && b,
                    LogicalOp.Or => a || b,
                    _ => a != b,
                };
                ys[i] = r ? (byte)1 : (byte)0;
            }
        }
        Forward();
        RecordNoGradient(y, [x1, x2], Forward, OpKind.Logical);
        return y;
    }

    /// <summary>
    /// x1 where <paramref name="condition"/> is true (non-zero), x2 elsewhere, all three broadcast together
    /// (Keras's <c>ops.where</c>); the gradient flows to x1 where the condition holds and to x2 elsewhere.
    /// Two integer inputs of one dtype keep it; otherwise the result is float32.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor x1, Tensor x2)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        var keep = x1.DType == x2.DType && x1.DType != DType.Float32 ? x1.DType : DType.Float32;
        var shape = BroadcastShapeFor("Where", BroadcastShapeFor("Where", condition.Shape, x1.Shape), x2.Shape);
        var a = F(x1);
        var b = F(x2);
        var mc = BroadcastIndex(condition.Shape, shape);
        var ma = BroadcastIndex(a.Shape, shape);
        var mb = BroadcastIndex(b.Shape, shape);
        var y = Tensor.Zeros(shape);
        void Forward()
        {
            var ys = y.Span;
            var av = a.Span;
            var bv = b.Span;
            for (int i = 0; i < ys.Length; i++)
            {
                ys[i] = condition.GetFloat(mc is null ? i : mc[i]) != 0f ? av[ma is null ? i : ma[i]] : bv[mb is null ? i : mb[i]];
            }
        }
        Forward();
        if (GradientTape.IsRecording([condition, a, b]))
        {
            // Gradients are formed at the output's shape, then summed back over broadcast axes.
            var sa = ScratchFor(a, y);
            var sb = ScratchFor(b, y);
            GradientTape.Record(y, [condition, a, b], Forward, (g, dx) =>
            {
                var gs = g.Span;
                for (int side = 1; side <= 2; side++)
                {
                    if (!dx.Needs(side))
                    {
                        continue;
                    }
                    var scratch = side == 1 ? sa : sb;
                    var dst = (scratch ?? dx[side]).Span;
                    for (int i = 0; i < gs.Length; i++)
                    {
                        bool taken = condition.GetFloat(mc is null ? i : mc[i]) != 0f;
                        dst[i] = taken == (side == 1) ? gs[i] : 0f;
                    }
                    if (scratch is not null)
                    {
                        SumToShapeInto(scratch, dx[side]);
                    }
                }
            }, OpKind.Where);
        }
        return keep == DType.Float32 ? y : Cast(y, keep);
    }

    /// <summary>The NumPy broadcast of two shapes, or an error naming the op and both shapes.</summary>
    private static Shape BroadcastShapeFor(string op, Shape a, Shape b)
    {
        try
        {
            return a == b ? a : Shape.Broadcast(a, b);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{op}: {e.Message}", e);
        }
    }

    /// <summary>Records an op without a gradient so that a replayed step recomputes it.</summary>
    private static void RecordNoGradient(Tensor y, Tensor[] inputs, Action forward, OpKind kind)
    {
        if (GradientTape.IsRecording(inputs))
        {
            GradientTape.Record(y, inputs, forward, null, kind);
        }
    }
}
