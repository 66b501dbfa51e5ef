using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>3-D convolution, transposed convolution and pooling ops over channels_last (NDHWC) volumes.</summary>
public static partial class Ops
{
    /// <summary>
    /// 3-D convolution of (batch, depth, height, width, in) volumes with a kernel (kd, kh, kw, in / groups,
    /// filters), as Keras's <c>ops.conv</c> does for 5-D inputs (groups = in / the kernel's input axis),
    /// plus an optional bias and an activation applied as the GEMM stores.
    /// </summary>
    internal static Tensor Convolve3D(Tensor x, Tensor kernel, Tensor? bias, int[] strides, string padding, int[] dilation, EpilogueActivation activation)
    {
        x = F(x);
        padding = CheckPadding(padding, allowCausal: false);
        var s = x.Shape;
        if (x.Rank != 5 || kernel.Rank != 5)
        {
            throw new ArgumentException($"conv over 3-D volumes expects an input (batch, depth, height, width, channels) and a kernel (kd, kh, kw, in_channels / groups, filters), got input {s} and kernel {kernel.Shape}.");
        }
        Check3("conv", "strides", strides);
        Check3("conv", "dilation_rate", dilation);
        int cin = s[4], cg = kernel.Shape[3], filters = kernel.Shape[4];
        if (cg <= 0 || cin % cg != 0 || filters % (cin / cg) != 0)
        {
            throw new ArgumentException($"conv: the input has {cin} channels and the kernel {kernel.Shape} reads {cg} per group; the input channels must be a multiple of the kernel's input axis and the filters ({filters}) a multiple of the groups ({(cg > 0 ? cin / cg : 0)}).");
        }
        if (bias is not null && bias.Length != filters)
        {
            throw new ArgumentException($"conv: bias of shape {bias.Shape} does not match {filters} output channels.");
        }
        int[] k = [kernel.Shape[0], kernel.Shape[1], kernel.Shape[2]];
        var g = Window3D.Create(s[0], s[1], s[2], s[3], cin, k, strides, dilation, padding, cin / cg);
        if (g.OutD <= 0 || g.OutH <= 0 || g.OutW <= 0)
        {
            throw new ArgumentException($"conv: the kernel {k[0]}x{k[1]}x{k[2]} (dilation {string.Join("x", dilation)}) is larger than the input {s[1]}x{s[2]}x{s[3]} with \"{padding}\" padding; use padding=\"same\" or a smaller kernel.");
        }
        var y = Tensor.Zeros(new Shape(g.Batch, g.OutD, g.OutH, g.OutW, filters));
        void Forward() => K.Conv3DForward(x.Span, kernel.Span, bias is null ? default : bias.Span, activation, y.Span, g, filters);
        Forward();
        RecordConvolution(y, x, kernel, bias, activation, filters, Forward,
            (ds, dk) => K.Conv3DBackwardKernel(x.Span, ds, dk, g, filters), (ds, dxs) => K.Conv3DBackwardInput(ds, kernel.Span, dxs, g, filters), OpKind.Conv3D);
        return y;
    }

    /// <summary>
    /// The output length of one axis of a transposed convolution as Keras computes it: without
    /// output_padding size * stride ("same") or size * stride + max(kernel - stride, 0) ("valid");
    /// with it (size - 1) * stride + kernel - 2 * (kernel // 2 for "same", else 0) + output_padding,
    /// for the dilated kernel.
    /// </summary>
    internal static int ConvTransposeOutputLength(int input, int kernel, int stride, int dilation, string padding, int? outputPadding)
    {
        int effective = (kernel - 1) * dilation + 1;
        if (outputPadding is not { } op)
        {
            return ConvTransposeLength(input, kernel, stride, dilation, padding);
        }
        int pad = padding == "same" ? effective / 2 : 0;
        return (input - 1) * stride + effective - 2 * pad + op;
    }

    /// <summary>
    /// The padding before one axis of the convolution a transposed convolution is the adjoint of:
    /// Keras pads the stride-dilated input by (kernel - 1 - this) before (its JAX padding rule).
    /// </summary>
    internal static int ConvTransposePadBefore(int kernel, int stride, int dilation, string padding, int? outputPadding)
    {
        int effective = (kernel - 1) * dilation + 1;
        int left;
        if (padding == "valid")
        {
            left = effective - 1;
        }
        else
        {
            int padLength = outputPadding is { } op ? effective + effective % 2 - 2 + op : stride + effective - 2;
            left = Math.Min(padLength / 2 + padLength % 2, effective - 1);
        }
        return effective - 1 - left;
    }

    /// <summary>
    /// Transposed 3-D convolution (Keras's <c>ops.conv_transpose</c> for 5-D inputs): input (batch, d, h, w, in),
    /// kernel (kd, kh, kw, filters, in); output (batch, d', h', w', filters) per
    /// <see cref="ConvTransposeOutputLength"/>, with an optional output_padding per axis.
    /// </summary>
    internal static Tensor ConvolveTranspose3D(Tensor x, Tensor kernel, int[] strides, string padding, int[]? outputPadding, int[] dilation)
    {
        x = F(x);
        padding = CheckPadding(padding, allowCausal: false);
        var s = x.Shape;
        if (x.Rank != 5 || kernel.Rank != 5 || kernel.Shape[4] != s[4])
        {
            throw new ArgumentException($"conv_transpose over 3-D volumes expects an input (batch, depth, height, width, channels) and a kernel (kd, kh, kw, filters, channels), got input {s} and kernel {kernel.Shape}.");
        }
        Check3("conv_transpose", "strides", strides);
        Check3("conv_transpose", "dilation_rate", dilation);
        if (outputPadding is not null && (outputPadding.Length != 3 || outputPadding.Any(v => v < 0)))
        {
            throw new ArgumentException($"conv_transpose: output_padding must be 3 non-negative integers, got ({string.Join(", ", outputPadding)}).");
        }
        int filters = kernel.Shape[3], cin = s[4];
        var len = new int[3];
        var pad = new int[3];
        for (int i = 0; i < 3; i++)
        {
            int? op = outputPadding?[i];
            len[i] = ConvTransposeOutputLength(s[1 + i], kernel.Shape[i], strides[i], dilation[i], padding, op);
            pad[i] = ConvTransposePadBefore(kernel.Shape[i], strides[i], dilation[i], padding, op);
            if (len[i] <= 0)
            {
                throw new ArgumentException($"conv_transpose: spatial axis {i + 1} of input {s} gives an output length of {len[i]}; check kernel, strides and output_padding.");
            }
        }
        // The convolution this one is the adjoint of: it maps (d', h', w', filters) back to (d, h, w, in)
        // with kernel (kd, kh, kw, filters, in), i.e. filters in, `in` out.
        var g = new Window3D(s[0], len[0], len[1], len[2], filters, kernel.Shape[0], kernel.Shape[1], kernel.Shape[2], strides[0], strides[1], strides[2],
            dilation[0], dilation[1], dilation[2], pad[0], pad[1], pad[2], s[1], s[2], s[3]);
        var y = Tensor.Zeros(new Shape(s[0], len[0], len[1], len[2], filters));
        void Forward() => K.Conv3DBackwardInput(x.Span, kernel.Span, y.Span, g, cin);
        Forward();
        if (GradientTape.IsRecording(x, kernel))
        {
            GradientTape.Record(y, [x, kernel], Forward, (gy, dx) =>
            {
                if (dx.Needs(1))
                {
                    K.Conv3DBackwardKernel(gy.Span, x.Span, dx[1].Span, g, cin);
                }
                if (dx.Needs(0))
                {
                    K.Conv3DForward(gy.Span, kernel.Span, default, EpilogueActivation.None, dx[0].Span, g, cin);
                }
            }, OpKind.ConvTranspose3D);
        }
        return y;
    }

    /// <summary>Max or average pooling over (batch, depth, height, width, channels) volumes (Keras's <c>ops.max_pool</c> / <c>ops.average_pool</c> for 5-D inputs).</summary>
    internal static Tensor Pool3D(Tensor x, int[] poolSize, int[] strides, string padding, bool max)
    {
        x = F(x);
        padding = CheckPadding(padding, allowCausal: false);
        var s = x.Shape;
        if (x.Rank != 5)
        {
            throw new ArgumentException($"3-D pooling expects an input (batch, depth, height, width, channels), got shape {s}.");
        }
        Check3("pooling", "pool_size", poolSize);
        Check3("pooling", "strides", strides);
        var g = Window3D.Create(s[0], s[1], s[2], s[3], s[4], poolSize, strides, [1, 1, 1], padding);
        if (g.OutD <= 0 || g.OutH <= 0 || g.OutW <= 0)
        {
            throw new ArgumentException($"pooling: the pool {poolSize[0]}x{poolSize[1]}x{poolSize[2]} is larger than the input {s[1]}x{s[2]}x{s[3]} with \"valid\" padding; use padding=\"same\" or a smaller pool.");
        }
        return RecordedPool(x, new Shape(g.Batch, g.OutD, g.OutH, g.OutW, g.Channels), max ? OpKind.MaxPool3D : OpKind.AveragePool3D,
            (y, argmax) =>
            {
                if (argmax is not null)
                {
                    K.MaxPool3DForward(x.Span, y.Span, argmax, g);
                }
                else
                {
                    K.AveragePool3DForward(x.Span, y.Span, g);
                }
            },
            (gy, dx, argmax) =>
            {
                if (argmax is not null)
                {
                    K.MaxPool3DBackward(gy.Span, argmax, dx.Span, g);
                }
                else
                {
                    K.AveragePool3DBackward(gy.Span, dx.Span, g);
                }
            });
    }

    private static void Check3(string op, string what, int[] values)
    {
        if (values.Length != 3 || values.Any(v => v <= 0))
        {
            throw new ArgumentException($"{op}: {what} must be 3 positive integers (depth, height, width), got ({string.Join(", ", values)}).");
        }
    }
}
