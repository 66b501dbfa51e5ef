using System.Numerics;
using System.Runtime.Intrinsics;

namespace SharpKeras.Backend.Cpu;

/// <summary>An activation of a recurrent gate, with its derivative written from its output, scalar and SIMD.</summary>
internal interface IGateActivation
{
    static abstract float Apply(float x);
    static abstract Vector<float> Apply(Vector<float> x);
    static abstract Vector512<float> Apply(Vector512<float> x);
    static abstract float Derivative(float y);
    static abstract Vector<float> Derivative(Vector<float> y);
}

/// <summary>tanh; the SIMD form is 1 - 2 / (exp(2x) + 1), with the gates' own exp (<see cref="GateExp"/>).</summary>
internal readonly struct GateTanh : IGateActivation
{
    public static float Apply(float x) => MathF.Tanh(x);
    public static Vector<float> Apply(Vector<float> x) => Vector<float>.One - new Vector<float>(2f) / (GateExp.Exp(x + x) + Vector<float>.One);
    public static Vector512<float> Apply(Vector512<float> x) => Vector512<float>.One - Vector512.Create(2f) / (GateExp.Exp(x + x) + Vector512<float>.One);
    public static float Derivative(float y) => 1f - y * y;
    public static Vector<float> Derivative(Vector<float> y) => Vector<float>.One - y * y;
}

/// <summary>The logistic sigmoid; the SIMD form uses the gates' own exp (<see cref="GateExp"/>).</summary>
internal readonly struct GateSigmoid : IGateActivation
{
    public static float Apply(float x) => 1f / (1f + MathF.Exp(-x));
    public static Vector<float> Apply(Vector<float> x) => Vector<float>.One / (Vector<float>.One + GateExp.Exp(-x));
    public static Vector512<float> Apply(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + GateExp.Exp(-x));
    public static float Derivative(float y) => y * (1f - y);
    public static Vector<float> Derivative(Vector<float> y) => y * (Vector<float>.One - y);
}

/// <summary>max(x, 0).</summary>
internal readonly struct GateRelu : IGateActivation
{
    public static float Apply(float x) => MathF.Max(x, 0f);
    public static Vector<float> Apply(Vector<float> x) => Vector.Max(x, Vector<float>.Zero);
    public static Vector512<float> Apply(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);
    public static float Derivative(float y) => y > 0f ? 1f : 0f;
    public static Vector<float> Derivative(Vector<float> y) => Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
}

/// <summary>The identity.</summary>
internal readonly struct GateLinear : IGateActivation
{
    public static float Apply(float x) => x;
    public static Vector<float> Apply(Vector<float> x) => x;
    public static Vector512<float> Apply(Vector512<float> x) => x;
    public static float Derivative(float y) => 1f;
    public static Vector<float> Derivative(Vector<float> y) => Vector<float>.One;
}

/// <summary>The fused gate passes of <see cref="RecurrentKernel"/>: one sample's step forward and backward, SIMD over the units.</summary>
internal sealed partial class RecurrentKernel
{
    private static Vector<float> V(ReadOnlySpan<float> s, int at) => new(s[at..]);

    private void StepRowDispatch(int xpRow, int b, Span<float> h, ReadOnlySpan<float> recBias, Span<float> gates)
    {
        switch (Act)
        {
            case EpilogueActivation.Tanh: StepRow<GateTanh>(xpRow, b, h, recBias, gates); break;
            case EpilogueActivation.Sigmoid: StepRow<GateSigmoid>(xpRow, b, h, recBias, gates); break;
            case EpilogueActivation.Relu: StepRow<GateRelu>(xpRow, b, h, recBias, gates); break;
            default: StepRow<GateLinear>(xpRow, b, h, recBias, gates); break;
        }
    }

    private void StepRow<TA>(int xpRow, int b, Span<float> h, ReadOnlySpan<float> recBias, Span<float> gates) where TA : IGateActivation
    {
        switch (RecAct)
        {
            case EpilogueActivation.Tanh: StepRow<TA, GateTanh>(xpRow, b, h, recBias, gates); break;
            case EpilogueActivation.Sigmoid: StepRow<TA, GateSigmoid>(xpRow, b, h, recBias, gates); break;
            case EpilogueActivation.Relu: StepRow<TA, GateRelu>(xpRow, b, h, recBias, gates); break;
            default: StepRow<TA, GateLinear>(xpRow, b, h, recBias, gates); break;
        }
    }

    /// <summary>
    /// One valid step of sample b, its input projection at row <paramref name="xpRow"/> of Xp: updates the state in
    /// place and keeps the gates in <paramref name="gates"/> (4H) unless it is empty (inference keeps nothing).
    /// </summary>
    private void StepRow<TA, TR>(int xpRow, int b, Span<float> h, ReadOnlySpan<float> recBias, Span<float> gates) where TA : IGateActivation where TR : IGateActivation
    {
        ReadOnlySpan<float> xp = Xp.AsSpan(xpRow * G, G);
        bool keep = !gates.IsEmpty;
        ReadOnlySpan<float> rec = Rec.AsSpan(b * G, G);
        int n = H;
        int w = Vector<float>.Count;
        // 512-bit vectors first where the kernel's level allows them, then Vector<float>, then scalars: every lane
        // runs the same operations whatever the width, so the split changes no result, only the speed.
        int j = Level == SimdLevel.Vector512 && Vector512.IsHardwareAccelerated ? StepRowWide<TA, TR>(xp, rec, h, b, recBias, gates) : 0;
        switch (Kind)
        {
            case RecurrentKind.SimpleRnn:
                for (; j <= n - w; j += w)
                {
                    TA.Apply(V(xp, j) + V(rec, j)).CopyTo(h[j..]);
                }
                for (; j < n; j++)
                {
                    h[j] = TA.Apply(xp[j] + rec[j]);
                }
                break;
            case RecurrentKind.Lstm:
            {
                var c = CStep.AsSpan(b * H, H);
                for (; j <= n - w; j += w)
                {
                    var i = TR.Apply(V(xp, j) + V(rec, j));
                    var f = TR.Apply(V(xp, n + j) + V(rec, n + j));
                    var g = TA.Apply(V(xp, 2 * n + j) + V(rec, 2 * n + j));
                    var o = TR.Apply(V(xp, 3 * n + j) + V(rec, 3 * n + j));
                    var cn = f * V(c, j) + i * g;
                    cn.CopyTo(c[j..]);
                    (o * TA.Apply(cn)).CopyTo(h[j..]);
                    if (keep)
                    {
                        i.CopyTo(gates[j..]);
                        f.CopyTo(gates[(n + j)..]);
                        g.CopyTo(gates[(2 * n + j)..]);
                        o.CopyTo(gates[(3 * n + j)..]);
                    }
                }
                for (; j < n; j++)
                {
                    float i = TR.Apply(xp[j] + rec[j]);
                    float f = TR.Apply(xp[n + j] + rec[n + j]);
                    float g = TA.Apply(xp[2 * n + j] + rec[2 * n + j]);
                    float o = TR.Apply(xp[3 * n + j] + rec[3 * n + j]);
                    float cn = f * c[j] + i * g;
                    c[j] = cn;
                    h[j] = o * TA.Apply(cn);
                    if (keep)
                    {
                        gates[j] = i;
                        gates[n + j] = f;
                        gates[2 * n + j] = g;
                        gates[3 * n + j] = o;
                    }
                }
                break;
            }
            default:
            {
                bool hasRecBias = !recBias.IsEmpty;
                for (; j <= n - w; j += w)
                {
                    var rz = V(rec, j);
                    var rr = V(rec, n + j);
                    var rh = V(rec, 2 * n + j);
                    if (hasRecBias)
                    {
                        rz += V(recBias, j);
                        rr += V(recBias, n + j);
                        rh += V(recBias, 2 * n + j);
                    }
                    var z = TR.Apply(V(xp, j) + rz);
                    var r = TR.Apply(V(xp, n + j) + rr);
                    var hh = TA.Apply(V(xp, 2 * n + j) + r * rh);
                    (z * V(h, j) + (Vector<float>.One - z) * hh).CopyTo(h[j..]);
                    if (keep)
                    {
                        z.CopyTo(gates[j..]);
                        r.CopyTo(gates[(n + j)..]);
                        hh.CopyTo(gates[(2 * n + j)..]);
                        rh.CopyTo(gates[(3 * n + j)..]);
                    }
                }
                for (; j < n; j++)
                {
                    float rz = rec[j], rr = rec[n + j], rh = rec[2 * n + j];
                    if (hasRecBias)
                    {
                        rz += recBias[j];
                        rr += recBias[n + j];
                        rh += recBias[2 * n + j];
                    }
                    float z = TR.Apply(xp[j] + rz);
                    float r = TR.Apply(xp[n + j] + rr);
                    float hh = TA.Apply(xp[2 * n + j] + r * rh);
                    h[j] = z * h[j] + (1f - z) * hh;
                    if (keep)
                    {
                        gates[j] = z;
                        gates[n + j] = r;
                        gates[2 * n + j] = hh;
                        gates[3 * n + j] = rh;
                    }
                }
                break;
            }
        }
    }

    private static Vector512<float> W(ReadOnlySpan<float> s, int at) => Vector512.Create(s.Slice(at, 16));

    /// <summary>The 512-bit part of <see cref="StepRow{TA, TR}"/>: units [0, returned) of the step, in whole vectors of 16.</summary>
    private int StepRowWide<TA, TR>(ReadOnlySpan<float> xp, ReadOnlySpan<float> rec, Span<float> h, int b, ReadOnlySpan<float> recBias, Span<float> gates)
        where TA : IGateActivation where TR : IGateActivation
    {
        const int w = 16;
        int n = H;
        int j = 0;
        bool keep = !gates.IsEmpty;
        switch (Kind)
        {
            case RecurrentKind.SimpleRnn:
                for (; j <= n - w; j += w)
                {
                    TA.Apply(W(xp, j) + W(rec, j)).CopyTo(h[j..]);
                }
                break;
            case RecurrentKind.Lstm:
            {
                var c = CStep.AsSpan(b * H, H);
                for (; j <= n - w; j += w)
                {
                    var i = TR.Apply(W(xp, j) + W(rec, j));
                    var f = TR.Apply(W(xp, n + j) + W(rec, n + j));
                    var g = TA.Apply(W(xp, 2 * n + j) + W(rec, 2 * n + j));
                    var o = TR.Apply(W(xp, 3 * n + j) + W(rec, 3 * n + j));
                    var cn = f * W(c, j) + i * g;
                    cn.CopyTo(c[j..]);
                    (o * TA.Apply(cn)).CopyTo(h[j..]);
                    if (keep)
                    {
                        i.CopyTo(gates[j..]);
                        f.CopyTo(gates[(n + j)..]);
                        g.CopyTo(gates[(2 * n + j)..]);
                        o.CopyTo(gates[(3 * n + j)..]);
                    }
                }
                break;
            }
            default:
            {
                bool hasRecBias = !recBias.IsEmpty;
                for (; j <= n - w; j += w)
                {
                    var rz = W(rec, j);
                    var rr = W(rec, n + j);
                    var rh = W(rec, 2 * n + j);
                    if (hasRecBias)
                    {
                        rz += W(recBias, j);
                        rr += W(recBias, n + j);
                        rh += W(recBias, 2 * n + j);
                    }
                    var z = TR.Apply(W(xp, j) + rz);
                    var r = TR.Apply(W(xp, n + j) + rr);
                    var hh = TA.Apply(W(xp, 2 * n + j) + r * rh);
                    (z * W(h, j) + (Vector512<float>.One - z) * hh).CopyTo(h[j..]);
                    if (keep)
                    {
                        z.CopyTo(gates[j..]);
                        r.CopyTo(gates[(n + j)..]);
                        hh.CopyTo(gates[(2 * n + j)..]);
                        rh.CopyTo(gates[(3 * n + j)..]);
                    }
                }
                break;
            }
        }
        return j;
    }

    private void BackRowDispatch(int s, int b, int row, int prevT, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> c0,
        Span<float> dh, Span<float> direct, Span<float> dxp)
    {
        switch (Act)
        {
            case EpilogueActivation.Tanh: BackRow<GateTanh>(s, b, row, prevT, hPrev, c0, dh, direct, dxp); break;
            case EpilogueActivation.Sigmoid: BackRow<GateSigmoid>(s, b, row, prevT, hPrev, c0, dh, direct, dxp); break;
            case EpilogueActivation.Relu: BackRow<GateRelu>(s, b, row, prevT, hPrev, c0, dh, direct, dxp); break;
            default: BackRow<GateLinear>(s, b, row, prevT, hPrev, c0, dh, direct, dxp); break;
        }
    }

    private void BackRow<TA>(int s, int b, int row, int prevT, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> c0,
        Span<float> dh, Span<float> direct, Span<float> dxp) where TA : IGateActivation
    {
        switch (RecAct)
        {
            case EpilogueActivation.Tanh: BackRow<TA, GateTanh>(s, b, row, prevT, hPrev, c0, dh, direct, dxp); break;
            case EpilogueActivation.Sigmoid: BackRow<TA, GateSigmoid>(s, b, row, prevT, hPrev, c0, dh, direct, dxp); break;
            case EpilogueActivation.Relu: BackRow<TA, GateRelu>(s, b, row, prevT, hPrev, c0, dh, direct, dxp); break;
            default: BackRow<TA, GateLinear>(s, b, row, prevT, hPrev, c0, dh, direct, dxp); break;
        }
    }

    /// <summary>
    /// The backward of one valid step of sample b: from the total gradient of its new state
    /// <paramref name="dh"/> (and the carried cell gradient, LSTM), writes the pre-activation
    /// gradients and the part of the previous state's gradient that bypasses the recurrent kernel.
    /// </summary>
    private void BackRow<TA, TR>(int s, int b, int row, int prevT, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> c0,
        Span<float> dh, Span<float> direct, Span<float> dxp) where TA : IGateActivation where TR : IGateActivation
    {
        int n = H;
        int w = Vector<float>.Count;
        int j = 0;
        switch (Kind)
        {
            case RecurrentKind.SimpleRnn:
            {
                ReadOnlySpan<float> h = Hs.AsSpan(row * H, H);
                for (; j <= n - w; j += w)
                {
                    (V(dh, j) * TA.Derivative(V(h, j))).CopyTo(dxp[j..]);
                }
                for (; j < n; j++)
                {
                    dxp[j] = dh[j] * TA.Derivative(h[j]);
                }
                direct.Clear();
                break;
            }
            case RecurrentKind.Lstm:
            {
                ReadOnlySpan<float> cPrev = s == 0 ? c0.Slice(b * H, H) : Cs.AsSpan(Row(b, prevT) * H, H);
                ReadOnlySpan<float> c = Cs.AsSpan(row * H, H);
                ReadOnlySpan<float> gates = Gates.AsSpan(row * 4 * H, 4 * H);
                var dc = Dc.AsSpan(b * H, H);
                for (; j <= n - w; j += w)
                {
                    var i = V(gates, j);
                    var f = V(gates, n + j);
                    var g = V(gates, 2 * n + j);
                    var o = V(gates, 3 * n + j);
                    var tc = TA.Apply(V(c, j));
                    var d = V(dh, j);
                    var dct = V(dc, j) + d * o * TA.Derivative(tc);
                    (dct * g * TR.Derivative(i)).CopyTo(dxp[j..]);
                    (dct * V(cPrev, j) * TR.Derivative(f)).CopyTo(dxp[(n + j)..]);
                    (dct * i * TA.Derivative(g)).CopyTo(dxp[(2 * n + j)..]);
                    (d * tc * TR.Derivative(o)).CopyTo(dxp[(3 * n + j)..]);
                    (dct * f).CopyTo(dc[j..]);
                }
                for (; j < n; j++)
                {
                    float i = gates[j], f = gates[n + j], g = gates[2 * n + j], o = gates[3 * n + j];
                    float tc = TA.Apply(c[j]);
                    float dct = dc[j] + dh[j] * o * TA.Derivative(tc);
                    dxp[j] = dct * g * TR.Derivative(i);
                    dxp[n + j] = dct * cPrev[j] * TR.Derivative(f);
                    dxp[2 * n + j] = dct * i * TA.Derivative(g);
                    dxp[3 * n + j] = dh[j] * tc * TR.Derivative(o);
                    dc[j] = dct * f;
                }
                direct.Clear();
                break;
            }
            default:
            {
                ReadOnlySpan<float> gates = Gates.AsSpan(row * 4 * H, 4 * H);
                var drec = DRec.AsSpan(row * G, G);
                for (; j <= n - w; j += w)
                {
                    var z = V(gates, j);
                    var r = V(gates, n + j);
                    var hh = V(gates, 2 * n + j);
                    var rh = V(gates, 3 * n + j);
                    var d = V(dh, j);
                    var dph = d * (Vector<float>.One - z) * TA.Derivative(hh);
                    var dpz = d * (V(hPrev, j) - hh) * TR.Derivative(z);
                    var dpr = dph * rh * TR.Derivative(r);
                    dpz.CopyTo(dxp[j..]);
                    dpr.CopyTo(dxp[(n + j)..]);
                    dph.CopyTo(dxp[(2 * n + j)..]);
                    dpz.CopyTo(drec[j..]);
                    dpr.CopyTo(drec[(n + j)..]);
                    (dph * r).CopyTo(drec[(2 * n + j)..]);
                    (d * z).CopyTo(direct[j..]);
                }
                for (; j < n; j++)
                {
                    float z = gates[j], r = gates[n + j], hh = gates[2 * n + j], rh = gates[3 * n + j];
                    float d = dh[j];
                    float dph = d * (1f - z) * TA.Derivative(hh);
                    float dpz = d * (hPrev[j] - hh) * TR.Derivative(z);
                    float dpr = dph * rh * TR.Derivative(r);
                    dxp[j] = dpz;
                    dxp[n + j] = dpr;
                    dxp[2 * n + j] = dph;
                    drec[j] = dpz;
                    drec[n + j] = dpr;
                    drec[2 * n + j] = dph * r;
                    direct[j] = d * z;
                }
                break;
            }
        }
    }
}
