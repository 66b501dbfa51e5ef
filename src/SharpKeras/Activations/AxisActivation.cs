namespace SharpKeras;

/// <summary>An activation over an axis (softmax, log_softmax, sparsemax) as a value, usable as an <c>activation:</c> argument.</summary>
public delegate Tensor AxisActivation(Tensor x, int axis = -1);
