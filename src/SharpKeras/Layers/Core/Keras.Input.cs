using SharpKeras.Layers;

// keras.Input is a top-level Keras function, so this part of Keras stays in the root namespace; it lives here, next to InputLayer, which it makes.
namespace SharpKeras;

/// <summary>keras.Input: the symbolic model input that an <see cref="InputLayer"/> stands for.</summary>
public static partial class Keras
{
    /// <summary>
    /// A symbolic input of per-sample <paramref name="shape"/> (batch excluded), as <c>keras.Input(shape)</c>;
    /// call layers on it to build a functional model, or add it to a Sequential model to declare the input shape.
    /// </summary>
    public static KerasTensor Input(int[] shape, DType dtype = DType.Float32, string? name = null)
    {
        var layer = new InputLayer(shape, dtype, name);
        return layer.Output;
    }
}
