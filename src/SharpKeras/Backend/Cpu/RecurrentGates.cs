using System.Numerics;

namespace SharpKeras.Backend.Cpu;

/// <summary>An activation of a recurrent gate, with its derivative written from its output, scalar and SIMD.</summary>
internal interface IGateActivation
{
    static abstract float Apply(float x);
    static abstract Vector<float> Apply(Vector<float> x);
    static abstract float Derivative(float y);
    static abstract Vector<float> Derivative(Vector<float> y);
}

/// <summary>tanh; the SIMD form is 1 - 2 / (exp(2x) + 1).</summary>
internal readonly struct GateTanh : IGateActivation
{
    public static float Apply(float x) => MathF.Tanh(x);
    public static Vector<float> Apply(Vector<float> x) => Vector<float>.One - new Vector<float>(2f) / (Vector.Exp(x + x) + Vector<float>.One);
    public static float Derivative(float y) => 1f - y * y;
    public static Vector<float> Derivative(Vector<float> y) => Vector<float>.One - y * y;
}

/// <summary>The logistic sigmoid.</summary>
internal readonly struct GateSigmoid : IGateActivation
{
    public static float Apply(float x) => 1f / (1f + MathF.Exp(-x));
    public static Vector<float> Apply(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Vector.Exp(-x));
    public static float Derivative(float y) => y * (1f - y);
    public static Vector<float> Derivative(Vector<float> y) => y * (Vector<float>.One - y);
}

/// <summary>max(x, 0).</summary>
internal readonly struct GateRelu : IGateActivation
{
    public static float Apply(float x) => MathF.Max(x, 0f);
    public static Vector<float> Apply(Vector<float> x) => Vector.Max(x, Vector<float>.Zero);
    public static float Derivative(float y) => y > 0f ? 1f : 0f;
    public static Vector<float> Derivative(Vector<float> y) => Vector.ConditionalSelect(Vector.GreaterThan(y, Vector<float>.Zero), Vector<float>.One, Vector<float>.Zero);
}

/// <summary>The identity.</summary>
internal readonly struct GateLinear : IGateActivation
{
    public static float Apply(float x) => x;
    public static Vector<float> Apply(Vector<float> x) => x;
    public static float Derivative(float y) => 1f;
    public static Vector<float> Derivative(Vector<float> y) => Vector<float>.One;
}

/// <summary>The fused gate passes of <see cref="RecurrentKernel"/>: one sample's step forward and backward, SIMD over the units.</summary>
internal sealed partial class RecurrentKernel
{
    private static Vector<float> V(ReadOnlySpan<float> s, int at) => new(s[at..]);

    private void StepRowDispatch(int row, int b, Span<float> h, ReadOnlySpan<float> recBias)
    {
        switch (Act)
        {
            case EpilogueActivation.Tanh: StepRow<GateTanh>(row, b, h, recBias); break;
            case EpilogueActivation.Sigmoid: StepRow<GateSigmoid>(row, b, h, recBias); break;
            case EpilogueActivation.Relu: StepRow<GateRelu>(row, b, h, recBias); break;
            default: StepRow<GateLinear>(row, b, h, recBias); break;
        }
    }

    private void StepRow<TA>(int row, int b, Span<float> h, ReadOnlySpan<float> recBias) where TA : IGateActivation
    {
        switch (RecAct)
        {
            case EpilogueActivation.Tanh: StepRow<TA, GateTanh>(row, b, h, recBias); break;
            case EpilogueActivation.Sigmoid: StepRow<TA, GateSigmoid>(row, b, h, recBias); break;
            case EpilogueActivation.Relu: StepRow<TA, GateRelu>(row, b, h, recBias); break;
            default: StepRow<TA, GateLinear>(row, b, h, recBias); break;
        }
    }

    /// <summary>One valid step of sample b (history row <paramref name="row"/>): updates the state in place and keeps the gates.</summary>
    private void StepRow<TA, TR>(int row, int b, Span<float> h, ReadOnlySpan<float> recBias) where TA : IGateActivation where TR : IGateActivation
    {
        ReadOnlySpan<float> xp = Xp.AsSpan(row * G, G);
        ReadOnlySpan<float> rec = Rec.AsSpan(b * G, G);
        int n = H;
        int w = Vector<float>.Count;
        int j = 0;
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
                var gates = Gates.AsSpan(row * 4 * H, 4 * H);
                for (; j <= n - w; j += w)
                {
                    var i = TR.Apply(V(xp, j) + V(rec, j));
                    var f = TR.Apply(V(xp, n + j) + V(rec, n + j));
                    var g = TA.Apply(V(xp, 2 * n + j) + V(rec, 2 * n + j));
                    var o = TR.Apply(V(xp, 3 * n + j) + V(rec, 3 * n + j));
                    var cn = f * V(c, j) + i * g;
                    cn.CopyTo(c[j..]);
                    (o * TA.Apply(cn)).CopyTo(h[j..]);
                    i.CopyTo(gates[j..]);
                    f.CopyTo(gates[(n + j)..]);
                    g.CopyTo(gates[(2 * n + j)..]);
                    o.CopyTo(gates[(3 * n + j)..]);
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
                    gates[j] = i;
                    gates[n + j] = f;
                    gates[2 * n + j] = g;
                    gates[3 * n + j] = o;
                }
                break;
            }
            default:
            {
                var gates = Gates.AsSpan(row * 4 * H, 4 * H);
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
                    z.CopyTo(gates[j..]);
                    r.CopyTo(gates[(n + j)..]);
                    hh.CopyTo(gates[(2 * n + j)..]);
                    rh.CopyTo(gates[(3 * n + j)..]);
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
                    gates[j] = z;
                    gates[n + j] = r;
                    gates[2 * n + j] = hh;
                    gates[3 * n + j] = rh;
                }
                break;
            }
        }
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
