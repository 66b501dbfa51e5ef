namespace SharpKeras;

/// <summary>Keras's relu as a value: <c>Activations.Relu(x, negativeSlope, maxValue, threshold)</c>, and usable as an <c>activation:</c> argument.</summary>
public delegate Tensor ReluActivation(Tensor x, double negativeSlope = 0.0, double? maxValue = null, double threshold = 0.0);
