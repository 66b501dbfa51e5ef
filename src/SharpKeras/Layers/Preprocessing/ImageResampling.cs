using SharpKeras.Backend;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// The resampling taps of Keras's image resize as its torch backend computes them
/// (<c>torch.nn.functional.interpolate</c>, align_corners=False; "nearest" is torch's "nearest-exact",
/// i.e. half-pixel centres as TensorFlow's), with crop and pad to aspect ratio folded into the same taps,
/// and the helpers the image layers share (channels_first, single images).
/// </summary>
internal static class ImageResampling
{
    /// <summary>Keras's interpolation names that the resize supports here.</summary>
    public static readonly string[] Interpolations = ["bilinear", "nearest", "bicubic"];

    /// <summary>
    /// Taps resizing an axis of <paramref name="inSize"/> to <paramref name="outSize"/>, reading a logical
    /// axis of <paramref name="logicalSize"/> whose position p is input position p - <paramref name="offset"/>
    /// (a crop has a negative offset, a pad a positive one; outside the input is the fill value).
    /// </summary>
    public static ResampleTaps Resize(int inSize, int outSize, string interpolation, bool antialias, int logicalSize, int offset)
    {
        // torch computes the scale and source positions in float32 for float32 images.
        float scale = (float)logicalSize / outSize;
        ResampleTaps taps;
        if (interpolation == "nearest")
        {
            taps = new ResampleTaps(inSize, outSize, 1);
            for (int o = 0; o < outSize; o++)
            {
                long src = Math.Min((long)Math.Floor((o + 0.5) * scale), logicalSize - 1);
                Set(taps, o, 0, (int)src, 1f);
            }
        }
        else if (antialias)
        {
            taps = Antialiased(inSize, outSize, interpolation == "bicubic" ? 4 : 2, scale, logicalSize, interpolation == "bicubic");
        }
        else if (interpolation == "bilinear")
        {
            taps = new ResampleTaps(inSize, outSize, 2);
            for (int o = 0; o < outSize; o++)
            {
                float real = scale * (o + 0.5f) - 0.5f;
                real = real < 0 ? 0 : real;
                int i0 = (int)Math.Min(MathF.Floor(real), logicalSize - 1);
                float lambda = Math.Clamp(real - i0, 0f, 1f);
                int i1 = i0 + (i0 < logicalSize - 1 ? 1 : 0);
                Set(taps, o, 0, i0, 1f - lambda);
                Set(taps, o, 1, i1, lambda);
            }
        }
        else
        {
            taps = new ResampleTaps(inSize, outSize, 4);
            const float A = -0.75f;
            for (int o = 0; o < outSize; o++)
            {
                float real = scale * (o + 0.5f) - 0.5f;
                int i0 = (int)MathF.Floor(real);
                float t = real - i0;
                float[] w = [Cubic2(t + 1f, A), Cubic1(t, A), Cubic1(1f - t, A), Cubic2(2f - t, A)];
                for (int k = 0; k < 4; k++)
                {
                    Set(taps, o, k, Math.Clamp(i0 - 1 + k, 0, logicalSize - 1), w[k]);
                }
            }
        }
        // Map logical positions to input positions (crop or pad).
        for (int k = 0; k < taps.Index.Length; k++)
        {
            if (taps.Index[k] >= 0)
            {
                int p = taps.Index[k] - offset;
                taps.Index[k] = p >= 0 && p < inSize ? p : -1;
            }
        }
        return taps;
    }

    /// <summary>Taps copying input positions start .. start + outSize - 1 (a crop).</summary>
    public static ResampleTaps Crop(int inSize, int start, int outSize)
    {
        var taps = new ResampleTaps(inSize, outSize, 1);
        for (int o = 0; o < outSize; o++)
        {
            Set(taps, o, 0, start + o, 1f);
        }
        return taps;
    }

    private static void Set(ResampleTaps taps, int o, int k, int index, float weight)
    {
        taps.Index[o * taps.Taps + k] = index;
        taps.Weight[o * taps.Taps + k] = weight;
    }

    private static float Cubic1(float x, float a) => ((a + 2) * x - (a + 3)) * x * x + 1;

    private static float Cubic2(float x, float a) => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;

    // torch's antialiased interpolation (_upsample_*_aa): a filter stretched by the scale when
    // shrinking, centred on each output pixel, its weights normalised to sum to one.
    private static ResampleTaps Antialiased(int inSize, int outSize, int interpSize, float scale, int logicalSize, bool cubic)
    {
        double support = scale >= 1.0 ? interpSize * 0.5 * scale : interpSize * 0.5;
        double invscale = scale >= 1.0 ? 1.0 / scale : 1.0;
        int maxTaps = (int)Math.Ceiling(support) * 2 + 1;
        var taps = new ResampleTaps(inSize, outSize, maxTaps);
        var w = new double[maxTaps];
        for (int o = 0; o < outSize; o++)
        {
            double center = scale * (o + 0.5);
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xsize = Math.Min(Math.Min((int)(center + support + 0.5), logicalSize) - xmin, maxTaps);
            double total = 0;
            for (int j = 0; j < xsize; j++)
            {
                double x = (j + xmin - center + 0.5) * invscale;
                w[j] = cubic ? AaCubic(x) : Math.Max(0.0, 1.0 - Math.Abs(x));
                total += w[j];
            }
            for (int j = 0; j < xsize; j++)
            {
                Set(taps, o, j, xmin + j, (float)(total != 0 ? w[j] / total : w[j]));
            }
        }
        return taps;
    }

    private static double AaCubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        return x < 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : x < 2 ? (((x - 5) * x + 8) * x - 4) * a : 0;
    }

    /// <summary>
    /// Runs <paramref name="resample"/> on NHWC images: a single image (rank 3) gets a batch axis for the
    /// call, channels_first images are transposed to channels_last and back.
    /// </summary>
    public static Tensor OnImages(Tensor x, bool channelsFirst, Func<Tensor, Tensor> resample)
    {
        bool single = x.Rank == 3;
        if (single)
        {
            x = Ops.Reshape(x, [1, .. x.Shape.ToArray()]);
        }
        if (channelsFirst)
        {
            x = Ops.Transpose(x, 0, 2, 3, 1);
        }
        var y = resample(x);
        if (channelsFirst)
        {
            y = Ops.Transpose(y, 0, 3, 1, 2);
        }
        return single ? Ops.Reshape(y, [.. y.Shape.ToArray()[1..]]) : y;
    }

    /// <summary>The (height, width) axes of an image shape of rank 3 or 4, checked, naming the layer on failure.</summary>
    public static (int HeightAxis, int WidthAxis) SpatialAxes(Layer layer, Shape shape, bool channelsFirst)
    {
        if (shape.Rank != 3 && shape.Rank != 4)
        {
            throw new ArgumentException($"{layer.GetType().Name} layer '{layer.Name}': expected images of rank 4 (batch, height, width, channels) or rank 3 (one image), got rank {shape.Rank} (shape {shape}).");
        }
        return channelsFirst ? (shape.Rank - 2, shape.Rank - 1) : (shape.Rank - 3, shape.Rank - 2);
    }

    /// <summary>Keras's data_format argument checked: null means channels_last (Keras's image_data_format default).</summary>
    public static string DataFormat(string? dataFormat, string layer)
    {
        var f = dataFormat ?? "channels_last";
        if (f != "channels_last" && f != "channels_first")
        {
            throw new ArgumentException($"{layer}: data_format must be \"channels_last\" or \"channels_first\", got \"{f}\".", nameof(dataFormat));
        }
        return f;
    }
}
