using System.Text.Json.Nodes;
using SharpKeras.Constraints;
using SharpKeras.Initializers;
using SharpKeras.Regularizers;

namespace SharpKeras.Layers;

/// <summary>
/// Parametric rectifier layer (<c>keras.layers.PReLU</c>): x for x &gt;= 0 and alpha x below, with a
/// learned weight <c>alpha</c> per input element (batch axis excluded), shared along <see cref="SharedAxes"/>.
/// </summary>
public sealed class PReLU : Layer, Saving.IKerasSerializable<PReLU>
{
    private Variable? _alpha;

    /// <summary>A PReLU layer; alpha starts from <paramref name="alphaInitializer"/> (Keras's default "Zeros"), optionally penalised and projected.</summary>
    public PReLU(Initializer? alphaInitializer = null, int[]? sharedAxes = null, string? name = null,
        Regularizer? alphaRegularizer = null, Constraint? alphaConstraint = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        AlphaInitializer = alphaInitializer ?? new Zeros();
        AlphaRegularizer = alphaRegularizer;
        AlphaConstraint = alphaConstraint;
        if (sharedAxes is not null && sharedAxes.Any(a => a < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sharedAxes), $"PReLU: sharedAxes are axes of the input counted with the batch axis as 0, so each must be >= 1; got [{string.Join(", ", sharedAxes)}].");
        }
        SharedAxes = sharedAxes is null ? null : [.. sharedAxes];
    }

    /// <summary>Initializer of alpha.</summary>
    public Initializer AlphaInitializer { get; }

    /// <summary>The penalty on alpha added to the loss (Keras's <c>alpha_regularizer</c>), if any.</summary>
    public Regularizer? AlphaRegularizer { get; }

    /// <summary>The projection of alpha after each update (Keras's <c>alpha_constraint</c>), if any.</summary>
    public Constraint? AlphaConstraint { get; }

    /// <summary>Axes (batch axis = 0) along which one alpha is shared, or null.</summary>
    public IReadOnlyList<int>? SharedAxes { get; }

    /// <summary>The learned slopes; null before build.</summary>
    public Variable? Alpha => _alpha;

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 2)
        {
            throw IncompatibleInput(inputShape, "PReLU needs inputs with a batch axis and at least one more axis");
        }
        var dims = inputShape.Dims[1..].ToArray();
        foreach (int axis in SharedAxes ?? [])
        {
            if (axis >= inputShape.Rank)
            {
                throw IncompatibleInput(inputShape, $"PReLU sharedAxes entry {axis} is not an axis of a rank-{inputShape.Rank} input");
            }
            dims[axis - 1] = 1;
        }
        if (dims.Any(d => d <= 0))
        {
            throw IncompatibleInput(inputShape, "PReLU needs every non-shared axis after the batch axis to have a known size");
        }
        _alpha = AddWeight("alpha", new Shape(dims), AlphaInitializer, true, AlphaRegularizer, AlphaConstraint);
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        if (_alpha is null)
        {
            return;
        }
        var a = _alpha.Value.Shape;
        bool ok = inputShape.Rank == a.Rank + 1;
        for (int i = 0; ok && i < a.Rank; i++)
        {
            ok = a[i] == 1 || inputShape[i + 1] == a[i];
        }
        if (!ok)
        {
            throw IncompatibleInput(inputShape, $"PReLU was built for alpha of shape {a}; expected inputs of shape (batch, ...) matching it");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        // Keras's relu(x) - alpha relu(-x): exact for both signs, and alpha gets its gradient from negative inputs only.
        var alpha = _alpha!.Value;
        return Ops.Add(Ops.Relu(inputs), Ops.Multiply(Ops.Negative(alpha), Ops.Relu(Ops.Negative(inputs))));
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["alpha_initializer"] = Saving.KerasSerializer.Serialize(AlphaInitializer);
        c["alpha_regularizer"] = Saving.KerasSerializer.Serialize(AlphaRegularizer);
        c["alpha_constraint"] = Saving.KerasSerializer.Serialize(AlphaConstraint);
        c["shared_axes"] = SharedAxes is null ? null : new JsonArray([.. SharedAxes.Select(a => (JsonNode)JsonValue.Create(a))]);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static PReLU FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int[]? shared = config["shared_axes"] switch
        {
            null => null,
            JsonValue => [Saving.Cfg.Int(config, "shared_axes")],
            _ => Saving.Cfg.Ints(config, "shared_axes"),
        };
        return new PReLU(Saving.KerasSerializer.Initializer(config["alpha_initializer"], "zeros"), shared, Saving.Cfg.Name(config),
            Saving.KerasSerializer.Regularizer(config["alpha_regularizer"]), Saving.KerasSerializer.Constraint(config["alpha_constraint"]));
    }
}
