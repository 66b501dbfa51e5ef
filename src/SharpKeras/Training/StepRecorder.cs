using SharpKeras.Metrics;
using SharpKeras.Optimizers;

namespace SharpKeras.Training;

/// <summary>
/// Records one call of a custom <see cref="Models.Model.TrainStep"/> as a program that runs again without the C# code
/// that made it: in the order they ran, every op on a tensor it tracks (the batch placeholders, every variable's value
/// and whatever ops computed from them), every backward pass a <see cref="GradientTape"/> planned, every
/// <see cref="Optimizer.ApplyGradients(IReadOnlyList{Tensor?}, IReadOnlyList{Variable})"/>, every tensor-valued
/// <see cref="Mean.UpdateState(Tensor)"/> and every unseeded <see cref="Keras.Random"/> draw. What it cannot replay
/// (a host read of a tracked tensor, a layer output computed outside the ops, the built-in step) makes it refuse, with
/// the reason; the step then stays eager.
/// </summary>
/// <remarks>
/// This is Keras's tracing of train_step into a graph, done the SharpKeras way: the C# of the step runs once, and what it
/// did to tensors is kept. As with a traced step, C# control flow and side effects run only at recording; flow that
/// depends on tensor values can only be reached through a host read, which is why a host read refuses the recording.
/// </remarks>
internal sealed class StepRecorder
{
    [ThreadStatic] private static StepRecorder? t_active;

    private readonly HashSet<Tensor> _tracked = new(ReferenceEqualityComparer.Instance);
    private readonly List<Action> _steps = [];
    private readonly HashSet<Metric> _updated = new(ReferenceEqualityComparer.Instance);
    private readonly string _modelName;
    // Above 0 while a library call recorded as one step (an optimizer update, a metric update) runs: its insides are not steps.
    private int _opaque;

    private StepRecorder(string modelName) => _modelName = modelName;

    /// <summary>The recorder of this thread, or null when no custom step is being recorded.</summary>
    internal static StepRecorder? Active => t_active;

    /// <summary>Why the recording cannot be replayed; null while it can.</summary>
    public string? Refusal { get; private set; }

    /// <summary>True when the built-in TrainStep ran inside the recorded call (the model does not override it, or calls it).</summary>
    public bool BuiltInStepRan { get; private set; }

    /// <summary>The recorded program, in order.</summary>
    public Action[] Program => [.. _steps];

    /// <summary>The metrics whose updates were recorded.</summary>
    public IReadOnlyCollection<Metric> UpdatedMetrics => _updated;

    /// <summary>Starts recording on this thread; <paramref name="sources"/> (the batch placeholders) are tracked from the start.</summary>
    public static StepRecorder Begin(string modelName, IEnumerable<Tensor?> sources)
    {
        if (t_active is not null)
        {
            throw new InvalidOperationException($"Internal error: a TrainStep of model '{modelName}' started recording while another one was being recorded on this thread.");
        }
        var r = new StepRecorder(modelName);
        foreach (var t in sources)
        {
            if (t is not null)
            {
                r._tracked.Add(t);
            }
        }
        t_active = r;
        return r;
    }

    /// <summary>Stops recording (idempotent).</summary>
    public void End()
    {
        if (ReferenceEquals(t_active, this))
        {
            t_active = null;
        }
    }

    /// <summary>True when an op on <paramref name="t"/> must be recorded for the step being recorded on this thread.</summary>
    internal static bool Sees(Tensor t) => t_active is { } r && r.Tracks(t);

    // Every variable counts, trainable or not (a BatchNormalization's moving statistics are updated by its replayed ops).
    private bool Tracks(Tensor t) => _opaque == 0 && (t.OwnerVariable is not null || _tracked.Contains(t));

    /// <summary>Stops the recording with <paramref name="reason"/>: the step runs eagerly from now on.</summary>
    private void Refuse(string reason)
    {
        Refusal ??= reason;
        End();
    }

    /// <summary>Notes an op; it is a step of the program when one of its inputs is tracked.</summary>
    internal void RecordOp(Tensor output, Tensor[] inputs, Action forward)
    {
        foreach (var x in inputs)
        {
            if (Tracks(x))
            {
                _tracked.Add(output);
                _steps.Add(forward);
                return;
            }
        }
    }

    /// <summary>Notes a backward pass that wrote <paramref name="gradients"/> from <paramref name="target"/>.</summary>
    internal void RecordBackward(Action run, Tensor target, Tensor?[] gradients)
    {
        if (_opaque > 0)
        {
            return;
        }
        if (!Tracks(target))
        {
            Refuse($"the target of tape.Gradient (shape {target.Shape}) was not computed by ops from the batch or the weights, so a replay would not recompute it");
            return;
        }
        _steps.Add(run);
        foreach (var g in gradients)
        {
            if (g is not null)
            {
                _tracked.Add(g);
            }
        }
    }

    /// <summary>
    /// A host read of <paramref name="t"/> (Item, ToArray, an element): a replay could not repeat what the C# did with the value,
    /// so a recorded custom step refuses and the built-in step's tape stops replaying (the one entry point for both).
    /// </summary>
    internal static void OnHostRead(Tensor t)
    {
        GradientTape.OnHostRead(t);
        if (t_active is { } r && r.Tracks(t))
        {
            r.Refuse($"it read a tensor of shape {t.Shape} computed in the step on the host (Item(), ToArray() or an element), " +
                "and a replay cannot repeat what C# does with the value (a branch, a metric update with a double); " +
                "update trackers with Mean.UpdateState(tensor) instead of Update(tensor.Item())");
        }
    }

    /// <summary>A second output an op writes in its forward (a mask): tracked when the op's output is, since the replay refills it too.</summary>
    internal static void OnSideOutput(Tensor output, Tensor side)
    {
        if (t_active is { } r && r.Tracks(output))
        {
            r._tracked.Add(side);
        }
    }

    /// <summary>A view of a tracked tensor (a Slice) shares its storage, which the replay refills in place: it is tracked too.</summary>
    internal static void OnView(Tensor source, Tensor view)
    {
        if (t_active is { } r && r.Tracks(source))
        {
            r._tracked.Add(view);
        }
    }

    /// <summary>Checks that a layer's output on a tracked input was computed by recorded ops.</summary>
    internal void CheckLayerOutput(Tensor input, Tensor output)
    {
        if (Tracks(input) && !Tracks(output))
        {
            Refuse($"a layer returned a tensor of shape {output.Shape} computed outside the ops from its recorded input");
        }
    }

    /// <summary>Notes the built-in TrainStep: it has its own plan, so this recording stops.</summary>
    internal static void OnBuiltInStep()
    {
        if (t_active is { } r)
        {
            r.BuiltInStepRan = true;
            r.Refuse("it runs the built-in TrainStep, which records and replays itself");
        }
    }

    /// <summary>Notes an optimizer update; the returned scope keeps its insides out of the program until disposed.</summary>
    internal static Scope OnApplyGradients(Optimizer optimizer, IReadOnlyList<Tensor?> gradients, IReadOnlyList<Variable> variables)
    {
        if (t_active is not { } r || r._opaque > 0)
        {
            return default;
        }
        var g = gradients.ToArray();
        var v = variables.ToArray();
        foreach (var t in g)
        {
            if (t is not null && !r.Tracks(t))
            {
                r.Refuse($"a gradient of shape {t.Shape} given to {optimizer.Name}.ApplyGradients was not computed in the step by tape.Gradient or ops, so a replay would apply it again unchanged");
                return default;
            }
        }
        r._steps.Add(ReplayOf(optimizer, g, v));
        r._opaque++;
        return new Scope(r);
    }

    // The closures are made in methods of their own: captured parameters would make the caller allocate on every call.
    private static Action ReplayOf(Optimizer optimizer, Tensor?[] gradients, Variable[] variables) => () => optimizer.ApplyGradients(gradients, variables);

    private static Action ReplayOf(Mean mean, Tensor values) => () => mean.AddValues(values);

    /// <summary>Notes <c>mean.UpdateState(values)</c>; the returned scope keeps its insides out of the program until disposed.</summary>
    internal static Scope OnMeanUpdate(Mean mean, Tensor values)
    {
        if (t_active is not { } r || r._opaque > 0)
        {
            return default;
        }
        r._steps.Add(ReplayOf(mean, values));
        r._updated.Add(mean);
        r._opaque++;
        return new Scope(r);
    }

    /// <summary>Notes an unseeded random draw into <paramref name="output"/>; <paramref name="redraw"/> draws again into it on every replay.</summary>
    internal static void OnRandom(Tensor output, Action redraw)
    {
        if (t_active is { } r && r._opaque == 0)
        {
            r._tracked.Add(output);
            r._steps.Add(redraw);
        }
    }

    /// <summary>True when a random draw must hand its redraw to the recorder (saves making the closure otherwise).</summary>
    internal static bool WantsRandom => t_active is { _opaque: 0 };

    /// <summary>A library call recorded as one step, while it runs.</summary>
    internal readonly struct Scope(StepRecorder? recorder) : IDisposable
    {
        /// <summary>Ends the call.</summary>
        public void Dispose()
        {
            if (recorder is not null)
            {
                recorder._opaque--;
            }
        }
    }

    /// <summary>The message of a model whose custom TrainStep runs eagerly because of <paramref name="reason"/>.</summary>
    internal string Describe(string reason) => $"The custom TrainStep of model '{_modelName}' runs eagerly: {reason}.";
}
