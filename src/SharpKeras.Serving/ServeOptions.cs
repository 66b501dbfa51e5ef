namespace SharpKeras.Serving;

/// <summary>
/// How a Keras model is served over TensorFlow Serving's REST API (the options of <c>sharpkeras serve</c>):
/// the model file, where to listen, the model's name in URLs, dynamic batching and the request-size limit.
/// </summary>
/// <param name="ModelPath">The .keras or .h5 model file to serve.</param>
public sealed record ServeOptions(string ModelPath)
{
    /// <summary>TCP port to listen on (TF Serving's REST default 8501; 0 picks a free port).</summary>
    public int Port { get; init; } = 8501;

    /// <summary>Address to listen on (loopback by default; "0.0.0.0" or "::" to accept other machines).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>The model's name in the URLs (<c>/v1/models/NAME</c>); null uses the file name without its extension.</summary>
    public string? Name { get; init; }

    /// <summary>Most rows one model call runs when requests are batched together (1 turns batching off).</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>How long the first request of a batch waits for others to join it, in milliseconds (0 turns batching off).</summary>
    public int BatchTimeoutMs { get; init; } = 2;

    /// <summary>Largest request body accepted, in bytes; larger ones are answered 413.</summary>
    public long MaxRequestBytes { get; init; } = 32L << 20;

    /// <summary>The name used in URLs: <see cref="Name"/> or the model file's name without extension.</summary>
    public string ModelName => Name ?? Path.GetFileNameWithoutExtension(ModelPath);

    /// <summary>Checks every option, naming the one that is wrong.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModelPath))
        {
            throw new ArgumentException("ServeOptions.ModelPath: a .keras or .h5 model file is required.", nameof(ModelPath));
        }
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, $"ServeOptions.Port must be between 0 and 65535, got {Port}.");
        }
        if (string.IsNullOrWhiteSpace(ModelName) || ModelName.AsSpan().IndexOfAny("/:?#% ") >= 0)
        {
            throw new ArgumentException($"ServeOptions.Name '{ModelName}' cannot be used in a URL: it must be non-empty without '/', ':', '?', '#', '%' or spaces.", nameof(Name));
        }
        if (MaxBatch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatch), MaxBatch, $"ServeOptions.MaxBatch must be at least 1, got {MaxBatch}.");
        }
        if (BatchTimeoutMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchTimeoutMs), BatchTimeoutMs, $"ServeOptions.BatchTimeoutMs must be 0 or more, got {BatchTimeoutMs}.");
        }
        if (MaxRequestBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBytes), MaxRequestBytes, $"ServeOptions.MaxRequestBytes must be at least 1, got {MaxRequestBytes}.");
        }
    }
}
