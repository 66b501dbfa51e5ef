namespace SharpKeras;

/// <summary>Keras's squareplus as a value (<c>Activations.Squareplus(x, b)</c>), usable as an <c>activation:</c> argument.</summary>
public delegate Tensor SquareplusActivation(Tensor x, double b = 4);
