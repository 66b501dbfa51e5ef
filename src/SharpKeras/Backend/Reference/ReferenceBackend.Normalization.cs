namespace SharpKeras.Backend.Reference;

/// <summary>Batch and layer normalization of the reference backend: per-channel sums in double, one channel at a time.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public int ChannelSumScratch(int rows, int c) => 0;

    /// <inheritdoc/>
    public void Moments(ReadOnlySpan<float> x, int rows, int c, Span<float> mean, Span<float> variance, Span<float> scratch)
    {
        for (int j = 0; j < c; j++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++)
            {
                sum += x[r * c + j];
            }
            float m = (float)(sum / Math.Max(1, rows));
            double squares = 0;
            for (int r = 0; r < rows; r++)
            {
                double d = x[r * c + j] - m;
                squares += d * d;
            }
            mean[j] = m;
            variance[j] = (float)(squares / Math.Max(1, rows));
        }
    }

    /// <inheritdoc/>
    public void GradSums(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> center, int rows, int c,
        Span<float> scratch, Span<float> sumG, Span<float> sumGX)
    {
        for (int j = 0; j < c; j++)
        {
            double sg = 0, sgx = 0;
            for (int r = 0; r < rows; r++)
            {
                sg += g[r * c + j];
                sgx += (double)g[r * c + j] * (x[r * c + j] - center[j]);
            }
            sumG[j] = (float)sg;
            sumGX[j] = (float)sgx;
        }
    }

    /// <inheritdoc/>
    public void ScaleShift(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> y, int rows, int c)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < c; j++)
            {
                y[r * c + j] = x[r * c + j] * scale[j] + shift[j];
            }
        }
    }

    /// <inheritdoc/>
    public void GradInput(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> center,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> d, Span<float> dx, int rows, int c)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < c; j++)
            {
                dx[r * c + j] = a[j] * g[r * c + j] + b[j] * (x[r * c + j] - center[j]) + d[j];
            }
        }
    }

    /// <inheritdoc/>
    public void LayerNormForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y,
        Span<float> mean, Span<float> invStd, int rows, int c, float epsilon)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * c, c);
            double sum = 0;
            foreach (float v in row)
            {
                sum += v;
            }
            double m = sum / c, squares = 0;
            foreach (float v in row)
            {
                squares += (v - m) * (v - m);
            }
            float inv = (float)(1 / Math.Sqrt(squares / c + epsilon));
            mean[r] = (float)m;
            invStd[r] = inv;
            for (int j = 0; j < c; j++)
            {
                float normalized = (row[j] - (float)m) * inv;
                y[r * c + j] = normalized * (gamma.IsEmpty ? 1f : gamma[j]) + (beta.IsEmpty ? 0f : beta[j]);
            }
        }
    }

    /// <inheritdoc/>
    public void LayerNormBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> invStd, Span<float> dx, Span<float> dGamma, Span<float> dBeta, Span<float> scratch, int rows, int c)
    {
        // dy/dx of (x - mean) * invStd per row, with dxhat = g * gamma:
        // dx = invStd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)).
        for (int r = 0; r < rows; r++)
        {
            double meanD = 0, meanDH = 0;
            for (int j = 0; j < c; j++)
            {
                float h = (x[r * c + j] - mean[r]) * invStd[r];
                float d = g[r * c + j] * (gamma.IsEmpty ? 1f : gamma[j]);
                meanD += d;
                meanDH += d * h;
            }
            meanD /= c;
            meanDH /= c;
            if (dx.IsEmpty)
            {
                continue;
            }
            for (int j = 0; j < c; j++)
            {
                float h = (x[r * c + j] - mean[r]) * invStd[r];
                float d = g[r * c + j] * (gamma.IsEmpty ? 1f : gamma[j]);
                dx[r * c + j] = (float)(invStd[r] * (d - meanD - h * meanDH));
            }
        }
        for (int j = 0; j < c; j++)
        {
            double sgx = 0, sg = 0;
            for (int r = 0; r < rows; r++)
            {
                sgx += (double)g[r * c + j] * ((x[r * c + j] - mean[r]) * invStd[r]);
                sg += g[r * c + j];
            }
            if (!dGamma.IsEmpty)
            {
                dGamma[j] = (float)sgx;
            }
            if (!dBeta.IsEmpty)
            {
                dBeta[j] = (float)sg;
            }
        }
    }
}
