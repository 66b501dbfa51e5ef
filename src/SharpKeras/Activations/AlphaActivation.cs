namespace SharpKeras;

/// <summary>An activation with Keras's <c>alpha</c> argument (elu, celu) as a value, usable as an <c>activation:</c> argument.</summary>
public delegate Tensor AlphaActivation(Tensor x, double alpha = 1.0);
