using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Adaptive pooling ops (Keras's <c>ops.adaptive_average_pool</c>, <c>ops.adaptive_max_pool</c>): pooling to a fixed output size whatever the input size.</summary>
public static partial class Ops
{
    /// <summary>
    /// Adaptive average pooling (Keras's <c>ops.adaptive_average_pool</c>) of a 1-D (batch, length, channels)
    /// or 2-D (batch, height, width, channels) input to <paramref name="outputSize"/> per spatial axis (one
    /// value is used for every axis); output bin i covers input positions [floor(i*in/out), ceil((i+1)*in/out)).
    /// </summary>
    public static Tensor AdaptiveAveragePool(Tensor inputs, int[] outputSize, string? dataFormat = null) =>
        AdaptivePool(inputs, outputSize, dataFormat, max: false);

    /// <summary>Adaptive average pooling to the same <paramref name="outputSize"/> on every spatial axis (Keras's <c>ops.adaptive_average_pool</c> with an int).</summary>
    public static Tensor AdaptiveAveragePool(Tensor inputs, int outputSize, string? dataFormat = null) =>
        AdaptivePool(inputs, [outputSize], dataFormat, max: false);

    /// <summary>Adaptive max pooling (Keras's <c>ops.adaptive_max_pool</c>): the maximum of each bin, bins as <see cref="AdaptiveAveragePool(Tensor, int[], string?)"/>.</summary>
    public static Tensor AdaptiveMaxPool(Tensor inputs, int[] outputSize, string? dataFormat = null) =>
        AdaptivePool(inputs, outputSize, dataFormat, max: true);

    /// <summary>Adaptive max pooling to the same <paramref name="outputSize"/> on every spatial axis (Keras's <c>ops.adaptive_max_pool</c> with an int).</summary>
    public static Tensor AdaptiveMaxPool(Tensor inputs, int outputSize, string? dataFormat = null) =>
        AdaptivePool(inputs, [outputSize], dataFormat, max: true);

    internal static Tensor AdaptivePool(Tensor x, int[] outputSize, string? dataFormat, bool max)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(outputSize);
        string op = max ? "adaptive_max_pool" : "adaptive_average_pool";
        var format = dataFormat ?? "channels_last";
        if (format is not ("channels_last" or "channels_first"))
        {
            throw new ArgumentException($"{op}: data_format must be \"channels_last\" or \"channels_first\", got \"{format}\".", nameof(dataFormat));
        }
        x = F(x);
        if (x.Rank is not (3 or 4))
        {
            throw new ArgumentException($"{op}: expected a 1-D input of rank 3 (batch, length, channels) or a 2-D input of rank 4 (batch, height, width, channels), got shape {x.Shape}.", nameof(x));
        }
        int spatial = x.Rank - 2;
        if (outputSize.Length != 1 && outputSize.Length != spatial)
        {
            throw new ArgumentException($"{op}: output_size must have {spatial} entries (or one for all axes) for an input of shape {x.Shape}, got ({string.Join(", ", outputSize)}).", nameof(outputSize));
        }
        var size = outputSize.Length == spatial ? outputSize : Enumerable.Repeat(outputSize[0], spatial).ToArray();
        if (size.Any(v => v <= 0))
        {
            throw new ArgumentException($"{op}: output_size must be positive, got ({string.Join(", ", size)}).", nameof(outputSize));
        }
        bool first = format == "channels_first";
        if (first)
        {
            x = spatial == 1 ? Transpose(x, 0, 2, 1) : Transpose(x, 0, 2, 3, 1);
        }
        var s = x.Shape;
        var x4 = spatial == 1 ? ViewOp(x, new Shape(s[0], 1, s[1], s[2]), OpKind.ExpandDims) : x;
        int outH = spatial == 1 ? 1 : size[0], outW = size[^1];
        if (x4.Shape[1] <= 0 || x4.Shape[2] <= 0)
        {
            throw new ArgumentException($"{op}: every spatial axis needs at least one position, got shape {s}.", nameof(x));
        }
        var y4 = AdaptivePoolNhwc(x4, new AdaptivePool2D(x4.Shape[0], x4.Shape[1], x4.Shape[2], x4.Shape[3], outH, outW), max);
        var y = spatial == 1 ? ViewOp(y4, new Shape(s[0], outW, s[2]), OpKind.Squeeze) : y4;
        if (first)
        {
            y = spatial == 1 ? Transpose(y, 0, 2, 1) : Transpose(y, 0, 3, 1, 2);
        }
        return y;
    }

    private static Tensor AdaptivePoolNhwc(Tensor x, AdaptivePool2D g, bool max)
    {
        var y = Tensor.Zeros(new Shape(g.Batch, g.OutH, g.OutW, g.Channels));
        var argmax = max ? new int[y.Length] : null;
        void Forward()
        {
            if (argmax is not null)
            {
                K.AdaptiveMaxPoolForward(x.Span, y.Span, argmax, g);
            }
            else
            {
                K.AdaptiveAveragePoolForward(x.Span, y.Span, g);
            }
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (gy, dx) =>
            {
                if (argmax is not null)
                {
                    K.AdaptiveMaxPoolBackward(gy.Span, argmax, dx[0].Span, g);
                }
                else
                {
                    K.AdaptiveAveragePoolBackward(gy.Span, dx[0].Span, g);
                }
            }, max ? OpKind.AdaptiveMaxPool : OpKind.AdaptiveAveragePool);
        }
        return y;
    }
}
