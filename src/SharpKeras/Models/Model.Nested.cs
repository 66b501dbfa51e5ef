namespace SharpKeras.Models;

// A functional model called inside another functional model, with all its outputs.
public partial class Model
{
    /// <summary>
    /// Calls a functional model on symbolic tensors, one per model input, and returns one symbolic tensor per
    /// model output (Keras's <c>z_mean, z_log_var, z = encoder(x)</c> inside another functional model).
    /// </summary>
    public KerasTensor[] CallOutputs(IReadOnlyList<KerasTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_graph is null)
        {
            throw new InvalidOperationException($"Model '{Name}' ({GetType().Name}) is not a functional model; only a functional model is called on symbolic tensors for all its outputs.");
        }
        if (_graph.Outputs.Length == 1)
        {
            return [inputs.Count == 1 ? Apply(inputs[0]) : Apply(inputs)];
        }
        return ApplyWithKwargs([.. inputs], inputs.Count > 1, CallKwargs<KerasTensor>.Empty);
    }

    /// <inheritdoc/>
    internal override KerasTensor[] ApplyWithKwargs(KerasTensor[] args, bool asList, CallKwargs<KerasTensor> kwargs)
    {
        if (_graph is not { Outputs.Length: > 1 } graph)
        {
            return base.ApplyWithKwargs(args, asList, kwargs);
        }
        kwargs.CheckKnown(this);
        if (args.Length != graph.Inputs.Length)
        {
            throw new ArgumentException($"Model '{Name}' takes {graph.Inputs.Length} input(s) ({string.Join(", ", graph.Inputs.Select(i => i.Layer.Name))}), but was called on {args.Length}.");
        }
        for (int i = 0; i < args.Length; i++)
        {
            Shape expected = graph.Inputs[i].Shape, actual = args[i].Shape;
            bool fits = expected.Rank == actual.Rank && Enumerable.Range(1, Math.Max(0, expected.Rank - 1)).All(d => expected[d] < 0 || actual[d] < 0 || expected[d] == actual[d]);
            if (!fits)
            {
                throw new ArgumentException($"Model '{Name}': input '{graph.Inputs[i].Layer.Name}' expects shape {expected}, but was called on a tensor of shape {actual}.");
            }
        }
        int batch = args[0].Shape.Rank > 0 ? args[0].Shape[0] : -1;
        return AddNode(args, asList, kwargs, [.. graph.Outputs.Select(o => (o.Shape.Rank > 0 ? o.Shape.WithDim(0, batch) : o.Shape, o.DType))]);
    }

    /// <inheritdoc/>
    internal override Tensor[] CallWithKwargs(Tensor[] args, bool asList, CallKwargs<Tensor> kwargs, bool training) =>
        _graph is null ? base.CallWithKwargs(args, asList, kwargs, training) : CallOutputs(args, training);
}
