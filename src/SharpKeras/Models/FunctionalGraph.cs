using SharpKeras.Layers;

namespace SharpKeras.Models;

/// <summary>
/// The layer graph of a functional model (Keras's Functional / Function): the nodes between the
/// inputs and the outputs, ordered by depth as Keras's map_graph orders them, and run in that order.
/// </summary>
internal sealed class FunctionalGraph
{
    public FunctionalGraph(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs)
    {
        Inputs = [.. inputs];
        Outputs = [.. outputs];
        foreach (var t in Inputs)
        {
            if (t.Layer is not InputLayer)
            {
                throw new ArgumentException($"Model inputs must come from Keras.Input, but tensor '{t.Name}' is the output of layer '{t.Layer.Name}' ({t.Layer.GetType().Name}).");
            }
        }
        (Nodes, Layers) = MapGraph(Inputs, Outputs);
    }

    public KerasTensor[] Inputs { get; }

    public KerasTensor[] Outputs { get; }

    /// <summary>Nodes from the inputs to the outputs (deepest first), the order in which they run.</summary>
    public Node[] Nodes { get; }

    /// <summary>The layers in Keras's order: by decreasing depth, ties in traversal order from the outputs.</summary>
    public Layer[] Layers { get; }

    /// <summary>The nodes of <paramref name="layer"/> that belong to this graph, in the layer's call order.</summary>
    public List<Node> NodesOf(Layer layer) => [.. layer.InboundNodes.Where(n => _nodeSet.Contains(n))];

    private HashSet<Node> _nodeSet = [];

    private (Node[], Layer[]) MapGraph(KerasTensor[] inputs, KerasTensor[] outputs)
    {
        var finished = new HashSet<Node>();
        var inProgress = new HashSet<Node>();
        var decreasing = new List<Node>();
        var layerIndex = new Dictionary<Layer, int>();
        var inputSet = new HashSet<KerasTensor>(inputs);

        void Visit(KerasTensor tensor)
        {
            var node = tensor.Node;
            if (finished.Contains(node))
            {
                return;
            }
            if (!inProgress.Add(node))
            {
                throw new ArgumentException($"The graph has a cycle through layer '{node.Layer.Name}'.");
            }
            layerIndex.TryAdd(node.Layer, layerIndex.Count);
            if (node.Inputs.Length > 0 && !inputSet.Contains(tensor))
            {
                foreach (var t in node.Inputs)
                {
                    Visit(t);
                }
            }
            else if (node.Inputs.Length == 0 && !inputSet.Contains(tensor))
            {
                throw new ArgumentException($"Output depends on input '{tensor.Layer.Name}', which is not among the model's inputs ({string.Join(", ", inputs.Select(i => i.Layer.Name))}). Pass every Keras.Input the outputs use.");
            }
            finished.Add(node);
            inProgress.Remove(node);
            decreasing.Add(node);
        }

        foreach (var o in outputs)
        {
            Visit(o);
        }

        var nodeDepth = new Dictionary<Node, int>();
        var layerDepth = new Dictionary<Layer, int>();
        for (int i = decreasing.Count - 1; i >= 0; i--)
        {
            var node = decreasing[i];
            int depth = nodeDepth.GetValueOrDefault(node, 0);
            depth = Math.Max(depth, layerDepth.GetValueOrDefault(node.Layer, 0));
            layerDepth[node.Layer] = depth;
            nodeDepth[node] = depth;
            if (inputSet.Contains(node.Output))
            {
                continue;
            }
            foreach (var parent in node.Parents)
            {
                nodeDepth[parent] = Math.Max(depth + 1, nodeDepth.GetValueOrDefault(parent, 0));
            }
        }
        foreach (var input in inputs)
        {
            if (!layerDepth.ContainsKey(input.Layer))
            {
                layerDepth[input.Layer] = 0;
                layerIndex[input.Layer] = -1;
                nodeDepth[input.Node] = 0;
            }
        }
        _nodeSet = [.. nodeDepth.Keys];
        var nodes = nodeDepth.OrderByDescending(kv => kv.Value).Select(kv => kv.Key).ToArray();
        var layers = layerDepth.GroupBy(kv => kv.Value).OrderByDescending(g => g.Key)
            .SelectMany(g => g.Select(kv => kv.Key).OrderBy(l => layerIndex[l])).ToArray();
        return (nodes, layers);
    }

    /// <summary>Throws, as Keras does, when two layers of the graph share a name.</summary>
    public void CheckUniqueNames()
    {
        var names = new HashSet<string>();
        foreach (var l in Layers)
        {
            if (!names.Add(l.Name))
            {
                throw new ArgumentException($"The name \"{l.Name}\" is used {Layers.Count(x => x.Name == l.Name)} times in the model. All layer names should be unique.");
            }
        }
    }

    /// <summary>Runs the graph on concrete inputs (one per model input, in order); returns one tensor per output.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (inputs.Count != Inputs.Length)
        {
            throw new ArgumentException($"The model expects {Inputs.Length} input(s) ({string.Join(", ", Inputs.Select(i => i.Layer.Name))}) but received {inputs.Count}.");
        }
        var values = new Dictionary<KerasTensor, Tensor>();
        for (int i = 0; i < inputs.Count; i++)
        {
            var layer = Inputs[i].Layer;
            values[Inputs[i]] = layer.Apply(inputs[i], training);
        }
        foreach (var node in Nodes)
        {
            if (values.ContainsKey(node.Output))
            {
                continue;
            }
            if (node.LastInputIsMask)
            {
                // The mask given as a keyword argument rides on a view of the input, where layers read masks.
                var input = values[node.Inputs[0]];
                var masked = Ops.ViewOp(input, input.Shape, OpKind.Reshape);
                masked.KerasMask = values[node.Inputs[1]];
                values[node.Output] = node.Layer.Apply(masked, training);
                continue;
            }
            if (node.IsGeneral)
            {
                var ys = node.Layer.CallWithKwargs([.. node.Args.Select(t => values[t])], node.InputsAsList, node.Kwargs.Map(t => values[t]), training);
                if (ys.Length != node.Outputs.Length)
                {
                    throw new InvalidOperationException($"Layer '{node.Layer.Name}' ({node.Layer.GetType().Name}) returned {ys.Length} tensor(s), but its call was recorded with {node.Outputs.Length}.");
                }
                for (int i = 0; i < ys.Length; i++)
                {
                    values[node.Outputs[i]] = ys[i];
                }
                continue;
            }
            Tensor y = node.InputsAsList || node.Inputs.Length > 1
                ? node.Layer.Apply([.. node.Inputs.Select(t => values[t])], training)
                : node.Layer.Apply(values[node.Inputs[0]], training);
            values[node.Output] = y;
        }
        return [.. Outputs.Select(o => values[o])];
    }
}
