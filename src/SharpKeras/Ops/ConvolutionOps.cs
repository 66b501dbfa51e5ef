using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Convolution and pooling ops over channels_last (NHWC / NLC) tensors.</summary>
public static partial class Ops
{
    /// <summary>
    /// N-D convolution (Keras's <c>ops.conv</c>) for 1-D inputs (batch, length, channels) with a
    /// kernel (k, in, out), 2-D inputs (batch, height, width, channels) with a kernel
    /// (kh, kw, in, out), or 3-D inputs (batch, depth, height, width, channels) with a kernel
    /// (kd, kh, kw, in / groups, out); <paramref name="padding"/> is "valid" or "same" ("causal" for 1-D).
    /// </summary>
    public static Tensor Conv(Tensor inputs, Tensor kernel, int strides = 1, string padding = "valid", int dilationRate = 1) =>
        inputs.Rank == 5
            ? Convolve3D(inputs, kernel, null, [strides, strides, strides], padding, [dilationRate, dilationRate, dilationRate], EpilogueActivation.None)
            : Convolve(inputs, kernel, null, [strides, strides], padding, [dilationRate, dilationRate], EpilogueActivation.None);

    /// <summary>Max pooling (Keras's <c>ops.max_pool</c>) over 1-D (batch, length, channels), 2-D (batch, height, width, channels) or 3-D (batch, depth, height, width, channels) inputs; strides default to the pool size.</summary>
    public static Tensor MaxPool(Tensor inputs, int poolSize, int? strides = null, string padding = "valid") =>
        Pool(inputs, [poolSize, poolSize, poolSize], [strides ?? poolSize, strides ?? poolSize, strides ?? poolSize], padding, max: true);

    /// <summary>Average pooling (Keras's <c>ops.average_pool</c>) over 1-D, 2-D or 3-D inputs; with "same" padding the padded positions are not counted.</summary>
    public static Tensor AveragePool(Tensor inputs, int poolSize, int? strides = null, string padding = "valid") =>
        Pool(inputs, [poolSize, poolSize, poolSize], [strides ?? poolSize, strides ?? poolSize, strides ?? poolSize], padding, max: false);

    /// <summary>Lower-cased padding name checked against the ones Keras accepts.</summary>
    internal static string CheckPadding(string padding, bool allowCausal)
    {
        var p = (padding ?? throw new ArgumentNullException(nameof(padding))).ToLowerInvariant();
        if (p is "valid" or "same" || (allowCausal && p == "causal"))
        {
            return p;
        }
        throw new ArgumentException($"padding must be {(allowCausal ? "\"valid\", \"same\" or \"causal\"" : "\"valid\" or \"same\"")}, got \"{padding}\".", nameof(padding));
    }

    /// <summary>
    /// The output length of one spatial axis of a convolution or pooling window as Keras computes it
    /// ("valid", "same" or "causal" padding), for layers' output shapes.
    /// </summary>
    internal static int ConvOutputLength(int size, int kernel, int stride, int dilation, string padding) =>
        Window2D.Axis(size, kernel, stride, dilation, padding).Out;

    /// <summary>
    /// Convolution with an optional bias and an activation applied as the matrix multiply stores,
    /// over 1-D or 2-D channels_last inputs. For 1-D, the spatial arguments' first entries are
    /// ignored (the length is the width of a one-row image).
    /// </summary>
    internal static Tensor Convolve(Tensor x, Tensor kernel, Tensor? bias, int[] strides, string padding, int[] dilation, EpilogueActivation activation)
    {
        x = F(x);
        padding = CheckPadding(padding, allowCausal: x.Rank == 3);
        if (x.Rank == 3 && kernel.Rank == 3)
        {
            var x4 = ViewOp(x, new Shape(x.Shape[0], 1, x.Shape[1], x.Shape[2]), OpKind.ExpandDims);
            var k4 = ViewOp(kernel, new Shape(1, kernel.Shape[0], kernel.Shape[1], kernel.Shape[2]), OpKind.ExpandDims);
            var y4 = Convolve2D(x4, k4, bias, 1, strides[^1], padding, 1, dilation[^1], activation);
            return ViewOp(y4, new Shape(y4.Shape[0], y4.Shape[2], y4.Shape[3]), OpKind.Squeeze);
        }
        if (x.Rank != 4 || kernel.Rank != 4)
        {
            throw new ArgumentException($"conv expects a 1-D input (batch, length, channels) with a rank-3 kernel or a 2-D input (batch, height, width, channels) with a rank-4 kernel, got input {x.Shape} and kernel {kernel.Shape}.");
        }
        return Convolve2D(x, kernel, bias, strides[0], strides[1], padding, dilation[0], dilation[1], activation);
    }

    private static Tensor Convolve2D(Tensor x, Tensor kernel, Tensor? bias, int sh, int sw, string padding, int dh, int dw, EpilogueActivation activation)
    {
        var s = x.Shape;
        int cin = s[3], cout = kernel.Shape[3];
        if (kernel.Shape[2] != cin)
        {
            throw new ArgumentException($"conv: the kernel {kernel.Shape} expects {kernel.Shape[2]} input channels but the input {s} has {cin}.");
        }
        if (sh <= 0 || sw <= 0 || dh <= 0 || dw <= 0)
        {
            throw new ArgumentException($"conv: strides ({sh}, {sw}) and dilation rate ({dh}, {dw}) must be positive.");
        }
        if (bias is not null && bias.Length != cout)
        {
            throw new ArgumentException($"conv: bias of shape {bias.Shape} does not match {cout} output channels.");
        }
        var g = Window2D.Create(s[0], s[1], s[2], cin, kernel.Shape[0], kernel.Shape[1], sh, sw, dh, dw, padding);
        if (g.OutH <= 0 || g.OutW <= 0)
        {
            throw new ArgumentException($"conv: the kernel {kernel.Shape[0]}x{kernel.Shape[1]} (dilation {dh}x{dw}) is larger than the input {s[1]}x{s[2]} with \"{padding}\" padding; use padding=\"same\" or a smaller kernel.");
        }
        var y = Tensor.Zeros(new Shape(g.Batch, g.OutH, g.OutW, cout));
        // The backend reads the windows straight from the images (an implicit GEMM): no im2col scratch.
        void Forward()
        {
            // In inference the kernel's packed copy is kept between calls (the same floats as packing it now).
            if (!g.IsPointwise && Training.InferenceWeights.PackedConvKernel(kernel, g.PatchSize, cout, K) is { } packed)
            {
                K.ConvForwardPacked(x.Span, packed, bias is null ? default : bias.Span, activation, y.Span, g, cout);
                return;
            }
            K.ConvForward(x.Span, kernel.Span, bias is null ? default : bias.Span, activation, y.Span, g, cout);
        }
        Forward();
        RecordConvolution(y, x, kernel, bias, activation, cout, Forward,
            (ds, dk) => K.ConvBackwardKernel(x.Span, ds, dk, g, cout), (ds, dxs) => K.ConvBackwardInput(ds, kernel.Span, dxs, g, cout), OpKind.Conv);
        return y;
    }

    /// <summary>One gradient of a convolution from the gradient <paramref name="ds"/> at its output (before the activation), written into <paramref name="into"/>.</summary>
    private delegate void ConvolutionGradient(ReadOnlySpan<float> ds, Span<float> into);

    /// <summary>
    /// The tape record of a convolution y = activation(conv(x, kernel) + bias) with <paramref name="filters"/> output channels:
    /// the bias gradient sums the rows, the kernel and input gradients come from the geometry's kernels.
    /// </summary>
    private static void RecordConvolution(Tensor y, Tensor x, Tensor kernel, Tensor? bias, EpilogueActivation activation, int filters, Action forward,
        ConvolutionGradient kernelGradient, ConvolutionGradient inputGradient, OpKind kind)
    {
        Tensor[] inputs = bias is null ? [x, kernel] : [x, kernel, bias];
        if (!GradientTape.IsRecording(inputs))
        {
            return;
        }
        var dz = activation == EpilogueActivation.None ? null : Tensor.Zeros(y.Shape);
        GradientTape.Record(y, inputs, forward, (gy, dx) =>
        {
            var ds = ActivationGrad(activation, y, gy, dz).Span;
            if (bias is not null && dx.Needs(2))
            {
                K.SumRows(ds, filters, dx[2].Span);
            }
            if (dx.Needs(1))
            {
                kernelGradient(ds, dx[1].Span);
            }
            if (dx.Needs(0))
            {
                inputGradient(ds, dx[0].Span);
            }
        }, kind);
    }

    /// <summary>The gradient before a fused activation: g itself for the identity, else g * activation'(from y) written into <paramref name="dz"/>.</summary>
    private static Tensor ActivationGrad(EpilogueActivation activation, Tensor y, Tensor g, Tensor? dz)
    {
        switch (activation)
        {
            case EpilogueActivation.None: return g;
            case EpilogueActivation.Relu: K.Binary(BinaryFunction.ReluGrad, y.Span, g.Span, dz!.Span); break;
            case EpilogueActivation.Sigmoid: K.Binary(BinaryFunction.SigmoidGrad, y.Span, g.Span, dz!.Span); break;
            case EpilogueActivation.Tanh: K.Binary(BinaryFunction.TanhGrad, y.Span, g.Span, dz!.Span); break;
            default: K.EpilogueGrad(activation, y.Span, g.Span, dz!.Span); break;
        }
        return dz!;
    }

    /// <summary>Max or average pooling over 1-D or 2-D channels_last inputs (for 1-D, the last entry of each size is used).</summary>
    internal static Tensor Pool(Tensor x, int[] poolSize, int[] strides, string padding, bool max)
    {
        x = F(x);
        padding = CheckPadding(padding, allowCausal: false);
        if (x.Rank == 3)
        {
            var x4 = ViewOp(x, new Shape(x.Shape[0], 1, x.Shape[1], x.Shape[2]), OpKind.ExpandDims);
            var y4 = Pool2D(x4, 1, poolSize[^1], 1, strides[^1], padding, max);
            return ViewOp(y4, new Shape(y4.Shape[0], y4.Shape[2], y4.Shape[3]), OpKind.Squeeze);
        }
        if (x.Rank == 5 && poolSize.Length == 3 && strides.Length == 3)
        {
            return Pool3D(x, poolSize, strides, padding, max);
        }
        if (x.Rank != 4)
        {
            throw new ArgumentException($"pooling expects a 1-D input (batch, length, channels) or a 2-D input (batch, height, width, channels), got shape {x.Shape}.");
        }
        return Pool2D(x, poolSize[0], poolSize[1], strides[0], strides[1], padding, max);
    }

    private static Tensor Pool2D(Tensor x, int ph, int pw, int sh, int sw, string padding, bool max)
    {
        var s = x.Shape;
        if (ph <= 0 || pw <= 0 || sh <= 0 || sw <= 0)
        {
            throw new ArgumentException($"pooling: pool size ({ph}, {pw}) and strides ({sh}, {sw}) must be positive.");
        }
        var g = Window2D.Create(s[0], s[1], s[2], s[3], ph, pw, sh, sw, 1, 1, padding);
        if (g.OutH <= 0 || g.OutW <= 0)
        {
            throw new ArgumentException($"pooling: the pool {ph}x{pw} is larger than the input {s[1]}x{s[2]} with \"valid\" padding; use padding=\"same\" or a smaller pool.");
        }
        return RecordedPool(x, new Shape(g.Batch, g.OutH, g.OutW, g.Channels), max ? OpKind.MaxPool : OpKind.AveragePool,
            (y, argmax) =>
            {
                if (argmax is not null)
                {
                    K.MaxPoolForward(x.Span, y.Span, argmax, g);
                }
                else
                {
                    K.AveragePoolForward(x.Span, y.Span, g);
                }
            },
            (gy, dx, argmax) =>
            {
                if (argmax is not null)
                {
                    K.MaxPoolBackward(gy.Span, argmax, dx.Span, g);
                }
                else
                {
                    K.AveragePoolBackward(gy.Span, dx.Span, g);
                }
            });
    }

    /// <summary>
    /// A pooling op of any rank: runs <paramref name="forward"/> into a new tensor of <paramref name="outShape"/> (with an argmax
    /// buffer for max pooling) and records it with <paramref name="backward"/> when <paramref name="x"/> is on a tape.
    /// </summary>
    private static Tensor RecordedPool(Tensor x, Shape outShape, OpKind kind, Action<Tensor, int[]?> forward, Action<Tensor, Tensor, int[]?> backward)
    {
        var y = Tensor.Zeros(outShape);
        // Off the tape (inference) no gradient is ever routed back, so 2-D max pooling skips the argmax
        // (an int per output written and read back); an empty one tells the kernel so.
        // So does an inference plan (Predict, Evaluate): it records only to replay the forward, never a backward.
        bool routesGradients = GradientTape.IsRecording(x) && !Training.InferenceWeights.Active;
        var argmax = kind is OpKind.MaxPool3D || (kind is OpKind.MaxPool && routesGradients) ? new int[y.Length]
            : kind is OpKind.MaxPool ? Array.Empty<int>() : null;
        void Forward() => forward(y, argmax);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (gy, dx) =>
            {
                if (argmax is { Length: 0 } && y.Length > 0)
                {
                    throw new InvalidOperationException($"Internal error: a gradient reached a {kind} recorded by an inference plan, which keeps no argmax.");
                }
                backward(gy, dx[0], argmax);
            }, kind);
        }
        return y;
    }

    /// <summary>
    /// Depthwise 2-D convolution (Keras's <c>ops.depthwise_conv</c>): input (batch, h, w, channels),
    /// kernel (kh, kw, channels, depth_multiplier); output channel c * depth_multiplier + m.
    /// </summary>
    public static Tensor DepthwiseConv(Tensor inputs, Tensor kernel, int strides = 1, string padding = "valid", int dilationRate = 1) =>
        DepthwiseConvolve(inputs, kernel, [strides, strides], padding, [dilationRate, dilationRate]);

    internal static Tensor DepthwiseConvolve(Tensor x, Tensor kernel, int[] strides, string padding, int[] dilation)
    {
        x = F(x);
        padding = CheckPadding(padding, allowCausal: false);
        var s = x.Shape;
        if (x.Rank != 4 || kernel.Rank != 4 || kernel.Shape[2] != s[3])
        {
            throw new ArgumentException($"depthwise_conv expects an input (batch, height, width, channels) and a kernel (kh, kw, channels, depth_multiplier), got input {s} and kernel {kernel.Shape}.");
        }
        int dm = kernel.Shape[3];
        var g = Window2D.Create(s[0], s[1], s[2], s[3], kernel.Shape[0], kernel.Shape[1], strides[0], strides[1], dilation[0], dilation[1], padding);
        if (g.OutH <= 0 || g.OutW <= 0)
        {
            throw new ArgumentException($"depthwise_conv: the kernel {kernel.Shape[0]}x{kernel.Shape[1]} is larger than the input {s[1]}x{s[2]} with \"valid\" padding; use padding=\"same\" or a smaller kernel.");
        }
        var y = Tensor.Zeros(new Shape(g.Batch, g.OutH, g.OutW, s[3] * dm));
        void Forward() => K.DepthwiseForward(x.Span, kernel.Span, y.Span, g, dm);
        Forward();
        if (GradientTape.IsRecording(x, kernel))
        {
            GradientTape.Record(y, [x, kernel], Forward, (gy, dx) =>
            {
                if (dx.Needs(1))
                {
                    K.DepthwiseBackwardKernel(x.Span, gy.Span, dx[1].Span, g, dm);
                }
                if (dx.Needs(0))
                {
                    K.DepthwiseBackwardInput(gy.Span, kernel.Span, dx[0].Span, g, dm);
                }
            }, OpKind.DepthwiseConv);
        }
        return y;
    }

    /// <summary>
    /// Transposed 2-D or 3-D convolution (Keras's <c>ops.conv_transpose</c> without output_padding): the
    /// gradient of a convolution with respect to its input. Input (batch, h, w, in), kernel
    /// (kh, kw, filters, in); output (batch, h * s + max(k - s, 0), ..., filters) for "valid" and
    /// (batch, h * s, w * s, filters) for "same".
    /// </summary>
    public static Tensor ConvTranspose(Tensor inputs, Tensor kernel, int strides = 1, string padding = "valid", int dilationRate = 1) =>
        inputs.Rank == 5
            ? ConvolveTranspose3D(inputs, kernel, [strides, strides, strides], padding, null, [dilationRate, dilationRate, dilationRate])
            : ConvolveTranspose(inputs, kernel, [strides, strides], padding, [dilationRate, dilationRate]);

    /// <summary>Output length of a transposed convolution along one axis, as Keras computes it without output_padding.</summary>
    internal static int ConvTransposeLength(int input, int kernel, int stride, int dilation, string padding)
    {
        int effective = (kernel - 1) * dilation + 1;
        return padding == "same" ? input * stride : input * stride + Math.Max(effective - stride, 0);
    }

    internal static Tensor ConvolveTranspose(Tensor x, Tensor kernel, int[] strides, string padding, int[] dilation)
    {
        x = F(x);
        padding = CheckPadding(padding, allowCausal: false);
        var s = x.Shape;
        if (x.Rank != 4 || kernel.Rank != 4 || kernel.Shape[3] != s[3])
        {
            throw new ArgumentException($"conv_transpose expects an input (batch, height, width, channels) and a kernel (kh, kw, filters, channels), got input {s} and kernel {kernel.Shape}.");
        }
        int kh = kernel.Shape[0], kw = kernel.Shape[1], filters = kernel.Shape[2], cin = s[3];
        int oh = ConvTransposeLength(s[1], kh, strides[0], dilation[0], padding);
        int ow = ConvTransposeLength(s[2], kw, strides[1], dilation[1], padding);
        // The convolution this one transposes maps (oh, ow, filters) to (h, w, in).
        var g = Window2D.Create(s[0], oh, ow, filters, kh, kw, strides[0], strides[1], dilation[0], dilation[1], padding);
        if (g.OutH != s[1] || g.OutW != s[2])
        {
            throw new InvalidOperationException($"Internal error: conv_transpose geometry {g} does not map back to the input {s}.");
        }
        var y = Tensor.Zeros(new Shape(s[0], oh, ow, filters));
        int chunk = g.ImagesPerChunk;
        var cols = new float[(long)chunk * g.OutPixels * g.PatchSize];
        int rowsPerImage = g.OutPixels;
        void Forward()
        {
            var xs = x.Span;
            var ks = kernel.Span;
            var ys = y.Span;
            for (int first = 0; first < g.Batch; first += chunk)
            {
                int count = Math.Min(chunk, g.Batch - first);
                int rows = count * rowsPerImage;
                // cols = X K^T ([rows, in] x [in, kh*kw*filters]), then scattered into the output images.
                K.MatMul(xs.Slice(first * rowsPerImage * cin, rows * cin), ks, cols.AsSpan(0, rows * g.PatchSize), rows, g.PatchSize, cin, false, transB: true, accumulate: false);
                K.Col2Im(cols, ys, g, first, count);
            }
        }
        Forward();
        if (GradientTape.IsRecording(x, kernel))
        {
            GradientTape.Record(y, [x, kernel], Forward, (gy, dx) =>
            {
                var gs = gy.Span;
                var xs = x.Span;
                var ks = kernel.Span;
                for (int first = 0; first < g.Batch; first += chunk)
                {
                    int count = Math.Min(chunk, g.Batch - first);
                    int rows = count * rowsPerImage;
                    K.Im2Col(gs, cols, g, first, count);
                    var c = cols.AsSpan(0, rows * g.PatchSize);
                    if (dx.Needs(1))
                    {
                        K.MatMul(c, xs.Slice(first * rowsPerImage * cin, rows * cin), dx[1].Span, g.PatchSize, cin, rows, transA: true, transB: false, accumulate: first > 0);
                    }
                    if (dx.Needs(0))
                    {
                        K.MatMul(c, ks, dx[0].Span.Slice(first * rowsPerImage * cin, rows * cin), rows, cin, g.PatchSize, false, false, false);
                    }
                }
            }, OpKind.ConvTranspose);
        }
        return y;
    }
}
