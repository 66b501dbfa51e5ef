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
}
