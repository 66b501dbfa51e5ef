namespace SharpKeras.Backend.Reference;

/// <summary>
/// A recurrent layer written as the textbook equations, one sample and one step at a time: each
/// step keeps its state before and after, its gates and its inputs, and the backward pass walks the
/// steps in reverse applying the chain rule to exactly those equations.
/// </summary>
internal sealed class ReferenceRecurrentKernel : IRecurrentKernel
{
    private readonly RecurrentKind _kind;
    private readonly int _b, _t, _f, _h, _g;
    private readonly EpilogueActivation _act, _recAct;
    private readonly bool _goBackwards, _zeroOutputForMask;

    // Per (sample b, processing step s), at index b * T + s.
    private readonly float[] _xIn, _hIn, _hBefore, _hAfter, _cBefore, _cAfter, _gates, _recH;
    private readonly bool[] _valid, _started;

    /// <summary>A kernel for one layer shape; buffers for every step are allocated here.</summary>
    public ReferenceRecurrentKernel(RecurrentKind kind, int batch, int time, int features, int units,
        EpilogueActivation activation, EpilogueActivation recurrentActivation, bool goBackwards, bool zeroOutputForMask)
    {
        _kind = kind;
        (_b, _t, _f, _h) = (batch, time, features, units);
        _g = kind switch { RecurrentKind.Lstm => 4, RecurrentKind.Gru => 3, _ => 1 } * units;
        (_act, _recAct, _goBackwards, _zeroOutputForMask) = (activation, recurrentActivation, goBackwards, zeroOutputForMask);
        int steps = batch * time;
        _xIn = new float[steps * features];
        _hIn = new float[steps * units];
        _hBefore = new float[steps * units];
        _hAfter = new float[steps * units];
        _cBefore = new float[steps * units];
        _cAfter = new float[steps * units];
        _gates = new float[steps * _g];
        _recH = new float[steps * units];
        _valid = new bool[steps];
        _started = new bool[steps];
    }

    private float Act(float v) => ReferenceBackend.Activate(_act, v);

    private float RecAct(float v) => ReferenceBackend.Activate(_recAct, v);

    private float ActGrad(float y) => ReferenceBackend.DerivativeFromOutput(_act, y);

    private float RecActGrad(float y) => ReferenceBackend.DerivativeFromOutput(_recAct, y);

    /// <summary>Time index of processing step s.</summary>
    private int TimeOf(int s) => _goBackwards ? _t - 1 - s : s;

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> recurrentKernel, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<float> mask, ReadOnlySpan<float> dropMask, ReadOnlySpan<float> recDropMask,
        Span<float> sequences, Span<float> last, Span<float> hT, Span<float> cT)
    {
        int H = _h, G = _g, F = _f;
        bool recBias = _kind == RecurrentKind.Gru && bias.Length == 2 * G;
        var xp = new float[G];
        var rec = new float[G];
        var h = new float[H];
        var c = new float[H];
        for (int b = 0; b < _b; b++)
        {
            h0.Slice(b * H, H).CopyTo(h);
            if (_kind == RecurrentKind.Lstm)
            {
                c0.Slice(b * H, H).CopyTo(c);
            }
            bool started = false;
            for (int s = 0; s < _t; s++)
            {
                int t = TimeOf(s), at = b * _t + s;
                var xIn = _xIn.AsSpan(at * F, F);
                var hIn = _hIn.AsSpan(at * H, H);
                for (int i = 0; i < F; i++)
                {
                    xIn[i] = x[(b * _t + t) * F + i] * (dropMask.IsEmpty ? 1f : dropMask[b * F + i]);
                }
                for (int j = 0; j < H; j++)
                {
                    hIn[j] = h[j] * (recDropMask.IsEmpty ? 1f : recDropMask[b * H + j]);
                }
                h.CopyTo(_hBefore.AsSpan(at * H, H));
                c.CopyTo(_cBefore.AsSpan(at * H, H));
                bool valid = mask.IsEmpty || mask[b * _t + t] != 0f;
                _valid[at] = valid;
                if (valid)
                {
                    // xp = x W + b_input, rec = h U (+ b_recurrent for GRU).
                    for (int q = 0; q < G; q++)
                    {
                        float sx = bias.IsEmpty ? 0f : bias[q], sh = recBias ? bias[G + q] : 0f;
                        for (int i = 0; i < F; i++)
                        {
                            sx += xIn[i] * kernel[i * G + q];
                        }
                        for (int j = 0; j < H; j++)
                        {
                            sh += hIn[j] * recurrentKernel[j * G + q];
                        }
                        xp[q] = sx;
                        rec[q] = sh;
                    }
                    var gates = _gates.AsSpan(at * G, G);
                    for (int j = 0; j < H; j++)
                    {
                        switch (_kind)
                        {
                            case RecurrentKind.SimpleRnn:
                                h[j] = Act(xp[j] + rec[j]);
                                break;
                            case RecurrentKind.Lstm:
                            {
                                float i = RecAct(xp[j] + rec[j]);
                                float f = RecAct(xp[H + j] + rec[H + j]);
                                float g = Act(xp[2 * H + j] + rec[2 * H + j]);
                                float o = RecAct(xp[3 * H + j] + rec[3 * H + j]);
                                c[j] = f * c[j] + i * g;
                                h[j] = o * Act(c[j]);
                                (gates[j], gates[H + j], gates[2 * H + j], gates[3 * H + j]) = (i, f, g, o);
                                break;
                            }
                            default:
                            {
                                float z = RecAct(xp[j] + rec[j]);
                                float r = RecAct(xp[H + j] + rec[H + j]);
                                float hh = Act(xp[2 * H + j] + r * rec[2 * H + j]);
                                h[j] = z * h[j] + (1f - z) * hh;
                                (gates[j], gates[H + j], gates[2 * H + j]) = (z, r, hh);
                                _recH[at * H + j] = rec[2 * H + j];
                                break;
                            }
                        }
                    }
                    started = true;
                }
                _started[at] = started;
                h.CopyTo(_hAfter.AsSpan(at * H, H));
                c.CopyTo(_cAfter.AsSpan(at * H, H));
                if (!sequences.IsEmpty)
                {
                    var o = sequences.Slice((b * _t + s) * H, H);
                    if (valid || (started && !_zeroOutputForMask))
                    {
                        h.CopyTo(o);
                    }
                    else
                    {
                        o.Clear();
                    }
                }
            }
            if (!last.IsEmpty)
            {
                if (started)
                {
                    h.CopyTo(last.Slice(b * H, H));
                }
                else
                {
                    last.Slice(b * H, H).Clear();
                }
            }
            if (!hT.IsEmpty)
            {
                h.CopyTo(hT.Slice(b * H, H));
            }
            if (!cT.IsEmpty)
            {
                c.CopyTo(cT.Slice(b * H, H));
            }
        }
    }

    /// <inheritdoc/>
    public void Infer(ReadOnlySpan<float> x, PackedMatrix? packedKernel, ReadOnlySpan<float> kernel, PackedMatrix? packedRecurrentKernel,
        ReadOnlySpan<float> recurrentKernel, ReadOnlySpan<float> bias, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<float> mask,
        Span<float> sequences, Span<float> last, Span<float> hT, Span<float> cT) =>
        Forward(x, ReferenceBackend.Unpacked(packedKernel, kernel, _f, _g), ReferenceBackend.Unpacked(packedRecurrentKernel, recurrentKernel, _h, _g),
            bias, h0, c0, mask, default, default, sequences, last, hT, cT);

    /// <inheritdoc/>
    public void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> kernel, ReadOnlySpan<float> recurrentKernel, bool hasBias,
        ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<float> mask, ReadOnlySpan<float> dropMask, ReadOnlySpan<float> recDropMask,
        ReadOnlySpan<float> gSequences, ReadOnlySpan<float> gLast, ReadOnlySpan<float> gHT, ReadOnlySpan<float> gCT,
        Span<float> dx, Span<float> dKernel, Span<float> dRecurrentKernel, Span<float> dBias, Span<float> dh0, Span<float> dc0)
    {
        int H = _h, G = _g, F = _f;
        dx.Clear();
        dKernel.Clear();
        dRecurrentKernel.Clear();
        dBias.Clear();
        var dh = new float[H];
        var dc = new float[H];
        var dxp = new float[G];
        var drec = new float[G];
        var dhPrev = new float[H];
        for (int b = 0; b < _b; b++)
        {
            for (int j = 0; j < H; j++)
            {
                dh[j] = gHT.IsEmpty ? 0f : gHT[b * H + j];
                dc[j] = gCT.IsEmpty ? 0f : gCT[b * H + j];
            }
            if (!gLast.IsEmpty && _started[b * _t + _t - 1])
            {
                for (int j = 0; j < H; j++)
                {
                    dh[j] += gLast[b * H + j];
                }
            }
            for (int s = _t - 1; s >= 0; s--)
            {
                int t = TimeOf(s), at = b * _t + s;
                bool valid = _valid[at];
                // This step's output was its new state unless it was masked out with zeros.
                if (!gSequences.IsEmpty && (valid || (_started[at] && !_zeroOutputForMask)))
                {
                    for (int j = 0; j < H; j++)
                    {
                        dh[j] += gSequences[(b * _t + s) * H + j];
                    }
                }
                if (!valid)
                {
                    // A masked step carries its state (and its gradients) through unchanged.
                    continue;
                }
                var gates = _gates.AsSpan(at * G, G);
                var hBefore = _hBefore.AsSpan(at * H, H);
                for (int j = 0; j < H; j++)
                {
                    switch (_kind)
                    {
                        case RecurrentKind.SimpleRnn:
                        {
                            float d = dh[j] * ActGrad(_hAfter[at * H + j]);
                            dxp[j] = d;
                            drec[j] = d;
                            dhPrev[j] = 0f;
                            break;
                        }
                        case RecurrentKind.Lstm:
                        {
                            float i = gates[j], f = gates[H + j], g = gates[2 * H + j], o = gates[3 * H + j];
                            float tc = Act(_cAfter[at * H + j]);
                            float dct = dc[j] + dh[j] * o * ActGrad(tc);
                            dxp[j] = dct * g * RecActGrad(i);
                            dxp[H + j] = dct * _cBefore[at * H + j] * RecActGrad(f);
                            dxp[2 * H + j] = dct * i * ActGrad(g);
                            dxp[3 * H + j] = dh[j] * tc * RecActGrad(o);
                            drec[j] = dxp[j];
                            drec[H + j] = dxp[H + j];
                            drec[2 * H + j] = dxp[2 * H + j];
                            drec[3 * H + j] = dxp[3 * H + j];
                            dc[j] = dct * f;
                            dhPrev[j] = 0f;
                            break;
                        }
                        default:
                        {
                            float z = gates[j], r = gates[H + j], hh = gates[2 * H + j];
                            float dph = dh[j] * (1f - z) * ActGrad(hh);
                            float dpz = dh[j] * (hBefore[j] - hh) * RecActGrad(z);
                            float dpr = dph * _recH[at * H + j] * RecActGrad(r);
                            (dxp[j], dxp[H + j], dxp[2 * H + j]) = (dpz, dpr, dph);
                            (drec[j], drec[H + j], drec[2 * H + j]) = (dpz, dpr, dph * r);
                            dhPrev[j] = dh[j] * z;
                            break;
                        }
                    }
                }
                var xIn = _xIn.AsSpan(at * F, F);
                var hIn = _hIn.AsSpan(at * H, H);
                for (int q = 0; q < G; q++)
                {
                    for (int i = 0; i < F; i++)
                    {
                        if (!dKernel.IsEmpty)
                        {
                            dKernel[i * G + q] += xIn[i] * dxp[q];
                        }
                        if (!dx.IsEmpty)
                        {
                            dx[(b * _t + t) * F + i] += dxp[q] * kernel[i * G + q] * (dropMask.IsEmpty ? 1f : dropMask[b * F + i]);
                        }
                    }
                    for (int j = 0; j < H; j++)
                    {
                        if (!dRecurrentKernel.IsEmpty)
                        {
                            dRecurrentKernel[j * G + q] += hIn[j] * drec[q];
                        }
                        dhPrev[j] += drec[q] * recurrentKernel[j * G + q] * (recDropMask.IsEmpty ? 1f : recDropMask[b * H + j]);
                    }
                    if (hasBias && !dBias.IsEmpty)
                    {
                        dBias[q] += dxp[q];
                        if (dBias.Length == 2 * G)
                        {
                            dBias[G + q] += drec[q];
                        }
                    }
                }
                dhPrev.CopyTo(dh);
            }
            if (!dh0.IsEmpty)
            {
                dh.CopyTo(dh0.Slice(b * H, H));
            }
            if (!dc0.IsEmpty)
            {
                dc.CopyTo(dc0.Slice(b * H, H));
            }
        }
    }
}
