namespace SharpKeras.Images;

/// <summary>
/// <c>tf.image.resize</c> as Keras's image_dataset_from_directory calls it (half-pixel centres, no antialiasing, float32
/// output), with smart_resize's centre crop and resize_with_pad's letterboxing; so batches hold the values Keras feeds.
/// </summary>
internal static class TfResizer
{
    /// <summary>The interpolations implemented here ("bilinear" and "nearest").</summary>
    public static readonly string[] Supported = ["bilinear", "nearest"];

    /// <summary>Keras's load_image: crop or pad as asked, resize to height x width, write HWC floats to <paramref name="dst"/>.</summary>
    public static void Load(Image image, int height, int width, string interpolation, bool crop, bool pad, Span<float> dst)
    {
        int h = image.Height, w = image.Width, c = image.Channels;
        var src = image.PixelArray;
        if (crop)
        {
            // smart_resize: the largest centred window of the target's aspect ratio.
            int cropH = Math.Min(h, (int)((double)w * height / width));
            int cropW = Math.Min(w, (int)((double)h * width / height));
            int y0 = (int)((h - cropH) / 2.0), x0 = (int)((w - cropW) / 2.0);
            var cropped = new byte[cropH * cropW * c];
            for (int y = 0; y < cropH; y++)
            {
                Array.Copy(src, ((y0 + y) * w + x0) * c, cropped, y * cropW * c, cropW * c);
            }
            Resize(cropped, cropH, cropW, c, height, width, interpolation, dst);
        }
        else if (pad)
        {
            // resize_with_pad: scale by the larger ratio, floor the size, centre with zeros around.
            float ratio = Math.Max((float)w / width, (float)h / height);
            float rhF = h / ratio, rwF = w / ratio;
            int rh = Math.Max(1, (int)MathF.Floor(rhF)), rw = Math.Max(1, (int)MathF.Floor(rwF));
            int top = Math.Max(0, (int)MathF.Floor((height - rhF) / 2)), left = Math.Max(0, (int)MathF.Floor((width - rwF) / 2));
            var resized = new float[rh * rw * c];
            Resize(src, h, w, c, rh, rw, interpolation, resized);
            dst[..(height * width * c)].Clear();
            for (int y = 0; y < rh && top + y < height; y++)
            {
                int n = Math.Min(rw, width - left) * c;
                resized.AsSpan(y * rw * c, n).CopyTo(dst.Slice(((top + y) * width + left) * c, n));
            }
        }
        else
        {
            Resize(src, h, w, c, height, width, interpolation, dst);
        }
    }

    /// <summary>tf.image.resize of an HWC uint8 image to outH x outW floats (ResizeBilinear / ResizeNearestNeighbor, half_pixel_centers).</summary>
    public static void Resize(byte[] src, int h, int w, int c, int outH, int outW, string interpolation, Span<float> dst)
    {
        float sy = (float)h / outH, sx = (float)w / outW;
        if (interpolation == "nearest")
        {
            for (int y = 0; y < outH; y++)
            {
                int yi = Math.Clamp((int)MathF.Floor((y + 0.5f) * sy), 0, h - 1);
                for (int x = 0; x < outW; x++)
                {
                    int xi = Math.Clamp((int)MathF.Floor((x + 0.5f) * sx), 0, w - 1);
                    for (int ch = 0; ch < c; ch++)
                    {
                        dst[(y * outW + x) * c + ch] = src[(yi * w + xi) * c + ch];
                    }
                }
            }
            return;
        }
        if (interpolation != "bilinear")
        {
            throw new ArgumentException(
                $"ImageDatasetFromDirectory: interpolation \"{interpolation}\" is not implemented in SharpKeras.Images; use \"bilinear\" or \"nearest\".",
                nameof(interpolation));
        }
        var (x0, x1, xl) = Weights(w, outW, sx);
        var (y0, y1, yl) = Weights(h, outH, sy);
        for (int y = 0; y < outH; y++)
        {
            int top = y0[y] * w, bottom = y1[y] * w;
            float ylerp = yl[y];
            for (int x = 0; x < outW; x++)
            {
                float xlerp = xl[x];
                for (int ch = 0; ch < c; ch++)
                {
                    float tl = src[(top + x0[x]) * c + ch], tr = src[(top + x1[x]) * c + ch];
                    float bl = src[(bottom + x0[x]) * c + ch], br = src[(bottom + x1[x]) * c + ch];
                    float t = tl + (tr - tl) * xlerp, b = bl + (br - bl) * xlerp;
                    dst[(y * outW + x) * c + ch] = t + (b - t) * ylerp;
                }
            }
        }
    }

    // TF's compute_interpolation_weights with HalfPixelScaler: in = (i + 0.5) * scale - 0.5.
    private static (int[] Lower, int[] Upper, float[] Lerp) Weights(int inSize, int outSize, float scale)
    {
        var lower = new int[outSize];
        var upper = new int[outSize];
        var lerp = new float[outSize];
        for (int i = 0; i < outSize; i++)
        {
            float v = (i + 0.5f) * scale - 0.5f, f = MathF.Floor(v);
            lower[i] = Math.Max((int)f, 0);
            upper[i] = Math.Min((int)MathF.Ceiling(v), inSize - 1);
            lerp[i] = v - f;
        }
        return (lower, upper, lerp);
    }
}
