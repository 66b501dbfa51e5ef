using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Normalises each sample over its last axis to mean 0 and variance 1, then scales by gamma and
/// shifts by beta (<c>keras.layers.LayerNormalization</c>: axis -1, epsilon 1e-3).
/// </summary>
public sealed class LayerNormalization : Layer, Saving.IKerasSerializable<LayerNormalization>
{
    private Variable? _gamma;
    private Variable? _beta;

    /// <summary>A LayerNormalization layer over <paramref name="axis"/> (the last axis; Keras's default -1).</summary>
    public LayerNormalization(int axis = -1, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, string? name = null,
        Regularizers.Regularizer? betaRegularizer = null, Regularizers.Regularizer? gammaRegularizer = null, Constraints.Constraint? betaConstraint = null, Constraints.Constraint? gammaConstraint = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (!(epsilon > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"LayerNormalization epsilon must be > 0, got {epsilon}.");
        }
        Axis = axis;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? new Zeros();
        GammaInitializer = gammaInitializer ?? new Ones();
        BetaRegularizer = betaRegularizer;
        GammaRegularizer = gammaRegularizer;
        BetaConstraint = betaConstraint;
        GammaConstraint = gammaConstraint;
    }

    /// <summary>The normalised axis; only the last axis is supported.</summary>
    public int Axis { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Whether beta is added.</summary>
    public bool Center { get; }

    /// <summary>Whether outputs are multiplied by gamma.</summary>
    public bool Scale { get; }

    /// <summary>The penalty on the beta weight added to the loss (Keras's <c>beta_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BetaRegularizer { get; }

    /// <summary>The projection of the beta weight after each update (Keras's <c>beta_constraint</c>), if any.</summary>
    public Constraints.Constraint? BetaConstraint { get; }

    /// <summary>The penalty on the gamma weight added to the loss (Keras's <c>gamma_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? GammaRegularizer { get; }

    /// <summary>The projection of the gamma weight after each update (Keras's <c>gamma_constraint</c>), if any.</summary>
    public Constraints.Constraint? GammaConstraint { get; }

    /// <summary>Initializer of beta (zeros).</summary>
    public Initializer BetaInitializer { get; }

    /// <summary>Initializer of gamma (ones).</summary>
    public Initializer GammaInitializer { get; }

    /// <summary>The scale; null before build or without scale.</summary>
    public Variable? Gamma => _gamma;

    /// <summary>The offset; null before build or without center.</summary>
    public Variable? Beta => _beta;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 1 || inputShape.NormalizeAxis(Axis) != inputShape.Rank - 1)
        {
            throw IncompatibleInput(inputShape, $"LayerNormalization supports normalising the last axis only (axis -1 or {inputShape.Rank - 1}), got axis {Axis}");
        }
        if (inputShape[-1] <= 0)
        {
            throw IncompatibleInput(inputShape, "expected a known last dimension");
        }
        var shape = new Shape(inputShape[-1]);
        if (Scale)
        {
            _gamma = AddWeight("gamma", shape, GammaInitializer, true, GammaRegularizer, GammaConstraint);
            // Keras reads it in float32 (autocast=False): the layer computes in float32 for bfloat16 inputs.
            _gamma.Autocast = false;
        }
        if (Center)
        {
            _beta = AddWeight("beta", shape, BetaInitializer, true, BetaRegularizer, BetaConstraint);
            // Keras reads it in float32 (autocast=False): the layer computes in float32 for bfloat16 inputs.
            _beta.Autocast = false;
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        int expected = (_gamma ?? _beta)?.Shape[0] ?? inputShape[-1];
        if (inputShape.Rank < 1 || inputShape[-1] != expected)
        {
            throw IncompatibleInput(inputShape, $"expected axis -1 of input shape to have value {expected}");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        Ops.LayerNormalization(inputs, _gamma?.Value, _beta?.Value, (float)Epsilon);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = new JsonArray(Axis);
        c["epsilon"] = Epsilon;
        c["center"] = Center;
        c["scale"] = Scale;
        c["rms_scaling"] = false;
        c["beta_initializer"] = Saving.KerasSerializer.Serialize(BetaInitializer);
        c["gamma_initializer"] = Saving.KerasSerializer.Serialize(GammaInitializer);
        c["beta_regularizer"] = Saving.KerasSerializer.Serialize(BetaRegularizer);
        c["gamma_regularizer"] = Saving.KerasSerializer.Serialize(GammaRegularizer);
        c["beta_constraint"] = Saving.KerasSerializer.Serialize(BetaConstraint);
        c["gamma_constraint"] = Saving.KerasSerializer.Serialize(GammaConstraint);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static LayerNormalization FromConfig(JsonObject config)
    {
        int axis = config["axis"] switch
        {
            null => -1,
            JsonArray { Count: 1 } or JsonValue => Saving.Cfg.Ints(config, "axis")[0],
            var other => throw Saving.Cfg.Wrong(config, "axis", "one axis (only the last axis is supported)", other),
        };
        if (Saving.Cfg.Bool(config, "rms_scaling", false))
        {
            throw new Saving.ConfigException($"Layer {Saving.Cfg.Describe(config)}: rms_scaling=true is not supported.");
        }
        return new LayerNormalization(axis, Saving.Cfg.Double(config, "epsilon", 1e-3), Saving.Cfg.Bool(config, "center", true),
            Saving.Cfg.Bool(config, "scale", true), Saving.KerasSerializer.Initializer(config["beta_initializer"], "zeros"),
            Saving.KerasSerializer.Initializer(config["gamma_initializer"], "ones"), Saving.Cfg.Name(config),
            betaRegularizer: Saving.KerasSerializer.Regularizer(config["beta_regularizer"]), gammaRegularizer: Saving.KerasSerializer.Regularizer(config["gamma_regularizer"]), betaConstraint: Saving.KerasSerializer.Constraint(config["beta_constraint"]), gammaConstraint: Saving.KerasSerializer.Constraint(config["gamma_constraint"]));
    }
}
