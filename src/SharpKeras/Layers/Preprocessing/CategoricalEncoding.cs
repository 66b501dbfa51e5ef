namespace SharpKeras.Layers.Preprocessing;

/// <summary>Keras's encode_categorical_inputs for the preprocessing layers: integer indices to one_hot, multi_hot or count vectors.</summary>
internal static class CategoricalEncoding
{
    /// <summary>Output modes that make vectors of <c>depth</c> values.</summary>
    public static readonly string[] VectorModes = ["one_hot", "multi_hot", "count"];

    /// <summary>The output shape for an input shape, as Keras's compute_output_shape.</summary>
    public static Shape OutputShape(Shape input, string outputMode, int depth)
    {
        if (input.Rank == 0)
        {
            return new Shape(depth);
        }
        var dims = input.ToArray();
        if (outputMode == "one_hot")
        {
            return dims[^1] != 1 || dims.Length == 1 ? new Shape([.. dims, depth]) : new Shape([.. dims[..^1], depth]);
        }
        return new Shape([.. dims[..^1], depth]);
    }

    /// <summary>
    /// Encodes integer <paramref name="indices"/> laid out as <paramref name="inputShape"/>: one_hot adds an axis
    /// (replacing a last axis of size 1), multi_hot and count reduce the last axis; every index must be in [0, depth).
    /// </summary>
    public static Tensor Encode(Layer layer, ReadOnlySpan<int> indices, Shape inputShape, string outputMode, int depth)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 0 || indices[i] >= depth)
            {
                throw new ArgumentException($"{layer.GetType().Name} layer '{layer.Name}': input values must be in the range 0 <= values < {depth} (num_tokens), but input element {i} is {indices[i]}.");
            }
        }
        var outShape = OutputShape(inputShape, outputMode, depth);
        var y = new float[outShape.Size];
        if (outputMode == "one_hot")
        {
            for (int i = 0; i < indices.Length; i++)
            {
                y[i * depth + indices[i]] = 1f;
            }
        }
        else
        {
            int last = inputShape.Rank == 0 ? 1 : inputShape[-1];
            for (int i = 0; i < indices.Length; i++)
            {
                int row = last == 0 ? 0 : i / last;
                ref float slot = ref y[row * depth + indices[i]];
                slot = outputMode == "count" ? slot + 1f : 1f;
            }
        }
        return Tensor.FromArray(y, outShape.ToArray());
    }

    /// <summary>The values of a tensor as integer indices, refusing values that are not whole numbers.</summary>
    public static int[] Indices(Layer layer, Tensor inputs)
    {
        if (inputs.DType != DType.Float32)
        {
            return inputs.ToInt32Array();
        }
        var values = inputs.ToArray();
        var r = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (v != MathF.Floor(v) || float.IsInfinity(v) || Math.Abs(v) > int.MaxValue)
            {
                throw new ArgumentException($"{layer.GetType().Name} layer '{layer.Name}': expected integer values (token indices), but input element {i} is {v}.");
            }
            r[i] = (int)v;
        }
        return r;
    }
}
