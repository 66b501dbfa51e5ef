using Google.Protobuf;
using SharpKeras.Export.Onnx;

namespace SharpKeras.Export;

/// <summary>
/// An ONNX graph under construction: nodes in topological order, weights as initializers, and names made
/// unique from the Keras layer names so that a node in Netron or an ORT error points at its layer.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly HashSet<string> _names = [];

    public GraphProto Proto { get; } = new();

    /// <summary>The layer whose nodes are being written; names and errors refer to it.</summary>
    public string Scope { get; set; } = "";

    /// <summary>A name not used before in the graph, starting with <paramref name="hint"/>.</summary>
    public string Unique(string hint)
    {
        string name = hint;
        for (int i = 1; !_names.Add(name); i++)
        {
            name = $"{hint}_{i}";
        }
        return name;
    }

    /// <summary>Adds a node and returns its (first) output name.</summary>
    public string Node(string op, IEnumerable<string> inputs, params (string Name, object Value)[] attributes) =>
        NodeMulti(op, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs and returns their names.</summary>
    public string[] NodeMulti(string op, IEnumerable<string> inputs, int outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Unique($"{Scope}/{op}") };
        node.Input.AddRange(inputs);
        var names = new string[outputs];
        for (int i = 0; i < outputs; i++)
        {
            names[i] = Unique($"{Scope}/{op}:{i}");
            node.Output.Add(names[i]);
        }
        foreach (var (name, value) in attributes)
        {
            node.Attribute.Add(Attribute(name, value));
        }
        Proto.Node.Add(node);
        return names;
    }

    /// <summary>Adds a node writing to an explicit output name (the graph outputs).</summary>
    public void NodeTo(string op, string input, string output)
    {
        var node = new NodeProto { OpType = op, Name = Unique($"{Scope}/{op}") };
        node.Input.Add(input);
        node.Output.Add(output);
        Proto.Node.Add(node);
    }

    /// <summary>A float32 initializer of the given shape (row-major data).</summary>
    public string Float(string hint, float[] data, params long[] dims)
    {
        long size = dims.Aggregate(1L, (a, b) => a * b);
        if (size != data.Length)
        {
            throw new InvalidOperationException($"ONNX export of '{Scope}': initializer '{hint}' has {data.Length} values for shape [{string.Join(", ", dims)}].");
        }
        var t = new TensorProto { Name = Unique($"{Scope}/{hint}"), DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        var bytes = new byte[data.Length * sizeof(float)];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX export writes little-endian raw_data and needs a little-endian machine.");
        }
        t.RawData = ByteString.CopyFrom(bytes);
        Proto.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>A float32 scalar initializer.</summary>
    public string Scalar(string hint, float value) => Float(hint, [value]);

    /// <summary>An int64 initializer (shapes, axes, pads given as inputs).</summary>
    public string Int64(string hint, params long[] data)
    {
        var t = new TensorProto { Name = Unique($"{Scope}/{hint}"), DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.Add(data.Length);
        t.Int64Data.AddRange(data);
        Proto.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>A graph input or output: float32 or int32 with the batch axis (and any unknown axis) symbolic.</summary>
    public static ValueInfoProto Value(string name, DType dtype, Shape shape)
    {
        var elem = dtype switch
        {
            DType.Float32 => TensorProto.Types.DataType.Float,
            DType.Int32 => TensorProto.Types.DataType.Int32,
            DType.UInt8 => TensorProto.Types.DataType.Uint8,
            DType.Bool => TensorProto.Types.DataType.Bool,
            _ => throw new NotSupportedException($"ONNX export: dtype {dtype} of '{name}' has no ONNX mapping here."),
        };
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)elem, Shape = new TensorShapeProto() };
        for (int i = 0; i < shape.Rank; i++)
        {
            tensor.Shape.Dim.Add(shape[i] >= 0 && i > 0
                ? new TensorShapeProto.Types.Dimension { DimValue = shape[i] }
                : new TensorShapeProto.Types.Dimension { DimParam = i == 0 ? "batch" : $"{name}_dim{i}" });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i:
                a.Type = AttributeProto.Types.AttributeType.Int;
                a.I = i;
                break;
            case long l:
                a.Type = AttributeProto.Types.AttributeType.Int;
                a.I = l;
                break;
            case float f:
                a.Type = AttributeProto.Types.AttributeType.Float;
                a.F = f;
                break;
            case string s:
                a.Type = AttributeProto.Types.AttributeType.String;
                a.S = ByteString.CopyFromUtf8(s);
                break;
            case long[] ls:
                a.Type = AttributeProto.Types.AttributeType.Ints;
                a.Ints.AddRange(ls);
                break;
            case int[] ints:
                a.Type = AttributeProto.Types.AttributeType.Ints;
                a.Ints.AddRange(ints.Select(v => (long)v));
                break;
            case float[] fs:
                a.Type = AttributeProto.Types.AttributeType.Floats;
                a.Floats.AddRange(fs);
                break;
            case string[] ss:
                a.Type = AttributeProto.Types.AttributeType.Strings;
                a.Strings.AddRange(ss.Select(ByteString.CopyFromUtf8));
                break;
            default:
                throw new InvalidOperationException($"ONNX export: attribute '{name}' has unsupported type {value.GetType().Name}.");
        }
        return a;
    }
}
