namespace SharpKeras.Losses;

/// <summary>
/// Keras's loss functions (<c>keras.losses.mean_absolute_error</c>, ...): per-sample values built
/// from differentiable ops only, so a recorded training step replays them on every batch.
/// </summary>
public static class LossFunctions
{
    private const float Eps = Loss.Epsilon;

    private static Tensor S(double v) => Tensor.Scalar((float)v);

    // Ops.Maximum / Ops.Minimum take equal shapes: the bound becomes a constant of x's shape (a
    // recorded step replays on batches of that same shape, so the constant stays valid).
    private static Tensor Filled(Tensor x, double v)
    {
        if (x.Rank == 0)
        {
            return S(v);
        }
        var data = new float[x.Length];
        Array.Fill(data, (float)v);
        return Tensor.FromArray(data, x.Shape.ToArray());
    }

    internal static Tensor Max(Tensor x, double v) => Ops.Maximum(x, Filled(x, v));

    internal static Tensor Min(Tensor x, double v) => Ops.Minimum(x, Filled(x, v));

    /// <summary>|x| from two ReLUs (its gradient at 0 is 0, as Keras's backends give).</summary>
    internal static Tensor Abs(Tensor x) => Ops.Add(Ops.Relu(x), Ops.Relu(Ops.Negative(x)));

    /// <summary>x^p for x &gt; 0 as exp(p log x); x is floored at 1e-30 so that 0^p stays finite.</summary>
    internal static Tensor Power(Tensor x, double p) => p switch
    {
        1.0 => x,
        2.0 => Ops.Square(x),
        _ => Ops.Exp(Ops.Multiply(S(p), Ops.Log(Max(x, 1e-30)))),
    };

    /// <summary>log(1 + exp(x)) in the overflow-free form max(x, 0) + log(1 + exp(-|x|)).</summary>
    internal static Tensor Softplus(Tensor x) => Ops.Add(Ops.Relu(x), Ops.Log(Ops.Add(S(1), Ops.Exp(Ops.Negative(Abs(x))))));

    /// <summary>The maximum along the last axis: the value at the (first) argmax, so the gradient goes to that element.</summary>
    internal static Tensor MaxLastAxis(Tensor x) =>
        Ops.Sum(Ops.Multiply(x, Ops.StopGradient(Ops.OneHot(Ops.Argmax(x), x.Shape[-1]))), -1);

    /// <summary>Keras's squeeze_or_expand_to_same_rank: a trailing axis of size 1 is dropped (or added to a vector) so the ranks match.</summary>
    public static (Tensor YTrue, Tensor YPred) SameRank(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.Rank == yPred.Rank + 1 && yTrue.Shape[-1] == 1)
        {
            return yPred.Rank == 1 ? (yTrue, Ops.Reshape(yPred, [.. yPred.Shape.ToArray(), 1])) : (Ops.Reshape(yTrue, yTrue.Shape.Dims[..^1].ToArray()), yPred);
        }
        if (yPred.Rank == yTrue.Rank + 1 && yPred.Shape[-1] == 1)
        {
            return yTrue.Rank == 1 ? (Ops.Reshape(yTrue, [.. yTrue.Shape.ToArray(), 1]), yPred) : (yTrue, Ops.Reshape(yPred, yPred.Shape.Dims[..^1].ToArray()));
        }
        return (yTrue, yPred);
    }

    private static (Tensor, Tensor) Prepare(Tensor yTrue, Tensor yPred, string name)
    {
        if (!yTrue.IsFloat)
        {
            yTrue = Ops.Cast(yTrue, DType.Float32);
        }
        (yTrue, yPred) = SameRank(yTrue, yPred);
        if (yTrue.Shape != yPred.Shape)
        {
            throw new ArgumentException($"{name}: targets of shape {yTrue.Shape} do not match predictions of shape {yPred.Shape}; they must have the same shape.");
        }
        return (yTrue, yPred);
    }

    /// <summary>Keras's mean_squared_error: mean((t - p)^2) over the last axis.</summary>
    public static Tensor MeanSquaredError(Tensor yTrue, Tensor yPred)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "mean_squared_error");
        return Ops.Mean(Ops.Square(Ops.Subtract(yTrue, yPred)), -1);
    }

    /// <summary>Keras's mean_absolute_error: mean(|t - p|) over the last axis.</summary>
    public static Tensor MeanAbsoluteError(Tensor yTrue, Tensor yPred)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "mean_absolute_error");
        return Ops.Mean(Abs(Ops.Subtract(yTrue, yPred)), -1);
    }

    /// <summary>Keras's mean_absolute_percentage_error: 100 mean(|(t - p) / max(|t|, eps)|).</summary>
    public static Tensor MeanAbsolutePercentageError(Tensor yTrue, Tensor yPred)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "mean_absolute_percentage_error");
        var diff = Abs(Ops.Divide(Ops.Subtract(yTrue, yPred), Max(Abs(yTrue), Eps)));
        return Ops.Multiply(S(100), Ops.Mean(diff, -1));
    }

    /// <summary>Keras's mean_squared_logarithmic_error: mean((log(max(p, eps) + 1) - log(max(t, eps) + 1))^2).</summary>
    public static Tensor MeanSquaredLogarithmicError(Tensor yTrue, Tensor yPred)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "mean_squared_logarithmic_error");
        var a = Ops.Log(Ops.Add(Max(yPred, Eps), S(1)));
        var b = Ops.Log(Ops.Add(Max(yTrue, Eps), S(1)));
        return Ops.Mean(Ops.Square(Ops.Subtract(a, b)), -1);
    }

    /// <summary>Keras's cosine_similarity: -sum(l2_normalize(t) * l2_normalize(p)) along <paramref name="axis"/>.</summary>
    public static Tensor CosineSimilarity(Tensor yTrue, Tensor yPred, int axis = -1)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "cosine_similarity");
        return Ops.Negative(Ops.Sum(Ops.Multiply(L2Normalize(yTrue, axis), L2Normalize(yPred, axis)), axis));
    }

    /// <summary>x / max(||x||, eps) along an axis (Keras's ops.normalize on the torch backend).</summary>
    internal static Tensor L2Normalize(Tensor x, int axis) =>
        Ops.Divide(x, Max(Ops.Sqrt(Ops.Sum(Ops.Square(x), axis, keepDims: true)), Eps));

    /// <summary>Keras's huber: 0.5 e^2 where |e| &lt;= delta, else delta |e| - 0.5 delta^2, averaged over the last axis.</summary>
    public static Tensor Huber(Tensor yTrue, Tensor yPred, double delta = 1.0)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "huber_loss");
        var abs = Abs(Ops.Subtract(yPred, yTrue));
        // With q = min(|e|, delta): 0.5 q^2 + delta (|e| - q) is both branches without a select.
        var q = Min(abs, delta);
        var v = Ops.Add(Ops.Multiply(S(0.5), Ops.Square(q)), Ops.Multiply(S(delta), Ops.Subtract(abs, q)));
        return Ops.Mean(v, -1);
    }

    /// <summary>Keras's log_cosh: mean(x + softplus(-2x) - log 2) with x = p - t.</summary>
    public static Tensor LogCosh(Tensor yTrue, Tensor yPred)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "log_cosh");
        var x = Ops.Subtract(yPred, yTrue);
        var v = Ops.Subtract(Ops.Add(x, Softplus(Ops.Multiply(x, S(-2)))), S(Math.Log(2.0)));
        return Ops.Mean(v, -1);
    }

    /// <summary>Keras's kl_divergence: sum(t log(t / p)) with both clipped to [eps, 1].</summary>
    public static Tensor KLDivergence(Tensor yTrue, Tensor yPred)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "kl_divergence");
        var t = Ops.Clip(yTrue, Eps, 1f);
        var p = Ops.Clip(yPred, Eps, 1f);
        return Ops.Sum(Ops.Multiply(t, Ops.Log(Ops.Divide(t, p))), -1);
    }

    /// <summary>Keras's poisson: mean(p - t log(p + eps)).</summary>
    public static Tensor Poisson(Tensor yTrue, Tensor yPred)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "poisson");
        return Ops.Mean(Ops.Subtract(yPred, Ops.Multiply(yTrue, Ops.Log(Ops.Add(yPred, S(Eps))))), -1);
    }

    /// <summary>
    /// Keras's convert_binary_labels_to_hinge: when every label is 0 or 1 they become -1 / +1. The
    /// test is made of ops (a flag that is 1 when sum |t (1 - t)| is 0) so a replayed step re-decides it.
    /// </summary>
    internal static Tensor HingeLabels(Tensor yTrue)
    {
        var offBinary = Ops.Sum(Abs(Ops.Multiply(yTrue, Ops.Subtract(S(1), yTrue))));
        var flag = Ops.StopGradient(Ops.Subtract(S(1), Min(Ops.Multiply(offBinary, S(1e30)), 1)));
        return Ops.Subtract(Ops.Multiply(yTrue, Ops.Add(S(1), flag)), flag);
    }

    /// <summary>Keras's hinge: mean(max(1 - t p, 0)), 0/1 labels mapped to -1/+1.</summary>
    public static Tensor Hinge(Tensor yTrue, Tensor yPred)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "hinge");
        return Ops.Mean(Ops.Relu(Ops.Subtract(S(1), Ops.Multiply(HingeLabels(yTrue), yPred))), -1);
    }

    /// <summary>Keras's squared_hinge: mean(max(1 - t p, 0)^2), 0/1 labels mapped to -1/+1.</summary>
    public static Tensor SquaredHinge(Tensor yTrue, Tensor yPred)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "squared_hinge");
        return Ops.Mean(Ops.Square(Ops.Relu(Ops.Subtract(S(1), Ops.Multiply(HingeLabels(yTrue), yPred)))), -1);
    }

    /// <summary>Keras's categorical_hinge: max(max((1 - t) p) - sum(t p) + 1, 0).</summary>
    public static Tensor CategoricalHinge(Tensor yTrue, Tensor yPred)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "categorical_hinge");
        var pos = Ops.Sum(Ops.Multiply(yTrue, yPred), -1);
        var neg = MaxLastAxis(Ops.Multiply(Ops.Subtract(S(1), yTrue), yPred));
        return Ops.Relu(Ops.Add(Ops.Subtract(neg, pos), S(1)));
    }

    /// <summary>Element-wise binary crossentropy on probabilities (clipped to [eps, 1 - eps]) or logits (stable form).</summary>
    internal static Tensor BinaryCrossentropyElements(Tensor t, Tensor p, bool fromLogits)
    {
        if (fromLogits)
        {
            // max(x, 0) - x t + log(1 + exp(-|x|)), the stable logistic loss torch also uses.
            return Ops.Add(Ops.Subtract(Ops.Relu(p), Ops.Multiply(p, t)), Ops.Log(Ops.Add(S(1), Ops.Exp(Ops.Negative(Abs(p))))));
        }
        var c = Ops.Clip(p, Eps, 1f - Eps);
        return Ops.Negative(Ops.Add(Ops.Multiply(t, Ops.Log(c)), Ops.Multiply(Ops.Subtract(S(1), t), Ops.Log(Ops.Subtract(S(1), c)))));
    }

    /// <summary>Keras's binary_crossentropy with label smoothing (t (1 - s) + s / 2), averaged over <paramref name="axis"/>.</summary>
    public static Tensor BinaryCrossentropy(Tensor yTrue, Tensor yPred, bool fromLogits = false, double labelSmoothing = 0, int axis = -1)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "binary_crossentropy");
        if (labelSmoothing != 0)
        {
            yTrue = Ops.Add(Ops.Multiply(yTrue, S(1 - labelSmoothing)), S(0.5 * labelSmoothing));
        }
        return Ops.Mean(BinaryCrossentropyElements(yTrue, yPred, fromLogits), axis);
    }

    /// <summary>Keras's binary_focal_crossentropy: (1 - p_t)^gamma bce, optionally weighted by alpha / 1 - alpha.</summary>
    public static Tensor BinaryFocalCrossentropy(Tensor yTrue, Tensor yPred, bool applyClassBalancing = false, double alpha = 0.25, double gamma = 2.0,
        bool fromLogits = false, double labelSmoothing = 0, int axis = -1)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "binary_focal_crossentropy");
        if (labelSmoothing != 0)
        {
            yTrue = Ops.Add(Ops.Multiply(yTrue, S(1 - labelSmoothing)), S(0.5 * labelSmoothing));
        }
        var p = fromLogits ? Ops.Sigmoid(yPred) : yPred;
        var bce = BinaryCrossentropyElements(yTrue, p, fromLogits: false);
        var oneMinusT = Ops.Subtract(S(1), yTrue);
        var pT = Ops.Add(Ops.Multiply(yTrue, p), Ops.Multiply(oneMinusT, Ops.Subtract(S(1), p)));
        var focal = Ops.Multiply(Power(Ops.Subtract(S(1), pT), gamma), bce);
        if (applyClassBalancing)
        {
            focal = Ops.Multiply(Ops.Add(Ops.Multiply(yTrue, S(alpha)), Ops.Multiply(oneMinusT, S(1 - alpha))), focal);
        }
        return Ops.Mean(focal, axis);
    }

    private static Tensor SmoothCategorical(Tensor yTrue, Tensor yPred, double labelSmoothing, int axis)
    {
        if (labelSmoothing == 0)
        {
            return yTrue;
        }
        int classes = yPred.Shape[axis];
        return Ops.Add(Ops.Multiply(yTrue, S(1 - labelSmoothing)), S(labelSmoothing / classes));
    }

    /// <summary>Keras's categorical_crossentropy: -sum(t log p) along <paramref name="axis"/>, p normalised and clipped, or log_softmax of logits.</summary>
    public static Tensor CategoricalCrossentropy(Tensor yTrue, Tensor yPred, bool fromLogits = false, double labelSmoothing = 0, int axis = -1)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "categorical_crossentropy");
        yTrue = SmoothCategorical(yTrue, yPred, labelSmoothing, axis);
        if (fromLogits)
        {
            return Ops.Negative(Ops.Sum(Ops.Multiply(yTrue, Ops.LogSoftmax(yPred, axis)), axis));
        }
        var p = Ops.Clip(Ops.Divide(yPred, Ops.Sum(yPred, axis, keepDims: true)), Eps, 1f - Eps);
        return Ops.Negative(Ops.Sum(Ops.Multiply(yTrue, Ops.Log(p)), axis));
    }

    /// <summary>Keras's categorical_focal_crossentropy: sum(alpha (1 - p)^gamma (-t log p)) along <paramref name="axis"/>.</summary>
    public static Tensor CategoricalFocalCrossentropy(Tensor yTrue, Tensor yPred, double alpha = 0.25, double gamma = 2.0, bool fromLogits = false,
        double labelSmoothing = 0, int axis = -1)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "categorical_focal_crossentropy");
        yTrue = SmoothCategorical(yTrue, yPred, labelSmoothing, axis);
        var p = fromLogits ? Ops.Softmax(yPred, axis) : yPred;
        p = Ops.Clip(Ops.Divide(p, Ops.Sum(p, axis, keepDims: true)), Eps, 1f - Eps);
        var cce = Ops.Negative(Ops.Multiply(yTrue, Ops.Log(p)));
        var weight = Ops.Multiply(Power(Ops.Subtract(S(1), p), gamma), S(alpha));
        return Ops.Sum(Ops.Multiply(weight, cce), axis);
    }

    /// <summary>Keras's categorical_generalized_cross_entropy: (1 - p_y^q) / q for integer labels y.</summary>
    public static Tensor CategoricalGeneralizedCrossEntropy(Tensor yTrue, Tensor yPred, double q)
    {
        if (yTrue.Rank == yPred.Rank && yTrue.Shape[-1] == 1)
        {
            yTrue = Ops.Reshape(yTrue, yTrue.Shape.Dims[..^1].ToArray());
        }
        if (yTrue.Rank != yPred.Rank - 1)
        {
            throw new ArgumentException($"categorical_generalized_cross_entropy: integer labels of shape {yTrue.Shape} do not match predictions of shape {yPred.Shape}.");
        }
        var p = Ops.Sum(Ops.Multiply(yPred, Ops.StopGradient(Ops.OneHot(yTrue, yPred.Shape[-1]))), -1);
        return Ops.Divide(Ops.Subtract(S(1), Power(p, q)), S(q));
    }

    private static Tensor SumAxes(Tensor x, int[]? axis)
    {
        if (axis is null)
        {
            return Ops.Sum(x);
        }
        var axes = axis.Select(a => a < 0 ? a + x.Rank : a).OrderDescending().ToArray();
        foreach (var a in axes)
        {
            x = Ops.Sum(x, a);
        }
        return x;
    }

    /// <summary>Keras's dice: 1 - 2 sum(t p) / (sum t + sum p + eps), summed over <paramref name="axis"/> (all axes when null).</summary>
    public static Tensor Dice(Tensor yTrue, Tensor yPred, int[]? axis = null)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "dice");
        var inter = SumAxes(Ops.Multiply(yTrue, yPred), axis);
        var denom = Ops.Add(Ops.Add(SumAxes(yTrue, axis), SumAxes(yPred, axis)), S(Eps));
        return Ops.Subtract(S(1), Ops.Divide(Ops.Multiply(S(2), inter), denom));
    }

    /// <summary>Keras's tversky: 1 - TP / (TP + alpha FP + beta FN + eps), summed over <paramref name="axis"/> (all axes when null).</summary>
    public static Tensor Tversky(Tensor yTrue, Tensor yPred, double alpha = 0.5, double beta = 0.5, int[]? axis = null)
    {
        (yTrue, yPred) = Prepare(yTrue, yPred, "tversky");
        var tp = SumAxes(Ops.Multiply(yPred, yTrue), axis);
        var fp = SumAxes(Ops.Multiply(Ops.Subtract(S(1), yTrue), yPred), axis);
        var fn = SumAxes(Ops.Multiply(yTrue, Ops.Subtract(S(1), yPred)), axis);
        var denom = Ops.Add(Ops.Add(Ops.Add(tp, Ops.Multiply(fp, S(alpha))), Ops.Multiply(fn, S(beta))), S(Eps));
        return Ops.Subtract(S(1), Ops.Divide(tp, denom));
    }
}
