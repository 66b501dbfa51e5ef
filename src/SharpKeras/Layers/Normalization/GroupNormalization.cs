using System.Text.Json.Nodes;
using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Normalises each sample within groups of channels (<c>keras.layers.GroupNormalization</c>: groups 32,
/// axis -1, epsilon 1e-3): the channels of <see cref="Axis"/> are split into <see cref="Groups"/> groups and
/// each group is brought to mean 0 and variance 1 over its channels and all other non-batch axes, then
/// scaled by gamma and shifted by beta per channel. groups = -1 is instance normalization.
/// </summary>
public sealed class GroupNormalization : Layer, Saving.IKerasSerializable<GroupNormalization>
{
    private Variable? _gamma;
    private Variable? _beta;

    /// <summary>A GroupNormalization layer with Keras 3's defaults.</summary>
    public GroupNormalization(int groups = 32, int axis = -1, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, Regularizers.Regularizer? betaRegularizer = null,
        Regularizers.Regularizer? gammaRegularizer = null, Constraints.Constraint? betaConstraint = null, Constraints.Constraint? gammaConstraint = null,
        string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (groups <= 0 && groups != -1)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"GroupNormalization: received an invalid value for argument `groups`, expected a positive integer (or -1 for instance normalization). Received: groups={groups}.");
        }
        if (!(epsilon >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"GroupNormalization: epsilon must be >= 0, got {epsilon}.");
        }
        Groups = groups;
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

    /// <summary>Number of channel groups (the channel count once built when -1 was given, as Keras's).</summary>
    public int Groups { get; private set; }

    /// <summary>The channel axis split into groups.</summary>
    public int Axis { get; }

    /// <summary>Added to the variance before the reciprocal square root.</summary>
    public double Epsilon { get; }

    /// <summary>Whether beta is added.</summary>
    public bool Center { get; }

    /// <summary>Whether outputs are multiplied by gamma.</summary>
    public bool Scale { get; }

    /// <summary>Initializer of beta (zeros).</summary>
    public Initializer BetaInitializer { get; }

    /// <summary>Initializer of gamma (ones).</summary>
    public Initializer GammaInitializer { get; }

    /// <summary>The penalty on beta (Keras's <c>beta_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BetaRegularizer { get; }

    /// <summary>The penalty on gamma (Keras's <c>gamma_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? GammaRegularizer { get; }

    /// <summary>The projection of beta after each update (Keras's <c>beta_constraint</c>), if any.</summary>
    public Constraints.Constraint? BetaConstraint { get; }

    /// <summary>The projection of gamma after each update (Keras's <c>gamma_constraint</c>), if any.</summary>
    public Constraints.Constraint? GammaConstraint { get; }

    /// <summary>gamma (channels,); null before build or without scale.</summary>
    public Variable? Gamma => _gamma;

    /// <summary>beta (channels,); null before build or without center.</summary>
    public Variable? Beta => _beta;

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    private int AxisOf(Shape inputShape)
    {
        int a = Axis < 0 ? Axis + inputShape.Rank : Axis;
        if (a < 1 || a >= inputShape.Rank)
        {
            throw IncompatibleInput(inputShape, $"axis {Axis} must be a non-batch axis of the input (rank {inputShape.Rank})");
        }
        return a;
    }

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        int dim = inputShape[AxisOf(inputShape)];
        if (dim <= 0)
        {
            throw new ArgumentException($"GroupNormalization layer \"{Name}\": axis {Axis} of the input should have a defined dimension, but the layer received an input with shape {inputShape}.");
        }
        int groups = Groups == -1 ? dim : Groups;
        if (dim < groups)
        {
            throw new ArgumentException($"GroupNormalization layer \"{Name}\": number of groups ({groups}) cannot be more than the number of channels ({dim}) of input shape {inputShape}.");
        }
        if (dim % groups != 0)
        {
            throw new ArgumentException($"GroupNormalization layer \"{Name}\": number of groups ({groups}) must divide the number of channels ({dim}) of input shape {inputShape}.");
        }
        Groups = groups;
        if (Scale)
        {
            _gamma = AddWeight("gamma", new Shape(dim), GammaInitializer, true, GammaRegularizer, GammaConstraint);
            // Keras reads it in float32 (autocast=False): the layer computes in float32 for bfloat16 inputs.
            _gamma.Autocast = false;
        }
        if (Center)
        {
            _beta = AddWeight("beta", new Shape(dim), BetaInitializer, true, BetaRegularizer, BetaConstraint);
            // Keras reads it in float32 (autocast=False): the layer computes in float32 for bfloat16 inputs.
            _beta.Autocast = false;
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        int a = AxisOf(inputShape);
        if (BuildInputShape is { } built && (inputShape.Rank != built.Rank || inputShape[a] != built[a]))
        {
            throw IncompatibleInput(inputShape, $"expected ndim={built.Rank} with axis {Axis} of size {built[a]} (the channels the layer was built for)");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        AxisOf(inputShape);
        return inputShape;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var s = inputs.Shape;
        int a = AxisOf(s);
        int before = 1, after = 1;
        for (int i = 1; i < a; i++)
        {
            before *= s[i];
        }
        for (int i = a + 1; i < s.Rank; i++)
        {
            after *= s[i];
        }
        int perGroup = s[a] / Groups;
        // (batch, before, groups, channels per group, after): the statistics of a group reduce axes 1, 3 and 4.
        var x = Ops.Reshape(inputs, s[0], before, Groups, perGroup, after);
        static Tensor GroupMean(Tensor t) => Ops.Mean(Ops.Mean(Ops.Mean(t, 4, keepDims: true), 3, keepDims: true), 1, keepDims: true);
        var mean = GroupMean(x);
        // Keras's ops.moments: E[x^2] - E[x]^2.
        var variance = Ops.Subtract(GroupMean(Ops.Square(x)), Ops.Square(mean));
        var inv = Ops.Divide(Tensor.Scalar(1f), Ops.Sqrt(Ops.Add(variance, Tensor.Scalar((float)Epsilon))));
        if (_gamma is not null)
        {
            inv = Ops.Multiply(inv, Ops.Reshape(_gamma.Value, 1, 1, Groups, perGroup, 1));
        }
        var res = Ops.Multiply(Ops.Negative(mean), inv);
        if (_beta is not null)
        {
            res = Ops.Add(res, Ops.Reshape(_beta.Value, 1, 1, Groups, perGroup, 1));
        }
        var y = Ops.Add(Ops.Multiply(x, inv), res);
        return Ops.Reshape(y, s.ToArray());
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["groups"] = Groups;
        c["axis"] = Axis;
        c["epsilon"] = Epsilon;
        c["center"] = Center;
        c["scale"] = Scale;
        c["beta_initializer"] = Saving.KerasSerializer.Serialize(BetaInitializer);
        c["gamma_initializer"] = Saving.KerasSerializer.Serialize(GammaInitializer);
        c["beta_regularizer"] = Saving.KerasSerializer.Serialize(BetaRegularizer);
        c["gamma_regularizer"] = Saving.KerasSerializer.Serialize(GammaRegularizer);
        c["beta_constraint"] = Saving.KerasSerializer.Serialize(BetaConstraint);
        c["gamma_constraint"] = Saving.KerasSerializer.Serialize(GammaConstraint);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static GroupNormalization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        try
        {
            return new GroupNormalization(Saving.Cfg.Int(config, "groups", 32), Saving.Cfg.Int(config, "axis", -1), Saving.Cfg.Double(config, "epsilon", 1e-3),
                Saving.Cfg.Bool(config, "center", true), Saving.Cfg.Bool(config, "scale", true),
                Saving.KerasSerializer.Initializer(config["beta_initializer"], "zeros"), Saving.KerasSerializer.Initializer(config["gamma_initializer"], "ones"),
                Saving.KerasSerializer.Regularizer(config["beta_regularizer"]), Saving.KerasSerializer.Regularizer(config["gamma_regularizer"]),
                Saving.KerasSerializer.Constraint(config["beta_constraint"]), Saving.KerasSerializer.Constraint(config["gamma_constraint"]), Saving.Cfg.Name(config));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new Saving.ConfigException($"Layer {Saving.Cfg.Describe(config)}: {e.Message}", e);
        }
    }
}
