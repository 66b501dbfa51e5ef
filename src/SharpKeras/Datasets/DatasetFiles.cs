using SharpKeras.Saving;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace SharpKeras.Datasets;

/// <summary>
/// Where dataset files are looked for, how they are opened (raw or gzip) and read with length checks,
/// and how they are downloaded (to a temporary file in the target folder, then renamed).
/// </summary>
internal static class DatasetFiles
{
    /// <summary>Keras's canonical origin for its datasets.</summary>
    internal const string Origin = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

    /// <summary>Environment variable that turns downloads off when set to 1 / true / yes.</summary>
    internal const string NoDownloadVariable = "SHARPKERAS_NO_DOWNLOAD";

    /// <summary>Folder of system-wide datasets (Debian's dataset-* packages install under it).</summary>
    internal const string SystemDatasets = "/usr/share/datasets";

    private const int InitialChunk = 1 << 20;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The dataset folders searched when no explicit path is given, in order:
    /// $KERAS_HOME/datasets, ~/.keras/datasets, /usr/share/datasets.
    /// </summary>
    internal static IReadOnlyList<string> DefaultRoots()
    {
        var roots = new List<string>();
        var kerasHome = Environment.GetEnvironmentVariable("KERAS_HOME");
        if (!string.IsNullOrWhiteSpace(kerasHome))
        {
            roots.Add(Path.GetFullPath(Path.Combine(kerasHome, "datasets")));
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            roots.Add(Path.GetFullPath(Path.Combine(home, ".keras", "datasets")));
        }
        roots.Add(SystemDatasets);
        return roots.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The folder downloads go to, as Keras's get_file: $KERAS_HOME/datasets when KERAS_HOME is set,
    /// else ~/.keras/datasets.
    /// </summary>
    internal static string DownloadRoot()
    {
        var kerasHome = Environment.GetEnvironmentVariable("KERAS_HOME");
        if (!string.IsNullOrWhiteSpace(kerasHome))
        {
            return Path.GetFullPath(Path.Combine(kerasHome, "datasets"));
        }
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var baseDir = string.IsNullOrEmpty(home) ? Path.GetTempPath() : home;
        return Path.GetFullPath(Path.Combine(baseDir, ".keras", "datasets"));
    }

    /// <summary>True when the caller allows downloads and SHARPKERAS_NO_DOWNLOAD does not forbid them.</summary>
    internal static bool DownloadsAllowed(bool download)
    {
        if (!download)
        {
            return false;
        }
        var value = Environment.GetEnvironmentVariable(NoDownloadVariable)?.Trim();
        return !(value is "1" || string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)
            || string.Equals(value, "yes", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The path of <paramref name="name"/> in <paramref name="dir"/>, accepting the gzip name
    /// (<c>name.gz</c>, preferred) and the uncompressed name; null when neither exists.
    /// </summary>
    internal static string? FindVariant(string dir, string name)
    {
        var gz = Path.Combine(dir, name + ".gz");
        if (File.Exists(gz))
        {
            return gz;
        }
        var raw = Path.Combine(dir, name);
        return File.Exists(raw) ? raw : null;
    }

    /// <summary>
    /// Opens a data file for reading; a file that starts with the gzip magic (1f 8b) is decompressed
    /// on the fly, whatever its name.
    /// </summary>
    internal static Stream OpenData(string file)
    {
        var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            Span<byte> head = stackalloc byte[2];
            int n = fs.ReadAtLeast(head, 2, throwOnEndOfStream: false);
            fs.Position = 0;
            if (n == 2 && head[0] == 0x1f && head[1] == 0x8b)
            {
                return new GZipStream(fs, CompressionMode.Decompress, leaveOpen: false);
            }
            return fs;
        }
        catch
        {
            fs.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="expected"/> bytes of <paramref name="what"/> and checks that nothing
    /// follows them. A short stream is reported as truncated, a long one as having extra bytes, each with
    /// expected and actual byte counts. Memory grows with the data actually read, so a corrupt header
    /// cannot make it allocate gigabytes up front.
    /// </summary>
    internal static byte[] ReadPayload(Stream stream, long expected, string file, string what, long headerBytes, string hint)
    {
        if (expected > Array.MaxLength)
        {
            throw new InvalidDataException(
                $"'{file}' has a corrupt header: it declares {expected:N0} bytes of {what}, more than one array can hold. {hint}");
        }
        if (stream.CanSeek)
        {
            long remaining = stream.Length - stream.Position;
            if (remaining != expected)
            {
                throw LengthMismatch(file, what, expected, remaining, headerBytes, hint);
            }
        }
        var data = new byte[(int)Math.Min(expected, InitialChunk)];
        long got = 0;
        while (true)
        {
            if (got == data.Length)
            {
                if (got == expected)
                {
                    break;
                }
                Array.Resize(ref data, (int)Math.Min(expected, Math.Max(2L * data.Length, InitialChunk)));
            }
            int n = SafeFile.ReadFull(stream, data.AsSpan((int)got), file, hint);
            if (n == 0)
            {
                break;
            }
            got += n;
        }
        if (got < expected)
        {
            throw LengthMismatch(file, what, expected, got, headerBytes, hint);
        }
        long extra = 0;
        var sink = new byte[8192];
        int m;
        while ((m = SafeFile.ReadFull(stream, sink, file, hint)) > 0)
        {
            extra += m;
        }
        if (extra > 0)
        {
            throw LengthMismatch(file, what, expected, expected + extra, headerBytes, hint);
        }
        return data;
    }

    private static InvalidDataException LengthMismatch(string file, string what, long expected, long actual, long headerBytes, string hint)
    {
        var ci = CultureInfo.InvariantCulture;
        if (actual < expected)
        {
            return new InvalidDataException(string.Format(ci,
                "'{0}' is truncated: expected {1:N0} bytes of {2} after the {3}-byte header, found {4:N0} ({5:N0} missing). {6}",
                file, expected, what, headerBytes, actual, expected - actual, hint));
        }
        return new InvalidDataException(string.Format(ci,
            "'{0}' is corrupt: expected {1:N0} bytes of {2} after the {3}-byte header, found {4:N0} ({5:N0} extra). {6}",
            file, expected, what, headerBytes, actual, actual - expected, hint));
    }

    /// <summary>
    /// Downloads <paramref name="url"/> to <paramref name="target"/>: the bytes go to a temporary file in
    /// the same folder, which <paramref name="validate"/> checks (and parses) before it is renamed over the
    /// target, so a failed or corrupt download never leaves a file behind.
    /// </summary>
    internal static T Download<T>(string url, string target, Func<string, T> validate)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        return SafeFile.Replace(target, tmp =>
        {
            Console.WriteLine($"Downloading data from {url}");
            Task.Run(() => DownloadToAsync(url, tmp)).GetAwaiter().GetResult();
            try
            {
                return validate(tmp);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"The file downloaded from {url} is not valid: {ex.Message}", ex);
            }
        });
    }

    private static async Task DownloadToAsync(string url, string tmp)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var cts = new CancellationTokenSource(StallTimeout);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            long? declared = response.Content.Headers.ContentLength;
            var body = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var file = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await using (file.ConfigureAwait(false))
                {
                    var buffer = new byte[1 << 16];
                    long total = 0;
                    while (true)
                    {
                        cts.CancelAfter(StallTimeout);
                        int n = await body.ReadAsync(buffer, cts.Token).ConfigureAwait(false);
                        if (n == 0)
                        {
                            break;
                        }
                        await file.WriteAsync(buffer.AsMemory(0, n), cts.Token).ConfigureAwait(false);
                        total += n;
                    }
                    if (declared is long length && length != total)
                    {
                        throw new IOException($"Download of {url} ended early: got {total:N0} of {length:N0} bytes.");
                    }
                    await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                    file.Flush(flushToDisk: true);
                }
            }
        }
        catch (OperationCanceledException ex)
        {
            throw new TimeoutException($"Download of {url} stalled for more than {StallTimeout.TotalSeconds:0} s.", ex);
        }
    }

    /// <summary>Hex SHA-256 of a file, lower case.</summary>
    internal static string Sha256(string file)
    {
        using var fs = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

    /// <summary>A bulleted list of the folders that were searched, for error messages.</summary>
    internal static string Bullets(IEnumerable<string> items)
    {
        var sb = new StringBuilder();
        foreach (var item in items)
        {
            sb.Append("\n  ").Append(item);
        }
        return sb.ToString();
    }
}
