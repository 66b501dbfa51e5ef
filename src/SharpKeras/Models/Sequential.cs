using SharpKeras.Layers;

namespace SharpKeras.Models;

/// <summary>
/// A linear stack of layers (<c>keras.Sequential</c>): each layer's output feeds the next.
/// Unnamed layers are named per model after their class: "dense", "dense_1", ...
/// </summary>
public sealed class Sequential : Model
{
    private readonly List<Layer> _layers = [];
    private Shape? _inputShape;

    /// <summary>An empty model; add layers with <see cref="Add(Layer)"/>.</summary>
    public Sequential(string? name = null) : base(name ?? "sequential")
    {
    }

    /// <summary>
    /// A model made of <paramref name="layers"/>, in order; the first may be the tensor of <see cref="Keras.Input"/>
    /// (converted to its InputLayer), as in Keras. When the input shape is known (an Input first, or a first
    /// layer given <c>inputShape</c>), every layer is built at once, as Keras builds it.
    /// </summary>
    public Sequential(IEnumerable<Layer> layers, string? name = null) : this(name)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var l in layers)
        {
            Add(l);
        }
    }

    /// <summary>The layers, without the InputLayer (as Keras's <c>model.layers</c>).</summary>
    public override IReadOnlyList<Layer> Layers => _layers.Where(l => l is not InputLayer).ToList();

    /// <summary>The InputLayer added first, if any.</summary>
    internal InputLayer? ExplicitInputLayer => _layers.Count > 0 ? _layers[0] as InputLayer : null;

    /// <summary>The expected input shape with batch dimension -1, when declared or built.</summary>
    public Shape? InputShape => _inputShape ?? DeclaredShape();

    /// <inheritdoc/>
    private protected override bool TracksCalledLayers => false;

    /// <inheritdoc/>
    private protected override bool ConvertsInputsAndOutputs => false;

    /// <summary>Appends a layer on top of the stack.</summary>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer is InputLayer && _layers.Count > 0)
        {
            throw new ArgumentException($"An InputLayer can only be the first layer of Sequential model '{Name}', but the model already has {_layers.Count} layer(s).", nameof(layer));
        }
        if (_layers.Contains(layer))
        {
            throw new ArgumentException($"Layer '{layer.Name}' is already in Sequential model '{Name}'.", nameof(layer));
        }
        if (!layer.HasName)
        {
            layer.Name = UniqueName(layer.DefaultName);
        }
        else if (_layers.Any(l => l.Name == layer.Name))
        {
            throw new ArgumentException($"All layers added to a Sequential model should have unique names. Name '{layer.Name}' is already the name of a layer in model '{Name}'.", nameof(layer));
        }
        _layers.Add(layer);
        _inputShape = null;
        StructureChanged();
        BuildAddedLayer(layer);
    }

    /// <summary>
    /// Builds a layer just added when the model's input shape is declared, as Keras's <c>Sequential.add</c>
    /// builds the model once it has an input, so weights exist before the first call.
    /// </summary>
    private void BuildAddedLayer(Layer layer)
    {
        if (Built || DeclaredShape() is not { } shape)
        {
            return;
        }
        foreach (var l in _layers)
        {
            if (ReferenceEquals(l, layer))
            {
                try
                {
                    layer.EnsureBuilt(shape);
                }
                catch (ArgumentException e) when (ReferenceEquals(layer, _layers[0]) && layer.DeclaredInputShape is { } declared)
                {
                    _layers.RemoveAt(_layers.Count - 1);
                    StructureChanged();
                    throw new ArgumentException($"Layer '{layer.Name}' ({layer.GetType().Name}) cannot take the input it declares (inputShape {declared}, batch shape {shape}): {e.Message}", nameof(layer), e);
                }
                catch
                {
                    // Keras leaves the layer out of the model when it cannot take the previous layer's output.
                    _layers.RemoveAt(_layers.Count - 1);
                    StructureChanged();
                    throw;
                }
                return;
            }
            shape = l.ComputeOutputShape(shape);
        }
    }

    /// <summary>Adds the InputLayer behind a symbolic input made by <see cref="Keras.Input"/>.</summary>
    public void Add(KerasTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Add(input.Source);
    }

    /// <summary>Removes the last layer (Keras's <c>pop</c>).</summary>
    public Layer Pop()
    {
        if (Layers.Count == 0)
        {
            throw new InvalidOperationException($"Sequential model '{Name}' has no layers to pop.");
        }
        var last = _layers[^1];
        _layers.RemoveAt(_layers.Count - 1);
        StructureChanged();
        return last;
    }

    private string UniqueName(string baseName)
    {
        if (_layers.All(l => l.Name != baseName))
        {
            return baseName;
        }
        for (int i = 1; ; i++)
        {
            var candidate = $"{baseName}_{i}";
            if (_layers.All(l => l.Name != candidate))
            {
                return candidate;
            }
        }
    }

    private Shape? DeclaredShape()
    {
        var first = _layers.FirstOrDefault();
        return first?.DeclaredInputShape?.Prepend(first.DeclaredBatchSize ?? -1);
    }

    /// <summary>Builds every layer for inputs of <paramref name="inputShape"/> (batch first); checks it against a declared input.</summary>
    protected override void Build(Shape inputShape)
    {
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException($"Sequential model '{Name}' has no layers; add some before using it.");
        }
        var shape = inputShape;
        foreach (var layer in _layers)
        {
            layer.EnsureBuilt(shape);
            shape = layer.ComputeOutputShape(shape);
        }
        // Layers build for any batch size, but a declared batchSize stays the model's input batch, as Keras's batch_shape.
        _inputShape = DeclaredShape() is { } declared && declared[0] > 0 && declared.Rank == inputShape.Rank
            ? inputShape.WithDim(0, declared[0])
            : inputShape;
    }

    /// <summary>Builds the model from its declared input shape when it has one (used by Summary).</summary>
    internal bool TryBuildFromDeclaredShape()
    {
        if (Built)
        {
            return true;
        }
        if (DeclaredShape() is { } s && _layers.Count > 0)
        {
            EnsureBuilt(s);
            return true;
        }
        return false;
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var shape = inputShape;
        foreach (var layer in _layers)
        {
            shape = layer.ComputeOutputShape(shape);
        }
        return shape;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        using var usage = EnterOwnCall(training);
        var x = inputs;
        foreach (var layer in _layers)
        {
            x = layer.Apply(x, training);
        }
        return x;
    }
}
