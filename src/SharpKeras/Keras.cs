namespace SharpKeras;

/// <summary>
/// Top-level Keras functions (<c>keras.Input</c>, ...). Each module adds its functions as a part of
/// this class in its own folder (Input lives next to InputLayer in Layers/Core/Keras.Input.cs), so the
/// class stays one public type while its parts stay with the code they call.
/// </summary>
public static partial class Keras
{
}
