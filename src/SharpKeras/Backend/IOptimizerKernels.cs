namespace SharpKeras.Backend;

/// <summary>
/// The optimizer-update kernel family: one pass over a variable per step for each of Keras's
/// optimizers. Hyperparameters arrive as the float32 values Keras uses (1 - rho is computed by the caller in double).
/// </summary>
internal interface IOptimizerKernels
{
    /// <summary>
    /// SGD: w -= lr g without momentum (<paramref name="velocity"/> empty); otherwise
    /// v = momentum v - lr g, then w += v, or w += momentum v - lr g when Nesterov.
    /// </summary>
    void SgdUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> velocity, float learningRate, float momentum, bool nesterov);

    /// <summary>
    /// RMSprop: v = rho v + (1 - rho) g^2; when centered (<paramref name="average"/> not empty)
    /// a = rho a + (1 - rho) g and the denominator is v - a^2 + eps, else v + eps; the increment
    /// lr g / sqrt(denominator) is applied through momentum m = momentum m + increment when
    /// <paramref name="momentumSlot"/> is not empty.
    /// </summary>
    void RmsPropUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> v, Span<float> momentumSlot, Span<float> average,
        float learningRate, float rho, float oneMinusRho, float epsilon, float momentum);

    /// <summary>
    /// Adam: m += (g - m)(1 - beta1), v += (g^2 - v)(1 - beta2), w -= m alpha / (sqrt(v) + eps), with
    /// alpha the bias-corrected learning rate; AMSGrad (<paramref name="vHat"/> not empty) uses vHat = max(vHat, v) for v.
    /// </summary>
    void AdamUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> v, Span<float> vHat,
        float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon);

    /// <summary>
    /// Adadelta: accGrad = rho accGrad + (1 - rho) g^2; delta = -sqrt(accDelta + eps) g / sqrt(accGrad + eps);
    /// accDelta = rho accDelta + (1 - rho) delta^2; w += lr delta.
    /// </summary>
    void AdadeltaUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> accGrad, Span<float> accDelta,
        float learningRate, float rho, float oneMinusRho, float epsilon);
}
