using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>
/// Cropping, zero padding and nearest upsampling over 1, 2 and 3 spatial axes (Keras's Cropping*D,
/// ZeroPadding1D/3D, UpSampling1D/3D). The 1-D and 3-D forms are reshapes around the 2-D kernels, so
/// every form shares the vectorised Pad2D / Upsample2D kernels of the backend.
/// </summary>
public static partial class Ops
{
    /// <summary>Removes rows (top, bottom) and columns (left, right) from NHWC images (Keras's Cropping2D).</summary>
    internal static Tensor Crop2D(Tensor x, int top, int bottom, int left, int right)
    {
        x = F(x);
        var s = x.Shape;
        int n = s[0], h = s[1], w = s[2], c = s[3];
        int oh = h - top - bottom, ow = w - left - right;
        if (oh <= 0 || ow <= 0 || top < 0 || bottom < 0 || left < 0 || right < 0)
        {
            throw new ArgumentException($"crop: cropping (({top}, {bottom}), ({left}, {right})) must be non-negative and leave at least one row and column of an input of shape {s}.");
        }
        var y = Tensor.Zeros(new Shape(n, oh, ow, c));
        // A crop is the backward of a zero padding: the inner part of the padded image, and its gradient is that padding.
        void Forward() => K.Pad2D(y.Span, x.Span, n, oh, ow, c, top, left, h, w, backward: true);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.Pad2D(g.Span, dx[0].Span, n, oh, ow, c, top, left, h, w, backward: false), OpKind.Cropping);
        }
        return y;
    }

    /// <summary>Pads (batch, steps, channels) with zeros: <paramref name="left"/> steps before and <paramref name="right"/> after (Keras's ZeroPadding1D).</summary>
    internal static Tensor ZeroPad1D(Tensor x, int left, int right)
    {
        var s = x.Shape;
        var y = ZeroPad2D(Reshape(x, s[0], 1, s[1], s[2]), 0, 0, left, right);
        return Reshape(y, s[0], s[1] + left + right, s[2]);
    }

    /// <summary>Removes <paramref name="left"/> steps from the start and <paramref name="right"/> from the end of (batch, steps, channels) (Keras's Cropping1D).</summary>
    internal static Tensor Crop1D(Tensor x, int left, int right)
    {
        var s = x.Shape;
        var y = Crop2D(Reshape(x, s[0], 1, s[1], s[2]), 0, 0, left, right);
        return Reshape(y, s[0], s[1] - left - right, s[2]);
    }

    /// <summary>Repeats each step of (batch, steps, channels) <paramref name="size"/> times (Keras's UpSampling1D, ops.repeat on axis 1).</summary>
    internal static Tensor UpSample1D(Tensor x, int size)
    {
        var s = x.Shape;
        var y = UpSample2D(Reshape(x, s[0], s[1], 1, s[2]), size, 1);
        return Reshape(y, s[0], s[1] * size, s[2]);
    }

    /// <summary>Pads (batch, d, h, w, channels) with zeros on the three spatial axes (Keras's ZeroPadding3D).</summary>
    internal static Tensor ZeroPad3D(Tensor x, (int Before, int After) d, (int Before, int After) h, (int Before, int After) w)
    {
        var s = x.Shape;
        int n = s[0], c = s[4];
        // Height and width as images of n * depth, then depth as the rows of images one (h * w) row wide.
        var hw = ZeroPad2D(Reshape(x, n * s[1], s[2], s[3], c), h.Before, h.After, w.Before, w.After);
        int ph = s[2] + h.Before + h.After, pw = s[3] + w.Before + w.After;
        var dhw = ZeroPad2D(Reshape(hw, n, s[1], ph * pw, c), d.Before, d.After, 0, 0);
        return Reshape(dhw, n, s[1] + d.Before + d.After, ph, pw, c);
    }

    /// <summary>Removes slices from the three spatial axes of (batch, d, h, w, channels) (Keras's Cropping3D).</summary>
    internal static Tensor Crop3D(Tensor x, (int Before, int After) d, (int Before, int After) h, (int Before, int After) w)
    {
        var s = x.Shape;
        int n = s[0], c = s[4];
        int od = s[1] - d.Before - d.After, oh = s[2] - h.Before - h.After, ow = s[3] - w.Before - w.After;
        if (od <= 0)
        {
            throw new ArgumentException($"crop: depth cropping ({d.Before}, {d.After}) must leave at least one slice of an input of shape {s}.");
        }
        var hw = Crop2D(Reshape(x, n * s[1], s[2], s[3], c), h.Before, h.After, w.Before, w.After);
        var dhw = Crop2D(Reshape(hw, n, s[1], oh * ow, c), d.Before, d.After, 0, 0);
        return Reshape(dhw, n, od, oh, ow, c);
    }

    /// <summary>Repeats each voxel of (batch, d, h, w, channels) (sd, sh, sw) times (Keras's UpSampling3D).</summary>
    internal static Tensor UpSample3D(Tensor x, int sd, int sh, int sw)
    {
        var s = x.Shape;
        int n = s[0], c = s[4];
        var hw = UpSample2D(Reshape(x, n * s[1], s[2], s[3], c), sh, sw);
        int oh = s[2] * sh, ow = s[3] * sw;
        var dhw = UpSample2D(Reshape(hw, n, s[1], oh * ow, c), sd, 1);
        return Reshape(dhw, n, s[1] * sd, oh, ow, c);
    }
}
