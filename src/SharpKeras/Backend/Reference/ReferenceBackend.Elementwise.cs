namespace SharpKeras.Backend.Reference;

/// <summary>Elementwise functions, broadcasting and reductions of the reference backend.</summary>
internal sealed partial class ReferenceBackend
{
    /// <summary>f(x) for one value.</summary>
    private static float Apply(UnaryFunction f, float x) => f switch
    {
        UnaryFunction.Negative => -x,
        UnaryFunction.Relu => x > 0f ? x : 0f,
        UnaryFunction.Square => x * x,
        UnaryFunction.Sqrt => MathF.Sqrt(x),
        UnaryFunction.Exp => MathF.Exp(x),
        UnaryFunction.Log => MathF.Log(x),
        UnaryFunction.Tanh => MathF.Tanh(x),
        UnaryFunction.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown unary function."),
    };

    /// <summary>f(a, b) for one pair of values.</summary>
    private static float Apply(BinaryFunction f, float a, float b) => f switch
    {
        BinaryFunction.Add => a + b,
        BinaryFunction.Subtract => a - b,
        BinaryFunction.Multiply => a * b,
        BinaryFunction.Divide => a / b,
        BinaryFunction.ReverseDivide => b / a,
        BinaryFunction.ReluGrad => a > 0f ? b : 0f,
        BinaryFunction.SigmoidGrad => b * a * (1f - a),
        BinaryFunction.TanhGrad => b * (1f - a * a),
        BinaryFunction.SquareGrad => 2f * a * b,
        BinaryFunction.SqrtGrad => b * 0.5f / a,
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown binary function."),
    };

    /// <inheritdoc/>
    public void Unary(UnaryFunction f, ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            y[i] = Apply(f, x[i]);
        }
    }

    /// <inheritdoc/>
    public void Binary(BinaryFunction f, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> z)
    {
        for (int i = 0; i < a.Length; i++)
        {
            z[i] = Apply(f, a[i], b[i]);
        }
    }

    /// <summary>The flat index into an array of <paramref name="shape"/> read at output multi-index <paramref name="index"/> under NumPy broadcasting.</summary>
    private static int BroadcastOffset(Shape shape, ReadOnlySpan<int> index)
    {
        int offset = 0, lead = index.Length - shape.Rank;
        for (int d = 0; d < shape.Rank; d++)
        {
            offset = offset * shape[d] + (shape[d] == 1 ? 0 : index[lead + d]);
        }
        return offset;
    }

    /// <summary>The multi-index of flat position <paramref name="flat"/> in <paramref name="shape"/>.</summary>
    private static void Unflatten(int flat, Shape shape, Span<int> index)
    {
        for (int d = shape.Rank - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
    }

    /// <inheritdoc/>
    public void Binary(BinaryFunction f, ReadOnlySpan<float> a, Shape aShape, ReadOnlySpan<float> b, Shape bShape, Span<float> z, Shape outShape)
    {
        Span<int> index = stackalloc int[outShape.Rank];
        for (int o = 0; o < outShape.Size; o++)
        {
            Unflatten(o, outShape, index);
            z[o] = Apply(f, a[BroadcastOffset(aShape, index)], b[BroadcastOffset(bShape, index)]);
        }
    }

    /// <inheritdoc/>
    public void SumToShape(ReadOnlySpan<float> g, Shape gShape, Span<float> result, Shape target)
    {
        // Accumulated in double so that the order of additions does not matter at float precision.
        var sums = new double[target.Size];
        Span<int> index = stackalloc int[gShape.Rank];
        for (int o = 0; o < gShape.Size; o++)
        {
            Unflatten(o, gShape, index);
            sums[BroadcastOffset(target, index)] += g[o];
        }
        for (int i = 0; i < sums.Length; i++)
        {
            result[i] = (float)sums[i];
        }
    }

    /// <inheritdoc/>
    public void SumRows(ReadOnlySpan<float> g, int n, Span<float> result)
    {
        int rows = n == 0 ? 0 : g.Length / n;
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++)
            {
                sum += g[r * n + j];
            }
            result[j] = (float)sum;
        }
    }

    /// <inheritdoc/>
    public float SumAll(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
        {
            sum += v;
        }
        return (float)sum;
    }

    /// <inheritdoc/>
    public void SumAxis(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> r)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                double sum = 0;
                for (int l = 0; l < len; l++)
                {
                    sum += x[(o * len + l) * inner + i];
                }
                r[o * inner + i] = (float)sum;
            }
        }
    }

    /// <inheritdoc/>
    public void RepeatAxis(ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int l = 0; l < len; l++)
            {
                for (int i = 0; i < inner; i++)
                {
                    r[(o * len + l) * inner + i] = g[o * inner + i];
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Softmax(ReadOnlySpan<float> x, int outer, int len, int inner, bool log, Span<float> y)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int At(int l) => (o * len + l) * inner + i;
                float max = float.NegativeInfinity;
                for (int l = 0; l < len; l++)
                {
                    max = MathF.Max(max, x[At(l)]);
                }
                double sum = 0;
                for (int l = 0; l < len; l++)
                {
                    sum += Math.Exp(x[At(l)] - max);
                }
                for (int l = 0; l < len; l++)
                {
                    y[At(l)] = log ? (float)(x[At(l)] - max - Math.Log(sum)) : (float)(Math.Exp(x[At(l)] - max) / sum);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void SoftmaxGrad(ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int At(int l) => (o * len + l) * inner + i;
                double dot = 0;
                for (int l = 0; l < len; l++)
                {
                    dot += g[At(l)] * y[At(l)];
                }
                for (int l = 0; l < len; l++)
                {
                    r[At(l)] = (float)(y[At(l)] * (g[At(l)] - dot));
                }
            }
        }
    }

    /// <inheritdoc/>
    public void LogSoftmaxGrad(ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r)
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int At(int l) => (o * len + l) * inner + i;
                double sum = 0;
                for (int l = 0; l < len; l++)
                {
                    sum += g[At(l)];
                }
                for (int l = 0; l < len; l++)
                {
                    r[At(l)] = (float)(g[At(l)] - Math.Exp(y[At(l)]) * sum);
                }
            }
        }
    }
}
