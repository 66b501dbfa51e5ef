namespace SharpKeras.Backend.Reference;

/// <summary>The axis-reduction kernel family of the reference backend: plain loops, products accumulated in double.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void ReduceAxis(ReductionKind kind, ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double acc = kind == ReductionKind.Prod ? 1.0 : x[o * len * inner + i];
                for (int j = kind == ReductionKind.Prod ? 0 : 1; j < len; j++)
                {
                    float v = x[(o * len + j) * inner + i];
                    acc = kind switch
                    {
                        ReductionKind.Max => double.IsNaN(acc) || float.IsNaN(v) ? double.NaN : System.Math.Max(acc, v),
                        ReductionKind.Min => double.IsNaN(acc) || float.IsNaN(v) ? double.NaN : System.Math.Min(acc, v),
                        _ => acc * v,
                    };
                }
                y[o * inner + i] = (float)acc;
            }
        }
    }

    /// <inheritdoc/>
    public void ArgReduceAxis(ReadOnlySpan<float> x, int outer, int len, int inner, bool max, Span<int> y)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int best = 0;
                for (int j = 1; j < len; j++)
                {
                    float b = x[(o * len + best) * inner + i];
                    float v = x[(o * len + j) * inner + i];
                    if (float.IsNaN(b))
                    {
                        break;
                    }
                    if (float.IsNaN(v) || (max ? v > b : v < b))
                    {
                        best = j;
                    }
                }
                y[o * inner + i] = best;
            }
        }
    }

    /// <inheritdoc/>
    public void CumulativeAxis(ReadOnlySpan<float> x, int outer, int len, int inner, bool product, bool reverse, Span<float> y)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                float acc = product ? 1f : 0f;
                for (int step = 0; step < len; step++)
                {
                    int j = reverse ? len - 1 - step : step;
                    int at = (o * len + j) * inner + i;
                    acc = product ? acc * x[at] : acc + x[at];
                    y[at] = acc;
                }
            }
        }
    }
}
