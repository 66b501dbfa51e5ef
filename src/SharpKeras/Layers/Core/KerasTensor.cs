using SharpKeras.Layers;

namespace SharpKeras;

/// <summary>
/// A symbolic tensor (Keras's KerasTensor): a shape and dtype with no values, standing for the
/// data that will flow through a model. <see cref="Keras.Input"/> makes one.
/// </summary>
public sealed class KerasTensor
{
    internal KerasTensor(Shape shape, DType dtype, string name, InputLayer source)
    {
        Shape = shape;
        DType = dtype;
        Name = name;
        Source = source;
    }

    /// <summary>The shape, batch dimension first (-1 for None).</summary>
    public Shape Shape { get; }

    /// <summary>The dtype.</summary>
    public DType DType { get; }

    /// <summary>The name of the tensor.</summary>
    public string Name { get; }

    /// <summary>The layer that produces it.</summary>
    internal InputLayer Source { get; }

    /// <inheritdoc/>
    public override string ToString() => $"<KerasTensor shape={Shape}, dtype={DType.Name()}, name={Name}>";
}

/// <summary>Top-level Keras functions (<c>keras.Input</c>, ...).</summary>
public static class Keras
{
    /// <summary>
    /// A symbolic input of per-sample <paramref name="shape"/> (batch excluded), as <c>keras.Input(shape)</c>;
    /// add it to a Sequential model to declare the input shape.
    /// </summary>
    public static KerasTensor Input(int[] shape, DType dtype = DType.Float32, string? name = null)
    {
        var layer = new InputLayer(shape, dtype, name);
        return new KerasTensor(new Shape(shape).Prepend(-1), dtype, layer.Name, layer);
    }
}
