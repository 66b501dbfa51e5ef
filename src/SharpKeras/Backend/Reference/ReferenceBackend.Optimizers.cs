namespace SharpKeras.Backend.Reference;

/// <summary>Optimizer updates of the reference backend, as Keras's update rules read, one weight at a time.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void SgdUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> velocity, float learningRate, float momentum, bool nesterov)
    {
        for (int i = 0; i < w.Length; i++)
        {
            if (velocity.IsEmpty)
            {
                w[i] -= learningRate * g[i];
                continue;
            }
            velocity[i] = momentum * velocity[i] - learningRate * g[i];
            w[i] += nesterov ? momentum * velocity[i] - learningRate * g[i] : velocity[i];
        }
    }

    /// <inheritdoc/>
    public void RmsPropUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> v, Span<float> momentumSlot, Span<float> average,
        float learningRate, float rho, float oneMinusRho, float epsilon, float momentum)
    {
        for (int i = 0; i < w.Length; i++)
        {
            v[i] = rho * v[i] + oneMinusRho * (g[i] * g[i]);
            float denominator = v[i] + epsilon;
            if (!average.IsEmpty)
            {
                average[i] = rho * average[i] + oneMinusRho * g[i];
                denominator = v[i] - average[i] * average[i] + epsilon;
            }
            float increment = learningRate * g[i] / MathF.Sqrt(denominator);
            if (momentumSlot.IsEmpty)
            {
                w[i] -= increment;
            }
            else
            {
                momentumSlot[i] = momentum * momentumSlot[i] + increment;
                w[i] -= momentumSlot[i];
            }
        }
    }

    /// <inheritdoc/>
    public void AdamUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> v, Span<float> vHat,
        float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon)
    {
        for (int i = 0; i < w.Length; i++)
        {
            m[i] += (g[i] - m[i]) * oneMinusBeta1;
            v[i] += (g[i] * g[i] - v[i]) * oneMinusBeta2;
            float second = v[i];
            if (!vHat.IsEmpty)
            {
                vHat[i] = MathF.Max(vHat[i], v[i]);
                second = vHat[i];
            }
            w[i] -= m[i] * alpha / (MathF.Sqrt(second) + epsilon);
        }
    }

    /// <inheritdoc/>
    public void AdadeltaUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> accGrad, Span<float> accDelta,
        float learningRate, float rho, float oneMinusRho, float epsilon)
    {
        for (int i = 0; i < w.Length; i++)
        {
            accGrad[i] = rho * accGrad[i] + oneMinusRho * (g[i] * g[i]);
            float delta = -MathF.Sqrt(accDelta[i] + epsilon) * g[i] / MathF.Sqrt(accGrad[i] + epsilon);
            accDelta[i] = rho * accDelta[i] + oneMinusRho * (delta * delta);
            w[i] += learningRate * delta;
        }
    }
}
