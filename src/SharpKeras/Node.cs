using SharpKeras.Layers;

namespace SharpKeras;

/// <summary>
/// One call of a layer on symbolic tensors (Keras's Node): the tensors it took, whether they were
/// passed as a list, and the tensor it made.
/// </summary>
internal sealed class Node
{
    public Node(Layer layer, KerasTensor[] inputs, bool inputsAsList, Shape outputShape, DType outputDType, bool lastInputIsMask = false)
    {
        Layer = layer;
        Inputs = inputs;
        InputsAsList = inputsAsList;
        LastInputIsMask = lastInputIsMask;
        Index = layer.InboundNodes.Count;
        Output = new KerasTensor(outputShape, outputDType, Index == 0 ? layer.Name : $"{layer.Name}_{Index}", layer, Index);
    }

    /// <summary>The layer called.</summary>
    public Layer Layer { get; }

    /// <summary>The symbolic inputs (empty for an InputLayer).</summary>
    public KerasTensor[] Inputs { get; }

    /// <summary>True when the layer was called with a list (merging layers), as Keras records args.</summary>
    public bool InputsAsList { get; }

    /// <summary>True when the last input is the mask passed as Keras's <c>mask=</c> keyword argument, not a positional input.</summary>
    public bool LastInputIsMask { get; }

    /// <summary>Position among the layer's calls.</summary>
    public int Index { get; }

    /// <summary>The symbolic output.</summary>
    public KerasTensor Output { get; }

    /// <summary>The nodes that made this node's inputs.</summary>
    public IEnumerable<Node> Parents => Inputs.Select(t => t.Node);
}
