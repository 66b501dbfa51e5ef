using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>The weight-constraint kernel family of the CPU backend: SIMD over the last axis, an odometer over the others.</summary>
internal sealed partial class CpuBackend
{
    // The last axis is either reduced (its group stride is 0: the row adds into one slice) or kept
    // (stride 1: the row meets as many consecutive slices); both run as vector loops over the row.

    /// <inheritdoc/>
    public void SliceSquaredNorms(ReadOnlySpan<float> w, ReadOnlySpan<int> dims, ReadOnlySpan<int> groupStride, Span<float> sumSquares)
    {
        sumSquares.Clear();
        int rank = dims.Length;
        int inner = dims[rank - 1];
        bool reducedLast = groupStride[rank - 1] == 0;
        Span<int> index = stackalloc int[rank];
        int group = 0;
        for (int start = 0; start < w.Length; start += inner)
        {
            var row = w.Slice(start, inner);
            if (reducedLast)
            {
                sumSquares[group] += RowSumOfSquares(row);
            }
            else
            {
                AddSquares(row, sumSquares.Slice(group, inner));
            }
            group = Advance(dims, groupStride, index, group);
        }
    }

    /// <inheritdoc/>
    public void ScaleSlices(Span<float> w, ReadOnlySpan<int> dims, ReadOnlySpan<int> groupStride, ReadOnlySpan<float> factors)
    {
        int rank = dims.Length;
        int inner = dims[rank - 1];
        bool reducedLast = groupStride[rank - 1] == 0;
        Span<int> index = stackalloc int[rank];
        int group = 0;
        for (int start = 0; start < w.Length; start += inner)
        {
            var row = w.Slice(start, inner);
            if (reducedLast)
            {
                ScaleBy(row, factors[group]);
            }
            else
            {
                MultiplyBy(row, factors.Slice(group, inner));
            }
            group = Advance(dims, groupStride, index, group);
        }
    }

    /// <summary>The slice of the next row: the axes before the last advance like an odometer.</summary>
    private static int Advance(ReadOnlySpan<int> dims, ReadOnlySpan<int> groupStride, Span<int> index, int group)
    {
        for (int d = dims.Length - 2; d >= 0; d--)
        {
            group += groupStride[d];
            if (++index[d] < dims[d])
            {
                return group;
            }
            group -= groupStride[d] * dims[d];
            index[d] = 0;
        }
        return group;
    }

    private static float RowSumOfSquares(ReadOnlySpan<float> x)
    {
        int i = 0, width = Vector<float>.Count;
        var acc = Vector<float>.Zero;
        for (; i <= x.Length - width; i += width)
        {
            var v = new Vector<float>(x[i..]);
            acc += v * v;
        }
        float s = Vector.Sum(acc);
        for (; i < x.Length; i++)
        {
            s += x[i] * x[i];
        }
        return s;
    }

    private static void AddSquares(ReadOnlySpan<float> x, Span<float> acc)
    {
        int i = 0, width = Vector<float>.Count;
        for (; i <= x.Length - width; i += width)
        {
            var v = new Vector<float>(x[i..]);
            (new Vector<float>(acc[i..]) + (v * v)).CopyTo(acc[i..]);
        }
        for (; i < x.Length; i++)
        {
            acc[i] += x[i] * x[i];
        }
    }

    private static void ScaleBy(Span<float> x, float factor)
    {
        int i = 0, width = Vector<float>.Count;
        var f = new Vector<float>(factor);
        for (; i <= x.Length - width; i += width)
        {
            (new Vector<float>(x[i..]) * f).CopyTo(x[i..]);
        }
        for (; i < x.Length; i++)
        {
            x[i] *= factor;
        }
    }

    private static void MultiplyBy(Span<float> x, ReadOnlySpan<float> factors)
    {
        int i = 0, width = Vector<float>.Count;
        for (; i <= x.Length - width; i += width)
        {
            (new Vector<float>(x[i..]) * new Vector<float>(factors[i..])).CopyTo(x[i..]);
        }
        for (; i < x.Length; i++)
        {
            x[i] *= factors[i];
        }
    }
}
