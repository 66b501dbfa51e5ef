namespace SharpKeras.Saving;

/// <summary>
/// Bounds the model and array readers (<c>.keras</c>, <c>.h5</c>, <c>.weights.h5</c>, <c>.npz</c>) put on
/// what a file may make them allocate, so that a zip bomb or a forged size fails fast instead of
/// exhausting memory. Raise them (process-wide) to load a legitimately larger or more compressible file.
/// </summary>
public static class LoadLimits
{
    private static long _maxEntryBytes = Array.MaxLength;
    private static long _maxConfigBytes = 64L << 20;
    private static int _maxCompressionRatio = 100;
    private static long _ratioFloorBytes = 1L << 20;

    /// <summary>Most bytes one zip entry (model.weights.h5, an .npz array) or one HDF5 dataset may hold once inflated; default and ceiling <see cref="Array.MaxLength"/>.</summary>
    public static long MaxEntryBytes
    {
        get => Volatile.Read(ref _maxEntryBytes);
        set => Volatile.Write(ref _maxEntryBytes, Positive(value, Array.MaxLength, nameof(MaxEntryBytes)));
    }

    /// <summary>Most bytes a .keras file's config.json or metadata.json may hold once inflated (default 64 MiB).</summary>
    public static long MaxConfigBytes
    {
        get => Volatile.Read(ref _maxConfigBytes);
        set => Volatile.Write(ref _maxConfigBytes, Positive(value, Array.MaxLength, nameof(MaxConfigBytes)));
    }

    /// <summary>Largest inflated / stored size ratio accepted for a zip entry larger than <see cref="RatioFloorBytes"/> (default 100; Keras stores entries uncompressed).</summary>
    public static int MaxCompressionRatio
    {
        get => Volatile.Read(ref _maxCompressionRatio);
        set => Volatile.Write(ref _maxCompressionRatio, (int)Positive(value, int.MaxValue, nameof(MaxCompressionRatio)));
    }

    /// <summary>Entries up to this many inflated bytes are exempt from <see cref="MaxCompressionRatio"/> (default 1 MiB).</summary>
    public static long RatioFloorBytes
    {
        get => Volatile.Read(ref _ratioFloorBytes);
        set => Volatile.Write(ref _ratioFloorBytes, Positive(value, long.MaxValue, nameof(RatioFloorBytes)));
    }

    private static long Positive(long value, long max, string name) => value > 0 && value <= max
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"LoadLimits.{name} must be between 1 and {max:N0}, got {value:N0}.");
}
