namespace SharpKeras;

/// <summary>Ops that merging layers need: concatenation and element-wise maximum / minimum.</summary>
public static partial class Ops
{
    /// <summary>Joins tensors along <paramref name="axis"/>; all other dimensions must match (Keras's <c>ops.concatenate</c>).</summary>
    public static Tensor Concatenate(IReadOnlyList<Tensor> tensors, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException("Concatenate needs at least one tensor.", nameof(tensors));
        }
        var xs = tensors.Select(F).ToArray();
        var first = xs[0].Shape;
        int ax = first.NormalizeAxis(axis);
        int total = 0;
        foreach (var x in xs)
        {
            bool ok = x.Rank == first.Rank;
            for (int d = 0; ok && d < first.Rank; d++)
            {
                ok = d == ax || x.Shape[d] == first[d];
            }
            if (!ok)
            {
                throw new ArgumentException($"Concatenate along axis {axis} needs inputs whose shapes match except on that axis, got {string.Join(", ", xs.Select(t => t.Shape.ToString()))}.");
            }
            total += x.Shape[ax];
        }
        int outer = 1;
        for (int d = 0; d < ax; d++)
        {
            outer *= first[d];
        }
        int inner = 1;
        for (int d = ax + 1; d < first.Rank; d++)
        {
            inner *= first[d];
        }
        var y = Tensor.Zeros(first.WithDim(ax, total));
        int rowOut = total * inner;
        void Forward()
        {
            var ys = y.Span;
            int offset = 0;
            foreach (var x in xs)
            {
                int rowIn = x.Shape[ax] * inner;
                var src = x.Span;
                for (int o = 0; o < outer; o++)
                {
                    src.Slice(o * rowIn, rowIn).CopyTo(ys.Slice(o * rowOut + offset, rowIn));
                }
                offset += rowIn;
            }
        }
        Forward();
        if (GradientTape.IsRecording(xs))
        {
            GradientTape.Record(y, xs, Forward, (g, dx) =>
            {
                var gs = g.Span;
                int off = 0;
                for (int k = 0; k < xs.Length; k++)
                {
                    int rowIn = xs[k].Shape[ax] * inner;
                    if (dx.Needs(k))
                    {
                        var dst = dx[k].Span;
                        for (int o = 0; o < outer; o++)
                        {
                            gs.Slice(o * rowOut + off, rowIn).CopyTo(dst.Slice(o * rowIn, rowIn));
                        }
                    }
                    off += rowIn;
                }
            }, OpKind.Concatenate);
        }
        return y;
    }

    /// <summary>Element-wise maximum of two tensors of the same shape; the gradient goes to the larger (to a on ties).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => Extremum(a, b, max: true);

    /// <summary>Element-wise minimum of two tensors of the same shape; the gradient goes to the smaller (to a on ties).</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => Extremum(a, b, max: false);

    private static Tensor Extremum(Tensor a, Tensor b, bool max)
    {
        a = F(a);
        b = F(b);
        if (a.Shape != b.Shape)
        {
            throw new ArgumentException($"{(max ? "Maximum" : "Minimum")} needs tensors of the same shape, got {a.Shape} and {b.Shape}.");
        }
        var y = Tensor.Zeros(a.Shape);
        void Forward()
        {
            var av = a.Span;
            var bv = b.Span;
            var yv = y.Span;
            for (int i = 0; i < yv.Length; i++)
            {
                yv[i] = max ? MathF.Max(av[i], bv[i]) : MathF.Min(av[i], bv[i]);
            }
        }
        Forward();
        if (GradientTape.IsRecording(a, b))
        {
            GradientTape.Record(y, [a, b], Forward, (g, dx) =>
            {
                var gs = g.Span;
                var x1 = a.Span;
                var x2 = b.Span;
                var gav = dx.Needs(0) ? dx[0].Span : default;
                var gbv = dx.Needs(1) ? dx[1].Span : default;
                for (int i = 0; i < gs.Length; i++)
                {
                    bool toA = max ? x1[i] >= x2[i] : x1[i] <= x2[i];
                    if (!gav.IsEmpty)
                    {
                        gav[i] = toA ? gs[i] : 0f;
                    }
                    if (!gbv.IsEmpty)
                    {
                        gbv[i] = toA ? 0f : gs[i];
                    }
                }
            }, max ? OpKind.Maximum : OpKind.Minimum);
        }
        return y;
    }
}
