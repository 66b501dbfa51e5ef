using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Max and average pooling over NDHWC volumes, forward and backward, vectorised across channels and
/// split over output voxels (forward) or volumes (backward, so no two threads add to one input).
/// </summary>
internal static unsafe class Pooling3D
{
    /// <summary>y = max over each window; <paramref name="argmax"/> gets the input index of each maximum.</summary>
    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in Window3D g)
    {
        fixed (float* px = x)
        fixed (float* py = y)
        fixed (int* pi = argmax)
        {
            var body = new MaxBody(px, py, pi, g);
            CpuParallel.For(g.Batch * g.OutVoxels, (long)g.Channels * g.Taps, ref body);
        }
    }

    /// <summary>dx = each output gradient sent to where its maximum came from (summed where windows share one).</summary>
    public static void MaxBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in Window3D g)
    {
        fixed (float* pg = dy)
        fixed (int* pi = argmax)
        fixed (float* px = dx)
        {
            var body = new MaxBackBody(pg, pi, px, g);
            CpuParallel.For(g.Batch, (long)g.OutVoxels * g.Channels, ref body);
        }
    }

    /// <summary>y = mean over the part of each window inside the input.</summary>
    public static void AverageForward(ReadOnlySpan<float> x, Span<float> y, in Window3D g)
    {
        fixed (float* px = x)
        fixed (float* py = y)
        {
            var body = new AverageBody(px, py, g);
            CpuParallel.For(g.Batch * g.OutVoxels, (long)g.Channels * g.Taps, ref body);
        }
    }

    /// <summary>dx = each output gradient spread evenly over its window's positions inside the input.</summary>
    public static void AverageBackward(ReadOnlySpan<float> dy, Span<float> dx, in Window3D g)
    {
        fixed (float* pg = dy)
        fixed (float* px = dx)
        {
            var body = new AverageBackBody(pg, px, g);
            CpuParallel.For(g.Batch, (long)g.OutVoxels * g.Channels * g.Taps, ref body);
        }
    }

    /// <summary>The input box output voxel o's window covers, clipped to the input: [d0, d1) x [h0, h1) x [w0, w1).</summary>
    private static (int D0, int D1, int H0, int H1, int W0, int W1) Box(in Window3D g, int o)
    {
        int od = o / (g.OutH * g.OutW), oh = o / g.OutW % g.OutH, ow = o % g.OutW;
        int d0 = od * g.StrideD - g.PadFront, h0 = oh * g.StrideH - g.PadTop, w0 = ow * g.StrideW - g.PadLeft;
        return (Math.Max(d0, 0), Math.Min(d0 + g.KernelD, g.Depth), Math.Max(h0, 0), Math.Min(h0 + g.KernelH, g.Height), Math.Max(w0, 0), Math.Min(w0 + g.KernelW, g.Width));
    }

    private readonly struct MaxBody(float* x, float* y, int* argmax, Window3D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels, w = Vector<float>.Count;
            var lane = Vector<int>.Indices;
            for (int r = start; r < end; r++)
            {
                int n = r / g.OutVoxels;
                var (d0, d1, h0, h1, w0, w1) = Box(g, r % g.OutVoxels);
                float* yr = y + (long)r * c;
                int* ir = argmax + (long)r * c;
                if (d0 >= d1 || h0 >= h1 || w0 >= w1)
                {
                    new Span<float>(yr, c).Fill(float.NegativeInfinity);
                    new Span<int>(ir, c).Fill(-1);
                    continue;
                }
                int firstVoxel = (((n * g.Depth + d0) * g.Height + h0) * g.Width + w0) * c;
                int ch = 0;
                // The window's first voxel seeds the maximum and only a strictly greater value replaces
                // it, so the first maximum wins ties, as the reference and the 2-D pooling do.
                for (; ch <= c - w; ch += w)
                {
                    var best = Vector.Load(x + firstVoxel + ch);
                    var at = new Vector<int>(firstVoxel + ch) + lane;
                    for (int id = d0; id < d1; id++)
                    {
                        for (int ih = h0; ih < h1; ih++)
                        {
                            for (int iw = w0; iw < w1; iw++)
                            {
                                int b = (((n * g.Depth + id) * g.Height + ih) * g.Width + iw) * c + ch;
                                var v = Vector.Load(x + b);
                                var greater = Vector.GreaterThan(v, best);
                                best = Vector.ConditionalSelect(greater, v, best);
                                at = Vector.ConditionalSelect(greater, new Vector<int>(b) + lane, at);
                            }
                        }
                    }
                    Vector.Store(best, yr + ch);
                    Vector.Store(at, ir + ch);
                }
                for (; ch < c; ch++)
                {
                    float best = x[firstVoxel + ch];
                    int at = firstVoxel + ch;
                    for (int id = d0; id < d1; id++)
                    {
                        for (int ih = h0; ih < h1; ih++)
                        {
                            for (int iw = w0; iw < w1; iw++)
                            {
                                int b = (((n * g.Depth + id) * g.Height + ih) * g.Width + iw) * c + ch;
                                if (x[b] > best)
                                {
                                    best = x[b];
                                    at = b;
                                }
                            }
                        }
                    }
                    yr[ch] = best;
                    ir[ch] = at;
                }
            }
        }
    }

    private readonly struct MaxBackBody(float* dy, int* argmax, float* dx, Window3D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int per = g.OutVoxels * g.Channels;
            for (int n = start; n < end; n++)
            {
                new Span<float>(dx + (long)n * g.VolumeSize, g.VolumeSize).Clear();
                long o = (long)n * per;
                for (int i = 0; i < per; i++)
                {
                    int at = argmax[o + i];
                    if (at >= 0)
                    {
                        dx[at] += dy[o + i];
                    }
                }
            }
        }
    }

    private readonly struct AverageBody(float* x, float* y, Window3D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels, w = Vector<float>.Count;
            for (int r = start; r < end; r++)
            {
                int n = r / g.OutVoxels;
                var (d0, d1, h0, h1, w0, w1) = Box(g, r % g.OutVoxels);
                float* yr = y + (long)r * c;
                new Span<float>(yr, c).Clear();
                for (int id = d0; id < d1; id++)
                {
                    for (int ih = h0; ih < h1; ih++)
                    {
                        for (int iw = w0; iw < w1; iw++)
                        {
                            float* xr = x + ((((long)n * g.Depth + id) * g.Height + ih) * g.Width + iw) * c;
                            int ch = 0;
                            for (; ch <= c - w; ch += w)
                            {
                                Vector.Store(Vector.Load(yr + ch) + Vector.Load(xr + ch), yr + ch);
                            }
                            for (; ch < c; ch++)
                            {
                                yr[ch] += xr[ch];
                            }
                        }
                    }
                }
                int count = Math.Max(0, d1 - d0) * Math.Max(0, h1 - h0) * Math.Max(0, w1 - w0);
                float inv = count == 0 ? 0f : 1f / count;
                for (int ch = 0; ch < c; ch++)
                {
                    yr[ch] *= inv;
                }
            }
        }
    }

    private readonly struct AverageBackBody(float* dy, float* dx, Window3D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels, w = Vector<float>.Count;
            for (int n = start; n < end; n++)
            {
                new Span<float>(dx + (long)n * g.VolumeSize, g.VolumeSize).Clear();
                for (int o = 0; o < g.OutVoxels; o++)
                {
                    var (d0, d1, h0, h1, w0, w1) = Box(g, o);
                    int count = Math.Max(0, d1 - d0) * Math.Max(0, h1 - h0) * Math.Max(0, w1 - w0);
                    if (count == 0)
                    {
                        continue;
                    }
                    var inv = new Vector<float>(1f / count);
                    float* gr = dy + ((long)n * g.OutVoxels + o) * c;
                    for (int id = d0; id < d1; id++)
                    {
                        for (int ih = h0; ih < h1; ih++)
                        {
                            for (int iw = w0; iw < w1; iw++)
                            {
                                float* xr = dx + ((((long)n * g.Depth + id) * g.Height + ih) * g.Width + iw) * c;
                                int ch = 0;
                                for (; ch <= c - w; ch += w)
                                {
                                    Vector.Store(Vector.Load(xr + ch) + Vector.Load(gr + ch) * inv, xr + ch);
                                }
                                for (; ch < c; ch++)
                                {
                                    xr[ch] += gr[ch] * (1f / count);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
