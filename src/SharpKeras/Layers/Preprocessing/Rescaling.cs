using System.Text.Json.Nodes;
using SharpKeras.Saving;

namespace SharpKeras.Layers.Preprocessing;

/// <summary>
/// Multiplies inputs by <see cref="Scale"/> and adds <see cref="Offset"/> (<c>keras.layers.Rescaling</c>),
/// e.g. scale 1/255 to map [0, 255] to [0, 1], or scale 1/127.5 with offset -1 for [-1, 1]; a scale or
/// offset with several values applies per channel (last axis).
/// </summary>
public sealed class Rescaling : Layer, IKerasSerializable<Rescaling>
{
    /// <summary>A Rescaling layer with one scale and offset for every value.</summary>
    public Rescaling(double scale, double offset = 0.0, string? name = null, int[]? inputShape = null, int? batchSize = null) : this([scale], [offset], name, scalar: true, inputShape: inputShape, batchSize: batchSize)
    {
    }

    /// <summary>A Rescaling layer with per-channel scales and offsets (each of length 1 or the channel count).</summary>
    public Rescaling(double[] scale, double[] offset, string? name = null, int[]? inputShape = null, int? batchSize = null) : this(scale, offset, name, scalar: false, inputShape: inputShape, batchSize: batchSize)
    {
    }

    private Rescaling(double[] scale, double[] offset, string? name, bool scalar, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(scale);
        ArgumentNullException.ThrowIfNull(offset);
        if (scale.Length == 0 || offset.Length == 0)
        {
            throw new ArgumentException($"Rescaling layer '{name ?? "rescaling"}': scale and offset need at least one value, got {scale.Length} and {offset.Length}.");
        }
        if (scale.Length > 1 && offset.Length > 1 && scale.Length != offset.Length)
        {
            throw new ArgumentException($"Rescaling layer '{name ?? "rescaling"}': inconsistent scale and offset lengths for broadcasting: {scale.Length} versus {offset.Length}.");
        }
        Scale = [.. scale];
        Offset = [.. offset];
        _scalarScale = scalar;
        _scalarOffset = scalar;
    }

    private readonly bool _scalarScale;
    private readonly bool _scalarOffset;

    /// <summary>The scale, one value or one per channel.</summary>
    public IReadOnlyList<double> Scale { get; }

    /// <summary>The offset, one value or one per channel.</summary>
    public IReadOnlyList<double> Offset { get; }

    /// <inheritdoc/>
    protected override bool PropagatesMask => true;

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        int len = Math.Max(Scale.Count, Offset.Count);
        if (len > 1 && (inputShape.Rank == 0 || (inputShape[-1] >= 0 && inputShape[-1] != len && inputShape[-1] != 1)))
        {
            throw IncompatibleInput(inputShape, $"the scale/offset have {len} values, so the last axis must have {len} (or 1) channels");
        }
        return len > 1 && inputShape.Rank > 0 && inputShape[-1] == 1 ? inputShape.WithDim(-1, len) : inputShape;
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        var x = inputs.IsFloat ? inputs : Ops.Cast(inputs, DType.Float32);
        return Ops.Add(Ops.Multiply(x, Constant(Scale)), Constant(Offset));
    }

    private static Tensor Constant(IReadOnlyList<double> values) =>
        values.Count == 1 ? Tensor.Scalar((float)values[0]) : Tensor.FromArray(values.Select(v => (float)v).ToArray(), values.Count);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["scale"] = _scalarScale ? Scale[0] : new JsonArray([.. Scale.Select(v => (JsonNode)v)]);
        c["offset"] = _scalarOffset ? Offset[0] : new JsonArray([.. Offset.Select(v => (JsonNode)v)]);
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static Rescaling FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (scale, scalarScale) = Numbers(config, "scale", null);
        var (offset, scalarOffset) = Numbers(config, "offset", 0.0);
        return scalarScale && scalarOffset ? new Rescaling(scale[0], offset[0], Cfg.Name(config)) : new Rescaling(scale, offset, Cfg.Name(config));
    }

    private static (double[] Values, bool Scalar) Numbers(JsonObject config, string key, double? fallback)
    {
        var node = config[key];
        if (node is JsonArray a)
        {
            return (a.Select((v, i) => v is JsonValue jv && jv.TryGetValue<double>(out var d) ? d
                : throw Cfg.Wrong(config, key, "a number or a list of numbers", node)).ToArray(), false);
        }
        return ([Cfg.Double(config, key, fallback)], true);
    }
}
