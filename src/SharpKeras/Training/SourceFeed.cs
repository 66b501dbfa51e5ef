using SharpKeras.Data;
using SharpKeras.Models;

namespace SharpKeras.Training;

/// <summary>
/// Batches from a batch source (a PyDataset with its workers and prefetch queue, an enumerable or an async
/// enumerable), checked against the model and handed to the step as they come: the step's planned buffers
/// point at the batch's rows for the step, so nothing is copied and one batch at a time is held.
/// </summary>
internal sealed class SourceFeed : StepFeed
{
    /// <summary>Keras's warning when a generator ends before stepsPerEpoch * epochs batches.</summary>
    internal const string RanOutWarning = "WARNING: Your input ran out of data; interrupting training. Make sure that your dataset or generator can generate at least `stepsPerEpoch * epochs` batches.";

    private readonly Model _model;
    private readonly IBatchSource _source;
    private readonly string _method;
    private readonly IReadOnlyDictionary<int, double>? _classWeight;
    private readonly bool _predict;
    private int _loaded;

    public SourceFeed(Model model, IBatchSource source, string method, IReadOnlyDictionary<int, double>? classWeight = null)
    {
        _model = model;
        _source = source;
        _method = method;
        _classWeight = classWeight;
        _predict = method == "Predict";
        // A source hands each process whole batches of its own, with no global batch to split and no promise
        // that every process gets as many, so the ranks could neither average their gradients nor stay in step.
        if (Distribution.Distribution.GetDistribution() is { Communicator.Size: > 1 } distribution)
        {
            source.Dispose();
            throw new NotSupportedException($"Model '{model.Name}': {method} over {source.Description} is not supported under {distribution.GetType().Name} " +
                $"({distribution.Communicator.Size} processes): pass arrays ({method}(x, y, batchSize: ...)) so that every process takes its shard of each global batch, or {method.ToLowerInvariant()} without a distribution.");
        }
    }

    /// <inheritdoc/>
    public override int? Steps => _source.Steps;

    /// <inheritdoc/>
    // Without a compiled loss the batches may be x alone (Keras's fit(x) for a model with its own loss).
    public override int TargetCount => _predict || _model.Loss is null ? 0 : _model.OutputCount;

    /// <inheritdoc/>
    public override string Description => _source.Description;

    /// <summary>Batches loaded in the current epoch.</summary>
    public int Loaded => _loaded;

    /// <inheritdoc/>
    public override void BeginEpoch(int epoch)
    {
        _loaded = 0;
        _source.BeginEpoch();
    }

    /// <inheritdoc/>
    public override bool TryLoad(StepData data, int step, CancellationToken cancellationToken)
    {
        if (!_source.TryNext(cancellationToken, out var batch))
        {
            return false;
        }
        var x = batch.X;
        string xName = $"x of batch {step} of {_source.Description}";
        if (_predict)
        {
            TrainingLoop.CheckInputs(_model, x, xName);
            data.Load(x, [], null, null, 0, x[0].Shape[0]);
        }
        else
        {
            IReadOnlyList<Tensor> y = batch.Y ?? [];
            if (y.Count == 0 && _model.Loss is not null)
            {
                throw new ArgumentException($"Batch {step} of {_source.Description} has no targets; {_method} needs (x, y) batches for the compiled loss '{_model.Loss.Name}'.");
            }
            TrainingLoop.CheckData(_model, x, y, xName, $"y of batch {step} of {_source.Description}");
            var weights = SampleWeights.Resolve(_model, y.Count > 0 ? y : x, batch.SampleWeight, _classWeight, _method);
            data.Load(x, y, weights, null, 0, x[0].Shape[0]);
        }
        data.Distribute(null, data.BatchSize);
        _loaded++;
        return true;
    }

    /// <inheritdoc/>
    public override bool EndEpoch()
    {
        _source.EndEpoch();
        if (_source is EnumerableSource { RanOut: true })
        {
            Console.WriteLine(RanOutWarning);
            return true;
        }
        return false;
    }

    /// <inheritdoc/>
    public override void Dispose() => _source.Dispose();
}
