using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Batch and layer normalization over the last (channels) axis, each one fused forward and one fused backward.</summary>
public static partial class Ops
{
    /// <summary>
    /// Keras's BatchNormalization call over the last axis. In training: normalises with the batch's
    /// mean and biased variance and, every time it runs, moves the moving statistics toward them
    /// (moving = moving * momentum + batch * (1 - momentum)); otherwise normalises with the moving
    /// statistics. y = (x - mean) / sqrt(var + epsilon) * gamma + beta; gamma and beta are optional.
    /// </summary>
    internal static Tensor BatchNormalization(Tensor x, Tensor? gamma, Tensor? beta, Tensor movingMean, Tensor movingVariance,
        float momentum, float epsilon, bool training)
    {
        x = F(x);
        // One backend for the op's whole life: its scratch is sized for that backend's kernels.
        var kernels = K;
        int c = x.Shape[-1];
        int rows = x.Length / Math.Max(1, c);
        var y = Tensor.Zeros(x.Shape);
        var mean = new float[c];
        var variance = new float[c];
        var invStd = new float[c];
        var scale = new float[c];
        var shift = new float[c];
        var partial = new float[kernels.ChannelSumScratch(rows, c)];
        void Forward()
        {
            var xs = x.Span;
            if (training)
            {
                kernels.Moments(xs, rows, c, mean, variance, partial);
                var mm = movingMean.Span;
                var mv = movingVariance.Span;
                for (int j = 0; j < c; j++)
                {
                    mm[j] = mm[j] * momentum + mean[j] * (1f - momentum);
                    mv[j] = mv[j] * momentum + variance[j] * (1f - momentum);
                }
            }
            else
            {
                movingMean.Span.CopyTo(mean);
                movingVariance.Span.CopyTo(variance);
            }
            var gs = gamma is null ? default : gamma.Span;
            var bs = beta is null ? default : beta.Span;
            for (int j = 0; j < c; j++)
            {
                invStd[j] = 1f / MathF.Sqrt(variance[j] + epsilon);
                scale[j] = invStd[j] * (gamma is null ? 1f : gs[j]);
                shift[j] = (beta is null ? 0f : bs[j]) - mean[j] * scale[j];
            }
            kernels.ScaleShift(xs, scale, shift, y.Span, rows, c);
        }
        Forward();
        var inputs = new List<Tensor> { x };
        int gi = gamma is null ? -1 : inputs.Count;
        if (gamma is not null)
        {
            inputs.Add(gamma);
        }
        int bi = beta is null ? -1 : inputs.Count;
        if (beta is not null)
        {
            inputs.Add(beta);
        }
        Tensor[] all = [.. inputs];
        if (GradientTape.IsRecording(all))
        {
            var sumG = new float[c];
            var sumGX = new float[c];
            var a = new float[c];
            var b = new float[c];
            var d = new float[c];
            GradientTape.Record(y, all, Forward, (g, dx) =>
            {
                var xs = x.Span;
                kernels.GradSums(g.Span, xs, mean, rows, c, partial, sumG, sumGX);
                if (gi >= 0 && dx.Needs(gi))
                {
                    var dg = dx[gi].Span;
                    for (int j = 0; j < c; j++)
                    {
                        dg[j] = sumGX[j] * invStd[j];
                    }
                }
                if (bi >= 0 && dx.Needs(bi))
                {
                    sumG.CopyTo(dx[bi].Span);
                }
                if (dx.Needs(0))
                {
                    float invRows = 1f / Math.Max(1, rows);
                    for (int j = 0; j < c; j++)
                    {
                        // scale = gamma / sigma; in training the batch statistics depend on x too.
                        a[j] = scale[j];
                        b[j] = training ? -scale[j] * invStd[j] * invStd[j] * sumGX[j] * invRows : 0f;
                        d[j] = training ? -scale[j] * sumG[j] * invRows : 0f;
                    }
                    kernels.GradInput(g.Span, xs, mean, a, b, d, dx[0].Span, rows, c);
                }
            }, OpKind.BatchNormalization);
        }
        return y;
    }

    /// <summary>
    /// Keras's LayerNormalization call over the last axis: each sample's features are normalised by
    /// their own mean and biased variance, then scaled by gamma and shifted by beta (both optional).
    /// </summary>
    internal static Tensor LayerNormalization(Tensor x, Tensor? gamma, Tensor? beta, float epsilon)
    {
        x = F(x);
        // One backend for the op's whole life: its scratch is sized for that backend's kernels.
        var kernels = K;
        int c = x.Shape[-1];
        int rows = x.Length / Math.Max(1, c);
        var y = Tensor.Zeros(x.Shape);
        var mean = new float[rows];
        var invStd = new float[rows];
        void Forward() => kernels.LayerNormForward(x.Span, gamma is null ? default : gamma.Span, beta is null ? default : beta.Span,
            y.Span, mean, invStd, rows, c, epsilon);
        Forward();
        var inputs = new List<Tensor> { x };
        int gi = gamma is null ? -1 : inputs.Count;
        if (gamma is not null)
        {
            inputs.Add(gamma);
        }
        int bi = beta is null ? -1 : inputs.Count;
        if (beta is not null)
        {
            inputs.Add(beta);
        }
        Tensor[] all = [.. inputs];
        if (GradientTape.IsRecording(all))
        {
            var partial = new float[kernels.ChannelSumScratch(rows, c)];
            var dgamma = gamma is null ? null : new float[c];
            var dbeta = beta is null ? null : new float[c];
            GradientTape.Record(y, all, Forward, (g, dx) =>
            {
                bool wantDx = dx.Needs(0);
                kernels.LayerNormBackward(g.Span, x.Span, gamma is null ? default : gamma.Span, mean, invStd,
                    wantDx ? dx[0].Span : default, dgamma, dbeta, partial, rows, c);
                if (gi >= 0 && dx.Needs(gi))
                {
                    dgamma.CopyTo(dx[gi].Span);
                }
                if (bi >= 0 && dx.Needs(bi))
                {
                    dbeta.CopyTo(dx[bi].Span);
                }
            }, OpKind.LayerNormalization);
        }
        return y;
    }
}
