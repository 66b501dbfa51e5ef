namespace SharpKeras.Backend.Reference;

/// <summary>The adaptive pooling kernel family of the reference backend: plain loops over every bin, sums in double.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void AdaptiveMaxPoolForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in AdaptivePool2D g)
    {
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oy = 0; oy < g.OutH; oy++)
            {
                for (int ox = 0; ox < g.OutW; ox++)
                {
                    var (y0, y1, x0, x1) = g.Window(oy, ox);
                    for (int c = 0; c < g.Channels; c++)
                    {
                        float best = float.NegativeInfinity;
                        int at = -1;
                        for (int iy = y0; iy < y1; iy++)
                        {
                            for (int ix = x0; ix < x1; ix++)
                            {
                                int i = (((n * g.Height) + iy) * g.Width + ix) * g.Channels + c;
                                if (at < 0 || x[i] > best)
                                {
                                    best = x[i];
                                    at = i;
                                }
                            }
                        }
                        int o = (((n * g.OutH) + oy) * g.OutW + ox) * g.Channels + c;
                        y[o] = best;
                        argmax[o] = at;
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void AdaptiveMaxPoolBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in AdaptivePool2D g)
    {
        dx.Clear();
        for (int o = 0; o < dy.Length; o++)
        {
            dx[argmax[o]] += dy[o];
        }
    }

    /// <inheritdoc/>
    public void AdaptiveAveragePoolForward(ReadOnlySpan<float> x, Span<float> y, in AdaptivePool2D g)
    {
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oy = 0; oy < g.OutH; oy++)
            {
                for (int ox = 0; ox < g.OutW; ox++)
                {
                    var (y0, y1, x0, x1) = g.Window(oy, ox);
                    int count = (y1 - y0) * (x1 - x0);
                    for (int c = 0; c < g.Channels; c++)
                    {
                        double sum = 0;
                        for (int iy = y0; iy < y1; iy++)
                        {
                            for (int ix = x0; ix < x1; ix++)
                            {
                                sum += x[(((n * g.Height) + iy) * g.Width + ix) * g.Channels + c];
                            }
                        }
                        y[(((n * g.OutH) + oy) * g.OutW + ox) * g.Channels + c] = (float)(sum / count);
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void AdaptiveAveragePoolBackward(ReadOnlySpan<float> dy, Span<float> dx, in AdaptivePool2D g)
    {
        var acc = new double[dx.Length];
        for (int n = 0; n < g.Batch; n++)
        {
            for (int oy = 0; oy < g.OutH; oy++)
            {
                for (int ox = 0; ox < g.OutW; ox++)
                {
                    var (y0, y1, x0, x1) = g.Window(oy, ox);
                    int count = (y1 - y0) * (x1 - x0);
                    for (int c = 0; c < g.Channels; c++)
                    {
                        double share = (double)dy[(((n * g.OutH) + oy) * g.OutW + ox) * g.Channels + c] / count;
                        for (int iy = y0; iy < y1; iy++)
                        {
                            for (int ix = x0; ix < x1; ix++)
                            {
                                acc[(((n * g.Height) + iy) * g.Width + ix) * g.Channels + c] += share;
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < dx.Length; i++)
        {
            dx[i] = (float)acc[i];
        }
    }
}
