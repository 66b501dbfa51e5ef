namespace SharpKeras.Images;

/// <summary>
/// PIL's <c>Image.resize</c> as Keras's <c>load_img</c> calls it: separable convolution with PIL's filters and its 8-bit
/// fixed-point rounding (horizontal pass, then vertical), alpha premultiplied around the filter as PIL does, and PIL's
/// affine nearest neighbour; so resized pixels match what Python Keras loads.
/// </summary>
internal static class PilResampler
{
    // PIL's precision for 8-bit images: 32 bits less 8 for the pixel and 2 for the sign and overflow.
    private const int PrecisionBits = 32 - 8 - 2;

    private static (Func<double, double> Filter, double Support)? FilterOf(string interpolation) => interpolation switch
    {
        "nearest" => null,
        "box" => (x => x > -0.5 && x <= 0.5 ? 1.0 : 0.0, 0.5),
        "bilinear" => (x => Math.Abs(x) < 1.0 ? 1.0 - Math.Abs(x) : 0.0, 1.0),
        "hamming" => (Hamming, 1.0),
        "bicubic" => (Bicubic, 2.0),
        "lanczos" => (x => x > -3.0 && x < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0, 3.0),
        _ => throw new ArgumentException(
            $"LoadImg: interpolation must be one of \"nearest\", \"bilinear\", \"bicubic\", \"hamming\", \"box\", \"lanczos\" (PIL's filters), got \"{interpolation}\".",
            nameof(interpolation)),
    };

    private static double Sinc(double x)
    {
        if (x == 0.0)
        {
            return 1.0;
        }
        x *= Math.PI;
        return Math.Sin(x) / x;
    }

    private static double Hamming(double x)
    {
        x = Math.Abs(x);
        if (x == 0.0)
        {
            return 1.0;
        }
        if (x >= 1.0)
        {
            return 0.0;
        }
        x *= Math.PI;
        return Math.Sin(x) / x * (0.54 + 0.46 * Math.Cos(x));
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        return x < 2.0 ? (((x - 5) * x + 8) * x - 4) * a : 0.0;
    }

    /// <summary>The pixels of <paramref name="image"/>'s <paramref name="box"/> (x0, y0, x1, y1) resized to width x height.</summary>
    public static byte[] Resize(Image image, int width, int height, string interpolation, (int X0, int Y0, int X1, int Y1) box)
    {
        var filter = FilterOf(interpolation);
        int w = image.Width, h = image.Height, c = image.Channels;
        var src = image.PixelArray;
        if (width == w && height == h && box == (0, 0, w, h))
        {
            return (byte[])src.Clone();
        }
        if (filter is not { } f)
        {
            return Nearest(src, w, h, c, width, height, box);
        }
        bool premultiply = c == 4;
        if (premultiply)
        {
            src = Premultiply(src);
        }
        byte[] current = src;
        int curW = w;
        bool horizontal = width != w || box.X0 != 0 || box.X1 != width;
        bool vertical = height != h || box.Y0 != 0 || box.Y1 != height;
        if (horizontal)
        {
            var (bounds, weights, k) = Coefficients(w, box.X0, box.X1, width, f.Filter, f.Support);
            var dst = new byte[width * h * c];
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    int xmin = bounds[2 * x], count = bounds[2 * x + 1];
                    for (int ch = 0; ch < c; ch++)
                    {
                        int ss = 1 << (PrecisionBits - 1);
                        for (int i = 0; i < count; i++)
                        {
                            ss += current[(y * curW + xmin + i) * c + ch] * weights[x * k + i];
                        }
                        dst[(y * width + x) * c + ch] = Clip8(ss);
                    }
                }
            }
            current = dst;
            curW = width;
        }
        if (vertical)
        {
            var (bounds, weights, k) = Coefficients(h, box.Y0, box.Y1, height, f.Filter, f.Support);
            var dst = new byte[curW * height * c];
            for (int y = 0; y < height; y++)
            {
                int ymin = bounds[2 * y], count = bounds[2 * y + 1];
                for (int x = 0; x < curW; x++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        int ss = 1 << (PrecisionBits - 1);
                        for (int i = 0; i < count; i++)
                        {
                            ss += current[((ymin + i) * curW + x) * c + ch] * weights[y * k + i];
                        }
                        dst[(y * curW + x) * c + ch] = Clip8(ss);
                    }
                }
            }
            current = dst;
        }
        else if (!horizontal)
        {
            current = (byte[])current.Clone();
        }
        return premultiply ? Unpremultiply(current) : current;
    }

    private static byte Clip8(int ss)
    {
        if (ss < 0)
        {
            return 0;
        }
        int v = ss >> PrecisionBits;
        return v > 255 ? (byte)255 : (byte)v;
    }

    // PIL's precompute_coeffs: for each output pixel the first source pixel and the normalised filter weights over
    // the support scaled by the reduction factor, then rounded to fixed point (normalize_coeffs_8bpc).
    private static (int[] Bounds, int[] Weights, int K) Coefficients(int inSize, double in0, double in1, int outSize,
        Func<double, double> filter, double filterSupport)
    {
        double scale = (in1 - in0) / outSize, filterscale = Math.Max(scale, 1.0);
        double support = filterSupport * filterscale;
        int k = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var weights = new int[outSize * k];
        var pre = new double[k];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = in0 + (xx + 0.5) * scale, ss = 1.0 / filterscale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0)
            {
                xmin = 0;
            }
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize)
            {
                xmax = inSize;
            }
            xmax -= xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++)
            {
                double w = filter((x + xmin - center + 0.5) * ss);
                pre[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                double w = ww != 0 ? pre[x] / ww : pre[x];
                weights[xx * k + x] = w < 0
                    ? (int)(-0.5 + w * (1 << PrecisionBits))
                    : (int)(0.5 + w * (1 << PrecisionBits));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return (bounds, weights, k);
    }

    // PIL's affine nearest neighbour (ImagingScaleAffine): source = int(box start + (i + 0.5) * step).
    private static byte[] Nearest(byte[] src, int w, int h, int c, int width, int height, (int X0, int Y0, int X1, int Y1) box)
    {
        double sx = (double)(box.X1 - box.X0) / width, sy = (double)(box.Y1 - box.Y0) / height;
        var dst = new byte[width * height * c];
        var xin = new int[width];
        for (int x = 0; x < width; x++)
        {
            xin[x] = Math.Clamp((int)(box.X0 + (x + 0.5) * sx), 0, w - 1);
        }
        for (int y = 0; y < height; y++)
        {
            int yi = Math.Clamp((int)(box.Y0 + (y + 0.5) * sy), 0, h - 1);
            for (int x = 0; x < width; x++)
            {
                Array.Copy(src, (yi * w + xin[x]) * c, dst, (y * width + x) * c, c);
            }
        }
        return dst;
    }

    // PIL's RGBA -> RGBa (MULDIV255) before filtering, so transparent pixels do not bleed their colour.
    private static byte[] Premultiply(byte[] src)
    {
        var dst = new byte[src.Length];
        for (int i = 0; i < src.Length; i += 4)
        {
            int a = src[i + 3];
            for (int ch = 0; ch < 3; ch++)
            {
                int tmp = src[i + ch] * a + 128;
                dst[i + ch] = (byte)(((tmp >> 8) + tmp) >> 8);
            }
            dst[i + 3] = (byte)a;
        }
        return dst;
    }

    // PIL's RGBa -> RGBA: colour * 255 / alpha, clipped; fully transparent and opaque pixels are copied.
    private static byte[] Unpremultiply(byte[] src)
    {
        for (int i = 0; i < src.Length; i += 4)
        {
            int a = src[i + 3];
            if (a is 0 or 255)
            {
                continue;
            }
            for (int ch = 0; ch < 3; ch++)
            {
                src[i + ch] = (byte)Math.Min(255, 255 * src[i + ch] / a);
            }
        }
        return src;
    }
}
