using System.Numerics;
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
    /// Refuses base-optimizer options of a config that SharpKeras does not apply (gradient clipping,
    /// weight decay, EMA, gradient accumulation, loss scaling), so a model never silently trains
    /// differently from Keras; returns <paramref name="optimizer"/>.
    /// </summary>
    protected static T Checked<T>(JsonObject config, T optimizer) where T : Optimizer
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var key in new[] { "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps" })
        {
            if (config[key] is { } v)
            {
                throw new Saving.ConfigException($"Config field \"{key}\" of optimizer {Saving.Cfg.Describe(config)} is {v.ToJsonString()}; SharpKeras does not support it yet (only null).");
            }
        }
        if (Saving.Cfg.Bool(config, "use_ema", false))
        {
            throw new Saving.ConfigException($"Config field \"use_ema\" of optimizer {Saving.Cfg.Describe(config)} is true; SharpKeras does not support EMA yet.");
        }
        return optimizer;
    }

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
    /// How Keras orders the slots in its saved variables: each entry is a group of slot kinds made by
    /// one add_optimizer_variables call, interleaved per weight inside the group (Adam: m, v of each
    /// weight, then AMSGrad's v_hat of each weight; RMSprop: every kind on its own). The sizes add up
    /// to <see cref="SlotsPerVariable"/>; the default is one group (per weight, all kinds).
    /// </summary>
    private protected virtual int[] SlotGroups => [SlotsPerVariable];

    private IEnumerable<Tensor> SlotsInSaveOrder()
    {
        int first = 0;
        foreach (int size in SlotGroups)
        {
            foreach (var s in _slots)
            {
                for (int k = first; k < first + size; k++)
                {
                    yield return s[k];
                }
            }
            first += size;
        }
    }

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

    /// <summary>
    /// Applies one update from (gradient, variable) pairs, as Keras's <c>apply_gradients(zip(grads, vars))</c>;
    /// pairs with a null gradient are skipped.
    /// </summary>
    public void ApplyGradients(IEnumerable<(Tensor? Gradient, Variable Variable)> gradsAndVars)
    {
        ArgumentNullException.ThrowIfNull(gradsAndVars);
        var pairs = gradsAndVars.ToList();
        for (int i = 0; i < pairs.Count; i++)
        {
            if (pairs[i].Variable is null)
            {
                throw new ArgumentException($"{Name}: apply_gradients pair {i} has no variable.", nameof(gradsAndVars));
            }
        }
        ApplyGradients([.. pairs.Select(p => p.Gradient)], [.. pairs.Select(p => p.Variable)]);
    }

    /// <summary>Updates one weight in place from its gradient; <paramref name="step"/> counts from 1.</summary>
    protected abstract void UpdateStep(ReadOnlySpan<float> gradient, Span<float> weight, Tensor[] slots, float learningRate, long step);

    /// <summary>A hyperparameter as Keras's float32 tensor of the Python double (1 - 0.9 becomes 0.1f, not 1f - 0.9f).</summary>
    protected static float F32(double value) => (float)value;
}
