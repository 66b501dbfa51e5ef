using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Keras's ops.image.affine_transform, the one projective-transform kernel of RandomRotation, RandomZoom, RandomTranslation and RandomCrop.</summary>
public static partial class Ops
{
    /// <summary>
    /// Applies projective transforms to images (Keras's <c>ops.image.affine_transform</c>): each transform row
    /// [a0, a1, a2, b0, b1, b2, c0, c1] maps an output point (x, y) to the input point ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k),
    /// k = c0 x + c1 y + 1 (c0 and c1 as the TensorFlow backend reads them; Keras's other backends take them as 0).
    /// <paramref name="transform"/> is (8) for all images or (batch, 8); interpolation "nearest" or "bilinear", fill_mode
    /// "constant", "nearest", "wrap" or "reflect". Differentiable with respect to the images, not the transform (as Keras).
    /// </summary>
    public static Tensor AffineTransform(Tensor images, Tensor transform, string interpolation = "bilinear", string fillMode = "constant",
        double fillValue = 0, string? dataFormat = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(transform);
        bool bilinear = AffineInterpolation(interpolation, "affine_transform");
        var mode = AffineFill(fillMode, "affine_transform");
        var format = dataFormat ?? "channels_last";
        if (format is not ("channels_last" or "channels_first"))
        {
            throw new ArgumentException($"affine_transform: data_format must be \"channels_last\" or \"channels_first\", got \"{format}\".", nameof(dataFormat));
        }
        if (images.Rank is not (3 or 4))
        {
            throw new ArgumentException($"affine_transform: expected images of rank 3 (single image) or 4 (batch of images), got rank {images.Rank} (shape {images.Shape}).", nameof(images));
        }
        int n = images.Rank == 4 ? images.Shape[0] : 1;
        bool rowValid = transform.Rank == 1 ? transform.Shape[0] == 8 : transform.Rank == 2 && transform.Shape[1] == 8 && (transform.Shape[0] == n || transform.Shape[0] == 1);
        if (!rowValid)
        {
            throw new ArgumentException($"affine_transform: transform must have shape (8) or ({n}, 8) for {n} image(s), got {transform.Shape}.", nameof(transform));
        }
        var t = F(transform);
        bool broadcast = t.Length == 8;
        var x = F(images);
        if (images.Rank == 3)
        {
            x = Reshape(x, [1, .. x.Shape.ToArray()]);
        }
        if (format == "channels_first")
        {
            x = Transpose(x, 0, 2, 3, 1);
        }
        var rows = new float[8 * n];
        // The transform is read when the op runs, so a replayed step follows a transform tensor refilled in place.
        var y = AffineTransform(x, rows, r =>
        {
            var source = t.Span;
            for (int b = 0; b < n; b++)
            {
                source.Slice(broadcast ? 0 : 8 * b, 8).CopyTo(r.AsSpan(8 * b, 8));
            }
        }, bilinear, mode, (float)fillValue, x.Shape[1], x.Shape[2]);
        if (format == "channels_first")
        {
            y = Transpose(y, 0, 3, 1, 2);
        }
        return images.Rank == 3 ? Reshape(y, [.. y.Shape.ToArray()[1..]]) : y;
    }

    /// <summary>
    /// The affine transform of NHWC float images <paramref name="x"/> to (n, outHeight, outWidth, c) by the rows of
    /// <paramref name="transforms"/> (8 per image), which <paramref name="redraw"/> (if given) rewrites every time the op
    /// runs, before the kernel: so a replayed training step draws fresh random transforms, as Keras's seed generator gives.
    /// </summary>
    internal static Tensor AffineTransform(Tensor x, float[] transforms, Action<float[]>? redraw, bool bilinear, AffineFillMode fillMode, float fillValue,
        int outHeight, int outWidth)
    {
        var s = x.Shape;
        int n = s[0], h = s[1], w = s[2], c = s[3];
        if (transforms.Length != 8 * n)
        {
            throw new ArgumentException($"affine_transform: {n} images need {8 * n} transform values, got {transforms.Length}.", nameof(transforms));
        }
        var y = Tensor.Zeros(new Shape(n, outHeight, outWidth, c));
        void Forward()
        {
            redraw?.Invoke(transforms);
            K.AffineTransform(x.Span, y.Span, n, h, w, c, outHeight, outWidth, transforms, bilinear, fillMode, fillValue, backward: false);
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward,
                (g, dx) => K.AffineTransform(dx[0].Span, g.Span, n, h, w, c, outHeight, outWidth, transforms, bilinear, fillMode, fillValue, backward: true),
                OpKind.AffineTransform);
        }
        return y;
    }

    /// <summary>Keras's interpolation argument of affine_transform checked: true for "bilinear", false for "nearest".</summary>
    internal static bool AffineInterpolation(string interpolation, string who) => interpolation switch
    {
        "bilinear" => true,
        "nearest" => false,
        _ => throw new ArgumentException($"{who}: interpolation must be \"nearest\" or \"bilinear\", got \"{interpolation}\".", nameof(interpolation)),
    };

    /// <summary>Keras's fill_mode argument of affine_transform checked.</summary>
    internal static AffineFillMode AffineFill(string fillMode, string who) => fillMode switch
    {
        "reflect" => AffineFillMode.Reflect,
        "wrap" => AffineFillMode.Wrap,
        "constant" => AffineFillMode.Constant,
        "nearest" => AffineFillMode.Nearest,
        _ => throw new ArgumentException($"{who}: fill_mode must be one of \"reflect\", \"wrap\", \"constant\", \"nearest\", got \"{fillMode}\".", nameof(fillMode)),
    };
}
