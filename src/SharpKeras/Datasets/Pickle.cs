using System.Buffers.Binary;
using System.Text;

namespace SharpKeras.Datasets;

/// <summary>
/// A minimal, safe reader of the Python pickles inside Keras's dataset files (CIFAR's batch files, the object
/// arrays of imdb.npz and reuters.npz): dicts, lists, tuples, ints, floats, strings, bytes, and NumPy arrays
/// rebuilt through exactly the globals Keras's own RestrictedUnpickler allows (numpy.ndarray, numpy.dtype,
/// multiarray._reconstruct). Nothing is ever called or imported: a pickle naming any other global is
/// rejected, and every length is checked against the bytes left before anything is allocated.
/// </summary>
internal sealed class Pickle
{
    /// <summary>A NumPy array rebuilt from a pickle: its shape, NumPy dtype string (e.g. "|u1", "&lt;i8", "|O") and contents.</summary>
    internal sealed class NdArray
    {
        public int[] Shape { get; set; } = [];
        public string Descr { get; set; } = "";
        public bool Fortran { get; set; }
        public byte[]? Data { get; set; }
        public List<object?>? Objects { get; set; }

        public long Count => Shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>A NumPy dtype rebuilt from a pickle ("u1", "i8", "O" with the byte order of its state).</summary>
    internal sealed class NdDType(string kind)
    {
        public string Kind { get; } = kind;
        public char ByteOrder { get; set; } = '|';
        public string Descr => Kind[0] == 'O' ? "|O" : ByteOrder + Kind;
    }

    private sealed record Global(string Module, string Name);

    private static readonly HashSet<(string, string)> Allowed =
    [
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    ];

    private static readonly object Mark = new();

    private readonly Stream _stream;
    private readonly string _where;
    private readonly string _hint;
    private long _remaining;
    private readonly List<object?> _stack = [];
    private readonly Dictionary<long, object?> _memo = [];

    private Pickle(Stream stream, long length, string where, string hint)
    {
        _stream = stream;
        _remaining = length;
        _where = where;
        _hint = hint;
    }

    /// <summary>Reads one pickled object from the next <paramref name="length"/> bytes of <paramref name="stream"/>.</summary>
    public static object? Load(Stream stream, long length, string where, string hint) => new Pickle(stream, length, where, hint).Run();

    private InvalidDataException Fail(string message) => new($"'{_where}' is not a valid pickle for a Keras dataset: {message} {_hint}".TrimEnd());

    private byte[] Bytes(long n)
    {
        if (n < 0 || n > _remaining || n > Array.MaxLength)
        {
            throw Fail($"a field declares {n:N0} bytes but only {_remaining:N0} remain (truncated or corrupt).");
        }
        var buffer = new byte[n];
        int got = _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (got < n)
        {
            throw Fail($"truncated: expected {n:N0} more bytes, found {got:N0}.");
        }
        _remaining -= n;
        return buffer;
    }

    private byte Byte() => Bytes(1)[0];

    private string Line()
    {
        var sb = new StringBuilder();
        while (true)
        {
            byte b = Byte();
            if (b == '\n')
            {
                return sb.ToString();
            }
            if (sb.Length > 256)
            {
                throw Fail("a text field is longer than 256 characters.");
            }
            sb.Append((char)b);
        }
    }

    private object? Pop()
    {
        if (_stack.Count == 0)
        {
            throw Fail("the stack is empty where an object was expected.");
        }
        var v = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        if (ReferenceEquals(v, Mark))
        {
            throw Fail("a mark was found where an object was expected.");
        }
        return v;
    }

    private object? Peek() => _stack.Count == 0 ? throw Fail("the stack is empty.") : _stack[^1];

    /// <summary>Everything above the topmost mark, in order; the mark is removed.</summary>
    private List<object?> PopMark()
    {
        int m = _stack.FindLastIndex(o => ReferenceEquals(o, Mark));
        if (m < 0)
        {
            throw Fail("no mark on the stack.");
        }
        var items = _stack.GetRange(m + 1, _stack.Count - m - 1);
        _stack.RemoveRange(m, _stack.Count - m);
        return items;
    }

    private static int Int(long v, string what, Pickle p) => v is >= int.MinValue and <= int.MaxValue ? (int)v : throw p.Fail($"{what} {v} is out of range.");

    private object? Run()
    {
        while (true)
        {
            byte op = Byte();
            switch (op)
            {
                case 0x80: // PROTO
                    if (Byte() > 5)
                    {
                        throw Fail("unsupported pickle protocol.");
                    }
                    break;
                case 0x95: // FRAME: only a hint for buffering
                    Bytes(8);
                    break;
                case (byte)'.': // STOP
                    return Pop();
                case (byte)'(':
                    _stack.Add(Mark);
                    break;
                case (byte)'0':
                    Pop();
                    break;
                case (byte)'1':
                    PopMark();
                    break;
                case (byte)'2':
                    _stack.Add(Peek());
                    break;
                case (byte)'N':
                    _stack.Add(null);
                    break;
                case 0x88:
                    _stack.Add(true);
                    break;
                case 0x89:
                    _stack.Add(false);
                    break;
                case (byte)'J':
                    _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4)));
                    break;
                case (byte)'K':
                    _stack.Add((long)Byte());
                    break;
                case (byte)'M':
                    _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2)));
                    break;
                case 0x8a: // LONG1
                {
                    int n = Byte();
                    if (n > 8)
                    {
                        throw Fail($"an integer of {n} bytes is larger than 64 bits.");
                    }
                    var b = Bytes(n);
                    long v = 0;
                    for (int i = n - 1; i >= 0; i--)
                    {
                        v = (v << 8) | b[i];
                    }
                    if (n is > 0 and < 8 && (b[n - 1] & 0x80) != 0)
                    {
                        v -= 1L << (8 * n);
                    }
                    _stack.Add(v);
                    break;
                }
                case (byte)'G':
                    _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8)));
                    break;
                case (byte)'T': // BINSTRING (Python 2 str: bytes, as Keras reads with encoding="bytes")
                    _stack.Add(Bytes(BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))));
                    break;
                case (byte)'U':
                    _stack.Add(Bytes(Byte()));
                    break;
                case (byte)'B':
                    _stack.Add(Bytes(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))));
                    break;
                case (byte)'C':
                    _stack.Add(Bytes(Byte()));
                    break;
                case 0x8e:
                    _stack.Add(Bytes(BinaryPrimitives.ReadInt64LittleEndian(Bytes(8))));
                    break;
                case (byte)'X':
                    _stack.Add(Utf8(Bytes(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))));
                    break;
                case 0x8c:
                    _stack.Add(Utf8(Bytes(Byte())));
                    break;
                case 0x8d:
                    _stack.Add(Utf8(Bytes(BinaryPrimitives.ReadInt64LittleEndian(Bytes(8)))));
                    break;
                case (byte)')':
                    _stack.Add(Array.Empty<object?>());
                    break;
                case (byte)'t':
                    _stack.Add(PopMark().ToArray());
                    break;
                case 0x85:
                    _stack.Add(new[] { Pop() });
                    break;
                case 0x86:
                {
                    var b = Pop();
                    var a = Pop();
                    _stack.Add(new[] { a, b });
                    break;
                }
                case 0x87:
                {
                    var c = Pop();
                    var b = Pop();
                    var a = Pop();
                    _stack.Add(new[] { a, b, c });
                    break;
                }
                case (byte)']':
                    _stack.Add(new List<object?>());
                    break;
                case (byte)'l':
                    _stack.Add(PopMark());
                    break;
                case (byte)'a':
                {
                    var v = Pop();
                    AsList(Peek()).Add(v);
                    break;
                }
                case (byte)'e':
                {
                    var items = PopMark();
                    AsList(Peek()).AddRange(items);
                    break;
                }
                case (byte)'}':
                    _stack.Add(new PyDict());
                    break;
                case (byte)'d':
                {
                    var items = PopMark();
                    var d = new PyDict();
                    AddPairs(d, items);
                    _stack.Add(d);
                    break;
                }
                case (byte)'s':
                {
                    var v = Pop();
                    var k = Pop();
                    AsDict(Peek()).Add(k, v);
                    break;
                }
                case (byte)'u':
                {
                    var items = PopMark();
                    AddPairs(AsDict(Peek()), items);
                    break;
                }
                case (byte)'c':
                {
                    string module = Line(), name = Line();
                    _stack.Add(CheckGlobal(module, name));
                    break;
                }
                case 0x93:
                {
                    var name = Pop() as string;
                    var module = Pop() as string;
                    if (name is null || module is null)
                    {
                        throw Fail("STACK_GLOBAL needs two strings.");
                    }
                    _stack.Add(CheckGlobal(module, name));
                    break;
                }
                case (byte)'R':
                {
                    var args = Pop() as object?[] ?? throw Fail("REDUCE needs a tuple of arguments.");
                    var callable = Pop() as Global ?? throw Fail("REDUCE needs an allowed global.");
                    _stack.Add(Reduce(callable, args));
                    break;
                }
                case (byte)'b':
                {
                    var state = Pop();
                    Build(Peek(), state);
                    break;
                }
                case (byte)'q':
                    _memo[Byte()] = Peek();
                    break;
                case (byte)'r':
                    _memo[BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))] = Peek();
                    break;
                case 0x94:
                    if (_memo.Count > 100_000_000)
                    {
                        throw Fail("too many memo entries.");
                    }
                    _memo[_memo.Count] = Peek();
                    break;
                case (byte)'h':
                    _stack.Add(Memo(Byte()));
                    break;
                case (byte)'j':
                    _stack.Add(Memo(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))));
                    break;
                case (byte)'p':
                    _memo[long.Parse(Line(), System.Globalization.CultureInfo.InvariantCulture)] = Peek();
                    break;
                case (byte)'g':
                    _stack.Add(Memo(long.Parse(Line(), System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                default:
                    throw Fail($"opcode 0x{op:x2} is not one a Keras dataset pickle uses.");
            }
        }
    }

    private object? Memo(long key) => _memo.TryGetValue(key, out var v) ? v : throw Fail($"memo entry {key} is used before it is stored.");

    private string Utf8(byte[] b)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(b);
        }
        catch (DecoderFallbackException)
        {
            throw Fail("a string is not valid UTF-8.");
        }
    }

    private List<object?> AsList(object? o) => o as List<object?> ?? throw Fail("APPEND on something that is not a list.");

    private PyDict AsDict(object? o) => o as PyDict ?? throw Fail("SETITEM on something that is not a dict.");

    private void AddPairs(PyDict d, List<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw Fail("a dict has an odd number of keys and values.");
        }
        for (int i = 0; i < items.Count; i += 2)
        {
            d.Add(items[i], items[i + 1]);
        }
    }

    private Global CheckGlobal(string module, string name) => Allowed.Contains((module, name))
        ? new Global(module, name)
        : throw Fail($"it refers to '{module}.{name}', which a Keras dataset file never needs; refusing to load it (the file may be corrupt or malicious).");

    private object Reduce(Global g, object?[] args)
    {
        if (g.Name == "_reconstruct")
        {
            if (args.Length != 3 || args[0] is not Global { Name: "ndarray" })
            {
                throw Fail("_reconstruct must rebuild a numpy.ndarray.");
            }
            return new NdArray();
        }
        if (g.Name == "dtype")
        {
            // Python 2 pickles (CIFAR's) hold the type as bytes, read with encoding="bytes" as Keras does.
            var kind = args.Length < 1 ? null : args[0] is byte[] b ? Encoding.Latin1.GetString(b) : args[0] as string;
            if (kind is null || kind.Length is 0 or > 4)
            {
                throw Fail("numpy.dtype needs a type string such as 'u1'.");
            }
            return new NdDType(kind);
        }
        throw Fail($"'{g.Module}.{g.Name}' cannot be called.");
    }

    private void Build(object? target, object? state)
    {
        switch (target)
        {
            case NdDType dt when state is object?[] { Length: >= 2 } s && (s[1] is string { Length: 1 } || s[1] is byte[] { Length: 1 }):
                dt.ByteOrder = s[1] is string order ? order[0] : (char)((byte[])s[1]!)[0];
                break;
            case NdArray a when state is object?[] { Length: 5 } s:
            {
                if (s[1] is not object?[] dims || s[2] is not NdDType dtype || (s[3] is not bool && s[3] is not (long)0 and not (long)1))
                {
                    throw Fail("an array's state is not (version, shape, dtype, fortran_order, data).");
                }
                a.Shape = [.. dims.Select(d => d is long v && v >= 0 ? Int(v, "array dimension", this) : throw Fail("an array dimension is not a non-negative integer."))];
                a.Descr = dtype.Descr;
                a.Fortran = s[3] is true or (long)1;
                if (a.Fortran && a.Shape.Count(d => d > 1) > 1)
                {
                    throw Fail("a Fortran-ordered array is not what Keras's dataset files hold.");
                }
                if (s[4] is byte[] raw)
                {
                    a.Data = raw;
                }
                else if (s[4] is List<object?> objects)
                {
                    a.Objects = objects;
                }
                else
                {
                    throw Fail("an array's data is neither bytes nor a list.");
                }
                break;
            }
            default:
                throw Fail($"BUILD on {target?.GetType().Name ?? "None"} is not supported.");
        }
    }

    /// <summary>A Python dict; keys are str, bytes or int, looked up by text (bytes keys as Latin-1, as Keras decodes CIFAR's keys).</summary>
    internal sealed class PyDict
    {
        private readonly Dictionary<string, object?> _items = new(StringComparer.Ordinal);

        public void Add(object? key, object? value)
        {
            string k = key switch
            {
                string s => s,
                byte[] b => Encoding.Latin1.GetString(b),
                long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => throw new InvalidDataException("A pickled dict has a key that is not a string, bytes or integer."),
            };
            _items[k] = value;
        }

        public bool TryGet(string key, out object? value) => _items.TryGetValue(key, out value);

        public IEnumerable<string> Keys => _items.Keys;
    }
}
