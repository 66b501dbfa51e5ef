using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Batch normalization over the channels axis (<c>keras.layers.BatchNormalization</c>): in training
/// (Fit) normalises with each batch's mean and variance and updates moving_mean and
/// moving_variance (non-trainable weights) with <see cref="Momentum"/>; in inference (Evaluate,
/// Predict, or when the layer is frozen) normalises with the moving statistics.
/// </summary>
public sealed class BatchNormalization : Layer, Saving.IKerasSerializable<BatchNormalization>
{
    private Variable? _gamma;
    private Variable? _beta;
    private Variable? _movingMean;
    private Variable? _movingVariance;

    /// <summary>A BatchNormalization layer with Keras 3 defaults (axis -1, momentum 0.99, epsilon 1e-3, center and scale).</summary>
    public BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Initializer? movingMeanInitializer = null, Initializer? movingVarianceInitializer = null, string? name = null,
        Regularizers.Regularizer? betaRegularizer = null, Regularizers.Regularizer? gammaRegularizer = null, Constraints.Constraint? betaConstraint = null, Constraints.Constraint? gammaConstraint = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"BatchNormalization: momentum must be in [0, 1], got {momentum}.");
        }
        if (!(epsilon > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"BatchNormalization: epsilon must be positive, got {epsilon}.");
        }
        Axis = axis;
        Momentum = momentum;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? new Zeros();
        GammaInitializer = gammaInitializer ?? new Ones();
        MovingMeanInitializer = movingMeanInitializer ?? new Zeros();
        MovingVarianceInitializer = movingVarianceInitializer ?? new Ones();
        BetaRegularizer = betaRegularizer;
        GammaRegularizer = gammaRegularizer;
        BetaConstraint = betaConstraint;
        GammaConstraint = gammaConstraint;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = Axis;
        c["momentum"] = Momentum;
        c["epsilon"] = Epsilon;
        c["center"] = Center;
        c["scale"] = Scale;
        c["beta_initializer"] = Saving.KerasSerializer.Serialize(BetaInitializer);
        c["gamma_initializer"] = Saving.KerasSerializer.Serialize(GammaInitializer);
        c["moving_mean_initializer"] = Saving.KerasSerializer.Serialize(MovingMeanInitializer);
        c["moving_variance_initializer"] = Saving.KerasSerializer.Serialize(MovingVarianceInitializer);
        c["beta_regularizer"] = Saving.KerasSerializer.Serialize(BetaRegularizer);
        c["gamma_regularizer"] = Saving.KerasSerializer.Serialize(GammaRegularizer);
        c["beta_constraint"] = Saving.KerasSerializer.Serialize(BetaConstraint);
        c["gamma_constraint"] = Saving.KerasSerializer.Serialize(GammaConstraint);
        c["synchronized"] = false;
        return c;
    }

    /// <summary>The normalised (features) axis; only the last axis is supported.</summary>
    public int Axis { get; }

    /// <summary>Weight of the old value in the moving averages.</summary>
    public double Momentum { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Whether beta is added.</summary>
    public bool Center { get; }

    /// <summary>Whether gamma multiplies.</summary>
    public bool Scale { get; }

    /// <summary>The penalty on the beta weight added to the loss (Keras's <c>beta_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BetaRegularizer { get; }

    /// <summary>The projection of the beta weight after each update (Keras's <c>beta_constraint</c>), if any.</summary>
    public Constraints.Constraint? BetaConstraint { get; }

    /// <summary>The penalty on the gamma weight added to the loss (Keras's <c>gamma_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? GammaRegularizer { get; }

    /// <summary>The projection of the gamma weight after each update (Keras's <c>gamma_constraint</c>), if any.</summary>
    public Constraints.Constraint? GammaConstraint { get; }

    /// <summary>Initializer of beta (default zeros).</summary>
    public Initializer BetaInitializer { get; }

    /// <summary>Initializer of gamma (default ones).</summary>
    public Initializer GammaInitializer { get; }

    /// <summary>Initializer of moving_mean (default zeros).</summary>
    public Initializer MovingMeanInitializer { get; }

    /// <summary>Initializer of moving_variance (default ones).</summary>
    public Initializer MovingVarianceInitializer { get; }

    /// <summary>gamma, shape (features,); null before build or without scale.</summary>
    public Variable? Gamma => _gamma;

    /// <summary>beta, shape (features,); null before build or without center.</summary>
    public Variable? Beta => _beta;

    /// <summary>moving_mean (non-trainable), shape (features,); null before build.</summary>
    public Variable? MovingMean => _movingMean;

    /// <summary>moving_variance (non-trainable), shape (features,); null before build.</summary>
    public Variable? MovingVariance => _movingVariance;

    private void CheckAxis(Shape inputShape)
    {
        if (inputShape.Rank < 2 || (Axis != -1 && Axis != inputShape.Rank - 1))
        {
            throw IncompatibleInput(inputShape, $"BatchNormalization here normalises the last axis of an input of rank >= 2 (axis -1 or {Math.Max(1, inputShape.Rank - 1)}), got axis {Axis}");
        }
    }

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        CheckAxis(inputShape);
        int c = inputShape[-1];
        if (c <= 0)
        {
            throw IncompatibleInput(inputShape, "the normalised axis -1 must have a known size");
        }
        var s = new Shape(c);
        if (Scale)
        {
            _gamma = AddWeight("gamma", s, GammaInitializer, true, GammaRegularizer, GammaConstraint);
            // Keras reads it in float32 (autocast=False): the layer computes in float32 for bfloat16 inputs.
            _gamma.Autocast = false;
        }
        if (Center)
        {
            _beta = AddWeight("beta", s, BetaInitializer, true, BetaRegularizer, BetaConstraint);
            // Keras reads it in float32 (autocast=False): the layer computes in float32 for bfloat16 inputs.
            _beta.Autocast = false;
        }
        _movingMean = AddWeight("moving_mean", s, MovingMeanInitializer, trainable: false);
        _movingVariance = AddWeight("moving_variance", s, MovingVarianceInitializer, trainable: false);
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        CheckAxis(inputShape);
        int expected = _movingMean!.Shape[0];
        if (inputShape[-1] != expected)
        {
            throw IncompatibleInput(inputShape, $"expected axis -1 of input shape to have value {expected}");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        Ops.BatchNormalization(inputs, _gamma?.Value, _beta?.Value, _movingMean!.Value, _movingVariance!.Value,
            (float)Momentum, (float)Epsilon, training && Trainable);

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static BatchNormalization FromConfig(JsonObject config)
    {
        // Keras writes axis as a list ([-1]) or an int; SharpKeras normalizes one axis.
        int axis = config["axis"] is JsonArray a
            ? (a.Count == 1 ? Saving.Cfg.Ints(config, "axis")[0] : throw Saving.Cfg.Wrong(config, "axis", "one axis", a))
            : Saving.Cfg.Int(config, "axis", -1);
        return new BatchNormalization(axis, Saving.Cfg.Double(config, "momentum", 0.99), Saving.Cfg.Double(config, "epsilon", 1e-3),
            Saving.Cfg.Bool(config, "center", true), Saving.Cfg.Bool(config, "scale", true),
            Saving.KerasSerializer.Initializer(config["beta_initializer"], "zeros"), Saving.KerasSerializer.Initializer(config["gamma_initializer"], "ones"),
            Saving.KerasSerializer.Initializer(config["moving_mean_initializer"], "zeros"),
            Saving.KerasSerializer.Initializer(config["moving_variance_initializer"], "ones"), Saving.Cfg.Name(config),
            betaRegularizer: Saving.KerasSerializer.Regularizer(config["beta_regularizer"]), gammaRegularizer: Saving.KerasSerializer.Regularizer(config["gamma_regularizer"]), betaConstraint: Saving.KerasSerializer.Constraint(config["beta_constraint"]), gammaConstraint: Saving.KerasSerializer.Constraint(config["gamma_constraint"]));
    }
}
