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

    internal override int StateLength => 2;

    // Counts below 2^53 are exact in a double, so the sums across processes are exact too.
    internal override void GetState(Span<double> state) => (state[0], state[1]) = (_correct, _count);

    internal override void SetState(ReadOnlySpan<double> state) => (_correct, _count) = ((long)state[0], (long)state[1]);

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
