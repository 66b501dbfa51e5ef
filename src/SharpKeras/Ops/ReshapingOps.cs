using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Ops that move values between positions: padding, upsampling, transposition, and channel-wise dropout.</summary>
public static partial class Ops
{
    /// <summary>Permutes the axes (Keras's <c>ops.transpose</c>): result axis i is input axis axes[i]; without axes, reverses them.</summary>
    public static Tensor Transpose(Tensor x, params int[]? axes)
    {
        x = F(x);
        int rank = x.Rank;
        var perm = axes is null || axes.Length == 0 ? Enumerable.Range(0, rank).Reverse().ToArray() : axes.Select(a => a < 0 ? a + rank : a).ToArray();
        if (perm.Length != rank || perm.Distinct().Count() != rank || perm.Any(a => a < 0 || a >= rank))
        {
            throw new ArgumentException($"transpose: axes ({string.Join(", ", axes ?? [])}) must be a permutation of the {rank} axes of the input of shape {x.Shape}.", nameof(axes));
        }
        var dims = x.Shape.ToArray();
        var y = Tensor.Zeros(new Shape(perm.Select(a => dims[a]).ToArray()));
        void Forward() => K.Transpose(x.Span, dims, perm, y.Span, backward: false);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.Transpose(dx[0].Span, dims, perm, g.Span, backward: true), OpKind.Transpose);
        }
        return y;
    }

    /// <summary>Pads NHWC images with zeros: rows (top, bottom) and columns (left, right) (Keras's ZeroPadding2D).</summary>
    internal static Tensor ZeroPad2D(Tensor x, int top, int bottom, int left, int right)
    {
        x = F(x);
        var s = x.Shape;
        int n = s[0], h = s[1], w = s[2], c = s[3];
        int ph = h + top + bottom, pw = w + left + right;
        var y = Tensor.Zeros(new Shape(n, ph, pw, c));
        void Forward() => K.Pad2D(x.Span, y.Span, n, h, w, c, top, left, ph, pw, backward: false);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.Pad2D(dx[0].Span, g.Span, n, h, w, c, top, left, ph, pw, backward: true), OpKind.ZeroPadding2D);
        }
        return y;
    }

    /// <summary>Repeats each pixel of NHWC images (sh, sw) times (Keras's UpSampling2D with "nearest" interpolation).</summary>
    internal static Tensor UpSample2D(Tensor x, int sh, int sw)
    {
        x = F(x);
        var s = x.Shape;
        int n = s[0], h = s[1], w = s[2], c = s[3];
        var y = Tensor.Zeros(new Shape(n, h * sh, w * sw, c));
        void Forward() => K.Upsample2D(x.Span, y.Span, n, h, w, c, sh, sw, backward: false);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.Upsample2D(dx[0].Span, g.Span, n, h, w, c, sh, sw, backward: true), OpKind.UpSampling2D);
        }
        return y;
    }

    /// <summary>
    /// Dropout of whole feature maps (Keras's SpatialDropout2D): for each sample and channel of an
    /// NHWC input, keeps all positions with probability 1 - rate (scaled by 1 / (1 - rate)) or none,
    /// drawing a fresh mask every time it runs.
    /// </summary>
    internal static Tensor SpatialDropout(Tensor x, double rate, SeedGenerator rng)
    {
        x = F(x);
        int n = x.Shape[0], c = x.Shape[-1];
        int positions = x.Length / Math.Max(1, n * c);
        var mask = new float[n * c];
        var y = Tensor.Zeros(x.Shape);
        float keep = (float)(1 - rate);
        float scale = keep > 0 ? 1f / keep : 0f;
        void Apply(Span<float> src, Span<float> dst)
        {
            for (int b = 0; b < n; b++)
            {
                var m = mask.AsSpan(b * c, c);
                for (int p = 0; p < positions; p++)
                {
                    int o = (b * positions + p) * c;
                    K.Binary(BinaryFunction.Multiply, src.Slice(o, c), m, dst.Slice(o, c));
                }
            }
        }
        void Forward()
        {
            if (keep > 0)
            {
                lock (rng)
                {
                    rng.NextFloats(mask);
                }
                for (int i = 0; i < mask.Length; i++)
                {
                    mask[i] = mask[i] < keep ? scale : 0f;
                }
            }
            else
            {
                Array.Clear(mask);
            }
            Apply(x.Span, y.Span);
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => Apply(g.Span, dx[0].Span), OpKind.SpatialDropout);
        }
        return y;
    }
}
