using System.Text.Json.Nodes;
using SharpKeras.Models;

namespace SharpKeras.Serving;

/// <summary>One named tensor of a model's serving signature: dtype and shape with -1 for the batch and unknown sizes.</summary>
internal sealed record TensorSpec(string Name, DType DType, int[] Shape)
{
    /// <summary>The shape of one row (batch dimension removed).</summary>
    public int[] RowShape => Shape.Length == 0 ? [] : Shape[1..];

    /// <summary>TensorFlow's name of the dtype, as TF Serving's metadata reports it.</summary>
    public string TfDType => DType switch
    {
        DType.Int32 => "DT_INT32",
        DType.UInt8 => "DT_UINT8",
        DType.Bool => "DT_BOOL",
        _ => "DT_FLOAT",
    };
}

/// <summary>The inputs and outputs of a model as served: names, dtypes and shapes, read from the model's graph or config.</summary>
internal sealed class ModelSignature
{
    public required TensorSpec[] Inputs { get; init; }

    public required TensorSpec[] Outputs { get; init; }

    public static ModelSignature Of(Model model)
    {
        if (model.Inputs.Count > 0)
        {
            return new ModelSignature
            {
                Inputs = [.. model.Inputs.Select(t => new TensorSpec(t.Name, t.DType, t.Shape.ToArray()))],
                Outputs = [.. model.Outputs.Select(t => new TensorSpec(t.Layer.Name, t.DType, t.Shape.ToArray()))],
            };
        }
        if (model is Sequential seq && seq.InputShape is { } inShape)
        {
            var (name, dtype) = SequentialInput(seq);
            int[] outShape;
            try
            {
                outShape = seq.ComputeOutputShape(inShape).ToArray();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
            {
                outShape = [-1];
            }
            return new ModelSignature
            {
                Inputs = [new TensorSpec(name, dtype, inShape.ToArray())],
                Outputs = [new TensorSpec(seq.Layers.Count > 0 ? seq.Layers[^1].Name : "output_0", DType.Float32, outShape)],
            };
        }
        // A subclassed model declares nothing: accept any float32 input of any shape.
        return new ModelSignature
        {
            Inputs = [.. Enumerable.Range(0, model.InputCount).Select(i => new TensorSpec(model.InputCount == 1 ? "inputs" : $"input_{i}", DType.Float32, [-1]))],
            Outputs = [.. Enumerable.Range(0, model.OutputCount).Select(i => new TensorSpec($"output_{i}", DType.Float32, [-1]))],
        };
    }

    /// <summary>The name and dtype of a Sequential's InputLayer, as its Keras config records them.</summary>
    private static (string Name, DType DType) SequentialInput(Sequential seq)
    {
        var layers = seq.ToConfig()["config"]?["layers"] as JsonArray;
        if (layers is { Count: > 0 } && layers[0] is JsonObject first && (string?)first["class_name"] == "InputLayer" && first["config"] is JsonObject cfg)
        {
            var dtypeNode = cfg["dtype"];
            string? dtypeName = dtypeNode is JsonValue v ? (string?)v : (string?)dtypeNode?["config"]?["name"];
            var dtype = dtypeName switch
            {
                "int32" or "int64" or "int16" or "int8" or "uint16" or "uint32" => DType.Int32,
                "uint8" or "bool" => DType.UInt8,
                _ => DType.Float32,
            };
            return ((string?)cfg["name"] ?? "inputs", dtype);
        }
        return ("inputs", DType.Float32);
    }
}
