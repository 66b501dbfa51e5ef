namespace SharpKeras;

/// <summary>Keras's gelu as a value (<c>Activations.Gelu(x, approximate)</c>), usable as an <c>activation:</c> argument.</summary>
public delegate Tensor GeluActivation(Tensor x, bool approximate = false);
