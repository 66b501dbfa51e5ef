using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The adaptive pooling kernel family of the CPU backend, vectorised over channels (contiguous in
/// NHWC). Forward passes split over output positions; backward passes scatter into overlapping bins,
/// so they split over images, each of which owns its slice of dx.
/// </summary>
internal sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public unsafe void AdaptiveMaxPoolForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in AdaptivePool2D g)
    {
        fixed (float* px = x)
        fixed (float* py = y)
        fixed (int* pi = argmax)
        {
            var body = new AdaptiveMaxBody(px, py, pi, g);
            CpuParallel.For(g.Batch * g.OutPixels, AdaptiveWork(g), ref body);
        }
    }

    /// <inheritdoc/>
    public unsafe void AdaptiveMaxPoolBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in AdaptivePool2D g)
    {
        fixed (float* pg = dy)
        fixed (int* pi = argmax)
        fixed (float* px = dx)
        {
            var body = new AdaptiveMaxBackBody(pg, pi, px, g);
            CpuParallel.For(g.Batch, (long)g.OutPixels * g.Channels, ref body);
        }
    }

    /// <inheritdoc/>
    public unsafe void AdaptiveAveragePoolForward(ReadOnlySpan<float> x, Span<float> y, in AdaptivePool2D g)
    {
        fixed (float* px = x)
        fixed (float* py = y)
        {
            var body = new AdaptiveAverageBody(px, py, g);
            CpuParallel.For(g.Batch * g.OutPixels, AdaptiveWork(g), ref body);
        }
    }

    /// <inheritdoc/>
    public unsafe void AdaptiveAveragePoolBackward(ReadOnlySpan<float> dy, Span<float> dx, in AdaptivePool2D g)
    {
        fixed (float* pg = dy)
        fixed (float* px = dx)
        {
            var body = new AdaptiveAverageBackBody(pg, px, g);
            CpuParallel.For(g.Batch, AdaptiveWork(g) * g.OutPixels, ref body);
        }
    }

    // Work per output position: the channels times the largest bin (bins differ by at most one row and column).
    private static long AdaptiveWork(in AdaptivePool2D g) =>
        (long)g.Channels * (((g.Height + g.OutH - 1) / g.OutH) + 1) * (((g.Width + g.OutW - 1) / g.OutW) + 1);

    private readonly unsafe struct AdaptiveMaxBody(float* x, float* y, int* argmax, AdaptivePool2D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels, w = Vector<float>.Count;
            var lane = Vector<int>.Indices;
            for (int r = start; r < end; r++)
            {
                int n = r / g.OutPixels, p = r % g.OutPixels;
                var (y0, y1, x0, x1) = g.Window(p / g.OutW, p % g.OutW);
                float* yr = y + ((long)r * c);
                int* ir = argmax + ((long)r * c);
                int first = (((n * g.Height) + y0) * g.Width + x0) * c;
                int ch = 0;
                // The bin's first position seeds the maximum and only a strictly greater value replaces
                // it, so the first maximum wins ties, as the reference does.
                for (; ch <= c - w; ch += w)
                {
                    var best = Vector.Load(x + first + ch);
                    var at = new Vector<int>(first + ch) + lane;
                    for (int iy = y0; iy < y1; iy++)
                    {
                        for (int ix = x0; ix < x1; ix++)
                        {
                            int b = ((((n * g.Height) + iy) * g.Width) + ix) * c + ch;
                            var v = Vector.Load(x + b);
                            var greater = Vector.GreaterThan(v, best);
                            best = Vector.ConditionalSelect(greater, v, best);
                            at = Vector.ConditionalSelect(greater, new Vector<int>(b) + lane, at);
                        }
                    }
                    Vector.Store(best, yr + ch);
                    Vector.Store(at, ir + ch);
                }
                for (; ch < c; ch++)
                {
                    float best = x[first + ch];
                    int at = first + ch;
                    for (int iy = y0; iy < y1; iy++)
                    {
                        for (int ix = x0; ix < x1; ix++)
                        {
                            int b = ((((n * g.Height) + iy) * g.Width) + ix) * c + ch;
                            if (x[b] > best)
                            {
                                best = x[b];
                                at = b;
                            }
                        }
                    }
                    yr[ch] = best;
                    ir[ch] = at;
                }
            }
        }
    }

    private readonly unsafe struct AdaptiveMaxBackBody(float* dy, int* argmax, float* dx, AdaptivePool2D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            long image = (long)g.Height * g.Width * g.Channels, per = (long)g.OutPixels * g.Channels;
            for (int n = start; n < end; n++)
            {
                new Span<float>(dx + (n * image), (int)image).Clear();
                long o = n * per;
                for (long i = 0; i < per; i++)
                {
                    dx[argmax[o + i]] += dy[o + i];
                }
            }
        }
    }

    private readonly unsafe struct AdaptiveAverageBody(float* x, float* y, AdaptivePool2D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels, w = Vector<float>.Count;
            for (int r = start; r < end; r++)
            {
                int n = r / g.OutPixels, p = r % g.OutPixels;
                var (y0, y1, x0, x1) = g.Window(p / g.OutW, p % g.OutW);
                float* yr = y + ((long)r * c);
                float inv = 1f / ((y1 - y0) * (x1 - x0));
                int ch = 0;
                for (; ch <= c - w; ch += w)
                {
                    var sum = Vector<float>.Zero;
                    for (int iy = y0; iy < y1; iy++)
                    {
                        float* row = x + ((((long)n * g.Height) + iy) * g.Width * c) + ch;
                        for (int ix = x0; ix < x1; ix++)
                        {
                            sum += Vector.Load(row + ((long)ix * c));
                        }
                    }
                    Vector.Store(sum * inv, yr + ch);
                }
                for (; ch < c; ch++)
                {
                    float sum = 0;
                    for (int iy = y0; iy < y1; iy++)
                    {
                        float* row = x + ((((long)n * g.Height) + iy) * g.Width * c) + ch;
                        for (int ix = x0; ix < x1; ix++)
                        {
                            sum += row[(long)ix * c];
                        }
                    }
                    yr[ch] = sum * inv;
                }
            }
        }
    }

    private readonly unsafe struct AdaptiveAverageBackBody(float* dy, float* dx, AdaptivePool2D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels, w = Vector<float>.Count;
            long image = (long)g.Height * g.Width * c;
            for (int n = start; n < end; n++)
            {
                float* dxn = dx + (n * image);
                new Span<float>(dxn, (int)image).Clear();
                for (int p = 0; p < g.OutPixels; p++)
                {
                    var (y0, y1, x0, x1) = g.Window(p / g.OutW, p % g.OutW);
                    float* gr = dy + ((((long)n * g.OutPixels) + p) * c);
                    float inv = 1f / ((y1 - y0) * (x1 - x0));
                    for (int iy = y0; iy < y1; iy++)
                    {
                        for (int ix = x0; ix < x1; ix++)
                        {
                            float* dr = dxn + ((((long)iy * g.Width) + ix) * c);
                            int ch = 0;
                            for (; ch <= c - w; ch += w)
                            {
                                Vector.Store(Vector.Load(dr + ch) + (Vector.Load(gr + ch) * inv), dr + ch);
                            }
                            for (; ch < c; ch++)
                            {
                                dr[ch] += gr[ch] * inv;
                            }
                        }
                    }
                }
            }
        }
    }
}
