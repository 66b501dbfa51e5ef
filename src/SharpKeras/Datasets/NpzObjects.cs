using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using SharpKeras.Saving;

namespace SharpKeras.Datasets;

/// <summary>
/// The arrays of imdb.npz and reuters.npz: ragged sequences stored as NumPy object arrays (a .npy header with
/// descr '|O' followed by a pickle, read with <see cref="Pickle"/>) next to plain integer label arrays.
/// </summary>
internal static partial class NpzObjects
{
    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    /// <summary>The sequences of the object array <paramref name="name"/> of an .npz file, as int arrays.</summary>
    internal static int[][] Sequences(string file, string name, string hint)
    {
        using var zip = SafeZip.Open(file, ".npz");
        var entry = SafeZip.Single(zip, name + ".npy", file) ?? throw new InvalidDataException($"'{file}' has no array '{name}' (entries: {string.Join(", ", zip.Entries.Select(e => e.FullName))}). {hint}");
        var where = $"{file}:{entry.FullName}";
        SafeZip.CheckSize(entry, where, LoadLimits.MaxEntryBytes, nameof(LoadLimits.MaxEntryBytes));
        using var stream = SafeZip.OpenChecked(entry, where);
        long headerBytes = SkipHeader(stream, where, hint);
        var value = Pickle.Load(stream, entry.Length - headerBytes, where, hint);
        if (value is not Pickle.NdArray { Objects: { } items } array || array.Shape.Length != 1 || array.Shape[0] != items.Count)
        {
            throw new InvalidDataException($"'{where}' does not hold a 1-D object array of sequences. {hint}");
        }
        var result = new int[items.Count][];
        for (int i = 0; i < items.Count; i++)
        {
            result[i] = Integers(items[i], $"{where}[{i}]", hint);
        }
        return result;
    }

    /// <summary>A list of Python ints (or a 1-D integer array) as int[].</summary>
    internal static int[] Integers(object? value, string where, string hint)
    {
        if (value is List<object?> list)
        {
            var r = new int[list.Count];
            for (int j = 0; j < r.Length; j++)
            {
                r[j] = list[j] is long v && v is >= int.MinValue and <= int.MaxValue
                    ? (int)v
                    : throw new InvalidDataException($"'{where}' holds {list[j] ?? "None"} at position {j}, expected an integer. {hint}");
            }
            return r;
        }
        if (value is Pickle.NdArray { Data: { } data } a && a.Shape.Length == 1)
        {
            int n = a.Shape[0];
            int size = a.Descr[1..] switch { "u1" or "i1" or "b1" => 1, "i2" or "u2" => 2, "i4" or "u4" => 4, "i8" or "u8" => 8, _ => 0 };
            if (size == 0 || a.Descr[0] == '>' || (long)n * size != data.Length)
            {
                throw new InvalidDataException($"'{where}' is a {a.Descr} array of {data.Length} bytes for {n} elements; expected little-endian integers. {hint}");
            }
            var r = new int[n];
            for (int j = 0; j < n; j++)
            {
                long v = size switch
                {
                    1 => a.Descr[1] == 'i' ? (sbyte)data[j] : data[j],
                    2 => a.Descr[1] == 'i' ? BitConverter.ToInt16(data, 2 * j) : BitConverter.ToUInt16(data, 2 * j),
                    4 => a.Descr[1] == 'i' ? BitConverter.ToInt32(data, 4 * j) : BitConverter.ToUInt32(data, 4 * j),
                    _ => BitConverter.ToInt64(data, 8 * j),
                };
                r[j] = v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new InvalidDataException($"'{where}' element {j} is {v}, outside the int32 range. {hint}");
            }
            return r;
        }
        throw new InvalidDataException($"'{where}' is not a list of integers. {hint}");
    }

    /// <summary>Reads the .npy magic and header, checks it is an object array, and returns the header's length in bytes.</summary>
    private static long SkipHeader(Stream stream, string where, string hint)
    {
        Span<byte> pre = stackalloc byte[12];
        if (stream.ReadAtLeast(pre[..8], 8, throwOnEndOfStream: false) < 8 || !pre[..6].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"'{where}' is not a .npy array (bad magic). {hint}");
        }
        int lengthBytes = pre[6] == 1 ? 2 : pre[6] is 2 or 3 ? 4 : throw new InvalidDataException($"'{where}' has .npy version {pre[6]}.{pre[7]}; 1.0, 2.0 and 3.0 are supported. {hint}");
        if (stream.ReadAtLeast(pre.Slice(8, lengthBytes), lengthBytes, throwOnEndOfStream: false) < lengthBytes)
        {
            throw new InvalidDataException($"'{where}' is truncated in its .npy header. {hint}");
        }
        int headerLength = lengthBytes == 2 ? BitConverter.ToUInt16(pre.Slice(8, 2)) : BitConverter.ToInt32(pre.Slice(8, 4));
        if (headerLength is < 0 or > 65536)
        {
            throw new InvalidDataException($"'{where}' declares a .npy header of {headerLength} bytes. {hint}");
        }
        var header = new byte[headerLength];
        if (stream.ReadAtLeast(header, headerLength, throwOnEndOfStream: false) < headerLength)
        {
            throw new InvalidDataException($"'{where}' is truncated in its .npy header. {hint}");
        }
        var text = Encoding.Latin1.GetString(header);
        var descr = DescrPattern().Match(text);
        if (!descr.Success || descr.Groups[1].Value != "|O")
        {
            throw new InvalidDataException($"'{where}' holds dtype {(descr.Success ? descr.Groups[1].Value : "?")}, expected an object array ('|O') of sequences. {hint}");
        }
        return 8 + lengthBytes + headerLength;
    }

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
}
