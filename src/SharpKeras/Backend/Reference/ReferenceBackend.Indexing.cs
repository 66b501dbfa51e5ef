namespace SharpKeras.Backend.Reference;

/// <summary>The indexing kernel family of the reference backend: one element at a time, and an insertion sort.</summary>
internal sealed partial class ReferenceBackend
{
    /// <inheritdoc/>
    public void GatherIndexed(ReadOnlySpan<float> x, ReadOnlySpan<int> index, Span<float> y, float fill)
    {
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = index[i] < 0 ? fill : x[index[i]];
        }
    }

    /// <inheritdoc/>
    public void ScatterAddIndexed(ReadOnlySpan<float> g, ReadOnlySpan<int> index, Span<float> dx)
    {
        dx.Clear();
        for (int i = 0; i < g.Length; i++)
        {
            if (index[i] >= 0)
            {
                dx[index[i]] += g[i];
            }
        }
    }

    /// <inheritdoc/>
    public void ArgsortAxis(ReadOnlySpan<float> x, int outer, int len, int inner, bool descending, Span<int> idx)
    {
        var order = new int[len];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int start = o * len * inner + i;
                for (int j = 0; j < len; j++)
                {
                    // Insertion sort is stable: an element moves left only past strictly later-ranked ones.
                    float v = x[start + j * inner];
                    int k = j;
                    while (k > 0 && Before(v, x[start + order[k - 1] * inner], descending))
                    {
                        order[k] = order[k - 1];
                        k--;
                    }
                    order[k] = j;
                }
                for (int j = 0; j < len; j++)
                {
                    idx[start + j * inner] = order[j];
                }
            }
        }
    }

    /// <summary>True when a ranks strictly before b (NaN counts as above every number).</summary>
    private static bool Before(float a, float b, bool descending)
    {
        if (float.IsNaN(a) || float.IsNaN(b))
        {
            return descending ? float.IsNaN(a) && !float.IsNaN(b) : !float.IsNaN(a) && float.IsNaN(b);
        }
        return descending ? a > b : a < b;
    }
}
