using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SharpKeras.Saving;
using SharpKeras.Tests.Datasets;

namespace SharpKeras.Tests.Saving;

public sealed class NumpyFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sharpkeras-npy-" + Guid.NewGuid().ToString("N")[..8]);

    public NumpyFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string WriteRaw(string name, byte[] bytes)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Npy(string descr, int[] shape, byte[] data, bool fortran = false, int major = 1)
        => IdxTestFiles.Npy(descr, fortran, shape, data, major);

    private static byte[] Doubles(bool bigEndian, params double[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(8 * i), values[i]);
            }
            else
            {
                BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(8 * i), values[i]);
            }
        }
        return bytes;
    }

    private static byte[] Longs(bool bigEndian, params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8 * i), values[i]);
            }
            else
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), values[i]);
            }
        }
        return bytes;
    }

    private static int Size(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>The header text of a saved file and its total header length (preamble included).</summary>
    private static (string Text, int Total) HeaderOf(byte[] file)
    {
        Assert.Equal(1, file[6]);
        Assert.Equal(0, file[7]);
        int length = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8));
        return (Encoding.ASCII.GetString(file, 10, length), 10 + length);
    }

    public static TheoryData<int[]> Shapes => new()
    {
        Array.Empty<int>(),
        new[] { 0 },
        new[] { 7 },
        new[] { 2, 3 },
        new[] { 2, 0, 3 },
        new[] { 2, 3, 4, 5 },
        new[] { 1000, 301 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float32RoundTrips(int[] shape)
    {
        var data = Enumerable.Range(0, Size(shape)).Select(i => i * 0.37f - 11f).ToArray();
        data.AsSpan().Slice(0, Math.Min(3, data.Length)).Fill(float.NaN);
        var tensor = shape.Length == 0 ? Tensor.Scalar(-2.5f) : Tensor.FromArray(data, shape);
        var path = PathOf("f.npy");

        NumpyFile.Save(path, tensor);
        var back = NumpyFile.Load(path);

        Assert.Equal(DType.Float32, back.DType);
        Assert.Equal(new Shape(shape), back.Shape);
        Assert.Equal(tensor.ToArray(), back.ToArray());
        var (text, total) = HeaderOf(File.ReadAllBytes(path));
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (", text);
        Assert.EndsWith("\n", text);
        Assert.Equal(0, total % 64);
        Assert.Equal(total + 4L * Size(shape), new FileInfo(path).Length);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Int32RoundTrips(int[] shape)
    {
        var data = Enumerable.Range(0, Size(shape)).Select(i => i % 2 == 0 ? i * 7919 : -i).ToArray();
        if (data.Length > 1)
        {
            data[0] = int.MinValue;
            data[1] = int.MaxValue;
        }
        var tensor = shape.Length == 0 ? Tensor.FromArray(new[] { 42 }, 1).View(Shape.Scalar) : Tensor.FromArray(data, shape);
        var path = PathOf("i.npy");

        NumpyFile.Save(path, tensor);
        var back = NumpyFile.Load(path);

        Assert.Equal(DType.Int32, back.DType);
        Assert.Equal(new Shape(shape), back.Shape);
        Assert.Equal(tensor.ToInt32Array(), back.ToInt32Array());
        Assert.Contains("'descr': '<i4'", HeaderOf(File.ReadAllBytes(path)).Text);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void UInt8RoundTrips(int[] shape)
    {
        var data = Enumerable.Range(0, Size(shape)).Select(i => (byte)(i * 31)).ToArray();
        var tensor = shape.Length == 0 ? Tensor.FromArray(new byte[] { 200 }, 1).View(Shape.Scalar) : Tensor.FromArray(data, shape);
        var path = PathOf("u.npy");

        NumpyFile.Save(path, tensor);
        var back = NumpyFile.Load(path);

        Assert.Equal(DType.UInt8, back.DType);
        Assert.Equal(new Shape(shape), back.Shape);
        Assert.Equal(tensor.ToByteArray(), back.ToByteArray());
        Assert.Contains("'descr': '|u1'", HeaderOf(File.ReadAllBytes(path)).Text);
    }

    [Fact]
    public void HeaderIsWhatNumpySaveWrites()
    {
        var path = PathOf("h.npy");
        NumpyFile.Save(path, Tensor.FromArray(new float[32], 32));

        var (text, total) = HeaderOf(File.ReadAllBytes(path));

        // np.save(np.zeros(32, 'f4')): dict, 19 spaces of room for the first axis, padding to 128 bytes, '\n'.
        Assert.Equal(128, total);
        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (32,), }".PadRight(117) + "\n", text);
    }

    [Fact]
    public void SavingAViewWritesOnlyTheView()
    {
        var tensor = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 4, 3).Slice(1, 2);
        var path = PathOf("view.npy");

        NumpyFile.Save(path, tensor);
        var back = NumpyFile.Load(path);

        Assert.Equal(new Shape(2, 3), back.Shape);
        Assert.Equal(new float[] { 3, 4, 5, 6, 7, 8 }, back.ToArray());
    }

    [Fact]
    public void SaveReplacesTheTargetAndLeavesNoTemporaryFile()
    {
        var path = PathOf("model_input.npy");
        File.WriteAllText(path, "old contents");

        NumpyFile.Save(path, Tensor.FromArray(new[] { 1f, 2f }, 2));

        Assert.Equal(new[] { 1f, 2f }, NumpyFile.Load(path).ToArray());
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));
    }

    [Fact]
    public void SaveIntoAMissingFolderFailsWithoutLeavingAnything()
    {
        var path = Path.Combine(_dir, "missing", "x.npy");

        Assert.ThrowsAny<IOException>(() => NumpyFile.Save(path, Tensor.FromArray(new[] { 1f }, 1)));

        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Float64IsReadAsFloat32(bool bigEndian)
    {
        var values = new[] { 1.5, -2.25, 1e10, 3.141592653589793, 0, double.NegativeInfinity };
        var path = WriteRaw("f8.npy", Npy(bigEndian ? ">f8" : "<f8", [2, 3], Doubles(bigEndian, values)));

        var t = NumpyFile.Load(path);

        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new Shape(2, 3), t.Shape);
        Assert.Equal(values.Select(v => (float)v).ToArray(), t.ToArray());
    }

    [Fact]
    public void Float64ScalarIsReadAsFloat32Scalar()
    {
        var path = WriteRaw("s.npy", Npy("<f8", [], Doubles(false, 0.1)));

        var t = NumpyFile.Load(path);

        Assert.Equal(Shape.Scalar, t.Shape);
        Assert.Equal(0.1f, t.Item());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Int64IsReadAsInt32(bool bigEndian)
    {
        var values = new long[] { 0, -1, int.MaxValue, int.MinValue, 9, 123456 };
        var path = WriteRaw("i8.npy", Npy(bigEndian ? ">i8" : "<i8", [3, 2], Longs(bigEndian, values)));

        var t = NumpyFile.Load(path);

        Assert.Equal(DType.Int32, t.DType);
        Assert.Equal(new Shape(3, 2), t.Shape);
        Assert.Equal(values.Select(v => (int)v).ToArray(), t.ToInt32Array());
    }

    [Fact]
    public void Int64OutsideInt32RangeIsRejectedWithItsIndex()
    {
        var path = WriteRaw("big.npy", Npy("<i8", [2, 3], Longs(false, 0, 1, 2, 3, 4_000_000_000, 5)));

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("'<i8'", ex.Message);
        Assert.Contains("(1, 1)", ex.Message);
        Assert.Contains("flat index 4", ex.Message);
        Assert.Contains("4000000000", ex.Message);
        Assert.Contains("int32", ex.Message);
    }

    [Fact]
    public void BoolIsReadAsUInt8ZeroOrOne()
    {
        var path = WriteRaw("b.npy", Npy("|b1", [2, 2], [1, 0, 0, 1]));

        var t = NumpyFile.Load(path);

        Assert.Equal(DType.UInt8, t.DType);
        Assert.Equal(new byte[] { 1, 0, 0, 1 }, t.ToByteArray());
    }

    [Fact]
    public void BigEndianFloat32AndInt32AreRead()
    {
        var f = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(f, 1.25f);
        BinaryPrimitives.WriteSingleBigEndian(f.AsSpan(4), -3f);
        var i = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(i, 7);
        BinaryPrimitives.WriteInt32BigEndian(i.AsSpan(4), -70000);

        Assert.Equal(new[] { 1.25f, -3f }, NumpyFile.Load(WriteRaw("bf.npy", Npy(">f4", [2], f))).ToArray());
        Assert.Equal(new[] { 7, -70000 }, NumpyFile.Load(WriteRaw("bi.npy", Npy(">i4", [2], i))).ToInt32Array());
    }

    [Fact]
    public void SmallIntegerTypesAreReadAsInt32()
    {
        Assert.Equal(new[] { -1, 127 }, NumpyFile.Load(WriteRaw("i1.npy", Npy("|i1", [2], [0xFF, 0x7F]))).ToInt32Array());
        Assert.Equal(new[] { 65535 }, NumpyFile.Load(WriteRaw("u2.npy", Npy("<u2", [1], [0xFF, 0xFF]))).ToInt32Array());
        Assert.Equal(new[] { -2 }, NumpyFile.Load(WriteRaw("i2.npy", Npy("<i2", [1], [0xFE, 0xFF]))).ToInt32Array());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Version2And3HeadersAreRead(int major)
    {
        var data = new byte[24];
        for (int i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), i + 0.5f);
        }
        var path = WriteRaw("v.npy", Npy("<f4", [2, 3], data, major: major));

        var t = NumpyFile.Load(path);

        Assert.Equal(new Shape(2, 3), t.Shape);
        Assert.Equal(new[] { 0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f }, t.ToArray());
    }

    [Fact]
    public void FortranOrderIsRejected()
    {
        var path = WriteRaw("fortran.npy", Npy("<f4", [2, 3], new byte[24], fortran: true));

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("Fortran", ex.Message);
        Assert.Contains("(2, 3)", ex.Message);
        Assert.Contains("C-order", ex.Message);
    }

    [Fact]
    public void FortranOrderOfAVectorIsTheSameLayoutAndIsRead()
    {
        var path = WriteRaw("fv.npy", Npy("|u1", [3], [1, 2, 3], fortran: true));

        Assert.Equal(new byte[] { 1, 2, 3 }, NumpyFile.Load(path).ToByteArray());
    }

    [Fact]
    public void TruncatedDataIsRejectedWithByteCounts()
    {
        var path = WriteRaw("short.npy", Npy("<f4", [10, 100], new byte[3990]));

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("4,000", ex.Message);
        Assert.Contains("3,990", ex.Message);
        Assert.Contains("10 missing", ex.Message);
        Assert.Contains("(10, 100)", ex.Message);
    }

    [Fact]
    public void TrailingBytesInAFileAreRejected()
    {
        var path = WriteRaw("long.npy", Npy("|u1", [4], [1, 2, 3, 4, 5, 6]));

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.Load(path));

        Assert.Contains("2 extra", ex.Message);
    }

    [Fact]
    public void BadMagicIsRejected()
    {
        var path = WriteRaw("bad.npy", "PK\x03\x04 definitely not numpy"u8.ToArray());

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("NUMPY", ex.Message);
        Assert.Contains("504B0304", ex.Message);
    }

    [Fact]
    public void UnknownVersionIsRejected()
    {
        var bytes = Npy("<f4", [1], new byte[4]);
        bytes[6] = 4;
        var path = WriteRaw("v4.npy", bytes);

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.Load(path));

        Assert.Contains("version 4.0", ex.Message);
        Assert.Contains("1.0, 2.0 and 3.0", ex.Message);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False}", "without 'shape'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x)}", "malformed")]
    [InlineData("{'descr': '<f4' 'fortran_order': False, 'shape': (2,)}", "malformed")]
    [InlineData("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,)}", "malformed")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (9999999999,)}", "larger than")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", "structured dtype")]
    public void MalformedHeadersAreRejected(string dict, string expected)
    {
        var header = Encoding.ASCII.GetBytes(dict.PadRight(117) + "\n");
        var bytes = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 }
            .Concat(header).Concat(new byte[8]).ToArray();
        var path = WriteRaw("malformed.npy", bytes);

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.Load(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("<c8")]
    [InlineData("<U3")]
    [InlineData("|O")]
    [InlineData("<f16")]
    public void UnsupportedDtypesAreRejected(string descr)
    {
        var path = WriteRaw("dtype.npy", Npy(descr, [1], new byte[16]));

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.Load(path));

        Assert.Contains($"'{descr}'", ex.Message);
        Assert.Contains("not supported", ex.Message);
        Assert.Contains("'<f4'", ex.Message);
    }

    [Fact]
    public void ReadLeavesTheStreamAfterTheArraySoConsecutiveArraysCanBeRead()
    {
        using var ms = new MemoryStream();
        NumpyFile.Write(ms, Tensor.FromArray(new[] { 1f, 2f }, 2));
        NumpyFile.Write(ms, Tensor.FromArray(new[] { 3, 4, 5 }, 3));
        ms.Position = 0;

        Assert.Equal(new[] { 1f, 2f }, NumpyFile.Read(ms, "two arrays").ToArray());
        Assert.Equal(new[] { 3, 4, 5 }, NumpyFile.Read(ms, "two arrays").ToInt32Array());
        Assert.Equal(ms.Length, ms.Position);
    }

    [Theory]
    [InlineData("<f4")]
    [InlineData("<f8")]
    [InlineData("<i8")]
    public void LargeArraysAreReadFromNonSeekableStreamsInOddSizedPieces(string descr)
    {
        const int n = 700_001;
        int size = descr[2] - '0';
        var data = new byte[n * size];
        for (int i = 0; i < n; i++)
        {
            switch (descr)
            {
                case "<f4": BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), i * 0.5f); break;
                case "<f8": BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8 * i), i * 0.5); break;
                default: BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(8 * i), i - 5); break;
            }
        }
        using var stream = new TricklingStream(Npy(descr, [n], data), maxRead: 65_539);

        var t = NumpyFile.Read(stream, "stream");

        Assert.Equal(new Shape(n), t.Shape);
        if (descr == "<i8")
        {
            var ints = t.ToInt32Array();
            Assert.Equal(-5, ints[0]);
            Assert.Equal(n - 6, ints[^1]);
            Assert.Equal(123_456 - 5, ints[123_456]);
        }
        else
        {
            var floats = t.ToArray();
            Assert.Equal(0f, floats[0]);
            Assert.Equal((n - 1) * 0.5f, floats[^1]);
            Assert.Equal(123_456 * 0.5f, floats[123_456]);
        }
    }

    [Theory]
    [InlineData("<f4")]
    [InlineData("<f8")]
    public void TruncatedNonSeekableStreamsReportByteCounts(string descr)
    {
        int size = descr[2] - '0';
        using var stream = new TricklingStream(Npy(descr, [1000], new byte[1000 * size - 3]), maxRead: 7);

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.Read(stream, "piped input"));

        Assert.Contains("'piped input' is truncated", ex.Message);
        Assert.Contains($"expected {1000 * size:N0} bytes", ex.Message);
        Assert.Contains($"found {1000 * size - 3:N0}", ex.Message);
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void NpzWithTwoArraysIsRead(CompressionLevel level)
    {
        var x = new byte[6 * 4];
        for (int i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(x.AsSpan(4 * i), i * 1.5f);
        }
        var npz = IdxTestFiles.WriteNpz(PathOf("pair.npz"),
        [
            ("x", Npy("<f4", [2, 3], x)),
            ("labels", Npy("<i8", [2], Longs(false, 4, 9))),
        ], level);

        var arrays = NumpyFile.LoadNpz(npz);

        Assert.Equal(new[] { "x", "labels" }, arrays.Keys.ToArray());
        Assert.Equal(new Shape(2, 3), arrays["x"].Shape);
        Assert.Equal(new[] { 0f, 1.5f, 3f, 4.5f, 6f, 7.5f }, arrays["x"].ToArray());
        Assert.Equal(DType.Int32, arrays["labels"].DType);
        Assert.Equal(new[] { 4, 9 }, arrays["labels"].ToInt32Array());
    }

    [Fact]
    public void CorruptNpzEntryIsNamed()
    {
        var npz = IdxTestFiles.WriteNpz(PathOf("bad.npz"),
        [
            ("good", Npy("|u1", [2], [1, 2])),
            ("broken", Npy("|u1", [5], [1, 2])),
        ], CompressionLevel.Optimal);

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.LoadNpz(npz));

        Assert.Contains(npz + ":broken.npy", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void NotAZipIsRejected()
    {
        var path = WriteRaw("plain.npz", Npy("|u1", [2], [1, 2]));

        var ex = Assert.Throws<InvalidDataException>(() => NumpyFile.LoadNpz(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("zip", ex.Message);
    }

    // ---- files written by the real NumPy / Keras (../shared/keras-refs), checked when present ----

    [KerasRefsFact]
    public void ReadsKerasReferenceArrays()
    {
        var refs = KerasRefs.Dir!;

        var input = NumpyFile.Load(Path.Combine(refs, "mlp_input.npy"));
        Assert.Equal(DType.Float32, input.DType);
        Assert.Equal(new Shape(32, 28, 28), input.Shape);
        var pixels = input.ToArray();
        Assert.All(pixels, p => Assert.InRange(p, 0f, 1f));
        Assert.Contains(pixels, p => p > 0.5f);

        var output = NumpyFile.Load(Path.Combine(refs, "mlp_output.npy"));
        Assert.Equal(DType.Float32, output.DType);
        Assert.Equal(new Shape(32, 10), output.Shape);
        var probabilities = output.ToArray();
        for (int row = 0; row < 32; row++)
        {
            Assert.Equal(1.0, probabilities.AsSpan(row * 10, 10).ToArray().Sum(), 4);
        }

        var labels = NumpyFile.Load(Path.Combine(refs, "mlp_input_labels.npy"));
        Assert.Equal(DType.Int32, labels.DType);
        Assert.Equal(new Shape(32), labels.Shape);
        Assert.All(labels.ToInt32Array(), l => Assert.InRange(l, 0, 9));

        var tokens = NumpyFile.Load(Path.Combine(refs, "lstm_gru_input.npy"));
        Assert.Equal(DType.Int32, tokens.DType);
        Assert.Equal(new Shape(8, 12), tokens.Shape);
        Assert.All(tokens.ToInt32Array(), t => Assert.InRange(t, 0, 99));
    }

    [KerasRefsTheory]
    [InlineData("mlp_input.npy")]
    [InlineData("mlp_output.npy")]
    [InlineData("lstm_gru_input.npy")]
    [InlineData("cnn_input.npy")]
    public void SavingAKerasReferenceArrayReproducesNumpysBytes(string name)
    {
        var refs = KerasRefs.Dir!;
        var original = Path.Combine(refs, name);
        var copy = PathOf(name);

        NumpyFile.Save(copy, NumpyFile.Load(original));

        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(copy));
    }

    /// <summary>A read-only, non-seekable stream that hands out at most <c>maxRead</c> bytes per read.</summary>
    private sealed class TricklingStream(byte[] data, int maxRead) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, maxRead), data.Length - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
