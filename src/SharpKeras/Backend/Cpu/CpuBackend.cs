namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The CPU backend: packed, register-tiled GEMM and SIMD kernels (Vector512 / 256 / 128 chosen at
/// start-up) split across <see cref="Config.Threads"/> cores by <see cref="CpuParallel"/>.
/// </summary>
internal sealed partial class CpuBackend : IBackend
{
    /// <summary>The one instance.</summary>
    public static readonly CpuBackend Instance = new();

    private CpuBackend()
    {
    }

    /// <inheritdoc/>
    public string Name => "cpu";

    /// <inheritdoc/>
    public string MatMulVariant => Gemm.Level.ToString();

    /// <inheritdoc/>
    public void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k,
        bool transA, bool transB, bool accumulate, ReadOnlySpan<float> bias, EpilogueActivation activation) =>
        Gemm.Multiply(a, b, c, m, n, k, transA, transB, accumulate, bias, activation);

    /// <inheritdoc/>
    public void Im2Col(ReadOnlySpan<float> x, Span<float> cols, in Window2D g, int first, int count) => Convolution.Im2Col(x, cols, g, first, count);

    /// <inheritdoc/>
    public void Col2Im(ReadOnlySpan<float> cols, Span<float> dx, in Window2D g, int first, int count) => Convolution.Col2Im(cols, dx, g, first, count);

    /// <inheritdoc/>
    public void DepthwiseForward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, Span<float> y, in Window2D g, int multiplier) =>
        DepthwiseConvolution.Forward(x, kernel, y, g, multiplier);

    /// <inheritdoc/>
    public void DepthwiseBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> kernel, Span<float> dx, in Window2D g, int multiplier) =>
        DepthwiseConvolution.BackwardInput(dy, kernel, dx, g, multiplier);

    /// <inheritdoc/>
    public void DepthwiseBackwardKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dk, in Window2D g, int multiplier) =>
        DepthwiseConvolution.BackwardKernel(x, dy, dk, g, multiplier);

    /// <inheritdoc/>
    public void MaxPoolForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, in Window2D g) => Pooling.MaxForward(x, y, argmax, g);

    /// <inheritdoc/>
    public void MaxPoolBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, in Window2D g) => Pooling.MaxBackward(dy, argmax, dx, g);

    /// <inheritdoc/>
    public void AveragePoolForward(ReadOnlySpan<float> x, Span<float> y, in Window2D g) => Pooling.AverageForward(x, y, g);

    /// <inheritdoc/>
    public void AveragePoolBackward(ReadOnlySpan<float> dy, Span<float> dx, in Window2D g) => Pooling.AverageBackward(dy, dx, g);

    /// <inheritdoc/>
    public IRecurrentKernel CreateRecurrent(RecurrentKind kind, int batch, int time, int features, int units,
        EpilogueActivation activation, EpilogueActivation recurrentActivation, bool goBackwards, bool zeroOutputForMask,
        bool inputDropout, bool recurrentDropout) =>
        new RecurrentKernel(kind, batch, time, features, units, activation, recurrentActivation, goBackwards, zeroOutputForMask,
            inputDropout, recurrentDropout);

    /// <inheritdoc/>
    public int ChannelSumScratch(int rows, int c) => 2 * Normalization.Blocks(rows) * c;

    /// <inheritdoc/>
    public void Moments(ReadOnlySpan<float> x, int rows, int c, Span<float> mean, Span<float> variance, Span<float> scratch) =>
        Normalization.Moments(x, rows, c, mean, variance, scratch);

    /// <inheritdoc/>
    public void GradSums(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> center, int rows, int c,
        Span<float> scratch, Span<float> sumG, Span<float> sumGX) => Normalization.GradSums(g, x, center, rows, c, scratch, sumG, sumGX);

    /// <inheritdoc/>
    public void ScaleShift(ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> y, int rows, int c) =>
        Normalization.ScaleShift(x, scale, shift, y, rows, c);

    /// <inheritdoc/>
    public void GradInput(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> center,
        ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> d, Span<float> dx, int rows, int c) =>
        Normalization.GradInput(g, x, center, a, b, d, dx, rows, c);

    /// <inheritdoc/>
    public void LayerNormForward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y,
        Span<float> mean, Span<float> invStd, int rows, int c, float epsilon) =>
        Normalization.LayerForward(x, gamma, beta, y, mean, invStd, rows, c, epsilon);

    /// <inheritdoc/>
    public void LayerNormBackward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> invStd, Span<float> dx, Span<float> dGamma, Span<float> dBeta, Span<float> scratch, int rows, int c) =>
        Normalization.LayerBackward(g, x, gamma, mean, invStd, dx, scratch, dGamma, dBeta, rows, c, wantDx: !dx.IsEmpty);

    /// <inheritdoc/>
    public void Unary(UnaryFunction f, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (f)
        {
            case UnaryFunction.Negative: Elementwise.Unary<NegOp>(x, y); break;
            case UnaryFunction.Relu: Elementwise.Unary<ReluOp>(x, y); break;
            case UnaryFunction.Square: Elementwise.Unary<SquareOp>(x, y); break;
            case UnaryFunction.Sqrt: Elementwise.Unary<SqrtOp>(x, y); break;
            case UnaryFunction.Exp: Elementwise.Unary<ExpOp>(x, y); break;
            case UnaryFunction.Log: Elementwise.Unary<LogOp>(x, y); break;
            case UnaryFunction.Tanh: Elementwise.Unary<TanhOp>(x, y); break;
            case UnaryFunction.Sigmoid: Elementwise.Unary<SigmoidOp>(x, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown unary function.");
        }
    }

    /// <inheritdoc/>
    public void Binary(BinaryFunction f, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> z)
    {
        switch (f)
        {
            case BinaryFunction.Add: Elementwise.Binary<AddOp>(a, b, z); break;
            case BinaryFunction.Subtract: Elementwise.Binary<SubOp>(a, b, z); break;
            case BinaryFunction.Multiply: Elementwise.Binary<MulOp>(a, b, z); break;
            case BinaryFunction.Divide: Elementwise.Binary<DivOp>(a, b, z); break;
            case BinaryFunction.ReverseDivide: Elementwise.Binary<RevDivOp>(a, b, z); break;
            case BinaryFunction.ReluGrad: Elementwise.Binary<ReluGradOp>(a, b, z); break;
            case BinaryFunction.SigmoidGrad: Elementwise.Binary<SigmoidGradOp>(a, b, z); break;
            case BinaryFunction.TanhGrad: Elementwise.Binary<TanhGradOp>(a, b, z); break;
            case BinaryFunction.SquareGrad: Elementwise.Binary<SquareGradOp>(a, b, z); break;
            case BinaryFunction.SqrtGrad: Elementwise.Binary<SqrtGradOp>(a, b, z); break;
            default: throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown binary function.");
        }
    }

    /// <inheritdoc/>
    public void Binary(BinaryFunction f, ReadOnlySpan<float> a, Shape aShape, ReadOnlySpan<float> b, Shape bShape, Span<float> z, Shape outShape)
    {
        switch (f)
        {
            case BinaryFunction.Add: Broadcast<AddOp>(a, aShape, b, bShape, z, outShape); break;
            case BinaryFunction.Subtract: Broadcast<SubOp>(a, aShape, b, bShape, z, outShape); break;
            case BinaryFunction.Multiply: Broadcast<MulOp>(a, aShape, b, bShape, z, outShape); break;
            case BinaryFunction.Divide: Broadcast<DivOp>(a, aShape, b, bShape, z, outShape); break;
            default: throw new ArgumentOutOfRangeException(nameof(f), f, "Broadcasting is defined for add, subtract, multiply and divide.");
        }
    }

    /// <summary>a op b with NumPy broadcasting, choosing the fastest loop the shapes allow.</summary>
    private static void Broadcast<TOp>(ReadOnlySpan<float> a, Shape aShape, ReadOnlySpan<float> b, Shape bShape, Span<float> z, Shape outShape)
        where TOp : IBinaryOp
    {
        if (aShape == bShape)
        {
            Elementwise.Binary<TOp>(a, b, z);
        }
        else if (b.Length == 1 && aShape == outShape)
        {
            Elementwise.BinaryScalar<TOp>(a, b[0], z, swap: false);
        }
        else if (a.Length == 1 && bShape == outShape)
        {
            Elementwise.BinaryScalar<TOp>(b, a[0], z, swap: true);
        }
        else if (aShape == outShape && Elementwise.IsTrailing(bShape, outShape))
        {
            Elementwise.BinaryRowBroadcast<TOp>(a, b, z, swap: false);
        }
        else if (bShape == outShape && Elementwise.IsTrailing(aShape, outShape))
        {
            Elementwise.BinaryRowBroadcast<TOp>(b, a, z, swap: true);
        }
        else
        {
            Elementwise.BinaryBroadcast<TOp>(a, aShape, b, bShape, z, outShape);
        }
    }

    /// <inheritdoc/>
    public void SumToShape(ReadOnlySpan<float> g, Shape gShape, Span<float> result, Shape target)
    {
        if (gShape == target)
        {
            g.CopyTo(result);
            return;
        }
        Elementwise.SumToShape(g, gShape, result, target);
    }

    /// <inheritdoc/>
    public void SumRows(ReadOnlySpan<float> g, int n, Span<float> result) => Elementwise.SumRows(g, n, result);

    /// <inheritdoc/>
    public float SumAll(ReadOnlySpan<float> x) => Elementwise.SumAll(x);

    /// <inheritdoc/>
    public void SumAxis(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> r) => Reductions.SumAxis(x, outer, len, inner, r);

    /// <inheritdoc/>
    public void RepeatAxis(ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r) => Reductions.RepeatAxis(g, outer, len, inner, r);

    /// <inheritdoc/>
    public void Softmax(ReadOnlySpan<float> x, int outer, int len, int inner, bool log, Span<float> y) => Reductions.Softmax(x, outer, len, inner, log, y);

    /// <inheritdoc/>
    public void SoftmaxGrad(ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r) =>
        Reductions.SoftmaxGrad(y, g, outer, len, inner, r);

    /// <inheritdoc/>
    public void LogSoftmaxGrad(ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r) =>
        Reductions.LogSoftmaxGrad(y, g, outer, len, inner, r);

    /// <inheritdoc/>
    public void Pad2D(Span<float> x, Span<float> y, int n, int h, int w, int c, int top, int left, int ph, int pw, bool backward) =>
        Reshaping.Pad2D(x, y, n, h, w, c, top, left, ph, pw, backward);

    /// <inheritdoc/>
    public void Upsample2D(Span<float> x, Span<float> y, int n, int h, int w, int c, int sh, int sw, bool backward) =>
        Reshaping.Upsample2D(x, y, n, h, w, c, sh, sw, backward);

    /// <inheritdoc/>
    public void Transpose(Span<float> x, ReadOnlySpan<int> xDims, ReadOnlySpan<int> perm, Span<float> y, bool backward) =>
        Reshaping.Transpose(x, xDims, perm, y, backward);

    /// <inheritdoc/>
    public void GatherRows(ReadOnlySpan<byte> src, Span<byte> dst, ReadOnlySpan<int> indices, int rowBytes) =>
        Reshaping.GatherRows(src, dst, indices, rowBytes);

    /// <inheritdoc/>
    public void SgdUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> velocity, float learningRate, float momentum, bool nesterov) =>
        OptimizerUpdates.Sgd(g, w, velocity, learningRate, momentum, nesterov);

    /// <inheritdoc/>
    public void RmsPropUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> v, Span<float> momentumSlot, Span<float> average,
        float learningRate, float rho, float oneMinusRho, float epsilon, float momentum) =>
        OptimizerUpdates.RmsProp(g, w, v, momentumSlot, average, learningRate, rho, oneMinusRho, epsilon, momentum);

    /// <inheritdoc/>
    public void AdamUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> v, Span<float> vHat,
        float alpha, float oneMinusBeta1, float oneMinusBeta2, float epsilon) =>
        OptimizerUpdates.Adam(g, w, m, v, vHat, alpha, oneMinusBeta1, oneMinusBeta2, epsilon);

    /// <inheritdoc/>
    public void AdadeltaUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> accGrad, Span<float> accDelta,
        float learningRate, float rho, float oneMinusRho, float epsilon) =>
        OptimizerUpdates.Adadelta(g, w, accGrad, accDelta, learningRate, rho, oneMinusRho, epsilon);

    /// <inheritdoc/>
    public void AdagradUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> accumulator, float learningRate, float epsilon) =>
        OptimizerUpdates.Adagrad(g, w, accumulator, learningRate, epsilon);

    /// <inheritdoc/>
    public void AdamaxUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> u,
        float learningRate, float beta1, float oneMinusBeta1, float beta2, float epsilon, float correction) =>
        OptimizerUpdates.Adamax(g, w, m, u, learningRate, beta1, oneMinusBeta1, beta2, epsilon, correction);

    /// <inheritdoc/>
    public void NadamUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m, Span<float> v,
        float learningRate, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float epsilon,
        float uNext, float oneMinusUProductNext, float oneMinusU, float oneMinusUProduct, float vCorrection) =>
        OptimizerUpdates.Nadam(g, w, m, v, learningRate, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon,
            uNext, oneMinusUProductNext, oneMinusU, oneMinusUProduct, vCorrection);

    /// <inheritdoc/>
    public void LionUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> m,
        float learningRate, float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2) =>
        OptimizerUpdates.Lion(g, w, m, learningRate, beta1, oneMinusBeta1, beta2, oneMinusBeta2);

    /// <inheritdoc/>
    public void FtrlUpdate(ReadOnlySpan<float> g, Span<float> w, Span<float> accumulator, Span<float> linear,
        float learningRate, float power, float l1, float twoL2, float twoL2Shrinkage) =>
        OptimizerUpdates.Ftrl(g, w, accumulator, linear, learningRate, power, l1, twoL2, twoL2Shrinkage);

    /// <inheritdoc/>
    public void ScaleGradient(ReadOnlySpan<float> src, Span<float> dst, float multiplier, float divisor) =>
        OptimizerUpdates.ScaleGradient(src, dst, multiplier, divisor);

    /// <inheritdoc/>
    public void ClipGradient(ReadOnlySpan<float> src, Span<float> dst, float limit) => OptimizerUpdates.ClipGradient(src, dst, limit);

    /// <inheritdoc/>
    public void TakeAccumulatedGradient(ReadOnlySpan<float> g, Span<float> accumulator, Span<float> dst, float steps) =>
        OptimizerUpdates.TakeAccumulatedGradient(g, accumulator, dst, steps);

    /// <inheritdoc/>
    public void AccumulateGradient(ReadOnlySpan<float> g, Span<float> accumulator) => OptimizerUpdates.AccumulateGradient(g, accumulator);

    /// <inheritdoc/>
    public void DecayWeights(Span<float> w, float factor) => OptimizerUpdates.DecayWeights(w, factor);

    /// <inheritdoc/>
    public void MovingAverage(ReadOnlySpan<float> w, Span<float> average, float momentum, float oneMinusMomentum) =>
        OptimizerUpdates.MovingAverage(w, average, momentum, oneMinusMomentum);

    /// <inheritdoc/>
    public double SumOfSquares(ReadOnlySpan<float> g) => OptimizerUpdates.SumOfSquares(g);

    /// <inheritdoc/>
    public void UniformFloats(ref RandomState state, Span<float> values) => RandomDraws.UniformFloats(ref state, values);

    /// <inheritdoc/>
    public void DropoutMask(ref RandomState state, Span<float> mask, float keep, float scale) => RandomDraws.DropoutMask(ref state, mask, keep, scale);
}
