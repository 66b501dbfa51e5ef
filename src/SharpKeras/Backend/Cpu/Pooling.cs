using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Max and average pooling over NHWC images, forward and backward. Max pooling remembers where
/// each maximum came from so that its backward is a scatter; average pooling divides by the number
/// of window positions inside the input (padding is not counted, as Keras's "same" pooling).
/// </summary>
internal static unsafe class Pooling
{
    /// <summary>y = max over each window; <paramref name="argmax"/> gets the input index of each maximum.</summary>
    public static void MaxForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in Window2D g)
    {
        if (argmax.IsEmpty)
        {
            MaxValues(x, y, g);
            return;
        }
        fixed (float* px = x)
        fixed (float* py = y)
        fixed (int* pi = argmax)
        {
            var body = new MaxBody(px, py, pi, g);
            CpuParallel.For(g.Batch * g.OutPixels, (long)g.Channels * g.KernelH * g.KernelW, ref body);
        }
    }

    /// <summary>
    /// y = max over each window, without the argmax (inference: nothing will route a gradient back).
    /// The same comparisons as <see cref="MaxBody"/>, so the same values, NaN and ties included.
    /// </summary>
    private static void MaxValues(ReadOnlySpan<float> x, Span<float> y, in Window2D g)
    {
        fixed (float* px = x)
        fixed (float* py = y)
        {
            var body = new MaxValuesBody(px, py, g);
            CpuParallel.For(g.Batch * g.OutH, (long)g.OutW * g.Channels * g.KernelH * g.KernelW, ref body);
        }
    }

    /// <summary>dx = the output gradient sent to where each maximum came from (summed where windows share one).</summary>
    public static void MaxBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in Window2D g)
    {
        fixed (float* pg = dy)
        fixed (int* pi = argmax)
        fixed (float* px = dx)
        {
            var body = new MaxBackBody(pg, pi, px, g);
            CpuParallel.For(g.Batch, (long)g.OutPixels * g.Channels * g.KernelH * g.KernelW, ref body);
        }
    }

    /// <summary>y = mean over the part of each window inside the input.</summary>
    public static void AverageForward(ReadOnlySpan<float> x, Span<float> y, in Window2D g)
    {
        fixed (float* px = x)
        fixed (float* py = y)
        {
            var body = new AverageBody(px, py, g, backward: false);
            CpuParallel.For(g.Batch, (long)g.OutPixels * g.Channels * g.KernelH * g.KernelW, ref body);
        }
    }

    /// <summary>dx = each output gradient spread evenly over its window's positions inside the input.</summary>
    public static void AverageBackward(ReadOnlySpan<float> dy, Span<float> dx, in Window2D g)
    {
        fixed (float* pg = dy)
        fixed (float* px = dx)
        {
            var body = new AverageBody(px, pg, g, backward: true);
            CpuParallel.For(g.Batch, (long)g.OutPixels * g.Channels * g.KernelH * g.KernelW, ref body);
        }
    }

    /// <summary>The input rows and columns window (oh, ow) covers, clipped to the input.</summary>
    private static (int Y0, int Y1, int X0, int X1) Range(in Window2D g, int oh, int ow)
    {
        int y0 = oh * g.StrideH - g.PadTop, x0 = ow * g.StrideW - g.PadLeft;
        return (Math.Max(y0, 0), Math.Min(y0 + g.KernelH, g.Height), Math.Max(x0, 0), Math.Min(x0 + g.KernelW, g.Width));
    }

    private readonly struct MaxBody(float* x, float* y, int* argmax, Window2D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels;
            int w = Vector<float>.Count;
            var lane = Vector<int>.Indices;
            for (int r = start; r < end; r++)
            {
                int n = r / g.OutPixels, p = r % g.OutPixels;
                var (y0, y1, x0, x1) = Range(g, p / g.OutW, p % g.OutW);
                float* yr = y + (long)r * c;
                int* ir = argmax + (long)r * c;
                if (y0 >= y1 || x0 >= x1)
                {
                    new Span<float>(yr, c).Fill(float.NegativeInfinity);
                    new Span<int>(ir, c).Fill(-1);
                    continue;
                }
                int first = ((n * g.Height + y0) * g.Width + x0) * c;
                int ch = 0;
                // The window's first position seeds the maximum; a later value replaces it only when
                // strictly greater, so the first maximum wins ties (and a NaN never replaces a number).
                for (; ch <= c - w; ch += w)
                {
                    var best = Vector.Load(x + first + ch);
                    var at = new Vector<int>(first + ch) + lane;
                    for (int iy = y0; iy < y1; iy++)
                    {
                        for (int ix = x0; ix < x1; ix++)
                        {
                            int b = ((n * g.Height + iy) * g.Width + ix) * c + ch;
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
                            int b = ((n * g.Height + iy) * g.Width + ix) * c + ch;
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

    /// <summary>Output rows [start, end) of all images (row r is image r / OutH, output row r % OutH).</summary>
    private readonly struct MaxValuesBody(float* x, float* y, Window2D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels;
            int w = Vector<float>.Count;
            for (int r = start; r < end; r++)
            {
                int n = r / g.OutH, oh = r - n * g.OutH;
                float* image = x + (long)n * g.ImageSize;
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    var (y0, y1, x0, x1) = Range(g, oh, ow);
                    float* yr = y + ((long)r * g.OutW + ow) * c;
                    if (y0 >= y1 || x0 >= x1)
                    {
                        new Span<float>(yr, c).Fill(float.NegativeInfinity);
                        continue;
                    }
                    float* first = image + ((long)y0 * g.Width + x0) * c;
                    int ch = 0;
                    for (; ch <= c - w; ch += w)
                    {
                        var best = Vector.Load(first + ch);
                        for (int iy = y0; iy < y1; iy++)
                        {
                            float* row = image + (long)iy * g.Width * c + ch;
                            for (int ix = x0; ix < x1; ix++)
                            {
                                var v = Vector.Load(row + (long)ix * c);
                                best = Vector.ConditionalSelect(Vector.GreaterThan(v, best), v, best);
                            }
                        }
                        Vector.Store(best, yr + ch);
                    }
                    for (; ch < c; ch++)
                    {
                        float best = first[ch];
                        for (int iy = y0; iy < y1; iy++)
                        {
                            for (int ix = x0; ix < x1; ix++)
                            {
                                float v = image[((long)iy * g.Width + ix) * c + ch];
                                if (v > best)
                                {
                                    best = v;
                                }
                            }
                        }
                        yr[ch] = best;
                    }
                }
            }
        }
    }

    private readonly struct MaxBackBody(float* dy, int* argmax, float* dx, Window2D g) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int per = g.OutPixels * g.Channels;
            for (int n = start; n < end; n++)
            {
                new Span<float>(dx + (long)n * g.ImageSize, g.ImageSize).Clear();
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

    /// <summary>Forward: image = x, pooled = y (written). Backward: image = dx (written), pooled = dy.</summary>
    private readonly struct AverageBody(float* image, float* pooled, Window2D g, bool backward) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int c = g.Channels;
            for (int n = start; n < end; n++)
            {
                if (backward)
                {
                    new Span<float>(image + (long)n * g.ImageSize, g.ImageSize).Clear();
                }
                for (int p = 0; p < g.OutPixels; p++)
                {
                    var (y0, y1, x0, x1) = Range(g, p / g.OutW, p % g.OutW);
                    float* pr = pooled + ((long)n * g.OutPixels + p) * c;
                    float inv = 1f / Math.Max(1, (y1 - y0) * (x1 - x0));
                    if (!backward)
                    {
                        new Span<float>(pr, c).Clear();
                    }
                    for (int iy = y0; iy < y1; iy++)
                    {
                        for (int ix = x0; ix < x1; ix++)
                        {
                            float* ir = image + (((long)n * g.Height + iy) * g.Width + ix) * c;
                            for (int ch = 0; ch < c; ch++)
                            {
                                if (backward)
                                {
                                    ir[ch] += pr[ch] * inv;
                                }
                                else
                                {
                                    pr[ch] += ir[ch];
                                }
                            }
                        }
                    }
                    if (!backward)
                    {
                        for (int ch = 0; ch < c; ch++)
                        {
                            pr[ch] *= inv;
                        }
                    }
                }
            }
        }
    }
}
