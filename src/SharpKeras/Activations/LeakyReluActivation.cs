namespace SharpKeras;

/// <summary>Keras's leaky_relu as a value (<c>Activations.LeakyRelu(x, negativeSlope)</c>), usable as an <c>activation:</c> argument.</summary>
public delegate Tensor LeakyReluActivation(Tensor x, double negativeSlope = 0.2);
