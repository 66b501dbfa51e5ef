using System.Globalization;
using System.Text.Json;

namespace SharpKeras.Serving;

/// <summary>Tensors to and from TF Serving's JSON: nested lists of numbers, checked against the signature.</summary>
internal static class TensorJson
{
    /// <summary>A batch given as one nested list whose first dimension is the batch (columnar "inputs").</summary>
    public static Tensor ParseBatch(JsonElement value, TensorSpec spec)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"input '{spec.Name}' must be a list whose first dimension is the batch, got a JSON {Kind(value)}.");
        }
        return Parse([.. value.EnumerateArray()], spec);
    }

    /// <summary>A batch given row by row (row-format "instances"), each row a nested list of one row's shape.</summary>
    public static Tensor Parse(IReadOnlyList<JsonElement> rows, TensorSpec spec)
    {
        if (rows.Count == 0)
        {
            throw Bad($"input '{spec.Name}' has no rows; send at least one.");
        }
        var rowShape = new List<int>();
        for (var e = rows[0]; e.ValueKind == JsonValueKind.Array; e = e[0])
        {
            rowShape.Add(e.GetArrayLength());
            if (e.GetArrayLength() == 0)
            {
                break;
            }
        }
        var expected = spec.RowShape;
        if (spec.Shape.Length > 1 || spec.Shape is not [-1])
        {
            bool ok = rowShape.Count == expected.Length;
            for (int i = 0; ok && i < expected.Length; i++)
            {
                ok = expected[i] < 0 || expected[i] == rowShape[i];
            }
            if (!ok)
            {
                throw Bad($"input '{spec.Name}' expects rows of shape {ShapeText(expected)}, got {ShapeText([.. rowShape])}.");
            }
        }
        long perRow = 1;
        foreach (var d in rowShape)
        {
            perRow *= d;
        }
        long total = perRow * rows.Count;
        if (total > Array.MaxLength)
        {
            throw new ServingException(413, $"input '{spec.Name}' has {total:N0} values, more than one tensor can hold.");
        }
        int[] shape = [rows.Count, .. rowShape];
        if (spec.DType == DType.Float32)
        {
            var data = new float[total];
            int at = 0;
            for (int r = 0; r < rows.Count; r++)
            {
                FillFloats(rows[r], rowShape, 0, data, ref at, spec.Name, r);
            }
            return Tensor.FromArray(data, shape);
        }
        var ints = new int[total];
        int k = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            FillInts(rows[r], rowShape, 0, ints, ref k, spec, r);
        }
        return spec.DType == DType.UInt8 ? Tensor.FromArray(ints.Select(v => (byte)v).ToArray(), shape) : Tensor.FromArray(ints, shape);
    }

    private static void FillFloats(JsonElement e, List<int> shape, int depth, float[] data, ref int at, string name, int row)
    {
        if (depth == shape.Count)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out double d))
            {
                throw Bad($"input '{name}' row {row}: expected a number (DT_FLOAT), got a JSON {Kind(e)}.");
            }
            data[at++] = (float)d;
            return;
        }
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != shape[depth])
        {
            throw Ragged(name, row, depth, shape, e);
        }
        foreach (var c in e.EnumerateArray())
        {
            FillFloats(c, shape, depth + 1, data, ref at, name, row);
        }
    }

    private static void FillInts(JsonElement e, List<int> shape, int depth, int[] data, ref int at, TensorSpec spec, int row)
    {
        if (depth == shape.Count)
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int v) || spec.DType == DType.UInt8 && v is < 0 or > 255)
            {
                throw Bad($"input '{spec.Name}' row {row}: expected an integer ({spec.TfDType}), got {(e.ValueKind == JsonValueKind.Number ? e.GetRawText() : "a JSON " + Kind(e))}.");
            }
            data[at++] = v;
            return;
        }
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != shape[depth])
        {
            throw Ragged(spec.Name, row, depth, shape, e);
        }
        foreach (var c in e.EnumerateArray())
        {
            FillInts(c, shape, depth + 1, data, ref at, spec, row);
        }
    }

    private static ServingException Ragged(string name, int row, int depth, List<int> shape, JsonElement e) =>
        Bad($"input '{name}' row {row}: expected a list of {shape[depth]} at depth {depth + 1} (row shape {ShapeText([.. shape])}), got " +
            (e.ValueKind == JsonValueKind.Array ? $"a list of {e.GetArrayLength()}" : "a JSON " + Kind(e)) + "; every row must have the same shape.");

    /// <summary>Writes row-major <paramref name="data"/> of <paramref name="shape"/> as nested lists (a number when the shape is empty).</summary>
    public static void WriteNested(Utf8JsonWriter w, ReadOnlySpan<float> data, ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0)
        {
            WriteFloat(w, data[0]);
            return;
        }
        w.WriteStartArray();
        int inner = data.Length / Math.Max(shape[0], 1);
        for (int i = 0; i < shape[0]; i++)
        {
            if (shape.Length == 1)
            {
                WriteFloat(w, data[i]);
            }
            else
            {
                WriteNested(w, data.Slice(i * inner, inner), shape[1..]);
            }
        }
        w.WriteEndArray();
    }

    private static void WriteFloat(Utf8JsonWriter w, float v)
    {
        if (float.IsFinite(v))
        {
            w.WriteNumberValue(v);
        }
        else
        {
            // TF Serving writes non-finite values as the bare tokens NaN, Infinity and -Infinity.
            w.WriteRawValue(float.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity", skipInputValidation: true);
        }
    }

    public static string ShapeText(ReadOnlySpan<int> shape) =>
        "(" + string.Join(", ", shape.ToArray().Select(d => d < 0 ? "None" : d.ToString(CultureInfo.InvariantCulture))) + (shape.Length == 1 ? ",)" : ")");

    public static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => e.ValueKind.ToString(),
    };

    public static ServingException Bad(string message) => new(400, message);
}
