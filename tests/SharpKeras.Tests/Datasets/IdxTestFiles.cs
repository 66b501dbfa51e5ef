using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SharpKeras.Tests.Datasets;

/// <summary>Writes small IDX / .npy / .npz files into a temporary folder that is deleted on dispose.</summary>
internal sealed class IdxTestFiles : IDisposable
{
    public IdxTestFiles()
    {
        Dir = Path.Combine(Path.GetTempPath(), "sharpkeras-datasets-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public string Sub(params string[] parts)
    {
        var dir = Path.Combine([Dir, .. parts]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Pixel value of image i at (r, c) in the test images.</summary>
    public static byte Pixel(int i, int r, int c) => (byte)((i * 31 + r * 7 + c * 3) % 256);

    public static byte Label(int i) => (byte)((i * 3 + 1) % 10);

    public static byte[] Header(uint magic, params int[] dims)
    {
        var bytes = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i), (uint)dims[i]);
        }
        return bytes;
    }

    public static byte[] Images(int n, int rows, int cols)
    {
        var bytes = new List<byte>(Header(0x00000803, n, rows, cols));
        for (int i = 0; i < n; i++)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    bytes.Add(Pixel(i, r, c));
                }
            }
        }
        return bytes.ToArray();
    }

    public static byte[] Labels(int n)
    {
        var bytes = new List<byte>(Header(0x00000801, n));
        for (int i = 0; i < n; i++)
        {
            bytes.Add(Label(i));
        }
        return bytes.ToArray();
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(raw);
        }
        return ms.ToArray();
    }

    /// <summary>Writes <paramref name="raw"/> as dir/name (or dir/name.gz, compressed); returns the path.</summary>
    public static string Write(string dir, string name, byte[] raw, bool gzip)
    {
        var path = Path.Combine(dir, gzip ? name + ".gz" : name);
        File.WriteAllBytes(path, gzip ? Gzip(raw) : raw);
        return path;
    }

    /// <summary>Writes a complete four-file set: nTrain images rows x cols, nTest images testRows x testCols.</summary>
    public static void WriteSet(string dir, bool gzip, int nTrain = 3, int nTest = 2, int rows = 28, int cols = 28, int testRows = 28, int testCols = 28)
    {
        Write(dir, "train-images-idx3-ubyte", Images(nTrain, rows, cols), gzip);
        Write(dir, "train-labels-idx1-ubyte", Labels(nTrain), gzip);
        Write(dir, "t10k-images-idx3-ubyte", Images(nTest, testRows, testCols), gzip);
        Write(dir, "t10k-labels-idx1-ubyte", Labels(nTest), gzip);
    }

    /// <summary>A version-1 .npy file with the given header dictionary text and data.</summary>
    public static byte[] Npy(string descr, bool fortran, int[] shape, byte[] data, int major = 1)
    {
        var shapeText = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var dict = $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shapeText}, }}";
        int lengthBytes = major == 1 ? 2 : 4;
        int prefix = 6 + 2 + lengthBytes;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        dict = dict.PadRight(total - prefix - 1) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.Add((byte)major);
        bytes.Add(0);
        if (major == 1)
        {
            bytes.Add((byte)(dict.Length & 0xFF));
            bytes.Add((byte)(dict.Length >> 8));
        }
        else
        {
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)dict.Length);
            bytes.AddRange(len);
        }
        bytes.AddRange(Encoding.Latin1.GetBytes(dict));
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public static byte[] ImageData(int n, int rows, int cols)
    {
        var data = new byte[n * rows * cols];
        for (int i = 0, k = 0; i < n; i++)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                {
                    data[k++] = Pixel(i, r, c);
                }
            }
        }
        return data;
    }

    public static byte[] LabelData(int n) => Enumerable.Range(0, n).Select(Label).ToArray();

    /// <summary>Writes an .npz (zip) with the given entries (name without .npy -> .npy bytes).</summary>
    public static string WriteNpz(string path, IEnumerable<(string Name, byte[] Npy)> entries, CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var fs = new FileStream(path, FileMode.Create);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        foreach (var (name, npy) in entries)
        {
            var entry = zip.CreateEntry(name + ".npy", level);
            using var s = entry.Open();
            s.Write(npy);
        }
        return path;
    }

    /// <summary>A valid small mnist.npz: 3 training images 28x28, 2 test images 28x28.</summary>
    public static string WriteMnistNpz(string path, CompressionLevel level = CompressionLevel.NoCompression)
        => WriteNpz(path,
        [
            ("x_train", Npy("|u1", false, [3, 28, 28], ImageData(3, 28, 28))),
            ("y_train", Npy("|u1", false, [3], LabelData(3))),
            ("x_test", Npy("|u1", false, [2, 28, 28], ImageData(2, 28, 28))),
            ("y_test", Npy("|u1", false, [2], LabelData(2))),
        ], level);
}
