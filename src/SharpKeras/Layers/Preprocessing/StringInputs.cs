namespace SharpKeras.Layers.Preprocessing;

/// <summary>Flattens the string inputs of the string layers (rank 1 or rectangular rank 2), checking them.</summary>
internal static class StringInputs
{
    public static (string[] Values, int[] Shape) Flatten(string who, string[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is null)
            {
                throw new ArgumentException($"{who}: input element {i} is null; expected a string.", nameof(inputs));
            }
        }
        return (inputs, [inputs.Length]);
    }

    public static (string[] Values, int[] Shape) Flatten(string who, string[][] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int width = inputs.Length == 0 ? 0 : (inputs[0]?.Length ?? 0);
        var flat = new string[inputs.Length * width];
        for (int r = 0; r < inputs.Length; r++)
        {
            var row = inputs[r] ?? throw new ArgumentException($"{who}: input row {r} is null; expected an array of strings.", nameof(inputs));
            if (row.Length != width)
            {
                throw new ArgumentException($"{who}: input rows must all have the same length (a rectangular batch): row 0 has {width} strings, row {r} has {row.Length}.", nameof(inputs));
            }
            for (int c = 0; c < width; c++)
            {
                flat[r * width + c] = row[c] ?? throw new ArgumentException($"{who}: input element [{r}][{c}] is null; expected a string.", nameof(inputs));
            }
        }
        return (flat, [inputs.Length, width]);
    }

    public static string[][] Rows(string[] flat, int rows, int width)
    {
        var r = new string[rows][];
        for (int i = 0; i < rows; i++)
        {
            r[i] = flat[(i * width)..((i + 1) * width)];
        }
        return r;
    }
}
