using System.Numerics;
using System.Runtime.CompilerServices;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// The CPU activation kernels: one SIMD pass per activation (split across threads for long
/// spans), the ragged tail run through the same SIMD code on a padded copy so that every element
/// gets bit-identical arithmetic wherever it sits; sparsemax by sorting each slice.
/// </summary>
internal static class ActivationKernels
{
    // Element-equivalents per value for CpuParallel's threshold: several activations evaluate exp or tanh.
    private const long WorkPerElement = 2;

    public static void Forward(ActivationKind kind, float a, float b, float c, ReadOnlySpan<float> x, Span<float> y) =>
        Dispatch(kind, a, b, c, x, default, y, grad: false);

    public static void Backward(ActivationKind kind, float a, float b, float c, ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx) =>
        Dispatch(kind, a, b, c, x, g, dx, grad: true);

    /// <summary>Applies an epilogue activation the GEMM has no inline case for to a finished row of C, in place.</summary>
    public static void Epilogue(EpilogueActivation activation, Span<float> row)
    {
        if (EpilogueActivations.Kernel(activation) is { } k)
        {
            Dispatch(k.Kind, k.A, k.B, k.C, row, default, row, grad: false);
        }
    }

    public static void EpilogueGrad(EpilogueActivation activation, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dz) =>
        Run(new EpilogueGradAct(activation), y, g, dz, grad: true);

    private static void Dispatch(ActivationKind kind, float a, float b, float c, ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> y, bool grad)
    {
        switch (kind)
        {
            case ActivationKind.Relu: Run(new ReluAct(a, b, c), x, g, y, grad); break;
            case ActivationKind.Elu: Run(new EluAct(a), x, g, y, grad); break;
            case ActivationKind.Selu: Run(default(SeluAct), x, g, y, grad); break;
            case ActivationKind.Celu: Run(new CeluAct(a), x, g, y, grad); break;
            case ActivationKind.Gelu: Run(default(GeluAct), x, g, y, grad); break;
            case ActivationKind.GeluApproximate: Run(default(GeluApproxAct), x, g, y, grad); break;
            case ActivationKind.Silu: Run(default(SiluAct), x, g, y, grad); break;
            case ActivationKind.Softplus: Run(default(SoftplusAct), x, g, y, grad); break;
            case ActivationKind.Softsign: Run(default(SoftsignAct), x, g, y, grad); break;
            case ActivationKind.HardSigmoid: Run(default(HardSigmoidAct), x, g, y, grad); break;
            case ActivationKind.HardSilu: Run(default(HardSiluAct), x, g, y, grad); break;
            case ActivationKind.Mish: Run(default(MishAct), x, g, y, grad); break;
            case ActivationKind.LogSigmoid: Run(default(LogSigmoidAct), x, g, y, grad); break;
            case ActivationKind.TanhShrink: Run(default(TanhShrinkAct), x, g, y, grad); break;
            case ActivationKind.HardTanh: Run(default(HardTanhAct), x, g, y, grad); break;
            case ActivationKind.HardShrink: Run(new HardShrinkAct(a), x, g, y, grad); break;
            case ActivationKind.SoftShrink: Run(new SoftShrinkAct(a), x, g, y, grad); break;
            case ActivationKind.Squareplus: Run(new SquareplusAct(a), x, g, y, grad); break;
            case ActivationKind.SparsePlus: Run(default(SparsePlusAct), x, g, y, grad); break;
            case ActivationKind.SparseSigmoid: Run(default(SparseSigmoidAct), x, g, y, grad); break;
            case ActivationKind.Threshold: Run(new ThresholdAct(a, b), x, g, y, grad); break;
            case ActivationKind.Exponential: Run(default(ExponentialAct), x, g, y, grad); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation kind.");
        }
    }

    private static unsafe void Run<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> y, bool grad) where TOp : unmanaged, IActivationOp
    {
        if (CpuParallel.ChunksFor(x.Length, WorkPerElement) > 1)
        {
            fixed (float* px = x)
            fixed (float* pg = g)
            fixed (float* py = y)
            {
                var body = new Body<TOp>(op, px, pg, py, grad);
                CpuParallel.ForElements(x.Length, WorkPerElement, ref body);
            }
            return;
        }
        Range(op, x, g, y, grad);
    }

    private readonly unsafe struct Body<TOp>(TOp op, float* x, float* g, float* y, bool grad) : IRangeBody where TOp : unmanaged, IActivationOp
    {
        public void Run(int s, int e) => Range(op, new ReadOnlySpan<float>(x + s, e - s),
            grad ? new ReadOnlySpan<float>(g + s, e - s) : default, new Span<float>(y + s, e - s), grad);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Range<TOp>(TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> y, bool grad) where TOp : unmanaged, IActivationOp
    {
        int w = Vector<float>.Count;
        int i = 0;
        if (grad)
        {
            for (; i <= x.Length - w; i += w)
            {
                op.G(new Vector<float>(x[i..]), new Vector<float>(g[i..])).CopyTo(y[i..]);
            }
        }
        else
        {
            for (; i <= x.Length - w; i += w)
            {
                op.F(new Vector<float>(x[i..])).CopyTo(y[i..]);
            }
        }
        int rest = x.Length - i;
        if (rest == 0)
        {
            return;
        }
        Span<float> tx = stackalloc float[w];
        Span<float> tg = stackalloc float[w];
        tx.Clear();
        tg.Clear();
        x[i..].CopyTo(tx);
        if (grad)
        {
            g[i..].CopyTo(tg);
        }
        var r = grad ? op.G(new Vector<float>(tx), new Vector<float>(tg)) : op.F(new Vector<float>(tx));
        r.CopyTo(tx);
        tx[..rest].CopyTo(y[i..]);
    }

    /// <summary>
    /// Keras's sparsemax over the middle axis (see <see cref="IActivationKernels.Sparsemax"/>): each
    /// slice is sorted descending (values negated as keys, original positions carried along), its
    /// running sums taken in float32 as Keras's cumsum does, then tau.
    /// </summary>
    public static void Sparsemax(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y) =>
        SparsemaxCore(x, default, default, outer, len, inner, y, grad: false);

    /// <summary>The gradient of Keras's sparsemax: dtau/dz for the element at sorted position r is the number of support positions j &gt;= r over k.</summary>
    public static void SparsemaxGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> dx) =>
        SparsemaxCore(x, y, g, outer, len, inner, dx, grad: true);

    [ThreadStatic] private static float[]? t_sparseKeys;
    [ThreadStatic] private static int[]? t_sparsePositions;
    [ThreadStatic] private static bool[]? t_sparseSupport;

    private static void SparsemaxCore(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> r, bool grad)
    {
        // Kept per thread, so that a replayed training step allocates nothing.
        var keys = ThreadScratch.AtLeast(ref t_sparseKeys, len).AsSpan(0, len);
        var pos = ThreadScratch.AtLeast(ref t_sparsePositions, len).AsSpan(0, len);
        var support = ThreadScratch.AtLeast(ref t_sparseSupport, len).AsSpan(0, len);
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int at = o * len * inner + i;
                for (int j = 0; j < len; j++)
                {
                    keys[j] = -x[at + j * inner];
                    pos[j] = j;
                }
                keys.Sort(pos);
                float cum = 0f, sumOfCums = 0f;
                int k = 0;
                for (int j = 0; j < len; j++)
                {
                    float z = -keys[j];
                    cum += z;
                    support[j] = z - (cum - 1f) / (j + 1) > 0f;
                    if (support[j])
                    {
                        sumOfCums += cum;
                        k++;
                    }
                }
                float tau = (sumOfCums - 1f) / k;
                if (!grad)
                {
                    for (int j = 0; j < len; j++)
                    {
                        r[at + j * inner] = MathF.Max(x[at + j * inner] - tau, 0f);
                    }
                    continue;
                }
                float gPass = 0f;
                for (int j = 0; j < len; j++)
                {
                    int p = at + j * inner;
                    r[p] = y[p] > 0f ? g[p] : 0f;
                    gPass += r[p];
                }
                int after = 0;
                for (int j = len - 1; j >= 0; j--)
                {
                    if (support[j])
                    {
                        after++;
                        r[at + pos[j] * inner] -= gPass * after / k;
                    }
                }
            }
        }
    }

    /// <summary>Gated linear unit: each (outer) block's two halves are contiguous runs of half * inner values, so the SIMD loop runs over them directly.</summary>
    public static void Glu(ReadOnlySpan<float> x, int outer, int len, int inner, Span<float> y)
    {
        int run = len / 2 * inner;
        int w = Vector<float>.Count;
        for (int o = 0; o < outer; o++)
        {
            var a = x.Slice(o * len * inner, run);
            var b = x.Slice(o * len * inner + run, run);
            var r = y.Slice(o * run, run);
            int i = 0;
            for (; i <= run - w; i += w)
            {
                (new Vector<float>(a[i..]) * VMath.Sigmoid(new Vector<float>(b[i..]))).CopyTo(r[i..]);
            }
            for (; i < run; i++)
            {
                r[i] = a[i] / (1f + MathF.Exp(-b[i]));
            }
        }
    }

    public static void GluGrad(ReadOnlySpan<float> x, ReadOnlySpan<float> g, int outer, int len, int inner, Span<float> dx)
    {
        int run = len / 2 * inner;
        int w = Vector<float>.Count;
        for (int o = 0; o < outer; o++)
        {
            var a = x.Slice(o * len * inner, run);
            var b = x.Slice(o * len * inner + run, run);
            var gr = g.Slice(o * run, run);
            var da = dx.Slice(o * len * inner, run);
            var db = dx.Slice(o * len * inner + run, run);
            int i = 0;
            for (; i <= run - w; i += w)
            {
                var s = VMath.Sigmoid(new Vector<float>(b[i..]));
                var gv = new Vector<float>(gr[i..]);
                (gv * s).CopyTo(da[i..]);
                (gv * new Vector<float>(a[i..]) * s * (Vector<float>.One - s)).CopyTo(db[i..]);
            }
            for (; i < run; i++)
            {
                float s = 1f / (1f + MathF.Exp(-b[i]));
                da[i] = gr[i] * s;
                db[i] = gr[i] * a[i] * s * (1f - s);
            }
        }
    }
}
