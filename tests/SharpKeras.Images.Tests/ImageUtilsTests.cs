namespace SharpKeras.Images.Tests;

public class ImageUtilsTests
{
    [Fact]
    public void LoadImgReadsPngPixelsExactly()
    {
        using var dir = new TestImages();
        var path = dir.Rgb("a.png", 3, 2, 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90);
        var x = ImageUtils.ImgToArray(ImageUtils.LoadImg(path));
        Assert.Equal([2, 3, 3], x.Shape.ToArray());
        Assert.Equal(new float[] { 255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90 }, x.ToArray());
    }

    [Fact]
    public void GrayscaleUsesPilLumaAndRgbaKeepsAlpha()
    {
        using var dir = new TestImages();
        var path = dir.Write("a.png", 3, 1, [255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0]);
        var gray = ImageUtils.LoadImg(path, colorMode: "grayscale");
        Assert.Equal("L", gray.Mode);
        // PIL's convert("L") of pure red, green and blue.
        Assert.Equal(new float[] { 76, 150, 29 }, ImageUtils.ImgToArray(gray).ToArray());
        var rgba = ImageUtils.ImgToArray(ImageUtils.LoadImg(path, colorMode: "rgba"));
        Assert.Equal([1, 3, 4], rgba.Shape.ToArray());
        Assert.Equal(new float[] { 255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0 }, rgba.ToArray());
        var rgb = ImageUtils.ImgToArray(ImageUtils.LoadImg(path));
        Assert.Equal(new float[] { 255, 0, 0, 0, 255, 0, 0, 0, 255 }, rgb.ToArray());
    }

    [Fact]
    public void GrayPngLoadsExactlyInEveryMode()
    {
        using var dir = new TestImages();
        var path = dir.WriteGray("g.png", 2, 2, [0, 7, 128, 255]);
        Assert.Equal(new float[] { 0, 7, 128, 255 }, ImageUtils.ImgToArray(ImageUtils.LoadImg(path, "grayscale")).ToArray());
        Assert.Equal(new float[] { 0, 0, 0, 7, 7, 7, 128, 128, 128, 255, 255, 255 }, ImageUtils.ImgToArray(ImageUtils.LoadImg(path)).ToArray());
    }

    [Fact]
    public void ResizeFollowsPilFilters()
    {
        using var dir = new TestImages();
        var two = dir.WriteGray("two.png", 2, 1, [0, 100]);
        // Upsampling 2 -> 4: bilinear weights 0.75/0.25 at the inner pixels; nearest repeats.
        Assert.Equal(new float[] { 0, 25, 75, 100 }, ImageUtils.ImgToArray(ImageUtils.LoadImg(two, "grayscale", (1, 4), "bilinear")).ToArray());
        Assert.Equal(new float[] { 0, 0, 100, 100 }, ImageUtils.ImgToArray(ImageUtils.LoadImg(two, "grayscale", (1, 4))).ToArray());
        // Downsampling 4 -> 2 widens PIL's triangle filter to the reduction (weights 3/7, 3/7, 1/7 on the first pixel).
        var four = dir.WriteGray("four.png", 4, 1, [0, 100, 200, 255]);
        Assert.Equal(new float[] { 71, 209 }, ImageUtils.ImgToArray(ImageUtils.LoadImg(four, "grayscale", (1, 2), "bilinear")).ToArray());
        Assert.Equal(new float[] { 50, 228 }, ImageUtils.ImgToArray(ImageUtils.LoadImg(four, "grayscale", (1, 2), "box")).ToArray());
        foreach (var f in new[] { "bicubic", "lanczos", "hamming" })
        {
            var v = ImageUtils.ImgToArray(ImageUtils.LoadImg(four, "grayscale", (1, 2), f)).ToArray();
            Assert.True(v[0] < v[1], f);
        }
        var e = Assert.Throws<ArgumentException>(() => ImageUtils.LoadImg(four, "grayscale", (1, 2), "cubic"));
        Assert.Contains("cubic", e.Message);
    }

    [Fact]
    public void KeepAspectRatioCropsTheCentre()
    {
        using var dir = new TestImages();
        var path = dir.WriteGray("wide.png", 4, 2, [10, 20, 30, 40, 50, 60, 70, 80]);
        var x = ImageUtils.ImgToArray(ImageUtils.LoadImg(path, "grayscale", (2, 2), keepAspectRatio: true));
        Assert.Equal(new float[] { 20, 30, 60, 70 }, x.ToArray());
        var squashed = ImageUtils.ImgToArray(ImageUtils.LoadImg(path, "grayscale", (2, 2)));
        Assert.Equal(new float[] { 20, 40, 60, 80 }, squashed.ToArray());
    }

    [Fact]
    public void ImgToArrayChannelsFirst()
    {
        using var dir = new TestImages();
        var path = dir.Rgb("a.png", 2, 1, 1, 2, 3, 4, 5, 6);
        var x = ImageUtils.ImgToArray(ImageUtils.LoadImg(path), dataFormat: "channels_first");
        Assert.Equal([3, 1, 2], x.Shape.ToArray());
        Assert.Equal(new float[] { 1, 4, 2, 5, 3, 6 }, x.ToArray());
        Assert.Throws<ArgumentException>(() => ImageUtils.ImgToArray(ImageUtils.LoadImg(path), dataFormat: "nhwc"));
    }

    [Fact]
    public void ArrayToImgScalesByMinAndMax()
    {
        var x = Tensor.FromArray(new float[] { -1, 0, 1, 3 }, 2, 2, 1);
        var img = ImageUtils.ArrayToImg(x);
        Assert.Equal("L", img.Mode);
        // (v + 1) / 4 * 255, truncated.
        Assert.Equal(new byte[] { 0, 63, 127, 255 }, img.Pixels.ToArray());
        var raw = ImageUtils.ArrayToImg(Tensor.FromArray(new float[] { 1.9f, 300, -5, 7 }, 1, 1, 4), scale: false);
        Assert.Equal("RGBA", raw.Mode);
        Assert.Equal(new byte[] { 1, 255, 0, 7 }, raw.Pixels.ToArray());
        Assert.Throws<ArgumentException>(() => ImageUtils.ArrayToImg(Tensor.FromArray(new float[4], 2, 2)));
        Assert.Throws<ArgumentException>(() => ImageUtils.ArrayToImg(Tensor.FromArray(new float[4], 1, 2, 2)));
    }

    [Fact]
    public void SaveImgRoundTripsPngExactlyAndJpegClosely()
    {
        using var dir = new TestImages();
        var values = new float[4 * 5 * 3];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i * 37) % 256;
        }
        var x = Tensor.FromArray(values, 4, 5, 3);
        var png = Path.Combine(dir.Root, "out.png");
        ImageUtils.SaveImg(png, x, scale: false);
        Assert.Equal(values, ImageUtils.ImgToArray(ImageUtils.LoadImg(png)).ToArray());

        var gray = Tensor.FromArray(new float[] { 0, 50, 100, 250 }, 2, 2, 1);
        var grayPath = Path.Combine(dir.Root, "gray.png");
        ImageUtils.SaveImg(grayPath, gray, scale: false);
        Assert.Equal(gray.ToArray(), ImageUtils.ImgToArray(ImageUtils.LoadImg(grayPath, "grayscale")).ToArray());

        var rgba = Tensor.FromArray(new float[] { 10, 20, 30, 40, 50, 60, 70, 255 }, 1, 2, 4);
        var rgbaPath = Path.Combine(dir.Root, "rgba.png");
        ImageUtils.SaveImg(rgbaPath, rgba, scale: false);
        Assert.Equal(rgba.ToArray(), ImageUtils.ImgToArray(ImageUtils.LoadImg(rgbaPath, "rgba")).ToArray());

        var smooth = new float[16 * 16 * 3];
        for (int i = 0; i < smooth.Length; i++)
        {
            smooth[i] = 100 + (i / 3 % 16) * 4;
        }
        var jpg = Path.Combine(dir.Root, "out.jpg");
        ImageUtils.SaveImg(jpg, Tensor.FromArray(smooth, 16, 16, 3), scale: false, quality: 95);
        var back = ImageUtils.ImgToArray(ImageUtils.LoadImg(jpg)).ToArray();
        Assert.Equal(smooth.Length, back.Length);
        Assert.All(smooth.Zip(back), p => Assert.InRange(p.Second, p.First - 6, p.First + 6));
        Assert.Empty(Directory.GetFiles(dir.Root, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(dir.Root, ".*")));

        var e = Assert.Throws<ArgumentException>(() => ImageUtils.SaveImg(Path.Combine(dir.Root, "x.tiff"), x));
        Assert.Contains("x.tiff", e.Message);
    }

    [Fact]
    public void BadFilesGetErrorsNamingTheFile()
    {
        using var dir = new TestImages();
        var missing = Path.Combine(dir.Root, "missing.png");
        Assert.Contains("missing.png", Assert.Throws<FileNotFoundException>(() => ImageUtils.LoadImg(missing)).Message);
        var junk = dir.PathOf("junk.png");
        File.WriteAllBytes(junk, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        Assert.Contains("junk.png", Assert.Throws<InvalidDataException>(() => ImageUtils.LoadImg(junk)).Message);
        var good = File.ReadAllBytes(dir.Solid("good.png", 64, 64, 1, 2, 3));
        var cut = dir.PathOf("cut.png");
        File.WriteAllBytes(cut, good[..(good.Length / 2)]);
        Assert.Contains("cut.png", Assert.ThrowsAny<Exception>(() => ImageUtils.LoadImg(cut)).Message);
        var ok = dir.Solid("ok.png", 2, 2, 1, 2, 3);
        Assert.Contains("colorMode", Assert.Throws<ArgumentException>(() => ImageUtils.LoadImg(ok, colorMode: "cmyk")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageUtils.LoadImg(ok, targetSize: (0, 3)));
    }
}
