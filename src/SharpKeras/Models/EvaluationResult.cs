namespace SharpKeras.Models;

/// <summary>
/// What <see cref="Model.Evaluate(Tensor, Tensor, int?, int)"/> returns: the loss and each compiled metric, in Keras's order.
/// Deconstructs as <c>var (loss, accuracy) = model.Evaluate(x, y);</c>.
/// </summary>
public sealed class EvaluationResult
{
    internal EvaluationResult(IReadOnlyDictionary<string, double> values) => Values = values;

    /// <summary>Loss first, then metrics, by name ("loss", "accuracy", ...).</summary>
    public IReadOnlyDictionary<string, double> Values { get; }

    /// <summary>The mean loss.</summary>
    public double Loss => Values["loss"];

    /// <summary>A value by name; throws naming the known ones when absent.</summary>
    public double this[string name] => Values.TryGetValue(name, out var v)
        ? v
        : throw new KeyNotFoundException($"No value '{name}' in the evaluation. Known: {string.Join(", ", Values.Keys)}.");

    /// <summary>The loss and the first metric (NaN when no metric was compiled).</summary>
    public void Deconstruct(out double loss, out double metric)
    {
        loss = Loss;
        metric = Values.Count > 1 ? Values.ElementAt(1).Value : double.NaN;
    }

    /// <summary>Keras's log style: "loss: 0.5123 - accuracy: 0.8211".</summary>
    public override string ToString() => string.Join(" - ", Values.Select(kv => $"{kv.Key}: {Callbacks.Progbar.FormatValue(kv.Value)}"));
}
