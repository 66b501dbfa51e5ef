using SharpKeras.Initializers;

namespace SharpKeras.Layers;

/// <summary>
/// Layer normalization (<c>keras.layers.LayerNormalization</c>): normalises each sample over its
/// last axis by its own mean and variance, then scales by gamma and shifts by beta; behaves the
/// same in training and inference.
/// </summary>
public sealed class LayerNormalization : Layer
{
    private Variable? _gamma;
    private Variable? _beta;

    /// <summary>A LayerNormalization layer with Keras 3 defaults (axis -1, epsilon 1e-3, center and scale).</summary>
    public LayerNormalization(int axis = -1, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, string? name = null)
        : base(name)
    {
        if (!(epsilon > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"LayerNormalization: epsilon must be positive, got {epsilon}.");
        }
        Axis = axis;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? new Zeros();
        GammaInitializer = gammaInitializer ?? new Ones();
    }

    /// <summary>The normalised axis; only the last axis is supported.</summary>
    public int Axis { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Whether beta is added.</summary>
    public bool Center { get; }

    /// <summary>Whether gamma multiplies.</summary>
    public bool Scale { get; }

    /// <summary>Initializer of beta (default zeros).</summary>
    public Initializer BetaInitializer { get; }

    /// <summary>Initializer of gamma (default ones).</summary>
    public Initializer GammaInitializer { get; }

    /// <summary>gamma, shape (features,); null before build or without scale.</summary>
    public Variable? Gamma => _gamma;

    /// <summary>beta, shape (features,); null before build or without center.</summary>
    public Variable? Beta => _beta;

    private void CheckAxis(Shape inputShape)
    {
        if (inputShape.Rank < 1 || (Axis != -1 && Axis != inputShape.Rank - 1))
        {
            throw IncompatibleInput(inputShape, $"LayerNormalization here normalises the last axis (axis -1 or {Math.Max(0, inputShape.Rank - 1)}), got axis {Axis}");
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
        if (Scale)
        {
            _gamma = AddWeight("gamma", new Shape(c), GammaInitializer);
        }
        if (Center)
        {
            _beta = AddWeight("beta", new Shape(c), BetaInitializer);
        }
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        CheckAxis(inputShape);
        int expected = (_gamma ?? _beta)?.Shape[0] ?? inputShape[-1];
        if (inputShape[-1] != expected)
        {
            throw IncompatibleInput(inputShape, $"expected axis -1 of input shape to have value {expected}");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) =>
        Ops.LayerNormalization(inputs, _gamma?.Value, _beta?.Value, (float)Epsilon);
}
