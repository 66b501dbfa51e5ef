using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>
/// Ops that fuse what Keras computes as several steps into one pass over memory; each gives the
/// same values (to float32 rounding) and the same gradients as the composed ops it replaces.
/// </summary>
public static partial class Ops
{
    /// <summary>
    /// activation(x @ kernel + bias) as one matrix multiply whose store adds the bias and applies
    /// the activation (Keras's Dense call). <paramref name="activation"/> must be one the multiply
    /// can apply (see <see cref="EpilogueActivation"/>).
    /// </summary>
    internal static Tensor Dense(Tensor x, Tensor kernel, Tensor? bias, EpilogueActivation activation)
    {
        x = F(x);
        var (m, k, n) = MatMulDims(x.Shape, kernel.Shape, false, false);
        var y = Tensor.Zeros(x.Rank == 2 ? new Shape(m, n) : x.Shape.WithDim(-1, n));
        var x2 = x.Rank == 2 ? x : x.View(new Shape(m, k));
        void Forward()
        {
            if (!ReferenceEquals(x2, x))
            {
                x2.Rebind(x);
            }
            // In inference the kernel's packed copy is kept between calls (same floats as packing it now).
            if (Training.InferenceWeights.Packed(kernel, k, n, false, K) is { } packed)
            {
                K.MatMulPacked(x.Span, packed, y.Span, m, false, false, bias is null ? default : bias.Span, activation);
                return;
            }
            K.MatMul(x.Span, kernel.Span, y.Span, m, n, k, false, false, false,
                bias is null ? default : bias.Span, activation);
        }
        Forward();
        Tensor[] inputs = bias is null ? [x, kernel] : [x, kernel, bias];
        if (GradientTape.IsRecording(inputs))
        {
            // dZ = dY * activation'(Z), from the output; the identity needs no buffer.
            var dz = activation == EpilogueActivation.None ? null : Tensor.Zeros(y.Shape);
            GradientTape.Record(y, inputs, Forward, (g, dx) =>
            {
                var d = g;
                if (dz is not null)
                {
                    switch (activation)
                    {
                        case EpilogueActivation.Relu: K.Binary(BinaryFunction.ReluGrad, y.Span, g.Span, dz.Span); break;
                        case EpilogueActivation.Sigmoid: K.Binary(BinaryFunction.SigmoidGrad, y.Span, g.Span, dz.Span); break;
                        case EpilogueActivation.Tanh: K.Binary(BinaryFunction.TanhGrad, y.Span, g.Span, dz.Span); break;
                        default: K.EpilogueGrad(activation, y.Span, g.Span, dz.Span); break;
                    }
                    d = dz;
                }
                if (dx.Needs(1))
                {
                    K.MatMul(x2.Span, d.Span, dx[1].Span, k, n, m, transA: true, transB: false, accumulate: false);
                }
                if (bias is not null && dx.Needs(2))
                {
                    K.SumRows(d.Span, n, dx[2].Span);
                }
                if (dx.Needs(0))
                {
                    K.MatMul(d.Span, kernel.Span, dx[0].Span, m, k, n, transA: false, transB: true, accumulate: false);
                }
            }, OpKind.Dense);
        }
        return y;
    }

    /// <summary>
    /// Keras's sparse categorical crossentropy reduced to its batch mean, as one kernel forward and
    /// one backward. From probabilities, Keras normalises each row, clips to [1e-7, 1 - 1e-7] and
    /// takes -log at the label; when the probabilities come straight from a softmax over the last
    /// axis, the backward writes the gradient of the softmax's input directly (softmax and
    /// crossentropy fused) and the softmax's own backward never runs.
    /// </summary>
    internal static Tensor SparseCategoricalCrossentropy(Tensor labels, Tensor yPred, bool fromLogits, string lossName)
    {
        yPred = F(yPred);
        int classes = yPred.Shape[-1];
        int rows = yPred.Length / Math.Max(1, classes);
        if (labels.Length != rows)
        {
            throw new ArgumentException($"{lossName}: integer labels of shape {labels.Shape} do not match predictions of shape {yPred.Shape}; expected labels of shape {new Shape(yPred.Shape.Dims[..^1].ToArray())}.");
        }
        var softmax = fromLogits ? null : GradientTape.Producer(yPred);
        var logits = softmax is { Kind: OpKind.SoftmaxLastAxis } ? softmax.Inputs[0] : null;
        var perSample = new float[rows];
        // For logits: the softmax of each row, kept for the backward.
        var probabilities = fromLogits ? Tensor.Zeros(yPred.Shape) : null;
        var loss = Tensor.Zeros(Shape.Scalar);
        int[] label = new int[rows];
        const float eps = Losses.Loss.Epsilon;
        void Forward()
        {
            var p = yPred.Span;
            for (int r = 0; r < rows; r++)
            {
                float v = labels.GetFloat(r);
                if (!(v >= 0 && v < classes) || v != MathF.Floor(v))
                {
                    throw new ArgumentOutOfRangeException(nameof(labels), $"{lossName}: label {v} at index {r} is outside the valid range [0, {classes}) for predictions with {classes} classes.");
                }
                int t = (int)v;
                label[r] = t;
                var row = p.Slice(r * classes, classes);
                if (fromLogits)
                {
                    var q = probabilities!.Span.Slice(r * classes, classes);
                    float max = float.NegativeInfinity;
                    foreach (float z in row)
                    {
                        max = MathF.Max(max, z);
                    }
                    float sum = 0f;
                    for (int j = 0; j < classes; j++)
                    {
                        q[j] = MathF.Exp(row[j] - max);
                        sum += q[j];
                    }
                    for (int j = 0; j < classes; j++)
                    {
                        q[j] /= sum;
                    }
                    perSample[r] = -(row[t] - max - MathF.Log(sum));
                }
                else
                {
                    float qt = row[t] / K.SumAll(row);
                    perSample[r] = -MathF.Log(Math.Clamp(qt, eps, 1f - eps));
                }
            }
            loss.Span[0] = K.SumAll(perSample) / Math.Max(1, rows);
        }
        Forward();
        var input = logits ?? yPred;
        if (GradientTape.IsRecording(input))
        {
            GradientTape.Record(loss, [input], Forward, (g, dx) =>
            {
                float scale = g.Span[0] / Math.Max(1, rows);
                var d = dx[0].Span;
                var p = yPred.Span;
                for (int r = 0; r < rows; r++)
                {
                    int t = label[r];
                    var dr = d.Slice(r * classes, classes);
                    if (fromLogits)
                    {
                        // d(-log softmax(z)_t)/dz = softmax(z) - onehot(t).
                        var q = probabilities!.Span.Slice(r * classes, classes);
                        for (int j = 0; j < classes; j++)
                        {
                            dr[j] = scale * (q[j] - (j == t ? 1f : 0f));
                        }
                        continue;
                    }
                    var row = p.Slice(r * classes, classes);
                    float s = K.SumAll(row);
                    float qt = row[t] / s;
                    // Keras's clip passes no gradient outside [eps, 1 - eps].
                    float dq = qt >= eps && qt <= 1f - eps ? -scale / qt : 0f;
                    // Through q = p / sum(p): dp_j = dq (delta_tj - q_t) / s.
                    float common = -dq * qt / s;
                    if (logits is null)
                    {
                        for (int j = 0; j < classes; j++)
                        {
                            dr[j] = common;
                        }
                        dr[t] += dq / s;
                        continue;
                    }
                    // Through the softmax p = softmax(z): dz_i = p_i (dp_i - sum_j p_j dp_j). The sum is
                    // accumulated term by term as the unfused softmax gradient does, so rounding matches it.
                    float dot = 0f;
                    for (int j = 0; j < classes; j++)
                    {
                        dot += (common + (j == t ? dq / s : 0f)) * row[j];
                    }
                    for (int j = 0; j < classes; j++)
                    {
                        float dp = common + (j == t ? dq / s : 0f);
                        dr[j] = row[j] * (dp - dot);
                    }
                }
            }, OpKind.SparseCategoricalCrossentropy);
        }
        return loss;
    }

    /// <summary>
    /// Inverted dropout: zeroes each element with probability <paramref name="rate"/> and scales
    /// the rest by 1 / (1 - rate), drawing a fresh mask from <paramref name="rng"/> every time it runs.
    /// </summary>
    internal static Tensor Dropout(Tensor x, double rate, SeedGenerator rng)
    {
        x = F(x);
        var mask = Tensor.Zeros(x.Shape);
        var y = Tensor.Zeros(x.Shape);
        float keep = (float)(1 - rate);
        float scale = keep > 0 ? 1f / keep : 0f;
        void Forward()
        {
            var m = mask.Span;
            if (keep > 0)
            {
                rng.NextMask(m, keep, scale);
            }
            else
            {
                m.Clear();
            }
            K.Binary(BinaryFunction.Multiply, x.Span, m, y.Span);
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.Binary(BinaryFunction.Multiply, g.Span, mask.Span, dx[0].Span), OpKind.Dropout);
        }
        return y;
    }
}
