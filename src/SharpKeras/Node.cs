using SharpKeras.Layers;

namespace SharpKeras;

/// <summary>
/// One call of a layer on symbolic tensors (Keras's Node): the tensors it took, whether they were
/// passed as a list, its keyword arguments, and the tensors it made.
/// </summary>
internal sealed class Node
{
    public Node(Layer layer, KerasTensor[] inputs, bool inputsAsList, Shape outputShape, DType outputDType, bool lastInputIsMask = false)
        : this(layer, inputs, inputsAsList, [(outputShape, outputDType)], null, lastInputIsMask)
    {
    }

    /// <summary>A call with positional <paramref name="args"/>, keyword arguments and one output per entry of <paramref name="outputs"/>.</summary>
    public Node(Layer layer, KerasTensor[] args, bool inputsAsList, (Shape Shape, DType DType)[] outputs, CallKwargs<KerasTensor>? kwargs, bool lastInputIsMask = false)
    {
        if (outputs.Length == 0)
        {
            throw new ArgumentException($"A call of layer '{layer.Name}' must make at least one tensor.", nameof(outputs));
        }
        Layer = layer;
        Kwargs = kwargs ?? CallKwargs<KerasTensor>.Empty;
        PositionalCount = args.Length;
        Inputs = [.. args, .. Kwargs.AllTensors];
        InputsAsList = inputsAsList;
        LastInputIsMask = lastInputIsMask;
        Index = layer.InboundNodes.Count;
        string name = Index == 0 ? layer.Name : $"{layer.Name}_{Index}";
        Outputs = [.. outputs.Select((o, i) => new KerasTensor(o.Shape, o.DType, i == 0 ? name : $"{name}[{i}]", layer, Index, i))];
    }

    /// <summary>The layer called.</summary>
    public Layer Layer { get; }

    /// <summary>The symbolic inputs (empty for an InputLayer): the positional ones, then those of the keyword arguments (Keras's node.input_tensors).</summary>
    public KerasTensor[] Inputs { get; }

    /// <summary>How many of <see cref="Inputs"/> are positional (Keras's args); the rest belong to <see cref="Kwargs"/>.</summary>
    public int PositionalCount { get; }

    /// <summary>The positional symbolic inputs.</summary>
    public KerasTensor[] Args => Inputs[..PositionalCount];

    /// <summary>The keyword arguments other than the mask (tensors and constants), in call order.</summary>
    public CallKwargs<KerasTensor> Kwargs { get; }

    /// <summary>Whether the call runs through the layer's keyword-argument path (keyword arguments or several outputs).</summary>
    public bool IsGeneral => Kwargs.Count > 0 || Outputs.Length > 1;

    /// <summary>True when the layer was called with a list (merging layers), as Keras records args.</summary>
    public bool InputsAsList { get; }

    /// <summary>True when the last input is the mask passed as Keras's <c>mask=</c> keyword argument, not a positional input.</summary>
    public bool LastInputIsMask { get; }

    /// <summary>Position among the layer's calls.</summary>
    public int Index { get; }

    /// <summary>The symbolic outputs, by tensor index (several when the call returns a tuple).</summary>
    public KerasTensor[] Outputs { get; }

    /// <summary>The first symbolic output.</summary>
    public KerasTensor Output => Outputs[0];

    /// <summary>The nodes that made this node's inputs.</summary>
    public IEnumerable<Node> Parents => Inputs.Select(t => t.Node);
}
