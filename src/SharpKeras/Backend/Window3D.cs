namespace SharpKeras.Backend;

/// <summary>
/// The geometry of a 3-D sliding window over a batch of NDHWC volumes: input size, window (kernel
/// or pool) size, strides, dilation, the padding before each spatial axis, the output size and the
/// number of channel groups (a grouped convolution sees Channels / Groups input channels per window).
/// </summary>
internal readonly record struct Window3D(int Batch, int Depth, int Height, int Width, int Channels,
    int KernelD, int KernelH, int KernelW, int StrideD, int StrideH, int StrideW,
    int DilationD, int DilationH, int DilationW, int PadFront, int PadTop, int PadLeft,
    int OutD, int OutH, int OutW, int Groups = 1)
{
    /// <summary>Kernel taps per window.</summary>
    public int Taps => KernelD * KernelH * KernelW;

    /// <summary>Input channels one group's window reads.</summary>
    public int GroupChannels => Channels / Groups;

    /// <summary>Values in one group's window (the im2col row length of one group).</summary>
    public int PatchSize => Taps * GroupChannels;

    /// <summary>Output positions per volume.</summary>
    public int OutVoxels => OutD * OutH * OutW;

    /// <summary>Input values per volume.</summary>
    public int VolumeSize => Depth * Height * Width * Channels;

    /// <summary>The geometry for an NDHWC input, a window, strides, dilation and a Keras padding name ("valid" or "same").</summary>
    public static Window3D Create(int batch, int depth, int height, int width, int channels, int[] kernel, int[] strides, int[] dilation, string padding, int groups = 1)
    {
        var (od, pf) = Window2D.Axis(depth, kernel[0], strides[0], dilation[0], padding);
        var (oh, pt) = Window2D.Axis(height, kernel[1], strides[1], dilation[1], padding);
        var (ow, pl) = Window2D.Axis(width, kernel[2], strides[2], dilation[2], padding);
        return new Window3D(batch, depth, height, width, channels, kernel[0], kernel[1], kernel[2], strides[0], strides[1], strides[2],
            dilation[0], dilation[1], dilation[2], pf, pt, pl, od, oh, ow, groups);
    }
}
