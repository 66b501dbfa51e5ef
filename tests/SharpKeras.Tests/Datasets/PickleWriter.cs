using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SharpKeras.Tests.Datasets;

/// <summary>
/// Writes pickles in the shape Python and NumPy write them for Keras's dataset files: protocol 2 with Python 2
/// byte strings (CIFAR's batches) or protocol 3 (the object arrays of imdb.npz / reuters.npz), arrays through
/// numpy.core.multiarray._reconstruct, numpy.ndarray and numpy.dtype as ndarray.__reduce__ gives them.
/// </summary>
internal sealed class PickleWriter
{
    private readonly MemoryStream _out = new();
    private readonly bool _py2;
    private int _memo;

    public PickleWriter(bool py2)
    {
        _py2 = py2;
        _out.WriteByte(0x80);
        _out.WriteByte(py2 ? (byte)2 : (byte)3);
    }

    public PickleWriter Op(char c)
    {
        _out.WriteByte((byte)c);
        return this;
    }

    public PickleWriter Raw(params byte[] b)
    {
        _out.Write(b);
        return this;
    }

    /// <summary>BINPUT, as the pickler memoizes each object.</summary>
    public PickleWriter Put()
    {
        if (_memo < 256)
        {
            Raw((byte)'q', (byte)_memo++);
        }
        else
        {
            var b = new byte[5];
            b[0] = (byte)'r';
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(1), (uint)_memo++);
            Raw(b);
        }
        return this;
    }

    public PickleWriter Int(long v)
    {
        if (v is >= 0 and < 256)
        {
            return Raw((byte)'K', (byte)v);
        }
        if (v is >= 0 and < 65536)
        {
            return Raw((byte)'M', (byte)v, (byte)(v >> 8));
        }
        var b = new byte[5];
        b[0] = (byte)'J';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(1), (int)v);
        return Raw(b);
    }

    /// <summary>A Python 2 str (SHORT_BINSTRING / BINSTRING) or, in protocol 3, bytes (SHORT_BINBYTES / BINBYTES).</summary>
    public PickleWriter Bytes(byte[] data)
    {
        if (data.Length < 256)
        {
            Raw(_py2 ? (byte)'U' : (byte)'C', (byte)data.Length);
        }
        else
        {
            var b = new byte[5];
            b[0] = _py2 ? (byte)'T' : (byte)'B';
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(1), data.Length);
            Raw(b);
        }
        Raw(data);
        return Put();
    }

    /// <summary>A text string: bytes in Python 2, BINUNICODE in protocol 3.</summary>
    public PickleWriter Str(string s)
    {
        if (_py2)
        {
            return Bytes(Encoding.Latin1.GetBytes(s));
        }
        var data = Encoding.UTF8.GetBytes(s);
        var b = new byte[5];
        b[0] = (byte)'X';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(1), data.Length);
        Raw(b).Raw(data);
        return Put();
    }

    public PickleWriter Global(string module, string name) => Raw(Encoding.ASCII.GetBytes($"c{module}\n{name}\n")).Put();

    public PickleWriter Bool(bool v) => Raw(v ? (byte)0x88 : (byte)0x89);

    /// <summary>A numpy array as ndarray.__reduce__ pickles it; <paramref name="data"/> writes the raw bytes or the list of objects.</summary>
    public PickleWriter NdArray(int[] shape, string kind, char byteOrder, Action<PickleWriter> data, string module = "numpy.core.multiarray")
    {
        Global(module, "_reconstruct").Global("numpy", "ndarray").Int(0).Raw(0x85).Put().Bytes("b"u8.ToArray()).Raw(0x87).Put().Op('R').Put();
        Op('(').Int(1);
        foreach (var d in shape)
        {
            Int(d);
        }
        Raw(shape.Length == 1 ? (byte)0x85 : (byte)0x86).Put();
        Global("numpy", "dtype").Str(kind).Bool(false).Bool(true).Raw(0x87).Put().Op('R').Put();
        Op('(').Int(3).Str(byteOrder.ToString()).Op('N').Op('N').Op('N').Int(-1).Int(-1).Int(kind[0] == 'O' ? 63 : 0).Op('t').Put().Op('b');
        Bool(false);
        data(this);
        return Op('t').Put().Op('b');
    }

    /// <summary>A list of ints (EMPTY_LIST, MARK, ints, APPENDS), as the pickler batches list items.</summary>
    public PickleWriter IntList(IEnumerable<int> values)
    {
        Op(']').Put();
        var all = values.ToList();
        for (int i = 0; i < all.Count; i += 1000)
        {
            Op('(');
            foreach (var v in all.Skip(i).Take(1000))
            {
                Int(v);
            }
            Op('e');
        }
        return this;
    }

    public byte[] Finish()
    {
        Op('.');
        return _out.ToArray();
    }

    /// <summary>A .npy file (version 1.0) holding an object array: header, then the pickle.</summary>
    public static byte[] ObjectNpy(int count, byte[] pickle)
    {
        var header = $"{{'descr': '|O', 'fortran_order': False, 'shape': ({count},), }}";
        header = header.PadRight(((header.Length + 11) / 64 + 1) * 64 - 11) + "\n";
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        ms.Write(BitConverter.GetBytes((ushort)header.Length));
        ms.Write(Encoding.Latin1.GetBytes(header));
        ms.Write(pickle);
        return ms.ToArray();
    }

    /// <summary>A .npy file of int64 values of the given shape.</summary>
    public static byte[] Int64Npy(long[] values) => NumericNpy("<i8", [values.Length], values.SelectMany(BitConverter.GetBytes).ToArray());

    /// <summary>A .npy file of float64 values of the given shape.</summary>
    public static byte[] Float64Npy(double[] values, int[] shape) => NumericNpy("<f8", shape, values.SelectMany(BitConverter.GetBytes).ToArray());

    private static byte[] NumericNpy(string descr, int[] shape, byte[] data)
    {
        var dims = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}";
        header = header.PadRight(((header.Length + 11) / 64 + 1) * 64 - 11) + "\n";
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        ms.Write(BitConverter.GetBytes((ushort)header.Length));
        ms.Write(Encoding.Latin1.GetBytes(header));
        ms.Write(data);
        return ms.ToArray();
    }

    /// <summary>Writes an .npz (zip of .npy entries) as np.savez does.</summary>
    public static void Npz(string path, params (string Name, byte[] Npy)[] arrays)
    {
        using var fs = File.Create(path);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        foreach (var (name, npy) in arrays)
        {
            using var s = zip.CreateEntry(name + ".npy").Open();
            s.Write(npy);
        }
    }

    /// <summary>An object array of int lists, pickled as NumPy 1.x writes it (protocol 3).</summary>
    public static byte[] SequencesNpy(int[][] seqs)
    {
        var w = new PickleWriter(py2: false);
        w.NdArray([seqs.Length], "O8", '|', p =>
        {
            p.Op(']').Put().Op('(');
            foreach (var s in seqs)
            {
                p.IntList(s);
            }
            p.Op('e');
        });
        return ObjectNpy(seqs.Length, w.Finish());
    }
}
