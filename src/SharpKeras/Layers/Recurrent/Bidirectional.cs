using System.Text.Json.Nodes;
namespace SharpKeras.Layers;

/// <summary>
/// Keras's Bidirectional wrapper: runs a recurrent layer forwards and a copy of it backwards over
/// the same input and merges the two outputs ("concat" by default, or "sum", "mul", "ave").
/// </summary>
public sealed class Bidirectional : Layer, Saving.IKerasSerializable<Bidirectional>
{
    /// <summary>The merge modes Keras accepts besides null (no merge).</summary>
    public static IReadOnlyList<string> MergeModes { get; } = ["ave", "concat", "mul", "sum"];

    /// <summary>
    /// Wraps <paramref name="layer"/>; the backward layer is a fresh copy going the other way unless
    /// <paramref name="backwardLayer"/> is given. <paramref name="mergeMode"/> null keeps the two
    /// outputs apart (use <see cref="ApplyBoth"/>).
    /// </summary>
    public Bidirectional(RNN layer, string? mergeMode = "concat", RNN? backwardLayer = null, string? name = null, int[]? inputShape = null, int? batchSize = null) : base(name, inputShape, batchSize)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (mergeMode is not null && !MergeModes.Contains(mergeMode))
        {
            throw new ArgumentException($"Bidirectional: invalid merge mode '{mergeMode}'. Merge mode should be one of {string.Join(", ", MergeModes)} or null.", nameof(mergeMode));
        }
        var backward = backwardLayer ?? CloneReversed(layer);
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

    /// <summary>
    /// The backward layer as Keras makes it: the forward layer's config with go_backwards flipped,
    /// deserialized into a fresh layer (its own weights); a custom cell must be registered for this.
    /// </summary>
    private static RNN CloneReversed(RNN layer)
    {
        var serialized = Saving.KerasSerializer.Serialize(layer);
        serialized.Remove("build_config");
        var config = (JsonObject)serialized["config"]!;
        config["go_backwards"] = !layer.GoBackwards;
        // Keras names it "backward_" + the forward name; here the constructor names it from its default name, so drop the copied one.
        config.Remove("name");
        try
        {
            return Saving.KerasSerializer.Layer(serialized) as RNN
                ?? throw new ArgumentException($"Bidirectional: the copy of layer '{layer.Name}' ({layer.ClassName}) made from its config is not a recurrent layer.", nameof(layer));
        }
        catch (Saving.UnknownClassException e)
        {
            throw new ArgumentException($"Bidirectional: layer '{layer.Name}' ({layer.GetType().Name}) runs a custom cell that is not registered, so its backward copy cannot be made from its config; register the cell (KerasSerializer.Register) or pass backwardLayer (an RNN with goBackwards=true). {e.Message}", nameof(layer), e);
        }
    }

    /// <summary>Recreates the wrapper from its config (Keras's <c>from_config</c>): "layer", and "backward_layer" when present.</summary>
    public static Bidirectional FromConfig(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var mergeMode = Saving.Cfg.OptionalString(config, "merge_mode");
        return new Bidirectional(Saving.RecurrentConfigs.Rnn(config, "layer"), mergeMode,
            config["backward_layer"] is null ? null : Saving.RecurrentConfigs.Rnn(config, "backward_layer"), Saving.Cfg.Name(config));
    }

    /// <summary>Keras saves the two layers under forward_layer and backward_layer (…/forward_layer/cell/vars/0).</summary>
    protected internal override IEnumerable<KeyValuePair<string, Layer>> SavedChildren()
    {
        yield return new("forward_layer", ForwardLayer);
        yield return new("backward_layer", BackwardLayer);
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["merge_mode"] = MergeMode;
        c["layer"] = Saving.KerasSerializer.Serialize(ForwardLayer);
        c["backward_layer"] = Saving.KerasSerializer.Serialize(BackwardLayer);
        return c;
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
    private protected override bool KeepsOpScope => true;

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
        var r = RunBoth(inputs, null, training, withStates: false);
        return (r.Forward, r.Backward);
    }

    /// <summary>
    /// Runs both directions with optional initial states (Keras's <c>layer(x, initial_state=[...])</c>:
    /// the first half starts the forward layer, the second half the backward one) and returns the merged
    /// output with each direction's final states (h, and c for LSTM), as Keras's <c>return_state</c> gives them.
    /// </summary>
    public (Tensor Output, Tensor[] ForwardStates, Tensor[] BackwardStates) Apply(Tensor inputs, Tensor[]? initialState, bool training = false)
    {
        RequireMerge();
        var r = RunBoth(inputs, initialState, training, withStates: true);
        return (Merge(r.Forward, r.Backward), r.ForwardStates, r.BackwardStates);
    }

    private (Tensor Forward, Tensor Backward, Tensor[] ForwardStates, Tensor[] BackwardStates) RunBoth(Tensor inputs, Tensor[]? initialState, bool training, bool withStates)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        EnsureBuilt(inputs.Shape);
        Tensor[]? forwardInit = null, backwardInit = null;
        if (initialState is not null)
        {
            int expected = ForwardLayer.Cell.StateSize.Count + BackwardLayer.Cell.StateSize.Count;
            if (initialState.Length != expected)
            {
                throw new ArgumentException($"Layer \"{Name}\" (Bidirectional) expects {expected} initial states (the forward layer's, then the backward layer's) but got {initialState.Length}.", nameof(initialState));
            }
            int half = ForwardLayer.Cell.StateSize.Count;
            forwardInit = initialState[..half];
            backwardInit = initialState[half..];
        }
        Tensor f, b;
        Tensor[] fStates = [], bStates = [];
        if (withStates)
        {
            (f, fStates) = ForwardLayer.Apply(inputs, forwardInit, training);
            (b, bStates) = BackwardLayer.Apply(inputs, backwardInit, training);
        }
        else
        {
            f = ForwardLayer.Apply(inputs, training);
            b = BackwardLayer.Apply(inputs, training);
        }
        if (BackwardLayer.ReturnSequences)
        {
            var mask = b.KerasMask;
            b = Ops.ReverseTime(b);
            b.KerasMask = mask;
        }
        return (f, b, fStates, bStates);
    }

    /// <inheritdoc/>
    protected override Tensor Call(Tensor inputs, bool training)
    {
        RequireMerge();
        var (f, b) = ApplyBoth(inputs, training);
        return Merge(f, b);
    }

    private void RequireMerge()
    {
        if (MergeMode is null)
        {
            throw new InvalidOperationException($"Layer \"{Name}\" (Bidirectional) has mergeMode=null, which gives two outputs; call ApplyBoth instead.");
        }
    }

    private Tensor Merge(Tensor f, Tensor b)
    {
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
