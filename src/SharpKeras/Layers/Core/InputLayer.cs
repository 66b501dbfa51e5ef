using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>
/// Declares the shape of a model's input (<c>keras.layers.InputLayer</c>); it passes its input
/// through unchanged and rejects batches of another shape.
/// </summary>
public sealed class InputLayer : Layer, Saving.IKerasSerializable<InputLayer>
{
    private KerasTensor? _output;

    /// <summary>An input of per-sample <paramref name="shape"/> (batch dimension excluded), as Keras's <c>InputLayer(shape=..., batch_size=...)</c>.</summary>
    public InputLayer(int[] shape, DType dtype = DType.Float32, string? name = null, int? batchSize = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        DeclaredInputShape = new Shape(shape);
        DeclaredBatchSize = batchSize;
        DType = dtype;
        // Keras's Input keeps its own dtype (float32 by default) whatever the global policy: the first layer casts.
        DtypePolicy = DtypePolicies.DTypePolicy.Float32;
    }

    /// <summary>The dtype the input is expected to have.</summary>
    public DType DType { get; }

    /// <summary>Keras names input layers "input_layer".</summary>
    public override string DefaultName => "input_layer";

    /// <summary>The symbolic tensor this input stands for (Keras's <c>InputLayer.output</c>), made on first use.</summary>
    public KerasTensor Output => _output ??= AddInputNode();

    private KerasTensor AddInputNode()
    {
        var node = new Node(this, [], false, DeclaredInputShape!.Prepend(-1), DType);
        AddInboundNode(node);
        return node.Output;
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => inputShape;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["batch_shape"] = Saving.Cfg.ShapeNode(DeclaredInputShape!.Prepend(DeclaredBatchSize ?? -1)),
        ["dtype"] = DType.Name(),
        ["sparse"] = false,
        ["ragged"] = false,
        ["name"] = Name,
    };

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        var expected = DeclaredInputShape!;
        bool ok = inputShape.Rank == expected.Rank + 1;
        for (int i = 0; ok && i < expected.Rank; i++)
        {
            ok = expected[i] < 0 || inputShape[i + 1] < 0 || expected[i] == inputShape[i + 1];
        }
        if (!ok)
        {
            throw IncompatibleInput(inputShape, $"expected shape {expected.Prepend(-1)}");
        }
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => inputs;

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static InputLayer FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var batchShape = config["batch_shape"] ?? config["batch_input_shape"];
        int[] full = batchShape is not null ? Saving.Cfg.Shape(batchShape, $"InputLayer {Saving.Cfg.Describe(config)} batch_shape") : [];
        int[] shape = batchShape is not null
            ? full[1..]
            : Saving.Cfg.Shape(config["shape"] ?? config["input_shape"], $"InputLayer {Saving.Cfg.Describe(config)} shape");
        int? batchSize = full.Length > 0 && full[0] > 0 ? full[0] : Saving.Cfg.OptionalInt(config, "batch_size");
        var dtype = config["dtype"] switch
        {
            null => DType.Float32,
            JsonValue => Saving.KerasSerializer.ParseDType(Saving.Cfg.String(config, "dtype")),
            JsonObject o when o["config"] is JsonObject pc => Saving.KerasSerializer.ParseDType(Saving.Cfg.String(pc, "name")),
            var other => throw Saving.Cfg.Wrong(config, "dtype", "a dtype name or a DTypePolicy", other),
        };
        return new InputLayer(shape, dtype, Saving.Cfg.Name(config), batchSize);
    }
}
