using System.Buffers;
using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The indexing kernel family of the CPU backend. Index maps of slices, pads, tiles and broadcasts are
/// made of runs of consecutive source indices, so both directions copy or add whole runs with block
/// copies and vector adds; gathers split the output across cores, sorts split the slices.
/// </summary>
internal sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public unsafe void GatherIndexed(ReadOnlySpan<float> x, ReadOnlySpan<int> index, Span<float> y, float fill)
    {
        fixed (float* px = x)
        fixed (int* pi = index)
        fixed (float* py = y)
        {
            var body = new GatherIndexedBody(px, pi, py, fill);
            CpuParallel.For(y.Length, 1, ref body);
        }
    }

    /// <inheritdoc/>
    public void ScatterAddIndexed(ReadOnlySpan<float> g, ReadOnlySpan<int> index, Span<float> dx)
    {
        // Serial: repeated indices (tiles, repeats, take) would race if the output were split.
        dx.Clear();
        int i = 0;
        while (i < g.Length)
        {
            int start = index[i];
            int run = RunLength(index, i);
            if (start >= 0)
            {
                AddInto(g.Slice(i, run), dx.Slice(start, run));
            }
            i += run;
        }
    }

    /// <inheritdoc/>
    public unsafe void ArgsortAxis(ReadOnlySpan<float> x, int outer, int len, int inner, bool descending, Span<int> idx)
    {
        if (len == 0 || outer == 0 || inner == 0)
        {
            return;
        }
        fixed (float* px = x)
        fixed (int* pi = idx)
        {
            var body = new ArgsortBody(px, pi, len, inner, descending);
            CpuParallel.For(outer * inner, (long)len * Math.Max(1, BitOperations.Log2((uint)len)) * 4, ref body);
        }
    }

    /// <summary>How many indices from i on are consecutive (or all negative): one block copy, add or fill.</summary>
    private static int RunLength(ReadOnlySpan<int> index, int i)
    {
        int start = index[i];
        int n = 1;
        if (start < 0)
        {
            while (i + n < index.Length && index[i + n] < 0)
            {
                n++;
            }
            return n;
        }
        while (i + n < index.Length && index[i + n] == start + n)
        {
            n++;
        }
        return n;
    }

    private static void AddInto(ReadOnlySpan<float> g, Span<float> dst)
    {
        int j = 0, width = Vector<float>.Count;
        for (; j <= g.Length - width; j += width)
        {
            (new Vector<float>(dst[j..]) + new Vector<float>(g[j..])).CopyTo(dst[j..]);
        }
        for (; j < g.Length; j++)
        {
            dst[j] += g[j];
        }
    }

    private readonly unsafe struct GatherIndexedBody(float* x, int* index, float* y, float fill) : IRangeBody
    {
        public void Run(int start, int end)
        {
            var idx = new ReadOnlySpan<int>(index, end);
            int i = start;
            while (i < end)
            {
                int run = RunLength(idx, i);
                var dst = new Span<float>(y + i, run);
                if (idx[i] < 0)
                {
                    dst.Fill(fill);
                }
                else
                {
                    new ReadOnlySpan<float>(x + idx[i], run).CopyTo(dst);
                }
                i += run;
            }
        }
    }

    /// <summary>A value and its position; ordering by position among equals makes the unstable span sort stable.</summary>
    private readonly record struct Ranked(float Value, int Position);

    private readonly struct AscendingOrder : IComparer<Ranked>
    {
        public int Compare(Ranked a, Ranked b)
        {
            int c = a.Value.CompareTo(b.Value);
            // float.CompareTo puts NaN below every number; NumPy sorts NaN last.
            if (float.IsNaN(a.Value) != float.IsNaN(b.Value))
            {
                c = float.IsNaN(a.Value) ? 1 : -1;
            }
            return c != 0 ? c : a.Position.CompareTo(b.Position);
        }
    }

    private readonly struct DescendingOrder : IComparer<Ranked>
    {
        public int Compare(Ranked a, Ranked b)
        {
            int c = b.Value.CompareTo(a.Value);
            if (float.IsNaN(a.Value) != float.IsNaN(b.Value))
            {
                c = float.IsNaN(a.Value) ? -1 : 1;
            }
            return c != 0 ? c : a.Position.CompareTo(b.Position);
        }
    }

    private readonly unsafe struct ArgsortBody(float* x, int* idx, int len, int inner, bool descending) : IRangeBody
    {
        public void Run(int start, int end)
        {
            // Pooled, so a replayed step that sorts allocates nothing after its first run.
            var buffer = ArrayPool<Ranked>.Shared.Rent(len);
            try
            {
                var slice = buffer.AsSpan(0, len);
                for (int s = start; s < end; s++)
                {
                    int o = s / inner, i = s % inner;
                    long first = (long)o * len * inner + i;
                    for (int j = 0; j < len; j++)
                    {
                        slice[j] = new Ranked(x[first + (long)j * inner], j);
                    }
                    if (descending)
                    {
                        slice.Sort(default(DescendingOrder));
                    }
                    else
                    {
                        slice.Sort(default(AscendingOrder));
                    }
                    for (int j = 0; j < len; j++)
                    {
                        idx[first + (long)j * inner] = slice[j].Position;
                    }
                }
            }
            finally
            {
                ArrayPool<Ranked>.Shared.Return(buffer);
            }
        }
    }
}
