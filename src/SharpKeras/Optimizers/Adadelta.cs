namespace SharpKeras.Optimizers;

/// <summary>
/// Adadelta (<c>keras.optimizers.Adadelta</c>: lr 0.001, rho 0.95, epsilon 1e-7): scales each step
/// by the ratio of the running RMS of past updates to the running RMS of gradients.
/// </summary>
public sealed class Adadelta : Optimizer
{
    /// <summary>Adadelta with Keras 3 defaults (the original Keras mnist_cnn example used learningRate 1.0).</summary>
    public Adadelta(double learningRate = 0.001, double rho = 0.95, double epsilon = 1e-7)
        : base("adadelta", learningRate)
    {
        if (!(rho >= 0 && rho <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, $"adadelta: rho must be in [0, 1], got {rho}.");
        }
        Rho = rho;
        Epsilon = epsilon;
    }

    /// <summary>Decay of the running averages of squared gradients and squared updates.</summary>
    public double Rho { get; }

    /// <summary>Added inside both square roots, for stability.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => 2;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step)
    {
        Backend.Kernels.Current.AdadeltaUpdate(g, w, slots[0].Span, slots[1].Span, lr, F32(Rho), F32(1 - Rho), F32(Epsilon));
    }
}
