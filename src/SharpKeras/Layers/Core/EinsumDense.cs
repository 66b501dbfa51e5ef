using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SharpKeras.Constraints;
using SharpKeras.Initializers;
using SharpKeras.Regularizers;

namespace SharpKeras.Layers;

/// <summary>
/// A dense layer of any rank defined by an einsum equation (<c>keras.layers.EinsumDense</c>):
/// output = activation(einsum(equation, input, kernel) + bias), the kernel's and bias's shapes read from
/// the equation, the input shape and <c>output_shape</c> as Keras reads them.
/// </summary>
public sealed partial class EinsumDense : Layer, Saving.IKerasSerializable<EinsumDense>
{
    private readonly int[] _outputShape;
    private readonly bool _scalarOutputShape;
    private Variable? _kernel;
    private Variable? _bias;
    private Shape? _fullOutputShape;

    /// <summary>
    /// An EinsumDense layer: <paramref name="equation"/> of the form "ab,bc-&gt;ac" (input, kernel, output; "..." on the
    /// left or right of the input and output for the axes not named), <paramref name="outputShape"/> the output
    /// without the batch axis (-1 for an axis taken from the input), <paramref name="biasAxes"/> the output labels the bias spans.
    /// </summary>
    public EinsumDense(string equation, int[] outputShape, ActivationFunction? activation = null, string? biasAxes = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(outputShape);
        if (outputShape.Any(d => d == 0 || d < -1))
        {
            throw new ArgumentException($"EinsumDense layer '{name ?? "einsum_dense"}': outputShape must hold positive dimensions (-1 for unknown), got [{string.Join(", ", outputShape)}].", nameof(outputShape));
        }
        if (!EquationForm().IsMatch(equation.Replace("...", "0", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"EinsumDense layer '{name ?? "einsum_dense"}': equation must be of the form \"ab,bc->ac\" (with \"...\" leading or trailing the input and output), got \"{equation}\".", nameof(equation));
        }
        Equation = equation;
        _outputShape = (int[])outputShape.Clone();
        Activation = activation ?? Activations.Get("linear");
        BiasAxes = string.IsNullOrEmpty(biasAxes) ? null : biasAxes;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        ActivityRegularizer = activityRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
    }

    /// <summary>An EinsumDense layer whose output (without the batch axis) has one axis of <paramref name="outputShape"/> units.</summary>
    public EinsumDense(string equation, int outputShape, ActivationFunction? activation = null, string? biasAxes = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null, string? name = null, int[]? inputShape = null, int? batchSize = null)
        : this(equation, [outputShape], activation, biasAxes, kernelInitializer, biasInitializer, kernelRegularizer, biasRegularizer,
            activityRegularizer, kernelConstraint, biasConstraint, name, inputShape, batchSize)
    {
        _scalarOutputShape = true;
    }

    [GeneratedRegex(@"^(0?[a-zA-Z]+0?),([a-zA-Z]+)->(0?[a-zA-Z]+0?)$")]
    private static partial Regex EquationForm();

    /// <summary>The einsum equation (input, kernel -&gt; output).</summary>
    public string Equation { get; }

    /// <summary>The output shape without the batch axis, as given (-1 for axes taken from the input).</summary>
    public IReadOnlyList<int> PartialOutputShape => _outputShape;

    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>The output labels the bias spans (Keras's <c>bias_axes</c>); null for no bias.</summary>
    public string? BiasAxes { get; }

    /// <summary>Initializer of the kernel (default glorot_uniform).</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Initializer of the bias (default zeros).</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>The penalty on the kernel (Keras's <c>kernel_regularizer</c>), if any.</summary>
    public Regularizer? KernelRegularizer { get; }

    /// <summary>The penalty on the bias (Keras's <c>bias_regularizer</c>), if any.</summary>
    public Regularizer? BiasRegularizer { get; }

    /// <summary>The projection of the kernel after each update (Keras's <c>kernel_constraint</c>), if any.</summary>
    public Constraint? KernelConstraint { get; }

    /// <summary>The projection of the bias after each update (Keras's <c>bias_constraint</c>), if any.</summary>
    public Constraint? BiasConstraint { get; }

    /// <summary>The kernel; null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The bias; null before build or without bias axes.</summary>
    public Variable? Bias => _bias;

    /// <summary>The full output shape the layer was built for (Keras's <c>full_output_shape</c>, batch first as -1); null before build.</summary>
    public Shape? FullOutputShape => _fullOutputShape;

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        var (kernel, bias, full) = Analyze(inputShape);
        _fullOutputShape = full;
        _kernel = AddWeight("kernel", kernel, KernelInitializer, true, KernelRegularizer, KernelConstraint);
        if (bias is not null)
        {
            _bias = AddWeight("bias", bias, BiasInitializer, true, BiasRegularizer, BiasConstraint);
        }
    }

    /// <summary>Kernel shape, bias shape and full output shape for an input shape, as Keras's _analyze_einsum_string.</summary>
    private (Shape Kernel, Shape? Bias, Shape Output) Analyze(Shape inputShape)
    {
        var m = EquationForm().Match(Equation.Replace("...", "0", StringComparison.Ordinal));
        var inSpec = m.Groups[1].Value;
        var weightSpec = m.Groups[2].Value;
        var outSpec = m.Groups[3].Value;
        bool leftElided = inSpec.StartsWith('0');
        bool rightElided = inSpec.EndsWith('0');
        if ((leftElided || rightElided) && !(outSpec.StartsWith('0') == leftElided && outSpec.EndsWith('0') == rightElided) || (leftElided && rightElided))
        {
            throw new ArgumentException($"EinsumDense layer '{Name}': invalid equation \"{Equation}\": \"...\" must lead both the input and output, or trail both.");
        }
        inSpec = inSpec.Trim('0');
        outSpec = outSpec.Trim('0');
        var input = inputShape.ToArray();
        int elided = input.Length - inSpec.Length;
        if (elided < 0 || (elided > 0 && !leftElided && !rightElided))
        {
            throw IncompatibleInput(inputShape, $"the equation \"{Equation}\" names {inSpec.Length} input axes (expected rank {inSpec.Length}{(leftElided || rightElided ? " or more" : "")})");
        }
        var output = new List<int>(_outputShape.Select(d => d));
        output.Insert(0, input[0]);
        if (elided > 0 && leftElided)
        {
            for (int i = 1; i < elided; i++)
            {
                output.Insert(1, input[i]);
            }
        }
        else if (elided > 0)
        {
            for (int i = input.Length - elided; i < input.Length; i++)
            {
                output.Add(input[i]);
            }
        }
        int InIndex(char c) => leftElided ? inSpec.IndexOf(c, StringComparison.Ordinal) + elided : inSpec.IndexOf(c, StringComparison.Ordinal);
        int OutIndex(char c) => leftElided ? output.Count - outSpec.Length + outSpec.IndexOf(c, StringComparison.Ordinal) : outSpec.IndexOf(c, StringComparison.Ordinal);
        if (output.Count != outSpec.Length + (leftElided || rightElided ? elided : 0))
        {
            throw new ArgumentException($"EinsumDense layer '{Name}': outputShape [{string.Join(", ", _outputShape)}] gives {output.Count} output axes with the batch, but \"{Equation}\" names {outSpec.Length}{(leftElided || rightElided ? $" besides the {elided} axes of \"...\"" : "")}.");
        }
        foreach (var c in inSpec)
        {
            if (outSpec.Contains(c, StringComparison.Ordinal))
            {
                int o = output[OutIndex(c)];
                int i = input[InIndex(c)];
                if (o >= 0 && o != i)
                {
                    throw new ArgumentException($"EinsumDense layer '{Name}': input axis '{c}' of \"{Equation}\" has size {i} but outputShape gives {o} for it.");
                }
            }
        }
        foreach (var c in outSpec)
        {
            if (!inSpec.Contains(c, StringComparison.Ordinal) && !weightSpec.Contains(c, StringComparison.Ordinal))
            {
                throw new ArgumentException($"EinsumDense layer '{Name}': output axis '{c}' of \"{Equation}\" is in neither the input nor the kernel.");
            }
        }
        // Output axes shared with the input take the input's size where outputShape leaves them unknown.
        foreach (var c in outSpec)
        {
            if (inSpec.Contains(c, StringComparison.Ordinal) && output[OutIndex(c)] < 0)
            {
                output[OutIndex(c)] = input[InIndex(c)];
            }
        }
        var weight = new List<int>();
        foreach (var c in weightSpec)
        {
            if (inSpec.Contains(c, StringComparison.Ordinal))
            {
                weight.Add(input[InIndex(c)]);
            }
            else if (outSpec.Contains(c, StringComparison.Ordinal))
            {
                weight.Add(output[OutIndex(c)]);
            }
            else
            {
                throw new ArgumentException($"EinsumDense layer '{Name}': kernel axis '{c}' of \"{Equation}\" is in neither the input nor the output.");
            }
        }
        if (weight.Any(d => d <= 0))
        {
            throw IncompatibleInput(inputShape, $"the kernel of \"{Equation}\" needs known sizes for axes '{weightSpec}', got [{string.Join(", ", weight)}]");
        }
        Shape? bias = null;
        if (BiasAxes is { } axes)
        {
            foreach (var c in axes)
            {
                if (!outSpec.Contains(c, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"EinsumDense layer '{Name}': bias axis '{c}' is not an output axis of \"{Equation}\" (output \"{outSpec}\").");
                }
            }
            int first = axes.Min(c => outSpec.IndexOf(c, StringComparison.Ordinal));
            var dims = outSpec[first..].Select(c => axes.Contains(c, StringComparison.Ordinal) ? output[OutIndex(c)] : 1).ToList();
            if (!leftElided)
            {
                for (int i = 0; i < elided; i++)
                {
                    dims.Add(1);
                }
            }
            bias = new Shape([.. dims]);
        }
        return (new Shape([.. weight]), bias, new Shape([.. output]));
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        var built = BuildInputShape!;
        bool ok = inputShape.Rank == built.Rank;
        for (int i = 1; ok && i < built.Rank; i++)
        {
            ok = built[i] < 0 || built[i] == inputShape[i];
        }
        if (!ok)
        {
            throw IncompatibleInput(inputShape, $"expected an input of shape {built} (as built)");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var full = _fullOutputShape ?? Analyze(inputShape).Output;
        return full.WithDim(0, inputShape[0]);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["output_shape"] = _scalarOutputShape ? _outputShape[0] : new JsonArray([.. _outputShape.Select(d => d < 0 ? null : (JsonNode)JsonValue.Create(d))]);
        c["equation"] = Equation;
        c["activation"] = Activation.Name;
        c["bias_axes"] = BiasAxes;
        c["kernel_initializer"] = Saving.KerasSerializer.Serialize(KernelInitializer);
        c["bias_initializer"] = Saving.KerasSerializer.Serialize(BiasInitializer);
        c["kernel_regularizer"] = Saving.KerasSerializer.Serialize(KernelRegularizer);
        c["bias_regularizer"] = Saving.KerasSerializer.Serialize(BiasRegularizer);
        c["activity_regularizer"] = ActivityRegularizer is null ? null : Saving.KerasSerializer.Serialize(ActivityRegularizer);
        c["kernel_constraint"] = Saving.KerasSerializer.Serialize(KernelConstraint);
        c["bias_constraint"] = Saving.KerasSerializer.Serialize(BiasConstraint);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static EinsumDense FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var equation = Saving.Cfg.String(config, "equation");
        var activation = Saving.ConvLayerConfigs.Activation(config);
        var biasAxes = Saving.Cfg.OptionalString(config, "bias_axes");
        var ki = Saving.KerasSerializer.Initializer(config["kernel_initializer"], "glorot_uniform");
        var bi = Saving.KerasSerializer.Initializer(config["bias_initializer"], "zeros");
        var kr = Saving.KerasSerializer.Regularizer(config["kernel_regularizer"]);
        var br = Saving.KerasSerializer.Regularizer(config["bias_regularizer"]);
        var kc = Saving.KerasSerializer.Constraint(config["kernel_constraint"]);
        var bc = Saving.KerasSerializer.Constraint(config["bias_constraint"]);
        var name = Saving.Cfg.Name(config);
        return config["output_shape"] is JsonArray
            ? new EinsumDense(equation, Saving.Cfg.Shape(config["output_shape"], "EinsumDense output_shape"), activation, biasAxes, ki, bi, kr, br, null, kc, bc, name)
            : new EinsumDense(equation, Saving.Cfg.Int(config, "output_shape"), activation, biasAxes, ki, bi, kr, br, null, kc, bc, name);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var y = Ops.Einsum(Equation, inputs, _kernel!.Value);
        if (_bias is { } bias)
        {
            y = Ops.Add(y, bias.Value);
        }
        return Activation.Call(y);
    }
}
