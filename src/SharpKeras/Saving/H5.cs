using PureHDF;
using PureHDF.VOL.Native;

namespace SharpKeras.Saving;

/// <summary>HDF5 reads and writes shared by the weight files: tensors as datasets, strings as attributes.</summary>
internal static class H5
{
    /// <summary>A dataset holding <paramref name="t"/> with its shape (float32, or int32 for integer tensors; scalars as scalars).</summary>
    public static H5Dataset Dataset(Tensor t)
    {
        if (t.Rank == 0)
        {
            return t.DType == DType.Int32 ? new H5Dataset(t.GetInt(0)) : new H5Dataset(t.GetFloat(0));
        }
        var dims = t.Shape.ToArray().Select(d => (ulong)d).ToArray();
        return t.DType == DType.Int32
            ? new H5Dataset(t.ToInt32Array(), fileDims: dims)
            : new H5Dataset(t.Cast(DType.Float32).ToArray(), fileDims: dims);
    }

    /// <summary>Reads a numeric dataset as a tensor (float32; integer datasets as int32), naming <paramref name="path"/> on failure.</summary>
    public static Tensor Read(IH5Dataset ds, string path)
    {
        int[] shape;
        IH5DataType type;
        try
        {
            shape = CheckedShape(ds.Space.Dimensions, (type = ds.Type).Size, path);
        }
        catch (Exception e) when (e is not (FormatException or OutOfMemoryException))
        {
            throw new FormatException($"{path}: the dataset's header cannot be read ({e.Message}); the file is corrupt or truncated.", e);
        }
        try
        {
            // A scalar dataset (a count, an iteration) comes back rank 0, as the variable it was written from.
            var t = ReadValues(ds, type, shape, path);
            return shape.Length == 0 ? t.View(Shape.Scalar) : t;
        }
        catch (Exception e) when (e is not FormatException)
        {
            throw new FormatException($"{path}: the dataset cannot be read ({e.Message}); the file is corrupt or truncated.", e);
        }
    }

    private static Tensor ReadValues(IH5Dataset ds, IH5DataType type, int[] shape, string path)
    {
        switch (type.Class)
        {
            case H5DataTypeClass.FloatingPoint when type.Size == 4:
                return Tensor.FromArray(ds.Read<float[]>(), shape);
            case H5DataTypeClass.FloatingPoint when type.Size == 8:
                return Tensor.FromArray(ds.Read<double[]>().Select(d => (float)d).ToArray(), shape);
            case H5DataTypeClass.FixedPoint when type.Size == 4:
                return Tensor.FromArray(ds.Read<int[]>(), shape);
            case H5DataTypeClass.FixedPoint when type.Size == 8:
                return Tensor.FromArray(ds.Read<long[]>().Select(v => checked((int)v)).ToArray(), shape);
            default:
                throw new FormatException($"{path}: dataset of type {type.Class} ({type.Size} bytes) is not a float32/float64/int32/int64 array.");
        }
    }

    /// <summary>
    /// The dataset's dimensions as a shape, refused before anything is allocated when they overflow or
    /// would inflate past <see cref="LoadLimits.MaxEntryBytes"/>.
    /// </summary>
    private static int[] CheckedShape(ulong[] dims, int itemSize, string path)
    {
        var shape = new int[dims.Length];
        ulong count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] > int.MaxValue)
            {
                throw new FormatException($"{path}: dimension {i} of the dataset is {dims[i]:N0}, larger than {int.MaxValue:N0}; the file is corrupt.");
            }
            shape[i] = (int)dims[i];
            count = dims[i] == 0 ? 0 : count > ulong.MaxValue / dims[i] ? ulong.MaxValue : count * dims[i];
        }
        ulong bytes = count > ulong.MaxValue / (ulong)Math.Max(itemSize, 1) ? ulong.MaxValue : count * (ulong)Math.Max(itemSize, 1);
        if (count > (ulong)Array.MaxLength || bytes > (ulong)LoadLimits.MaxEntryBytes)
        {
            throw new FormatException($"{path}: the dataset declares shape ({string.Join(", ", dims)}) of {itemSize}-byte items, more than the limit of {LoadLimits.MaxEntryBytes:N0} bytes (LoadLimits.MaxEntryBytes); the file is corrupt, or raise the limit if it is trusted.");
        }
        return shape;
    }

    /// <summary>A string attribute, or null when absent.</summary>
    public static string? StringAttribute(IH5Object obj, string name)
    {
        if (!obj.AttributeExists(name))
        {
            return null;
        }
        var a = obj.Attribute(name);
        return a.Space.Type == H5DataspaceType.Scalar ? a.Read<string>() : a.Read<string[]>().FirstOrDefault();
    }

    /// <summary>
    /// A string-list attribute as Keras's legacy files store it: whole, or split into numbered chunks
    /// (<c>name0</c>, <c>name1</c>, ...) when large; an empty list is stored as an empty float64 array.
    /// </summary>
    public static string[] StringListAttribute(IH5Object obj, string name)
    {
        if (obj.AttributeExists(name))
        {
            return ReadStrings(obj.Attribute(name));
        }
        var all = new List<string>();
        for (int i = 0; obj.AttributeExists(name + i); i++)
        {
            all.AddRange(ReadStrings(obj.Attribute(name + i)));
        }
        return [.. all];
    }

    private static string[] ReadStrings(IH5Attribute a)
    {
        if (a.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
        {
            // Keras writes an empty list as an empty float64 array.
            return a.Space.Dimensions.Aggregate(1UL, (x, y) => x * y) == 0 || a.Space.Rank > 0 && a.Space.Dimensions[0] == 0
                ? []
                : throw new FormatException($"Attribute '{a.Name}' should hold strings but holds {a.Type.Class}.");
        }
        return a.Space.Type == H5DataspaceType.Scalar ? [a.Read<string>()] : a.Read<string[]>();
    }

    /// <summary>Largest attribute Keras writes in one piece (HDF5's object header limit); larger lists are chunked.</summary>
    public const int ObjectHeaderLimit = 64512;

    /// <summary>Writes a string list as Keras's save_attributes_to_hdf5_group does: chunked past the header limit, empty as float64[0].</summary>
    public static void SetStringList(IDictionary<string, object> attributes, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            attributes[name] = Array.Empty<double>();
            return;
        }
        long bytes = values.Sum(v => (long)System.Text.Encoding.UTF8.GetByteCount(v));
        int chunks = 1;
        while (bytes / chunks > ObjectHeaderLimit)
        {
            chunks++;
        }
        if (chunks == 1)
        {
            attributes[name] = values.ToArray();
            return;
        }
        int per = (values.Count + chunks - 1) / chunks;
        for (int i = 0; i * per < values.Count; i++)
        {
            attributes[name + i] = values.Skip(i * per).Take(per).ToArray();
        }
    }

    /// <summary>The child group at a slash-separated path, created as needed.</summary>
    public static H5Group Child(H5Group parent, string path)
    {
        var g = parent;
        foreach (var part in path.Split('/'))
        {
            if (g.TryGetValue(part, out var existing))
            {
                g = existing as H5Group ?? throw new InvalidOperationException($"'{part}' is not a group.");
            }
            else
            {
                var created = new H5Group();
                g[part] = created;
                g = created;
            }
        }
        return g;
    }

    /// <summary>Opens an HDF5 file from bytes or a file, turning the library's failures into a clear message.</summary>
    public static NativeFile Open(Stream stream, string file)
    {
        try
        {
            CheckLength(stream, file);
            return H5File.Open(stream, leaveOpen: false);
        }
        catch (InvalidDataException)
        {
            stream.Dispose();
            throw;
        }
        catch (Exception e)
        {
            stream.Dispose();
            throw new InvalidDataException($"'{file}' is not a readable HDF5 file (truncated or corrupt): {e.Message}", e);
        }
    }

    private static readonly byte[] Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    /// <summary>
    /// Rejects a truncated file up front: the superblock records the end-of-file address, and a file
    /// shorter than that lost its tail (the HDF5 library's own "truncated file" check).
    /// </summary>
    private static void CheckLength(Stream stream, string file)
    {
        long length = stream.Length;
        var head = new byte[64];
        for (long at = 0; at + 8 <= length; at = at == 0 ? 512 : at * 2)
        {
            stream.Position = at;
            int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (n < 8 || !head.AsSpan(0, 8).SequenceEqual(Signature))
            {
                continue;
            }
            stream.Position = 0;
            int version = head[8];
            int offsets, eofAt;
            if (version is 0 or 1)
            {
                offsets = head[13];
                eofAt = 24 + (version == 1 ? 4 : 0) + 2 * offsets;
            }
            else
            {
                offsets = head[9];
                eofAt = 12 + 2 * offsets;
            }
            if (offsets is not (4 or 8) || eofAt + offsets > n)
            {
                throw new InvalidDataException($"'{file}' is not a readable HDF5 file: its superblock (version {version}) is damaged or cut short.");
            }
            long baseAddress = offsets == 8 ? BitConverter.ToInt64(head, eofAt - 2 * offsets) : BitConverter.ToUInt32(head, eofAt - 2 * offsets);
            long eof = offsets == 8 ? BitConverter.ToInt64(head, eofAt) : BitConverter.ToUInt32(head, eofAt);
            if (eof > 0 && baseAddress + eof > length)
            {
                throw new InvalidDataException($"'{file}' is a truncated HDF5 file: its superblock says it is {baseAddress + eof} bytes long, but it has {length}.");
            }
            return;
        }
        stream.Position = 0;
        throw new InvalidDataException($"'{file}' is not an HDF5 file (no HDF5 signature found).");
    }

    /// <summary>
    /// Runs a read of an HDF5 file, turning every failure other than the clear load errors
    /// (<see cref="InvalidDataException"/>, <see cref="FormatException"/>) into an InvalidDataException naming
    /// <paramref name="file"/>: the HDF5 library answers damaged structures with index, argument, overflow
    /// and (for forged object sizes) out-of-memory exceptions.
    /// </summary>
    public static T Guarded<T>(string file, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not (InvalidDataException or FormatException))
        {
            var why = e is OutOfMemoryException
                ? "it declares an object larger than memory allows"
                : e.Message;
            throw new InvalidDataException($"'{file}' cannot be read ({why}); the file is corrupt or truncated.", e);
        }
    }

    /// <summary><see cref="Guarded{T}"/> for reads without a result.</summary>
    public static void Guarded(string file, Action read) => Guarded(file, () =>
    {
        read();
        return true;
    });

    /// <summary>The group at <paramref name="path"/> or null.</summary>
    public static IH5Group? TryGroup(IH5Group parent, string path)
    {
        try
        {
            return parent.LinkExists(path) ? parent.Group(path) : null;
        }
        catch (Exception e)
        {
            throw new InvalidDataException($"{path}: the HDF5 structure cannot be read ({e.Message}); the file is corrupt or truncated.", e);
        }
    }
}
