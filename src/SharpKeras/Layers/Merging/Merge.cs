using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Base of the merging layers (<c>keras.layers.Add</c>, <c>Concatenate</c>, ...): called on a list
/// of at least two tensors, it combines them into one.
/// </summary>
public abstract class Merge : Layer
{
    /// <summary>Creates a merging layer.</summary>
    protected Merge(string? name) : base(name)
    {
    }

    /// <summary>Fewest inputs the layer takes.</summary>
    private protected virtual int MinInputs => 2;

    /// <summary>Most inputs the layer takes.</summary>
    private protected virtual int MaxInputs => int.MaxValue;

    /// <inheritdoc/>
    internal override bool IsMultiInput => true;

    /// <summary>Combines the (already checked) inputs.</summary>
    private protected abstract Tensor MergeFunction(IReadOnlyList<Tensor> inputs);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        throw new ArgumentException($"A merge layer ({GetType().Name}) should be called on a list of inputs; layer '{Name}' got a single tensor of shape {inputs.Shape}.");

    /// <inheritdoc/>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training) => MergeFunction(inputs);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) =>
        throw new ArgumentException($"A merge layer ({GetType().Name}) should be called on a list of inputs; layer '{Name}' got a single shape {inputShape}.");

    /// <inheritdoc/>
    protected override void Build(IReadOnlyList<Shape> inputShapes) => CheckCount(inputShapes);

    /// <inheritdoc/>
    protected override void CheckInputShapes(IReadOnlyList<Shape> inputShapes)
    {
        CheckCount(inputShapes);
        ComputeOutputShape(inputShapes);
    }

    private void CheckCount(IReadOnlyList<Shape> inputShapes)
    {
        if (inputShapes.Count < MinInputs || inputShapes.Count > MaxInputs)
        {
            string expected = MinInputs == MaxInputs ? $"exactly {MinInputs}" : $"at least {MinInputs}";
            throw new ArgumentException($"Layer '{Name}' ({GetType().Name}) should be called on {expected} inputs, got {inputShapes.Count}.");
        }
    }

    /// <summary>Output shape of an element-wise merge: the inputs' shapes broadcast together (None where unknown).</summary>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        var result = inputShapes[0];
        foreach (var s in inputShapes.Skip(1))
        {
            result = BroadcastShapes(result, s);
        }
        return result;
    }

    private Shape BroadcastShapes(Shape a, Shape b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b[i - (rank - b.Rank)];
            if (da == db || db == 1)
            {
                dims[i] = da;
            }
            else if (da == 1)
            {
                dims[i] = db;
            }
            else if (da < 0 || db < 0)
            {
                dims[i] = Math.Max(da, db);
            }
            else
            {
                throw new ArgumentException($"Inputs of layer '{Name}' ({GetType().Name}) must have compatible shapes, got {a} and {b}.");
            }
        }
        return new Shape(dims);
    }
}
