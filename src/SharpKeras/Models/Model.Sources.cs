using SharpKeras.Callbacks;
using SharpKeras.Data;
using SharpKeras.Training;

namespace SharpKeras.Models;

/// <summary>Fit, Evaluate and Predict over batch sources: a <see cref="PyDataset"/>, an enumerable or an async enumerable of batches.</summary>
public partial class Model
{
    /// <summary>
    /// Trains on a <see cref="PyDataset"/> (Keras's <c>fit(dataset, epochs=...)</c>): each epoch reads its batches
    /// (in a new random order when <paramref name="shuffle"/>, as Keras's PyDatasetAdapter), prepared by the dataset's
    /// workers ahead of the step, and calls its <c>OnEpochEnd</c>. Batches are copied into the planned step's buffers.
    /// </summary>
    /// <param name="x">The dataset; its indexer returns (x, y) batches.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="validationData">A dataset of (x, y) batches evaluated after each epoch.</param>
    /// <param name="shuffle">Visit the batches in a new random order each epoch.</param>
    /// <param name="seed">Seed of the batch order; null draws from the global generator.</param>
    /// <param name="callbacks">Extra callbacks.</param>
    /// <param name="stepsPerEpoch">Batches per epoch (default: the dataset's length).</param>
    /// <param name="validationSteps">Validation batches per epoch (default: the whole validation dataset).</param>
    /// <param name="classWeight">Weight of each class's samples in the loss (Keras's <c>class_weight</c>), times any per-sample weights the batches carry.</param>
    /// <param name="initialEpoch">Epoch to start from (to resume a run).</param>
    /// <param name="validationFreq">Validate every this many epochs.</param>
    /// <param name="cancellationToken">Stops training between two batches with an <see cref="OperationCanceledException"/>; the weights are those after the last whole step.</param>
    /// <remarks>The same loop as Fit on arrays: an overridden TrainStep/TestStep, callbacks and the default TerminateOnNaN apply alike.</remarks>
    public History Fit(PyDataset x, int epochs = 1, int verbose = 1, PyDataset? validationData = null, bool shuffle = true, int? seed = null,
        IEnumerable<Callback>? callbacks = null, int? stepsPerEpoch = null, int? validationSteps = null, IReadOnlyDictionary<int, double>? classWeight = null,
        int initialEpoch = 0, int validationFreq = 1, CancellationToken cancellationToken = default)
        => TrainingLoop.Fit(this, new PyDatasetSource(x, shuffle, seed, CheckSteps(stepsPerEpoch, nameof(stepsPerEpoch)), nameof(x)),
            validationData is null ? null : new PyDatasetSource(validationData, false, null, CheckSteps(validationSteps, nameof(validationSteps)), nameof(validationData)),
            epochs, verbose, callbacks, SourceExtras(classWeight, initialEpoch, validationFreq, cancellationToken));

    /// <summary>
    /// Trains on an enumerable of batches (Keras's <c>fit(generator, steps_per_epoch=...)</c>). Without
    /// <paramref name="stepsPerEpoch"/> each epoch enumerates <paramref name="x"/> to its end; with it, each epoch
    /// takes that many batches from one ongoing enumeration, and training stops with Keras's warning if it runs out.
    /// </summary>
    /// <param name="x">The batches; a C# iterator (<c>yield return (x, y)</c>) reads lazily.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch (a bar needs a known number of steps: stepsPerEpoch or a collection).</param>
    /// <param name="stepsPerEpoch">Batches per epoch, or null for one full enumeration.</param>
    /// <param name="validationData">Batches evaluated after each epoch (enumerated afresh each time).</param>
    /// <param name="validationSteps">Validation batches per epoch, or null for all.</param>
    /// <param name="callbacks">Extra callbacks.</param>
    /// <param name="classWeight">Weight of each class's samples in the loss (Keras's <c>class_weight</c>), times any per-sample weights the batches carry.</param>
    /// <param name="initialEpoch">Epoch to start from (to resume a run).</param>
    /// <param name="validationFreq">Validate every this many epochs.</param>
    /// <param name="cancellationToken">Stops training between two batches with an <see cref="OperationCanceledException"/>.</param>
    /// <remarks>The same loop as Fit on arrays: an overridden TrainStep/TestStep, callbacks and the default TerminateOnNaN apply alike.</remarks>
    public History Fit(IEnumerable<Batch> x, int epochs = 1, int verbose = 1, int? stepsPerEpoch = null, IEnumerable<Batch>? validationData = null,
        int? validationSteps = null, IEnumerable<Callback>? callbacks = null, IReadOnlyDictionary<int, double>? classWeight = null,
        int initialEpoch = 0, int validationFreq = 1, CancellationToken cancellationToken = default)
        => TrainingLoop.Fit(this, new EnumerableSource(x, stepsPerEpoch, nameof(x)),
            validationData is null ? null : new EnumerableSource(validationData, validationSteps, nameof(validationData)),
            epochs, verbose, callbacks, SourceExtras(classWeight, initialEpoch, validationFreq, cancellationToken));

    /// <summary>Trains on an enumerable of (x, y) tuples, as the <see cref="Batch"/> overload.</summary>
    public History Fit(IEnumerable<(Tensor X, Tensor Y)> x, int epochs = 1, int verbose = 1, int? stepsPerEpoch = null, IEnumerable<(Tensor X, Tensor Y)>? validationData = null,
        int? validationSteps = null, IEnumerable<Callback>? callbacks = null, IReadOnlyDictionary<int, double>? classWeight = null,
        int initialEpoch = 0, int validationFreq = 1, CancellationToken cancellationToken = default)
        => Fit(AsBatches(x, nameof(x))!, epochs, verbose, stepsPerEpoch, AsBatches(validationData, nameof(validationData)), validationSteps, callbacks,
            classWeight, initialEpoch, validationFreq, cancellationToken);

    /// <summary>Trains on an async enumerable of batches (an <c>async</c> iterator reading from disk or network), as the enumerable overload.</summary>
    public History Fit(IAsyncEnumerable<Batch> x, int epochs = 1, int verbose = 1, int? stepsPerEpoch = null, IAsyncEnumerable<Batch>? validationData = null,
        int? validationSteps = null, IEnumerable<Callback>? callbacks = null, IReadOnlyDictionary<int, double>? classWeight = null,
        int initialEpoch = 0, int validationFreq = 1, CancellationToken cancellationToken = default)
        => TrainingLoop.Fit(this, new EnumerableSource(x, stepsPerEpoch, nameof(x)),
            validationData is null ? null : new EnumerableSource(validationData, validationSteps, nameof(validationData)),
            epochs, verbose, callbacks, SourceExtras(classWeight, initialEpoch, validationFreq, cancellationToken));

    /// <summary>Loss and metrics over a <see cref="PyDataset"/> of (x, y) batches (Keras's <c>evaluate(dataset)</c>).</summary>
    public EvaluationResult Evaluate(PyDataset x, int verbose = 1, int? steps = null, bool returnDict = false, CancellationToken cancellationToken = default)
        => TrainingLoop.Evaluate(this, new PyDatasetSource(x, false, null, CheckSteps(steps, nameof(steps)), nameof(x)), verbose, returnDict, null, cancellationToken);

    /// <summary>Loss and metrics over an enumerable of (x, y) batches, <paramref name="steps"/> of them or all.</summary>
    public EvaluationResult Evaluate(IEnumerable<Batch> x, int verbose = 1, int? steps = null, bool returnDict = false, CancellationToken cancellationToken = default)
        => TrainingLoop.Evaluate(this, new EnumerableSource(x, steps, nameof(x)), verbose, returnDict, null, cancellationToken);

    /// <summary>Loss and metrics over an async enumerable of (x, y) batches, <paramref name="steps"/> of them or all.</summary>
    public EvaluationResult Evaluate(IAsyncEnumerable<Batch> x, int verbose = 1, int? steps = null, bool returnDict = false, CancellationToken cancellationToken = default)
        => TrainingLoop.Evaluate(this, new EnumerableSource(x, steps, nameof(x)), verbose, returnDict, null, cancellationToken);

    /// <summary>Outputs of a single-output model for every batch of a <see cref="PyDataset"/>, stacked (Keras's <c>predict(dataset)</c>); targets in the batches are ignored.</summary>
    public Tensor Predict(PyDataset x, int verbose = 1, int? steps = null, CancellationToken cancellationToken = default)
    {
        int index = RequireSingleOutput("Predict", "PredictOutputs");
        return PredictOutputs(x, verbose, steps, cancellationToken)[index];
    }

    /// <summary>Outputs (one array per model output) for every batch of a <see cref="PyDataset"/>, stacked.</summary>
    public Tensor[] PredictOutputs(PyDataset x, int verbose = 1, int? steps = null, CancellationToken cancellationToken = default)
        => TrainingLoop.Predict(this, new PyDatasetSource(x, false, null, CheckSteps(steps, nameof(steps)), nameof(x)), verbose, null, cancellationToken);

    /// <summary>Outputs of a single-output model for every batch of an enumerable, stacked; <paramref name="steps"/> batches or all.</summary>
    public Tensor Predict(IEnumerable<Batch> x, int verbose = 1, int? steps = null, CancellationToken cancellationToken = default)
        => TrainingLoop.Predict(this, new EnumerableSource(x, steps, nameof(x)), verbose, null, cancellationToken)[RequireSingleOutput("Predict", "PredictOutputs")];

    /// <summary>Outputs of a single-output model for every batch of an async enumerable, stacked; <paramref name="steps"/> batches or all.</summary>
    public Tensor Predict(IAsyncEnumerable<Batch> x, int verbose = 1, int? steps = null, CancellationToken cancellationToken = default)
        => TrainingLoop.Predict(this, new EnumerableSource(x, steps, nameof(x)), verbose, null, cancellationToken)[RequireSingleOutput("Predict", "PredictOutputs")];

    private static FitExtras SourceExtras(IReadOnlyDictionary<int, double>? classWeight, int initialEpoch, int validationFreq, CancellationToken cancellationToken)
        => new(ClassWeight: classWeight, InitialEpoch: initialEpoch, ValidationFreq: validationFreq, Cancellation: cancellationToken);

    private static int? CheckSteps(int? steps, string name) => steps is < 1
        ? throw new ArgumentOutOfRangeException(name, steps, $"{name} must be >= 1 when given, got {steps}.")
        : steps;

    private static IEnumerable<Batch>? AsBatches(IEnumerable<(Tensor X, Tensor Y)>? items, string name)
    {
        if (items is null)
        {
            return null;
        }
        return items is IReadOnlyCollection<(Tensor X, Tensor Y)> c ? new CountedBatches(c) : items.Select(t => new Batch(t.X, t.Y));
    }

    /// <summary>A collection of tuples seen as batches, keeping its count so the progress bar knows the steps.</summary>
    private sealed class CountedBatches(IReadOnlyCollection<(Tensor X, Tensor Y)> items) : IReadOnlyCollection<Batch>
    {
        public int Count => items.Count;

        public IEnumerator<Batch> GetEnumerator() => items.Select(t => new Batch(t.X, t.Y)).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
