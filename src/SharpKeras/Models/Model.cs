using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Losses;
using SharpKeras.Metrics;
using SharpKeras.Optimizers;
using SharpKeras.Training;

namespace SharpKeras.Models;

/// <summary>
/// A trainable model (<c>keras.Model</c>): a layer that can be compiled with an optimizer, a loss
/// and metrics, trained with <see cref="Fit"/>, and used with <see cref="Evaluate"/> and <see cref="Predict"/>.
/// </summary>
public abstract class Model : Layer
{
    private string[] _metricNames = [];
    private Metric[]? _metricObjects;

    /// <summary>Creates a model with an optional name.</summary>
    protected Model(string? name) : base(name)
    {
    }

    /// <summary>The layers of the model, in order.</summary>
    public abstract IReadOnlyList<Layer> Layers { get; }

    /// <summary>The optimizer given to <see cref="Compile(Optimizer, Loss, IEnumerable{string}?)"/>; null before.</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The loss given to Compile; null before.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>True once Compile has been called.</summary>
    public bool Compiled => Optimizer is not null;

    /// <summary>Set by a callback to end Fit after the current batch (Keras's <c>stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>The metric identifiers given to Compile, resolved against data shapes on the first batch.</summary>
    internal IReadOnlyList<string> MetricNames => _metricNames;

    /// <summary>Metric objects given to Compile instead of identifiers.</summary>
    internal IReadOnlyList<Metric>? MetricObjects => _metricObjects;

    /// <summary>
    /// Configures training (Keras's <c>compile</c>): an optimizer ("adam", "sgd", "rmsprop" or an
    /// object), a loss ("sparse_categorical_crossentropy", ... or an object) and metric identifiers
    /// ("accuracy", ...).
    /// </summary>
    public void Compile(Optimizer optimizer, Loss loss, IEnumerable<string>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(loss);
        var names = metrics?.ToArray() ?? [];
        foreach (var m in names)
        {
            Metric.Validate(m);
        }
        Optimizer = optimizer;
        Loss = loss;
        _metricNames = names;
        _metricObjects = null;
        TrainPlans.Clear();
        InferencePlans.Clear();
    }

    /// <summary>Training steps planned for this model, one per batch shape (see <see cref="Training.TrainStepPlan"/>).</summary>
    internal List<Training.TrainStepPlan> TrainPlans { get; } = [];

    /// <summary>Inference passes planned for this model, one per batch shape (see <see cref="Training.InferencePlan"/>).</summary>
    internal List<Training.InferencePlan> InferencePlans { get; } = [];

    /// <summary>Configures training with metric objects (Keras's <c>compile(metrics=[SparseCategoricalAccuracy()])</c>).</summary>
    public void Compile(Optimizer optimizer, Loss loss, IEnumerable<Metric> metrics)
    {
        Compile(optimizer, loss, (IEnumerable<string>?)null);
        _metricObjects = [.. metrics];
    }

    /// <summary>
    /// Trains the model (Keras's <c>fit</c>). Arguments keep Keras's order and defaults: batch size
    /// 32, 1 epoch, verbose 1 (progress bar), no validation, shuffling every epoch.
    /// </summary>
    /// <param name="x">Input samples, first axis = samples.</param>
    /// <param name="y">Targets, same number of samples.</param>
    /// <param name="batchSize">Samples per gradient update (default 32).</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="validationSplit">Fraction in [0, 1) of the data, taken from the end before shuffling, held out for validation.</param>
    /// <param name="validationData">Explicit (x, y) for validation; overrides <paramref name="validationSplit"/>.</param>
    /// <param name="shuffle">Shuffle the training samples before each epoch.</param>
    /// <param name="seed">Seed of the shuffling order; null draws from the global generator.</param>
    /// <param name="callbacks">Extra callbacks.</param>
    public History Fit(Tensor x, Tensor y, int? batchSize = null, int epochs = 1, int verbose = 1, double validationSplit = 0.0,
        (Tensor X, Tensor Y)? validationData = null, bool shuffle = true, int? seed = null, IEnumerable<Callback>? callbacks = null)
        => TrainingLoop.Fit(this, x, y, batchSize ?? 32, epochs, verbose, validationSplit, validationData, shuffle, seed, callbacks);

    /// <summary>Loss and metrics on the given data, in inference mode (Keras's <c>evaluate</c>).</summary>
    public EvaluationResult Evaluate(Tensor x, Tensor y, int? batchSize = null, int verbose = 1)
        => TrainingLoop.Evaluate(this, x, y, batchSize ?? 32, verbose);

    /// <summary>Outputs for the given inputs, in inference mode, computed in batches (Keras's <c>predict</c>).</summary>
    public Tensor Predict(Tensor x, int? batchSize = null, int verbose = 1)
        => TrainingLoop.Predict(this, x, batchSize ?? 32, verbose);

    /// <summary>
    /// Trains for <paramref name="steps"/> batches of <paramref name="batchSize"/> (after one
    /// untimed warm-up step) and reports the average time per step spent in each layer's forward
    /// and backward ops, the loss and the optimizer, in execution order. This does train the model.
    /// </summary>
    public IReadOnlyList<Training.LayerTiming> ProfileTrainStep(Tensor x, Tensor y, int batchSize = 32, int steps = 10)
        => TrainingLoop.ProfileTrainStep(this, x, y, batchSize, steps);

    /// <summary>Prints the summary table as Keras 3 does (to the console, or to <paramref name="printFn"/>).</summary>
    public void Summary(Action<string>? printFn = null, int? lineLength = null)
    {
        var text = SummaryPrinter.Render(this, lineLength);
        if (printFn is null)
        {
            Console.Write(text);
        }
        else
        {
            printFn(text);
        }
    }

    /// <summary>Every layer's weights, in layer order.</summary>
    public override IReadOnlyList<Variable> Weights => [.. Layers.SelectMany(l => l.Weights)];

    /// <summary>Weights that training updates (frozen layers excluded).</summary>
    public override IReadOnlyList<Variable> TrainableWeights => Trainable ? [.. Layers.SelectMany(l => l.TrainableWeights)] : [];

    /// <summary>Weights that training leaves alone.</summary>
    public override IReadOnlyList<Variable> NonTrainableWeights => Trainable
        ? [.. Layers.SelectMany(l => l.NonTrainableWeights)]
        : [.. Layers.SelectMany(l => l.Weights)];

    /// <inheritdoc/>
    public override int CountParams() => Layers.Sum(l => l.CountParams());

    /// <summary>Copies of all weight values, in <see cref="Weights"/> order (Keras's <c>get_weights</c>).</summary>
    public IReadOnlyList<Tensor> GetWeights() => [.. Weights.Select(w => w.Numpy())];

    /// <summary>Sets all weight values, in <see cref="Weights"/> order (Keras's <c>set_weights</c>).</summary>
    public void SetWeights(IReadOnlyList<Tensor> values)
    {
        var ws = Weights;
        if (values.Count != ws.Count)
        {
            throw new ArgumentException($"Model '{Name}' has {ws.Count} weights but {values.Count} values were given.", nameof(values));
        }
        for (int i = 0; i < ws.Count; i++)
        {
            ws[i].Assign(values[i]);
        }
    }

    /// <summary>The layer called <paramref name="name"/>, or an error listing the names.</summary>
    public Layer GetLayer(string name) => Layers.FirstOrDefault(l => l.Name == name)
        ?? throw new ArgumentException($"No layer named '{name}' in model '{Name}'. Layers: {string.Join(", ", Layers.Select(l => l.Name))}.", nameof(name));
}
