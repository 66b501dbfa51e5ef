using System.Text.Json.Nodes;

namespace SharpKeras.Optimizers;

/// <summary>
/// Base of optimizers (<c>keras.optimizers.Optimizer</c>): keeps per-weight slots and applies one
/// update per training step. Strings such as "adam" convert to it implicitly.
/// </summary>
public abstract class Optimizer
{
    private readonly List<Variable> _trainables = [];
    private readonly List<Tensor[]> _slots = [];
    private double _learningRate;

    /// <summary>Creates an optimizer with its Keras name and learning rate.</summary>
    protected Optimizer(string name, double learningRate)
    {
        Name = name;
        LearningRate = learningRate;
    }

    /// <summary>The optimizer's name ("adam", "sgd", "rmsprop").</summary>
    public string Name { get; }

    /// <summary>The step size.</summary>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{Name}: learning rate must be a finite number >= 0, got {value}.");
            }
            _learningRate = value;
        }
    }

    /// <summary>Number of updates applied so far (Keras's <c>iterations</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>Keras's class name written to configs ("Adam", "SGD", "RMSprop").</summary>
    public virtual string ClassName => GetType().Name;

    /// <summary>The optimizer's configuration (Keras's <c>get_config</c>): the base fields, then the subclass's.</summary>
    public virtual JsonObject GetConfig() => new()
    {
        ["name"] = Name,
        ["learning_rate"] = LearningRate,
        ["weight_decay"] = null,
        ["clipnorm"] = null,
        ["global_clipnorm"] = null,
        ["clipvalue"] = null,
        ["use_ema"] = false,
        ["ema_momentum"] = 0.99,
        ["ema_overwrite_frequency"] = null,
        ["loss_scale_factor"] = null,
        ["gradient_accumulation_steps"] = null,
    };

    /// <summary>
    /// The optimizer's variables as Keras saves them: iterations, learning rate, then each weight's
    /// slots in weight order (Adam: m, v per weight).
    /// </summary>
    internal IReadOnlyList<Tensor> SaveableVariables()
    {
        var list = new List<Tensor>
        {
            Tensor.WrapInts([(int)Iterations], new Shape(1)).View(Shape.Scalar),
            Tensor.Scalar((float)LearningRate),
        };
        list.AddRange(SlotsInSaveOrder());
        return list;
    }

    /// <summary>
    /// Whether Keras stores this optimizer's slots grouped by kind (all velocities, then all momentums,
    /// as RMSprop builds them) rather than per weight (m, v of each weight in turn, as Adam).
    /// </summary>
    private protected virtual bool SlotsGroupedByKind => false;

    private IEnumerable<Tensor> SlotsInSaveOrder() => SlotsGroupedByKind
        ? Enumerable.Range(0, SlotsPerVariable).SelectMany(k => _slots.Select(s => s[k]))
        : _slots.SelectMany(s => s);

    /// <summary>Restores saved variables (see <see cref="SaveableVariables"/>); slots must already be built.</summary>
    internal void LoadVariables(IReadOnlyList<Tensor> values, string where)
    {
        var own = SaveableVariables();
        if (values.Count != own.Count)
        {
            throw new FormatException($"{where}: optimizer '{Name}' expects {own.Count} variables (iterations, learning rate and {own.Count - 2} slots) but the file has {values.Count}.");
        }
        for (int i = 2; i < own.Count; i++)
        {
            if (values[i].Shape != own[i].Shape)
            {
                throw new FormatException($"{where}/{i}: optimizer variable has shape {values[i].Shape} in the file but {own[i].Shape} in the model.");
            }
        }
        Iterations = values[0].GetInt(0);
        LearningRate = values[1].GetFloat(0);
        int k = 2;
        foreach (var t in SlotsInSaveOrder())
        {
            values[k++].Cast(DType.Float32).Span.CopyTo(t.Span);
        }
    }

    /// <summary>True once slots exist for a set of weights.</summary>
    public bool Built { get; private set; }

    /// <summary>Number of slot tensors per weight (Adam: m and v).</summary>
    protected abstract int SlotsPerVariable { get; }

    /// <summary>
    /// Number of scalars the optimizer stores, as Keras counts "Optimizer params": the iteration
    /// counter, the learning rate and every slot.
    /// </summary>
    public int CountParams() => Built ? 2 + _slots.Sum(s => s.Sum(t => t.Length)) : 0;

    /// <summary>The slot tensors of each weight, in weight order.</summary>
    public IReadOnlyList<IReadOnlyList<Tensor>> Slots => _slots;

    /// <summary>The optimizer for a Keras identifier (with Keras 3 defaults), or an error listing the valid ones.</summary>
    public static Optimizer Get(string name) => (name ?? throw new ArgumentNullException(nameof(name))).ToLowerInvariant() switch
    {
        "adam" => new Adam(),
        "sgd" => new SGD(),
        "rmsprop" => new RMSprop(),
        "adadelta" => new Adadelta(),
        _ => throw new ArgumentException($"Unknown optimizer '{name}'. Valid optimizers: adadelta, adam, rmsprop, sgd.", nameof(name)),
    };

    /// <summary>Looks a Keras identifier up.</summary>
    public static implicit operator Optimizer(string name) => Get(name);

    /// <summary>Creates the slots for <paramref name="variables"/> (zeros), as Keras's optimizer.build.</summary>
    public void Build(IReadOnlyList<Variable> variables)
    {
        _trainables.Clear();
        _slots.Clear();
        foreach (var v in variables)
        {
            AddSlots(v);
        }
        Built = true;
    }

    private int AddSlots(Variable v)
    {
        _trainables.Add(v);
        var s = new Tensor[SlotsPerVariable];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = Tensor.Zeros(v.Shape);
        }
        _slots.Add(s);
        return _slots.Count - 1;
    }

    /// <summary>
    /// Applies one update: each weight moves by its gradient (null gradients are skipped, as Keras
    /// skips weights that do not affect the loss). Builds the slots on first use.
    /// </summary>
    public void ApplyGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables)
    {
        if (gradients.Count != variables.Count)
        {
            throw new ArgumentException($"{Name}: got {gradients.Count} gradients for {variables.Count} variables.");
        }
        if (!Built)
        {
            Build(variables);
        }
        long step = Iterations + 1;
        for (int i = 0; i < variables.Count; i++)
        {
            if (gradients[i] is not { } g)
            {
                continue;
            }
            int slot = _trainables.IndexOf(variables[i]);
            if (slot < 0)
            {
                // A weight made trainable after the first step: give it fresh slots, as a rebuild would.
                slot = AddSlots(variables[i]);
            }
            if (g.Shape != variables[i].Shape)
            {
                throw new ArgumentException($"{Name}: gradient of shape {g.Shape} for variable '{variables[i].Name}' of shape {variables[i].Shape}.");
            }
            UpdateStep(g.Span, variables[i].Value.Span, _slots[slot], (float)LearningRate, step);
        }
        Iterations = step;
    }

    /// <summary>Updates one weight in place from its gradient; <paramref name="step"/> counts from 1.</summary>
    protected abstract void UpdateStep(ReadOnlySpan<float> gradient, Span<float> weight, Tensor[] slots, float learningRate, long step);

    /// <summary>A hyperparameter as Keras's float32 tensor of the Python double (1 - 0.9 becomes 0.1f, not 1f - 0.9f).</summary>
    protected static float F32(double value) => (float)value;
}

/// <summary>Stochastic gradient descent with optional (Nesterov) momentum (<c>keras.optimizers.SGD</c>, lr 0.01).</summary>
public sealed class SGD : Optimizer
{
    /// <summary>SGD with Keras 3 defaults: learning rate 0.01, no momentum.</summary>
    public SGD(double learningRate = 0.01, double momentum = 0.0, bool nesterov = false) : base("sgd", learningRate)
    {
        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"SGD momentum must be in [0, 1], got {momentum}.");
        }
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor (0 disables the velocity slot).</summary>
    public double Momentum { get; }

    /// <summary>Whether to use Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["momentum"] = Momentum;
        c["nesterov"] = Nesterov;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => Momentum != 0 ? 1 : 0;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step) =>
        Backend.Kernels.Current.SgdUpdate(g, w, Momentum == 0 ? default : slots[0].Span, lr, F32(Momentum), Nesterov);
}

/// <summary>RMSprop (<c>keras.optimizers.RMSprop</c>: lr 0.001, rho 0.9, epsilon 1e-7 inside the square root).</summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>RMSprop with Keras 3 defaults.</summary>
    public RMSprop(double learningRate = 0.001, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false)
        : base("rmsprop", learningRate)
    {
        Rho = rho;
        Momentum = momentum;
        Epsilon = epsilon;
        Centered = centered;
    }

    /// <summary>Discount of the running mean of squared gradients.</summary>
    public double Rho { get; }

    /// <summary>Momentum factor (0: none).</summary>
    public double Momentum { get; }

    /// <summary>Added to the mean square before the root, for stability.</summary>
    public double Epsilon { get; }

    /// <summary>Whether to normalise by the variance instead of the mean square.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["rho"] = Rho;
        c["momentum"] = Momentum;
        c["epsilon"] = Epsilon;
        c["centered"] = Centered;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => 1 + (Momentum > 0 ? 1 : 0) + (Centered ? 1 : 0);

    /// <inheritdoc/>
    private protected override bool SlotsGroupedByKind => true;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step) =>
        Backend.Kernels.Current.RmsPropUpdate(g, w, slots[0].Span, Momentum > 0 ? slots[1].Span : default, Centered ? slots[^1].Span : default,
            lr, F32(Rho), F32(1 - Rho), F32(Epsilon), F32(Momentum));
}

/// <summary>Adam (<c>keras.optimizers.Adam</c>: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7).</summary>
public sealed class Adam : Optimizer
{
    /// <summary>Adam with Keras 3 defaults.</summary>
    public Adam(double learningRate = 0.001, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false)
        : base("adam", learningRate)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        Amsgrad = amsgrad;
    }

    /// <summary>Decay of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>Added to sqrt(v) (outside the root, as Keras's "epsilon hat").</summary>
    public double Epsilon { get; }

    /// <summary>Whether to use the AMSGrad variant (maximum of past second moments).</summary>
    public bool Amsgrad { get; }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["beta_1"] = Beta1;
        c["beta_2"] = Beta2;
        c["epsilon"] = Epsilon;
        c["amsgrad"] = Amsgrad;
        return c;
    }

    /// <inheritdoc/>
    protected override int SlotsPerVariable => Amsgrad ? 3 : 2;

    /// <inheritdoc/>
    protected override void UpdateStep(ReadOnlySpan<float> g, Span<float> w, Tensor[] slots, float lr, long step)
    {
        float t = step;
        float b1Power = MathF.Pow(F32(Beta1), t);
        float b2Power = MathF.Pow(F32(Beta2), t);
        float alpha = lr * MathF.Sqrt(1f - b2Power) / (1f - b1Power);
        float oneMinusB1 = F32(1 - Beta1), oneMinusB2 = F32(1 - Beta2), eps = F32(Epsilon);
        Backend.Kernels.Current.AdamUpdate(g, w, slots[0].Span, slots[1].Span, Amsgrad ? slots[2].Span : default,
            alpha, oneMinusB1, oneMinusB2, eps);
    }
}
