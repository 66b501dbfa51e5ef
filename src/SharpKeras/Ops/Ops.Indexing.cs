namespace SharpKeras;

/// <summary>
/// keras.ops's indexing: take, take_along_axis, sort, argsort, top_k and one_hot with an axis. The
/// index maps are rewritten from the current indices each time the op runs, so a replayed step
/// follows new token ids or a new order.
/// </summary>
public static partial class Ops
{
    /// <summary>
    /// Elements of x at <paramref name="indices"/> along <paramref name="axis"/> (of the flattened x when null);
    /// the result's shape is x's with that axis replaced by the indices' shape (Keras's <c>ops.take</c>).
    /// Negative indices count from the end; the gradient adds up over repeated indices.
    /// </summary>
    public static Tensor Take(Tensor x, Tensor indices, int? axis = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        var src = axis is null ? ViewOp(x, new Shape(x.Length), OpKind.Reshape) : x;
        int ax = NormalizeAxis("Take", axis ?? 0, src.Rank);
        var (outer, len, inner) = AxisSplit(src.Shape, ax);
        var shape = new Shape([.. src.Shape.Dims[..ax], .. indices.Shape.Dims, .. src.Shape.Dims[(ax + 1)..]]);
        int count = indices.Length;
        var map = new int[shape.Size];
        void Refresh()
        {
            for (int k = 0; k < count; k++)
            {
                int j = WrapIndex("Take", indices.GetInt(k), len, k, ax);
                for (int o = 0; o < outer; o++)
                {
                    int to = ((o * count) + k) * inner, from = ((o * len) + j) * inner;
                    for (int i = 0; i < inner; i++)
                    {
                        map[to + i] = from + i;
                    }
                }
            }
        }
        return GatherOp(src, shape, map, Refresh, extraInputs: [indices]);
    }

    /// <summary>
    /// x's elements at <paramref name="indices"/> along <paramref name="axis"/> (Keras's <c>ops.take_along_axis</c>):
    /// indices has x's rank, its other axes broadcast against x's; null axis flattens x and indices.
    /// </summary>
    public static Tensor TakeAlongAxis(Tensor x, Tensor indices, int? axis = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        if (axis is null)
        {
            return TakeAlongAxis(ViewOp(x, new Shape(x.Length), OpKind.Reshape), ViewOp(indices, new Shape(indices.Length), OpKind.Reshape), 0);
        }
        if (indices.Rank != x.Rank)
        {
            throw new ArgumentException($"TakeAlongAxis: indices must have the rank of x ({x.Rank}, shape {x.Shape}), got shape {indices.Shape}.", nameof(indices));
        }
        int ax = NormalizeAxis("TakeAlongAxis", axis.Value, x.Rank);
        var shape = BroadcastShapeFor("TakeAlongAxis", x.Shape.WithDim(ax, 1), indices.Shape.WithDim(ax, 1)).WithDim(ax, indices.Shape[ax]);
        // Where each output element reads its index, and x's offset with the axis at 0: fixed by the shapes.
        var indexAt = BroadcastIndex(indices.Shape, shape) ?? Enumerable.Range(0, shape.Size).ToArray();
        var xMaps = BroadcastMaps(x.Shape.WithDim(ax, 1), shape.WithDim(ax, 1));
        xMaps[ax] = new int[shape[ax]];
        var baseAt = BuildIndexMap(x.Shape, xMaps);
        int stride = 1;
        for (int d = ax + 1; d < x.Rank; d++)
        {
            stride *= x.Shape[d];
        }
        int len = x.Shape[ax];
        var map = new int[shape.Size];
        void Refresh()
        {
            for (int i = 0; i < map.Length; i++)
            {
                map[i] = baseAt[i] + (WrapIndex("TakeAlongAxis", indices.GetInt(indexAt[i]), len, indexAt[i], ax) * stride);
            }
        }
        return GatherOp(x, shape, map, Refresh, extraInputs: [indices]);
    }

    /// <summary>The elements sorted ascending along <paramref name="axis"/> (Keras's <c>ops.sort</c>); NaN last, the gradient follows each element.</summary>
    public static Tensor Sort(Tensor x, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        var order = Argsort(x, axis);
        var sorted = TakeAlongAxis(x, order, axis);
        return sorted;
    }

    /// <summary>The int32 positions that sort x ascending along <paramref name="axis"/>, stable (Keras's <c>ops.argsort</c>).</summary>
    public static Tensor Argsort(Tensor x, int axis = -1) => ArgsortOp("Argsort", x, axis, descending: false);

    /// <summary>
    /// The <paramref name="k"/> largest elements along the last axis and their int32 positions, largest first,
    /// the lower position first among equals (Keras's <c>ops.top_k</c>); results are always sorted.
    /// </summary>
    public static (Tensor Values, Tensor Indices) TopK(Tensor x, int k, bool sorted = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank == 0)
        {
            throw new ArgumentException("TopK needs a tensor of rank 1 or more, got a scalar.", nameof(x));
        }
        int len = x.Shape[-1];
        if (k < 0 || k > len)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"TopK: k = {k} for a last axis of size {len} (shape {x.Shape}); expected 0 <= k <= {len}.");
        }
        _ = sorted;
        var order = ArgsortOp("TopK", x, -1, descending: true);
        var starts = new int[x.Rank];
        var sizes = order.Shape.WithDim(-1, k).ToArray();
        var indices = Slice(order, starts, sizes);
        return (TakeAlongAxis(x, indices, -1), indices);
    }

    /// <summary>
    /// One-hot encoding with the new axis of size <paramref name="numClasses"/> inserted at <paramref name="axis"/>
    /// (Keras's <c>ops.one_hot(x, num_classes, axis)</c>); as Keras, an index outside [0, numClasses) gives all zeros.
    /// </summary>
    public static Tensor OneHot(Tensor x, int numClasses, int axis, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (numClasses < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"OneHot: numClasses must be >= 0, got {numClasses}.");
        }
        int ax = NormalizeAxis("OneHot", axis, x.Rank + 1);
        var shape = new Shape([.. x.Shape.Dims[..ax], numClasses, .. x.Shape.Dims[ax..]]);
        int inner = 1;
        for (int d = ax; d < x.Rank; d++)
        {
            inner *= x.Shape[d];
        }
        var y = Tensor.Zeros(shape);
        void Forward()
        {
            var ys = y.Span;
            ys.Clear();
            for (int i = 0; i < x.Length; i++)
            {
                int c = x.GetInt(i);
                if ((uint)c < (uint)numClasses)
                {
                    int o = i / inner, r = i % inner;
                    ys[((o * numClasses) + c) * inner + r] = 1f;
                }
            }
        }
        Forward();
        RecordNoGradient(y, [x], Forward, OpKind.OneHot);
        return dtype == DType.Float32 ? y : Cast(y, dtype);
    }

    private static Tensor ArgsortOp(string op, Tensor x, int axis, bool descending)
    {
        ArgumentNullException.ThrowIfNull(x);
        var xf = F(x);
        if (xf.Rank == 0)
        {
            throw new ArgumentException($"{op} needs a tensor of rank 1 or more, got a scalar.", nameof(x));
        }
        int ax = NormalizeAxis(op, axis, xf.Rank);
        var (outer, len, inner) = AxisSplit(xf.Shape, ax);
        var y = Tensor.NewLike(xf.Shape, DType.Int32);
        void Forward() => K.ArgsortAxis(xf.Span, outer, len, inner, descending, y.Int32Span);
        Forward();
        RecordNoGradient(y, [xf], Forward, OpKind.Argsort);
        return y;
    }

    /// <summary>An index in [-len, len) made non-negative, or an error naming the op, the position and the axis size.</summary>
    private static int WrapIndex(string op, int j, int len, int position, int axis)
    {
        int w = j < 0 ? j + len : j;
        if ((uint)w >= (uint)len)
        {
            throw new IndexOutOfRangeException($"{op}: index {j} (at position {position} of the indices) is out of range for axis {axis} of size {len}; expected {-len} <= index < {len}.");
        }
        return w;
    }
}
