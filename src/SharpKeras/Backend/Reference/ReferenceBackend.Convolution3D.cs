namespace SharpKeras.Backend.Reference;

/// <summary>The reference backend's 3-D convolutions and pooling: the defining sums, one value at a time, in double.</summary>
internal sealed partial class ReferenceBackend
{
    /// <summary>Flat NDHWC input index of (n, id, ih, iw, ch), or -1 when the position is in the padding.</summary>
    private static int Voxel(in Window3D g, int n, int id, int ih, int iw, int ch) =>
        id < 0 || id >= g.Depth || ih < 0 || ih >= g.Height || iw < 0 || iw >= g.Width ? -1
        : (((n * g.Depth + id) * g.Height + ih) * g.Width + iw) * g.Channels + ch;

    /// <summary>The input position of output (od, oh, ow) at tap (kd, kh, kw), which may fall in the padding.</summary>
    private static (int D, int H, int W) Tap(in Window3D g, int od, int oh, int ow, int kd, int kh, int kw) =>
        (od * g.StrideD - g.PadFront + kd * g.DilationD, oh * g.StrideH - g.PadTop + kh * g.DilationH, ow * g.StrideW - g.PadLeft + kw * g.DilationW);

    /// <inheritdoc/>
    public void Conv3DForward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window3D g, int filters)
    {
        int cg = g.GroupChannels, fg = filters / g.Groups;
        for (int n = 0; n < g.Batch; n++)
        {
            for (int o = 0; o < g.OutVoxels; o++)
            {
                int od = o / (g.OutH * g.OutW), oh = o / g.OutW % g.OutH, ow = o % g.OutW;
                for (int f = 0; f < filters; f++)
                {
                    int group = f / fg;
                    double s = 0;
                    for (int t = 0; t < g.Taps; t++)
                    {
                        var (id, ih, iw) = Tap(g, od, oh, ow, t / (g.KernelH * g.KernelW), t / g.KernelW % g.KernelH, t % g.KernelW);
                        for (int c = 0; c < cg; c++)
                        {
                            int i = Voxel(g, n, id, ih, iw, group * cg + c);
                            if (i >= 0)
                            {
                                s += (double)x[i] * kernel[(t * cg + c) * filters + f];
                            }
                        }
                    }
                    float v = (float)s + (bias.IsEmpty ? 0f : bias[f]);
                    y[(n * g.OutVoxels + o) * filters + f] = Activate(activation, v);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Conv3DBackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window3D g, int filters)
    {
        int cg = g.GroupChannels, fg = filters / g.Groups;
        for (int t = 0; t < g.Taps; t++)
        {
            int kd = t / (g.KernelH * g.KernelW), kh = t / g.KernelW % g.KernelH, kw = t % g.KernelW;
            for (int c = 0; c < cg; c++)
            {
                for (int f = 0; f < filters; f++)
                {
                    int group = f / fg;
                    double s = 0;
                    for (int n = 0; n < g.Batch; n++)
                    {
                        for (int o = 0; o < g.OutVoxels; o++)
                        {
                            var (id, ih, iw) = Tap(g, o / (g.OutH * g.OutW), o / g.OutW % g.OutH, o % g.OutW, kd, kh, kw);
                            int i = Voxel(g, n, id, ih, iw, group * cg + c);
                            if (i >= 0)
                            {
                                s += (double)x[i] * dy[((n * g.OutVoxels) + o) * filters + f];
                            }
                        }
                    }
                    dk[(t * cg + c) * filters + f] = (float)s;
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Conv3DBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window3D g, int filters)
    {
        int cg = g.GroupChannels, fg = filters / g.Groups;
        var sum = new double[(long)g.Batch * g.VolumeSize];
        for (int n = 0; n < g.Batch; n++)
        {
            for (int o = 0; o < g.OutVoxels; o++)
            {
                int od = o / (g.OutH * g.OutW), oh = o / g.OutW % g.OutH, ow = o % g.OutW;
                for (int t = 0; t < g.Taps; t++)
                {
                    var (id, ih, iw) = Tap(g, od, oh, ow, t / (g.KernelH * g.KernelW), t / g.KernelW % g.KernelH, t % g.KernelW);
                    for (int f = 0; f < filters; f++)
                    {
                        int group = f / fg;
                        for (int c = 0; c < cg; c++)
                        {
                            int i = Voxel(g, n, id, ih, iw, group * cg + c);
                            if (i >= 0)
                            {
                                sum[i] += (double)dy[(n * g.OutVoxels + o) * filters + f] * kernel[(t * cg + c) * filters + f];
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < sum.Length; i++)
        {
            dx[i] = (float)sum[i];
        }
    }

    /// <inheritdoc/>
    public void MaxPool3DForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in Window3D g)
    {
        for (int n = 0; n < g.Batch; n++)
        {
            for (int o = 0; o < g.OutVoxels; o++)
            {
                int od = o / (g.OutH * g.OutW), oh = o / g.OutW % g.OutH, ow = o % g.OutW;
                for (int c = 0; c < g.Channels; c++)
                {
                    float best = float.NegativeInfinity;
                    int at = -1;
                    for (int t = 0; t < g.Taps; t++)
                    {
                        var (id, ih, iw) = Tap(g, od, oh, ow, t / (g.KernelH * g.KernelW), t / g.KernelW % g.KernelH, t % g.KernelW);
                        int i = Voxel(g, n, id, ih, iw, c);
                        if (i >= 0 && (at < 0 || x[i] > best))
                        {
                            best = x[i];
                            at = i;
                        }
                    }
                    int r = (n * g.OutVoxels + o) * g.Channels + c;
                    y[r] = best;
                    argmax[r] = at;
                }
            }
        }
    }

    /// <inheritdoc/>
    public void MaxPool3DBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in Window3D g)
    {
        dx.Clear();
        for (int r = 0; r < dy.Length; r++)
        {
            if (argmax[r] >= 0)
            {
                dx[argmax[r]] += dy[r];
            }
        }
    }

    /// <inheritdoc/>
    public void AveragePool3DForward(ReadOnlySpan<float> x, Span<float> y, in Window3D g)
    {
        for (int n = 0; n < g.Batch; n++)
        {
            for (int o = 0; o < g.OutVoxels; o++)
            {
                int od = o / (g.OutH * g.OutW), oh = o / g.OutW % g.OutH, ow = o % g.OutW;
                for (int c = 0; c < g.Channels; c++)
                {
                    double s = 0;
                    int count = 0;
                    for (int t = 0; t < g.Taps; t++)
                    {
                        var (id, ih, iw) = Tap(g, od, oh, ow, t / (g.KernelH * g.KernelW), t / g.KernelW % g.KernelH, t % g.KernelW);
                        int i = Voxel(g, n, id, ih, iw, c);
                        if (i >= 0)
                        {
                            s += x[i];
                            count++;
                        }
                    }
                    y[(n * g.OutVoxels + o) * g.Channels + c] = count == 0 ? 0f : (float)(s / count);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void AveragePool3DBackward(ReadOnlySpan<float> dy, Span<float> dx, in Window3D g)
    {
        dx.Clear();
        for (int n = 0; n < g.Batch; n++)
        {
            for (int o = 0; o < g.OutVoxels; o++)
            {
                int od = o / (g.OutH * g.OutW), oh = o / g.OutW % g.OutH, ow = o % g.OutW;
                for (int c = 0; c < g.Channels; c++)
                {
                    int count = 0;
                    for (int t = 0; t < g.Taps; t++)
                    {
                        var (id, ih, iw) = Tap(g, od, oh, ow, t / (g.KernelH * g.KernelW), t / g.KernelW % g.KernelH, t % g.KernelW);
                        count += Voxel(g, n, id, ih, iw, c) >= 0 ? 1 : 0;
                    }
                    float share = count == 0 ? 0f : dy[(n * g.OutVoxels + o) * g.Channels + c] / count;
                    for (int t = 0; t < g.Taps; t++)
                    {
                        var (id, ih, iw) = Tap(g, od, oh, ow, t / (g.KernelH * g.KernelW), t / g.KernelW % g.KernelH, t % g.KernelW);
                        int i = Voxel(g, n, id, ih, iw, c);
                        if (i >= 0)
                        {
                            dx[i] += share;
                        }
                    }
                }
            }
        }
    }
}
