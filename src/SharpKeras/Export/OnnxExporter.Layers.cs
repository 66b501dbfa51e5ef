using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Export;

internal sealed partial class OnnxExporter
{
    private OnnxValue EmitLayer(Layer layer, IReadOnlyList<OnnxValue> inputs, bool asList = false)
    {
        string scope = _g.Scope;
        _g.Scope = layer.Name;
        try
        {
            bool masked = inputs.Any(i => i.Masked);
            bool keepsMask = layer is Dense or Activation or Dropout or LayerNormalization or BatchNormalization or Merge or Concatenate or InputLayer;
            if (masked && !keepsMask)
            {
                throw Unsupported(layer, "it receives a Keras mask (from Embedding(maskZero) or Masking upstream), and masked recurrent, pooling and wrapper layers are not exported yet (ONNX's sequence_lens covers only right-padded sequences)");
            }
            // A functional model's layers may not have weights until they first run on data.
            if (asList || inputs.Count > 1)
            {
                layer.EnsureBuilt([.. inputs.Select(i => i.Shape)]);
            }
            else
            {
                layer.EnsureBuilt(inputs[0].Shape);
            }
            var shape = asList || inputs.Count > 1
                ? layer.ComputeOutputShape([.. inputs.Select(i => i.Shape)])
                : layer.ComputeOutputShape(inputs[0].Shape);
            var x = inputs[0];
            string y = layer switch
            {
                InputLayer => x.Name,
                Model m => EmitModel(m, inputs) is [var single] ? single.Name
                    : throw Unsupported(layer, "a nested model with several outputs"),
                Dense d => Activate(d.Activation, d.UseBias
                    ? _g.Node("Add", [_g.Node("MatMul", [x.Name, Weight(d.Kernel!)]), Weight(d.Bias!)])
                    : _g.Node("MatMul", [x.Name, Weight(d.Kernel!)]), layer),
                Activation a => Activate(a.Function, x.Name, layer),
                Dropout or SpatialDropout2D => x.Name,
                Flatten => _g.Node("Flatten", [x.Name], ("axis", 1)),
                Reshape r => _g.Node("Reshape", [x.Name, _g.Int64("shape", [0, .. r.TargetShape.Select(v => (long)v)])]),
                Permute p => _g.Node("Transpose", [x.Name], ("perm", (int[])[0, .. p.Dims])),
                RepeatVector rv => _g.Node("Tile", [_g.Node("Unsqueeze", [x.Name, _g.Int64("axes", 1)]), _g.Int64("repeats", 1, rv.N, 1)]),
                ZeroPadding2D z => _g.Node("Pad", [x.Name, _g.Int64("pads", 0, z.Rows.Top, z.Columns.Left, 0, 0, z.Rows.Bottom, z.Columns.Right, 0)]),
                UpSampling2D u => u.Interpolation == "nearest"
                    ? _g.Node("Resize", [x.Name, "", _g.Float("scales", [1, u.Size.Height, u.Size.Width, 1], 4)],
                        ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor"))
                    : throw Unsupported(layer, $"interpolation '{u.Interpolation}' (only 'nearest' is exported)"),
                BaseConv c => EmitConv(c, x),
                DepthwiseConv2D dw => EmitDepthwise(dw, x),
                SeparableConv2D sc => EmitSeparable(sc, x),
                Conv2DTranspose ct => EmitConvTranspose(ct, x),
                BasePooling p => EmitPooling(p, x),
                GlobalPooling gp => _g.Node(gp.ClassName.Contains("Max", StringComparison.Ordinal) ? "ReduceMax" : "ReduceMean", [x.Name],
                    ("axes", Enumerable.Range(1, x.Shape.Rank - 2).ToArray()), ("keepdims", gp.KeepDims ? 1 : 0)),
                BatchNormalization bn => EmitBatchNorm(bn, x),
                LayerNormalization ln => EmitLayerNorm(ln, x),
                Embedding emb => _g.Node("Gather", [Weight(emb.Embeddings!),
                    x.DType == DType.Float32 ? _g.Node("Cast", [x.Name], ("to", 7)) : x.Name], ("axis", 0)),
                Masking mk => EmitMasking(mk, x),
                Concatenate cat => _g.Node("Concat", inputs.Select(i => i.Name), ("axis", cat.Axis)),
                Merge mg => EmitMerge(mg, inputs),
                TimeDistributed td => EmitTimeDistributed(td, x, shape),
                Bidirectional bi => EmitBidirectional(bi, x),
                RNN rnn => EmitRecurrent(rnn, x, reverse: rnn.GoBackwards, flipSequence: rnn.GoBackwards),
                _ => throw Unsupported(layer, "this layer class has no ONNX mapping yet"),
            };
            bool masks = layer is Masking || layer is Embedding { MaskZero: true } || (masked && keepsMask);
            return new OnnxValue(y, shape, layer is InputLayer ? x.DType : DType.Float32, masks);
        }
        finally
        {
            _g.Scope = scope;
        }
    }

    private string Weight(Variable v)
    {
        var dims = v.Shape.ToArray().Select(d => (long)d).ToArray();
        return _g.Float(v.Name, v.Value.ToArray(), dims);
    }

    private string Activate(ActivationFunction f, string x, Layer layer) => f.Name switch
    {
        "linear" => x,
        "relu" => _g.Node("Relu", [x]),
        "sigmoid" => _g.Node("Sigmoid", [x]),
        "tanh" => _g.Node("Tanh", [x]),
        "softmax" => _g.Node("Softmax", [x], ("axis", -1)),
        _ => throw Unsupported(layer, $"activation '{f.Name}' has no ONNX mapping (a custom function is C# code)"),
    };

    /// <summary>Keras's channels_last (N, spatial..., C) to ONNX's (N, C, spatial...).</summary>
    private string ToChannelsFirst(string x, int rank) => _g.Node("Transpose", [x], ("perm", (int[])[0, rank - 1, .. Enumerable.Range(1, rank - 2)]));

    private string ToChannelsLast(string x, int rank) => _g.Node("Transpose", [x], ("perm", (int[])[0, .. Enumerable.Range(2, rank - 2), 1]));

    /// <summary>A host-side transpose of a weight (row-major, <paramref name="shape"/>) by <paramref name="perm"/>.</summary>
    private static float[] Permute(float[] data, int[] shape, int[] perm)
    {
        int rank = shape.Length;
        var outShape = perm.Select(p => shape[p]).ToArray();
        var inStrides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= shape[i], i--)
        {
            inStrides[i] = s;
        }
        var result = new float[data.Length];
        var idx = new int[rank];
        for (int o = 0; o < result.Length; o++)
        {
            int src = 0;
            for (int k = 0; k < rank; k++)
            {
                src += idx[k] * inStrides[perm[k]];
            }
            result[o] = data[src];
            for (int k = rank - 1; k >= 0 && ++idx[k] == outShape[k]; k--)
            {
                idx[k] = 0;
            }
        }
        return result;
    }

    private string PermutedWeight(Variable v, int[] perm, string hint)
    {
        var shape = v.Shape.ToArray();
        return _g.Float(hint, Permute(v.Value.ToArray(), shape, perm), [.. perm.Select(p => (long)shape[p])]);
    }

    /// <summary>Keras's padding as ONNX attributes: "same" puts the odd pixel at the end (SAME_UPPER), "causal" pads the start.</summary>
    private static (string, object) Pads(Shape x, int[] kernel, int[] strides, int[] dilation, string padding)
    {
        int r = kernel.Length;
        var pads = new long[2 * r];
        for (int i = 0; i < r; i++)
        {
            int eff = (kernel[i] - 1) * dilation[i] + 1;
            switch (padding)
            {
                case "same":
                    int size = x[1 + i];
                    if (size < 0)
                    {
                        return ("auto_pad", "SAME_UPPER");
                    }
                    int outSize = (size + strides[i] - 1) / strides[i];
                    int total = Math.Max((outSize - 1) * strides[i] + eff - size, 0);
                    pads[i] = total / 2;
                    pads[r + i] = total - total / 2;
                    break;
                case "causal":
                    pads[i] = eff - 1;
                    break;
            }
        }
        return ("pads", pads);
    }

    private string EmitConv(BaseConv c, OnnxValue x)
    {
        int r = c.Rank;
        var k = c.KernelSize.ToArray();
        var s = c.Strides.ToArray();
        var d = c.DilationRate.ToArray();
        // Keras kernel (k..., in, out) -> ONNX (out, in, k...).
        var w = PermutedWeight(c.Kernel!, [r + 1, r, .. Enumerable.Range(0, r)], "kernel");
        string[] ins = c.UseBias ? [ToChannelsFirst(x.Name, r + 2), w, Weight(c.Bias!)] : [ToChannelsFirst(x.Name, r + 2), w];
        var y = _g.Node("Conv", ins, ("kernel_shape", k), ("strides", s), ("dilations", d), Pads(x.Shape, k, s, d, c.Padding));
        return Activate(c.Activation, ToChannelsLast(y, r + 2), c);
    }

    private string Depthwise(string xFirst, Shape x, Variable kernel, int[] k, string padding, (int[] Strides, int[] Dilation) geometry)
    {
        int channels = kernel.Shape[2], mult = kernel.Shape[3];
        var (s, d) = geometry;
        // Keras (kh, kw, in, mult) -> ONNX (in*mult, 1, kh, kw) with output channel c*mult + m, as Keras orders them.
        var w = _g.Float("depthwise_kernel", Permute(kernel.Value.ToArray(), kernel.Shape.ToArray(), [2, 3, 0, 1]), channels * mult, 1, k[0], k[1]);
        return _g.Node("Conv", [xFirst, w], ("kernel_shape", k), ("strides", s), ("dilations", d), ("group", channels),
            Pads(x, k, s, d, padding));
    }

    private string EmitDepthwise(DepthwiseConv2D c, OnnxValue x)
    {
        var y = Depthwise(ToChannelsFirst(x.Name, 4), x.Shape, c.Kernel!, [c.KernelSize.Height, c.KernelSize.Width], c.Padding, c.Geometry);
        if (c.UseBias)
        {
            y = _g.Node("Add", [y, _g.Float("bias", c.Bias!.Value.ToArray(), c.Bias.Shape[0], 1, 1)]);
        }
        return Activate(c.Activation, ToChannelsLast(y, 4), c);
    }

    private string EmitSeparable(SeparableConv2D c, OnnxValue x)
    {
        var y = Depthwise(ToChannelsFirst(x.Name, 4), x.Shape, c.DepthwiseKernel!, [c.KernelSize.Height, c.KernelSize.Width], c.Padding, c.Geometry);
        // Pointwise (1, 1, in*mult, filters) -> (filters, in*mult, 1, 1).
        var pw = PermutedWeight(c.PointwiseKernel!, [3, 2, 0, 1], "pointwise_kernel");
        string[] ins = c.UseBias ? [y, pw, Weight(c.Bias!)] : [y, pw];
        y = _g.Node("Conv", ins, ("kernel_shape", (int[])[1, 1]));
        return Activate(c.Activation, ToChannelsLast(y, 4), c);
    }

    private string EmitConvTranspose(Conv2DTranspose c, OnnxValue x)
    {
        var (s, d) = c.Geometry;
        int[] k = [c.KernelSize.Height, c.KernelSize.Width];
        var pads = new long[4];
        var outputPadding = new long[2];
        for (int i = 0; i < 2; i++)
        {
            // The full transposed output is (n-1)*s + eff long; Keras keeps n*s ("same", cropping like the forward
            // convolution's SAME padding) or n*s + max(eff - s, 0) ("valid"); kernels shorter than the stride leave
            // a tail that only the bias reaches, ONNX's output_padding.
            int eff = (k[i] - 1) * d[i] + 1;
            int total = c.Padding == "same" ? Math.Max(eff - s[i], 0) : 0;
            pads[i] = total / 2;
            pads[2 + i] = total - total / 2;
            outputPadding[i] = Math.Max(s[i] - eff, 0);
        }
        // Keras kernel (kh, kw, filters, in) -> ONNX (in, filters, kh, kw).
        var w = PermutedWeight(c.Kernel!, [3, 2, 0, 1], "kernel");
        string[] ins = c.UseBias ? [ToChannelsFirst(x.Name, 4), w, Weight(c.Bias!)] : [ToChannelsFirst(x.Name, 4), w];
        var y = _g.Node("ConvTranspose", ins, ("kernel_shape", k), ("strides", s), ("dilations", d), ("pads", pads), ("output_padding", outputPadding));
        return Activate(c.Activation, ToChannelsLast(y, 4), c);
    }

    private string EmitPooling(BasePooling p, OnnxValue x)
    {
        int r = p.Rank;
        var k = p.PoolSize.ToArray();
        var s = p.Strides.ToArray();
        string op = p.ClassName.StartsWith("Max", StringComparison.Ordinal) ? "MaxPool" : "AveragePool";
        // AveragePool's default count_include_pad=0 averages over the window's real pixels only, as Keras does.
        var y = _g.Node(op, [ToChannelsFirst(x.Name, r + 2)], ("kernel_shape", k), ("strides", s), Pads(x.Shape, k, s, [.. Enumerable.Repeat(1, r)], p.Padding));
        return ToChannelsLast(y, r + 2);
    }

    /// <summary>A per-channel constant shaped to broadcast against <paramref name="x"/> along <paramref name="axis"/>.</summary>
    private string Channel(string hint, float[] values, Shape x, int axis) =>
        _g.Float(hint, values, [values.Length, .. Enumerable.Repeat(1L, x.Rank - 1 - axis)]);

    private string EmitBatchNorm(BatchNormalization bn, OnnxValue x)
    {
        int axis = x.Shape.NormalizeAxis(bn.Axis);
        var mean = bn.MovingMean!.Value.ToArray();
        var variance = bn.MovingVariance!.Value.ToArray();
        var gamma = bn.Gamma?.Value.ToArray();
        // (x - mean) * gamma / sqrt(var + eps) + beta, the factor computed once in double.
        var factor = new float[mean.Length];
        for (int i = 0; i < factor.Length; i++)
        {
            factor[i] = (float)((gamma?[i] ?? 1.0) / Math.Sqrt(variance[i] + bn.Epsilon));
        }
        var y = _g.Node("Mul", [_g.Node("Sub", [x.Name, Channel("moving_mean", mean, x.Shape, axis)]), Channel("scale", factor, x.Shape, axis)]);
        return bn.Beta is { } beta ? _g.Node("Add", [y, Channel("beta", beta.Value.ToArray(), x.Shape, axis)]) : y;
    }

    private string EmitLayerNorm(LayerNormalization ln, OnnxValue x)
    {
        if (x.Shape.NormalizeAxis(ln.Axis) != x.Shape.Rank - 1)
        {
            throw Unsupported(ln, $"axis {ln.Axis} (only the last axis is exported)");
        }
        int n = x.Shape[-1];
        var scale = ln.Gamma is { } g ? Weight(g) : _g.Float("gamma", [.. Enumerable.Repeat(1f, n)], n);
        var bias = ln.Beta is { } b ? Weight(b) : _g.Float("beta", new float[n], n);
        return _g.Node("LayerNormalization", [x.Name, scale, bias], ("axis", -1), ("epsilon", (float)ln.Epsilon));
    }

    private string EmitMasking(Masking m, OnnxValue x)
    {
        // Keras: a step is kept when any feature differs from mask_value; kept steps pass, the others become 0.
        var differs = _g.Node("Not", [_g.Node("Equal", [x.Name, _g.Scalar("mask_value", (float)m.MaskValue)])]);
        var keep = _g.Node("ReduceMax", [_g.Node("Cast", [differs], ("to", 1))], ("axes", (int[])[-1]), ("keepdims", 1));
        return _g.Node("Mul", [x.Name, keep]);
    }

    private string EmitMerge(Merge m, IReadOnlyList<OnnxValue> inputs)
    {
        var names = inputs.Select(i => i.Name).ToArray();
        string Chain(string op) => names.Skip(1).Aggregate(names[0], (acc, n) => _g.Node(op, [acc, n]));
        return m switch
        {
            Add => Chain("Add"),
            Subtract => _g.Node("Sub", names),
            Multiply => Chain("Mul"),
            Average => _g.Node("Div", [Chain("Add"), _g.Scalar("count", names.Length)]),
            Maximum => Chain("Max"),
            Minimum => Chain("Min"),
            Dot dot => EmitDot(dot, names),
            _ => throw Unsupported(m, "this merge layer has no ONNX mapping yet"),
        };
    }

    private string EmitDot(Dot dot, string[] names)
    {
        string Normalize(string v) => _g.Node("Div", [v, _g.Node("Sqrt", [_g.Node("Max", [
            _g.Node("ReduceSumSquare", [v], ("axes", (int[])[-1]), ("keepdims", 1)), _g.Scalar("epsilon", 1e-12f)])])]);
        var (a, b) = dot.Normalize ? (Normalize(names[0]), Normalize(names[1])) : (names[0], names[1]);
        return _g.Node("ReduceSum", [_g.Node("Mul", [a, b]), _g.Int64("axes", -1)], ("keepdims", 1));
    }

    private string EmitTimeDistributed(TimeDistributed td, OnnxValue x, Shape outShape)
    {
        var inner = x.Shape.ToArray()[2..];
        var innerOut = outShape.ToArray()[2..];
        if (inner.Any(v => v < 0) || innerOut.Any(v => v < 0))
        {
            throw Unsupported(td, $"input {x.Shape} or output {outShape} has an unknown dimension after the time axis");
        }
        // (batch, time, ...) -> (batch*time, ...) through the inner layer, then the leading two axes back from x's runtime shape.
        var folded = new OnnxValue(_g.Node("Reshape", [x.Name, _g.Int64("fold", [-1, .. inner.Select(v => (long)v)])]), new Shape([-1, .. inner]), x.DType);
        var y = EmitLayer(td.Layer, [folded]);
        _g.Scope = td.Name;
        var lead = _g.Node("Slice", [_g.Node("Shape", [x.Name]), _g.Int64("start", 0), _g.Int64("end", 2)]);
        var target = _g.Node("Concat", [lead, _g.Int64("inner", [.. innerOut.Select(v => (long)v)])], ("axis", 0));
        return _g.Node("Reshape", [y.Name, target]);
    }
}
