namespace SharpKeras.Models;

/// <summary>
/// What <see cref="Model.Evaluate(Tensor, Tensor, int?, int, bool, IEnumerable{Callbacks.Callback}?)"/> returns: the loss and each compiled metric, in Keras's order.
/// Deconstructs as <c>var (loss, accuracy) = model.Evaluate(x, y);</c>.
/// </summary>
public sealed class EvaluationResult
{
    internal EvaluationResult(IReadOnlyDictionary<string, double> values, bool isDict = false)
    {
        Values = values;
        IsDict = isDict;
    }

    /// <summary>
    /// Whether it was asked for as a dict (Keras's <c>return_dict=True</c>): then values are read by name only,
    /// as a Python dict has no positions.
    /// </summary>
    public bool IsDict { get; }

    /// <summary>How many values: the loss and each metric.</summary>
    public int Count => Values.Count;

    /// <summary>
    /// A value by position, as Keras's list result: 0 the loss, 1 the first metric, ...
    /// Throws when the result was asked for with <c>returnDict: true</c> or the position is out of range.
    /// </summary>
    public double this[int index]
    {
        get
        {
            if (IsDict)
            {
                throw new InvalidOperationException($"This result was asked for with returnDict: true, so read it by name ({string.Join(", ", Values.Keys)}), not by position {index}.");
            }
            if (index < 0 || index >= Values.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"The result has {Values.Count} values ({string.Join(", ", Values.Keys)}); position {index} is out of range.");
            }
            return Values.ElementAt(index).Value;
        }
    }

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
