using SharpKeras.Backend;
using SharpKeras.Backend.Cpu;
using SharpKeras.Backend.Reference;

namespace SharpKeras.Tests.Backend;

/// <summary>
/// Every kernel family run on the CPU backend and on the reference backend (plain loops) with the
/// same inputs, compared within float tolerance; the GEMM, the one CPU kernel with a SIMD level
/// per width, is compared at every level this CPU runs. Sizes are chosen so that SIMD loops meet
/// their scalar tails and threaded kernels split their work.
/// </summary>
public class BackendParityTests
{
    private static readonly IBackend Cpu = CpuBackend.Instance;
    private static readonly IBackend Ref = ReferenceBackend.Instance;

    private static float[] Rand(int n, int seed, float lo = -1f, float hi = 1f)
    {
        var rng = new SeedGenerator(seed);
        var r = new float[n];
        for (int i = 0; i < n; i++)
        {
            r[i] = lo + (hi - lo) * rng.NextFloat();
        }
        return r;
    }

    /// <summary>Asserts |expected - actual| &lt;= atol + rtol |expected| element by element, naming the first that differs.</summary>
    private static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, float rtol = 1e-5f, float atol = 1e-5f)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            bool same = (float.IsNaN(e) && float.IsNaN(a)) || e == a || Math.Abs(e - a) <= atol + rtol * Math.Abs(e);
            Assert.True(same, $"{what}: [{i}] cpu {a}, reference {e}");
        }
    }

    private static Window2D Window(int n, int h, int w, int c, int kh, int kw, int s, int d, string padding) =>
        Window2D.Create(n, h, w, c, kh, kw, s, s, d, d, padding);

    public static TheoryData<int, int, int, bool, bool, int> GemmCases() => new()
    {
        { 1, 1, 1, false, false, 0 },
        { 7, 17, 300, false, false, 1 },
        { 13, 5, 3, true, false, 2 },
        { 50, 33, 270, false, true, 3 },
        { 37, 129, 65, true, true, 1 },
        { 200, 31, 90, false, false, 0 },
    };

    [Theory]
    [MemberData(nameof(GemmCases))]
    public void MatMulAtEverySimdLevel(int m, int n, int k, bool ta, bool tb, int activation)
    {
        var a = Rand(m * k, 1);
        var b = Rand(k * n, 2);
        var bias = Rand(n, 3);
        var c0 = Rand(m * n, 4);
        var act = (EpilogueActivation)activation;
        foreach (bool accumulate in new[] { false, true })
        {
            var expected = (float[])c0.Clone();
            Ref.MatMul(a, b, expected, m, n, k, ta, tb, accumulate, bias, act);
            foreach (var level in Enum.GetValues<SimdLevel>().Where(l => l <= Gemm.Best))
            {
                var c = (float[])c0.Clone();
                Gemm.Multiply(level, a, b, c, m, n, k, ta, tb, accumulate, bias, act);
                Close(expected, c, $"gemm {level} {m}x{n}x{k} ta={ta} tb={tb} acc={accumulate} {act}", 1e-4f, 1e-4f * MathF.Sqrt(k));
            }
            var viaSeam = (float[])c0.Clone();
            Cpu.MatMul(a, b, viaSeam, m, n, k, ta, tb, accumulate, bias, act);
            Close(expected, viaSeam, $"cpu backend matmul {m}x{n}x{k}", 1e-4f, 1e-4f * MathF.Sqrt(k));
        }
    }

    public static TheoryData<int, int, int, string> ConvCases() => new()
    {
        { 3, 1, 1, "valid" },
        { 3, 2, 1, "same" },
        { 3, 1, 2, "same" },
        { 2, 2, 2, "valid" },
        { 3, 2, 1, "causal" },
        { 1, 1, 1, "valid" },
    };

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Im2ColAndCol2Im(int kernel, int stride, int dilation, string padding)
    {
        var g = Window(3, 9, 8, 5, kernel, kernel, stride, dilation, padding);
        var x = Rand(g.Batch * g.ImageSize, 5);
        // Images 1 and 2 only: a chunk that does not start at the first image.
        int first = 1, count = 2, rows = count * g.OutPixels;
        var expected = new float[rows * g.PatchSize];
        var actual = new float[rows * g.PatchSize];
        Ref.Im2Col(x, expected, g, first, count);
        Cpu.Im2Col(x, actual, g, first, count);
        Close(expected, actual, $"im2col {kernel}/{stride}/{dilation}/{padding}");

        var cols = Rand(rows * g.PatchSize, 6);
        var dxRef = Rand(g.Batch * g.ImageSize, 7);
        var dxCpu = (float[])dxRef.Clone();
        Ref.Col2Im(cols, dxRef, g, first, count);
        Cpu.Col2Im(cols, dxCpu, g, first, count);
        Close(dxRef, dxCpu, $"col2im {kernel}/{stride}/{dilation}/{padding}");
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void DepthwiseConvolution(int kernel, int stride, int dilation, string padding)
    {
        const int multiplier = 3;
        var g = Window(2, 9, 7, 5, kernel, kernel, stride, dilation, padding == "causal" ? "same" : padding);
        int oc = g.Channels * multiplier, outputs = g.Batch * g.OutPixels * oc;
        var x = Rand(g.Batch * g.ImageSize, 8);
        var k = Rand(kernel * kernel * oc, 9);
        var dy = Rand(outputs, 10);
        var (yRef, yCpu) = (new float[outputs], new float[outputs]);
        Ref.DepthwiseForward(x, k, yRef, g, multiplier);
        Cpu.DepthwiseForward(x, k, yCpu, g, multiplier);
        Close(yRef, yCpu, "depthwise forward");
        var (dxRef, dxCpu) = (Rand(x.Length, 11), Rand(x.Length, 11));
        Ref.DepthwiseBackwardInput(dy, k, dxRef, g, multiplier);
        Cpu.DepthwiseBackwardInput(dy, k, dxCpu, g, multiplier);
        Close(dxRef, dxCpu, "depthwise input gradient");
        var (dkRef, dkCpu) = (Rand(k.Length, 12), Rand(k.Length, 12));
        Ref.DepthwiseBackwardKernel(x, dy, dkRef, g, multiplier);
        Cpu.DepthwiseBackwardKernel(x, dy, dkCpu, g, multiplier);
        Close(dkRef, dkCpu, "depthwise kernel gradient", 1e-4f, 1e-4f);
    }

    [Theory]
    [InlineData(2, 2, "valid", 3)]
    [InlineData(3, 2, "same", 19)]
    [InlineData(3, 1, "same", 4)]
    [InlineData(2, 3, "valid", 17)]
    public void Pooling(int pool, int stride, string padding, int channels)
    {
        var g = Window(2, 9, 8, channels, pool, pool, stride, 1, padding);
        int outputs = g.Batch * g.OutPixels * channels;
        var x = Rand(g.Batch * g.ImageSize, 13);
        var dy = Rand(outputs, 14);
        var (yRef, yCpu) = (new float[outputs], new float[outputs]);
        var (iRef, iCpu) = (new int[outputs], new int[outputs]);
        Ref.MaxPoolForward(x, yRef, iRef, g);
        Cpu.MaxPoolForward(x, yCpu, iCpu, g);
        Close(yRef, yCpu, "max pool");
        Assert.Equal(iRef, iCpu);
        var (dxRef, dxCpu) = (Rand(x.Length, 15), Rand(x.Length, 16));
        Ref.MaxPoolBackward(dy, iRef, dxRef, g);
        Cpu.MaxPoolBackward(dy, iCpu, dxCpu, g);
        Close(dxRef, dxCpu, "max pool gradient");
        Ref.AveragePoolForward(x, yRef, g);
        Cpu.AveragePoolForward(x, yCpu, g);
        Close(yRef, yCpu, "average pool");
        Ref.AveragePoolBackward(dy, dxRef, g);
        Cpu.AveragePoolBackward(dy, dxCpu, g);
        Close(dxRef, dxCpu, "average pool gradient");
    }

    public static TheoryData<int, bool, bool, bool, bool, int> RecurrentCases()
    {
        var cases = new TheoryData<int, bool, bool, bool, bool, int>();
        foreach (int kind in new[] { 0, 1, 2 })
        {
            cases.Add(kind, false, false, false, false, 0);
            cases.Add(kind, true, true, false, true, 1);
            cases.Add(kind, false, true, true, false, 2);
            cases.Add(kind, true, false, true, true, 3);
        }
        return cases;
    }

    /// <summary>A whole recurrent layer forward and backward: every output and every gradient.</summary>
    [Theory]
    [MemberData(nameof(RecurrentCases))]
    public void RecurrentLayer(int kindIndex, bool goBackwards, bool masked, bool dropout, bool zeroOutputForMask, int seed)
    {
        var kind = (RecurrentKind)kindIndex;
        // Units 19: a SIMD width or two and a scalar tail in the CPU gate pass.
        int b = 3, t = 5, f = 6, h = 19;
        int gates = kind switch { RecurrentKind.Lstm => 4, RecurrentKind.Gru => 3, _ => 1 } * h;
        var act = kind == RecurrentKind.SimpleRnn ? EpilogueActivation.Tanh : EpilogueActivation.Tanh;
        var recAct = EpilogueActivation.Sigmoid;
        var x = Rand(b * t * f, 20 + seed);
        var kernel = Rand(f * gates, 21 + seed, -0.5f, 0.5f);
        var recurrent = Rand(h * gates, 22 + seed, -0.5f, 0.5f);
        var bias = Rand(kind == RecurrentKind.Gru ? 2 * gates : gates, 23 + seed, -0.2f, 0.2f);
        var h0 = Rand(b * h, 24 + seed);
        var c0 = kind == RecurrentKind.Lstm ? Rand(b * h, 25 + seed) : [];
        // Sample 0 starts masked (its first outputs are zeros), sample 2 has a gap.
        float[] mask = masked ? [0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1] : [];
        var dropMask = dropout ? Rand(b * f, 26 + seed, 0f, 2f) : [];
        var recDropMask = dropout ? Rand(b * h, 27 + seed, 0f, 2f) : [];
        var gSeq = Rand(b * t * h, 28 + seed);
        var gLast = Rand(b * h, 29 + seed);
        var gHT = Rand(b * h, 30 + seed);
        var gCT = kind == RecurrentKind.Lstm ? Rand(b * h, 31 + seed) : [];

        (float[] Seq, float[] Last, float[] HT, float[] CT, float[] Dx, float[] DK, float[] DR, float[] DB, float[] DH0, float[] DC0) Run(IBackend backend)
        {
            var kern = backend.CreateRecurrent(kind, b, t, f, h, act, recAct, goBackwards, zeroOutputForMask, dropout, dropout);
            var seq = new float[b * t * h];
            var last = new float[b * h];
            var hT = new float[b * h];
            var cT = new float[c0.Length];
            kern.Forward(x, kernel, recurrent, bias, h0, c0, mask, dropMask, recDropMask, seq, last, hT, cT);
            var dx = new float[x.Length];
            var dk = new float[kernel.Length];
            var dr = new float[recurrent.Length];
            var db = new float[bias.Length];
            var dh0 = new float[h0.Length];
            var dc0 = new float[c0.Length];
            kern.Backward(x, kernel, recurrent, true, h0, c0, mask, dropMask, recDropMask, gSeq, gLast, gHT, gCT, dx, dk, dr, db, dh0, dc0);
            return (seq, last, hT, cT, dx, dk, dr, db, dh0, dc0);
        }
        var r = Run(Ref);
        var c = Run(Cpu);
        string what = $"{kind} backwards={goBackwards} masked={masked} dropout={dropout} zeroOutput={zeroOutputForMask}";
        Close(r.Seq, c.Seq, what + " sequences", 1e-4f, 1e-5f);
        Close(r.Last, c.Last, what + " last", 1e-4f, 1e-5f);
        Close(r.HT, c.HT, what + " h_T", 1e-4f, 1e-5f);
        Close(r.CT, c.CT, what + " c_T", 1e-4f, 1e-5f);
        Close(r.Dx, c.Dx, what + " dx", 1e-3f, 1e-4f);
        Close(r.DK, c.DK, what + " dkernel", 1e-3f, 1e-4f);
        Close(r.DR, c.DR, what + " drecurrent", 1e-3f, 1e-4f);
        Close(r.DB, c.DB, what + " dbias", 1e-3f, 1e-4f);
        Close(r.DH0, c.DH0, what + " dh0", 1e-3f, 1e-4f);
        Close(r.DC0, c.DC0, what + " dc0", 1e-3f, 1e-4f);
    }

    [Theory]
    [InlineData(7, 3)]
    [InlineData(300, 21)]
    [InlineData(600, 40)]
    public void BatchNormalizationKernels(int rows, int c)
    {
        var x = Rand(rows * c, 40, -2f, 3f);
        var g = Rand(rows * c, 41);
        float[] Scratch(IBackend k) => new float[k.ChannelSumScratch(rows, c)];
        var (mRef, vRef, mCpu, vCpu) = (new float[c], new float[c], new float[c], new float[c]);
        Ref.Moments(x, rows, c, mRef, vRef, Scratch(Ref));
        Cpu.Moments(x, rows, c, mCpu, vCpu, Scratch(Cpu));
        Close(mRef, mCpu, "mean", 1e-4f, 1e-5f);
        Close(vRef, vCpu, "variance", 1e-4f, 1e-5f);
        var (sgRef, sgxRef, sgCpu, sgxCpu) = (new float[c], new float[c], new float[c], new float[c]);
        Ref.GradSums(g, x, mRef, rows, c, Scratch(Ref), sgRef, sgxRef);
        Cpu.GradSums(g, x, mRef, rows, c, Scratch(Cpu), sgCpu, sgxCpu);
        Close(sgRef, sgCpu, "sum of g", 1e-4f, 1e-4f);
        Close(sgxRef, sgxCpu, "sum of g (x - mean)", 1e-4f, 1e-4f);
        var (scale, shift, a, bb, d) = (Rand(c, 42), Rand(c, 43), Rand(c, 44), Rand(c, 45), Rand(c, 46));
        var (yRef, yCpu) = (new float[x.Length], new float[x.Length]);
        Ref.ScaleShift(x, scale, shift, yRef, rows, c);
        Cpu.ScaleShift(x, scale, shift, yCpu, rows, c);
        Close(yRef, yCpu, "scale and shift");
        Ref.GradInput(g, x, mRef, a, bb, d, yRef, rows, c);
        Cpu.GradInput(g, x, mRef, a, bb, d, yCpu, rows, c);
        Close(yRef, yCpu, "batch-normalization input gradient");
    }

    [Theory]
    [InlineData(5, 7, true)]
    [InlineData(300, 33, true)]
    [InlineData(260, 16, false)]
    public void LayerNormalizationKernels(int rows, int c, bool affine)
    {
        var x = Rand(rows * c, 50, -2f, 3f);
        var g = Rand(rows * c, 51);
        var gamma = affine ? Rand(c, 52) : [];
        var beta = affine ? Rand(c, 53) : [];
        (float[] Y, float[] Mean, float[] Inv, float[] Dx, float[] DGamma, float[] DBeta) Run(IBackend k)
        {
            var y = new float[x.Length];
            var mean = new float[rows];
            var inv = new float[rows];
            k.LayerNormForward(x, gamma, beta, y, mean, inv, rows, c, 1e-3f);
            var dx = new float[x.Length];
            var dGamma = new float[c];
            var dBeta = new float[c];
            k.LayerNormBackward(g, x, gamma, mean, inv, dx, dGamma, dBeta, new float[k.ChannelSumScratch(rows, c)], rows, c);
            return (y, mean, inv, dx, dGamma, dBeta);
        }
        var r = Run(Ref);
        var p = Run(Cpu);
        Close(r.Y, p.Y, "layer norm output", 1e-4f, 1e-5f);
        Close(r.Mean, p.Mean, "layer norm mean", 1e-4f, 1e-5f);
        Close(r.Inv, p.Inv, "layer norm inverse deviation", 1e-4f, 1e-5f);
        Close(r.Dx, p.Dx, "layer norm input gradient", 1e-3f, 1e-4f);
        Close(r.DGamma, p.DGamma, "layer norm gamma gradient", 1e-4f, 1e-4f);
        Close(r.DBeta, p.DBeta, "layer norm beta gradient", 1e-4f, 1e-4f);
    }

    [Theory]
    [InlineData(37)]
    [InlineData(70_001)]
    public void UnaryAndBinaryFunctions(int n)
    {
        // 70001 is long enough for the CPU kernels to split across threads.
        var x = Rand(n, 60, -3f, 3f);
        var positive = Rand(n, 61, 0.1f, 4f);
        var other = Rand(n, 62, 0.5f, 2f);
        foreach (var f in Enum.GetValues<UnaryFunction>())
        {
            var input = f is UnaryFunction.Log or UnaryFunction.Sqrt ? positive : x;
            var (e, a) = (new float[n], new float[n]);
            Ref.Unary(f, input, e);
            Cpu.Unary(f, input, a);
            Close(e, a, $"{f}", 2e-6f, 1e-6f);
        }
        foreach (var f in Enum.GetValues<BinaryFunction>())
        {
            var first = f is BinaryFunction.SqrtGrad or BinaryFunction.ReverseDivide ? positive : x;
            var (e, a) = (new float[n], new float[n]);
            Ref.Binary(f, first, other, e);
            Cpu.Binary(f, first, other, a);
            Close(e, a, $"{f}", 1e-6f, 1e-6f);
        }
    }

    public static TheoryData<int[], int[]> BroadcastCases() => new()
    {
        { [4, 37], [4, 37] },
        { [4, 37], [37] },
        { [37], [4, 37] },
        { [4, 37], [1] },
        { [1], [3, 5] },
        { [3, 1, 5], [4, 1] },
        { [2, 3, 4], [3, 1] },
        { [5, 1], [1, 6] },
    };

    [Theory]
    [MemberData(nameof(BroadcastCases))]
    public void BroadcastingAndItsGradient(int[] aDims, int[] bDims)
    {
        var aShape = new Shape(aDims);
        var bShape = new Shape(bDims);
        var outShape = aShape == bShape ? aShape : Shape.Broadcast(aShape, bShape);
        var a = Rand(aShape.Size, 70);
        var b = Rand(bShape.Size, 71, 0.5f, 2f);
        foreach (var f in new[] { BinaryFunction.Add, BinaryFunction.Subtract, BinaryFunction.Multiply, BinaryFunction.Divide })
        {
            var (e, c) = (new float[outShape.Size], new float[outShape.Size]);
            Ref.Binary(f, a, aShape, b, bShape, e, outShape);
            Cpu.Binary(f, a, aShape, b, bShape, c, outShape);
            Close(e, c, $"{f} {aShape} {bShape}");
        }
        var g = Rand(outShape.Size, 72);
        foreach (var target in new[] { aShape, bShape })
        {
            var (e, c) = (new float[target.Size], new float[target.Size]);
            Ref.SumToShape(g, outShape, e, target);
            Cpu.SumToShape(g, outShape, c, target);
            Close(e, c, $"sum {outShape} to {target}", 1e-5f, 1e-5f);
        }
    }

    [Theory]
    [InlineData(1, 9, 1)]
    [InlineData(3, 40, 1)]
    [InlineData(2, 7, 19)]
    [InlineData(1, 300, 37)]
    public void ReductionsAndSoftmax(int outer, int len, int inner)
    {
        int size = outer * len * inner;
        var x = Rand(size, 80, -4f, 4f);
        var g = Rand(size, 81);
        var (e, c) = (new float[outer * inner], new float[outer * inner]);
        Ref.SumAxis(x, outer, len, inner, e);
        Cpu.SumAxis(x, outer, len, inner, c);
        Close(e, c, "sum over an axis", 1e-5f, 1e-5f);
        var (re, rc) = (new float[size], new float[size]);
        Ref.RepeatAxis(e, outer, len, inner, re);
        Cpu.RepeatAxis(e, outer, len, inner, rc);
        Close(re, rc, "repeat along an axis");
        Ref.SumRows(x, inner, e.AsSpan(0, inner));
        Cpu.SumRows(x, inner, c.AsSpan(0, inner));
        Close(e.AsSpan(0, inner), c.AsSpan(0, inner), "column sums", 1e-5f, 1e-5f);
        Assert.Equal(Ref.SumAll(x), Cpu.SumAll(x), 1e-4f);
        foreach (bool log in new[] { false, true })
        {
            var (ye, yc) = (new float[size], new float[size]);
            Ref.Softmax(x, outer, len, inner, log, ye);
            Cpu.Softmax(x, outer, len, inner, log, yc);
            Close(ye, yc, log ? "log-softmax" : "softmax", 1e-5f, 1e-6f);
            var (de, dc) = (new float[size], new float[size]);
            if (log)
            {
                Ref.LogSoftmaxGrad(ye, g, outer, len, inner, de);
                Cpu.LogSoftmaxGrad(ye, g, outer, len, inner, dc);
            }
            else
            {
                Ref.SoftmaxGrad(ye, g, outer, len, inner, de);
                Cpu.SoftmaxGrad(ye, g, outer, len, inner, dc);
            }
            Close(de, dc, log ? "log-softmax gradient" : "softmax gradient", 1e-5f, 1e-6f);
        }
    }

    [Fact]
    public void ReshapingKernels()
    {
        int n = 2, h = 5, w = 4, c = 3;
        var x = Rand(n * h * w * c, 90);
        // Zero padding by (1, 2) before and (2, 0) after.
        int ph = h + 3, pw = w + 2;
        var (pe, pc) = (Rand(n * ph * pw * c, 91), Rand(n * ph * pw * c, 92));
        Ref.Pad2D(x, pe, n, h, w, c, 1, 2, ph, pw, backward: false);
        Cpu.Pad2D(x, pc, n, h, w, c, 1, 2, ph, pw, backward: false);
        Close(pe, pc, "zero padding");
        var (be, bc) = (Rand(x.Length, 93), Rand(x.Length, 94));
        Ref.Pad2D(be, pe, n, h, w, c, 1, 2, ph, pw, backward: true);
        Cpu.Pad2D(bc, pe, n, h, w, c, 1, 2, ph, pw, backward: true);
        Close(be, bc, "zero padding gradient");

        var (ue, uc) = (new float[x.Length * 6], new float[x.Length * 6]);
        Ref.Upsample2D(x, ue, n, h, w, c, 2, 3, backward: false);
        Cpu.Upsample2D(x, uc, n, h, w, c, 2, 3, backward: false);
        Close(ue, uc, "upsampling");
        var gu = Rand(ue.Length, 95);
        Ref.Upsample2D(be, gu, n, h, w, c, 2, 3, backward: true);
        Cpu.Upsample2D(bc, gu, n, h, w, c, 2, 3, backward: true);
        Close(be, bc, "upsampling gradient");

        int[] dims = [n, h, w, c];
        int[] perm = [2, 0, 3, 1];
        var (te, tc) = (new float[x.Length], new float[x.Length]);
        Ref.Transpose(x, dims, perm, te, backward: false);
        Cpu.Transpose(x, dims, perm, tc, backward: false);
        Close(te, tc, "transpose");
        Ref.Transpose(be, dims, perm, te, backward: true);
        Cpu.Transpose(bc, dims, perm, te, backward: true);
        Close(be, bc, "transpose gradient");

        var src = new byte[10 * 12];
        new Random(3).NextBytes(src);
        int[] rows = [9, 0, 3, 3, 7];
        var (ge, gc) = (new byte[rows.Length * 12], new byte[rows.Length * 12]);
        Ref.GatherRows(src, ge, rows, 12);
        Cpu.GatherRows(src, gc, rows, 12);
        Assert.Equal(ge, gc);
    }

    /// <summary>Three steps of each optimizer update on a variable long enough for the SIMD loops and a scalar tail.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(67)]
    public void OptimizerUpdates(int n)
    {
        float[][] Grads() => [Rand(n, 100), Rand(n, 101), Rand(n, 102)];
        void Compare(string what, int slots, Action<IBackend, float[], float[], float[][]> step)
        {
            var w0 = Rand(n, 103);
            (float[] W, float[][] S) Run(IBackend k)
            {
                var w = (float[])w0.Clone();
                var s = Enumerable.Range(0, slots).Select(_ => new float[n]).ToArray();
                foreach (var g in Grads())
                {
                    step(k, g, w, s);
                }
                return (w, s);
            }
            var (we, se) = Run(Ref);
            var (wc, sc) = Run(Cpu);
            Close(we, wc, what + " weights", 1e-6f, 1e-7f);
            for (int i = 0; i < slots; i++)
            {
                Close(se[i], sc[i], $"{what} slot {i}", 1e-6f, 1e-7f);
            }
        }
        Compare("sgd", 0, (k, g, w, s) => k.SgdUpdate(g, w, default, 0.1f, 0f, false));
        Compare("sgd momentum", 1, (k, g, w, s) => k.SgdUpdate(g, w, s[0], 0.1f, 0.9f, false));
        Compare("sgd nesterov", 1, (k, g, w, s) => k.SgdUpdate(g, w, s[0], 0.1f, 0.9f, true));
        Compare("rmsprop", 1, (k, g, w, s) => k.RmsPropUpdate(g, w, s[0], default, default, 0.01f, 0.9f, 0.1f, 1e-7f, 0f));
        Compare("rmsprop centered momentum", 3, (k, g, w, s) => k.RmsPropUpdate(g, w, s[0], s[1], s[2], 0.01f, 0.9f, 0.1f, 1e-7f, 0.5f));
        Compare("adam", 2, (k, g, w, s) => k.AdamUpdate(g, w, s[0], s[1], default, 0.01f, 0.1f, 0.001f, 1e-7f));
        Compare("amsgrad", 3, (k, g, w, s) => k.AdamUpdate(g, w, s[0], s[1], s[2], 0.01f, 0.1f, 0.001f, 1e-7f));
        Compare("adadelta", 2, (k, g, w, s) => k.AdadeltaUpdate(g, w, s[0], s[1], 1f, 0.95f, 0.05f, 1e-7f));
    }

    /// <summary>The random streams are part of the contract: both backends draw exactly the same values and leave the same state.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(1001)]
    public void RandomDrawsAreIdentical(int n)
    {
        var start = new RandomState { S0 = 0x0123456789ABCDEFUL, S1 = 0xFEDCBA9876543210UL, S2 = 42, S3 = 0x9E3779B97F4A7C15UL };
        var (sr, sc) = (start, start);
        var (ur, uc) = (new float[n], new float[n]);
        Ref.UniformFloats(ref sr, ur);
        Cpu.UniformFloats(ref sc, uc);
        Assert.Equal(ur, uc);
        Assert.Equal(sr, sc);
        Assert.All(ur, u => Assert.InRange(u, 0f, 1f - 1f / (1 << 24)));
        var (mr, mc) = (new float[n], new float[n]);
        Ref.DropoutMask(ref sr, mr, 0.7f, 1f / 0.7f);
        Cpu.DropoutMask(ref sc, mc, 0.7f, 1f / 0.7f);
        Assert.Equal(mr, mc);
        Assert.Equal(sr, sc);
        if (n > 100)
        {
            // About 70% kept: the mask really comes from the draws.
            Assert.InRange(mr.Count(v => v != 0) / (double)n, 0.6, 0.8);
        }
    }

    [Fact]
    public void BackendsAreSelectedByName()
    {
        Assert.Same(CpuBackend.Instance, Kernels.Resolve(null, "test"));
        Assert.Same(CpuBackend.Instance, Kernels.Resolve("CPU", "test"));
        Assert.Same(ReferenceBackend.Instance, Kernels.Resolve(" reference ", "test"));
        var e = Assert.Throws<ArgumentException>(() => Kernels.Resolve("cuda", "SHARPKERAS_BACKEND"));
        Assert.Contains("SHARPKERAS_BACKEND", e.Message);
        Assert.Contains("'cuda'", e.Message);
        Assert.Contains("reference", e.Message);
    }
}
