namespace SharpKeras.Layers;

/// <summary>Shape checks and output shapes shared by the convolution layers.</summary>
internal static class ConvShapes
{
    /// <summary>Throws unless the input has rank spatial + 2 and a known channel count.</summary>
    public static void CheckRank(Layer layer, Shape inputShape, int spatial)
    {
        if (inputShape.Rank != spatial + 2)
        {
            string layout = spatial switch { 1 => "(batch, steps, channels)", 2 => "(batch, height, width, channels)", _ => "(batch, depth, height, width, channels)" };
            throw new ArgumentException($"Input 0 of layer \"{layer.Name}\" ({layer.GetType().Name}) is incompatible with the layer: expected ndim={spatial + 2} {layout}, found ndim={inputShape.Rank}, but received input with shape {inputShape}.");
        }
        if (inputShape[-1] <= 0)
        {
            throw new ArgumentException($"Input 0 of layer \"{layer.Name}\" ({layer.GetType().Name}) is incompatible with the layer: the channel dimension (last axis) of the inputs should be defined, but received input with shape {inputShape}.");
        }
    }

    /// <summary>Throws unless the input has the rank and the channel count the layer was built for.</summary>
    public static void CheckChannels(Layer layer, Shape inputShape, int spatial, int channels)
    {
        CheckRank(layer, inputShape, spatial);
        if (inputShape[-1] != channels)
        {
            throw new ArgumentException($"Input 0 of layer \"{layer.Name}\" ({layer.GetType().Name}) is incompatible with the layer: expected axis -1 of input shape to have value {channels} (the channels the layer was built for), but received input with shape {inputShape}.");
        }
    }

    /// <summary>The output shape of a convolution, or an error naming the layer when a kernel does not fit a "valid" input.</summary>
    public static Shape Output(Layer layer, Shape inputShape, int[] kernel, int[] strides, int[] dilation, string padding, int channels)
    {
        CheckRank(layer, inputShape, kernel.Length);
        var dims = inputShape.ToArray();
        for (int i = 0; i < kernel.Length; i++)
        {
            int size = inputShape[1 + i];
            if (size < 0)
            {
                continue;
            }
            int o = Ops.ConvOutputLength(size, kernel[i], strides[i], dilation[i], padding);
            if (o <= 0)
            {
                int effective = (kernel[i] - 1) * dilation[i] + 1;
                throw new ArgumentException($"Layer \"{layer.Name}\" ({layer.GetType().Name}): the kernel size {effective} (kernel {kernel[i]}, dilation {dilation[i]}) is larger than the input size {size} on spatial axis {i + 1} of input shape {inputShape} with padding=\"valid\"; use padding=\"same\", a smaller kernel or a larger input.");
            }
            dims[1 + i] = o;
        }
        dims[^1] = channels;
        return new Shape(dims);
    }

    /// <summary>A channels_first shape (batch, channels, *spatial) in channels_last order (batch, *spatial, channels).</summary>
    public static Shape ToChannelsLast(Shape s)
    {
        var d = s.ToArray();
        return new Shape([d[0], .. d[2..], d[1]]);
    }

    /// <summary>A channels_last shape (batch, *spatial, channels) in channels_first order (batch, channels, *spatial).</summary>
    public static Shape ToChannelsFirst(Shape s)
    {
        var d = s.ToArray();
        return new Shape([d[0], d[^1], .. d[1..^1]]);
    }

    /// <summary>A channels_first tensor transposed to channels_last, so the channels_last kernels serve channels_first layers.</summary>
    public static Tensor ToChannelsLast(Tensor x) => Ops.Transpose(x, [0, .. Enumerable.Range(2, x.Rank - 2), 1]);

    /// <summary>A channels_last tensor transposed back to channels_first.</summary>
    public static Tensor ToChannelsFirst(Tensor x) => Ops.Transpose(x, [0, x.Rank - 1, .. Enumerable.Range(1, x.Rank - 2)]);
}
