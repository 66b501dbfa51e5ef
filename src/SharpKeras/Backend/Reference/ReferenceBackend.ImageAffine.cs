namespace SharpKeras.Backend.Reference;

/// <summary>The projective image transform on the reference backend: every output value summed from its taps one at a time, indices fixed by Keras's own formulas.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void AffineTransform(Span<float> x, Span<float> y, int n, int h, int w, int c, int outHeight, int outWidth, ReadOnlySpan<float> transforms,
        bool bilinear, AffineFillMode fillMode, float fillValue, bool backward)
    {
        if (backward)
        {
            x.Clear();
        }
        Span<int> rows = stackalloc int[2];
        Span<int> cols = stackalloc int[2];
        Span<float> rowWeights = stackalloc float[2];
        Span<float> colWeights = stackalloc float[2];
        for (int b = 0; b < n; b++)
        {
            var t = transforms.Slice(8 * b, 8);
            for (int i = 0; i < outHeight; i++)
            {
                for (int j = 0; j < outWidth; j++)
                {
                    // The same float operations in the same order as the CPU kernel, so that both round alike.
                    float k = t[7] * i + t[6] * j + 1f;
                    float col = (t[1] * i + t[0] * j + t[2]) / k;
                    float row = (t[4] * i + t[3] * j + t[5]) / k;
                    bool infinite = k == 0f || float.IsNaN(col) || float.IsNaN(row);
                    int taps = bilinear ? 2 : 1;
                    if (!infinite)
                    {
                        col = Math.Clamp(col, -CoordinateLimit, CoordinateLimit);
                        row = Math.Clamp(row, -CoordinateLimit, CoordinateLimit);
                        if (bilinear)
                        {
                            float r0 = MathF.Floor(row), c0 = MathF.Floor(col);
                            rows[0] = (int)r0;
                            rows[1] = (int)r0 + 1;
                            rowWeights[1] = row - r0;
                            rowWeights[0] = 1f - rowWeights[1];
                            cols[0] = (int)c0;
                            cols[1] = (int)c0 + 1;
                            colWeights[1] = col - c0;
                            colWeights[0] = 1f - colWeights[1];
                        }
                        else
                        {
                            rows[0] = (int)MathF.Round(row, MidpointRounding.ToEven);
                            cols[0] = (int)MathF.Round(col, MidpointRounding.ToEven);
                            rowWeights[0] = colWeights[0] = 1f;
                        }
                    }
                    for (int ch = 0; ch < c; ch++)
                    {
                        long o = (((long)b * outHeight + i) * outWidth + j) * c + ch;
                        if (infinite)
                        {
                            if (!backward)
                            {
                                y[(int)o] = fillValue;
                            }
                            continue;
                        }
                        float sum = 0f;
                        for (int r = 0; r < taps; r++)
                        {
                            for (int s = 0; s < taps; s++)
                            {
                                float weight = rowWeights[r] * colWeights[s];
                                bool inside = rows[r] >= 0 && rows[r] < h && cols[s] >= 0 && cols[s] < w;
                                bool reads = inside || fillMode != AffineFillMode.Constant;
                                int si = Fix(rows[r], h, fillMode), sj = Fix(cols[s], w, fillMode);
                                long src = (((long)b * h + si) * w + sj) * c + ch;
                                if (backward)
                                {
                                    if (reads)
                                    {
                                        x[(int)src] += weight * y[(int)o];
                                    }
                                }
                                else
                                {
                                    sum += weight * (reads ? x[(int)src] : fillValue);
                                }
                            }
                        }
                        if (!backward)
                        {
                            y[(int)o] = sum;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Coordinates are clamped to this magnitude before they become indices, so that absurd transforms cannot overflow an int.</summary>
    private const float CoordinateLimit = 1 << 23;

    // Keras's index fixers (keras/src/backend/torch/image.py): reflect as a triangular wave, wrap as a floored modulo.
    private static int Fix(int index, int size, AffineFillMode mode) => mode switch
    {
        AffineFillMode.Wrap => ((index % size) + size) % size,
        AffineFillMode.Reflect => FloorDiv(Mirror(2 * index + 1, 2 * size + 1) - 1, 2),
        _ => Math.Clamp(index, 0, size - 1),
    };

    private static int Mirror(int index, int size)
    {
        int s = size - 1;
        int m = (index + s) % (2 * s);
        return Math.Abs((m < 0 ? m + 2 * s : m) - s);
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);
}
