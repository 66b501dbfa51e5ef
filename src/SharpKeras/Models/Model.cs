using SharpKeras.Callbacks;
using SharpKeras.Layers;
using SharpKeras.Losses;
using SharpKeras.Metrics;
using SharpKeras.Optimizers;
using SharpKeras.Training;

namespace SharpKeras.Models;

/// <summary>
/// A trainable model (<c>keras.Model</c>): a layer that can be compiled with an optimizer, a loss
/// and metrics, trained with <c>Fit</c>, and used with <c>Evaluate</c> and <c>Predict</c>.
/// Made three ways, as in Keras: from symbolic inputs and outputs (<c>new Model(inputs, outputs)</c>,
/// the functional API), by deriving from it and overriding <c>Call</c> (subclassing), or as a <see cref="Sequential"/>.
/// </summary>
/// <remarks>
/// Threads: Predict, PredictOutputs, PredictOnBatch and Evaluate may run on any number of threads at
/// once and return what a call made alone returns. Fit waits for inference calls in flight on other
/// threads, and refuses (InvalidOperationException) inference or a second Fit from other threads while
/// it trains. Compile, SetWeights and LoadWeights are not safe while other threads use the model.
/// </remarks>
public partial class Model : Layer
{
    private string[] _metricNames = [];
    private Metric[]? _metricObjects;
    private readonly FunctionalGraph? _graph;

    /// <summary>Creates a model with an optional name; a subclass overrides <c>Call</c> and its layers are tracked when first called.</summary>
    protected Model(string? name = null) : base(name)
    {
    }

    /// <summary>A functional model from one symbolic input to one symbolic output (Keras's <c>keras.Model(inputs, outputs)</c>).</summary>
    public Model(KerasTensor inputs, KerasTensor outputs, string? name = null)
        : this([inputs ?? throw new ArgumentNullException(nameof(inputs))], [outputs ?? throw new ArgumentNullException(nameof(outputs))], name)
    {
        InputsAsList = false;
        OutputsAsList = false;
    }

    /// <summary>A functional model with one input and several outputs (Keras's <c>keras.Model(inputs, [z_mean, z_log_var, z])</c>).</summary>
    public Model(KerasTensor inputs, IReadOnlyList<KerasTensor> outputs, string? name = null)
        : this([inputs ?? throw new ArgumentNullException(nameof(inputs))], outputs, name)
    {
        InputsAsList = false;
    }

    /// <summary>A functional model with several inputs and one output.</summary>
    public Model(IReadOnlyList<KerasTensor> inputs, KerasTensor outputs, string? name = null)
        : this(inputs, [outputs ?? throw new ArgumentNullException(nameof(outputs))], name)
    {
        OutputsAsList = false;
    }

    /// <summary>A functional model with several inputs and outputs (Keras's <c>keras.Model([a, b], [y1, y2])</c>).</summary>
    public Model(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0 || outputs.Count == 0)
        {
            throw new ArgumentException($"A functional model needs at least one input and one output; got {inputs.Count} input(s) and {outputs.Count} output(s).");
        }
        _graph = new FunctionalGraph(inputs, outputs);
        NameUnnamedLayers(_graph.Layers);
        _graph.CheckUniqueNames();
        if (!HasName)
        {
            Name = "functional";
        }
        MarkBuilt(inputs.Count == 1 ? inputs[0].Shape : null);
    }

    /// <summary>Whether the inputs were given as a list (Keras records the structure in input_layers).</summary>
    internal bool InputsAsList { get; set; } = true;

    /// <summary>Whether the outputs were given as a list (Keras records the structure in output_layers).</summary>
    internal bool OutputsAsList { get; set; } = true;

    /// <summary>The graph of a functional model; null for subclassed models and Sequential.</summary>
    internal FunctionalGraph? Graph => _graph;

    /// <summary>The symbolic inputs of a functional model (empty otherwise).</summary>
    public IReadOnlyList<KerasTensor> Inputs => _graph?.Inputs ?? [];

    /// <summary>The symbolic outputs of a functional model (empty otherwise).</summary>
    public IReadOnlyList<KerasTensor> Outputs => _graph?.Outputs ?? [];

    /// <summary>Number of inputs the model takes.</summary>
    public virtual int InputCount => _graph?.Inputs.Length ?? 1;

    /// <summary>Number of outputs the model returns.</summary>
    public virtual int OutputCount => _graph?.Outputs.Length ?? 1;

    /// <summary>The layers of the model, in order (for a functional model, Keras's order: inputs first, by depth).</summary>
    public virtual IReadOnlyList<Layer> Layers => _graph is { } g ? g.Layers : TrackedLayers;

    /// <summary>Names unnamed layers per model after their class ("dense", "dense_1", ...), as Sequential does.</summary>
    private static void NameUnnamedLayers(IEnumerable<Layer> layers)
    {
        var all = layers.ToList();
        var taken = new HashSet<string>(all.Where(l => l.HasName).Select(l => l.Name));
        foreach (var l in all.Where(l => !l.HasName))
        {
            var name = l.DefaultName;
            for (int i = 1; taken.Contains(name); i++)
            {
                name = $"{l.DefaultName}_{i}";
            }
            taken.Add(name);
            l.Name = name;
        }
    }

    /// <inheritdoc/>
    private protected override bool TracksCalledLayers => _graph is null;

    /// <inheritdoc/>
    private protected override bool ConvertsInputsAndOutputs => _graph is null;

    /// <inheritdoc/>
    public override string DefaultName => _graph is null ? base.DefaultName : "functional";

    /// <summary>
    /// Builds a subclassed model by calling it once on zeros of <paramref name="inputShape"/> (batch 1),
    /// so that its layers are tracked and their weights exist before training starts.
    /// </summary>
    protected override void Build(Shape inputShape)
    {
        if (_graph is not null)
        {
            return;
        }
        var dims = inputShape.ToArray().Select(d => d < 0 ? 1 : d).ToArray();
        using var scope = EnterCall();
        Call(Tensor.Zeros(new Shape(dims)), training: false);
    }

    /// <summary>
    /// The model's computation: runs the functional graph; a subclassed model overrides this
    /// (Keras's <c>Model.call</c>) and calls its layers with <see cref="Layer.Apply(Tensor, bool)"/>.
    /// </summary>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (_graph is null)
        {
            throw new NotImplementedException($"Model '{Name}' ({GetType().Name}) has no Call: a subclass of Model must override Call(Tensor inputs, bool training).");
        }
        using var usage = EnterOwnCall(training);
        return Single(_graph.Run([inputs], training));
    }

    /// <summary>
    /// Marks a call of the model's own computation outside training as inference in use, so that
    /// Fit on another thread waits for it, and it is refused while Fit trains on another thread.
    /// </summary>
    private protected ModelUsage.Scope EnterOwnCall(bool training) =>
        training ? default : Usage.EnterInference(this, "Call");

    /// <inheritdoc/>
    protected override Tensor Call(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (_graph is null)
        {
            return base.Call(inputs, training);
        }
        using var usage = EnterOwnCall(training);
        return Single(_graph.Run(inputs, training));
    }

    private Tensor Single(Tensor[] outputs) => outputs.Length == 1
        ? outputs[0]
        : throw new InvalidOperationException($"Model '{Name}' has {outputs.Length} outputs; use CallOutputs / Predict with several outputs.");

    /// <summary>Runs the model on one tensor per input and returns one tensor per output.</summary>
    public Tensor[] CallOutputs(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_graph is null)
        {
            if (inputs.Count != 1)
            {
                throw new ArgumentException($"Model '{Name}' takes one input, but {inputs.Count} were given.", nameof(inputs));
            }
            return [Apply(inputs[0], training)];
        }
        using var usage = EnterOwnCall(training);
        using var scope = EnterCall();
        return _graph.Run(inputs, training);
    }

    /// <inheritdoc/>
    internal override bool IsMultiInput => _graph is { Inputs.Length: > 1 };

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        if (_graph is not null)
        {
            return _graph.Outputs[0].Shape.WithDim(0, inputShape.Rank > 0 ? inputShape[0] : -1);
        }
        var dims = inputShape.ToArray().Select(d => d < 0 ? 1 : d).ToArray();
        var y = Apply(Tensor.Zeros(new Shape(dims)), training: false);
        return inputShape.Rank > 0 && inputShape[0] < 0 ? y.Shape.WithDim(0, -1) : y.Shape;
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(IReadOnlyList<Shape> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (_graph is not null)
        {
            return _graph.Outputs[0].Shape;
        }
        return base.ComputeOutputShape(inputShapes);
    }

    /// <inheritdoc/>
    protected override void Build(IReadOnlyList<Shape> inputShapes)
    {
        if (_graph is null)
        {
            base.Build(inputShapes);
        }
    }

    /// <summary>The optimizer given to <see cref="Compile(Optimizer, Loss?, IEnumerable{string}?, bool)"/>; null before.</summary>
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
    /// <remarks>The loss may be left out (Keras's <c>compile(optimizer)</c>) for a model that adds its own with AddLoss or overrides ComputeLoss or TrainStep.</remarks>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="loss">The loss, or null for a model that computes its own.</param>
    /// <param name="metrics">Metric identifiers.</param>
    /// <param name="runEagerly">Keras's <c>run_eagerly</c>: run every training step's code each batch instead of recording and replaying it (see <see cref="RunEagerly"/>).</param>
    public void Compile(Optimizer optimizer, Loss? loss = null, IEnumerable<string>? metrics = null, bool runEagerly = false)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var names = metrics?.ToArray() ?? [];
        foreach (var m in names)
        {
            Metric.Validate(m);
        }
        Optimizer = optimizer;
        Loss = loss;
        OutputLosses = null;
        LossWeights = null;
        _metricNames = names;
        _metricObjects = null;
        TrainPlans.Clear();
        InferencePlans.Clear();
        CompiledMetricSet = new CompiledMetrics(this);
        RunEagerly = runEagerly;
        CustomPlans.Clear();
        EagerTrainStepReason = null;
    }

    /// <summary>Training steps planned for this model, one per batch shape (see <see cref="Training.TrainStepPlan"/>).</summary>
    internal List<Training.TrainStepPlan> TrainPlans { get; } = [];

    /// <summary>Inference passes planned for this model, rented per batch so that concurrent calls never share buffers (see <see cref="Training.InferencePlanPool"/>).</summary>
    internal Training.InferencePlanPool InferencePlans { get; } = new();

    /// <summary>Which calls use the model now: many inference calls at once, or one training call (see <see cref="Training.ModelUsage"/>).</summary>
    internal Training.ModelUsage Usage { get; } = new();

    /// <summary>Taken by evaluations that update the metric objects given to Compile, which hold one running state each.</summary>
    internal object MetricGate { get; } = new();

    /// <summary>One loss per output, when Compile was given several (null otherwise).</summary>
    public IReadOnlyList<Loss>? OutputLosses { get; private set; }

    /// <summary>Weights of the per-output losses in the total loss (Keras's <c>loss_weights</c>); null means all 1.</summary>
    public IReadOnlyList<double>? LossWeights { get; private set; }

    /// <summary>
    /// Configures training of a model with several outputs: one loss per output, in output order,
    /// and optional <paramref name="lossWeights"/> (the total loss is their weighted sum, as Keras).
    /// </summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="losses">One loss per output.</param>
    /// <param name="lossWeights">Weights of the per-output losses.</param>
    /// <param name="metrics">Metric identifiers.</param>
    /// <param name="runEagerly">Keras's <c>run_eagerly</c> (see <see cref="RunEagerly"/>).</param>
    public void Compile(Optimizer optimizer, IReadOnlyList<Loss> losses, IReadOnlyList<double>? lossWeights = null, IEnumerable<string>? metrics = null, bool runEagerly = false)
    {
        ArgumentNullException.ThrowIfNull(losses);
        if (losses.Count == 0 || losses.Any(l => l is null))
        {
            throw new ArgumentException($"Compile of model '{Name}': give one loss per output ({OutputCount}), got {losses.Count}.", nameof(losses));
        }
        if (losses.Count != OutputCount && losses.Count != 1)
        {
            throw new ArgumentException($"Compile of model '{Name}': the model has {OutputCount} output(s) but {losses.Count} losses were given; give one per output.", nameof(losses));
        }
        if (lossWeights is not null && lossWeights.Count != losses.Count)
        {
            throw new ArgumentException($"Compile of model '{Name}': {lossWeights.Count} loss weights for {losses.Count} losses; give one weight per loss.", nameof(lossWeights));
        }
        Compile(optimizer, losses[0], metrics, runEagerly);
        OutputLosses = losses.Count > 1 || OutputCount > 1 ? [.. losses] : null;
        LossWeights = lossWeights is null ? null : [.. lossWeights];
    }

    /// <summary>Configures training with metric objects (Keras's <c>compile(metrics=[SparseCategoricalAccuracy()])</c>).</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="loss">The loss.</param>
    /// <param name="metrics">Metric objects.</param>
    /// <param name="runEagerly">Keras's <c>run_eagerly</c> (see <see cref="RunEagerly"/>).</param>
    public void Compile(Optimizer optimizer, Loss loss, IEnumerable<Metric> metrics, bool runEagerly = false)
    {
        Compile(optimizer, loss, (IEnumerable<string>?)null, runEagerly);
        _metricObjects = [.. metrics];
    }

    /// <summary>
    /// Trains the model (Keras's <c>fit</c>). Arguments keep Keras's order and defaults: batch size
    /// 32, 1 epoch, verbose 1 (progress bar), no validation, shuffling every epoch. It starts once
    /// inference calls already running on other threads return, and refuses new ones from other threads until it ends.
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
    /// <param name="classWeight">Weight of each class's samples in the loss (Keras's <c>class_weight</c>: class index to weight), for a single output.</param>
    /// <param name="sampleWeight">Weight of each sample in the loss, shape [samples] (Keras's <c>sample_weight</c>); compiled metrics stay unweighted, as Keras's <c>metrics</c>.</param>
    /// <param name="initialEpoch">Epoch to start from (to resume a run): epochs initialEpoch+1 to <paramref name="epochs"/> run.</param>
    /// <param name="stepsPerEpoch">Batches per epoch; the pass over the data carries on across epochs, as Keras's.</param>
    /// <param name="validationSteps">Batches of validation data per validation, carrying on across epochs.</param>
    /// <param name="validationBatchSize">Batch size of validation (default <paramref name="batchSize"/>).</param>
    /// <param name="validationFreq">Validate every this many epochs (Keras's <c>validation_freq</c>).</param>
    /// <param name="cancellationToken">Stops training between batches with an <see cref="OperationCanceledException"/>; the weights are those after the last whole step.</param>
    /// <remarks>Without <paramref name="y"/> (Keras's <c>fit(x)</c>) the model's own loss is used: a custom TrainStep, ComputeLoss or AddLoss.</remarks>
    public History Fit(Tensor x, Tensor? y = null, int? batchSize = null, int epochs = 1, int verbose = 1, double validationSplit = 0.0,
        (Tensor X, Tensor Y)? validationData = null, bool shuffle = true, int? seed = null, IEnumerable<Callback>? callbacks = null,
        IReadOnlyDictionary<int, double>? classWeight = null, Tensor? sampleWeight = null, int initialEpoch = 0, int? stepsPerEpoch = null,
        int? validationSteps = null, int? validationBatchSize = null, int validationFreq = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        return TrainingLoop.Fit(this, [x], y is null ? [] : [y], batchSize ?? 32, epochs, verbose, validationSplit,
            validationData is { } v ? ([v.X], [v.Y]) : null, shuffle, seed, callbacks,
            new FitExtras(classWeight, sampleWeight, initialEpoch, stepsPerEpoch, validationSteps, validationBatchSize, validationFreq, cancellationToken));
    }

    /// <summary>
    /// Loss and metrics on the given data, in inference mode (Keras's <c>evaluate</c>): read by position
    /// (<c>score[0]</c> the loss) or, with <paramref name="returnDict"/>, by name only. Safe to call from several threads at once.
    /// </summary>
    /// <remarks><paramref name="sampleWeight"/> weighs each sample's loss (Keras's <c>sample_weight</c>); <paramref name="steps"/> evaluates only the first batches;
    /// <paramref name="callbacks"/> get the test hooks; <paramref name="cancellationToken"/> stops between batches with an <see cref="OperationCanceledException"/>.</remarks>
    public EvaluationResult Evaluate(Tensor x, Tensor? y = null, int? batchSize = null, int verbose = 1, bool returnDict = false, Tensor? sampleWeight = null, int? steps = null,
        IEnumerable<Callback>? callbacks = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        return TrainingLoop.Evaluate(this, [x], y is null ? [] : [y], batchSize ?? 32, verbose, returnDict, sampleWeight, steps, callbacks, cancellationToken);
    }

    /// <summary>
    /// Outputs for the given inputs, in inference mode, computed in batches (Keras's <c>predict</c>).
    /// Safe to call from several threads at once: each call gets the same values as a call made alone.
    /// <paramref name="cancellationToken"/> stops between batches with an <see cref="OperationCanceledException"/>.
    /// </summary>
    public Tensor Predict(Tensor x, int? batchSize = null, int verbose = 1, IEnumerable<Callback>? callbacks = null, CancellationToken cancellationToken = default)
    {
        int index = RequireSingleOutput("Predict", "PredictOutputs");
        return TrainingLoop.Predict(this, [x], batchSize ?? 32, verbose, callbacks: callbacks, cancellationToken: cancellationToken)[index];
    }

    /// <summary>
    /// Outputs for one batch, run as a single batch whatever its size (Keras's <c>predict_on_batch</c>).
    /// Safe to call from several threads at once.
    /// </summary>
    public Tensor PredictOnBatch(Tensor x)
    {
        int index = RequireSingleOutput("PredictOnBatch", "PredictOnBatch(IReadOnlyList<Tensor>)");
        ArgumentNullException.ThrowIfNull(x);
        return TrainingLoop.Predict(this, [x], x.Rank > 0 ? Math.Max(1, x.Shape[0]) : 1, verbose: 0, "PredictOnBatch")[index];
    }

    /// <summary>Index 0 when the model has one output; otherwise an error pointing at the method that returns one array per output.</summary>
    private int RequireSingleOutput(string method, string instead) => OutputCount == 1
        ? 0
        : throw new InvalidOperationException($"Model '{Name}' has {OutputCount} outputs, so {method} cannot return a single array; use {instead}, which returns one array per output.");

    /// <summary>
    /// Trains for <paramref name="steps"/> batches of <paramref name="batchSize"/> (after one
    /// untimed warm-up step) and reports the average time per step spent in each layer's forward
    /// and backward ops, the loss and the optimizer, in execution order. This does train the model.
    /// </summary>
    public IReadOnlyList<Training.LayerTiming> ProfileTrainStep(Tensor x, Tensor y, int batchSize = 32, int steps = 10)
        => TrainingLoop.ProfileTrainStep(this, x, y, batchSize, steps);

    /// <summary>
    /// Prints the summary table as Keras 3 does (to the console, or to <paramref name="printFn"/>); <paramref name="expandNested"/>
    /// lists nested models' layers under them ("└ "), <paramref name="showTrainable"/> adds Keras's Trainable column (Y, N, or - without weights).
    /// </summary>
    public void Summary(Action<string>? printFn = null, int? lineLength = null, bool expandNested = false, bool showTrainable = false)
    {
        var text = SummaryPrinter.Render(this, lineLength, expandNested, showTrainable);
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

    /// <summary>The layer at <paramref name="index"/> in <see cref="Layers"/> (Keras's <c>get_layer(index=...)</c>).</summary>
    public Layer GetLayer(int index) => index >= 0 && index < Layers.Count
        ? Layers[index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"Model '{Name}' has {Layers.Count} layers; index {index} is out of range.");

    /// <summary>The layer called <paramref name="name"/>, or an error listing the names.</summary>
    public Layer GetLayer(string name) => Layers.FirstOrDefault(l => l.Name == name)
        ?? throw new ArgumentException($"No layer named '{name}' in model '{Name}'. Layers: {string.Join(", ", Layers.Select(l => l.Name))}.", nameof(name));
}
