using System.Runtime.InteropServices;

namespace SharpKeras.Backend.Cpu;

/// <summary>
/// A whole recurrent layer over a sequence as one kernel: the input projection of every time step
/// is one matrix multiply before the loop, each step is one matrix multiply of the previous state
/// by the recurrent kernel for all gates followed by a fused gate pass, and the backward pass runs
/// through time over the activations kept by the forward, then forms the kernel's and the input's
/// gradients with one large matrix multiply each. Every buffer is allocated once: the forward's at construction,
/// the histories and the backward's scratch by the first <see cref="Forward"/>; <see cref="Infer"/>, the forward of
/// inference, never needs them.
/// </summary>
/// <remarks>
/// Layouts: x is (B, T, F); the per-step histories are kept time-major with row t*B + b (t the
/// time index, not the processing step), so that each step reads and writes one contiguous block
/// of every history, and the input projection and its gradients are plain (T*B)-row matrix
/// products over a time-major copy of x. The sequence output is written in processing order (reversed when
/// going backwards), as Keras does. A mask (B, T) of 0/1 keeps the state of masked steps; their
/// output is the previous output (or zeros when <see cref="ZeroOutputForMask"/>).
/// </remarks>
internal sealed unsafe partial class RecurrentKernel : IRecurrentKernel
{
    public RecurrentKernel(RecurrentKind kind, int batch, int time, int features, int units,
        EpilogueActivation activation, EpilogueActivation recurrentActivation, bool goBackwards, bool zeroOutputForMask,
        bool inputDropout, bool recurrentDropout)
    {
        Kind = kind;
        B = batch;
        T = time;
        F = features;
        H = units;
        G = kind switch { RecurrentKind.Lstm => 4, RecurrentKind.Gru => 3, _ => 1 } * units;
        Act = activation;
        RecAct = recurrentActivation;
        GoBackwards = goBackwards;
        ZeroOutputForMask = zeroOutputForMask;
        int rows = batch * time;
        Xp = new float[rows * G];
        HStep = new float[batch * H];
        CStep = kind == RecurrentKind.Lstm ? new float[batch * H] : [];
        HinStep = new float[batch * H];
        Rec = new float[batch * G];
        Started = new bool[batch];
        RecurrentDropout = recurrentDropout;
        Level = Gemm.Level;
        _self = GCHandle.ToIntPtr(GCHandle.Alloc(this, GCHandleType.Weak));
    }

    public RecurrentKind Kind { get; }
    public int B { get; }
    public int T { get; }
    public int F { get; }
    public int H { get; }

    /// <summary>Width of all gates together (units times the gate count).</summary>
    public int G { get; }
    public EpilogueActivation Act { get; }
    public EpilogueActivation RecAct { get; }
    public bool GoBackwards { get; }
    public bool ZeroOutputForMask { get; }
    public bool RecurrentDropout { get; }

    /// <summary>The SIMD level of the products (tests run every level this CPU has).</summary>
    internal SimdLevel Level { get; set; }

    private float[] Xp { get; }
    private float[] HStep { get; }
    private float[] CStep { get; }
    private float[] HinStep { get; }
    private float[] Rec { get; }
    private bool[] Started { get; }

    // What only the backward pass reads: the per-step histories and the gradients' scratch, allocated by the first
    // Forward (see EnsureHistories), so that a kernel that only ever runs Infer never holds them.
    private float[] Hs = [];
    private float[] Hin = [];
    private float[] Cs = [];
    private float[] Gates = [];
    /// <summary>x in time-major order (dropped out when input dropout is on); the input gradient's scratch in the backward pass.</summary>
    private float[] Xt = [];
    private float[] DXp = [];
    private float[] DRec = [];
    private float[] DRecStep = [];
    private float[] Dh = [];
    private float[] Dc = [];
    private float[] DhDirect = [];
    private float[] DhRec = [];
    private float[] DOutCarry = [];

    /// <summary>Whether the last run was <see cref="Forward"/> (histories kept) rather than <see cref="Infer"/>.</summary>
    public bool HistoriesKept { get; private set; }

    /// <summary>The products' packed recurrent kernel of the running pass: the kernel's own packing or a shared one.</summary>
    private GemmPanels? _stepPanels;

    /// <summary>Allocates the histories and the backward's scratch on the first <see cref="Forward"/>.</summary>
    private void EnsureHistories()
    {
        if (Hs.Length != 0 || B * T == 0)
        {
            return;
        }
        int rows = B * T;
        Hs = new float[rows * H];
        Hin = new float[rows * H];
        Cs = Kind == RecurrentKind.Lstm ? new float[rows * H] : [];
        Gates = Kind == RecurrentKind.SimpleRnn ? [] : new float[rows * 4 * H];
        Xt = new float[rows * F];
        DXp = new float[rows * G];
        DRec = Kind == RecurrentKind.Gru ? new float[rows * G] : DXp;
        DRecStep = new float[B * G];
        Dh = new float[B * H];
        Dc = Kind == RecurrentKind.Lstm ? new float[B * H] : [];
        DhDirect = new float[B * H];
        DhRec = new float[B * H];
        DOutCarry = new float[B * H];
    }

    /// <summary>The recurrent kernel packed by this kernel for the per-step products: remade by each <see cref="Forward"/>, and by <see cref="Infer"/> when no shared packing fits.</summary>
    private GemmPanels? _recPanels;

    /// <summary>History row of sample <paramref name="b"/> at time <paramref name="t"/>.</summary>
    private int Row(int b, int t) => t * B + b;

    /// <summary>
    /// Copies (B, T, F) values between the batch-major order of x and the time-major order of the
    /// histories, multiplied by sample b's input-dropout mask (B, F) when one is given.
    /// </summary>
    private void Reorder(ReadOnlySpan<float> src, Span<float> dst, bool toTimeMajor, ReadOnlySpan<float> dropMask)
    {
        for (int b = 0; b < B; b++)
        {
            for (int t = 0; t < T; t++)
            {
                int batchMajor = (b * T + t) * F, timeMajor = Row(b, t) * F;
                var from = src.Slice(toTimeMajor ? batchMajor : timeMajor, F);
                var to = dst.Slice(toTimeMajor ? timeMajor : batchMajor, F);
                if (dropMask.IsEmpty)
                {
                    from.CopyTo(to);
                }
                else
                {
                    Elementwise.Binary<MulOp>(from, dropMask.Slice(b * F, F), to);
                }
            }
        }
    }

    /// <summary>Time index of processing step <paramref name="s"/>.</summary>
    private int TimeOf(int s) => GoBackwards ? T - 1 - s : s;

    /// <summary>
    /// Runs the sequence. <paramref name="dropMask"/> (B, F) and <paramref name="recDropMask"/> (B, H)
    /// are empty when unused; <paramref name="mask"/> (B, T) is empty when every step counts.
    /// Writes <paramref name="sequences"/> (B, T, H) when not empty, <paramref name="last"/> (B, H)
    /// when not empty, and the final states into <paramref name="hT"/> / <paramref name="cT"/>.
    /// </summary>
    public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> recurrentKernel, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<float> mask, ReadOnlySpan<float> dropMask, ReadOnlySpan<float> recDropMask,
        Span<float> sequences, Span<float> last, Span<float> hT, Span<float> cT)
    {
        int rows = B * T;
        EnsureHistories();
        HistoriesKept = true;
        Reorder(x, Xt, toTimeMajor: true, dropMask);
        // Input projection of every step at once, with the input bias added as the product is stored.
        var inputBias = bias.IsEmpty ? default : bias[..G];
        Gemm.Multiply(Level, Xt, kernel, Xp, rows, G, F, false, false, false, inputBias, EpilogueActivation.None);

        // The recurrent kernel is packed once for all T steps (into a buffer this kernel keeps), not once per step.
        _recPanels = Gemm.PackPanels(Level, recurrentKernel, H, G, false, _recPanels);
        _stepPanels = _recPanels;
        RunSteps(bias, h0, c0, mask, recDropMask, sequences, last, hT, cT, keep: true);
    }

    /// <summary>
    /// The inference forward: the outputs of <see cref="Forward"/> without dropout, bit for bit (the same products
    /// per row and the same gate arithmetic), but nothing kept for a backward pass. x is projected in its own
    /// (batch-major) order, with no time-major copy, and the kernels are read from <paramref name="packedKernel"/>
    /// and <paramref name="packedRecurrentKernel"/> (packings kept between calls) when they were packed at this
    /// kernel's level, else packed here into buffers this kernel keeps.
    /// </summary>
    public void Infer(ReadOnlySpan<float> x, PackedMatrix? packedKernel, ReadOnlySpan<float> kernel, PackedMatrix? packedRecurrentKernel,
        ReadOnlySpan<float> recurrentKernel, ReadOnlySpan<float> bias, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<float> mask,
        Span<float> sequences, Span<float> last, Span<float> hT, Span<float> cT)
    {
        HistoriesKept = false;
        var inputPanels = Panels(packedKernel, kernel, F, ref _inputPanels);
        _stepPanels = Panels(packedRecurrentKernel, recurrentKernel, H, ref _recPanels);
        var inputBias = bias.IsEmpty ? default : bias[..G];
        Gemm.MultiplyPrepacked(x[..(B * T * F)], inputPanels, Xp, B * T, false, false, inputBias, EpilogueActivation.None);
        RunSteps(bias, h0, c0, mask, default, sequences, last, hT, cT, keep: false);
    }

    /// <summary>The input kernel packed by <see cref="Infer"/> when no shared packing fits.</summary>
    private GemmPanels? _inputPanels;

    /// <summary>A shared packing of a (k, G) kernel when it was packed at <see cref="Level"/>, else the kernel packed into <paramref name="own"/>.</summary>
    private GemmPanels Panels(PackedMatrix? shared, ReadOnlySpan<float> values, int k, ref GemmPanels? own)
    {
        if (shared is GemmPanels p && p.Level == Level && p.K == k && p.N == G)
        {
            return p;
        }
        own = Gemm.PackPanels(Level, values, k, G, false, own);
        return own;
    }

    /// <summary>
    /// The steps of a pass after its input projection (into <see cref="Xp"/>): time-major rows with the histories
    /// kept when <paramref name="keep"/>, else batch-major rows (x's own order) and no histories.
    /// </summary>
    private void RunSteps(ReadOnlySpan<float> bias, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<float> mask,
        ReadOnlySpan<float> recDropMask, Span<float> sequences, Span<float> last, Span<float> hT, Span<float> cT, bool keep)
    {
        var recBias = Kind == RecurrentKind.Gru && bias.Length == 2 * G ? bias.Slice(G, G) : default;
        h0.CopyTo(HStep);
        if (Kind == RecurrentKind.Lstm)
        {
            c0.CopyTo(CStep);
        }
        Array.Clear(Started);
        for (int s = 0; s < T; s++)
        {
            int t = TimeOf(s);
            ReadOnlySpan<float> hin = HStep;
            if (!recDropMask.IsEmpty)
            {
                for (int i = 0; i < HinStep.Length; i++)
                {
                    HinStep[i] = HStep[i] * recDropMask[i];
                }
                hin = HinStep;
            }
            // One parallel region per step: each thread multiplies its own samples' rows of the state by the
            // recurrent kernel, then runs their gate pass (a row of the product needs only that sample's state, and
            // is the same bits whichever rows it is computed with). Two regions per step, the product's and the
            // gates', cost two hand-overs for work of a few hundred microseconds.
            fixed (float* pMask = mask, pRecBias = recBias, pSeq = sequences, pHin = hin)
            {
                var body = new RowsBody(_self, forward: true, new RowArgs
                {
                    Step = s, Time = t, Mask = pMask, HasMask = !mask.IsEmpty, RecBias = pRecBias, HasRecBias = !recBias.IsEmpty,
                    Seq = pSeq, HasSeq = !sequences.IsEmpty, HinStep = pHin, Keep = keep,
                });
                CpuParallel.For(B, WorkPerRow + (long)H * G / GemmSmallRows.MacsPerElement, ref body);
            }
        }
        for (int b = 0; b < B; b++)
        {
            if (!last.IsEmpty)
            {
                var o = last.Slice(b * H, H);
                if (Started[b])
                {
                    HStep.AsSpan(b * H, H).CopyTo(o);
                }
                else
                {
                    o.Clear();
                }
            }
        }
        if (!hT.IsEmpty)
        {
            HStep.CopyTo(hT);
        }
        if (!cT.IsEmpty)
        {
            CStep.CopyTo(cT);
        }
    }

    /// <summary>
    /// Backpropagation through time over the last <see cref="Forward"/>. Gradients arrive for the
    /// sequences (<paramref name="gSequences"/>), the last output (<paramref name="gLast"/>) and the
    /// final states (<paramref name="gHT"/>, <paramref name="gCT"/>), any of them empty when unused.
    /// Each non-empty gradient target is overwritten.
    /// </summary>
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> recurrentKernel, bool hasBias,
        ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<float> mask, ReadOnlySpan<float> dropMask, ReadOnlySpan<float> recDropMask,
        ReadOnlySpan<float> gSequences, ReadOnlySpan<float> gLast, ReadOnlySpan<float> gHT, ReadOnlySpan<float> gCT,
        Span<float> dx, Span<float> dKernel, Span<float> dRecurrentKernel, Span<float> dBias, Span<float> dh0, Span<float> dc0)
    {
        if (!HistoriesKept)
        {
            throw new InvalidOperationException("Internal error: the recurrent backward needs a Forward (histories kept) before it; the last run was Infer.");
        }
        int n = H;
        if (gHT.IsEmpty)
        {
            Array.Clear(Dh);
        }
        else
        {
            gHT.CopyTo(Dh);
        }
        if (Kind == RecurrentKind.Lstm)
        {
            if (gCT.IsEmpty)
            {
                Array.Clear(Dc);
            }
            else
            {
                gCT.CopyTo(Dc);
            }
        }
        if (gLast.IsEmpty)
        {
            Array.Clear(DOutCarry);
        }
        else
        {
            gLast.CopyTo(DOutCarry);
        }
        for (int s = T - 1; s >= 0; s--)
        {
            int t = TimeOf(s);
            int prevT = GoBackwards ? t + 1 : t - 1;
            fixed (float* pMask = mask, pGs = gSequences, pH0 = h0, pC0 = c0)
            {
                var body = new RowsBody(_self, forward: false, new RowArgs
                {
                    Step = s, Time = t, Mask = pMask, HasMask = !mask.IsEmpty, Seq = pGs, HasSeq = !gSequences.IsEmpty, H0 = pH0, C0 = pC0,
                });
                CpuParallel.For(B, WorkPerRow, ref body);
            }
            // Through the recurrent kernel to the previous state.
            Gemm.Multiply(Level, DRecStep, recurrentKernel, DhRec, B, H, G, false, true, false, default, EpilogueActivation.None);
            if (RecurrentDropout)
            {
                Elementwise.Binary<MulOp>(DhRec, recDropMask, DhRec);
            }
            Elementwise.Binary<AddOp>(DhDirect, DhRec, Dh);
        }
        int rows = B * T;
        if (!dKernel.IsEmpty)
        {
            Gemm.Multiply(Level, Xt, DXp, dKernel, F, G, rows, true, false, false, default, EpilogueActivation.None);
        }
        if (!dRecurrentKernel.IsEmpty)
        {
            Gemm.Multiply(Level, Hin, DRec, dRecurrentKernel, H, G, rows, true, false, false, default, EpilogueActivation.None);
        }
        if (hasBias && !dBias.IsEmpty)
        {
            Elementwise.SumRows(DXp, G, dBias[..G]);
            if (dBias.Length == 2 * G)
            {
                Elementwise.SumRows(DRec, G, dBias.Slice(G, G));
            }
        }
        if (!dx.IsEmpty)
        {
            // Time-major into Xt (no longer needed once the kernel's gradient is formed), then back to (B, T, F).
            Gemm.Multiply(Level, DXp, kernel, Xt, rows, F, G, false, true, false, default, EpilogueActivation.None);
            Reorder(Xt, dx, toTimeMajor: false, dropMask);
        }
        if (!dh0.IsEmpty)
        {
            Dh.CopyTo(dh0);
        }
        if (!dc0.IsEmpty)
        {
            Dc.CopyTo(dc0);
        }
    }

    /// <summary>Rec rows [start, end) = the (dropped-out) previous state's rows times the packed recurrent kernel.</summary>
    private unsafe void StepProductRows(int start, int end, float* hin)
    {
        int rows = end - start;
        if (rows > 0)
        {
            Gemm.MultiplyPrepackedFewRows(new ReadOnlySpan<float>(hin + (long)start * H, rows * H), _stepPanels!, Rec.AsSpan(start * G, rows * G), rows);
        }
    }

    /// <summary>The gate pass of forward step <see cref="RowArgs.Step"/> for samples [start, end).</summary>
    private unsafe void ForwardRows(int start, int end, in RowArgs a)
    {
        int s = a.Step, t = a.Time;
        var mask = a.HasMask ? new ReadOnlySpan<float>(a.Mask, B * T) : default;
        var recBias = a.HasRecBias ? new ReadOnlySpan<float>(a.RecBias, G) : default;
        var sequences = a.HasSeq ? new Span<float>(a.Seq, B * T * H) : default;
        var hin = new ReadOnlySpan<float>(a.HinStep, B * H);
            for (int b = start; b < end; b++)
            {
                int row = Row(b, t);
                if (a.Keep)
                {
                    hin.Slice(b * H, H).CopyTo(Hin.AsSpan(row * H, H));
                }
                var h = HStep.AsSpan(b * H, H);
                bool valid = mask.IsEmpty || mask[b * T + t] != 0f;
                if (valid)
                {
                    if (a.Keep)
                    {
                        StepRowDispatch(row, b, h, recBias, Kind == RecurrentKind.SimpleRnn ? default : Gates.AsSpan(row * 4 * H, 4 * H));
                    }
                    else
                    {
                        StepRowDispatch(b * T + t, b, h, recBias, default);
                    }
                    Started[b] = true;
                }
                if (a.Keep)
                {
                    h.CopyTo(Hs.AsSpan(row * H, H));
                    if (Kind == RecurrentKind.Lstm)
                    {
                        CStep.AsSpan(b * H, H).CopyTo(Cs.AsSpan(row * H, H));
                    }
                }
                if (!sequences.IsEmpty)
                {
                    var o = sequences.Slice((b * T + s) * H, H);
                    if (valid || (Started[b] && !ZeroOutputForMask))
                    {
                        h.CopyTo(o);
                    }
                    else
                    {
                        o.Clear();
                    }
                }
            }
    }

    /// <summary>The gate backward of step <see cref="RowArgs.Step"/> for samples [start, end).</summary>
    private unsafe void BackwardRows(int start, int end, in RowArgs a)
    {
        int s = a.Step, t = a.Time, n = H;
        int prevT = GoBackwards ? t + 1 : t - 1;
        var mask = a.HasMask ? new ReadOnlySpan<float>(a.Mask, B * T) : default;
        var gSequences = a.HasSeq ? new ReadOnlySpan<float>(a.Seq, B * T * H) : default;
        var h0 = new ReadOnlySpan<float>(a.H0, B * H);
        var c0 = Kind == RecurrentKind.Lstm ? new ReadOnlySpan<float>(a.C0, B * H) : default;
            for (int b = start; b < end; b++)
            {
                int row = Row(b, t);
                bool valid = mask.IsEmpty || mask[b * T + t] != 0f;
                var dh = Dh.AsSpan(b * H, H);
                var carry = DOutCarry.AsSpan(b * H, H);
                var direct = DhDirect.AsSpan(b * H, H);
                var dRecStep = DRecStep.AsSpan(b * G, G);
                var dxp = DXp.AsSpan(row * G, G);
                var gs = gSequences.IsEmpty ? default : gSequences.Slice((b * T + s) * H, H);
                if (!valid)
                {
                    if (!gs.IsEmpty && !ZeroOutputForMask)
                    {
                        for (int j = 0; j < n; j++)
                        {
                            carry[j] += gs[j];
                        }
                    }
                    dh.CopyTo(direct);
                    dRecStep.Clear();
                    dxp.Clear();
                    if (Kind == RecurrentKind.Gru)
                    {
                        DRec.AsSpan(row * G, G).Clear();
                    }
                    continue;
                }
                // The total gradient of this step's new state: from the next step, from this step's
                // output, and from later (masked) outputs and the last output that repeated it.
                for (int j = 0; j < n; j++)
                {
                    dh[j] += carry[j] + (gs.IsEmpty ? 0f : gs[j]);
                }
                carry.Clear();
                ReadOnlySpan<float> hPrev = s == 0 ? h0.Slice(b * H, H) : Hs.AsSpan(Row(b, prevT) * H, H);
                BackRowDispatch(s, b, row, prevT, hPrev, c0, dh, direct, dxp);
                (Kind == RecurrentKind.Gru ? DRec : DXp).AsSpan(row * G, G).CopyTo(dRecStep);
            }
    }

    /// <summary>What one step's row pass reads besides the kernel's own buffers (pinned by the caller for the step).</summary>
    private unsafe struct RowArgs
    {
        public int Step;
        public int Time;
        public float* Mask;
        public bool HasMask;
        public float* RecBias;
        public bool HasRecBias;
        public float* Seq;
        public bool HasSeq;
        public float* HinStep;
        public float* H0;
        public float* C0;
        /// <summary>Whether the forward keeps the histories (and x's projection is time-major); else batch-major, nothing kept.</summary>
        public bool Keep;
    }

    /// <summary>A step's row pass, split over samples by <see cref="CpuParallel"/>; the kernel is reached through a weak handle so the body stays unmanaged.</summary>
    private readonly struct RowsBody(IntPtr kernel, bool forward, RowArgs args) : IRangeBody
    {
        private readonly IntPtr _kernel = kernel;
        private readonly bool _forward = forward;
        private readonly RowArgs _args = args;

        public void Run(int start, int end)
        {
            var k = (RecurrentKernel)GCHandle.FromIntPtr(_kernel).Target!;
            if (_forward)
            {
                k.StepProductRows(start, end, _args.HinStep);
                k.ForwardRows(start, end, _args);
            }
            else
            {
                k.BackwardRows(start, end, _args);
            }
        }
    }

    /// <summary>Element-equivalents of one sample's gate pass: G gate values, each a sigmoid or tanh (about 8).</summary>
    private long WorkPerRow => 8L * G;

    /// <summary>A weak handle to this kernel, for the unmanaged row-pass bodies.</summary>
    private readonly IntPtr _self;

    /// <summary>Frees the weak handle.</summary>
    ~RecurrentKernel()
    {
        GCHandle.FromIntPtr(_self).Free();
    }
}
