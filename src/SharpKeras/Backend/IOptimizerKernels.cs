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

    /// <summary>Adagrad (Keras's torch form): acc += g g; w -= g lr / sqrt(acc + eps).</summary>
    void AdagradUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> accumulator, float learningRate, float epsilon);

    /// <summary>
    /// Adamax: m = beta1 m + (1 - beta1) g; u = max(beta2 u, |g|); w -= m lr / ((u + eps) c), with
    /// c = 1 - beta1^t.
    /// </summary>
    void AdamaxUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> u,
        float learningRate, float beta1, float oneMinusBeta1, float beta2, float epsilon, float correction);

    /// <summary>
    /// Nadam: m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2;
    /// mHat = m uNext / cNext + g (1 - u) / c; w -= mHat lr / (sqrt(v / vCorrection) + eps), with the
    /// momentum-schedule factors computed by the caller.
    /// </summary>
    void NadamUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> v,
        float learningRate, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float epsilon,
        float uNext, float oneMinusUProductNext, float oneMinusU, float oneMinusUProduct, float vCorrection);

    /// <summary>Lion: c = beta1 m + (1 - beta1) g; w -= sign(c) lr; m = beta2 m + (1 - beta2) g.</summary>
    void LionUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m,
        float learningRate, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2);

    /// <summary>
    /// FTRL-proximal as Keras's Ftrl: with p = -learningRatePower, n' = n + g^2,
    /// linear += g + 2 l2Shrinkage w - (n'^p - n^p) / lr w; w = (clip(linear, -l1, l1) - linear) / (n'^p / lr + twoL2); n = n'.
    /// </summary>
    void FtrlUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> accumulator, Span<float> linear,
        float learningRate, float power, float l1, float twoL2, float twoL2Shrinkage);

    /// <summary>dst = src multiplier / divisor (loss-scale removal, clipnorm, global_clipnorm, accumulation averages).</summary>
    void ScaleGradient(ReadOnlySpan<float> src, Span<float> dst, float multiplier, float divisor);

    /// <summary>dst = clip(src, -limit, limit) (Keras's clipvalue).</summary>
    void ClipGradient(ReadOnlySpan<float> src, Span<float> dst, float limit);

    /// <summary>dst = (g + accumulator) / steps and the accumulator is reset to zero (an accumulation update step).</summary>
    void TakeAccumulatedGradient(ReadOnlySpan<float> g, Span<float> accumulator, Span<float> dst, float steps);

    /// <summary>accumulator += g (an accumulation step without an update).</summary>
    void AccumulateGradient(ReadOnlySpan<float> g, Span<float> accumulator);

    /// <summary>w *= factor (decoupled weight decay, factor = 1 - weight_decay lr).</summary>
    void DecayWeights(Span<float> w, float factor);

    /// <summary>average = momentum average + oneMinusMomentum w (the EMA of the model weights).</summary>
    void MovingAverage(ReadOnlySpan<float> w, Span<float> average, float momentum, float oneMinusMomentum);

    /// <summary>
    /// The sum of squares of <paramref name="g"/>, accumulated in double in index order so that it does
    /// not depend on the SIMD width (gradient norms for clipping).
    /// </summary>
    double SumOfSquares(ReadOnlySpan<float> g);
}
