using System.Text.Json.Nodes;

namespace SharpKeras.Constraints;

/// <summary>
/// The shared work of the norm constraints: L2 norms over some axes (Keras's
/// <c>sqrt(sum(square(w), axis, keepdims=True))</c>) and an in-place rescale of each slice by a
/// factor computed from its norm. The per-slice scratch is kept per thread so that the training
/// step allocates nothing once it has run.
/// </summary>
internal static class AxisNorms
{
    /// <summary>Keras's backend.epsilon(), added to the norm before dividing.</summary>
    public const float Epsilon = 1e-7f;

    [ThreadStatic]
    private static float[]? t_scratch;

    /// <summary>The axes argument checked and as a list; Keras's default is axis 0.</summary>
    public static int[] Check(int[]? axes, string constraint)
    {
        if (axes is null || axes.Length == 0)
        {
            throw new ArgumentException($"{constraint}: axis must be an integer or a non-empty list of integers.", "axis");
        }
        return (int[])axes.Clone();
    }

    /// <summary>The axis as Keras writes it: an integer for one axis, else a list.</summary>
    public static JsonNode AxisNode(int[] axes) => axes.Length == 1 ? JsonValue.Create(axes[0]) : new JsonArray([.. axes.Select(a => (JsonNode)JsonValue.Create(a))]);

    /// <summary>
    /// Multiplies every slice of <paramref name="w"/> (the elements sharing their indices outside
    /// <paramref name="axes"/>) by <c>scale(norm of the slice)</c>, in place, with the backend's constraint kernels.
    /// </summary>
    public static void Rescale(Tensor w, int[] axes, Func<float, float> scale, string constraint)
    {
        var dims = w.Shape.Dims;
        Span<int> groupStride = stackalloc int[dims.Length];
        int groups = GroupStrides(dims, axes, groupStride, constraint);
        var scratch = t_scratch is { } s && s.Length >= groups ? s : t_scratch = new float[Math.Max(groups, 16)];
        var norms = scratch.AsSpan(0, groups);
        var data = w.Span;
        var kernels = Backend.Kernels.Current;
        kernels.SliceSquaredNorms(data, dims, groupStride, norms);
        for (int g = 0; g < groups; g++)
        {
            norms[g] = scale(MathF.Sqrt(norms[g]));
        }
        kernels.ScaleSlices(data, dims, groupStride, norms);
    }

    /// <summary>
    /// Fills <paramref name="groupStride"/> so that an element's slice is the dot product of its index with it
    /// (0 on the reduced <paramref name="axes"/>, row-major over the kept ones) and returns the number of slices.
    /// </summary>
    public static int GroupStrides(ReadOnlySpan<int> dims, ReadOnlySpan<int> axes, Span<int> groupStride, string constraint)
    {
        int rank = dims.Length;
        if (rank == 0)
        {
            throw new ArgumentException($"{constraint} cannot constrain a scalar variable.");
        }
        Span<bool> reduced = stackalloc bool[rank];
        foreach (int a in axes)
        {
            int ax = a < 0 ? a + rank : a;
            if (ax < 0 || ax >= rank)
            {
                throw new ArgumentException($"{constraint}: axis {a} is out of range for a weight of shape ({string.Join(", ", dims.ToArray())}) (rank {rank}).");
            }
            reduced[ax] = true;
        }
        int groups = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            groupStride[d] = reduced[d] ? 0 : groups;
            groups *= reduced[d] ? 1 : dims[d];
        }
        return groups;
    }

    /// <summary>A copy of <paramref name="w"/> for the out-of-place <c>Call</c>.</summary>
    public static Tensor Copy(Tensor w) => w.Cast(DType.Float32).Clone();
}
