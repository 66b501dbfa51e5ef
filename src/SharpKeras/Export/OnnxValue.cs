
namespace SharpKeras.Export;

/// <summary>
/// A tensor of the ONNX graph as the exporter tracks it: its name, its Keras shape (batch -1) and dtype,
/// and whether a Keras mask travels with it (Embedding(maskZero) or Masking upstream).
/// </summary>
internal sealed record OnnxValue(string Name, Shape Shape, DType DType, bool Masked = false);
