using System.Buffers;
using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// 3-D convolutions over NDHWC volumes lowered to the packed GEMM: the windows of a chunk of volumes
/// are copied into an im2col matrix (one row per output voxel, a group's (kd, kh, kw, in / groups)
/// values wide) that fits an 8 MiB scratch, so the GEMM's cache blocking does the heavy lifting;
/// the adjoint gathers each input voxel's contributions, so threads never write the same voxel.
/// Grouped convolutions run one GEMM per group on that group's channels and filters.
/// </summary>
internal static unsafe class Convolution3D
{
    /// <summary>Largest im2col scratch in floats (8 MiB), as the 2-D lowering uses.</summary>
    private const int ScratchFloats = Window2D.ScratchFloats;

    private static int VolumesPerChunk(in Window3D g) =>
        Math.Clamp(ScratchFloats / Math.Max(1, g.OutVoxels * g.PatchSize), 1, Math.Max(1, g.Batch));

    /// <summary>y = windows(x) kernel + bias through the activation, on the GEMM of the current SIMD level.</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window3D g, int filters) =>
        Forward(Gemm.Level, x, kernel, bias, activation, y, g, filters);

    /// <summary>dk = windows(x)^T dy, on the GEMM of the current SIMD level.</summary>
    public static void BackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window3D g, int filters) =>
        BackwardKernel(Gemm.Level, x, dy, dk, g, filters);

    /// <summary>dx = the adjoint of the windows applied to dy kernel^T (overwrites dx), on the GEMM of the current SIMD level.</summary>
    public static void BackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window3D g, int filters) =>
        BackwardInput(Gemm.Level, dy, kernel, dx, g, filters);

    /// <summary>The forward on the GEMM of one SIMD level (tests run every level this CPU has).</summary>
    internal static void Forward(SimdLevel level, ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window3D g, int filters)
    {
        Check(g, filters, x.Length, kernel.Length, y.Length);
        int groups = g.Groups, fg = filters / groups, p = g.PatchSize, chunk = VolumesPerChunk(g);
        var cols = ArrayPool<float>.Shared.Rent(chunk * g.OutVoxels * p);
        var kg = groups > 1 ? ArrayPool<float>.Shared.Rent(p * fg) : null;
        var yg = groups > 1 ? ArrayPool<float>.Shared.Rent(chunk * g.OutVoxels * fg) : null;
        try
        {
            for (int group = 0; group < groups; group++)
            {
                if (kg is not null)
                {
                    Columns(kernel, kg, p, filters, group * fg, fg);
                }
                for (int first = 0; first < g.Batch; first += chunk)
                {
                    int count = Math.Min(chunk, g.Batch - first), rows = count * g.OutVoxels;
                    Im2Col(x, cols, g, group, first, count);
                    var c = cols.AsSpan(0, rows * p);
                    if (yg is null)
                    {
                        Gemm.Multiply(level, c, kernel, y.Slice(first * g.OutVoxels * filters, rows * filters), rows, filters, p, false, false, false, bias, activation);
                    }
                    else
                    {
                        var part = yg.AsSpan(0, rows * fg);
                        Gemm.Multiply(level, c, kg, part, rows, fg, p, false, false, false, bias.IsEmpty ? default : bias.Slice(group * fg, fg), activation);
                        Scatter(part, y.Slice(first * g.OutVoxels * filters, rows * filters), rows, filters, group * fg, fg);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(cols);
            Return(kg);
            Return(yg);
        }
    }

    /// <summary>The kernel gradient on the GEMM of one SIMD level.</summary>
    internal static void BackwardKernel(SimdLevel level, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window3D g, int filters)
    {
        Check(g, filters, x.Length, dk.Length, dy.Length);
        int groups = g.Groups, fg = filters / groups, p = g.PatchSize, chunk = VolumesPerChunk(g);
        var cols = ArrayPool<float>.Shared.Rent(chunk * g.OutVoxels * p);
        var dyg = groups > 1 ? ArrayPool<float>.Shared.Rent(chunk * g.OutVoxels * fg) : null;
        var dkg = groups > 1 ? ArrayPool<float>.Shared.Rent(p * fg) : null;
        try
        {
            if (g.Batch == 0)
            {
                dk[..(p * filters)].Clear();
            }
            for (int group = 0; group < groups; group++)
            {
                for (int first = 0; first < g.Batch; first += chunk)
                {
                    int count = Math.Min(chunk, g.Batch - first), rows = count * g.OutVoxels;
                    Im2Col(x, cols, g, group, first, count);
                    var c = cols.AsSpan(0, rows * p);
                    var d = dy.Slice(first * g.OutVoxels * filters, rows * filters);
                    if (dkg is null)
                    {
                        Gemm.Multiply(level, c, d, dk, p, filters, rows, true, false, first > 0, default, EpilogueActivation.None);
                    }
                    else
                    {
                        Columns(d, dyg!, rows, filters, group * fg, fg);
                        Gemm.Multiply(level, c, dyg.AsSpan(0, rows * fg), dkg.AsSpan(0, p * fg), p, fg, rows, true, false, first > 0, default, EpilogueActivation.None);
                    }
                }
                if (dkg is not null)
                {
                    Scatter(dkg.AsSpan(0, p * fg), dk, p, filters, group * fg, fg);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(cols);
            Return(dyg);
            Return(dkg);
        }
    }

    /// <summary>The input gradient on the GEMM of one SIMD level.</summary>
    internal static void BackwardInput(SimdLevel level, ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window3D g, int filters)
    {
        Check(g, filters, dx.Length, kernel.Length, dy.Length);
        int groups = g.Groups, fg = filters / groups, p = g.PatchSize, chunk = VolumesPerChunk(g);
        dx[..(g.Batch * g.VolumeSize)].Clear();
        var cols = ArrayPool<float>.Shared.Rent(chunk * g.OutVoxels * p);
        var kg = groups > 1 ? ArrayPool<float>.Shared.Rent(p * fg) : null;
        var dyg = groups > 1 ? ArrayPool<float>.Shared.Rent(chunk * g.OutVoxels * fg) : null;
        try
        {
            for (int group = 0; group < groups; group++)
            {
                if (kg is not null)
                {
                    Columns(kernel, kg, p, filters, group * fg, fg);
                }
                for (int first = 0; first < g.Batch; first += chunk)
                {
                    int count = Math.Min(chunk, g.Batch - first), rows = count * g.OutVoxels;
                    var d = dy.Slice(first * g.OutVoxels * filters, rows * filters);
                    var c = cols.AsSpan(0, rows * p);
                    if (kg is null)
                    {
                        Gemm.Multiply(level, d, kernel, c, rows, p, filters, false, true, false, default, EpilogueActivation.None);
                    }
                    else
                    {
                        Columns(d, dyg!, rows, filters, group * fg, fg);
                        Gemm.Multiply(level, dyg.AsSpan(0, rows * fg), kg, c, rows, p, fg, false, true, false, default, EpilogueActivation.None);
                    }
                    Col2Im(c, dx, g, group, first, count);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(cols);
            Return(kg);
            Return(dyg);
        }
    }

    /// <summary>
    /// Writes the im2col rows of volumes [first, first + count) for one channel group: row r holds
    /// output voxel r's window, tap-major, zeros where the window reaches into the padding.
    /// </summary>
    internal static void Im2Col(ReadOnlySpan<float> x, Span<float> cols, in Window3D g, int group, int first, int count)
    {
        fixed (float* px = x)
        fixed (float* pc = cols)
        {
            var body = new Im2ColBody(px, pc, g, group, first);
            CpuParallel.For(count * g.OutVoxels, g.PatchSize, ref body);
        }
    }

    /// <summary>
    /// Adds the im2col rows of volumes [first, first + count) back into one channel group of dx
    /// (the adjoint of <see cref="Im2Col"/>): each input row gathers from the windows that cover it.
    /// </summary>
    internal static void Col2Im(ReadOnlySpan<float> cols, Span<float> dx, in Window3D g, int group, int first, int count)
    {
        fixed (float* pc = cols)
        fixed (float* px = dx)
        {
            var body = new Col2ImBody(pc, px, g, group, first);
            CpuParallel.For(count * g.Depth * g.Height, (long)g.Width * g.PatchSize, ref body);
        }
    }

    private readonly struct Im2ColBody(float* x, float* cols, Window3D g, int group, int first) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int cg = g.GroupChannels, p = g.PatchSize, hw = g.OutH * g.OutW;
            for (int r = start; r < end; r++)
            {
                int n = first + r / g.OutVoxels, o = r % g.OutVoxels;
                int od = o / hw, oh = o / g.OutW % g.OutH, ow = o % g.OutW;
                float* row = cols + (long)r * p;
                for (int kd = 0; kd < g.KernelD; kd++)
                {
                    int id = od * g.StrideD - g.PadFront + kd * g.DilationD;
                    for (int kh = 0; kh < g.KernelH; kh++)
                    {
                        int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                        bool inside = (uint)id < (uint)g.Depth && (uint)ih < (uint)g.Height;
                        for (int kw = 0; kw < g.KernelW; kw++)
                        {
                            int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                            var dst = new Span<float>(row + ((kd * g.KernelH + kh) * g.KernelW + kw) * cg, cg);
                            if (inside && (uint)iw < (uint)g.Width)
                            {
                                new ReadOnlySpan<float>(x + ((((long)n * g.Depth + id) * g.Height + ih) * g.Width + iw) * g.Channels + group * cg, cg).CopyTo(dst);
                            }
                            else
                            {
                                dst.Clear();
                            }
                        }
                    }
                }
            }
        }
    }

    private readonly struct Col2ImBody(float* cols, float* dx, Window3D g, int group, int first) : IRangeBody
    {
        public void Run(int start, int end)
        {
            int cg = g.GroupChannels, p = g.PatchSize;
            for (int r = start; r < end; r++)
            {
                int local = r / (g.Depth * g.Height), id = r / g.Height % g.Depth, ih = r % g.Height;
                for (int iw = 0; iw < g.Width; iw++)
                {
                    float* target = dx + ((((long)(first + local) * g.Depth + id) * g.Height + ih) * g.Width + iw) * g.Channels + group * cg;
                    for (int kd = 0; kd < g.KernelD; kd++)
                    {
                        int od = Output(id + g.PadFront - kd * g.DilationD, g.StrideD, g.OutD);
                        if (od < 0)
                        {
                            continue;
                        }
                        for (int kh = 0; kh < g.KernelH; kh++)
                        {
                            int oh = Output(ih + g.PadTop - kh * g.DilationH, g.StrideH, g.OutH);
                            if (oh < 0)
                            {
                                continue;
                            }
                            for (int kw = 0; kw < g.KernelW; kw++)
                            {
                                int ow = Output(iw + g.PadLeft - kw * g.DilationW, g.StrideW, g.OutW);
                                if (ow < 0)
                                {
                                    continue;
                                }
                                long row = ((long)local * g.OutD + od) * g.OutH * g.OutW + oh * g.OutW + ow;
                                AddTo(target, cols + row * p + ((kd * g.KernelH + kh) * g.KernelW + kw) * cg, cg);
                            }
                        }
                    }
                }
            }
        }

        /// <summary>The output index whose window start plus a tap lands on this input offset, or -1.</summary>
        private static int Output(int offset, int stride, int outSize)
        {
            if (offset < 0 || offset % stride != 0)
            {
                return -1;
            }
            int o = offset / stride;
            return o < outSize ? o : -1;
        }
    }

    /// <summary>dst[i] += src[i] for i in [0, n).</summary>
    private static void AddTo(float* dst, float* src, int n)
    {
        int i = 0;
        for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Store(Vector.Load(dst + i) + Vector.Load(src + i), dst + i);
        }
        for (; i < n; i++)
        {
            dst[i] += src[i];
        }
    }

    /// <summary>Copies columns [offset, offset + width) of a [rows, stride] matrix into a dense [rows, width] one.</summary>
    private static void Columns(ReadOnlySpan<float> source, Span<float> dest, int rows, int stride, int offset, int width)
    {
        for (int r = 0; r < rows; r++)
        {
            source.Slice(r * stride + offset, width).CopyTo(dest.Slice(r * width, width));
        }
    }

    /// <summary>Copies a dense [rows, width] matrix into columns [offset, offset + width) of a [rows, stride] one.</summary>
    private static void Scatter(ReadOnlySpan<float> source, Span<float> dest, int rows, int stride, int offset, int width)
    {
        for (int r = 0; r < rows; r++)
        {
            source.Slice(r * width, width).CopyTo(dest.Slice(r * stride + offset, width));
        }
    }

    private static void Return(float[]? array)
    {
        if (array is not null)
        {
            ArrayPool<float>.Shared.Return(array);
        }
    }

    private static void Check(in Window3D g, int filters, int volumeLength, int kernelLength, int outputLength)
    {
        if (g.Groups <= 0 || g.Channels % g.Groups != 0 || filters % g.Groups != 0
            || volumeLength < (long)g.Batch * g.VolumeSize || kernelLength < (long)g.PatchSize * filters || outputLength < (long)g.Batch * g.OutVoxels * filters)
        {
            throw new ArgumentException($"Internal error: 3-D convolution buffers do not fit {g} with {filters} filters (volume {volumeLength}, kernel {kernelLength}, output {outputLength}).");
        }
    }
}
