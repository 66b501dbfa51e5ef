using System.Runtime.InteropServices;
using SkiaSharp;

namespace SharpKeras.Images.Tests;

/// <summary>A temporary folder of small PNG and JPEG files written with SkiaSharp directly (never the package's own writer).</summary>
internal sealed class TestImages : IDisposable
{
    public TestImages()
    {
        Root = Path.Combine(Path.GetTempPath(), "sk-images-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathOf(string relative)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>Writes an RGBA image (unpremultiplied, HWC bytes) as PNG or JPEG by extension.</summary>
    public string Write(string relative, int width, int height, byte[] rgba, int quality = 100)
    {
        string path = PathOf(relative);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < height; y++)
        {
            Marshal.Copy(rgba, y * width * 4, bitmap.GetPixels() + y * bitmap.RowBytes, width * 4);
        }
        var format = relative.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
        using var data = bitmap.Encode(format, quality);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>Writes an 8-bit grayscale PNG.</summary>
    public string WriteGray(string relative, int width, int height, byte[] gray)
    {
        string path = PathOf(relative);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
        {
            Marshal.Copy(gray, y * width, bitmap.GetPixels() + y * bitmap.RowBytes, width);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    /// <summary>A solid opaque colour.</summary>
    public string Solid(string relative, int width, int height, byte r, byte g, byte b)
    {
        var rgba = new byte[width * height * 4];
        for (int i = 0; i < width * height; i++)
        {
            rgba[i * 4] = r;
            rgba[i * 4 + 1] = g;
            rgba[i * 4 + 2] = b;
            rgba[i * 4 + 3] = 255;
        }
        return Write(relative, width, height, rgba);
    }

    /// <summary>Opaque RGB pixels given as (r, g, b) triples, rows top to bottom.</summary>
    public string Rgb(string relative, int width, int height, params byte[] rgb)
    {
        var rgba = new byte[width * height * 4];
        for (int i = 0; i < width * height; i++)
        {
            rgba[i * 4] = rgb[i * 3];
            rgba[i * 4 + 1] = rgb[i * 3 + 1];
            rgba[i * 4 + 2] = rgb[i * 3 + 2];
            rgba[i * 4 + 3] = 255;
        }
        return Write(relative, width, height, rgba);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
