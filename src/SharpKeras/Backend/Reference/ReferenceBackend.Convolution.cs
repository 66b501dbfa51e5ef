namespace SharpKeras.Backend.Reference;

/// <summary>Convolution lowering, depthwise convolution and pooling of the reference backend, one output value at a time.</summary>
internal sealed partial class ReferenceBackend
{
    /// <summary>Input row of output row <paramref name="oh"/> at kernel tap <paramref name="ky"/> (may fall in the padding).</summary>
    private static int InputY(in Window2D g, int oh, int ky) => oh * g.StrideH - g.PadTop + ky * g.DilationH;

    /// <summary>Input column of output column <paramref name="ow"/> at kernel tap <paramref name="kx"/> (may fall in the padding).</summary>
    private static int InputX(in Window2D g, int ow, int kx) => ow * g.StrideW - g.PadLeft + kx * g.DilationW;

    private static bool Inside(in Window2D g, int iy, int ix) => iy >= 0 && iy < g.Height && ix >= 0 && ix < g.Width;

    /// <summary>Flat NHWC index of (n, iy, ix, ch).</summary>
    private static int Pixel(in Window2D g, int n, int iy, int ix, int ch) => ((n * g.Height + iy) * g.Width + ix) * g.Channels + ch;

    /// <inheritdoc/>
    public void Im2Col(ReadOnlySpan<float> x, Span<float> cols, in Window2D g, int first, int count)
    {
        for (int i = 0; i < count; i++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int row = (i * g.OutH + oh) * g.OutW + ow;
                    for (int ky = 0; ky < g.KernelH; ky++)
                    {
                        for (int kx = 0; kx < g.KernelW; kx++)
                        {
                            int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                            for (int ch = 0; ch < g.Channels; ch++)
                            {
                                int col = (ky * g.KernelW + kx) * g.Channels + ch;
                                cols[row * g.PatchSize + col] = Inside(g, iy, ix) ? x[Pixel(g, first + i, iy, ix, ch)] : 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Col2Im(ReadOnlySpan<float> cols, Span<float> dx, in Window2D g, int first, int count)
    {
        dx.Slice(first * g.ImageSize, count * g.ImageSize).Clear();
        for (int i = 0; i < count; i++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int row = (i * g.OutH + oh) * g.OutW + ow;
                    for (int ky = 0; ky < g.KernelH; ky++)
                    {
                        for (int kx = 0; kx < g.KernelW; kx++)
                        {
                            int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                            if (!Inside(g, iy, ix))
                            {
                                continue;
                            }
                            for (int ch = 0; ch < g.Channels; ch++)
                            {
                                int col = (ky * g.KernelW + kx) * g.Channels + ch;
                                dx[Pixel(g, first + i, iy, ix, ch)] += cols[row * g.PatchSize + col];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void DepthwiseForward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, Span<float> y, in Window2D g, int multiplier)
    {
        int oc = g.Channels * multiplier;
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    for (int j = 0; j < oc; j++)
                    {
                        float sum = 0f;
                        for (int ky = 0; ky < g.KernelH; ky++)
                        {
                            for (int kx = 0; kx < g.KernelW; kx++)
                            {
                                int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                                if (Inside(g, iy, ix))
                                {
                                    sum += x[Pixel(g, n, iy, ix, j / multiplier)] * kernel[(ky * g.KernelW + kx) * oc + j];
                                }
                            }
                        }
                        y[((n * g.OutH + oh) * g.OutW + ow) * oc + j] = sum;
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void DepthwiseBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window2D g, int multiplier)
    {
        int oc = g.Channels * multiplier;
        dx[..(g.Batch * g.ImageSize)].Clear();
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    for (int j = 0; j < oc; j++)
                    {
                        float d = dy[((n * g.OutH + oh) * g.OutW + ow) * oc + j];
                        for (int ky = 0; ky < g.KernelH; ky++)
                        {
                            for (int kx = 0; kx < g.KernelW; kx++)
                            {
                                int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                                if (Inside(g, iy, ix))
                                {
                                    dx[Pixel(g, n, iy, ix, j / multiplier)] += d * kernel[(ky * g.KernelW + kx) * oc + j];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void DepthwiseBackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window2D g, int multiplier)
    {
        int oc = g.Channels * multiplier;
        dk[..(g.KernelH * g.KernelW * oc)].Clear();
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    for (int j = 0; j < oc; j++)
                    {
                        float d = dy[((n * g.OutH + oh) * g.OutW + ow) * oc + j];
                        for (int ky = 0; ky < g.KernelH; ky++)
                        {
                            for (int kx = 0; kx < g.KernelW; kx++)
                            {
                                int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                                if (Inside(g, iy, ix))
                                {
                                    dk[(ky * g.KernelW + kx) * oc + j] += d * x[Pixel(g, n, iy, ix, j / multiplier)];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void MaxPoolForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in Window2D g)
    {
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    for (int ch = 0; ch < g.Channels; ch++)
                    {
                        // The first maximum in window order wins ties; a window wholly in the padding has none.
                        float best = float.NegativeInfinity;
                        int at = -1;
                        for (int ky = 0; ky < g.KernelH; ky++)
                        {
                            for (int kx = 0; kx < g.KernelW; kx++)
                            {
                                int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                                if (Inside(g, iy, ix) && (at < 0 || x[Pixel(g, n, iy, ix, ch)] > best))
                                {
                                    at = Pixel(g, n, iy, ix, ch);
                                    best = x[at];
                                }
                            }
                        }
                        int o = ((n * g.OutH + oh) * g.OutW + ow) * g.Channels + ch;
                        y[o] = best;
                        if (!argmax.IsEmpty)
                        {
                            argmax[o] = at;
                        }
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void MaxPoolBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in Window2D g)
    {
        dx[..(g.Batch * g.ImageSize)].Clear();
        int outputs = g.Batch * g.OutPixels * g.Channels;
        for (int o = 0; o < outputs; o++)
        {
            if (argmax[o] >= 0)
            {
                dx[argmax[o]] += dy[o];
            }
        }
    }

    /// <summary>How many window positions of output (oh, ow) lie inside the input.</summary>
    private static int WindowCount(in Window2D g, int oh, int ow)
    {
        int count = 0;
        for (int ky = 0; ky < g.KernelH; ky++)
        {
            for (int kx = 0; kx < g.KernelW; kx++)
            {
                if (Inside(g, InputY(g, oh, ky), InputX(g, ow, kx)))
                {
                    count++;
                }
            }
        }
        return count;
    }

    /// <inheritdoc/>
    public void AveragePoolForward(ReadOnlySpan<float> x, Span<float> y, in Window2D g)
    {
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int count = Math.Max(1, WindowCount(g, oh, ow));
                    for (int ch = 0; ch < g.Channels; ch++)
                    {
                        float sum = 0f;
                        for (int ky = 0; ky < g.KernelH; ky++)
                        {
                            for (int kx = 0; kx < g.KernelW; kx++)
                            {
                                int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                                if (Inside(g, iy, ix))
                                {
                                    sum += x[Pixel(g, n, iy, ix, ch)];
                                }
                            }
                        }
                        y[((n * g.OutH + oh) * g.OutW + ow) * g.Channels + ch] = sum / count;
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void AveragePoolBackward(ReadOnlySpan<float> dy, Span<float> dx, in Window2D g)
    {
        dx[..(g.Batch * g.ImageSize)].Clear();
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    int count = Math.Max(1, WindowCount(g, oh, ow));
                    for (int ch = 0; ch < g.Channels; ch++)
                    {
                        float share = dy[((n * g.OutH + oh) * g.OutW + ow) * g.Channels + ch] / count;
                        for (int ky = 0; ky < g.KernelH; ky++)
                        {
                            for (int kx = 0; kx < g.KernelW; kx++)
                            {
                                int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                                if (Inside(g, iy, ix))
                                {
                                    dx[Pixel(g, n, iy, ix, ch)] += share;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
