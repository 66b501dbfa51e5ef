using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Ops of the preprocessing layers: separable image resampling (resize, crop, pad) with its gradient.</summary>
public static partial class Ops
{
    /// <summary>
    /// Resamples NHWC images along rows and columns by the given taps (see <see cref="ResampleTaps"/>),
    /// a tap of index -1 reading <paramref name="fill"/>; differentiable with respect to the images.
    /// </summary>
    internal static Tensor Resample2D(Tensor x, ResampleTaps rows, ResampleTaps cols, float fill)
    {
        x = F(x);
        var s = x.Shape;
        int n = s[0], h = s[1], w = s[2], c = s[3];
        if (rows.InSize != h || cols.InSize != w)
        {
            throw new ArgumentException($"resample: taps were made for {rows.InSize}x{cols.InSize} images, got {h}x{w} (input shape {s}).", nameof(x));
        }
        var y = Tensor.Zeros(new Shape(n, rows.OutSize, cols.OutSize, c));
        void Forward() => K.Resample2D(x.Span, y.Span, n, h, w, c, rows, cols, fill, backward: false);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.Resample2D(dx[0].Span, g.Span, n, h, w, c, rows, cols, fill, backward: true), OpKind.Resample2D);
        }
        return y;
    }
}
