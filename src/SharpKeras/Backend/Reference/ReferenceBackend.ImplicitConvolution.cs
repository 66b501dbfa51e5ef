namespace SharpKeras.Backend.Reference;

/// <summary>The reference backend's convolutions: the defining sums, one output value at a time, in double.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void ConvForward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window2D g, int filters)
    {
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    for (int f = 0; f < filters; f++)
                    {
                        double s = 0;
                        for (int ky = 0; ky < g.KernelH; ky++)
                        {
                            for (int kx = 0; kx < g.KernelW; kx++)
                            {
                                int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                                if (!Inside(g, iy, ix))
                                {
                                    continue;
                                }
                                for (int c = 0; c < g.Channels; c++)
                                {
                                    s += (double)x[Pixel(g, n, iy, ix, c)] * kernel[((ky * g.KernelW + kx) * g.Channels + c) * filters + f];
                                }
                            }
                        }
                        float v = (float)s;
                        if (!bias.IsEmpty)
                        {
                            v += bias[f];
                        }
                        y[((n * g.OutH + oh) * g.OutW + ow) * filters + f] = Activate(activation, v);
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void ConvBackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window2D g, int filters)
    {
        for (int ky = 0; ky < g.KernelH; ky++)
        {
            for (int kx = 0; kx < g.KernelW; kx++)
            {
                for (int c = 0; c < g.Channels; c++)
                {
                    for (int f = 0; f < filters; f++)
                    {
                        double s = 0;
                        for (int n = 0; n < g.Batch; n++)
                        {
                            for (int oh = 0; oh < g.OutH; oh++)
                            {
                                for (int ow = 0; ow < g.OutW; ow++)
                                {
                                    int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                                    if (Inside(g, iy, ix))
                                    {
                                        s += (double)x[Pixel(g, n, iy, ix, c)] * dy[((n * g.OutH + oh) * g.OutW + ow) * filters + f];
                                    }
                                }
                            }
                        }
                        dk[((ky * g.KernelW + kx) * g.Channels + c) * filters + f] = (float)s;
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void ConvBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window2D g, int filters)
    {
        var sums = new double[g.Batch * g.ImageSize];
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oh = 0; oh < g.OutH; oh++)
            {
                for (int ow = 0; ow < g.OutW; ow++)
                {
                    for (int ky = 0; ky < g.KernelH; ky++)
                    {
                        for (int kx = 0; kx < g.KernelW; kx++)
                        {
                            int iy = InputY(g, oh, ky), ix = InputX(g, ow, kx);
                            if (!Inside(g, iy, ix))
                            {
                                continue;
                            }
                            for (int c = 0; c < g.Channels; c++)
                            {
                                for (int f = 0; f < filters; f++)
                                {
                                    sums[Pixel(g, n, iy, ix, c)] += (double)dy[((n * g.OutH + oh) * g.OutW + ow) * filters + f]
                                        * kernel[((ky * g.KernelW + kx) * g.Channels + c) * filters + f];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < sums.Length; i++)
        {
            dx[i] = (float)sums[i];
        }
    }
}
