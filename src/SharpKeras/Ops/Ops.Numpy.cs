namespace SharpKeras;

/// <summary>
/// keras.ops's array manipulation (arange, expand_dims, squeeze, stack, split, slice, pad, tile,
/// repeat, broadcast_to). Everything that moves elements is one gather through a flat index map
/// built once when the op is recorded, so the gradient is the matching scatter-add and a replayed
/// step allocates nothing.
/// </summary>
public static partial class Ops
{
    /// <summary>Evenly spaced int32 values in [start, stop) (Keras's <c>ops.arange</c>; with one argument, [0, start)).</summary>
    public static Tensor Arange(int start, int? stop = null, int step = 1, DType dtype = DType.Int32)
    {
        if (step == 0)
        {
            throw new ArgumentException("Arange: step must not be 0.", nameof(step));
        }
        long from = stop is null ? 0 : start, to = stop ?? start;
        long n = Math.Max(0, step > 0 ? (to - from + step - 1) / step : (from - to - step - 1) / -step);
        var values = new int[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = (int)(from + (long)i * step);
        }
        var r = Tensor.FromArray(values, values.Length);
        return dtype == DType.Int32 ? r : r.Cast(dtype);
    }

    /// <summary>Evenly spaced float32 values start, start + step, ... below stop (Keras's <c>ops.arange</c>; with one argument, [0, start)).</summary>
    public static Tensor Arange(float start, float? stop = null, float step = 1f, DType dtype = DType.Float32)
    {
        if (step == 0 || !float.IsFinite(step) || !float.IsFinite(start) || stop is float s && !float.IsFinite(s))
        {
            throw new ArgumentException($"Arange: start, stop and step must be finite and step non-zero, got start {start}, stop {stop}, step {step}.");
        }
        double from = stop is null ? 0 : start, to = stop ?? start;
        double count = Math.Ceiling((to - from) / step);
        if (count > Array.MaxLength)
        {
            throw new ArgumentException($"Arange: [{from}, {to}) by {step} has {count} values, more than one tensor can hold.");
        }
        int n = (int)Math.Max(0, count);
        var values = new float[n];
        for (int i = 0; i < n; i++)
        {
            // As NumPy: start + i * step, not a running sum that drifts.
            values[i] = (float)(from + (i * (double)step));
        }
        var r = Tensor.FromArray(values, n);
        return dtype == DType.Float32 ? r : r.Cast(dtype);
    }

    /// <summary>Inserts a size-1 axis at <paramref name="axis"/> of the result (Keras's <c>ops.expand_dims</c>).</summary>
    public static Tensor ExpandDims(Tensor x, int axis) => ExpandDims(x, [axis]);

    /// <summary>Inserts size-1 axes at the given positions of the result (Keras's <c>ops.expand_dims</c> with a tuple).</summary>
    public static Tensor ExpandDims(Tensor x, int[] axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(axis);
        int rank = x.Rank + axis.Length;
        var inserted = new bool[rank];
        foreach (int a in axis)
        {
            int n = NormalizeAxis("ExpandDims", a, rank);
            if (inserted[n])
            {
                throw new ArgumentException($"ExpandDims: axis {a} is repeated in ({string.Join(", ", axis)}).", nameof(axis));
            }
            inserted[n] = true;
        }
        var dims = new int[rank];
        for (int d = 0, k = 0; d < rank; d++)
        {
            dims[d] = inserted[d] ? 1 : x.Shape[k++];
        }
        return ViewOp(x, new Shape(dims), OpKind.Reshape);
    }

    /// <summary>Removes size-1 axes: all of them, or the one at <paramref name="axis"/> (Keras's <c>ops.squeeze</c>).</summary>
    public static Tensor Squeeze(Tensor x, int? axis = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (axis is int a)
        {
            return Squeeze(x, [a]);
        }
        var all = new List<int>();
        for (int d = 0; d < x.Rank; d++)
        {
            if (x.Shape[d] == 1)
            {
                all.Add(d);
            }
        }
        return Squeeze(x, all.ToArray());
    }

    /// <summary>Removes the size-1 axes listed in <paramref name="axis"/> (Keras's <c>ops.squeeze</c> with a tuple).</summary>
    public static Tensor Squeeze(Tensor x, int[] axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(axis);
        var drop = AxisFlags("Squeeze", axis, x.Rank);
        var dims = new List<int>();
        for (int d = 0; d < x.Rank; d++)
        {
            if (!drop[d])
            {
                dims.Add(x.Shape[d]);
            }
            else if (x.Shape[d] != 1)
            {
                throw new ArgumentException($"Squeeze: cannot squeeze axis {d} of a tensor of shape {x.Shape}: its size is {x.Shape[d]}, expected 1.", nameof(axis));
            }
        }
        return ViewOp(x, new Shape(dims.ToArray()), OpKind.Reshape);
    }

    /// <summary>Joins tensors of one shape along a new axis (Keras's <c>ops.stack</c>).</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> x, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count == 0)
        {
            throw new ArgumentException("Stack needs at least one tensor, got none.", nameof(x));
        }
        for (int i = 1; i < x.Count; i++)
        {
            if (x[i].Shape != x[0].Shape)
            {
                throw new ArgumentException($"Stack needs tensors of one shape: tensor 0 has shape {x[0].Shape}, tensor {i} has {x[i].Shape}.", nameof(x));
            }
        }
        int ax = NormalizeAxis("Stack", axis, x[0].Rank + 1);
        var expanded = x.Select(t => ExpandDims(t, ax)).ToArray();
        var joined = Concatenate(expanded, ax);
        // Concatenate works in float32; integer and bool inputs get their dtype back (exact below 2^24).
        return x.All(t => t.DType == x[0].DType) && x[0].DType != DType.Float32 ? Cast(joined, x[0].DType) : joined;
    }

    /// <summary>Splits into <paramref name="sections"/> equal parts along <paramref name="axis"/> (Keras's <c>ops.split</c> with an int).</summary>
    public static Tensor[] Split(Tensor x, int sections, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        int ax = NormalizeAxis("Split", axis, x.Rank);
        int len = x.Shape[ax];
        if (sections <= 0 || len % sections != 0)
        {
            throw new ArgumentException($"Split: axis {axis} of shape {x.Shape} has size {len}, which {sections} equal sections do not divide; expected a positive divisor of {len}.", nameof(sections));
        }
        var cuts = new int[sections - 1];
        for (int i = 0; i < cuts.Length; i++)
        {
            cuts[i] = (i + 1) * (len / sections);
        }
        return Split(x, cuts, axis);
    }

    /// <summary>Splits along <paramref name="axis"/> before each of the (ascending) <paramref name="indices"/> (Keras's <c>ops.split</c> with a list).</summary>
    public static Tensor[] Split(Tensor x, int[] indices, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        int ax = NormalizeAxis("Split", axis, x.Rank);
        int len = x.Shape[ax];
        var parts = new Tensor[indices.Length + 1];
        int from = 0;
        for (int p = 0; p <= indices.Length; p++)
        {
            // As NumPy: indices are clamped to the axis and a smaller one than its predecessor gives an empty part.
            int to = p < indices.Length ? Math.Clamp(indices[p] < 0 ? indices[p] + len : indices[p], 0, len) : len;
            to = Math.Max(to, from);
            var starts = new int[x.Rank];
            var sizes = x.Shape.ToArray();
            starts[ax] = from;
            sizes[ax] = to - from;
            parts[p] = Slice(x, starts, sizes);
            from = to;
        }
        return parts;
    }

    /// <summary>The block of <paramref name="shape"/> starting at <paramref name="startIndices"/> (Keras's <c>ops.slice</c>); it must lie inside x.</summary>
    public static Tensor Slice(Tensor x, int[] startIndices, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(startIndices);
        ArgumentNullException.ThrowIfNull(shape);
        if (startIndices.Length != x.Rank || shape.Length != x.Rank)
        {
            throw new ArgumentException($"Slice: a tensor of shape {x.Shape} needs {x.Rank} start indices and {x.Rank} sizes, got {startIndices.Length} and {shape.Length}.");
        }
        var maps = new int[x.Rank][];
        for (int d = 0; d < x.Rank; d++)
        {
            int start = startIndices[d], size = shape[d];
            if (start < 0 || size < 0 || start + size > x.Shape[d])
            {
                throw new ArgumentOutOfRangeException(nameof(startIndices), $"Slice: axis {d} of shape {x.Shape} has size {x.Shape[d]}; start {start} with size {size} does not fit (expected 0 <= start and start + size <= {x.Shape[d]}).");
            }
            maps[d] = Enumerable.Range(start, size).ToArray();
        }
        return GatherOp(x, maps);
    }

    /// <summary>
    /// NumPy's basic slicing x[b0:e0:s0, b1:e1:s1, ...]: a null begin or end is the axis's start or end
    /// in the step's direction, negative values count from the end, steps may be negative, bounds are
    /// clamped; axes past the given ones are kept whole.
    /// </summary>
    public static Tensor StridedSlice(Tensor x, int?[] begin, int?[] end, int[]? strides = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(end);
        strides ??= Enumerable.Repeat(1, begin.Length).ToArray();
        if (begin.Length != end.Length || begin.Length != strides.Length || begin.Length > x.Rank)
        {
            throw new ArgumentException($"StridedSlice: begin, end and strides must have one entry per sliced axis (at most rank {x.Rank} of shape {x.Shape}), got {begin.Length}, {end.Length} and {strides.Length}.");
        }
        var maps = new int[x.Rank][];
        for (int d = 0; d < x.Rank; d++)
        {
            int n = x.Shape[d];
            if (d >= begin.Length)
            {
                maps[d] = Enumerable.Range(0, n).ToArray();
                continue;
            }
            int step = strides[d];
            if (step == 0)
            {
                throw new ArgumentException($"StridedSlice: stride of axis {d} is 0; expected a non-zero step.", nameof(strides));
            }
            // Python's slice.indices(n).
            int lower = step > 0 ? 0 : -1, upper = step > 0 ? n : n - 1;
            int start = begin[d] is int b ? Clamp(b < 0 ? b + n : b, lower, upper) : step > 0 ? lower : upper;
            int stop = end[d] is int e ? Clamp(e < 0 ? e + n : e, lower, upper) : step > 0 ? upper : lower;
            int count = step > 0 ? Math.Max(0, (stop - start + step - 1) / step) : Math.Max(0, (start - stop - step - 1) / -step);
            maps[d] = new int[count];
            for (int k = 0; k < count; k++)
            {
                maps[d][k] = start + k * step;
            }
        }
        return GatherOp(x, maps);

        static int Clamp(int v, int lo, int hi) => v < lo ? lo : v > hi ? hi : v;
    }

    /// <summary>
    /// Pads each axis by (before, after) (Keras's <c>ops.pad</c>; one pair applies to every axis) with
    /// <paramref name="mode"/> "constant" (<paramref name="constantValues"/>), "edge", "reflect", "symmetric" or "wrap".
    /// </summary>
    public static Tensor Pad(Tensor x, (int Before, int After)[] padWidth, string mode = "constant", float constantValues = 0f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(padWidth);
        ArgumentNullException.ThrowIfNull(mode);
        if (padWidth.Length != x.Rank && padWidth.Length != 1)
        {
            throw new ArgumentException($"Pad: a tensor of shape {x.Shape} needs {x.Rank} (before, after) pairs (or one for every axis), got {padWidth.Length}.", nameof(padWidth));
        }
        if (mode is not ("constant" or "edge" or "reflect" or "symmetric" or "wrap"))
        {
            throw new ArgumentException($"Pad: mode '{mode}' is not supported; expected 'constant', 'edge', 'reflect', 'symmetric' or 'wrap'.", nameof(mode));
        }
        var maps = new int[x.Rank][];
        for (int d = 0; d < x.Rank; d++)
        {
            var (before, after) = padWidth.Length == 1 ? padWidth[0] : padWidth[d];
            int n = x.Shape[d];
            if (before < 0 || after < 0)
            {
                throw new ArgumentException($"Pad: pad widths must be >= 0, got ({before}, {after}) for axis {d}.", nameof(padWidth));
            }
            if (n == 0 && mode != "constant" && before + after > 0)
            {
                throw new ArgumentException($"Pad: mode '{mode}' cannot pad axis {d} of shape {x.Shape}: it is empty; expected a non-empty axis or mode 'constant'.", nameof(mode));
            }
            maps[d] = new int[before + n + after];
            for (int j = 0; j < maps[d].Length; j++)
            {
                int rel = j - before;
                maps[d][j] = rel >= 0 && rel < n ? rel : mode switch
                {
                    "constant" => -1,
                    "edge" => Math.Clamp(rel, 0, n - 1),
                    "wrap" => Mod(rel, n),
                    "symmetric" => Mirror(Mod(rel, 2 * n), n, 2 * n - 1),
                    _ => n == 1 ? 0 : Mirror(Mod(rel, 2 * (n - 1)), n, 2 * (n - 1)),
                };
            }
        }
        return GatherOp(x, maps, constantValues);

        static int Mod(int a, int m) => ((a % m) + m) % m;
        static int Mirror(int m, int n, int period) => m < n ? m : period - m;
    }

    /// <summary>Repeats x <paramref name="repeats"/>[d] times along each axis (Keras's <c>ops.tile</c>, NumPy's rank rules).</summary>
    public static Tensor Tile(Tensor x, int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Any(r => r < 0))
        {
            throw new ArgumentException($"Tile: repeats must be >= 0, got ({string.Join(", ", repeats)}).", nameof(repeats));
        }
        // NumPy: the shorter of x's shape and repeats is padded with leading ones.
        int rank = Math.Max(x.Rank, repeats.Length);
        var src = x.Rank < rank ? ViewOp(x, new Shape([.. Enumerable.Repeat(1, rank - x.Rank), .. x.Shape.Dims]), OpKind.Reshape) : x;
        var reps = repeats.Length < rank ? [.. Enumerable.Repeat(1, rank - repeats.Length), .. repeats] : repeats;
        var maps = new int[rank][];
        for (int d = 0; d < rank; d++)
        {
            int n = src.Shape[d];
            maps[d] = new int[n * reps[d]];
            for (int j = 0; j < maps[d].Length; j++)
            {
                maps[d][j] = j % n;
            }
        }
        return GatherOp(src, maps);
    }

    /// <summary>Repeats each element <paramref name="repeats"/> times along <paramref name="axis"/> (Keras's <c>ops.repeat</c>; no axis flattens first).</summary>
    public static Tensor Repeat(Tensor x, int repeats, int? axis = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        int len = axis is int a ? x.Shape[NormalizeAxis("Repeat", a, x.Rank)] : x.Length;
        return Repeat(x, Enumerable.Repeat(repeats, len).ToArray(), axis);
    }

    /// <summary>Repeats element i <paramref name="repeats"/>[i] times along <paramref name="axis"/> (Keras's <c>ops.repeat</c> with per-element counts).</summary>
    public static Tensor Repeat(Tensor x, int[] repeats, int? axis = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(repeats);
        var src = axis is null ? ViewOp(x, new Shape(x.Length), OpKind.Reshape) : x;
        int ax = NormalizeAxis("Repeat", axis ?? 0, src.Rank);
        int n = src.Shape[ax];
        if (repeats.Length != n && repeats.Length != 1)
        {
            throw new ArgumentException($"Repeat: axis {ax} of shape {src.Shape} has {n} elements, so repeats needs {n} counts (or one), got {repeats.Length}.", nameof(repeats));
        }
        if (repeats.Any(r => r < 0))
        {
            throw new ArgumentException($"Repeat: repeats must be >= 0, got ({string.Join(", ", repeats)}).", nameof(repeats));
        }
        var axisMap = new List<int>();
        for (int i = 0; i < n; i++)
        {
            axisMap.AddRange(Enumerable.Repeat(i, repeats.Length == 1 ? repeats[0] : repeats[i]));
        }
        var maps = new int[src.Rank][];
        for (int d = 0; d < src.Rank; d++)
        {
            maps[d] = d == ax ? axisMap.ToArray() : Enumerable.Range(0, src.Shape[d]).ToArray();
        }
        return GatherOp(src, maps);
    }

    /// <summary>x broadcast to <paramref name="shape"/> by NumPy's rules (Keras's <c>ops.broadcast_to</c>).</summary>
    public static Tensor BroadcastTo(Tensor x, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        var target = new Shape(shape);
        bool fits;
        try
        {
            fits = target.Rank >= x.Rank && Shape.Broadcast(x.Shape, target) == target;
        }
        catch (ArgumentException)
        {
            fits = false;
        }
        if (!fits)
        {
            throw new ArgumentException($"BroadcastTo: a tensor of shape {x.Shape} cannot be broadcast to {target}.", nameof(shape));
        }
        return GatherOp(x, BroadcastMaps(x.Shape, target));
    }

    /// <summary>Per-axis source maps that broadcast <paramref name="from"/> into <paramref name="to"/> (the leading axes of <paramref name="to"/> that <paramref name="from"/> lacks are dropped from its maps by <see cref="BuildIndexMap"/>).</summary>
    private static int[][] BroadcastMaps(Shape from, Shape to)
    {
        var maps = new int[to.Rank][];
        int lead = to.Rank - from.Rank;
        for (int d = 0; d < to.Rank; d++)
        {
            maps[d] = new int[to[d]];
            if (d >= lead && from[d - lead] != 1)
            {
                for (int j = 0; j < to[d]; j++)
                {
                    maps[d][j] = j;
                }
            }
        }
        return maps;
    }

    /// <summary>The flat map of a broadcast of <paramref name="from"/> into <paramref name="to"/>, or null when no broadcast is needed.</summary>
    private static int[]? BroadcastIndex(Shape from, Shape to) => from == to ? null : BuildIndexMap(from, BroadcastMaps(from, to));

    /// <summary>
    /// map[i] for the output element at multi-index (j0, j1, ...) of the shape (maps[0].Length, ...):
    /// the flat index of the source element (maps[0][j0], ...) in <paramref name="src"/>, or -1 when any
    /// axis map is negative (padding). Extra leading maps (broadcast axes the source lacks) are ignored.
    /// </summary>
    private static int[] BuildIndexMap(Shape src, int[][] maps)
    {
        int rank = maps.Length, lead = rank - src.Rank;
        var stride = new int[rank];
        for (int d = rank - 1, s = 1; d >= lead; d--)
        {
            stride[d] = s;
            s *= src[d - lead];
        }
        long total = 1;
        foreach (var m in maps)
        {
            total *= m.Length;
        }
        var map = new int[total];
        if (total == 0)
        {
            return map;
        }
        var index = new int[rank];
        for (int i = 0; i < map.Length; i++)
        {
            int at = 0;
            for (int d = lead; d < rank; d++)
            {
                int v = maps[d][index[d]];
                if (v < 0)
                {
                    at = -1;
                    break;
                }
                at += v * stride[d];
            }
            map[i] = at;
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++index[d] < maps[d].Length)
                {
                    break;
                }
                index[d] = 0;
            }
        }
        return map;
    }

    /// <summary>y = x gathered through the per-axis maps (out-of-range entries -1 read <paramref name="fill"/>); differentiable for float32.</summary>
    private static Tensor GatherOp(Tensor x, int[][] maps, float fill = 0f)
    {
        var shape = new Shape(maps.Select(m => m.Length).ToArray());
        return GatherOp(x, shape, BuildIndexMap(x.Shape, maps), null, fill);
    }

    /// <summary>
    /// y (of <paramref name="shape"/>) = x gathered through <paramref name="map"/>. When <paramref name="refresh"/>
    /// is given it rewrites the map from the current inputs before each gather (take, sort), so a replay follows new indices.
    /// </summary>
    private static Tensor GatherOp(Tensor x, Shape shape, int[] map, Action? refresh, float fill = 0f, Tensor[]? extraInputs = null)
    {
        var y = Tensor.NewLike(shape, x.DType);
        void Forward()
        {
            refresh?.Invoke();
            GatherAny(x, map, y, fill);
        }
        Forward();
        Tensor[] inputs = extraInputs is null ? [x] : [x, .. extraInputs];
        if (GradientTape.IsRecording(inputs))
        {
            GradientTape.BackwardFn? backward = x.IsFloat ? (g, dx) =>
            {
                if (dx.Needs(0))
                {
                    K.ScatterAddIndexed(g.Span, map, dx[0].Span);
                }
            }
            : null;
            GradientTape.Record(y, inputs, Forward, backward, OpKind.IndexGather);
        }
        return y;
    }

    /// <summary>y[i] = x[map[i]] (or <paramref name="fill"/> where map[i] is negative) for any dtype.</summary>
    private static void GatherAny(Tensor x, ReadOnlySpan<int> map, Tensor y, float fill)
    {
        switch (x.DType)
        {
            case DType.Float32:
                K.GatherIndexed(x.Span, map, y.Span, fill);
                break;
            case DType.Int32:
            {
                var xs = x.Int32Span;
                var ys = y.Int32Span;
                for (int i = 0; i < ys.Length; i++)
                {
                    ys[i] = map[i] < 0 ? (int)fill : xs[map[i]];
                }
                break;
            }
            default:
            {
                var xs = x.ByteSpan;
                var ys = y.ByteSpan;
                byte f = x.DType == DType.Bool ? (fill != 0 ? (byte)1 : (byte)0) : (byte)Math.Clamp(fill, 0, 255);
                for (int i = 0; i < ys.Length; i++)
                {
                    ys[i] = map[i] < 0 ? f : xs[map[i]];
                }
                break;
            }
        }
    }

    /// <summary>An axis in [-rank, rank) made non-negative, or an error naming the op, the axis and the allowed range.</summary>
    private static int NormalizeAxis(string op, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for rank {rank}; expected {-rank} <= axis < {rank}.");
        }
        return a;
    }

    /// <summary>Which axes of a rank-<paramref name="rank"/> tensor are listed (each normalized, none repeated).</summary>
    private static bool[] AxisFlags(string op, int[] axes, int rank)
    {
        var flags = new bool[rank];
        foreach (int a in axes)
        {
            int n = NormalizeAxis(op, a, rank);
            if (flags[n])
            {
                throw new ArgumentException($"{op}: axis {a} is repeated in ({string.Join(", ", axes)}); expected each axis once.", nameof(axes));
            }
            flags[n] = true;
        }
        return flags;
    }
}
