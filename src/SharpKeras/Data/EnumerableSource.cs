namespace SharpKeras.Data;

/// <summary>
/// Batches from an <see cref="IEnumerable{T}"/> or <see cref="IAsyncEnumerable{T}"/> (Keras's generator input).
/// Without stepsPerEpoch each epoch enumerates the source afresh to its end; with it, epochs take that many
/// batches in turn from one enumeration, as Keras reads a generator, and running out ends training with Keras's warning.
/// </summary>
internal sealed class EnumerableSource : IBatchSource
{
    private readonly IEnumerable<Batch>? _items;
    private readonly IAsyncEnumerable<Batch>? _asyncItems;
    private readonly int? _stepsPerEpoch;
    private IEnumerator<Batch>? _enumerator;
    private IAsyncEnumerator<Batch>? _asyncEnumerator;
    private CancellationTokenSource? _asyncStop;
    private int _taken;

    public EnumerableSource(IEnumerable<Batch> items, int? stepsPerEpoch, string what)
    {
        ArgumentNullException.ThrowIfNull(items, what);
        _items = items;
        _stepsPerEpoch = CheckSteps(stepsPerEpoch);
        Description = "the enumerable of batches";
    }

    public EnumerableSource(IAsyncEnumerable<Batch> items, int? stepsPerEpoch, string what)
    {
        ArgumentNullException.ThrowIfNull(items, what);
        _asyncItems = items;
        _stepsPerEpoch = CheckSteps(stepsPerEpoch);
        Description = "the async enumerable of batches";
    }

    private static int? CheckSteps(int? steps) => steps is < 1
        ? throw new ArgumentOutOfRangeException("stepsPerEpoch", steps, $"stepsPerEpoch must be >= 1 when given, got {steps}.")
        : steps;

    public int? Steps => _stepsPerEpoch ?? (_items is IReadOnlyCollection<Batch> c ? c.Count : _items is ICollection<Batch> d ? d.Count : null);

    public string Description { get; }

    /// <summary>True when the source ran out before an epoch's stepsPerEpoch batches (Keras stops training then).</summary>
    public bool RanOut { get; private set; }

    public void BeginEpoch()
    {
        _taken = 0;
        // Without stepsPerEpoch an epoch is one full pass: start a new enumeration each time.
        if (_stepsPerEpoch is null)
        {
            DisposeEnumerators();
        }
    }

    public bool TryNext(CancellationToken cancellationToken, out Batch batch)
    {
        batch = null!;
        if (_stepsPerEpoch is { } s && _taken >= s)
        {
            return false;
        }
        bool got;
        if (_items is not null)
        {
            _enumerator ??= _items.GetEnumerator();
            got = _enumerator.MoveNext();
            if (got)
            {
                batch = _enumerator.Current;
            }
        }
        else
        {
            if (_asyncEnumerator is null)
            {
                _asyncStop = new CancellationTokenSource();
                _asyncEnumerator = _asyncItems!.GetAsyncEnumerator(_asyncStop.Token);
            }
            using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _asyncStop!))
            {
                var move = _asyncEnumerator.MoveNextAsync();
                got = move.IsCompletedSuccessfully ? move.Result : move.AsTask().GetAwaiter().GetResult();
            }
            if (got)
            {
                batch = _asyncEnumerator.Current;
            }
        }
        if (!got)
        {
            RanOut = _stepsPerEpoch is not null;
            return false;
        }
        if (batch is null)
        {
            throw new InvalidOperationException($"Batch {_taken} of {Description} is null; each item must be a batch (x, y).");
        }
        _taken++;
        return true;
    }

    public void EndEpoch()
    {
    }

    private void DisposeEnumerators()
    {
        _enumerator?.Dispose();
        _enumerator = null;
        if (_asyncEnumerator is not null)
        {
            _asyncEnumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _asyncEnumerator = null;
        }
        _asyncStop?.Dispose();
        _asyncStop = null;
    }

    public void Dispose() => DisposeEnumerators();
}
