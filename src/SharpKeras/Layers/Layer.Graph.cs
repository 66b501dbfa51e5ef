using SharpKeras.Models;

namespace SharpKeras.Layers;

/// <summary>
/// The symbolic side of a layer: calls on <see cref="KerasTensor"/>s recorded as graph nodes,
/// layers taking several inputs (merging layers), and the sublayers a custom layer calls.
/// </summary>
public abstract partial class Layer
{
    [ThreadStatic] private static List<Layer>? t_callStack;

    private readonly List<Node> _inboundNodes = [];
    private readonly List<Layer> _trackedLayers = [];

    /// <summary>The symbolic calls of this layer, in order (Keras's <c>_inbound_nodes</c>).</summary>
    internal IReadOnlyList<Node> InboundNodes => _inboundNodes;

    /// <summary>Records a symbolic call.</summary>
    internal void AddInboundNode(Node node) => _inboundNodes.Add(node);

    /// <summary>The input shapes a multi-input layer was built for (batch first, -1 for None); null for single-input layers.</summary>
    public IReadOnlyList<Shape>? BuildInputShapes { get; private set; }

    /// <summary>Sublayers this layer called from its own <c>Call</c> (tracked on first call, as Keras tracks layer attributes).</summary>
    public IReadOnlyList<Layer> TrackedLayers => _trackedLayers;

    /// <summary>Whether sublayers called inside <c>Call</c> are tracked as this layer's children (models list their layers themselves).</summary>
    private protected virtual bool TracksCalledLayers => true;

    /// <summary>Whether Call takes a <c>training</c> argument, so that Keras records <c>training</c> in the node's kwargs.</summary>
    internal virtual bool CallTakesTraining => false;

    /// <summary>
    /// Calls the layer on a symbolic tensor (Keras's <c>layer(x)</c> in the functional API): builds the
    /// layer for the tensor's shape and returns the symbolic output, recording the call in the graph.
    /// </summary>
    public KerasTensor Apply(KerasTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return ApplySymbolic([input], asList: false);
    }

    /// <summary>Calls the layer on a list of symbolic tensors (Keras's <c>layer([a, b])</c>, as merging layers take).</summary>
    public KerasTensor Apply(IReadOnlyList<KerasTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0)
        {
            throw new ArgumentException($"Layer '{Name}' ({GetType().Name}) was called on an empty list of tensors.", nameof(inputs));
        }
        return ApplySymbolic([.. inputs], asList: true);
    }

    /// <summary>Calls the layer on a symbolic tensor with an explicit symbolic mask (Keras's <c>layer(x, mask=m)</c>, as Keras's own files record it).</summary>
    internal KerasTensor ApplyMasked(KerasTensor input, KerasTensor mask)
    {
        EnsureBuilt(input.Shape);
        var node = new Node(this, [input, mask], false, ComputeOutputShape(input.Shape), DType.Float32, lastInputIsMask: true);
        _inboundNodes.Add(node);
        return node.Output;
    }

    /// <summary>A constant positional argument the layer's calls carry after their tensors (Keras's op nodes such as <c>not_equal(x, 0)</c>); null when none.</summary>
    internal virtual System.Text.Json.Nodes.JsonNode? ConstantArgument => null;

    /// <summary>Takes the constant positional arguments of a node read from a file; layers that take only tensors refuse them.</summary>
    internal virtual void BindConstantArguments(IReadOnlyList<System.Text.Json.Nodes.JsonNode?> constants) =>
        throw new Saving.ConfigException($"Layer '{Name}' ({GetType().Name}) takes tensors only, but its node has constant arguments [{string.Join(", ", constants.Select(c => c?.ToJsonString() ?? "null"))}].");

    /// <summary>Calls the layer on several positional symbolic tensors (Keras's <c>layer(a, b)</c>, as attention layers take query and value).</summary>
    internal KerasTensor ApplyPositional(IReadOnlyList<KerasTensor> inputs) =>
        inputs.Count == 1 ? Apply(inputs[0]) : ApplySymbolic([.. inputs], asList: false);

    /// <summary>
    /// Calls the layer on symbolic positional tensors with keyword arguments (a node read from a file, or a
    /// layer's own overload such as MultiHeadAttention's <c>attention_mask</c>); returns every output of the call.
    /// Layers taking no keyword arguments refuse them, naming the layer.
    /// </summary>
    internal virtual KerasTensor[] ApplyWithKwargs(KerasTensor[] args, bool asList, CallKwargs<KerasTensor> kwargs)
    {
        kwargs.CheckKnown(this);
        if (args.Length == 0)
        {
            throw new Saving.ConfigException($"Layer '{Name}' ({GetType().Name}) was called with no positional tensors; it takes one tensor, one list of tensors, or several tensors.");
        }
        return [asList ? Apply(args) : ApplyPositional(args)];
    }

    /// <summary>
    /// Runs a call recorded with keyword arguments or several outputs (see <see cref="ApplyWithKwargs"/>) on
    /// concrete tensors; returns one tensor per output of the recorded call.
    /// </summary>
    internal virtual Tensor[] CallWithKwargs(Tensor[] args, bool asList, CallKwargs<Tensor> kwargs, bool training) =>
        throw new InvalidOperationException($"Layer '{Name}' ({GetType().Name}) has no call taking keyword arguments or returning several tensors.");

    /// <summary>Records a call with keyword arguments and several outputs, returning its symbolic outputs.</summary>
    private protected KerasTensor[] AddNode(KerasTensor[] args, bool asList, CallKwargs<KerasTensor> kwargs, (Shape Shape, DType DType)[] outputs)
    {
        var node = new Node(this, args, asList, outputs, kwargs);
        _inboundNodes.Add(node);
        return node.Outputs;
    }

    private KerasTensor ApplySymbolic(KerasTensor[] inputs, bool asList)
    {
        Shape outShape;
        if (asList || inputs.Length > 1)
        {
            var shapes = inputs.Select(t => t.Shape).ToArray();
            EnsureBuilt(shapes);
            outShape = ComputeOutputShape(shapes);
        }
        else
        {
            EnsureBuilt(inputs[0].Shape);
            outShape = ComputeOutputShape(inputs[0].Shape);
        }
        var node = new Node(this, inputs, asList, outShape, DType.Float32);
        _inboundNodes.Add(node);
        return node.Output;
    }

    /// <summary>Runs the layer on several tensors (Keras's <c>layer([a, b])</c>), building it first if needed.</summary>
    public Tensor Apply(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        EnsureBuilt([.. inputs.Select(t => t.Shape)]);
        using var scope = EnterCall();
        if (!RoundsCall)
        {
            return Call(inputs, training);
        }
        return ToComputeDtype(Call([.. inputs.Select(ToComputeDtype)], training));
    }

    /// <summary>The computation on several inputs; layers taking one input leave this as is.</summary>
    protected virtual Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (inputs.Count != 1)
        {
            throw new ArgumentException($"Layer '{Name}' ({GetType().Name}) takes a single input, but was called on {inputs.Count} tensors.");
        }
        return Call(inputs[0], training);
    }

    /// <summary>The output shape for several input shapes (batch first); layers taking one input leave this as is.</summary>
    public virtual Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count != 1)
        {
            throw new ArgumentException($"Layer '{Name}' ({GetType().Name}) takes a single input, but was given {inputShapes.Count} shapes.");
        }
        return ComputeOutputShape(inputShapes[0]);
    }

    /// <summary>Creates the weights for several inputs; layers taking one input leave this as is.</summary>
    protected virtual void Build(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count != 1)
        {
            throw new ArgumentException($"Layer '{Name}' ({GetType().Name}) takes a single input, but was given {inputShapes.Count} shapes.");
        }
        Build(inputShapes[0]);
    }

    /// <summary>Checks several input shapes against what the built layer accepts.</summary>
    protected virtual void CheckInputShapes(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count == 1)
        {
            CheckInputShape(inputShapes[0]);
        }
    }

    /// <summary>Builds the layer for several input shapes if not yet built, checking them otherwise.</summary>
    public void EnsureBuilt(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count == 1 && !IsMultiInput)
        {
            EnsureBuilt(inputShapes[0]);
            return;
        }
        if (!Built)
        {
            var symbolic = inputShapes.Select(s => s.Rank > 0 ? s.WithDim(0, -1) : s).ToArray();
            var autocast = DtypePolicies.Autocast.Enter(bfloat16: false);
            try
            {
                Build(symbolic);
            }
            finally
            {
                DtypePolicies.Autocast.Exit(autocast);
            }
            BuildInputShapes = symbolic;
            Built = true;
        }
        CheckInputShapes(inputShapes);
    }

    /// <summary>Whether a functional config lists this layer's build_config (Keras omits it for Dropout).</summary>
    internal virtual bool WritesBuildConfig => !CallTakesTraining || Weights.Count > 0;

    /// <summary>True for layers that take a list of inputs (merging layers).</summary>
    internal virtual bool IsMultiInput => false;

    /// <summary>Marks the layer built for <paramref name="shape"/> without calling Build (used when a subclass builds by hand).</summary>
    private protected void MarkBuilt(Shape? shape)
    {
        BuildInputShape = shape;
        Built = true;
    }

    /// <summary>Pushes this layer as the caller of the layers it calls (for tracking sublayers); pop by disposing.</summary>
    private protected CallScope EnterCall()
    {
        var stack = t_callStack ??= [];
        if (stack.Count == 0)
        {
            OnEntryCall();
        }
        if (stack.Count > 0 && stack[^1] is { TracksCalledLayers: true } parent && !ReferenceEquals(parent, this)
            && !parent._trackedLayers.Contains(this))
        {
            parent._trackedLayers.Add(this);
        }
        // Ops recorded inside are attributed to the innermost layer running (for step profiles), except
        // inside a wrapper: its wrapped layers are not the model's, and may share a top-level name.
        bool wrapped = stack.Count > 0 && stack[^1].KeepsOpScope;
        stack.Add(this);
        var outer = GradientTape.Scope;
        if (!wrapped)
        {
            GradientTape.Scope = Name;
        }
        // Keras's AutocastScope: variables read in the call of a bfloat16-computing layer come rounded; a float32 layer
        // inside one (a float32 output layer of a mixed model) reads them as stored.
        var autocast = DtypePolicies.Autocast.Enter(DtypePolicy.ComputesInBfloat16);
        return new CallScope(stack, outer, autocast);
    }

    /// <summary>Whether ops of the layers this one runs inside count as this layer's (wrappers such as TimeDistributed and Bidirectional).</summary>
    private protected virtual bool KeepsOpScope => false;

    /// <summary>Pops the call stack (and the op scope) on dispose.</summary>
    private protected readonly struct CallScope(List<Layer> stack, string? outerScope, DtypePolicies.Autocast.Reads? outerAutocast) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose()
        {
            stack.RemoveAt(stack.Count - 1);
            GradientTape.Scope = outerScope;
            DtypePolicies.Autocast.Exit(outerAutocast);
        }
    }

    /// <summary>Own weights: the variables this layer made with AddWeight (trainable first), without sublayers'.</summary>
    internal IReadOnlyList<Variable> OwnVariables => [.. _weights.Where(w => w.Trainable), .. _weights.Where(w => !w.Trainable)];

    /// <summary>
    /// The objects nested under this layer in a saved file, each at a path relative to the layer
    /// (Keras's attribute walk: <c>cell</c>, <c>forward_layer</c>, <c>layers/dense</c>, ...). The default
    /// lists tracked sublayers under their snake_case class names; override to give Keras's attribute names.
    /// </summary>
    protected internal virtual IEnumerable<KeyValuePair<string, Layer>> SavedChildren()
    {
        var used = new Dictionary<string, int>();
        foreach (var child in _trackedLayers)
        {
            yield return new(Saving.WeightsFile.UniqueSnakeName(child, used), child);
        }
    }
}
