namespace SharpKeras.Images;

/// <summary>
/// A decoded image, what Keras's <c>load_img</c> and <c>array_to_img</c> return (a PIL image there): 8-bit pixels,
/// rows top to bottom, channels interleaved, in PIL's mode "L" (grayscale), "RGB" or "RGBA".
/// </summary>
public sealed class Image
{
    private readonly byte[] _pixels;

    /// <summary>An image of <paramref name="width"/> x <paramref name="height"/> pixels in <paramref name="mode"/> from HWC bytes.</summary>
    public Image(int width, int height, string mode, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        int channels = ChannelsOf(mode, nameof(mode));
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Image: width and height must be >= 1, got {width}x{height}.");
        }
        if ((long)width * height * channels != pixels.Length)
        {
            throw new ArgumentException($"Image: a {width}x{height} \"{mode}\" image needs {(long)width * height * channels} bytes, got {pixels.Length}.", nameof(pixels));
        }
        Width = width;
        Height = height;
        Mode = mode;
        _pixels = pixels;
    }

    /// <summary>Width in pixels (PIL's <c>size[0]</c>).</summary>
    public int Width { get; }

    /// <summary>Height in pixels (PIL's <c>size[1]</c>).</summary>
    public int Height { get; }

    /// <summary>PIL's mode: "L", "RGB" or "RGBA".</summary>
    public string Mode { get; }

    /// <summary>Channels per pixel: 1, 3 or 4.</summary>
    public int Channels => _pixels.Length / (Width * Height);

    /// <summary>PIL's <c>size</c>: (width, height).</summary>
    public (int Width, int Height) Size => (Width, Height);

    /// <summary>The pixels, rows top to bottom, channels interleaved (read-only view).</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    internal byte[] PixelArray => _pixels;

    /// <summary>PIL's <c>convert(mode)</c> between "L", "RGB" and "RGBA" (grayscale by ITU-R 601-2 luma, as PIL; alpha dropped or set opaque).</summary>
    public Image Convert(string mode)
    {
        int to = ChannelsOf(mode, nameof(mode));
        if (mode == Mode)
        {
            return new Image(Width, Height, Mode, (byte[])_pixels.Clone());
        }
        int from = Channels, n = Width * Height;
        var dst = new byte[n * to];
        for (int i = 0; i < n; i++)
        {
            int s = i * from;
            byte r = _pixels[s], g = from == 1 ? r : _pixels[s + 1], b = from == 1 ? r : _pixels[s + 2];
            byte a = from == 4 ? _pixels[s + 3] : (byte)255;
            int d = i * to;
            if (to == 1)
            {
                // PIL's L24: fixed-point 0.299 R + 0.587 G + 0.114 B, rounded.
                dst[d] = (byte)((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
            }
            else
            {
                dst[d] = r;
                dst[d + 1] = g;
                dst[d + 2] = b;
                if (to == 4)
                {
                    dst[d + 3] = a;
                }
            }
        }
        return new Image(Width, Height, mode, dst);
    }

    /// <summary>PIL's <c>resize((width, height), resample)</c>: "nearest", "bilinear", "bicubic", "lanczos", "box" or "hamming".</summary>
    public Image Resize(int width, int height, string interpolation = "nearest") =>
        Resize(width, height, interpolation, (0, 0, Width, Height));

    internal Image Resize(int width, int height, string interpolation, (int X0, int Y0, int X1, int Y1) box)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Image.Resize: the target size must be at least 1x1, got {width}x{height}.");
        }
        var pixels = PilResampler.Resize(this, width, height, interpolation, box);
        return new Image(width, height, Mode, pixels);
    }

    /// <summary>PIL's <c>save(path, format)</c>: PNG, JPEG (quality 0-100, PIL's default 75), BMP or WEBP by extension or <paramref name="fileFormat"/>.</summary>
    public void Save(string path, string? fileFormat = null, int quality = 75) => ImageCodec.Save(this, path, fileFormat, quality);

    internal static int ChannelsOf(string mode, string argument) => mode switch
    {
        "L" => 1,
        "RGB" => 3,
        "RGBA" => 4,
        _ => throw new ArgumentException($"Image mode must be \"L\", \"RGB\" or \"RGBA\", got \"{mode}\".", argument),
    };
}
