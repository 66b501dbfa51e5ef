using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>How a fused recurrent op runs (the options of Keras's SimpleRNN, LSTM and GRU layers that shape the loop).</summary>
internal sealed record RecurrentOptions(
    RecurrentKind Kind,
    EpilogueActivation Activation,
    EpilogueActivation RecurrentActivation,
    bool ReturnSequences,
    bool ReturnState,
    bool GoBackwards,
    bool ZeroOutputForMask,
    double Dropout,
    double RecurrentDropout,
    SeedGenerator? Rng);

/// <summary>Recurrent ops: a whole SimpleRNN / LSTM / GRU layer as one recorded op, plus the sequence helpers the recurrent layers use.</summary>
public static partial class Ops
{
    /// <summary>
    /// Runs a recurrent layer over x (batch, time, features) as one op (see <see cref="IRecurrentKernel"/>):
    /// returns the output (sequences (batch, time, units) or the last output (batch, units)) followed,
    /// when <see cref="RecurrentOptions.ReturnState"/>, by the final states (h, and c for LSTM).
    /// <paramref name="mask"/> (batch, time) of 0/1 may be null; its contents are read each time the
    /// op runs, so a mask written by an earlier op's forward is followed when a step is replayed.
    /// Dropout masks (one per sequence, as Keras) are drawn each time the op runs.
    /// </summary>
    internal static Tensor[] Recurrent(Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias, Tensor[]? initialStates, Tensor? mask, RecurrentOptions o)
    {
        x = F(x);
        int b = x.Shape[0], t = x.Shape[1], f = x.Shape[2], h = recurrentKernel.Shape[0];
        int stateCount = o.Kind == RecurrentKind.Lstm ? 2 : 1;
        var kern = K.CreateRecurrent(o.Kind, b, t, f, h, o.Activation, o.RecurrentActivation, o.GoBackwards, o.ZeroOutputForMask,
            o.Dropout > 0, o.RecurrentDropout > 0);
        var h0 = initialStates is { Length: > 0 } ? F(initialStates[0]) : Tensor.Zeros(new Shape(b, h));
        var c0 = stateCount == 2 ? (initialStates is { Length: > 1 } ? F(initialStates[1]) : Tensor.Zeros(new Shape(b, h))) : null;
        var dropMask = o.Dropout > 0 ? Tensor.Zeros(new Shape(b, f)) : null;
        var recDropMask = o.RecurrentDropout > 0 ? Tensor.Zeros(new Shape(b, h)) : null;

        // Outputs: the output, then the states, as views of one buffer so that the op has one output.
        int outLength = o.ReturnSequences ? b * t * h : b * h;
        int total = outLength + (o.ReturnState ? stateCount * b * h : 0);
        var storage = new float[total];
        var packed = new Tensor(new Shape(total), storage);
        var y = new Tensor(o.ReturnSequences ? new Shape(b, t, h) : new Shape(b, h), storage);
        var hT = o.ReturnState ? new Tensor(new Shape(b, h), storage, outLength) : null;
        var cT = o.ReturnState && stateCount == 2 ? new Tensor(new Shape(b, h), storage, outLength + b * h) : null;
        var seqSpan = o.ReturnSequences ? new Memory<float>(storage, 0, outLength) : Memory<float>.Empty;
        var lastSpan = o.ReturnSequences ? Memory<float>.Empty : new Memory<float>(storage, 0, outLength);

        void DrawMask(Tensor? m, double rate)
        {
            if (m is null)
            {
                return;
            }
            float keep = (float)(1 - rate);
            float scale = keep > 0 ? 1f / keep : 0f;
            var s = m.Span;
            lock (o.Rng!)
            {
                o.Rng.NextFloats(s);
            }
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = s[i] < keep ? scale : 0f;
            }
        }
        var inputs = new List<Tensor> { x, kernel, recurrentKernel };
        int biasAt = -1, h0At = -1, c0At = -1;
        if (bias is not null)
        {
            biasAt = inputs.Count;
            inputs.Add(bias);
        }
        if (initialStates is { Length: > 0 })
        {
            h0At = inputs.Count;
            inputs.Add(h0);
            if (c0 is not null)
            {
                c0At = inputs.Count;
                inputs.Add(c0);
            }
        }
        Tensor[] inputArray = [.. inputs];
        bool recording = GradientTape.IsRecording(inputArray);
        // Without dropout, a forward no backward will follow (an inference plan's, or one no tape records) keeps no
        // histories and reads the kernels' packed copies; its outputs are the training forward's bits.
        bool canInfer = o.Dropout == 0 && o.RecurrentDropout == 0;
        int gates = kernel.Shape[1];
        bool inferred = false;
        void TrainingForward()
        {
            DrawMask(dropMask, o.Dropout);
            DrawMask(recDropMask, o.RecurrentDropout);
            kern.Forward(x.Span, kernel.Span, recurrentKernel.Span, bias is null ? default : bias.Span,
                h0.Span, c0 is null ? default : c0.Span, mask is null ? default : mask.Span,
                dropMask is null ? default : dropMask.Span, recDropMask is null ? default : recDropMask.Span,
                seqSpan.Span, lastSpan.Span, hT is null ? default : hT.Span, cT is null ? default : cT.Span);
        }
        void Forward()
        {
            inferred = canInfer && (!recording || Training.InferenceWeights.Active);
            if (!inferred)
            {
                TrainingForward();
                return;
            }
            kern.Infer(x.Span, Training.InferenceWeights.Packed(kernel, f, gates, false, K), kernel.Span,
                Training.InferenceWeights.Packed(recurrentKernel, h, gates, false, K), recurrentKernel.Span, bias is null ? default : bias.Span,
                h0.Span, c0 is null ? default : c0.Span, mask is null ? default : mask.Span,
                seqSpan.Span, lastSpan.Span, hT is null ? default : hT.Span, cT is null ? default : cT.Span);
        }
        Forward();

        Tensor result = o.ReturnState ? packed : y;
        if (recording)
        {
            GradientTape.Record(result, inputArray, Forward, (g, dx) =>
            {
                if (inferred)
                {
                    // The last forward kept no histories (it ran under an inference plan): run the one that does,
                    // which writes the same outputs.
                    TrainingForward();
                }
                var gs = g.Span;
                kern.Backward(x.Span, kernel.Span, recurrentKernel.Span, bias is not null,
                    h0.Span, c0 is null ? default : c0.Span, mask is null ? default : mask.Span,
                    dropMask is null ? default : dropMask.Span, recDropMask is null ? default : recDropMask.Span,
                    o.ReturnSequences ? gs[..outLength] : default,
                    o.ReturnSequences ? default : gs[..outLength],
                    o.ReturnState ? gs.Slice(outLength, b * h) : default,
                    o.ReturnState && stateCount == 2 ? gs.Slice(outLength + b * h, b * h) : default,
                    dx.Needs(0) ? dx[0].Span : default,
                    dx.Needs(1) ? dx[1].Span : default,
                    dx.Needs(2) ? dx[2].Span : default,
                    biasAt >= 0 && dx.Needs(biasAt) ? dx[biasAt].Span : default,
                    h0At >= 0 && dx.Needs(h0At) ? dx[h0At].Span : default,
                    c0At >= 0 && dx.Needs(c0At) ? dx[c0At].Span : default);
            }, o.Kind switch { RecurrentKind.Lstm => OpKind.Lstm, RecurrentKind.Gru => OpKind.Gru, _ => OpKind.SimpleRnn });
        }
        if (!o.ReturnState)
        {
            return [y];
        }
        var parts = new List<Tensor> { PackedPart(packed, y, 0), PackedPart(packed, hT!, outLength) };
        if (cT is not null)
        {
            parts.Add(PackedPart(packed, cT, outLength + b * h));
        }
        return [.. parts];
    }

    /// <summary>A part of a packed multi-output op's buffer, recorded so its gradient lands in the packed gradient.</summary>
    private static Tensor PackedPart(Tensor packed, Tensor part, int offset)
    {
        if (GradientTape.IsRecording(packed))
        {
            // The part shares the packed storage, so its forward has nothing to do.
            GradientTape.Record(part, [packed], () => { }, (g, dx) =>
            {
                var d = dx[0].Span;
                d.Clear();
                g.Span.CopyTo(d.Slice(offset, part.Length));
            }, OpKind.PackedPart);
        }
        return part;
    }

    /// <summary>
    /// Looks token ids up in an embedding table (Keras's Embedding call): ids of any shape give
    /// (..., outputDim). When <paramref name="maskOut"/> is given (shaped as the ids), it is set to
    /// 1 where the id is not 0 and 0 where it is, each time the op runs (Keras's mask_zero).
    /// </summary>
    internal static Tensor Embedding(Tensor ids, Tensor table, Tensor? maskOut, string layerName)
    {
        int vocab = table.Shape[0], dim = table.Shape[1];
        var y = Tensor.Zeros(new Shape([.. ids.Shape.ToArray(), dim]));
        int n = ids.Length;
        void Forward()
        {
            var ts = table.Span;
            var ys = y.Span;
            var ms = maskOut is null ? default : maskOut.Span;
            for (int i = 0; i < n; i++)
            {
                int id = ids.GetInt(i);
                if ((uint)id >= (uint)vocab)
                {
                    throw new ArgumentOutOfRangeException(nameof(ids), $"Layer \"{layerName}\" (Embedding): token id {id} at flat index {i} of input shape {ids.Shape} is outside [0, {vocab}); input_dim is {vocab}, so ids must be below it. Raise inputDim or fix the data.");
                }
                ts.Slice(id * dim, dim).CopyTo(ys.Slice(i * dim, dim));
                if (!ms.IsEmpty)
                {
                    ms[i] = id != 0 ? 1f : 0f;
                }
            }
        }
        Forward();
        if (GradientTape.IsRecording(ids, table))
        {
            GradientTape.Record(y, [ids, table], Forward, (g, dx) =>
            {
                if (dx.Needs(0))
                {
                    dx[0].Span.Clear();
                }
                if (dx.Needs(1))
                {
                    var d = dx[1].Span;
                    var gs = g.Span;
                    d.Clear();
                    for (int i = 0; i < n; i++)
                    {
                        int id = ids.GetInt(i);
                        var row = d.Slice(id * dim, dim);
                        K.Binary(BinaryFunction.Add, row, gs.Slice(i * dim, dim), row);
                    }
                }
            }, OpKind.Embedding);
            if (maskOut is not null)
            {
                GradientTape.RecordSideOutput(y, maskOut);
            }
        }
        return y;
    }

    /// <summary>
    /// Keras's Masking: a time step (the last axis of x) whose features all equal
    /// <paramref name="maskValue"/> is zeroed and marked 0 in <paramref name="maskOut"/> (shaped as
    /// x without its last axis), each time the op runs.
    /// </summary>
    internal static Tensor Masking(Tensor x, float maskValue, Tensor maskOut)
    {
        x = F(x);
        int fdim = x.Shape[-1];
        int steps = x.Length / Math.Max(1, fdim);
        var y = Tensor.Zeros(x.Shape);
        void Forward()
        {
            var xs = x.Span;
            var ys = y.Span;
            var ms = maskOut.Span;
            for (int r = 0; r < steps; r++)
            {
                var row = xs.Slice(r * fdim, fdim);
                bool keep = false;
                foreach (float v in row)
                {
                    if (v != maskValue)
                    {
                        keep = true;
                        break;
                    }
                }
                ms[r] = keep ? 1f : 0f;
                if (keep)
                {
                    row.CopyTo(ys.Slice(r * fdim, fdim));
                }
                else
                {
                    ys.Slice(r * fdim, fdim).Clear();
                }
            }
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) =>
            {
                var d = dx[0].Span;
                var gs = g.Span;
                var ms = maskOut.Span;
                for (int r = 0; r < steps; r++)
                {
                    if (ms[r] != 0f)
                    {
                        gs.Slice(r * fdim, fdim).CopyTo(d.Slice(r * fdim, fdim));
                    }
                    else
                    {
                        d.Slice(r * fdim, fdim).Clear();
                    }
                }
            }, OpKind.Masking);
            GradientTape.RecordSideOutput(y, maskOut);
        }
        return y;
    }

    /// <summary>x (batch, time, ...) with its time axis reversed (Keras's ops.flip(x, axis=1)).</summary>
    internal static Tensor ReverseTime(Tensor x)
    {
        x = F(x);
        int b = x.Shape[0], t = x.Shape[1];
        int inner = x.Length / Math.Max(1, b * t);
        var y = Tensor.Zeros(x.Shape);
        static void Flip(ReadOnlySpan<float> src, Span<float> dst, int b, int t, int inner)
        {
            for (int i = 0; i < b; i++)
            {
                for (int s = 0; s < t; s++)
                {
                    src.Slice((i * t + s) * inner, inner).CopyTo(dst.Slice((i * t + t - 1 - s) * inner, inner));
                }
            }
        }
        void Forward() => Flip(x.Span, y.Span, b, t, inner);
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => Flip(g.Span, dx[0].Span, b, t, inner), OpKind.ReverseTime);
        }
        return y;
    }

    /// <summary>a and b joined along their last axis (Keras's Concatenate(axis=-1) of two tensors of equal leading shape).</summary>
    internal static Tensor ConcatenateLast(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        int na = a.Shape[-1], nb = b.Shape[-1];
        int rows = a.Length / Math.Max(1, na);
        if (b.Length / Math.Max(1, nb) != rows || a.Rank != b.Rank)
        {
            throw new ArgumentException($"Cannot concatenate shapes {a.Shape} and {b.Shape} along the last axis: the leading dimensions differ.");
        }
        var y = Tensor.Zeros(a.Shape.WithDim(-1, na + nb));
        void Forward()
        {
            var ys = y.Span;
            var xa = a.Span;
            var xb = b.Span;
            for (int r = 0; r < rows; r++)
            {
                xa.Slice(r * na, na).CopyTo(ys.Slice(r * (na + nb), na));
                xb.Slice(r * nb, nb).CopyTo(ys.Slice(r * (na + nb) + na, nb));
            }
        }
        Forward();
        if (GradientTape.IsRecording(a, b))
        {
            GradientTape.Record(y, [a, b], Forward, (g, dx) =>
            {
                var gs = g.Span;
                for (int r = 0; r < rows; r++)
                {
                    if (dx.Needs(0))
                    {
                        gs.Slice(r * (na + nb), na).CopyTo(dx[0].Span.Slice(r * na, na));
                    }
                    if (dx.Needs(1))
                    {
                        gs.Slice(r * (na + nb) + na, nb).CopyTo(dx[1].Span.Slice(r * nb, nb));
                    }
                }
            }, OpKind.Concatenate);
        }
        return y;
    }

    /// <summary>Keras's RepeatVector: x (batch, features) repeated <paramref name="n"/> times into (batch, n, features).</summary>
    internal static Tensor RepeatVector(Tensor x, int n)
    {
        x = F(x);
        int b = x.Shape[0], f = x.Shape[1];
        var y = Tensor.Zeros(new Shape(b, n, f));
        void Forward()
        {
            var xs = x.Span;
            var ys = y.Span;
            for (int i = 0; i < b; i++)
            {
                for (int s = 0; s < n; s++)
                {
                    xs.Slice(i * f, f).CopyTo(ys.Slice((i * n + s) * f, f));
                }
            }
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) =>
            {
                var d = dx[0].Span;
                var gs = g.Span;
                d.Clear();
                for (int i = 0; i < b; i++)
                {
                    var row = d.Slice(i * f, f);
                    for (int s = 0; s < n; s++)
                    {
                        K.Binary(BinaryFunction.Add, row, gs.Slice((i * n + s) * f, f), row);
                    }
                }
            }, OpKind.RepeatVector);
        }
        return y;
    }

    /// <summary>Time step <paramref name="step"/> of x (batch, time, features) as (batch, features), for running a cell one step at a time.</summary>
    internal static Tensor TimeStep(Tensor x, int step)
    {
        x = F(x);
        int b = x.Shape[0], t = x.Shape[1];
        int f = x.Length / Math.Max(1, b * t);
        var y = Tensor.Zeros(new Shape(b, f));
        void Forward()
        {
            var xs = x.Span;
            var ys = y.Span;
            for (int i = 0; i < b; i++)
            {
                xs.Slice((i * t + step) * f, f).CopyTo(ys.Slice(i * f, f));
            }
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) =>
            {
                var d = dx[0].Span;
                var gs = g.Span;
                d.Clear();
                for (int i = 0; i < b; i++)
                {
                    gs.Slice(i * f, f).CopyTo(d.Slice((i * t + step) * f, f));
                }
            }, OpKind.TimeStep);
        }
        return y;
    }

    /// <summary>Per-step outputs (batch, units) stacked along a new time axis into (batch, time, units).</summary>
    internal static Tensor StackTime(IReadOnlyList<Tensor> steps)
    {
        Tensor[] xs = [.. steps.Select(F)];
        int t = xs.Length, b = xs[0].Shape[0], f = xs[0].Shape[1];
        var y = Tensor.Zeros(new Shape(b, t, f));
        void Forward()
        {
            var ys = y.Span;
            for (int s = 0; s < t; s++)
            {
                var src = xs[s].Span;
                for (int i = 0; i < b; i++)
                {
                    src.Slice(i * f, f).CopyTo(ys.Slice((i * t + s) * f, f));
                }
            }
        }
        Forward();
        if (GradientTape.IsRecording(xs))
        {
            GradientTape.Record(y, xs, Forward, (g, dx) =>
            {
                var gs = g.Span;
                for (int s = 0; s < t; s++)
                {
                    if (!dx.Needs(s))
                    {
                        continue;
                    }
                    var d = dx[s].Span;
                    for (int i = 0; i < b; i++)
                    {
                        gs.Slice((i * t + s) * f, f).CopyTo(d.Slice(i * f, f));
                    }
                }
            }, OpKind.StackTime);
        }
        return y;
    }

    /// <summary>
    /// Keras's masked state update for one time step: where mask[:, step] is 1 the new value, else the
    /// old one (per sample). The mask (batch, time) is read each time the op runs.
    /// </summary>
    internal static Tensor MaskedSelect(Tensor newValue, Tensor oldValue, Tensor mask, int step)
    {
        newValue = F(newValue);
        oldValue = F(oldValue);
        int b = newValue.Shape[0];
        int f = newValue.Length / Math.Max(1, b);
        int t = mask.Shape[1];
        var y = Tensor.Zeros(newValue.Shape);
        void Forward()
        {
            var ms = mask.Span;
            for (int i = 0; i < b; i++)
            {
                var src = ms[i * t + step] != 0f ? newValue.Span : oldValue.Span;
                src.Slice(i * f, f).CopyTo(y.Span.Slice(i * f, f));
            }
        }
        Forward();
        if (GradientTape.IsRecording(newValue, oldValue))
        {
            GradientTape.Record(y, [newValue, oldValue], Forward, (g, dx) =>
            {
                var ms = mask.Span;
                for (int i = 0; i < b; i++)
                {
                    bool keepNew = ms[i * t + step] != 0f;
                    var gi = g.Span.Slice(i * f, f);
                    for (int k = 0; k < 2; k++)
                    {
                        if (!dx.Needs(k))
                        {
                            continue;
                        }
                        var d = dx[k].Span.Slice(i * f, f);
                        if (keepNew == (k == 0))
                        {
                            gi.CopyTo(d);
                        }
                        else
                        {
                            d.Clear();
                        }
                    }
                }
            }, OpKind.MaskedSelect);
        }
        return y;
    }

    /// <summary>Columns [start, start + count) of the last axis of x (Keras's x[..., start:start+count], as a cell splits its gates).</summary>
    internal static Tensor SliceLast(Tensor x, int start, int count)
    {
        x = F(x);
        int n = x.Shape[-1];
        int rows = x.Length / Math.Max(1, n);
        var y = Tensor.Zeros(x.Shape.WithDim(-1, count));
        void Forward()
        {
            var xs = x.Span;
            var ys = y.Span;
            for (int r = 0; r < rows; r++)
            {
                xs.Slice(r * n + start, count).CopyTo(ys.Slice(r * count, count));
            }
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) =>
            {
                var d = dx[0].Span;
                var gs = g.Span;
                d.Clear();
                for (int r = 0; r < rows; r++)
                {
                    gs.Slice(r * count, count).CopyTo(d.Slice(r * n + start, count));
                }
            }, OpKind.SliceLast);
        }
        return y;
    }
}
