using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>Repeats the input <see cref="N"/> times (<c>keras.layers.RepeatVector</c>): (batch, features) becomes (batch, n, features).</summary>
public sealed class RepeatVector : Layer, Saving.IKerasSerializable<RepeatVector>
{
    /// <summary>A RepeatVector repeating <paramref name="n"/> times.</summary>
    public RepeatVector(int n, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        if (n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"RepeatVector n must be a positive integer, got {n}.");
        }
        N = n;
    }

    /// <summary>Repetition factor.</summary>
    public int N { get; }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        if (inputShape.Rank != 2)
        {
            throw IncompatibleInput(inputShape, "expected ndim=2 (batch, features)");
        }
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape) => new(inputShape[0], N, inputShape[1]);

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training) => Ops.RepeatVector(inputs, N);

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["n"] = N;
        return c;
    }

    /// <summary>Recreates the layer from its config (Keras's <c>from_config</c>).</summary>
    public static RepeatVector FromConfig(JsonObject config) => new(Saving.Cfg.Int(config, "n"), Saving.Cfg.Name(config));
}
