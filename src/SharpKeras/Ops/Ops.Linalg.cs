namespace SharpKeras;

/// <summary>Linear algebra ops: batched matrix products with NumPy broadcasting and Einstein summation (Keras's <c>ops.matmul</c>, <c>ops.einsum</c>).</summary>
public static partial class Ops
{
    /// <summary>
    /// NumPy's matmul on operands of any rank: the last two axes multiply as matrices, the leading
    /// axes broadcast; a 1-D left operand is a row and a 1-D right operand a column, their axis removed
    /// from the result.
    /// </summary>
    internal static Tensor BatchedMatMul(Tensor a, Tensor b)
    {
        a = F(a);
        b = F(b);
        if (a.Rank == 0 || b.Rank == 0)
        {
            throw new ArgumentException($"matmul: operands must have rank >= 1, got shapes {a.Shape} and {b.Shape}.");
        }
        var a2 = a.Rank == 1 ? ViewOp(a, new Shape(1, a.Shape[0]), OpKind.Reshape) : a;
        var b2 = b.Rank == 1 ? ViewOp(b, new Shape(b.Shape[0], 1), OpKind.Reshape) : b;
        int m = a2.Shape[-2], k = a2.Shape[-1], kb = b2.Shape[-2], n = b2.Shape[-1];
        if (k != kb)
        {
            throw new ArgumentException($"matmul: the last axis of the left operand ({k}, shape {a.Shape}) must equal the second-to-last axis of the right operand ({kb}, shape {b.Shape}).");
        }
        var aBatch = new Shape(a2.Shape.Dims[..^2].ToArray());
        var bBatch = new Shape(b2.Shape.Dims[..^2].ToArray());
        Shape batch;
        try
        {
            batch = aBatch == bBatch ? aBatch : Shape.Broadcast(aBatch, bBatch);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"matmul: the batch axes of shapes {a.Shape} and {b.Shape} do not broadcast ({e.Message}).", e);
        }
        var (aOffsets, bOffsets) = BroadcastOffsets(aBatch, bBatch, batch);
        int count = aOffsets.Length;
        var z = Tensor.Zeros(new Shape([.. batch.Dims, m, n]));
        int aSize = m * k, bSize = k * n, zSize = m * n;
        void Forward()
        {
            var av = a2.Span;
            var bv = b2.Span;
            var zv = z.Span;
            for (int i = 0; i < count; i++)
            {
                K.MatMul(av.Slice(aOffsets[i] * aSize, aSize), bv.Slice(bOffsets[i] * bSize, bSize), zv.Slice(i * zSize, zSize), m, n, k, false, false, false);
            }
        }
        Forward();
        if (GradientTape.IsRecording(a2, b2))
        {
            // A broadcast operand receives the sum of its uses: its gradient is cleared, then accumulated.
            bool aBroadcast = aBatch.Size != count, bBroadcast = bBatch.Size != count;
            GradientTape.Record(z, [a2, b2], Forward, (g, dx) =>
            {
                var gv = g.Span;
                if (dx.Needs(0))
                {
                    var da = dx[0].Span;
                    if (aBroadcast)
                    {
                        da.Clear();
                    }
                    for (int i = 0; i < count; i++)
                    {
                        K.MatMul(gv.Slice(i * zSize, zSize), b2.Span.Slice(bOffsets[i] * bSize, bSize), da.Slice(aOffsets[i] * aSize, aSize), m, k, n, false, true, aBroadcast);
                    }
                }
                if (dx.Needs(1))
                {
                    var db = dx[1].Span;
                    if (bBroadcast)
                    {
                        db.Clear();
                    }
                    for (int i = 0; i < count; i++)
                    {
                        K.MatMul(a2.Span.Slice(aOffsets[i] * aSize, aSize), gv.Slice(i * zSize, zSize), db.Slice(bOffsets[i] * bSize, bSize), k, n, m, true, false, bBroadcast);
                    }
                }
            }, OpKind.BatchedMatMul);
        }
        if (a.Rank == 1 || b.Rank == 1)
        {
            var dims = z.Shape.ToArray().ToList();
            if (b.Rank == 1)
            {
                dims.RemoveAt(dims.Count - 1);
            }
            if (a.Rank == 1)
            {
                dims.RemoveAt(dims.Count - (b.Rank == 1 ? 1 : 2));
            }
            return ViewOp(z, new Shape([.. dims]), OpKind.Reshape);
        }
        return z;
    }

    /// <summary>For each position of the broadcast batch, the flat batch index it reads in each operand.</summary>
    private static (int[] A, int[] B) BroadcastOffsets(Shape a, Shape b, Shape batch)
    {
        int count = batch.Size;
        var ao = new int[count];
        var bo = new int[count];
        var dims = batch.ToArray();
        for (int i = 0; i < count; i++)
        {
            int rem = i, ai = 0, bi = 0, aStride = 1, bStride = 1;
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                int idx = rem % dims[d];
                rem /= dims[d];
                int da = d - (dims.Length - a.Rank), db = d - (dims.Length - b.Rank);
                if (da >= 0)
                {
                    ai += (a[da] == 1 ? 0 : idx) * aStride;
                    aStride *= a[da];
                }
                if (db >= 0)
                {
                    bi += (b[db] == 1 ? 0 : idx) * bStride;
                    bStride *= b[db];
                }
            }
            ao[i] = ai;
            bo[i] = bi;
        }
        return (ao, bo);
    }

    /// <summary>
    /// Einstein summation (Keras's <c>ops.einsum</c>): <paramref name="equation"/> such as "bqhd,bkhd->bhqk" names
    /// each operand's axes; axes named in two operands and not in the output are contracted, axes only in one operand
    /// and not in the output are summed, "..." stands for broadcast leading axes, and without "->" the output is
    /// NumPy's implicit one. Two operands contract through the packed matrix multiply (transposes and reshapes around a
    /// batched GEMM); more operands contract left to right. Differentiable.
    /// </summary>
    public static Tensor Einsum(string equation, params Tensor[] operands)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(operands);
        var (inputs, output) = ParseEinsum(equation, operands);
        var current = operands[0];
        var labels = inputs[0];
        for (int i = 1; i < operands.Length; i++)
        {
            // Labels still needed: the output's and those of operands not yet contracted.
            var later = new HashSet<char>(output);
            for (int j = i + 1; j < operands.Length; j++)
            {
                later.UnionWith(inputs[j]);
            }
            (current, labels) = EinsumPair(equation, current, labels, operands[i], inputs[i], later, output);
        }
        (current, labels) = SumLabels(current, labels, new HashSet<char>(output));
        return PermuteTo(current, labels, output);
    }

    private static (string[] Inputs, string Output) ParseEinsum(string equation, Tensor[] operands)
    {
        var eq = equation.Replace(" ", "", StringComparison.Ordinal);
        var arrow = eq.IndexOf("->", StringComparison.Ordinal);
        var lhs = arrow < 0 ? eq : eq[..arrow];
        var parts = lhs.Split(',');
        if (parts.Length != operands.Length)
        {
            throw new ArgumentException($"einsum: equation \"{equation}\" names {parts.Length} operand(s) but {operands.Length} were given.", nameof(operands));
        }
        // Ellipsis axes get labels that equations cannot use ('0'..'9'), right-aligned across operands as NumPy broadcasts them.
        int ellipsisRank = 0;
        for (int i = 0; i < parts.Length; i++)
        {
            int named = parts[i].Replace("...", "", StringComparison.Ordinal).Length;
            if (parts[i].Contains("...", StringComparison.Ordinal))
            {
                ellipsisRank = Math.Max(ellipsisRank, operands[i].Rank - named);
            }
        }
        if (ellipsisRank > 10)
        {
            throw new ArgumentException($"einsum: \"...\" in \"{equation}\" stands for {ellipsisRank} axes; at most 10 are supported.", nameof(equation));
        }
        string Ellipsis(int count) => new([.. Enumerable.Range(ellipsisRank - count, count).Select(i => (char)('0' + i))]);
        var inputs = new string[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            var p = parts[i];
            int named = p.Replace("...", "", StringComparison.Ordinal).Length;
            if (p.Contains("...", StringComparison.Ordinal))
            {
                int count = operands[i].Rank - named;
                if (count < 0)
                {
                    throw new ArgumentException($"einsum: operand {i} of shape {operands[i].Shape} has rank {operands[i].Rank}, fewer than the {named} axes \"{p}\" names in \"{equation}\".", nameof(operands));
                }
                p = p.Replace("...", Ellipsis(count), StringComparison.Ordinal);
            }
            foreach (var c in p)
            {
                if (!char.IsAsciiLetter(c) && !char.IsAsciiDigit(c))
                {
                    throw new ArgumentException($"einsum: invalid character '{c}' in \"{equation}\"; axes are named by letters a-z, A-Z and '...'.", nameof(equation));
                }
            }
            if (p.Length != operands[i].Rank)
            {
                throw new ArgumentException($"einsum: \"{parts[i]}\" in \"{equation}\" names {p.Length} axes but operand {i} has shape {operands[i].Shape} (rank {operands[i].Rank}).", nameof(operands));
            }
            if (p.Distinct().Count() != p.Length)
            {
                throw new ArgumentException($"einsum: \"{parts[i]}\" in \"{equation}\" repeats an axis label; diagonals and traces are not supported.", nameof(equation));
            }
            inputs[i] = p;
        }
        string output;
        if (arrow < 0)
        {
            var all = string.Concat(inputs);
            output = Ellipsis(ellipsisRank) + new string([.. all.Where(c => char.IsAsciiLetter(c) && all.Count(x => x == c) == 1).OrderBy(c => c)]);
        }
        else
        {
            output = eq[(arrow + 2)..].Replace("...", Ellipsis(ellipsisRank), StringComparison.Ordinal);
            foreach (var c in output)
            {
                if (!inputs.Any(s => s.Contains(c, StringComparison.Ordinal)))
                {
                    throw new ArgumentException($"einsum: output axis '{c}' of \"{equation}\" is not in any operand.", nameof(equation));
                }
            }
            if (output.Distinct().Count() != output.Length)
            {
                throw new ArgumentException($"einsum: the output of \"{equation}\" repeats an axis label.", nameof(equation));
            }
        }
        // Each label must have one size, or size 1 where it broadcasts.
        var sizes = new Dictionary<char, int>();
        for (int i = 0; i < inputs.Length; i++)
        {
            for (int d = 0; d < inputs[i].Length; d++)
            {
                int s = operands[i].Shape[d];
                char c = inputs[i][d];
                if (sizes.TryGetValue(c, out var prev) && prev != s && prev != 1 && s != 1)
                {
                    throw new ArgumentException($"einsum: axis '{c}' of \"{equation}\" has size {prev} in one operand and {s} in operand {i} (shape {operands[i].Shape}).", nameof(operands));
                }
                sizes[c] = prev == 0 || prev == 1 ? s : prev;
            }
        }
        return (inputs, output);
    }

    /// <summary>Sums away the axes of <paramref name="x"/> whose labels are not in <paramref name="keep"/>.</summary>
    private static (Tensor, string) SumLabels(Tensor x, string labels, HashSet<char> keep)
    {
        for (int d = labels.Length - 1; d >= 0; d--)
        {
            if (!keep.Contains(labels[d]))
            {
                x = Sum(x, d);
                labels = labels.Remove(d, 1);
            }
        }
        return (x, labels);
    }

    /// <summary>Transposes <paramref name="x"/> (axes named by <paramref name="labels"/>) to the order of <paramref name="target"/>; no copy when already in order.</summary>
    private static Tensor PermuteTo(Tensor x, string labels, string target)
    {
        if (labels == target)
        {
            return x;
        }
        var perm = target.Select(c => labels.IndexOf(c, StringComparison.Ordinal)).ToArray();
        return Transpose(x, perm);
    }

    private static (Tensor, string) EinsumPair(string equation, Tensor a, string la, Tensor b, string lb, HashSet<char> later, string output)
    {
        // The product comes out as (batch, free of the left, free of the right); taking the operands in the
        // output's order saves a transpose of the result.
        var firstA = la.FirstOrDefault(c => !lb.Contains(c, StringComparison.Ordinal) && output.Contains(c, StringComparison.Ordinal));
        var firstB = lb.FirstOrDefault(c => !la.Contains(c, StringComparison.Ordinal) && output.Contains(c, StringComparison.Ordinal));
        if (firstA != default && firstB != default && output.IndexOf(firstB, StringComparison.Ordinal) < output.IndexOf(firstA, StringComparison.Ordinal))
        {
            (a, la, b, lb) = (b, lb, a, la);
        }
        // Axes only in one operand and needed nowhere else are summed first.
        var keepA = new HashSet<char>(later);
        keepA.UnionWith(lb);
        var keepB = new HashSet<char>(later);
        keepB.UnionWith(la);
        (a, la) = SumLabels(a, la, keepA);
        (b, lb) = SumLabels(b, lb, keepB);
        var batch = la.Where(c => lb.Contains(c, StringComparison.Ordinal) && later.Contains(c)).ToArray();
        var contracted = la.Where(c => lb.Contains(c, StringComparison.Ordinal) && !later.Contains(c)).ToArray();
        var freeA = la.Where(c => !lb.Contains(c, StringComparison.Ordinal)).ToArray();
        var freeB = lb.Where(c => !la.Contains(c, StringComparison.Ordinal)).ToArray();
        int Size(Tensor t, string l, char c) => t.Shape[l.IndexOf(c, StringComparison.Ordinal)];
        foreach (var c in contracted)
        {
            if (Size(a, la, c) != Size(b, lb, c))
            {
                throw new ArgumentException($"einsum: contracted axis '{c}' of \"{equation}\" has size {Size(a, la, c)} in one operand and {Size(b, lb, c)} in the other.");
            }
        }
        var orderA = new string([.. batch, .. freeA, .. contracted]);
        var orderB = new string([.. batch, .. contracted, .. freeB]);
        var ta = PermuteTo(a, la, orderA);
        var tb = PermuteTo(b, lb, orderB);
        int mA = freeA.Aggregate(1, (p, c) => p * Size(a, la, c));
        int kC = contracted.Aggregate(1, (p, c) => p * Size(a, la, c));
        int nB = freeB.Aggregate(1, (p, c) => p * Size(b, lb, c));
        var batchA = batch.Select(c => Size(a, la, c)).ToArray();
        var batchB = batch.Select(c => Size(b, lb, c)).ToArray();
        var ma = Reshape(ta, [.. batchA, mA, kC]);
        var mb = Reshape(tb, [.. batchB, kC, nB]);
        var product = batch.Length == 0 ? MatMul(ma, mb) : BatchedMatMul(ma, mb);
        var outDims = product.Shape.Dims[..batch.Length].ToArray()
            .Concat(freeA.Select(c => Size(a, la, c))).Concat(freeB.Select(c => Size(b, lb, c))).ToArray();
        var result = Reshape(product, outDims);
        return (result, new string([.. batch, .. freeA, .. freeB]));
    }
}
