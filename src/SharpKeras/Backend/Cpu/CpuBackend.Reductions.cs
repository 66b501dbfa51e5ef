using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The axis-reduction kernel family of the CPU backend: with an inner extent the vectors run across it
/// (one output row updated per step along the axis); over the last axis they run along the axis itself.
/// Outer slices are split across cores.
/// </summary>
internal sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public unsafe void ReduceAxis(ReductionKind kind, ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y)
    {
        if (outer == 0 || inner == 0)
        {
            return;
        }
        fixed (float* px = x)
        fixed (float* py = y)
        {
            var body = new ReduceBody(kind, px, py, len, inner);
            CpuParallel.For(outer, (long)len * inner, ref body);
        }
    }

    /// <inheritdoc/>
    public unsafe void ArgReduceAxis(ReadOnlySpan<float> x, int outer, int len, int inner, bool max, Span<int> y)
    {
        if (outer == 0 || inner == 0)
        {
            return;
        }
        fixed (float* px = x)
        fixed (int* py = y)
        {
            var body = new ArgReduceBody(px, py, len, inner, max);
            CpuParallel.For(outer, (long)len * inner, ref body);
        }
    }

    /// <inheritdoc/>
    public unsafe void CumulativeAxis(ReadOnlySpan<float> x, int outer, int len, int inner, bool product, bool reverse, Span<float> y)
    {
        if (outer == 0 || inner == 0 || len == 0)
        {
            return;
        }
        fixed (float* px = x)
        fixed (float* py = y)
        {
            var body = new CumulativeBody(px, py, len, inner, product, reverse);
            CpuParallel.For(outer, (long)len * inner, ref body);
        }
    }

    private readonly unsafe struct ReduceBody(ReductionKind kind, float* x, float* y, int len, int inner) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int o = start; o < end; o++)
            {
                var src = new ReadOnlySpan<float>(x + (long)o * len * inner, len * inner);
                var dst = new Span<float>(y + (long)o * inner, inner);
                if (inner == 1)
                {
                    dst[0] = ReduceRow(kind, src);
                }
                else
                {
                    ReduceColumns(kind, src, len, dst);
                }
            }
        }
    }

    /// <summary>Reduces one contiguous row, vectors along it; NaN anywhere gives NaN for max and min.</summary>
    private static float ReduceRow(ReductionKind kind, ReadOnlySpan<float> row)
    {
        int width = Vector<float>.Count, j = 0;
        if (kind == ReductionKind.Prod)
        {
            var accP = Vector<float>.One;
            for (; j <= row.Length - width; j += width)
            {
                accP *= new Vector<float>(row[j..]);
            }
            float p = 1f;
            for (int l = 0; l < width; l++)
            {
                p *= accP[l];
            }
            for (; j < row.Length; j++)
            {
                p *= row[j];
            }
            return p;
        }
        bool isMax = kind == ReductionKind.Max;
        float r = row[0];
        bool nan = float.IsNaN(r);
        if (row.Length >= width)
        {
            var acc = new Vector<float>(row);
            var nans = ~Vector.Equals(acc, acc);
            for (j = width; j <= row.Length - width; j += width)
            {
                var v = new Vector<float>(row[j..]);
                nans |= ~Vector.Equals(v, v);
                acc = isMax ? Vector.Max(acc, v) : Vector.Min(acc, v);
            }
            nan |= nans != Vector<int>.Zero;
            r = acc[0];
            for (int l = 1; l < width; l++)
            {
                r = isMax ? MathF.Max(r, acc[l]) : MathF.Min(r, acc[l]);
            }
        }
        else
        {
            j = 1;
        }
        for (; j < row.Length; j++)
        {
            nan |= float.IsNaN(row[j]);
            r = isMax ? MathF.Max(r, row[j]) : MathF.Min(r, row[j]);
        }
        return nan ? float.NaN : r;
    }

    /// <summary>Reduces (len, inner) over len into inner, vectors across inner.</summary>
    private static void ReduceColumns(ReductionKind kind, ReadOnlySpan<float> src, int len, Span<float> dst)
    {
        int inner = dst.Length, width = Vector<float>.Count;
        if (kind == ReductionKind.Prod)
        {
            dst.Fill(1f);
        }
        else
        {
            src[..inner].CopyTo(dst);
        }
        for (int j = kind == ReductionKind.Prod ? 0 : 1; j < len; j++)
        {
            var row = src.Slice(j * inner, inner);
            int i = 0;
            for (; i <= inner - width; i += width)
            {
                var a = new Vector<float>(dst[i..]);
                var v = new Vector<float>(row[i..]);
                Vector<float> r = kind switch
                {
                    // Keep NaN: a NaN already in a stays; a NaN in v replaces a.
                    ReductionKind.Max => Vector.ConditionalSelect(Vector.Equals(v, v), Vector.ConditionalSelect(Vector.Equals(a, a), Vector.Max(a, v), a), v),
                    ReductionKind.Min => Vector.ConditionalSelect(Vector.Equals(v, v), Vector.ConditionalSelect(Vector.Equals(a, a), Vector.Min(a, v), a), v),
                    _ => a * v,
                };
                r.CopyTo(dst[i..]);
            }
            for (; i < inner; i++)
            {
                float a = dst[i], v = row[i];
                dst[i] = kind switch
                {
                    ReductionKind.Max => float.IsNaN(a) || float.IsNaN(v) ? float.NaN : MathF.Max(a, v),
                    ReductionKind.Min => float.IsNaN(a) || float.IsNaN(v) ? float.NaN : MathF.Min(a, v),
                    _ => a * v,
                };
            }
        }
    }

    private readonly unsafe struct ArgReduceBody(float* x, int* y, int len, int inner, bool max) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int o = start; o < end; o++)
            {
                float* slab = x + (long)o * len * inner;
                for (int i = 0; i < inner; i++)
                {
                    int best = 0;
                    float b = slab[i];
                    for (int j = 1; j < len && !float.IsNaN(b); j++)
                    {
                        float v = slab[(long)j * inner + i];
                        if (float.IsNaN(v) || (max ? v > b : v < b))
                        {
                            best = j;
                            b = v;
                        }
                    }
                    y[(long)o * inner + i] = best;
                }
            }
        }
    }

    private readonly unsafe struct CumulativeBody(float* x, float* y, int len, int inner, bool product, bool reverse) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int width = Vector<float>.Count;
            for (int o = start; o < end; o++)
            {
                long slab = (long)o * len * inner;
                if (inner == 1)
                {
                    float acc = product ? 1f : 0f;
                    for (int step = 0; step < len; step++)
                    {
                        long at = slab + (reverse ? len - 1 - step : step);
                        acc = product ? acc * x[at] : acc + x[at];
                        y[at] = acc;
                    }
                    continue;
                }
                int first = reverse ? len - 1 : 0;
                new ReadOnlySpan<float>(x + slab + (long)first * inner, inner).CopyTo(new Span<float>(y + slab + (long)first * inner, inner));
                for (int step = 1; step < len; step++)
                {
                    int j = reverse ? len - 1 - step : step;
                    int prev = reverse ? j + 1 : j - 1;
                    var src = new ReadOnlySpan<float>(x + slab + (long)j * inner, inner);
                    var before = new ReadOnlySpan<float>(y + slab + (long)prev * inner, inner);
                    var dst = new Span<float>(y + slab + (long)j * inner, inner);
                    int i = 0;
                    for (; i <= inner - width; i += width)
                    {
                        var a = new Vector<float>(before[i..]);
                        var v = new Vector<float>(src[i..]);
                        (product ? a * v : a + v).CopyTo(dst[i..]);
                    }
                    for (; i < inner; i++)
                    {
                        dst[i] = product ? before[i] * src[i] : before[i] + src[i];
                    }
                }
            }
        }
    }
}
