using System.Security.Cryptography;

namespace SharpKeras.Datasets;

/// <summary>
/// Keras's <c>get_file</c> for the loaders that read Keras's own cache files: a file name relative to the
/// dataset folders ($KERAS_HOME/datasets, ~/.keras/datasets, /usr/share/datasets) or an absolute path, and
/// when it is nowhere, a download from Keras's origin checked against Keras's hash (SHA-256, or MD5 for a
/// 32-digit hash as Keras's resolve_hasher) before it is renamed into ~/.keras/datasets.
/// </summary>
internal static class KerasCache
{
    /// <summary>Where to look and whether to download (tests pass temporary folders and no downloads).</summary>
    internal sealed record Places(IReadOnlyList<string> Roots, bool Download, string DownloadRoot)
    {
        public static Places Default(bool download) => new(DatasetFiles.DefaultRoots(), DatasetFiles.DownloadsAllowed(download), DatasetFiles.DownloadRoot());
    }

    /// <summary>The path of the first of <paramref name="names"/> found in a dataset folder, or downloaded as the first name.</summary>
    internal static string Locate(string dataset, string path, IReadOnlyList<string> names, string origin, string hash, string hint, Places places)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Path.IsPathRooted(path))
        {
            return File.Exists(path) ? path : throw new FileNotFoundException($"{dataset}: '{path}' does not exist. {hint}", path);
        }
        var searched = new List<string>();
        foreach (var root in places.Roots)
        {
            foreach (var name in names)
            {
                var candidate = Path.Combine(root, name);
                searched.Add(candidate);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        if (!places.Download)
        {
            throw new FileNotFoundException($"{dataset} not found; searched:{DatasetFiles.Bullets(searched)}\nDownloads are disabled (download: false or {DatasetFiles.NoDownloadVariable}=1). {hint}");
        }
        var target = Path.Combine(places.DownloadRoot, names[0]);
        try
        {
            DatasetFiles.Download(origin, target, tmp =>
            {
                var actual = Hash(tmp, hash.Length == 64);
                if (!string.Equals(actual, hash, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidDataException($"its {(hash.Length == 64 ? "SHA-256" : "MD5")} is {actual}, expected {hash} (incomplete or corrupted download).");
                }
                return 0;
            });
            return target;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException or UnauthorizedAccessException)
        {
            throw new FileNotFoundException($"{dataset} not found; searched:{DatasetFiles.Bullets(searched)}\nDownloading {origin} to {target} failed: {ex.Message} {hint}", ex);
        }
    }

    private static string Hash(string file, bool sha256)
    {
        if (sha256)
        {
            return DatasetFiles.Sha256(file);
        }
        using var fs = File.OpenRead(file);
        // MD5 only because Keras publishes MD5 for these files; it guards against truncation, not tampering.
        return Convert.ToHexStringLower(MD5.HashData(fs));
    }

    /// <summary>Keras's shuffle-then-split of a regression set: RandomState(seed) order, the first int(n * (1 - testSplit)) for training.</summary>
    internal static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) ShuffleSplit(Tensor x, Tensor y, double testSplit, int seed, string dataset)
    {
        if (!(testSplit >= 0 && testSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testSplit), testSplit, $"{dataset}: testSplit must be in [0, 1), got {testSplit}.");
        }
        int n = x.Shape[0];
        var order = new Utils.NumpyRandomState(checked((uint)seed)).Permutation(n);
        int cut = (int)(n * (1 - testSplit));
        return ((x.Gather(order.AsSpan(0, cut)), y.Gather(order.AsSpan(0, cut))), (x.Gather(order.AsSpan(cut)), y.Gather(order.AsSpan(cut))));
    }
}
