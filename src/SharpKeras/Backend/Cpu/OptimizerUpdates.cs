using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// Optimizer updates, SIMD over the variable with a scalar tail in the same operation order, so a
/// value comes out the same whichever loop computed it.
/// </summary>
internal static class OptimizerUpdates
{
    /// <summary>SGD with optional (Nesterov) momentum; see <see cref="IOptimizerKernels.SgdUpdate"/>.</summary>
    public static void Sgd(ReadOnlySpan<float> g, Span<float> w, Span<float> m, float lr, float mu, bool nesterov)
    {
        int i = 0, width = Vector<float>.Count;
        var vlr = new Vector<float>(lr);
        if (m.IsEmpty)
        {
            for (; i <= w.Length - width; i += width)
            {
                (new Vector<float>(w[i..]) - vlr * new Vector<float>(g[i..])).CopyTo(w[i..]);
            }
            for (; i < w.Length; i++)
            {
                w[i] -= lr * g[i];
            }
            return;
        }
        var vmu = new Vector<float>(mu);
        for (; i <= w.Length - width; i += width)
        {
            var gi = new Vector<float>(g[i..]);
            var mi = vmu * new Vector<float>(m[i..]) - vlr * gi;
            mi.CopyTo(m[i..]);
            (new Vector<float>(w[i..]) + (nesterov ? vmu * mi - vlr * gi : mi)).CopyTo(w[i..]);
        }
        for (; i < w.Length; i++)
        {
            m[i] = mu * m[i] - lr * g[i];
            w[i] += nesterov ? mu * m[i] - lr * g[i] : m[i];
        }
    }

    /// <summary>RMSprop; see <see cref="IOptimizerKernels.RmsPropUpdate"/>.</summary>
    public static void RmsProp(ReadOnlySpan<float> g, Span<float> w, Span<float> v, Span<float> mom, Span<float> avg,
        float lr, float rho, float oneMinusRho, float eps, float mu)
    {
        bool centered = !avg.IsEmpty, hasMomentum = !mom.IsEmpty;
        int i = 0, width = Vector<float>.Count;
        if (!centered && !hasMomentum)
        {
            // The common case, vectorised with the same operation order as the loop below.
            Vector<float> vrho = new(rho), v1 = new(oneMinusRho), veps = new(eps), vlr = new(lr);
            for (; i <= w.Length - width; i += width)
            {
                var gi = new Vector<float>(g[i..]);
                var vi = vrho * new Vector<float>(v[i..]) + v1 * (gi * gi);
                vi.CopyTo(v[i..]);
                (new Vector<float>(w[i..]) - vlr * gi / Vector.SquareRoot(vi + veps)).CopyTo(w[i..]);
            }
        }
        for (; i < w.Length; i++)
        {
            v[i] = rho * v[i] + oneMinusRho * (g[i] * g[i]);
            float denominator;
            if (centered)
            {
                avg[i] = rho * avg[i] + oneMinusRho * g[i];
                denominator = v[i] - avg[i] * avg[i] + eps;
            }
            else
            {
                denominator = v[i] + eps;
            }
            float increment = lr * g[i] / MathF.Sqrt(denominator);
            if (hasMomentum)
            {
                mom[i] = mu * mom[i] + increment;
                w[i] -= mom[i];
            }
            else
            {
                w[i] -= increment;
            }
        }
    }

    /// <summary>Adam and AMSGrad; see <see cref="IOptimizerKernels.AdamUpdate"/>.</summary>
    public static void Adam(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> v, Span<float> vHat,
        float alpha, float oneMinusB1, float oneMinusB2, float eps)
    {
        bool amsgrad = !vHat.IsEmpty;
        int i = 0, width = Vector<float>.Count;
        Vector<float> c1 = new(oneMinusB1), c2 = new(oneMinusB2), va = new(alpha), ve = new(eps);
        for (; i <= w.Length - width; i += width)
        {
            var gi = new Vector<float>(g[i..]);
            var mi = new Vector<float>(m[i..]);
            mi += (gi - mi) * c1;
            mi.CopyTo(m[i..]);
            var vi = new Vector<float>(v[i..]);
            vi += (gi * gi - vi) * c2;
            vi.CopyTo(v[i..]);
            var second = vi;
            if (amsgrad)
            {
                second = Vector.Max(new Vector<float>(vHat[i..]), vi);
                second.CopyTo(vHat[i..]);
            }
            (new Vector<float>(w[i..]) - mi * va / (Vector.SquareRoot(second) + ve)).CopyTo(w[i..]);
        }
        for (; i < w.Length; i++)
        {
            m[i] += (g[i] - m[i]) * oneMinusB1;
            v[i] += (g[i] * g[i] - v[i]) * oneMinusB2;
            float second = v[i];
            if (amsgrad)
            {
                vHat[i] = MathF.Max(vHat[i], v[i]);
                second = vHat[i];
            }
            w[i] -= m[i] * alpha / (MathF.Sqrt(second) + eps);
        }
    }

    /// <summary>Adadelta; see <see cref="IOptimizerKernels.AdadeltaUpdate"/>.</summary>
    public static void Adadelta(ReadOnlySpan<float> g, Span<float> w, Span<float> accGrad, Span<float> accDelta,
        float lr, float rho, float oneMinusRho, float eps)
    {
        int i = 0, width = Vector<float>.Count;
        Vector<float> vrho = new(rho), v1 = new(oneMinusRho), veps = new(eps), vlr = new(lr);
        for (; i <= w.Length - width; i += width)
        {
            var gi = new Vector<float>(g[i..]);
            var ag = vrho * new Vector<float>(accGrad[i..]) + v1 * (gi * gi);
            ag.CopyTo(accGrad[i..]);
            var ad = new Vector<float>(accDelta[i..]);
            var delta = -Vector.SquareRoot(ad + veps) * gi / Vector.SquareRoot(ag + veps);
            (vrho * ad + v1 * (delta * delta)).CopyTo(accDelta[i..]);
            (new Vector<float>(w[i..]) + vlr * delta).CopyTo(w[i..]);
        }
        for (; i < w.Length; i++)
        {
            accGrad[i] = rho * accGrad[i] + oneMinusRho * (g[i] * g[i]);
            float delta = -MathF.Sqrt(accDelta[i] + eps) * g[i] / MathF.Sqrt(accGrad[i] + eps);
            accDelta[i] = rho * accDelta[i] + oneMinusRho * (delta * delta);
            w[i] += lr * delta;
        }
    }

    /// <summary>Adagrad; see <see cref="IOptimizerKernels.AdagradUpdate"/>.</summary>
    public static void Adagrad(ReadOnlySpan<float> g, Span<float> w, Span<float> acc, float lr, float eps)
    {
        int i = 0, width = Vector<float>.Count;
        Vector<float> vlr = new(lr), veps = new(eps);
        for (; i <= w.Length - width; i += width)
        {
            var gi = new Vector<float>(g[i..]);
            var a = new Vector<float>(acc[i..]) + gi * gi;
            a.CopyTo(acc[i..]);
            (new Vector<float>(w[i..]) - gi * vlr / Vector.SquareRoot(a + veps)).CopyTo(w[i..]);
        }
        for (; i < w.Length; i++)
        {
            acc[i] += g[i] * g[i];
            w[i] -= g[i] * lr / MathF.Sqrt(acc[i] + eps);
        }
    }

    /// <summary>Adamax; see <see cref="IOptimizerKernels.AdamaxUpdate"/>.</summary>
    public static void Adamax(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> u,
        float lr, float b1, float oneMinusB1, float b2, float eps, float correction)
    {
        int i = 0, width = Vector<float>.Count;
        Vector<float> vlr = new(lr), vb1 = new(b1), v1 = new(oneMinusB1), vb2 = new(b2), veps = new(eps), vc = new(correction);
        for (; i <= w.Length - width; i += width)
        {
            var gi = new Vector<float>(g[i..]);
            var mi = new Vector<float>(m[i..]) * vb1 + gi * v1;
            mi.CopyTo(m[i..]);
            var ui = Vector.Max(new Vector<float>(u[i..]) * vb2, Vector.Abs(gi));
            ui.CopyTo(u[i..]);
            (new Vector<float>(w[i..]) - mi * vlr / ((ui + veps) * vc)).CopyTo(w[i..]);
        }
        for (; i < w.Length; i++)
        {
            m[i] = m[i] * b1 + g[i] * oneMinusB1;
            u[i] = MathF.Max(u[i] * b2, MathF.Abs(g[i]));
            w[i] -= m[i] * lr / ((u[i] + eps) * correction);
        }
    }

    /// <summary>Nadam; see <see cref="IOptimizerKernels.NadamUpdate"/>.</summary>
    public static void Nadam(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> v,
        float lr, float b1, float oneMinusB1, float b2, float oneMinusB2, float eps,
        float uNext, float cNext, float oneMinusU, float c, float vCorrection)
    {
        int i = 0, width = Vector<float>.Count;
        Vector<float> vlr = new(lr), vb1 = new(b1), v1 = new(oneMinusB1), vb2 = new(b2), v2 = new(oneMinusB2), veps = new(eps),
            vun = new(uNext), vcn = new(cNext), vou = new(oneMinusU), vcc = new(c), vvc = new(vCorrection);
        for (; i <= w.Length - width; i += width)
        {
            var gi = new Vector<float>(g[i..]);
            var mi = new Vector<float>(m[i..]) * vb1 + gi * v1;
            mi.CopyTo(m[i..]);
            var vi = new Vector<float>(v[i..]) * vb2 + gi * gi * v2;
            vi.CopyTo(v[i..]);
            var mHat = mi * vun / vcn + gi * vou / vcc;
            (new Vector<float>(w[i..]) - mHat * vlr / (Vector.SquareRoot(vi / vvc) + veps)).CopyTo(w[i..]);
        }
        for (; i < w.Length; i++)
        {
            m[i] = m[i] * b1 + g[i] * oneMinusB1;
            v[i] = v[i] * b2 + g[i] * g[i] * oneMinusB2;
            float mHat = m[i] * uNext / cNext + g[i] * oneMinusU / c;
            w[i] -= mHat * lr / (MathF.Sqrt(v[i] / vCorrection) + eps);
        }
    }

    /// <summary>Lion; see <see cref="IOptimizerKernels.LionUpdate"/>.</summary>
    public static void Lion(ReadOnlySpan<float> g, Span<float> w, Span<float> m, float lr, float b1, float oneMinusB1, float b2, float oneMinusB2)
    {
        int i = 0, width = Vector<float>.Count;
        Vector<float> vlr = new(lr), vb1 = new(b1), v1 = new(oneMinusB1), vb2 = new(b2), v2 = new(oneMinusB2);
        Vector<float> one = Vector<float>.One, zero = Vector<float>.Zero;
        for (; i <= w.Length - width; i += width)
        {
            var gi = new Vector<float>(g[i..]);
            var mi = new Vector<float>(m[i..]);
            var ci = mi * vb1 + gi * v1;
            var sign = Vector.ConditionalSelect(Vector.GreaterThan(ci, zero), one, Vector.ConditionalSelect(Vector.LessThan(ci, zero), -one, zero));
            (new Vector<float>(w[i..]) - sign * vlr).CopyTo(w[i..]);
            (mi * vb2 + gi * v2).CopyTo(m[i..]);
        }
        for (; i < w.Length; i++)
        {
            float ci = m[i] * b1 + g[i] * oneMinusB1;
            w[i] -= Sign(ci) * lr;
            m[i] = m[i] * b2 + g[i] * oneMinusB2;
        }
    }

    /// <summary>torch.sign on a float (NaN gives 0 here, as the vector select does).</summary>
    internal static float Sign(float x) => x > 0 ? 1f : x < 0 ? -1f : 0f;

    /// <summary>Ftrl; see <see cref="IOptimizerKernels.FtrlUpdate"/>.</summary>
    public static void Ftrl(ReadOnlySpan<float> g, Span<float> w, Span<float> acc, Span<float> lin,
        float lr, float power, float l1, float twoL2, float twoL2Shrinkage)
    {
        int i = 0, width = Vector<float>.Count;
        if (power == 0.5f)
        {
            // Keras's default learning_rate_power -0.5: the power is a square root, which vectorises.
            Vector<float> vlr = new(lr), vl1 = new(l1), vnl1 = new(-l1), vl2 = new(twoL2), vsh = new(twoL2Shrinkage);
            for (; i <= w.Length - width; i += width)
            {
                var gi = new Vector<float>(g[i..]);
                var wi = new Vector<float>(w[i..]);
                var n = new Vector<float>(acc[i..]);
                var gUse = gi + vsh * wi;
                var nNew = n + gi * gi;
                var pNew = Vector.SquareRoot(nNew);
                var li = new Vector<float>(lin[i..]) + (gUse - (pNew - Vector.SquareRoot(n)) / vlr * wi);
                li.CopyTo(lin[i..]);
                var quad = pNew / vlr + vl2;
                var clipped = Vector.Min(Vector.Max(li, vnl1), vl1);
                ((clipped - li) / quad).CopyTo(w[i..]);
                nNew.CopyTo(acc[i..]);
            }
        }
        for (; i < w.Length; i++)
        {
            float wi = w[i], n = acc[i];
            float gUse = g[i] + twoL2Shrinkage * wi;
            float nNew = n + g[i] * g[i];
            float pNew = FtrlPower(nNew, power);
            lin[i] += gUse - (pNew - FtrlPower(n, power)) / lr * wi;
            float quad = pNew / lr + twoL2;
            float clipped = MathF.Min(MathF.Max(lin[i], -l1), l1);
            w[i] = (clipped - lin[i]) / quad;
            acc[i] = nNew;
        }
    }

    /// <summary>x^p, with p = 0.5 as a square root so that the scalar and vector loops agree.</summary>
    internal static float FtrlPower(float x, float p) => p == 0.5f ? MathF.Sqrt(x) : MathF.Pow(x, p);

    /// <summary>See <see cref="IOptimizerKernels.ScaleGradient"/>.</summary>
    public static void ScaleGradient(ReadOnlySpan<float> src, Span<float> dst, float multiplier, float divisor)
    {
        int i = 0, width = Vector<float>.Count;
        Vector<float> vm = new(multiplier), vd = new(divisor);
        for (; i <= dst.Length - width; i += width)
        {
            (new Vector<float>(src[i..]) * vm / vd).CopyTo(dst[i..]);
        }
        for (; i < dst.Length; i++)
        {
            dst[i] = src[i] * multiplier / divisor;
        }
    }

    /// <summary>See <see cref="IOptimizerKernels.ClipGradient"/>.</summary>
    public static void ClipGradient(ReadOnlySpan<float> src, Span<float> dst, float limit)
    {
        int i = 0, width = Vector<float>.Count;
        Vector<float> hi = new(limit), lo = new(-limit);
        for (; i <= dst.Length - width; i += width)
        {
            Vector.Min(Vector.Max(new Vector<float>(src[i..]), lo), hi).CopyTo(dst[i..]);
        }
        for (; i < dst.Length; i++)
        {
            dst[i] = MathF.Min(MathF.Max(src[i], -limit), limit);
        }
    }

    /// <summary>See <see cref="IOptimizerKernels.TakeAccumulatedGradient"/>.</summary>
    public static void TakeAccumulatedGradient(ReadOnlySpan<float> g, Span<float> acc, Span<float> dst, float steps)
    {
        int i = 0, width = Vector<float>.Count;
        Vector<float> vs = new(steps);
        for (; i <= dst.Length - width; i += width)
        {
            ((new Vector<float>(g[i..]) + new Vector<float>(acc[i..])) / vs).CopyTo(dst[i..]);
            Vector<float>.Zero.CopyTo(acc[i..]);
        }
        for (; i < dst.Length; i++)
        {
            dst[i] = (g[i] + acc[i]) / steps;
            acc[i] = 0f;
        }
    }

    /// <summary>See <see cref="IOptimizerKernels.AccumulateGradient"/>.</summary>
    public static void AccumulateGradient(ReadOnlySpan<float> g, Span<float> acc)
    {
        int i = 0, width = Vector<float>.Count;
        for (; i <= acc.Length - width; i += width)
        {
            (new Vector<float>(g[i..]) + new Vector<float>(acc[i..])).CopyTo(acc[i..]);
        }
        for (; i < acc.Length; i++)
        {
            acc[i] = g[i] + acc[i];
        }
    }

    /// <summary>See <see cref="IOptimizerKernels.DecayWeights"/>.</summary>
    public static void DecayWeights(Span<float> w, float factor)
    {
        int i = 0, width = Vector<float>.Count;
        Vector<float> vf = new(factor);
        for (; i <= w.Length - width; i += width)
        {
            (new Vector<float>(w[i..]) * vf).CopyTo(w[i..]);
        }
        for (; i < w.Length; i++)
        {
            w[i] *= factor;
        }
    }

    /// <summary>See <see cref="IOptimizerKernels.MovingAverage"/>.</summary>
    public static void MovingAverage(ReadOnlySpan<float> w, Span<float> avg, float momentum, float oneMinusMomentum)
    {
        int i = 0, width = Vector<float>.Count;
        Vector<float> vm = new(momentum), v1 = new(oneMinusMomentum);
        for (; i <= avg.Length - width; i += width)
        {
            (vm * new Vector<float>(avg[i..]) + v1 * new Vector<float>(w[i..])).CopyTo(avg[i..]);
        }
        for (; i < avg.Length; i++)
        {
            avg[i] = momentum * avg[i] + oneMinusMomentum * w[i];
        }
    }

    /// <summary>See <see cref="IOptimizerKernels.SumOfSquares"/>; sequential in double, the same for every SIMD width.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> g)
    {
        double sum = 0;
        foreach (float x in g)
        {
            sum += (double)x * x;
        }
        return sum;
    }
}
