using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace SharpKeras.Saving;

/// <summary>
/// Reads and writes NumPy's <c>.npy</c> arrays (format versions 1.0, 2.0 and 3.0, C order) and reads
/// <c>.npz</c> archives, so arrays move between NumPy / Keras and SharpKeras with no Python.
/// </summary>
/// <remarks>
/// Reading maps NumPy dtypes onto SharpKeras's three: float16/32/64 become float32; int8/16/32/64 and
/// uint16/32/64 become int32 (a value outside the int32 range is an error naming the element); uint8
/// and bool become uint8 (bool as 0/1). Both byte orders are read. Saving writes what <c>np.save</c>
/// writes for the tensor's dtype ('&lt;f4', '&lt;i4' or '|u1'), byte for byte.
/// </remarks>
public static class NumpyFile
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private const int MaxHeaderLength = 1 << 20;
    private const int InitialChunkBytes = 1 << 20;
    private const int ScratchBytes = 1 << 16;
    private const int ArrayAlign = 64;
    private const int GrowthAxisMaxDigits = 21;

    private const string Supported =
        "supported dtypes are float16/float32/float64 ('<f2', '<f4', '<f8', read as float32), " +
        "int8/int16/int32/int64 and uint16/uint32/uint64 ('<i4', '<i8', ..., read as int32), " +
        "uint8 ('|u1') and bool ('|b1'), read as uint8; either byte order";

    /// <summary>Reads the .npy file at <paramref name="path"/> into a tensor (float32, int32 or uint8).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid, supported .npy array (the message says why).</exception>
    public static Tensor Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(fs, path, fs.Length, requireEnd: true, require: null, hint: "");
    }

    /// <summary>Reads one .npy array from <paramref name="stream"/> (left just after it), naming it <paramref name="where"/> in errors.</summary>
    /// <exception cref="InvalidDataException">The stream does not hold a valid, supported .npy array (the message says why).</exception>
    public static Tensor Read(Stream stream, string where)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(where);
        long? available = stream.CanSeek ? stream.Length - stream.Position : null;
        return Read(stream, where, available, requireEnd: false, require: null, hint: "");
    }

    /// <summary>Reads every array of the .npz archive at <paramref name="path"/>, keyed by name without ".npy".</summary>
    /// <exception cref="InvalidDataException">The file is not a zip archive or holds an invalid array (the message names it).</exception>
    public static IReadOnlyDictionary<string, Tensor> LoadNpz(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadNpz(path, names: null, require: null, hint: "");
    }

    /// <summary>Writes <paramref name="tensor"/> to <paramref name="path"/> as a version 1.0 .npy file, replacing it atomically.</summary>
    public static void Save(string path, Tensor tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensor);
        SafeFile.Replace(path, tmp =>
        {
            using var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            Write(fs, tensor);
            fs.Flush(flushToDisk: true);
            return true;
        });
    }

    /// <summary>Writes the .npy bytes of <paramref name="tensor"/> (header and data) to <paramref name="stream"/>.</summary>
    internal static void Write(Stream stream, Tensor tensor)
    {
        var (descr, itemSize) = tensor.DType switch
        {
            DType.Float32 => ("<f4", 4),
            DType.Int32 => ("<i4", 4),
            DType.UInt8 => ("|u1", 1),
            DType.Bool => ("|b1", 1),
            _ => throw new ArgumentException($"Cannot save a tensor of dtype {tensor.DType} as .npy.", nameof(tensor)),
        };
        stream.Write(Header(descr, tensor.Shape.Dims));
        switch (tensor.DType)
        {
            case DType.Float32:
                WriteLittleEndian(stream, MemoryMarshal.Cast<float, int>(tensor.Span), itemSize);
                break;
            case DType.Int32:
                WriteLittleEndian(stream, tensor.Int32Span, itemSize);
                break;
            default:
                stream.Write(tensor.ByteSpan);
                break;
        }
    }

    /// <summary>
    /// The complete .npy preamble and header NumPy's <c>np.save</c> writes: the dictionary, room for the
    /// first axis to grow, spaces to a multiple of 64 bytes and a newline; version 2.0 only when too long for 1.0.
    /// </summary>
    internal static byte[] Header(string descr, ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder();
        sb.Append("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.Length; i++)
        {
            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
            if (i < shape.Length - 1)
            {
                sb.Append(", ");
            }
        }
        sb.Append(shape.Length == 1 ? ",), }" : "), }");
        if (shape.Length > 0)
        {
            sb.Append(' ', GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length);
        }
        int hlen = sb.Length + 1;
        int major = 1;
        int lengthBytes = 2;
        int padlen = ArrayAlign - ((8 + lengthBytes + hlen) % ArrayAlign);
        if (hlen + padlen > ushort.MaxValue)
        {
            major = 2;
            lengthBytes = 4;
            padlen = ArrayAlign - ((8 + lengthBytes + hlen) % ArrayAlign);
        }
        sb.Append(' ', padlen).Append('\n');
        var text = Encoding.ASCII.GetBytes(sb.ToString());
        var bytes = new byte[8 + lengthBytes + text.Length];
        Magic.CopyTo(bytes);
        bytes[6] = (byte)major;
        bytes[7] = 0;
        if (lengthBytes == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)text.Length);
        }
        text.CopyTo(bytes, 8 + lengthBytes);
        return bytes;
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<int> data, int itemSize)
    {
        if (BitConverter.IsLittleEndian)
        {
            for (int start = 0; start < data.Length; start += InitialChunkBytes / itemSize)
            {
                var chunk = data.Slice(start, Math.Min(InitialChunkBytes / itemSize, data.Length - start));
                stream.Write(MemoryMarshal.AsBytes(chunk));
            }
            return;
        }
        var scratch = new int[ScratchBytes / itemSize];
        for (int start = 0; start < data.Length; start += scratch.Length)
        {
            var chunk = data.Slice(start, Math.Min(scratch.Length, data.Length - start));
            BinaryPrimitives.ReverseEndianness(chunk, scratch);
            stream.Write(MemoryMarshal.AsBytes(scratch.AsSpan(0, chunk.Length)));
        }
    }

    /// <summary>
    /// Reads the arrays of an .npz archive: all of them when <paramref name="names"/> is null, else exactly
    /// those (a missing one is an error listing what is there). With <paramref name="require"/> set, an
    /// array whose stored dtype is not that dtype is rejected instead of converted. <paramref name="hint"/>
    /// ends every error message.
    /// </summary>
    internal static Dictionary<string, Tensor> ReadNpz(string file, IReadOnlyList<string>? names, DType? require, string hint)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var fs = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(fs, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            throw Error($"'{file}' is not a valid .npz (zip) archive: {ex.Message}", hint, ex);
        }
        using (zip)
        {
            if (names is null)
            {
                foreach (var entry in zip.Entries)
                {
                    if (entry.FullName.EndsWith('/'))
                    {
                        continue;
                    }
                    var key = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                    if (result.ContainsKey(key))
                    {
                        throw Error($"'{file}' holds two arrays named '{key}' (entries '{key}' and '{key}.npy').", hint);
                    }
                    result[key] = ReadEntry(file, entry, require, hint);
                }
                return result;
            }
            foreach (var name in names)
            {
                ZipArchiveEntry? entry;
                try
                {
                    entry = SafeZip.Single(zip, name + ".npy", file) ?? SafeZip.Single(zip, name, file);
                }
                catch (InvalidDataException ex)
                {
                    throw Error(ex.Message, hint, ex);
                }
                if (entry is null)
                {
                    var present = string.Join(", ", zip.Entries.Select(e => e.FullName));
                    throw Error(
                        $"'{file}' has no array '{name}' (expected entries {string.Join(", ", names.Select(n => n + ".npy"))}; found {(present.Length == 0 ? "none" : present)}).",
                        hint);
                }
                result[name] = ReadEntry(file, entry, require, hint);
            }
        }
        return result;
    }

    private static Tensor ReadEntry(string file, ZipArchiveEntry entry, DType? require, string hint)
    {
        var where = $"{file}:{entry.FullName}";
        Stream stream;
        try
        {
            // Size and ratio bounded before inflating; the checked stream stops at the declared size and verifies the CRC-32.
            SafeZip.CheckSize(entry, where, LoadLimits.MaxEntryBytes, nameof(LoadLimits.MaxEntryBytes));
            stream = SafeZip.OpenChecked(entry, where);
        }
        catch (InvalidDataException ex)
        {
            throw Error(ex.Message, hint, ex);
        }
        using (stream)
        {
            try
            {
                return Read(stream, where, entry.Length, requireEnd: true, require, hint);
            }
            catch (InvalidDataException ex) when (hint.Length > 0 && !ex.Message.EndsWith(hint, StringComparison.Ordinal))
            {
                throw Error(ex.Message, hint, ex);
            }
        }
    }

    /// <summary>
    /// Reads one .npy array. <paramref name="available"/> is the number of bytes left in the stream when
    /// known (checked before anything large is allocated); with <paramref name="requireEnd"/> nothing may
    /// follow the data; with <paramref name="require"/> the stored dtype must be exactly that dtype.
    /// </summary>
    internal static Tensor Read(Stream stream, string where, long? available, bool requireEnd, DType? require, string hint)
    {
        var ctx = new Context(stream, where, hint);
        var header = ReadHeader(ctx);
        var d = header.DType;
        // A required dtype must be stored as exactly that ('f'/'i' with 4 bytes, 'u' with 1), either byte order.
        if (require is DType required && (d.Kind, d.Size) != (DescrOf(required)[1], required is DType.UInt8 or DType.Bool ? 1 : 4))
        {
            throw ctx.Fail($"'{where}' holds dtype '{header.Descr}', expected '{DescrOf(require.Value)}' ({require.Value.Name()}).");
        }
        if (header.Fortran && !SameInBothOrders(header.Shape))
        {
            throw ctx.Fail(
                $"'{where}' is stored in Fortran (column-major) order (fortran_order: True, shape {ShapeText(header.Shape)}); " +
                "only C-order arrays are supported. Save it from NumPy as np.ascontiguousarray(a).");
        }
        long count = 1;
        foreach (var dim in header.Shape)
        {
            count *= dim;
            if (count > Array.MaxLength)
            {
                throw ctx.Fail($"'{where}' declares shape {ShapeText(header.Shape)}, more elements than one array can hold (at most {Array.MaxLength:N0}).");
            }
        }
        ctx.Count = (int)count;
        ctx.Shape = header.Shape;
        ctx.Descr = header.Descr;
        ctx.SourceSize = d.Size;
        ctx.HeaderBytes = header.TotalBytes;
        long expected = count * d.Size;
        if (available is long total)
        {
            long remaining = total - header.TotalBytes;
            if (remaining < expected || (requireEnd && remaining != expected))
            {
                throw ctx.LengthMismatch(expected, Math.Max(remaining, 0));
            }
            ctx.Known = true;
        }

        var shape = new Shape(header.Shape);
        Tensor tensor;
        switch (d.Kind, d.Size)
        {
            case ('f', 4):
            {
                var data = ReadNative<float>(ctx);
                if (d.Swap)
                {
                    var bits = MemoryMarshal.Cast<float, int>(data.AsSpan());
                    BinaryPrimitives.ReverseEndianness(bits, bits);
                }
                tensor = new Tensor(shape, data);
                break;
            }
            case ('i', 4):
            {
                var data = ReadNative<int>(ctx);
                if (d.Swap)
                {
                    BinaryPrimitives.ReverseEndianness(data, data);
                }
                tensor = Ints(data, shape);
                break;
            }
            case ('u', 1):
                tensor = Bytes(ReadNative<byte>(ctx), shape);
                break;
            case ('b', 1):
            {
                var data = ReadNative<byte>(ctx);
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = data[i] != 0 ? (byte)1 : (byte)0;
                }
                tensor = Bytes(data, shape);
                break;
            }
            case ('f', 2):
                tensor = new Tensor(shape, ReadConverted(ctx, FloatsFrom<Half>(d.Swap)));
                break;
            case ('f', 8):
                tensor = new Tensor(shape, ReadConverted(ctx, FloatsFrom<double>(d.Swap)));
                break;
            case ('i', 1):
                tensor = Ints(ReadConverted(ctx, IntsFrom<sbyte>(false)), shape);
                break;
            case ('i', 2):
                tensor = Ints(ReadConverted(ctx, IntsFrom<short>(d.Swap)), shape);
                break;
            case ('u', 2):
                tensor = Ints(ReadConverted(ctx, IntsFrom<ushort>(d.Swap)), shape);
                break;
            case ('i', 8):
                tensor = Ints(ReadConverted(ctx, IntsFrom<long>(d.Swap)), shape);
                break;
            case ('u', 4):
                tensor = Ints(ReadConverted(ctx, IntsFrom<uint>(d.Swap)), shape);
                break;
            case ('u', 8):
                tensor = Ints(ReadConverted(ctx, IntsFrom<ulong>(d.Swap)), shape);
                break;
            default:
                throw ctx.Fail($"'{where}' holds dtype '{header.Descr}', which is not supported: {Supported}.");
        }
        if (requireEnd)
        {
            long extra = 0;
            var sink = new byte[8192];
            int m;
            while ((m = ctx.ReadSome(sink)) > 0)
            {
                extra += m;
            }
            if (extra > 0)
            {
                throw ctx.LengthMismatch(expected, expected + extra);
            }
        }
        return tensor;
    }

    private static bool SameInBothOrders(int[] shape)
        => shape.Count(dim => dim > 1) <= 1 || shape.Any(dim => dim == 0);

    private static string DescrOf(DType dtype) => dtype switch
    {
        DType.Float32 => "<f4",
        DType.Int32 => "<i4",
        DType.Bool => "|b1",
        _ => "|u1",
    };

    private static Tensor Ints(int[] data, Shape shape)
        => shape.Rank == 0 ? Tensor.WrapInts(data, new Shape(1)).View(shape) : Tensor.WrapInts(data, shape);

    private static Tensor Bytes(byte[] data, Shape shape)
        => shape.Rank == 0 ? Tensor.WrapBytes(data, new Shape(1)).View(shape) : Tensor.WrapBytes(data, shape);

    // ---- header ----

    private readonly record struct NpyDType(char Kind, int Size, bool BigEndian)
    {
        public bool Swap => Size > 1 && BigEndian == BitConverter.IsLittleEndian;
    }

    /// <summary>A list value in a header (a structured dtype's field list), kept as its text.</summary>
    private sealed record RawList(string Text)
    {
        public override string ToString() => Text;
    }

    private sealed record NpyHeader(string Descr, NpyDType DType, bool Fortran, int[] Shape, long TotalBytes);

    private static NpyHeader ReadHeader(Context ctx)
    {
        var where = ctx.Where;
        Span<byte> pre = stackalloc byte[8];
        int n = ctx.ReadFull(pre);
        if (n < 6 || !pre[..6].SequenceEqual(Magic))
        {
            throw ctx.Fail(
                $"'{where}' is not a .npy array: expected the magic bytes 93 4E 55 4D 50 59 (\\x93NUMPY), found {(n == 0 ? "nothing" : Convert.ToHexString(pre[..Math.Min(n, 6)]))} (hex).");
        }
        if (n < 8)
        {
            throw ctx.Fail($"'{where}' is truncated: expected 8 bytes of .npy magic and version, found {n}.");
        }
        int major = pre[6], minor = pre[7];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw ctx.Fail($"'{where}' has .npy format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are supported."),
        };
        if (minor != 0)
        {
            throw ctx.Fail($"'{where}' has .npy format version {major}.{minor}; versions 1.0, 2.0 and 3.0 are supported.");
        }
        n = ctx.ReadFull(pre[..lengthBytes]);
        if (n < lengthBytes)
        {
            throw ctx.Fail($"'{where}' is truncated: expected a {lengthBytes}-byte .npy header length after the magic, found {n} bytes.");
        }
        long headerLength = lengthBytes == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(pre)
            : BinaryPrimitives.ReadUInt32LittleEndian(pre);
        if (headerLength > MaxHeaderLength)
        {
            throw ctx.Fail($"'{where}' declares a .npy header of {headerLength:N0} bytes; at most {MaxHeaderLength:N0} is plausible, so the file is corrupt.");
        }
        var headerBytes = new byte[headerLength];
        n = ctx.ReadFull(headerBytes);
        if (n < headerLength)
        {
            throw ctx.Fail($"'{where}' is truncated: expected a {headerLength:N0}-byte .npy header, found {n:N0} bytes.");
        }
        string text;
        try
        {
            text = major == 3
                ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(headerBytes)
                : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw ctx.Fail($"'{where}' has a version 3.0 .npy header that is not valid UTF-8: {ex.Message}");
        }
        var dict = new HeaderParser(text, ctx).ParseDict();
        object descr = Required(dict, "descr", text, ctx);
        object fortran = Required(dict, "fortran_order", text, ctx);
        object shape = Required(dict, "shape", text, ctx);
        if (descr is not string descrText)
        {
            throw ctx.Fail(
                $"'{where}' holds a structured dtype {descr}; only plain numeric dtypes are supported ({Supported}).");
        }
        if (fortran is not bool fortranOrder)
        {
            throw ctx.Fail($"'{where}' has a .npy header whose 'fortran_order' is {fortran}, expected True or False: {text.Trim()}");
        }
        if (shape is not int[] dims)
        {
            throw ctx.Fail($"'{where}' has a .npy header whose 'shape' is {shape}, expected a tuple of sizes: {text.Trim()}");
        }
        var dtype = ParseDescr(descrText, ctx);
        return new NpyHeader(descrText, dtype, fortranOrder, dims, 8 + lengthBytes + headerLength);
    }

    private static object Required(Dictionary<string, object> dict, string key, string text, Context ctx)
        => dict.TryGetValue(key, out var value)
            ? value
            : throw ctx.Fail($"'{ctx.Where}' has a .npy header without '{key}' (expected 'descr', 'fortran_order' and 'shape'): {text.Trim()}");

    private static NpyDType ParseDescr(string descr, Context ctx)
    {
        var s = descr.AsSpan();
        bool big = !BitConverter.IsLittleEndian;
        if (s.Length > 0 && s[0] is '<' or '>' or '|' or '=')
        {
            if (s[0] == '<')
            {
                big = false;
            }
            else if (s[0] == '>')
            {
                big = true;
            }
            s = s[1..];
        }
        if (s.Length >= 2 && s[0] is 'f' or 'i' or 'u' or 'b'
            && int.TryParse(s[1..], NumberStyles.None, CultureInfo.InvariantCulture, out int size)
            && (s[0], size) is ('f', 2) or ('f', 4) or ('f', 8) or ('i', 1) or ('i', 2) or ('i', 4) or ('i', 8)
                or ('u', 1) or ('u', 2) or ('u', 4) or ('u', 8) or ('b', 1))
        {
            return new NpyDType(s[0], size, big);
        }
        throw ctx.Fail($"'{ctx.Where}' holds dtype '{descr}', which is not supported: {Supported}.");
    }

    /// <summary>Parses the Python dict literal of a .npy header: string keys; string, bool, tuple-of-int or list values.</summary>
    private ref struct HeaderParser(string text, Context ctx)
    {
        private int _i;

        public Dictionary<string, object> ParseDict()
        {
            var dict = new Dictionary<string, object>(StringComparer.Ordinal);
            SkipSpace();
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}')
                {
                    _i++;
                    break;
                }
                var key = ParseString();
                SkipSpace();
                Expect(':');
                SkipSpace();
                var value = ParseValue();
                if (!dict.TryAdd(key, value))
                {
                    throw Malformed($"the key '{key}' appears twice");
                }
                SkipSpace();
                char c = Peek();
                if (c == ',')
                {
                    _i++;
                }
                else if (c != '}')
                {
                    throw Malformed($"expected ',' or '}}' at character {_i}");
                }
            }
            SkipSpace();
            if (_i != text.Length)
            {
                throw Malformed($"unexpected text after the dictionary at character {_i}");
            }
            return dict;
        }

        private object ParseValue()
        {
            char c = Peek();
            if (c is '\'' or '"')
            {
                return ParseString();
            }
            if (c == '(')
            {
                return ParseTuple();
            }
            if (c == '[')
            {
                int start = _i, depth = 0;
                for (; _i < text.Length; _i++)
                {
                    if (text[_i] == '[')
                    {
                        depth++;
                    }
                    else if (text[_i] == ']' && --depth == 0)
                    {
                        _i++;
                        return new RawList(text[start.._i]);
                    }
                }
                throw Malformed($"unterminated list starting at character {start}");
            }
            if (string.CompareOrdinal(text, _i, "True", 0, 4) == 0)
            {
                _i += 4;
                return true;
            }
            if (string.CompareOrdinal(text, _i, "False", 0, 5) == 0)
            {
                _i += 5;
                return false;
            }
            throw Malformed($"unexpected value at character {_i}");
        }

        private int[] ParseTuple()
        {
            Expect('(');
            var dims = new List<int>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')')
                {
                    _i++;
                    return dims.ToArray();
                }
                int start = _i;
                while (_i < text.Length && char.IsAsciiDigit(text[_i]))
                {
                    _i++;
                }
                if (_i == start)
                {
                    throw Malformed($"expected a non-negative integer in 'shape' at character {_i}");
                }
                if (!int.TryParse(text.AsSpan(start, _i - start), NumberStyles.None, CultureInfo.InvariantCulture, out int dim))
                {
                    throw Malformed($"the dimension {text[start.._i]} is larger than {int.MaxValue:N0}");
                }
                if (Peek() == 'L')
                {
                    _i++;
                }
                dims.Add(dim);
                SkipSpace();
                char c = Peek();
                if (c == ',')
                {
                    _i++;
                }
                else if (c != ')')
                {
                    throw Malformed($"expected ',' or ')' in 'shape' at character {_i}");
                }
            }
        }

        private string ParseString()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Malformed($"expected a quoted string at character {_i}");
            }
            int end = text.IndexOf(quote, _i + 1);
            if (end < 0)
            {
                throw Malformed($"unterminated string at character {_i}");
            }
            var s = text[(_i + 1)..end];
            _i = end + 1;
            return s;
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Malformed($"expected '{c}' at character {_i}");
            }
            _i++;
        }

        private readonly char Peek() => _i < text.Length ? text[_i] : '\0';

        private void SkipSpace()
        {
            while (_i < text.Length && char.IsWhiteSpace(text[_i]))
            {
                _i++;
            }
        }

        private readonly InvalidDataException Malformed(string why)
            => ctx.Fail($"'{ctx.Where}' has a malformed .npy header ({why}): {text.Trim()}");
    }

    // ---- data ----

    /// <summary>Reads <c>ctx.Count</c> elements stored exactly as <typeparamref name="T"/> straight into the result array.</summary>
    private static T[] ReadNative<T>(Context ctx) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        int count = ctx.Count;
        int chunk = InitialChunkBytes / size;
        var data = new T[ctx.Known ? count : Math.Min(count, chunk)];
        long gotBytes = 0;
        long expectedBytes = (long)count * size;
        while (gotBytes < expectedBytes)
        {
            int element = (int)(gotBytes / size);
            if (element == data.Length)
            {
                Array.Resize(ref data, (int)Math.Min(count, Math.Max(2L * data.Length, chunk)));
            }
            int span = Math.Min(chunk, data.Length - element);
            var bytes = MemoryMarshal.AsBytes(data.AsSpan(element, span))[(int)(gotBytes % size)..];
            int n = ctx.ReadSome(bytes);
            if (n == 0)
            {
                throw ctx.LengthMismatch(expectedBytes, gotBytes);
            }
            gotBytes += n;
        }
        return data;
    }

    /// <summary>
    /// Reads <c>ctx.Count</c> elements of <c>ctx.SourceSize</c> bytes through a small scratch buffer,
    /// converting each chunk with <paramref name="convert"/> (which returns the index of an element it
    /// cannot represent, or -1).
    /// </summary>
    private static T[] ReadConverted<T>(Context ctx, Converter<T> convert) where T : unmanaged
    {
        int size = ctx.SourceSize;
        int count = ctx.Count;
        int chunk = InitialChunkBytes / Unsafe.SizeOf<T>();
        var data = new T[ctx.Known ? count : Math.Min(count, chunk)];
        var scratch = new byte[ScratchBytes / 8 * 8];
        int done = 0, pending = 0;
        while (done < count)
        {
            int want = (int)Math.Min(scratch.Length, (long)(count - done) * size);
            int n = ctx.ReadSome(scratch.AsSpan(pending, want - pending));
            if (n == 0)
            {
                throw ctx.LengthMismatch((long)count * size, (long)done * size + pending);
            }
            pending += n;
            int elements = pending / size;
            if (elements == 0)
            {
                continue;
            }
            if (done + elements > data.Length)
            {
                Array.Resize(ref data, (int)Math.Min(count, Math.Max(2L * data.Length, done + elements)));
            }
            int bad = convert(scratch.AsSpan(0, elements * size), data.AsSpan(done, elements));
            if (bad >= 0)
            {
                throw ctx.OutOfRange(done + bad, scratch.AsSpan(bad * size, size));
            }
            done += elements;
            int rest = pending - elements * size;
            scratch.AsSpan(elements * size, rest).CopyTo(scratch);
            pending = rest;
        }
        return data;
    }

    private delegate int Converter<T>(Span<byte> source, Span<T> destination);

    /// <summary>Converts floats of type <typeparamref name="T"/> (half, double) to float32, swapping byte order first when asked.</summary>
    private static Converter<float> FloatsFrom<T>(bool swap) where T : unmanaged, IFloatingPointIeee754<T> => (src, dst) =>
    {
        var values = NativeOrder<T>(src, swap);
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = float.CreateTruncating(values[i]);
        }
        return -1;
    };

    /// <summary>Converts integers of type <typeparamref name="T"/> to int32; returns the index of the first value outside its range, or -1.</summary>
    private static Converter<int> IntsFrom<T>(bool swap) where T : unmanaged, IBinaryInteger<T> => (src, dst) =>
    {
        var values = NativeOrder<T>(src, swap);
        for (int i = 0; i < dst.Length; i++)
        {
            int v = int.CreateSaturating(values[i]);
            if (T.CreateTruncating(v) != values[i])
            {
                return i;
            }
            dst[i] = v;
        }
        return -1;
    };

    /// <summary>The bytes as elements of <typeparamref name="T"/> in this machine's order (reversing each element in place when stored the other way).</summary>
    private static ReadOnlySpan<T> NativeOrder<T>(Span<byte> src, bool swap) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        if (swap)
        {
            for (int i = 0; i + size <= src.Length; i += size)
            {
                src.Slice(i, size).Reverse();
            }
        }
        return MemoryMarshal.Cast<byte, T>(src);
    }

    // ---- errors and I/O ----

    private static string ShapeText(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < shape.Length; i++)
        {
            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
            if (i < shape.Length - 1 || shape.Length == 1)
            {
                sb.Append(shape.Length == 1 ? "," : ", ");
            }
        }
        return sb.Append(')').ToString();
    }

    private static InvalidDataException Error(string message, string hint, Exception? inner = null)
        => new(hint.Length == 0 ? message : message + " " + hint, inner);

    /// <summary>The stream being read, its name for messages, and what the header declared.</summary>
    private sealed class Context(Stream stream, string where, string hint)
    {
        public string Where { get; } = where;
        public int Count { get; set; }
        public int[] Shape { get; set; } = [];
        public string Descr { get; set; } = "";
        public int SourceSize { get; set; }
        public long HeaderBytes { get; set; }
        public bool Known { get; set; }

        public InvalidDataException Fail(string message, Exception? inner = null) => Error(message, hint, inner);

        /// <summary>Reads some bytes (0 only at the end); a decompression failure names the file.</summary>
        public int ReadSome(Span<byte> buffer)
        {
            try
            {
                return stream.Read(buffer);
            }
            catch (InvalidDataException ex)
            {
                throw Fail($"'{Where}' is corrupt: its compressed data cannot be decompressed ({ex.Message}).", ex);
            }
        }

        /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
        public int ReadFull(Span<byte> buffer) => SafeFile.ReadFull(stream, buffer, Where, hint);

        public InvalidDataException LengthMismatch(long expected, long actual)
        {
            var ci = CultureInfo.InvariantCulture;
            var what = string.Format(ci, "'{0}' data for shape {1} ({2:N0} elements of {3} bytes)",
                Descr, ShapeText(Shape), Count, SourceSize);
            if (actual < expected)
            {
                return Fail(string.Format(ci,
                    "'{0}' is truncated: expected {1:N0} bytes of {2} after the {3:N0}-byte header, found {4:N0} ({5:N0} missing).",
                    Where, expected, what, HeaderBytes, actual, expected - actual));
            }
            return Fail(string.Format(ci,
                "'{0}' is corrupt: expected {1:N0} bytes of {2} after the {3:N0}-byte header, found {4:N0} ({5:N0} extra).",
                Where, expected, what, HeaderBytes, actual, actual - expected));
        }

        public InvalidDataException OutOfRange(int flat, ReadOnlySpan<byte> raw)
        {
            // The converter has already put the element in this machine's byte order.
            string value = (Descr.Contains('u'), raw.Length) switch
            {
                (true, 8) => MemoryMarshal.Read<ulong>(raw).ToString(CultureInfo.InvariantCulture),
                (true, _) => MemoryMarshal.Read<uint>(raw).ToString(CultureInfo.InvariantCulture),
                _ => MemoryMarshal.Read<long>(raw).ToString(CultureInfo.InvariantCulture),
            };
            var index = new int[Shape.Length];
            int rest = flat;
            for (int axis = Shape.Length - 1; axis >= 0; axis--)
            {
                index[axis] = rest % Shape[axis];
                rest /= Shape[axis];
            }
            return Fail(string.Format(CultureInfo.InvariantCulture,
                "'{0}' holds dtype '{1}' and its element {2} (flat index {3:N0}) is {4}, outside the int32 range [{5}, {6}] it is read into.",
                Where, Descr, ShapeText(index), flat, value, int.MinValue, int.MaxValue));
        }
    }
}
