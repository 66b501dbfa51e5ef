using System.Reflection;
using Google.Protobuf;
using SharpKeras.Export.Onnx;
using SharpKeras.Layers;
using SharpKeras.Models;

namespace SharpKeras.Export;

/// <summary>
/// Writes a model as an ONNX file (Keras 3's <c>model.export(path, format="onnx")</c>): Sequential and
/// functional models, nested models inlined, the batch axis symbolic, inputs named after the model's input
/// layers and outputs after the layers that produce them. Inference only: Dropout is the identity and
/// BatchNormalization uses its moving statistics. Keras's channels_last tensors stay NHWC at the graph's edges;
/// convolutions and pooling transpose to ONNX's NCHW around each op.
/// </summary>
internal sealed partial class OnnxExporter
{
    /// <summary>The ONNX opset written (ai.onnx 17: LayerNormalization exists; Reduce* still take axes as attributes).</summary>
    public const int Opset = 17;

    /// <summary>The IR version that goes with opset 17.</summary>
    public const int IrVersion = 8;

    private readonly OnnxGraph _g = new();

    private OnnxExporter()
    {
    }

    /// <summary>Exports <paramref name="model"/> to <paramref name="path"/>.</summary>
    public static void Export(Model model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var proto = ToProto(model);
        using var stream = File.Create(path);
        proto.WriteTo(stream);
    }

    /// <summary>The ONNX model for <paramref name="model"/>, in memory.</summary>
    public static ModelProto ToProto(Model model)
    {
        var e = new OnnxExporter();
        var inputs = e.GraphInputs(model);
        foreach (var v in inputs)
        {
            e._g.Unique(v.Name);
            e._g.Proto.Input.Add(OnnxGraph.Value(v.Name, v.DType, v.Shape));
        }
        var outputs = e.EmitModel(model, inputs);
        var outputNames = OutputNames(model, outputs.Length);
        for (int i = 0; i < outputs.Length; i++)
        {
            string name = e._g.Unique(outputNames[i]);
            e._g.Scope = name;
            e._g.NodeTo("Identity", outputs[i].Name, name);
            e._g.Proto.Output.Add(OnnxGraph.Value(name, outputs[i].DType, outputs[i].Shape));
        }
        e._g.Proto.Name = model.Name;
        var m = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "SharpKeras",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            Graph = e._g.Proto,
        };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return m;
    }

    private OnnxValue[] GraphInputs(Model model)
    {
        if (model is Sequential seq)
        {
            var shape = seq.InputShape ?? throw new InvalidOperationException(
                $"ONNX export: Sequential model '{model.Name}' has no input shape yet; add Keras.Input(shape) first or build it (Fit, Predict or Build) before exporting.");
            var input = seq.ExplicitInputLayer;
            return [new OnnxValue(input?.Name ?? "input", shape, input?.DType ?? DType.Float32)];
        }
        if (model.Graph is { } graph)
        {
            return [.. graph.Inputs.Select(t => new OnnxValue(t.Layer.Name, t.Shape, t.DType))];
        }
        throw Unsupported(model, "a subclassed model (its Call is C# code, not a graph of layers); build it as a functional or Sequential model to export it");
    }

    private static string[] OutputNames(Model model, int count)
    {
        if (model is Sequential seq)
        {
            return [seq.Layers.Count > 0 ? seq.Layers[^1].Name : "output"];
        }
        return [.. model.Outputs.Take(count).Select(t => t.Layer.Name)];
    }

    /// <summary>Writes the nodes of <paramref name="model"/> applied to <paramref name="inputs"/>; returns its outputs.</summary>
    private OnnxValue[] EmitModel(Model model, IReadOnlyList<OnnxValue> inputs)
    {
        if (model is Sequential seq)
        {
            var x = inputs[0];
            foreach (var layer in seq.Layers)
            {
                x = EmitLayer(layer, [x]);
            }
            return [x];
        }
        if (model.Graph is not { } graph)
        {
            throw Unsupported(model, "a subclassed model (its Call is C# code, not a graph of layers); build it as a functional or Sequential model to export it");
        }
        if (inputs.Count != graph.Inputs.Length)
        {
            throw new InvalidOperationException($"ONNX export: model '{model.Name}' takes {graph.Inputs.Length} input(s) but is called on {inputs.Count}.");
        }
        var values = new Dictionary<KerasTensor, OnnxValue>();
        for (int i = 0; i < inputs.Count; i++)
        {
            values[graph.Inputs[i]] = inputs[i];
        }
        foreach (var node in graph.Nodes)
        {
            if (values.ContainsKey(node.Output))
            {
                continue;
            }
            if (node.IsGeneral)
            {
                throw Unsupported(node.Layer, "its call takes keyword arguments or returns several tensors");
            }
            values[node.Output] = EmitLayer(node.Layer, [.. node.Inputs.Select(t => values[t])], node.InputsAsList);
        }
        return [.. graph.Outputs.Select(t => values[t])];
    }

    private static NotSupportedException Unsupported(Layer layer, string why) =>
        new($"ONNX export: layer '{layer.Name}' ({layer.ClassName}) cannot be exported: {why}.");
}
