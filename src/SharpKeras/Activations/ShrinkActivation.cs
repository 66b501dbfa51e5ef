namespace SharpKeras;

/// <summary>An activation with Keras's <c>threshold</c> argument (hard_shrink, soft_shrink) as a value, usable as an <c>activation:</c> argument.</summary>
public delegate Tensor ShrinkActivation(Tensor x, double threshold = 0.5);
