namespace SharpKeras.Backend.Cpu;

/// <summary>Copy kernels that move NHWC values around: zero padding, nearest-neighbour upsampling and axis permutation, each with its backward.</summary>
internal static class Reshaping
{
    /// <summary>
    /// Pads images with zeros (forward: x -> y) or takes the inner part of a padded gradient back
    /// (backward: y -> x), for images of (h, w, c) padded by top and left into (ph, pw, c).
    /// </summary>
    public static void Pad2D(Span<float> x, Span<float> y, int n, int h, int w, int c, int top, int left, int ph, int pw, bool backward)
    {
        if (!backward)
        {
            y.Clear();
        }
        int rowLen = w * c;
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < h; i++)
            {
                var src = x.Slice(((b * h + i) * w) * c, rowLen);
                var dst = y.Slice(((b * ph + i + top) * pw + left) * c, rowLen);
                if (backward)
                {
                    dst.CopyTo(src);
                }
                else
                {
                    src.CopyTo(dst);
                }
            }
        }
    }

    /// <summary>Nearest-neighbour upsampling by (sh, sw): forward repeats each pixel; backward sums each block's gradient.</summary>
    public static void Upsample2D(Span<float> x, Span<float> y, int n, int h, int w, int c, int sh, int sw, bool backward)
    {
        int oh = h * sh, ow = w * sw;
        if (backward)
        {
            x.Clear();
        }
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < oh; i++)
            {
                for (int j = 0; j < ow; j++)
                {
                    var src = x.Slice(((b * h + i / sh) * w + j / sw) * c, c);
                    var dst = y.Slice(((b * oh + i) * ow + j) * c, c);
                    if (backward)
                    {
                        Elementwise.Binary<AddOp>(src, dst, src);
                    }
                    else
                    {
                        src.CopyTo(dst);
                    }
                }
            }
        }
    }

    /// <summary>y = x with its axes permuted: y's axis i is x's axis perm[i] (forward); backward scatters y back into x.</summary>
    public static void Transpose(Span<float> x, ReadOnlySpan<int> xDims, ReadOnlySpan<int> perm, Span<float> y, bool backward)
    {
        int rank = xDims.Length;
        Span<int> xStrides = stackalloc int[rank];
        Span<int> yDims = stackalloc int[rank];
        Span<int> stepX = stackalloc int[rank];
        int s = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            xStrides[i] = s;
            s *= xDims[i];
        }
        for (int i = 0; i < rank; i++)
        {
            yDims[i] = xDims[perm[i]];
            stepX[i] = xStrides[perm[i]];
        }
        Span<int> index = stackalloc int[rank];
        index.Clear();
        int at = 0;
        for (int o = 0; o < y.Length; o++)
        {
            if (backward)
            {
                x[at] = y[o];
            }
            else
            {
                y[o] = x[at];
            }
            // Advance the multi-index of y (last axis fastest) and the matching x offset.
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                at += stepX[d];
                if (index[d] < yDims[d])
                {
                    break;
                }
                at -= stepX[d] * yDims[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>Copies rows indices[k] of src to row k of dst, in parallel when there is about 1 MB or more to copy.</summary>
    public static unsafe void GatherRows(ReadOnlySpan<byte> src, Span<byte> dst, ReadOnlySpan<int> indices, int rowBytes)
    {
        fixed (int* idx = indices)
        fixed (byte* ps = src)
        fixed (byte* pd = dst)
        {
            var body = new GatherBody(ps, pd, idx, rowBytes);
            CpuParallel.For(indices.Length, Math.Max(1, rowBytes / sizeof(float)), ref body);
        }
    }

    private readonly unsafe struct GatherBody(byte* src, byte* dst, int* indices, int rowBytes) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int k = start; k < end; k++)
            {
                Buffer.MemoryCopy(src + (long)indices[k] * rowBytes, dst + (long)k * rowBytes, rowBytes, rowBytes);
            }
        }
    }
}
