namespace SharpKeras.Backend.Reference;

/// <summary>Padding, upsampling, transposition and gathers of the reference backend, one value at a time.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void Pad2D(Span<float> x, Span<float> y, int n, int h, int w, int c, int top, int left, int ph, int pw, bool backward)
    {
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < ph; i++)
            {
                for (int j = 0; j < pw; j++)
                {
                    int si = i - top, sj = j - left;
                    bool inside = si >= 0 && si < h && sj >= 0 && sj < w;
                    for (int ch = 0; ch < c; ch++)
                    {
                        int padded = ((b * ph + i) * pw + j) * c + ch;
                        if (!inside)
                        {
                            if (!backward)
                            {
                                y[padded] = 0f;
                            }
                            continue;
                        }
                        int original = ((b * h + si) * w + sj) * c + ch;
                        if (backward)
                        {
                            x[original] = y[padded];
                        }
                        else
                        {
                            y[padded] = x[original];
                        }
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Upsample2D(Span<float> x, Span<float> y, int n, int h, int w, int c, int sh, int sw, bool backward)
    {
        for (int b = 0; b < n; b++)
        {
            for (int i = 0; i < h; i++)
            {
                for (int j = 0; j < w; j++)
                {
                    for (int ch = 0; ch < c; ch++)
                    {
                        int original = ((b * h + i) * w + j) * c + ch;
                        float sum = 0f;
                        for (int di = 0; di < sh; di++)
                        {
                            for (int dj = 0; dj < sw; dj++)
                            {
                                int up = ((b * h * sh + i * sh + di) * (w * sw) + j * sw + dj) * c + ch;
                                if (backward)
                                {
                                    sum += y[up];
                                }
                                else
                                {
                                    y[up] = x[original];
                                }
                            }
                        }
                        if (backward)
                        {
                            x[original] = sum;
                        }
                    }
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Transpose(Span<float> x, ReadOnlySpan<int> xDims, ReadOnlySpan<int> perm, Span<float> y, bool backward)
    {
        int rank = xDims.Length, size = 1;
        foreach (int d in xDims)
        {
            size *= d;
        }
        Span<int> yIndex = stackalloc int[rank];
        for (int o = 0; o < size; o++)
        {
            // y's multi-index (last axis fastest); x's index along axis perm[i] is y's along i.
            int rest = o;
            for (int i = rank - 1; i >= 0; i--)
            {
                int dim = xDims[perm[i]];
                yIndex[i] = rest % dim;
                rest /= dim;
            }
            int at = 0;
            for (int axis = 0; axis < rank; axis++)
            {
                at = at * xDims[axis] + yIndex[perm.IndexOf(axis)];
            }
            if (backward)
            {
                x[at] = y[o];
            }
            else
            {
                y[o] = x[at];
            }
        }
    }

    /// <inheritdoc/>
    public void GatherRows(ReadOnlySpan<byte> src, Span<byte> dst, ReadOnlySpan<int> indices, int rowBytes)
    {
        for (int k = 0; k < indices.Length; k++)
        {
            src.Slice(indices[k] * rowBytes, rowBytes).CopyTo(dst.Slice(k * rowBytes, rowBytes));
        }
    }
}
