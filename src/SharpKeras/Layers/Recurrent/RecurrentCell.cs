namespace SharpKeras.Layers;

/// <summary>
/// Base of recurrent cells (Keras's RNN cell protocol): the computation of one time step, from the
/// step's input (batch, features) and the states (batch, stateSize) to the output and new states.
/// Subclass it, compose <see cref="Ops"/> in <see cref="Step"/>, and run it over sequences with <see cref="RNN"/>.
/// </summary>
public abstract class RecurrentCell : Layer
{
    /// <summary>A cell with <paramref name="units"/> outputs.</summary>
    protected RecurrentCell(int units, string? name) : base(name)
    {
        if (units <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(units), units, $"{GetType().Name} units must be a positive integer, got {units}.");
        }
        Units = units;
    }

    /// <summary>Dimensionality of the output.</summary>
    public int Units { get; }

    /// <summary>The penalty on the input kernel added to the loss (Keras's <c>kernel_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? KernelRegularizer { get; init; }

    /// <summary>The penalty on the recurrent kernel added to the loss (Keras's <c>recurrent_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? RecurrentRegularizer { get; init; }

    /// <summary>The penalty on the bias added to the loss (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizers.Regularizer? BiasRegularizer { get; init; }

    /// <summary>The projection of the input kernel after each update (Keras's <c>kernel_constraint</c>), if any.</summary>
    public Constraints.Constraint? KernelConstraint { get; init; }

    /// <summary>The projection of the recurrent kernel after each update (Keras's <c>recurrent_constraint</c>), if any.</summary>
    public Constraints.Constraint? RecurrentConstraint { get; init; }

    /// <summary>The projection of the bias after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraints.Constraint? BiasConstraint { get; init; }

    /// <summary>Size of each state (Keras's state_size): one entry per state, the first one the output's.</summary>
    public abstract IReadOnlyList<int> StateSize { get; }

    /// <summary>One time step: the output and the new states from <paramref name="input"/> and the previous <paramref name="states"/>.</summary>
    public abstract (Tensor Output, Tensor[] States) Step(Tensor input, IReadOnlyList<Tensor> states, bool training);

    /// <summary>Runs one step from zero states.</summary>
    protected override Tensor Call(Tensor inputs, bool training) =>
        Step(inputs, [.. StateSize.Select(s => Tensor.Zeros(new Shape(inputs.Shape[0], s)))], training).Output;

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape.WithDim(-1, Units);

    /// <summary>The fused kernel, activations and weights that compute this cell for a whole sequence, when it is a built-in cell whose activations the kernel applies; null otherwise.</summary>
    internal virtual FusedCell? Fused => null;

    /// <summary>Error for a built cell given an input of the wrong width.</summary>
    protected override void CheckInputShape(Shape inputShape)
    {
        if (inputShape.Rank != 2)
        {
            throw IncompatibleInput(inputShape, "expected a step input of rank 2 (batch, features)");
        }
    }
}

/// <summary>What the fused recurrent op needs from a built-in cell.</summary>
internal sealed record FusedCell(Backend.RecurrentKind Kind, Backend.EpilogueActivation Activation,
    Backend.EpilogueActivation RecurrentActivation, Tensor Kernel, Tensor RecurrentKernel, Tensor? Bias);
