namespace SharpKeras.Backend.Reference;

/// <summary>The image kernel family of the reference backend: every output value summed from its taps one at a time.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void Resample2D(Span<float> x, Span<float> y, int n, int h, int w, int c, ResampleTaps rows, ResampleTaps cols, float fill, bool backward)
    {
        int oh = rows.OutSize, ow = cols.OutSize;
        if (backward)
        {
            x.Clear();
        }
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        int o = ((b * oh + i) * ow + j) * c + ch;
                        float sum = 0f;
                        for (int r = 0; r < rows.Taps; r++)
                        {
                            int si = rows.Index[i * rows.Taps + r];
                            float wr = rows.Weight[i * rows.Taps + r];
                            for (int s = 0; s < cols.Taps; s++)
                            {
                                int sj = cols.Index[j * cols.Taps + s];
                                float weight = wr * cols.Weight[j * cols.Taps + s];
                                bool inside = si >= 0 && sj >= 0;
                                if (backward)
                                {
                                    if (inside)
                                    {
                                        x[((b * h + si) * w + sj) * c + ch] += weight * y[o];
                                    }
                                }
                                else
                                {
                                    sum += weight * (inside ? x[((b * h + si) * w + sj) * c + ch] : fill);
                                }
                            }
                        }
                        if (!backward)
                        {
                            y[o] = sum;
                        }
                    }
                }
            }
        }
    }
}
