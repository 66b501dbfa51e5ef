using System.Runtime.InteropServices;
using SkiaSharp;

namespace SharpKeras.Images;

/// <summary>Decoding and encoding through SkiaSharp, with the size checks and atomic writes the project asks of file readers and writers.</summary>
internal static class ImageCodec
{
    /// <summary>Largest image file read (bytes), checked before reading.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Largest decoded image (pixels), checked before allocating.</summary>
    public const long MaxPixels = 1L << 28;

    /// <summary>Decodes a PNG, JPEG, BMP, GIF (first frame) or WEBP file into an RGBA image, colours untouched (no colour management).</summary>
    public static Image Decode(string path, string caller)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{caller}: image file '{path}' does not exist.", path);
        }
        if (info.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"{caller}: image file '{path}' is {info.Length} bytes, more than the {MaxFileBytes} bytes allowed.");
        }
        var bytes = File.ReadAllBytes(path);
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"{caller}: '{path}' is not an image SkiaSharp can decode (expected PNG, JPEG, BMP, GIF or WEBP; {bytes.Length} bytes starting {Convert.ToHexString(bytes.AsSpan(0, Math.Min(8, bytes.Length)))}).");
        int w = codec.Info.Width, h = codec.Info.Height;
        if (w < 1 || h < 1 || (long)w * h > MaxPixels)
        {
            throw new InvalidDataException($"{caller}: '{path}' declares {w}x{h} pixels; expected between 1x1 and {MaxPixels} pixels in all.");
        }
        var target = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(target);
        var result = codec.GetPixels(target, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            throw new InvalidDataException($"{caller}: '{path}' could not be decoded ({result}); the file is truncated or corrupt.");
        }
        var pixels = new byte[w * h * 4];
        IntPtr basePtr = bitmap.GetPixels();
        int rowBytes = bitmap.RowBytes;
        for (int y = 0; y < h; y++)
        {
            Marshal.Copy(basePtr + y * rowBytes, pixels, y * w * 4, w * 4);
        }
        return new Image(w, h, "RGBA", pixels);
    }

    /// <summary>The file format for a path: <paramref name="fileFormat"/> when given, else the extension.</summary>
    public static SKEncodedImageFormat FormatOf(string path, string? fileFormat)
    {
        string f = (fileFormat ?? Path.GetExtension(path).TrimStart('.')).ToLowerInvariant();
        return f switch
        {
            "png" => SKEncodedImageFormat.Png,
            "jpg" or "jpeg" => SKEncodedImageFormat.Jpeg,
            "webp" => SKEncodedImageFormat.Webp,
            _ => throw new ArgumentException(
                $"SaveImg: cannot write '{path}' as \"{f}\"; SkiaSharp encodes \"png\", \"jpg\"/\"jpeg\" and \"webp\" (give fileFormat or one of those extensions).",
                nameof(fileFormat)),
        };
    }

    /// <summary>Encodes and writes an image: to a temporary file in the same folder, then renamed over the target.</summary>
    public static void Save(Image image, string path, string? fileFormat, int quality)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (quality is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(quality), quality, $"SaveImg: quality must be between 0 and 100, got {quality}.");
        }
        var format = FormatOf(path, fileFormat);
        if (format == SKEncodedImageFormat.Jpeg && image.Mode == "RGBA")
        {
            // Keras warns and converts: JPEG has no alpha.
            image = image.Convert("RGB");
        }
        byte[] encoded = Encode(image, format, quality, path);
        // Write through a symlink to its target, keep the target's permissions, never leave a half-written file.
        string target = Path.GetFullPath(path);
        if (File.Exists(target) && new FileInfo(target).ResolveLinkTarget(returnFinalTarget: true) is { } link)
        {
            target = link.FullName;
        }
        string dir = Path.GetDirectoryName(target) ?? ".";
        if (!Directory.Exists(dir))
        {
            throw new DirectoryNotFoundException($"SaveImg: the folder of '{path}' ('{dir}') does not exist.");
        }
        string temp = Path.Combine(dir, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(encoded);
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows() && File.Exists(target))
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
            }
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static byte[] Encode(Image image, SKEncodedImageFormat format, int quality, string path)
    {
        int w = image.Width, h = image.Height;
        // Skia has no 3-byte colour type: RGB goes out as opaque RGBA, which the encoders write without alpha.
        var (colorType, alpha, bpp) = image.Mode switch
        {
            "L" => (SKColorType.Gray8, SKAlphaType.Opaque, 1),
            "RGB" => (SKColorType.Rgba8888, SKAlphaType.Opaque, 4),
            _ => (SKColorType.Rgba8888, SKAlphaType.Unpremul, 4),
        };
        var pixels = image.Mode == "RGB" ? image.Convert("RGBA").PixelArray : image.PixelArray;
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, colorType, alpha));
        IntPtr basePtr = bitmap.GetPixels();
        int rowBytes = bitmap.RowBytes;
        for (int y = 0; y < h; y++)
        {
            Marshal.Copy(pixels, y * w * bpp, basePtr + y * rowBytes, w * bpp);
        }
        using var data = bitmap.Encode(format, quality)
            ?? throw new InvalidOperationException($"SaveImg: SkiaSharp could not encode a {w}x{h} \"{image.Mode}\" image as {format} for '{path}'.");
        return data.ToArray();
    }
}
