using SharpKeras.Layers;

namespace SharpKeras;

/// <summary>
/// A symbolic tensor (Keras's KerasTensor): a shape and dtype with no values, standing for the
/// data that will flow through a model. <see cref="Keras.Input"/> makes one; calling a layer on
/// symbolic tensors makes new ones and records the call in the layer graph.
/// </summary>
public sealed class KerasTensor
{
    internal KerasTensor(Shape shape, DType dtype, string name, Layer layer, int nodeIndex, int tensorIndex = 0)
    {
        Shape = shape;
        DType = dtype;
        Name = name;
        Layer = layer;
        NodeIndex = nodeIndex;
        TensorIndex = tensorIndex;
    }

    /// <summary>The shape, batch dimension first (-1 for None).</summary>
    public Shape Shape { get; }

    /// <summary>The dtype.</summary>
    public DType DType { get; }

    /// <summary>The name of the tensor.</summary>
    public string Name { get; }

    /// <summary>The layer that produces it (Keras's <c>_keras_history[0]</c>).</summary>
    public Layer Layer { get; }

    /// <summary>Which call of <see cref="Layer"/> produced it (Keras's node index).</summary>
    public int NodeIndex { get; }

    /// <summary>Which output of that call it is.</summary>
    public int TensorIndex { get; }

    /// <summary>The call that produced it.</summary>
    internal Node Node => Layer.InboundNodes[NodeIndex];

    /// <summary>The InputLayer behind a tensor made by <see cref="Keras.Input"/>.</summary>
    internal InputLayer Source => Layer as InputLayer
        ?? throw new ArgumentException($"Tensor '{Name}' is the output of layer '{Layer.Name}' ({Layer.GetType().Name}), not a model input made by Keras.Input.");

    /// <summary>
    /// The InputLayer behind a tensor made by <see cref="Keras.Input"/>, so that <c>new Sequential([Keras.Input([20]), new Dense(8)])</c>
    /// reads as Keras's list; any other tensor is rejected with the layer that produced it.
    /// </summary>
    public static implicit operator Layers.InputLayer(KerasTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.Source;
    }

    /// <inheritdoc/>
    public override string ToString() => $"<KerasTensor shape={Shape}, dtype={DType.Name()}, name={Name}>";
}
