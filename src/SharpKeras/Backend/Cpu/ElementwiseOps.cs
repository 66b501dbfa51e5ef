using System.Numerics;
using System.Runtime.CompilerServices;

namespace SharpKeras.Backend.Cpu;

/// <summary>A binary element-wise function with a scalar and a SIMD form.</summary>
internal interface IBinaryOp
{
    static abstract float Apply(float a, float b);
    static abstract Vector<float> Apply(Vector<float> a, Vector<float> b);
}

/// <summary>A unary element-wise function with a scalar and a SIMD form.</summary>
internal interface IUnaryOp
{
    static abstract float Apply(float x);
    static abstract Vector<float> Apply(Vector<float> x);
}

internal readonly struct AddOp : IBinaryOp
{
    public static float Apply(float a, float b) => a + b;
    public static Vector<float> Apply(Vector<float> a, Vector<float> b) => a + b;
}

internal readonly struct SubOp : IBinaryOp
{
    public static float Apply(float a, float b) => a - b;
    public static Vector<float> Apply(Vector<float> a, Vector<float> b) => a - b;
}

internal readonly struct MulOp : IBinaryOp
{
    public static float Apply(float a, float b) => a * b;
    public static Vector<float> Apply(Vector<float> a, Vector<float> b) => a * b;
}

internal readonly struct DivOp : IBinaryOp
{
    public static float Apply(float a, float b) => a / b;
    public static Vector<float> Apply(Vector<float> a, Vector<float> b) => a / b;
}

/// <summary>relu'(x) * g: passes the gradient where the forward input was positive.</summary>
internal readonly struct ReluGradOp : IBinaryOp
{
    public static float Apply(float x, float g) => x > 0f ? g : 0f;
    public static Vector<float> Apply(Vector<float> x, Vector<float> g) =>
        Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<float>.Zero), g, Vector<float>.Zero);
}

/// <summary>sigmoid'(.) * g written in terms of the output y: y (1 - y) g.</summary>
internal readonly struct SigmoidGradOp : IBinaryOp
{
    public static float Apply(float y, float g) => g * y * (1f - y);
    public static Vector<float> Apply(Vector<float> y, Vector<float> g) => g * y * (Vector<float>.One - y);
}

/// <summary>tanh'(.) * g written in terms of the output y: (1 - y^2) g.</summary>
internal readonly struct TanhGradOp : IBinaryOp
{
    public static float Apply(float y, float g) => g * (1f - y * y);
    public static Vector<float> Apply(Vector<float> y, Vector<float> g) => g * (Vector<float>.One - y * y);
}

/// <summary>log'(x) * g: g / x.</summary>
internal readonly struct RevDivOp : IBinaryOp
{
    public static float Apply(float x, float g) => g / x;
    public static Vector<float> Apply(Vector<float> x, Vector<float> g) => g / x;
}

/// <summary>(x^2)' * g: g x 2.</summary>
internal readonly struct SquareGradOp : IBinaryOp
{
    public static float Apply(float x, float g) => g * x * 2f;
    public static Vector<float> Apply(Vector<float> x, Vector<float> g) => g * x * new Vector<float>(2f);
}

/// <summary>sqrt'(.) * g written in terms of the output y: g 0.5 / y.</summary>
internal readonly struct SqrtGradOp : IBinaryOp
{
    public static float Apply(float y, float g) => g * 0.5f / y;
    public static Vector<float> Apply(Vector<float> y, Vector<float> g) => g * new Vector<float>(0.5f) / y;
}

internal readonly struct NegOp : IUnaryOp
{
    public static float Apply(float x) => -x;
    public static Vector<float> Apply(Vector<float> x) => -x;
}

internal readonly struct ReluOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Max(x, 0f);
    public static Vector<float> Apply(Vector<float> x) => Vector.Max(x, Vector<float>.Zero);
}

internal readonly struct SquareOp : IUnaryOp
{
    public static float Apply(float x) => x * x;
    public static Vector<float> Apply(Vector<float> x) => x * x;
}

internal readonly struct SqrtOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Sqrt(x);
    public static Vector<float> Apply(Vector<float> x) => Vector.SquareRoot(x);
}

internal readonly struct ExpOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Exp(x);
    public static Vector<float> Apply(Vector<float> x) => Vector.Exp(x);
}

internal readonly struct LogOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Log(x);
    public static Vector<float> Apply(Vector<float> x) => Vector.Log(x);
}

internal readonly struct TanhOp : IUnaryOp
{
    public static float Apply(float x) => MathF.Tanh(x);

    public static Vector<float> Apply(Vector<float> x)
    {
        Span<float> t = stackalloc float[Vector<float>.Count];
        x.CopyTo(t);
        for (int i = 0; i < t.Length; i++)
        {
            t[i] = MathF.Tanh(t[i]);
        }
        return new Vector<float>(t);
    }
}

internal readonly struct SigmoidOp : IUnaryOp
{
    public static float Apply(float x) => 1f / (1f + MathF.Exp(-x));
    public static Vector<float> Apply(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Vector.Exp(-x));
}

/// <summary>Loops that apply element-wise functions over spans, SIMD and split across threads.</summary>
internal static class Elementwise
{
    public static void Unary<TOp>(ReadOnlySpan<float> x, Span<float> y) where TOp : IUnaryOp
    {
        if (CpuParallel.ChunksFor(x.Length, 1) > 1)
        {
            unsafe
            {
                fixed (float* px = x)
                fixed (float* py = y)
                {
                    var body = new UnaryBody<TOp>(px, py);
                    CpuParallel.ForElements(x.Length, 1, ref body);
                }
            }
            return;
        }
        UnaryRange<TOp>(x, y);
    }

    private readonly unsafe struct UnaryBody<TOp>(float* x, float* y) : IRangeBody where TOp : IUnaryOp
    {
        public void Run(int s, int e) => UnaryRange<TOp>(new ReadOnlySpan<float>(x + s, e - s), new Span<float>(y + s, e - s));
    }

    private readonly unsafe struct BinaryBody<TOp>(float* a, float* b, float* z) : IRangeBody where TOp : IBinaryOp
    {
        public void Run(int s, int e) => BinaryRange<TOp>(new ReadOnlySpan<float>(a + s, e - s), new ReadOnlySpan<float>(b + s, e - s), new Span<float>(z + s, e - s));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UnaryRange<TOp>(ReadOnlySpan<float> x, Span<float> y) where TOp : IUnaryOp
    {
        int i = 0;
        int w = Vector<float>.Count;
        for (; i <= x.Length - w; i += w)
        {
            TOp.Apply(new Vector<float>(x[i..])).CopyTo(y[i..]);
        }
        for (; i < x.Length; i++)
        {
            y[i] = TOp.Apply(x[i]);
        }
    }

    /// <summary>z = a op b for same-length spans.</summary>
    public static void Binary<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> z) where TOp : IBinaryOp
    {
        if (CpuParallel.ChunksFor(a.Length, 1) > 1)
        {
            unsafe
            {
                fixed (float* pa = a)
                fixed (float* pb = b)
                fixed (float* pz = z)
                {
                    var body = new BinaryBody<TOp>(pa, pb, pz);
                    CpuParallel.ForElements(a.Length, 1, ref body);
                }
            }
            return;
        }
        BinaryRange<TOp>(a, b, z);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BinaryRange<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> z) where TOp : IBinaryOp
    {
        int i = 0;
        int w = Vector<float>.Count;
        for (; i <= a.Length - w; i += w)
        {
            TOp.Apply(new Vector<float>(a[i..]), new Vector<float>(b[i..])).CopyTo(z[i..]);
        }
        for (; i < a.Length; i++)
        {
            z[i] = TOp.Apply(a[i], b[i]);
        }
    }

    /// <summary>z[r, j] = a[r, j] op b[j] for every row r (b broadcast along rows), or b op a when <paramref name="swap"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BinaryRowBroadcast<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> row, Span<float> z, bool swap) where TOp : IBinaryOp
    {
        int n = row.Length;
        int rows = n == 0 ? 0 : a.Length / n;
        int w = Vector<float>.Count;
        for (int r = 0; r < rows; r++)
        {
            var ar = a.Slice(r * n, n);
            var zr = z.Slice(r * n, n);
            int j = 0;
            for (; j <= n - w; j += w)
            {
                var va = new Vector<float>(ar[j..]);
                var vb = new Vector<float>(row[j..]);
                (swap ? TOp.Apply(vb, va) : TOp.Apply(va, vb)).CopyTo(zr[j..]);
            }
            for (; j < n; j++)
            {
                zr[j] = swap ? TOp.Apply(row[j], ar[j]) : TOp.Apply(ar[j], row[j]);
            }
        }
    }

    /// <summary>z = a op s (or s op a when <paramref name="swap"/>) for a scalar s.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BinaryScalar<TOp>(ReadOnlySpan<float> a, float s, Span<float> z, bool swap) where TOp : IBinaryOp
    {
        var vs = new Vector<float>(s);
        int w = Vector<float>.Count;
        int i = 0;
        for (; i <= a.Length - w; i += w)
        {
            var va = new Vector<float>(a[i..]);
            (swap ? TOp.Apply(vs, va) : TOp.Apply(va, vs)).CopyTo(z[i..]);
        }
        for (; i < a.Length; i++)
        {
            z[i] = swap ? TOp.Apply(s, a[i]) : TOp.Apply(a[i], s);
        }
    }

    /// <summary>
    /// General NumPy broadcast: <paramref name="outShape"/> is the broadcast shape; a and b are read
    /// with stride 0 along their broadcast axes.
    /// </summary>
    public static void BinaryBroadcast<TOp>(ReadOnlySpan<float> a, Shape aShape, ReadOnlySpan<float> b, Shape bShape, Span<float> z, Shape outShape)
        where TOp : IBinaryOp
    {
        int rank = outShape.Rank;
        Span<int> sa = stackalloc int[rank];
        Span<int> sb = stackalloc int[rank];
        BroadcastStrides(aShape, outShape, sa);
        BroadcastStrides(bShape, outShape, sb);
        Span<int> idx = stackalloc int[rank];
        int ia = 0, ib = 0;
        for (int o = 0; o < z.Length; o++)
        {
            z[o] = TOp.Apply(a[ia], b[ib]);
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d]++;
                ia += sa[d];
                ib += sb[d];
                if (idx[d] < outShape[d])
                {
                    break;
                }
                ia -= sa[d] * idx[d];
                ib -= sb[d] * idx[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>Row-major strides of <paramref name="shape"/> aligned to <paramref name="outShape"/>, 0 on broadcast axes.</summary>
    public static void BroadcastStrides(Shape shape, Shape outShape, Span<int> strides)
    {
        int rank = outShape.Rank;
        int offset = rank - shape.Rank;
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            int size = d >= offset ? shape[d - offset] : 1;
            strides[d] = size == 1 ? 0 : stride;
            stride *= size;
        }
    }

    /// <summary>
    /// Sums <paramref name="g"/> (of <paramref name="gShape"/>) over the axes along which
    /// <paramref name="target"/> was broadcast: the gradient of a broadcast.
    /// </summary>
    public static void SumToShape(ReadOnlySpan<float> g, Shape gShape, Span<float> result, Shape target)
    {
        result.Clear();
        if (target.Size == 1)
        {
            result[0] = SumAll(g);
            return;
        }
        int n = target.Size;
        if (IsTrailing(target, gShape))
        {
            SumRows(g, n, result);
            return;
        }
        int rank = gShape.Rank;
        Span<int> st = stackalloc int[rank];
        BroadcastStrides(target, gShape, st);
        Span<int> idx = stackalloc int[rank];
        int it = 0;
        for (int o = 0; o < g.Length; o++)
        {
            result[it] += g[o];
            for (int d = rank - 1; d >= 0; d--)
            {
                idx[d]++;
                it += st[d];
                if (idx[d] < gShape[d])
                {
                    break;
                }
                it -= st[d] * idx[d];
                idx[d] = 0;
            }
        }
    }

    /// <summary>True when <paramref name="small"/> equals the trailing dimensions of <paramref name="big"/> (after dropping leading 1s).</summary>
    public static bool IsTrailing(Shape small, Shape big)
    {
        int s = 0;
        while (s < small.Rank && small[s] == 1 && small.Rank - s > 0)
        {
            s++;
        }
        int len = small.Rank - s;
        if (len > big.Rank)
        {
            return false;
        }
        for (int i = 0; i < len; i++)
        {
            if (small[s + i] != big[big.Rank - len + i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>result[j] = sum over rows r of g[r, j]: column sums of a row-major matrix with n columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumRows(ReadOnlySpan<float> g, int n, Span<float> result)
    {
        result.Clear();
        int rows = g.Length / n;
        int w = Vector<float>.Count;
        for (int r = 0; r < rows; r++)
        {
            var gr = g.Slice(r * n, n);
            int j = 0;
            for (; j <= n - w; j += w)
            {
                (new Vector<float>(result[j..]) + new Vector<float>(gr[j..])).CopyTo(result[j..]);
            }
            for (; j < n; j++)
            {
                result[j] += gr[j];
            }
        }
    }

    /// <summary>Sum of all elements, accumulated in double so that long sums stay exact to float precision.</summary>
    public static float SumAll(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (var v in x)
        {
            s += v;
        }
        return (float)s;
    }
}
