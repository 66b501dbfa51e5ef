namespace SharpKeras.Backend.Cpu;

/// <summary>The CPU backend's 3-D convolutions (im2col into the packed GEMM) and 3-D pooling.</summary>
internal sealed partial class CpuBackend
{
    /// <inheritdoc/>
    public void Conv3DForward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> bias, EpilogueActivation activation, Span<float> y, in Window3D g, int filters) =>
        Convolution3D.Forward(x, kernel, bias, activation, y, g, filters);

    /// <inheritdoc/>
    public void Conv3DBackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window3D g, int filters) =>
        Convolution3D.BackwardKernel(x, dy, dk, g, filters);

    /// <inheritdoc/>
    public void Conv3DBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window3D g, int filters) =>
        Convolution3D.BackwardInput(dy, kernel, dx, g, filters);

    /// <inheritdoc/>
    public void MaxPool3DForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in Window3D g) => Pooling3D.MaxForward(x, y, argmax, g);

    /// <inheritdoc/>
    public void MaxPool3DBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in Window3D g) => Pooling3D.MaxBackward(dy, argmax, dx, g);

    /// <inheritdoc/>
    public void AveragePool3DForward(ReadOnlySpan<float> x, Span<float> y, in Window3D g) => Pooling3D.AverageForward(x, y, g);

    /// <inheritdoc/>
    public void AveragePool3DBackward(ReadOnlySpan<float> dy, Span<float> dx, in Window3D g) => Pooling3D.AverageBackward(dy, dx, g);
}
