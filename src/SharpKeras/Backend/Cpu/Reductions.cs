namespace SharpKeras.Backend.Cpu;

/// <summary>Reductions and softmax along one axis of a tensor viewed as (outer, len, inner).</summary>
internal static class Reductions
{
    /// <summary>Sums x (outer, len, inner) over its middle axis into r (outer, inner).</summary>
    public static void SumAxis(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> r)
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                r[o] = Elementwise.SumAll(x.Slice(o * len, len));
            }
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            Elementwise.SumRows(x.Slice(o * len * inner, len * inner), inner, r.Slice(o * inner, inner));
        }
    }

    /// <summary>Repeats g (outer, inner) along the middle axis into r (outer, len, inner).</summary>
    public static void RepeatAxis(ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r)
    {
        for (int o = 0; o < outer; o++)
        {
            var src = g.Slice(o * inner, inner);
            for (int l = 0; l < len; l++)
            {
                src.CopyTo(r.Slice((o * len + l) * inner, inner));
            }
        }
    }

    /// <summary>Softmax along the middle axis: exp(x - max) / sum(exp(x - max)), or its log.</summary>
    public static void Softmax(ReadOnlySpan<float> xs, int outer, int len, int inner, bool log, Span<float> ys)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int b = o * len * inner + i;
                float max = float.NegativeInfinity;
                for (int l = 0; l < len; l++)
                {
                    max = MathF.Max(max, xs[b + l * inner]);
                }
                float sum = 0f;
                for (int l = 0; l < len; l++)
                {
                    float e = MathF.Exp(xs[b + l * inner] - max);
                    ys[b + l * inner] = e;
                    sum += e;
                }
                if (log)
                {
                    float ls = MathF.Log(sum);
                    for (int l = 0; l < len; l++)
                    {
                        ys[b + l * inner] = xs[b + l * inner] - max - ls;
                    }
                }
                else
                {
                    for (int l = 0; l < len; l++)
                    {
                        ys[b + l * inner] /= sum;
                    }
                }
            }
        }
    }

    /// <summary>Gradient of softmax (given its output y): y * (g - sum(g * y)).</summary>
    public static void SoftmaxGrad(ReadOnlySpan<float> ys, ReadOnlySpan<float> gs, int outer, int len, int inner, Span<float> rs)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int b = o * len * inner + i;
                float dot = 0f;
                for (int l = 0; l < len; l++)
                {
                    dot += gs[b + l * inner] * ys[b + l * inner];
                }
                for (int l = 0; l < len; l++)
                {
                    rs[b + l * inner] = ys[b + l * inner] * (gs[b + l * inner] - dot);
                }
            }
        }
    }

    /// <summary>Gradient of log-softmax (given its output y): g - exp(y) * sum(g).</summary>
    public static void LogSoftmaxGrad(ReadOnlySpan<float> ys, ReadOnlySpan<float> gs, int outer, int len, int inner, Span<float> rs)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int b = o * len * inner + i;
                float sum = 0f;
                for (int l = 0; l < len; l++)
                {
                    sum += gs[b + l * inner];
                }
                for (int l = 0; l < len; l++)
                {
                    rs[b + l * inner] = gs[b + l * inner] - MathF.Exp(ys[b + l * inner]) * sum;
                }
            }
        }
    }
}
