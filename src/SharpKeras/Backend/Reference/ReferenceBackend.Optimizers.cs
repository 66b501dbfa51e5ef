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

    /// <inheritdoc/>
    public void AdagradUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> accumulator, float learningRate, float epsilon)
    {
        for (int i = 0; i < w.Length; i++)
        {
            accumulator[i] += g[i] * g[i];
            w[i] -= g[i] * learningRate / MathF.Sqrt(accumulator[i] + epsilon);
        }
    }

    /// <inheritdoc/>
    public void AdamaxUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> u,
        float learningRate, float beta1, float oneMinusBeta1, float beta2, float epsilon, float correction)
    {
        for (int i = 0; i < w.Length; i++)
        {
            m[i] = m[i] * beta1 + g[i] * oneMinusBeta1;
            u[i] = MathF.Max(u[i] * beta2, MathF.Abs(g[i]));
            w[i] -= m[i] * learningRate / ((u[i] + epsilon) * correction);
        }
    }

    /// <inheritdoc/>
    public void NadamUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> v,
        float learningRate, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float epsilon,
        float uNext, float oneMinusUProductNext, float oneMinusU, float oneMinusUProduct, float vCorrection)
    {
        for (int i = 0; i < w.Length; i++)
        {
            m[i] = m[i] * beta1 + g[i] * oneMinusBeta1;
            v[i] = v[i] * beta2 + g[i] * g[i] * oneMinusBeta2;
            float mHat = m[i] * uNext / oneMinusUProductNext + g[i] * oneMinusU / oneMinusUProduct;
            float vHat = v[i] / vCorrection;
            w[i] -= mHat * learningRate / (MathF.Sqrt(vHat) + epsilon);
        }
    }

    /// <inheritdoc/>
    public void LionUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m,
        float learningRate, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2)
    {
        for (int i = 0; i < w.Length; i++)
        {
            float c = m[i] * beta1 + g[i] * oneMinusBeta1;
            float sign = c > 0 ? 1f : c < 0 ? -1f : 0f;
            w[i] -= sign * learningRate;
            m[i] = m[i] * beta2 + g[i] * oneMinusBeta2;
        }
    }

    /// <inheritdoc/>
    public void FtrlUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> accumulator, Span<float> linear,
        float learningRate, float power, float l1, float twoL2, float twoL2Shrinkage)
    {
        static float Pow(float x, float p) => p == 0.5f ? MathF.Sqrt(x) : MathF.Pow(x, p);
        for (int i = 0; i < w.Length; i++)
        {
            float gradToUse = g[i] + twoL2Shrinkage * w[i];
            float newAccum = accumulator[i] + g[i] * g[i];
            linear[i] += gradToUse - (Pow(newAccum, power) - Pow(accumulator[i], power)) / learningRate * w[i];
            float quadratic = Pow(newAccum, power) / learningRate + twoL2;
            float clipped = MathF.Min(MathF.Max(linear[i], -l1), l1);
            w[i] = (clipped - linear[i]) / quadratic;
            accumulator[i] = newAccum;
        }
    }

    /// <inheritdoc/>
    public void ScaleGradient(ReadOnlySpan<float> src, Span<float> dst, float multiplier, float divisor)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = src[i] * multiplier / divisor;
        }
    }

    /// <inheritdoc/>
    public void ClipGradient(ReadOnlySpan<float> src, Span<float> dst, float limit)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = MathF.Min(MathF.Max(src[i], -limit), limit);
        }
    }

    /// <inheritdoc/>
    public void TakeAccumulatedGradient(ReadOnlySpan<float> g, Span<float> accumulator, Span<float> dst, float steps)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            dst[i] = (g[i] + accumulator[i]) / steps;
            accumulator[i] = 0f;
        }
    }

    /// <inheritdoc/>
    public void AccumulateGradient(ReadOnlySpan<float> g, Span<float> accumulator)
    {
        for (int i = 0; i < accumulator.Length; i++)
        {
            accumulator[i] = g[i] + accumulator[i];
        }
    }

    /// <inheritdoc/>
    public void DecayWeights(Span<float> w, float factor)
    {
        for (int i = 0; i < w.Length; i++)
        {
            w[i] *= factor;
        }
    }

    /// <inheritdoc/>
    public void MovingAverage(ReadOnlySpan<float> w, Span<float> average, float momentum, float oneMinusMomentum)
    {
        for (int i = 0; i < average.Length; i++)
        {
            average[i] = momentum * average[i] + oneMinusMomentum * w[i];
        }
    }

    /// <inheritdoc/>
    public double SumOfSquares(ReadOnlySpan<float> g)
    {
        double sum = 0;
        for (int i = 0; i < g.Length; i++)
        {
            sum += (double)g[i] * g[i];
        }
        return sum;
    }
}
