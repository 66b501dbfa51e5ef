using SharpKeras.Optimizers.Schedules;
using SharpKeras.Saving;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SharpKeras.Optimizers;

/// <summary>
/// Base of optimizers (<c>keras.optimizers.Optimizer</c>): keeps per-weight slots and applies one
/// update per training step, with Keras's gradient clipping, decoupled weight decay, EMA of the
/// weights, gradient accumulation and loss scaling. Strings such as "adam" convert to it implicitly.
/// </summary>
public abstract class Optimizer
{
    private readonly List<Variable> _trainables = [];
    private readonly List<Tensor[]> _slots = [];
    private readonly List<Tensor?> _averages = [];
    private readonly List<Tensor?> _accumulators = [];
    private readonly List<Tensor?> _work = [];
    private readonly List<bool> _decay = [];
    private readonly List<bool> _inWork = [];
    private double _learningRate;
    private long _iterations;
    private HashSet<Variable>? _excludedFromDecay;
    private Regex? _excludedFromDecayPattern;

    /// <summary>Creates an optimizer with its Keras name and a fixed learning rate, without the base options.</summary>
    protected Optimizer(string name, double learningRate) : this(name, learningRate, learningRate)
    {
    }

    /// <summary>
    /// Creates an optimizer with Keras's base arguments; <paramref name="defaultLearningRate"/> applies
    /// when <paramref name="learningRate"/> is left at its default.
    /// </summary>
    protected Optimizer(string name, LearningRateArgument learningRate, double defaultLearningRate, double? weightDecay = null,
        double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null, bool useEma = false, double emaMomentum = 0.99,
        int? emaOverwriteFrequency = null, double? lossScaleFactor = null, int? gradientAccumulationSteps = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        if (learningRate.Schedule is { } schedule)
        {
            Schedule = schedule;
        }
        else
        {
            LearningRate = learningRate.Value ?? defaultLearningRate;
        }
        SetBaseOptions(weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum, emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps);
    }

    /// <summary>The optimizer's name ("adam", "SGD", "rmsprop"); Keras prefixes its variables with it.</summary>
    public string Name { get; private set; }

    /// <summary>
    /// The learning rate of the next step: the fixed rate (used as a float32, as Keras's variable), or the
    /// schedule's value at the current iteration. Setting it with a schedule fails, as in Keras.
    /// </summary>
    public double LearningRate
    {
        get => Schedule is { } s ? s.Call(_iterations) : _learningRate;
        set
        {
            if (Schedule is not null)
            {
                throw new InvalidOperationException($"{Name}: this optimizer was created with a LearningRateSchedule ({Schedule.ClassName}) as its learning rate, " +
                    "hence its learning rate is not settable; create the optimizer with a number as learningRate to set it.");
            }
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{Name}: learning rate must be a finite number >= 0, got {value}.");
            }
            _learningRate = value;
        }
    }

    /// <summary>The learning-rate schedule given as <c>learning_rate</c>, or null for a fixed rate.</summary>
    public LearningRateSchedule? Schedule { get; }

    /// <summary>
    /// Keras's <c>iterations</c>: the number of updates applied (with gradient accumulation, the number
    /// of calls divided by the accumulation steps).
    /// </summary>
    public long Iterations => GradientAccumulationSteps is int s ? _iterations / s : _iterations;

    /// <summary>Decoupled weight decay (Keras's <c>weight_decay</c>): each step multiplies the weights by 1 - weight_decay * lr first; null for none.</summary>
    public double? WeightDecay { get; private set; }

    /// <summary>Keras's <c>clipnorm</c>: each gradient is rescaled to at most this L2 norm; null for none.</summary>
    public double? Clipnorm { get; private set; }

    /// <summary>Keras's <c>clipvalue</c>: each gradient element is clipped to [-clipvalue, clipvalue]; null for none.</summary>
    public double? Clipvalue { get; private set; }

    /// <summary>Keras's <c>global_clipnorm</c>: all gradients are rescaled together to at most this global L2 norm; null for none.</summary>
    public double? GlobalClipnorm { get; private set; }

    /// <summary>Keras's <c>use_ema</c>: keep an exponential moving average of the weights.</summary>
    public bool UseEma { get; private set; }

    /// <summary>Keras's <c>ema_momentum</c>: the decay of the moving average.</summary>
    public double EmaMomentum { get; private set; } = 0.99;

    /// <summary>Keras's <c>ema_overwrite_frequency</c>: every this many iterations the weights are replaced by their average; null for only at the end of Fit.</summary>
    public int? EmaOverwriteFrequency { get; private set; }

    /// <summary>Keras's <c>loss_scale_factor</c>: the loss is multiplied by it before differentiation and the gradients divided by it; null for none.</summary>
    public double? LossScaleFactor { get; private set; }

    /// <summary>Keras's <c>gradient_accumulation_steps</c>: update once every this many steps with the mean gradient; null for every step.</summary>
    public int? GradientAccumulationSteps { get; private set; }

    /// <summary>Keras's class name written to configs ("Adam", "SGD", "RMSprop").</summary>
    public virtual string ClassName => GetType().Name;

    private void SetBaseOptions(double? weightDecay, double? clipnorm, double? clipvalue, double? globalClipnorm, bool useEma, double emaMomentum,
        int? emaOverwriteFrequency, double? lossScaleFactor, int? gradientAccumulationSteps)
    {
        if (gradientAccumulationSteps is int steps && steps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(gradientAccumulationSteps), steps, $"{Name}: gradientAccumulationSteps must be an integer >= 2, got {steps}.");
        }
        if (useEma)
        {
            if (!(emaMomentum >= 0 && emaMomentum <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(emaMomentum), emaMomentum, $"{Name}: emaMomentum must be in the range [0, 1], got {emaMomentum}.");
            }
            if (emaOverwriteFrequency is int f && f < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(emaOverwriteFrequency), f, $"{Name}: emaOverwriteFrequency must be an integer >= 1 or null, got {f}.");
            }
        }
        if ((clipnorm is null ? 0 : 1) + (clipvalue is null ? 0 : 1) + (globalClipnorm is null ? 0 : 1) > 1)
        {
            throw new ArgumentException($"{Name}: only one of clipnorm, clipvalue and globalClipnorm can be set; got clipnorm={Show(clipnorm)}, " +
                $"clipvalue={Show(clipvalue)}, globalClipnorm={Show(globalClipnorm)}.");
        }
        if (lossScaleFactor is double s && !(s > 0 && double.IsFinite(s)))
        {
            throw new ArgumentOutOfRangeException(nameof(lossScaleFactor), s, $"{Name}: lossScaleFactor must be a finite number > 0, got {s}.");
        }
        WeightDecay = weightDecay;
        Clipnorm = clipnorm;
        Clipvalue = clipvalue;
        GlobalClipnorm = globalClipnorm;
        UseEma = useEma;
        EmaMomentum = emaMomentum;
        EmaOverwriteFrequency = emaOverwriteFrequency;
        LossScaleFactor = lossScaleFactor;
        GradientAccumulationSteps = gradientAccumulationSteps;
    }

    private static string Show(double? v) => v is double d ? d.ToString(CultureInfo.InvariantCulture) : "null";

    /// <summary>The optimizer's configuration (Keras's <c>get_config</c>): the base fields, then the subclass's.</summary>
    public virtual JsonObject GetConfig() => new()
    {
        ["name"] = Name,
        // Keras writes its float32 variable's value (0.001 becomes 0.0010000000474974513).
        ["learning_rate"] = Schedule is { } s ? KerasSerializer.Serialize(s) : (double)(float)_learningRate,
        ["weight_decay"] = WeightDecay,
        ["clipnorm"] = Clipnorm,
        ["global_clipnorm"] = GlobalClipnorm,
        ["clipvalue"] = Clipvalue,
        ["use_ema"] = UseEma,
        ["ema_momentum"] = EmaMomentum,
        ["ema_overwrite_frequency"] = EmaOverwriteFrequency,
        ["loss_scale_factor"] = LossScaleFactor,
        ["gradient_accumulation_steps"] = GradientAccumulationSteps,
    };

    /// <summary>
    /// The <c>learning_rate</c> of a config: a number, or a serialized schedule (Keras's from_config
    /// deserializes it); <paramref name="fallback"/> when absent.
    /// </summary>
    protected static LearningRateArgument LearningRateFrom(JsonObject config, double fallback)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config["learning_rate"] switch
        {
            null => fallback,
            JsonObject o => KerasSerializer.LearningRateSchedule(o),
            _ => Cfg.Double(config, "learning_rate"),
        };
    }

    /// <summary>
    /// Applies the base fields of a Keras optimizer config (name, weight decay, clipping, EMA, loss
    /// scale, gradient accumulation) to a freshly made optimizer, with the constructor's checks; returns it.
    /// </summary>
    protected static T WithBaseConfig<T>(JsonObject config, T optimizer) where T : Optimizer
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (Cfg.Name(config) is { } name)
        {
            optimizer.Name = name;
        }
        optimizer.SetBaseOptions(OptionalDouble(config, "weight_decay"), OptionalDouble(config, "clipnorm"), OptionalDouble(config, "clipvalue"),
            OptionalDouble(config, "global_clipnorm"), Cfg.Bool(config, "use_ema", false), Cfg.Double(config, "ema_momentum", 0.99),
            Cfg.OptionalInt(config, "ema_overwrite_frequency"), OptionalDouble(config, "loss_scale_factor"), Cfg.OptionalInt(config, "gradient_accumulation_steps"));
        return optimizer;
    }

    private static double? OptionalDouble(JsonObject config, string key) => config[key] is null ? null : Cfg.Double(config, key);

    /// <summary>
    /// Keras's <c>exclude_from_weight_decay</c>: weights in <paramref name="varList"/>, or whose name
    /// matches any of the regular expressions in <paramref name="varNames"/>, get no weight decay.
    /// Only before the optimizer is built.
    /// </summary>
    public void ExcludeFromWeightDecay(IEnumerable<Variable>? varList = null, IEnumerable<string>? varNames = null)
    {
        if (Built)
        {
            throw new InvalidOperationException($"{Name}: ExcludeFromWeightDecay can only be configured before the optimizer is built.");
        }
        _excludedFromDecay = varList is null ? null : [.. varList];
        var names = varNames?.Distinct().ToList();
        _excludedFromDecayPattern = names is { Count: > 0 } ? new Regex(string.Join("|", names), RegexOptions.CultureInvariant) : null;
    }

    private bool UsesWeightDecay(Variable v) =>
        !(_excludedFromDecay?.Contains(v) ?? false) && !(_excludedFromDecayPattern?.IsMatch(v.Name) ?? false);

    /// <summary>
    /// The optimizer's variables as Keras saves them (<c>optimizer.variables</c>): iterations, the
    /// learning rate (not with a schedule), the EMA averages, the gradient accumulators, each weight's
    /// slots in Keras's creation order, then any optimizer-wide variable (Nadam's momentum product).
    /// </summary>
    internal IReadOnlyList<Tensor> SaveableVariables()
    {
        var list = new List<Tensor> { Tensor.WrapInts([(int)_iterations], new Shape(1)).View(Shape.Scalar) };
        if (Schedule is null)
        {
            list.Add(Tensor.Scalar((float)_learningRate));
        }
        list.AddRange(Stateful());
        return list;
    }

    /// <summary>How many variables an optimizer has before it is built (iterations, and the learning rate unless scheduled).</summary>
    internal int UnbuiltVariableCount => Schedule is null ? 2 : 1;

    private IEnumerable<Tensor> Stateful()
    {
        if (UseEma)
        {
            foreach (var a in _averages)
            {
                yield return a!;
            }
        }
        if (GradientAccumulationSteps is not null)
        {
            foreach (var a in _accumulators)
            {
                yield return a!;
            }
        }
        foreach (var s in SlotsInSaveOrder())
        {
            yield return s;
        }
        if (Built)
        {
            foreach (var t in ExtraVariables)
            {
                yield return t;
            }
        }
    }

    /// <summary>
    /// How Keras orders the slots in its saved variables: each entry is a group of slot kinds made by
    /// one add_optimizer_variables call, interleaved per weight inside the group (Adam: m, v of each
    /// weight, then AMSGrad's v_hat of each weight; RMSprop: every kind on its own). The sizes add up
    /// to <see cref="SlotsPerVariable"/>; the default is one group (per weight, all kinds).
    /// </summary>
    private protected virtual int[] SlotGroups => [SlotsPerVariable];

    /// <summary>Optimizer-wide variables that Keras creates after the slots (Nadam's momentum product); built with the slots.</summary>
    private protected virtual IReadOnlyList<Tensor> ExtraVariables => [];

    /// <summary>Resets <see cref="ExtraVariables"/> when the slots are built.</summary>
    private protected virtual void BuildExtraVariables()
    {
    }

    /// <summary>Called once per update (not per weight) before the weights are updated; <paramref name="step"/> counts from 1.</summary>
    private protected virtual void BeginUpdate(long step)
    {
    }

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
            throw new FormatException($"{where}: optimizer '{Name}' expects {own.Count} variables (iterations, " +
                $"{(Schedule is null ? "learning rate, " : "")}{own.Count - UnbuiltVariableCount} slots and other state) but the file has {values.Count}.");
        }
        for (int i = UnbuiltVariableCount; i < own.Count; i++)
        {
            // A scalar slot (Nadam's u_product) is held as (1,) here and read as a rank-0 dataset.
            bool scalarPair = values[i].Length == 1 && own[i].Length == 1;
            if (values[i].Shape != own[i].Shape && !scalarPair)
            {
                throw new FormatException($"{where}/{i}: optimizer variable has shape {values[i].Shape} in the file but {own[i].Shape} in the model.");
            }
        }
        _iterations = values[0].GetInt(0);
        if (Schedule is null)
        {
            LearningRate = values[1].GetFloat(0);
        }
        int k = UnbuiltVariableCount;
        foreach (var t in Stateful())
        {
            values[k++].Cast(DType.Float32).Span.CopyTo(t.Span);
        }
    }

    /// <summary>True once slots exist for a set of weights.</summary>
    public bool Built { get; private set; }

    /// <summary>Number of slot tensors per weight (Adam: m and v).</summary>
    protected abstract int SlotsPerVariable { get; }

    /// <summary>The initial value of slot kind <paramref name="kind"/> (Keras's initializer of that slot; Adagrad's accumulator starts at initial_accumulator_value).</summary>
    protected virtual float SlotInitialValue(int kind) => 0f;

    /// <summary>
    /// Number of scalars the optimizer stores, as Keras counts "Optimizer params": every optimizer
    /// variable (iteration counter, learning rate, slots and the rest).
    /// </summary>
    public int CountParams() => Built ? SaveableVariables().Sum(t => t.Length) : 0;

    /// <summary>The slot tensors of each weight, in weight order.</summary>
    public IReadOnlyList<IReadOnlyList<Tensor>> Slots => _slots;

    /// <summary>The EMA of each weight, in weight order (empty unless <see cref="UseEma"/>).</summary>
    public IReadOnlyList<Tensor> MovingAverages => UseEma ? [.. _averages.Select(a => a!)] : [];

    /// <summary>The optimizer for a Keras identifier (with Keras 3 defaults), or an error listing the valid ones.</summary>
    public static Optimizer Get(string name) => (name ?? throw new ArgumentNullException(nameof(name))).ToLowerInvariant() switch
    {
        "adam" => new Adam(),
        "adamw" => new AdamW(),
        "sgd" => new SGD(),
        "rmsprop" => new RMSprop(),
        "adadelta" => new Adadelta(),
        "adagrad" => new Adagrad(),
        "adamax" => new Adamax(),
        "nadam" => new Nadam(),
        "lion" => new Lion(),
        "ftrl" => new Ftrl(),
        _ => throw new ArgumentException($"Unknown optimizer '{name}'. Valid optimizers: adadelta, adagrad, adam, adamax, adamw, ftrl, lion, nadam, rmsprop, sgd.", nameof(name)),
    };

    /// <summary>Looks a Keras identifier up.</summary>
    public static implicit operator Optimizer(string name) => Get(name);

    /// <summary>Creates the slots for <paramref name="variables"/>, as Keras's optimizer.build.</summary>
    public void Build(IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        _trainables.Clear();
        _slots.Clear();
        _averages.Clear();
        _accumulators.Clear();
        _work.Clear();
        _decay.Clear();
        _inWork.Clear();
        foreach (var v in variables)
        {
            AddSlots(v);
        }
        BuildExtraVariables();
        Built = true;
    }

    private int AddSlots(Variable v)
    {
        _trainables.Add(v);
        var s = new Tensor[SlotsPerVariable];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = Tensor.Zeros(v.Shape);
            if (SlotInitialValue(i) is float init && init != 0f)
            {
                s[i].Span.Fill(init);
            }
        }
        _slots.Add(s);
        _averages.Add(UseEma ? Tensor.Zeros(v.Shape) : null);
        _accumulators.Add(GradientAccumulationSteps is not null ? Tensor.Zeros(v.Shape) : null);
        bool transforms = LossScaleFactor is not null || GradientAccumulationSteps is not null || Clipnorm is not null || Clipvalue is not null || GlobalClipnorm is not null;
        _work.Add(transforms ? Tensor.Zeros(v.Shape) : null);
        _decay.Add(UsesWeightDecay(v));
        _inWork.Add(false);
        return _slots.Count - 1;
    }

    /// <summary>
    /// Applies one step as Keras's <c>apply</c>: null gradients are skipped; the gradients are unscaled
    /// (loss_scale_factor), accumulated (gradient_accumulation_steps), clipped, then each weight gets
    /// weight decay and its update; the EMA follows; iterations counts every call. Builds the slots on first use.
    /// </summary>
    public void ApplyGradients(IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(variables);
        if (gradients.Count != variables.Count)
        {
            throw new ArgumentException($"{Name}: got {gradients.Count} gradients for {variables.Count} variables.");
        }
        // A custom TrainStep being recorded replays this update (Training/CustomStepPlan).
        using var recording = Training.StepRecorder.OnApplyGradients(this, gradients, variables);
        if (!Built)
        {
            Build(variables);
        }
        var kernels = Backend.Kernels.Current;
        float lr = Schedule is { } schedule ? schedule.Call(_iterations) : (float)_learningRate;
        int accumulation = GradientAccumulationSteps ?? 0;
        bool isUpdate = accumulation == 0 || (_iterations + 1) % accumulation == 0;
        double globalSquares = 0;
        bool any = false;
        for (int i = 0; i < variables.Count; i++)
        {
            if (gradients[i] is not { } g)
            {
                continue;
            }
            int slot = SlotOf(variables[i], g);
            _inWork[slot] = false;
            var work = _work[slot];
            ReadOnlySpan<float> eff = g.Span;
            if (LossScaleFactor is double scale)
            {
                kernels.ScaleGradient(eff, work!.Span, 1f, F32(scale));
                eff = work.Span;
            }
            if (accumulation != 0)
            {
                if (!isUpdate)
                {
                    kernels.AccumulateGradient(eff, _accumulators[slot]!.Span);
                    continue;
                }
                kernels.TakeAccumulatedGradient(eff, _accumulators[slot]!.Span, work!.Span, accumulation);
                eff = work.Span;
            }
            any = true;
            if (Clipnorm is double clipnorm && clipnorm > 0)
            {
                // Keras's _clip_by_norm: g * clipnorm / max(||g||, clipnorm), with a zero norm kept as zero.
                float l2sum = (float)kernels.SumOfSquares(eff);
                float l2norm = l2sum > 0 ? MathF.Sqrt(l2sum) : l2sum;
                kernels.ScaleGradient(eff, work!.Span, F32(clipnorm), MathF.Max(l2norm, F32(clipnorm)));
                eff = work.Span;
            }
            else if (Clipvalue is double clipvalue && clipvalue > 0 && (GlobalClipnorm is null or <= 0))
            {
                kernels.ClipGradient(eff, work!.Span, F32(clipvalue));
                eff = work.Span;
            }
            else if (GlobalClipnorm is > 0)
            {
                globalSquares += kernels.SumOfSquares(eff);
            }
            _inWork[slot] = eff == (work is null ? default : work.Span);
        }
        if (any)
        {
            float globalScale = 1f;
            bool globalClip = GlobalClipnorm is > 0;
            if (globalClip)
            {
                // Keras's clip_by_global_norm: clip * min(1 / norm, 1 / clip), NaN when the norm is not finite.
                float norm = (float)Math.Sqrt(globalSquares);
                float clip = F32(GlobalClipnorm!.Value);
                globalScale = clip * MathF.Min(1f / norm, F32(1.0 / GlobalClipnorm.Value)) + (norm - norm);
            }
            long step = Iterations + 1;
            BeginUpdate(step);
            float decayFactor = WeightDecay is double wd ? 1f - F32(wd) * lr : 1f;
            for (int i = 0; i < variables.Count; i++)
            {
                if (gradients[i] is not { } g)
                {
                    continue;
                }
                int slot = _trainables.IndexOf(variables[i]);
                var work = _work[slot];
                ReadOnlySpan<float> eff = _inWork[slot] ? work!.Span : g.Span;
                if (globalClip)
                {
                    kernels.ScaleGradient(eff, work!.Span, globalScale, 1f);
                    eff = work.Span;
                }
                var w = variables[i].Value.Span;
                if (WeightDecay is not null && _decay[slot])
                {
                    kernels.DecayWeights(w, decayFactor);
                }
                UpdateStep(eff, w, _slots[slot], lr, step);
                variables[i].MarkChanged();
            }
        }
        if (UseEma)
        {
            float momentum = Iterations != 0 ? F32(EmaMomentum) : 0f;
            for (int i = 0; i < _trainables.Count; i++)
            {
                kernels.MovingAverage(_trainables[i].Value.Span, _averages[i]!.Span, momentum, 1f - momentum);
            }
            if (EmaOverwriteFrequency is int every && (Iterations + 1) % every == 0)
            {
                OverwriteWithAverages(_trainables);
            }
        }
        _iterations++;
    }

    private int SlotOf(Variable v, Tensor g)
    {
        int slot = _trainables.IndexOf(v);
        if (slot < 0)
        {
            // A weight made trainable after the first step: give it fresh slots, as a rebuild would.
            slot = AddSlots(v);
        }
        if (g.Shape != v.Shape)
        {
            throw new ArgumentException($"{Name}: gradient of shape {g.Shape} for variable '{v.Name}' of shape {v.Shape}.");
        }
        return slot;
    }

    private void OverwriteWithAverages(IReadOnlyList<Variable> variables)
    {
        // An indexed loop: enumerating the interface would allocate inside the training step.
        for (int i = 0; i < variables.Count; i++)
        {
            var v = variables[i];
            int slot = _trainables.IndexOf(v);
            if (slot < 0)
            {
                throw new ArgumentException($"{Name}: variable '{v.Name}' is not one the optimizer was built with, so it has no moving average.");
            }
            _averages[slot]!.Span.CopyTo(v.Value.Span);
            v.MarkChanged();
        }
    }

    /// <summary>
    /// Keras's <c>finalize_variable_values</c>: with <see cref="UseEma"/>, replaces the weights by their
    /// moving averages (Fit does this after the last epoch); otherwise does nothing.
    /// </summary>
    public void FinalizeVariableValues(IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (UseEma && Built)
        {
            OverwriteWithAverages(variables);
        }
    }

    /// <summary>Keras's <c>scale_loss</c>: the loss times <see cref="LossScaleFactor"/>, or unchanged.</summary>
    public double ScaleLoss(double loss) => LossScaleFactor is double s ? loss * s : loss;

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

    /// <summary>
    /// Updates one weight in place from its (clipped, decayed-weight) gradient; <paramref name="step"/>
    /// counts from 1 (Keras's iterations + 1).
    /// </summary>
    protected abstract void UpdateStep(ReadOnlySpan<float> gradient, Span<float> weight, Tensor[] slots, float learningRate, long step);

    /// <summary>A hyperparameter as Keras's float32 tensor of the Python double (1 - 0.9 becomes 0.1f, not 1f - 0.9f).</summary>
    protected static float F32(double value) => (float)value;
}
