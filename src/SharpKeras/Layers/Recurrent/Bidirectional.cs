namespace SharpKeras.Layers;

/// <summary>
/// Keras's Bidirectional wrapper: runs a recurrent layer forwards and a copy of it backwards over
/// the same input and merges the two outputs ("concat" by default, or "sum", "mul", "ave").
/// </summary>
public sealed class Bidirectional : Layer
{
    /// <summary>The merge modes Keras accepts besides null (no merge).</summary>
    public static IReadOnlyList<string> MergeModes { get; } = ["ave", "concat", "mul", "sum"];

    /// <summary>
    /// Wraps <paramref name="layer"/>; the backward layer is a fresh copy going the other way unless
    /// <paramref name="backwardLayer"/> is given. <paramref name="mergeMode"/> null keeps the two
    /// outputs apart (use <see cref="ApplyBoth"/>).
    /// </summary>
    public Bidirectional(RNN layer, string? mergeMode = "concat", RNN? backwardLayer = null, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (mergeMode is not null && !MergeModes.Contains(mergeMode))
        {
            throw new ArgumentException($"Bidirectional: invalid merge mode '{mergeMode}'. Merge mode should be one of {string.Join(", ", MergeModes)} or null.", nameof(mergeMode));
        }
        var backward = backwardLayer ?? layer.CloneReversed()
            ?? throw new ArgumentException($"Bidirectional: layer '{layer.Name}' ({layer.GetType().Name}) runs a custom cell; pass backwardLayer (an RNN with goBackwards=true).", nameof(backwardLayer));
        if (backward.GoBackwards == layer.GoBackwards)
        {
            throw new ArgumentException($"Bidirectional: the forward layer has goBackwards={layer.GoBackwards} and so does the backward layer; they must differ.", nameof(backwardLayer));
        }
        if (backward.ReturnSequences != layer.ReturnSequences)
        {
            throw new ArgumentException($"Bidirectional: forward returnSequences={layer.ReturnSequences} but backward returnSequences={backward.ReturnSequences}; they must match.", nameof(backwardLayer));
        }
        ForwardLayer = layer;
        BackwardLayer = backward;
        MergeMode = mergeMode;
        // As Keras: masked steps of returned sequences are zeros in both directions.
        ForwardLayer.ZeroOutputForMask = layer.ReturnSequences;
        BackwardLayer.ZeroOutputForMask = layer.ReturnSequences;
        if (!ForwardLayer.HasName)
        {
            ForwardLayer.Name = "forward_" + ForwardLayer.DefaultName;
        }
        if (!BackwardLayer.HasName)
        {
            BackwardLayer.Name = "backward_" + BackwardLayer.DefaultName;
        }
    }

    /// <summary>The layer reading the sequence forwards.</summary>
    public RNN ForwardLayer { get; }

    /// <summary>The layer reading the sequence backwards.</summary>
    public RNN BackwardLayer { get; }

    /// <summary>How the two outputs are combined; null when kept apart.</summary>
    public string? MergeMode { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> Weights => [.. ForwardLayer.Weights, .. BackwardLayer.Weights];

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> TrainableWeights => Trainable ? [.. ForwardLayer.TrainableWeights, .. BackwardLayer.TrainableWeights] : [];

    /// <inheritdoc/>
    public override IReadOnlyList<Variable> NonTrainableWeights => Trainable
        ? [.. ForwardLayer.NonTrainableWeights, .. BackwardLayer.NonTrainableWeights]
        : Weights;

    /// <inheritdoc/>
    public override int CountParams() => ForwardLayer.CountParams() + BackwardLayer.CountParams();

    /// <inheritdoc/>
    protected override void Build(Shape inputShape)
    {
        ForwardLayer.EnsureBuilt(inputShape);
        BackwardLayer.EnsureBuilt(inputShape);
    }

    /// <inheritdoc/>
    protected override void CheckInputShape(Shape inputShape)
    {
        ForwardLayer.EnsureBuilt(inputShape);
        BackwardLayer.EnsureBuilt(inputShape);
    }

    /// <inheritdoc/>
    public override Shape ComputeOutputShape(Shape inputShape)
    {
        var f = ForwardLayer.ComputeOutputShape(inputShape);
        return MergeMode == "concat" ? f.WithDim(-1, f[-1] + BackwardLayer.ComputeOutputShape(inputShape)[-1]) : f;
    }

    /// <summary>The forward output and the backward output (re-reversed into time order when sequences), unmerged.</summary>
    public (Tensor Forward, Tensor Backward) ApplyBoth(Tensor inputs, bool training = false)
    {
        EnsureBuilt(inputs.Shape);
        var f = ForwardLayer.Apply(inputs, training);
        var b = BackwardLayer.Apply(inputs, training);
        if (BackwardLayer.ReturnSequences)
        {
            var mask = b.KerasMask;
            b = Ops.ReverseTime(b);
            b.KerasMask = mask;
        }
        return (f, b);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        if (MergeMode is null)
        {
            throw new InvalidOperationException($"Layer \"{Name}\" (Bidirectional) has mergeMode=null, which gives two outputs; call ApplyBoth instead.");
        }
        var (f, b) = ApplyBoth(inputs, training);
        var y = MergeMode switch
        {
            "concat" => Ops.ConcatenateLast(f, b),
            "sum" => Ops.Add(f, b),
            "mul" => Ops.Multiply(f, b),
            _ => Ops.Multiply(Ops.Add(f, b), Tensor.Scalar(0.5f)),
        };
        y.KerasMask = f.KerasMask;
        return y;
    }
}
