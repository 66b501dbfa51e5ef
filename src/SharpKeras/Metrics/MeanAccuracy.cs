using System.Text.Json.Nodes;

namespace SharpKeras.Metrics;

/// <summary>Base of accuracies: the fraction of samples where a per-sample test passes.</summary>
public abstract class MeanAccuracy(string name) : Metric(name)
{
    private long _correct;
    private long _count;

    /// <summary>Counts (matches, samples) in one batch.</summary>
    protected abstract (long Correct, long Count) Matches(Tensor yTrue, Tensor yPred);

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        var (c, n) = Matches(yTrue, yPred);
        _correct += c;
        _count += n;
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : (double)_correct / _count;

    /// <inheritdoc/>
    public override void ResetState() => (_correct, _count) = (0, 0);

    /// <summary>Index of the largest value (the first on ties), as Keras's argmax.</summary>
    private protected static int ArgmaxRow(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            if (row[j] > row[best])
            {
                best = j;
            }
        }
        return best;
    }
}
