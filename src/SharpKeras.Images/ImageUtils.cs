using System.Runtime.CompilerServices;

namespace SharpKeras.Images;

/// <summary>
/// Keras's image utilities (<c>keras.utils.load_img</c>, <c>img_to_array</c>, <c>array_to_img</c>, <c>save_img</c>,
/// <c>image_dataset_from_directory</c>) with Keras's arguments and defaults; images are decoded and encoded by SkiaSharp.
/// </summary>
public static class ImageUtils
{
    /// <summary>
    /// Keras's <c>load_img</c>: reads an image file as a <paramref name="colorMode"/> ("grayscale", "rgb" or "rgba")
    /// image, resized to <paramref name="targetSize"/> (height, width) with PIL's <paramref name="interpolation"/>
    /// ("nearest", "bilinear", "bicubic", "lanczos", "box", "hamming"); <paramref name="keepAspectRatio"/> first takes
    /// the centred window of the target's aspect ratio, as Keras does.
    /// </summary>
    public static Image LoadImg(string path, string colorMode = "rgb", (int Height, int Width)? targetSize = null,
        string interpolation = "nearest", bool keepAspectRatio = false)
    {
        string mode = ModeOf(colorMode, "LoadImg");
        var img = ImageCodec.Decode(path, "LoadImg").Convert(mode);
        if (targetSize is not { } size)
        {
            return img;
        }
        if (size.Height < 1 || size.Width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(targetSize), $"LoadImg: targetSize must be (height >= 1, width >= 1), got ({size.Height}, {size.Width}).");
        }
        if (img.Width == size.Width && img.Height == size.Height)
        {
            return img;
        }
        if (!keepAspectRatio)
        {
            return img.Resize(size.Width, size.Height, interpolation);
        }
        int width = img.Width, height = img.Height;
        int cropHeight = Math.Min(height, width * size.Height / size.Width);
        int cropWidth = Math.Min(width, height * size.Width / size.Height);
        int h0 = (height - cropHeight) / 2, w0 = (width - cropWidth) / 2;
        return img.Resize(size.Width, size.Height, interpolation, (w0, h0, w0 + cropWidth, h0 + cropHeight));
    }

    /// <summary>Keras's <c>img_to_array</c>: a float32 tensor (height, width, channels), or (channels, height, width) for "channels_first".</summary>
    public static Tensor ImgToArray(Image img, string? dataFormat = null)
    {
        ArgumentNullException.ThrowIfNull(img);
        bool first = ChannelsFirst(dataFormat, "ImgToArray");
        int h = img.Height, w = img.Width, c = img.Channels;
        var src = img.PixelArray;
        var data = new float[src.Length];
        if (!first || c == 1)
        {
            for (int i = 0; i < src.Length; i++)
            {
                data[i] = src[i];
            }
            return first ? Tensor.FromArray(data, 1, h, w) : Tensor.FromArray(data, h, w, c);
        }
        for (int p = 0; p < h * w; p++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                data[ch * h * w + p] = src[p * c + ch];
            }
        }
        return Tensor.FromArray(data, c, h, w);
    }

    /// <summary>
    /// Keras's <c>array_to_img</c>: a rank-3 tensor (HWC, or CHW for "channels_first") with 1, 3 or 4 channels as an
    /// "L", "RGB" or "RGBA" image; with <paramref name="scale"/> the values are first stretched to [0, 255] by the
    /// tensor's min and max, as Keras does. Values are then truncated to bytes (clamped to [0, 255]).
    /// </summary>
    public static Image ArrayToImg(Tensor x, string? dataFormat = null, bool scale = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        bool first = ChannelsFirst(dataFormat, "ArrayToImg");
        if (x.Rank != 3)
        {
            throw new ArgumentException($"ArrayToImg: expected an image tensor of rank 3 (single image), got shape {x.Shape}.", nameof(x));
        }
        var v = x.IsFloat ? x.ToArray() : x.Cast(DType.Float32).ToArray();
        int h = first ? x.Shape[1] : x.Shape[0], w = first ? x.Shape[2] : x.Shape[1], c = first ? x.Shape[0] : x.Shape[2];
        string mode = c switch
        {
            1 => "L",
            3 => "RGB",
            4 => "RGBA",
            _ => throw new ArgumentException($"ArrayToImg: unsupported channel number {c} in shape {x.Shape}; expected 1, 3 or 4.", nameof(x)),
        };
        if (scale && v.Length > 0)
        {
            float min = v.Min();
            for (int i = 0; i < v.Length; i++)
            {
                v[i] -= min;
            }
            float max = v.Max();
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = max != 0 ? v[i] / max * 255f : v[i] * 255f;
            }
        }
        else if (c == 1 && v.Length > 0 && v.Max() > 255)
        {
            throw new ArgumentException($"ArrayToImg: a 1-channel image with values above 255 (max {v.Max()}) is a 32-bit \"I\" image in Keras, which SharpKeras.Images does not support; pass scale: true or values in [0, 255].", nameof(x));
        }
        var pixels = new byte[v.Length];
        for (int p = 0; p < h * w; p++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                float value = first ? v[ch * h * w + p] : v[p * c + ch];
                pixels[p * c + ch] = (byte)Math.Clamp(MathF.Truncate(float.IsNaN(value) ? 0 : value), 0, 255);
            }
        }
        return new Image(w, h, mode, pixels);
    }

    /// <summary>
    /// Keras's <c>save_img</c>: <see cref="ArrayToImg"/> then saved as <paramref name="fileFormat"/> or by the path's
    /// extension (png, jpg/jpeg, webp); an RGBA image saved as JPEG loses its alpha, as in Keras.
    /// </summary>
    public static void SaveImg(string path, Tensor x, string? dataFormat = null, string? fileFormat = null, bool scale = true, int quality = 75)
    {
        ArgumentNullException.ThrowIfNull(path);
        ImageCodec.FormatOf(path, fileFormat);
        ArrayToImg(x, dataFormat, scale).Save(path, fileFormat, quality);
    }

    /// <summary>
    /// Keras's <c>image_dataset_from_directory</c> with labels "inferred" (one subdirectory per class, classes sorted
    /// or as <paramref name="classNames"/> orders them) or null (no labels): batches of images (batch, height, width,
    /// channels) float32 in [0, 255] and labels as <paramref name="labelMode"/> asks ("int", "categorical", "binary" or
    /// null), decoded lazily per batch. Files are ordered and shuffled as Keras's index_directory (NumPy
    /// RandomState(seed)) and split as Keras (<paramref name="validationSplit"/> with <paramref name="subset"/>
    /// "training", "validation" or "both", the last deconstructing into (train, validation)).
    /// </summary>
    // `labels: null` (Python's labels=None) would also convert to the span overload; this one wins.
    [OverloadResolutionPriority(1)]
    public static ImageDataset ImageDatasetFromDirectory(string directory, string? labels = "inferred", string? labelMode = "int",
        IReadOnlyList<string>? classNames = null, string colorMode = "rgb", int batchSize = 32, (int Height, int Width)? imageSize = null,
        bool shuffle = true, int? seed = null, double? validationSplit = null, string? subset = null, string interpolation = "bilinear",
        bool followLinks = false, bool cropToAspectRatio = false, bool padToAspectRatio = false, string? dataFormat = null, bool verbose = true)
    {
        if (labels is not (null or "inferred" or "none"))
        {
            throw new ArgumentException($"ImageDatasetFromDirectory: labels must be \"inferred\", null or a list of integer labels, got \"{labels}\".", nameof(labels));
        }
        return ImageDataset.Create(directory, labels == "inferred", null, labelMode, classNames, colorMode, batchSize, imageSize, shuffle, seed,
            validationSplit, subset, interpolation, followLinks, cropToAspectRatio, padToAspectRatio, dataFormat, verbose);
    }

    /// <summary>
    /// Keras's <c>image_dataset_from_directory</c> with an explicit list of integer labels, one per image file in the
    /// sorted walk of <paramref name="directory"/>; the class names are the sorted distinct labels.
    /// </summary>
    public static ImageDataset ImageDatasetFromDirectory(string directory, ReadOnlySpan<int> labels, string? labelMode = "int",
        IReadOnlyList<string>? classNames = null, string colorMode = "rgb", int batchSize = 32, (int Height, int Width)? imageSize = null,
        bool shuffle = true, int? seed = null, double? validationSplit = null, string? subset = null, string interpolation = "bilinear",
        bool followLinks = false, bool cropToAspectRatio = false, bool padToAspectRatio = false, string? dataFormat = null, bool verbose = true)
        => ImageDataset.Create(directory, false, labels.ToArray(), labelMode, classNames, colorMode, batchSize, imageSize, shuffle, seed,
            validationSplit, subset, interpolation, followLinks, cropToAspectRatio, padToAspectRatio, dataFormat, verbose);

    internal static string ModeOf(string colorMode, string caller) => colorMode switch
    {
        "grayscale" => "L",
        "rgb" => "RGB",
        "rgba" => "RGBA",
        _ => throw new ArgumentException($"{caller}: colorMode must be \"grayscale\", \"rgb\" or \"rgba\", got \"{colorMode}\".", nameof(colorMode)),
    };

    internal static bool ChannelsFirst(string? dataFormat, string caller) => dataFormat switch
    {
        null or "channels_last" => false,
        "channels_first" => true,
        _ => throw new ArgumentException($"{caller}: dataFormat must be \"channels_last\" or \"channels_first\", got \"{dataFormat}\".", nameof(dataFormat)),
    };
}
