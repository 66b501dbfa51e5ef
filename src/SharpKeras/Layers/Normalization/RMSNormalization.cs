using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// Root-mean-square normalization (<c>keras.layers.RMSNormalization</c>, axis -1, epsilon 1e-6):
/// x * rsqrt(mean(x^2 over the axes) + epsilon) * scale, with a learned "scale" weight shaped as the axes.
/// </summary>
public sealed class RMSNormalization : Layer, Saving.IKerasSerializable<RMSNormalization>
{
    private readonly int[] _axes;
    private Variable? _scale;

    /// <summary>An RMSNormalization layer over one axis (Keras's default: the last).</summary>
    public RMSNormalization(int axis = -1, double epsilon = 1e-6, string? name = null, int[]? inputShape = null, int? batchSize = null) : this([axis], epsilon, name, inputShape, batchSize)
    {
    }

    /// <summary>An RMSNormalization layer over several axes.</summary>
    public RMSNormalization(int[] axis, double epsilon = 1e-6, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(axis);
        if (axis.Length == 0)
        {
            throw new ArgumentException("RMSNormalization: axis must name at least one axis.", nameof(axis));
        }
        if (!(epsilon >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"RMSNormalization: epsilon must be >= 0, got {epsilon}.");
        }
        _axes = [.. axis];
        Epsilon = epsilon;
    }

    /// <summary>The normalised axes.</summary>
    public IReadOnlyList<int> Axis => _axes;

    /// <summary>Added to the mean square before the reciprocal square root.</summary>
    public double Epsilon { get; }

    /// <summary>The learned scale, shaped as the normalised axes; null before build.</summary>
    public Variable? ScaleWeight => _scale;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        var axes = AxesConfig.Resolve(this, _axes, inputShape);
        if (axes.Any(a => inputShape[a] <= 0))
        {
            throw new ArgumentException($"RMSNormalization layer \"{Name}\": the normalised axes [{string.Join(", ", _axes)}] of input shape {inputShape} must have defined sizes.");
        }
        _scale = AddWeight("scale", new Shape([.. axes.Select(a => inputShape[a])]), new Initializers.Ones());
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        var axes = AxesConfig.Resolve(this, _axes, inputShape);
        var expected = _scale!.Shape.ToArray();
        var actual = axes.Select(a => inputShape[a]).ToArray();
        if (!expected.SequenceEqual(actual))
        {
            throw IncompatibleInput(inputShape, $"expected the normalised axes [{string.Join(", ", _axes)}] to have sizes ({string.Join(", ", expected)}) as built");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        AxesConfig.Resolve(this, _axes, inputShape);
        return inputShape;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var s = inputs.Shape;
        var axes = AxesConfig.Resolve(this, _axes, s);
        var meanSquare = AxesConfig.Reduce(Ops.Square(inputs), axes, mean: true);
        var inv = Ops.Divide(Tensor.Scalar(1f), Ops.Sqrt(Ops.Add(meanSquare, Tensor.Scalar((float)Epsilon))));
        // The scale broadcasts over every axis but the normalised ones, which keep their order in the weight.
        var dims = Enumerable.Repeat(1, s.Rank).ToArray();
        var order = axes.Order().ToArray();
        var scale = _scale!.Value;
        if (!axes.SequenceEqual(order))
        {
            scale = Ops.Transpose(scale, [.. order.Select(a => Array.IndexOf(axes, a))]);
        }
        foreach (var a in order)
        {
            dims[a] = s[a];
        }
        return Ops.Multiply(Ops.Multiply(inputs, inv), Ops.Reshape(scale, dims));
    }

    /// <summary>Keras's config: axis (a list once built, as Keras stores it), epsilon.</summary>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["axis"] = Built || _axes.Length > 1 ? new JsonArray([.. _axes.Select(a => (JsonNode)a)]) : _axes[0];
        c["epsilon"] = Epsilon;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>): axis an int or a list.</summary>
    public static RMSNormalization FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        try
        {
            return new RMSNormalization(AxesConfig.Read(config, -1), Saving.Cfg.Double(config, "epsilon", 1e-6), Saving.Cfg.Name(config));
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new Saving.ConfigException($"Layer {Saving.Cfg.Describe(config)}: {e.Message}", e);
        }
    }
}
