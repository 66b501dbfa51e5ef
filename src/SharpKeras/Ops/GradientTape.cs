namespace SharpKeras;

/// <summary>
/// Records differentiable ops run while it is active and computes gradients in reverse
/// (reverse-mode autodiff, as TensorFlow's GradientTape that Keras's train_step uses).
/// Only ops with at least one watched input, or an input computed from one, are recorded.
/// </summary>
/// <remarks>
/// A recorded op is a node that can run again: its forward action recomputes its output in place
/// from the current contents of its inputs, and its backward action writes its inputs' gradients
/// into buffers the tape planned. So a tape recorded once for a batch shape is a training step
/// plan: refill the input tensors, <see cref="ReplayForward"/>, <see cref="ReplayBackward"/>, and
/// nothing is allocated.
/// </remarks>
public sealed class GradientTape : IDisposable
{
    [ThreadStatic] private static GradientTape? t_current;
    [ThreadStatic] private static string? t_scope;

    private readonly GradientTape? _parent;
    private readonly HashSet<Tensor> _tracked = new(ReferenceEqualityComparer.Instance);
    private readonly List<OpRecord> _nodes = [];
    private BackwardPlan? _plan;
    private readonly bool _watchAccessedVariables;
    private bool _disposed;

    /// <summary>
    /// Starts recording on this thread (until disposed). As TensorFlow's tape (<c>watch_accessed_variables=True</c>),
    /// it watches every trainable <see cref="Variable"/> an op reads, so <c>tape.Gradient(loss, model.TrainableWeights)</c>
    /// works without a <see cref="Watch(Tensor)"/> call; pass false to record only what is watched explicitly.
    /// </summary>
    public GradientTape(bool watchAccessedVariables = true)
    {
        _watchAccessedVariables = watchAccessedVariables;
        _parent = t_current;
        t_current = this;
    }

    /// <summary>
    /// Writes the gradients of one op's inputs from the gradient of its output. Each needed input
    /// gradient must be fully overwritten (not accumulated): the tape sums contributions itself.
    /// </summary>
    internal delegate void BackwardFn(Tensor outputGrad, InputGrads inputGrads);

    /// <summary>Where an op's backward writes its inputs' gradients; an input nobody needs has none.</summary>
    internal sealed class InputGrads
    {
        internal InputGrads(int count) => Targets = new Tensor?[count];

        internal Tensor?[] Targets { get; }

        /// <summary>True when input <paramref name="i"/>'s gradient is wanted.</summary>
        public bool Needs(int i) => Targets[i] is not null;

        /// <summary>The buffer (shaped as input <paramref name="i"/>) to overwrite with its gradient.</summary>
        public Tensor this[int i] => Targets[i] ?? throw new InvalidOperationException($"Internal error: gradient of input {i} was not requested.");
    }

    /// <summary>The name of the layer whose ops are being recorded on this thread (null outside layers).</summary>
    internal static string? Scope
    {
        get => t_scope;
        set => t_scope = value;
    }

    /// <summary>One recorded op.</summary>
    internal sealed class OpRecord(Tensor output, Tensor[] inputs, Action forward, BackwardFn? backward, OpKind kind)
    {
        /// <summary>The layer that recorded the op, or null for ops outside layers (the loss).</summary>
        public string? Scope { get; } = t_scope;

        public Tensor Output { get; } = output;
        public Tensor[] Inputs { get; } = inputs;
        public Action Forward { get; } = forward;
        public BackwardFn? Backward { get; } = backward;

        /// <summary>What the op is ("matmul", "softmax", ...), for fusion across ops and for profiles.</summary>
        public OpKind Kind { get; } = kind;
    }

    /// <summary>Marks a tensor as a source whose gradient may be asked for (trainable weights are watched by the trainer).</summary>
    public void Watch(Tensor tensor) => _tracked.Add(tensor);

    /// <summary>Marks a variable's value as a source (Keras's <c>tape.watch(variable)</c>).</summary>
    public void Watch(Variable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        _tracked.Add(variable.Stored);
    }

    /// <summary>True when the tape records ops on <paramref name="a"/>: watched, computed from a watched tensor, or a trainable variable's value.</summary>
    private bool Sees(Tensor a) => _tracked.Contains(a) || (_watchAccessedVariables && a.OwnerVariable is { Trainable: true });

    /// <summary>True when an op on this input must be recorded by the active tape (or by a custom TrainStep being recorded).</summary>
    internal static bool IsRecording(Tensor a) => (t_current is { } t && t.Sees(a)) || Training.StepRecorder.Sees(a);

    /// <summary>True when an op on these inputs must be recorded by the active tape (or by a custom TrainStep being recorded).</summary>
    internal static bool IsRecording(Tensor a, Tensor b) => (t_current is { } t && (t.Sees(a) || t.Sees(b))) || Training.StepRecorder.Sees(a) || Training.StepRecorder.Sees(b);

    /// <summary>True when an op on these inputs must be recorded by the active tape (or by a custom TrainStep being recorded).</summary>
    internal static bool IsRecording(ReadOnlySpan<Tensor> inputs)
    {
        var t = t_current;
        foreach (var x in inputs)
        {
            if ((t is not null && t.Sees(x)) || Training.StepRecorder.Sees(x))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when this tape sees one of <paramref name="inputs"/>.</summary>
    private bool SeesAny(Tensor[] inputs)
    {
        foreach (var x in inputs)
        {
            if (Sees(x))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Records an op whose output depends on watched inputs. <paramref name="forward"/> recomputes
    /// <paramref name="output"/> in place from the inputs (it has already run once when this is
    /// called); anything it needs besides its inputs (scratch buffers, masks) must be allocated
    /// before, never inside it. <paramref name="backward"/> is null for ops with no gradient
    /// (one-hot, argmax, casts).
    /// </summary>
    internal static void Record(Tensor output, Tensor[] inputs, Action forward, BackwardFn? backward, OpKind kind)
    {
        var recorder = Training.StepRecorder.Active;
        if (recorder is null)
        {
            var t = t_current!;
            t._tracked.Add(output);
            t._nodes.Add(new OpRecord(output, inputs, forward, backward, kind));
            return;
        }
        // A custom TrainStep is being recorded: the op is replayed with the step when the recorder sees an input,
        // and differentiated when the user's tape sees one; either may see it without the other.
        if (t_current is { } tape && tape.SeesAny(inputs))
        {
            tape._tracked.Add(output);
            tape._nodes.Add(new OpRecord(output, inputs, forward, backward, kind));
        }
        recorder.RecordOp(output, inputs, forward);
    }

    /// <summary>The recorded op that produced <paramref name="t"/> on the active tape, if any (lets ops fuse with their producer).</summary>
    internal static OpRecord? Producer(Tensor t)
    {
        if (t_current is not { } tape || !tape._tracked.Contains(t))
        {
            return null;
        }
        for (int i = tape._nodes.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(tape._nodes[i].Output, t))
            {
                return tape._nodes[i];
            }
        }
        return null;
    }

    /// <summary>
    /// False once a layer returned a value computed outside the ops from a recorded input (say, a
    /// custom activation written with ToArray): replaying would repeat a stale value, so such a
    /// step is recorded afresh every time instead.
    /// </summary>
    internal bool Replayable { get; private set; } = true;

    /// <summary>
    /// A second output <paramref name="side"/> that the op which made <paramref name="output"/> writes in its forward (Embedding's
    /// and Masking's masks): the ops that read it are recorded like those on the output, or a replay would read a stale mask.
    /// </summary>
    internal static void RecordSideOutput(Tensor output, Tensor side)
    {
        if (t_current is { } tape && tape._tracked.Contains(output))
        {
            tape._tracked.Add(side);
        }
        Training.StepRecorder.OnSideOutput(output, side);
    }

    /// <summary>
    /// A host read (ToArray, Item, Tensor.Cast, an element) of a tensor the active tape sees: what C# computes from the
    /// value is not an op, so a replay would repeat a stale result; the tape is marked not replayable, and the step is
    /// recorded afresh every time, which is slower but right.
    /// </summary>
    internal static void OnHostRead(Tensor t)
    {
        if (t_current is { } tape && tape.Sees(t))
        {
            tape.Replayable = false;
        }
    }

    /// <summary>Checks that a layer's output on a recorded input was itself recorded; marks the tape not replayable otherwise.</summary>
    internal static void CheckRecorded(Tensor input, Tensor output)
    {
        if (t_current is { } t && t.Sees(input) && !t._tracked.Contains(output))
        {
            t.Replayable = false;
        }
        Training.StepRecorder.Active?.CheckLayerOutput(input, output);
    }

    /// <summary>The recorded ops in execution order.</summary>
    internal IReadOnlyList<OpRecord> Nodes => _nodes;

    /// <summary>
    /// d<paramref name="target"/>/d<paramref name="sources"/>; a source that does not influence the
    /// target gets null (as TensorFlow returns None). A non-scalar target is summed first. The
    /// returned tensors are the tape's own buffers: <see cref="ReplayBackward"/> overwrites them.
    /// </summary>
    public Tensor?[] Gradient(Tensor target, IReadOnlyList<Tensor> sources)
    {
        _plan = BackwardPlan.Create(_nodes, target, sources);
        _plan.Run(null);
        if (Training.StepRecorder.Active is { } recorder)
        {
            // A custom TrainStep being recorded replays this backward pass, into the same buffers, where it ran.
            var plan = _plan;
            recorder.RecordBackward(() => plan.Run(null), target, plan.Results);
        }
        return _plan.Results;
    }

    /// <summary>
    /// d<paramref name="target"/>/d<paramref name="variables"/> (Keras's <c>tape.gradient(loss, model.trainable_weights)</c>):
    /// one gradient per variable, null for a variable that does not influence the target.
    /// </summary>
    public Tensor?[] Gradient(Tensor target, IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(variables);
        var sources = new Tensor[variables.Count];
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = variables[i].Value;
        }
        return Gradient(target, sources);
    }

    /// <summary>Runs every recorded op's forward again, in order, on the current contents of its inputs.</summary>
    internal void ReplayForward()
    {
        foreach (var n in _nodes)
        {
            n.Forward();
        }
    }

    /// <summary>Runs the backward pass planned by the last <c>Gradient</c> call again, into the same buffers.</summary>
    internal void ReplayBackward() =>
        (_plan ?? throw new InvalidOperationException("Internal error: ReplayBackward before Gradient.")).Run(null);

    /// <summary>Replays forward and backward once, adding each op's time (Stopwatch ticks) to its scope in <paramref name="times"/>.</summary>
    internal void ReplayProfiled(Dictionary<string, (long Forward, long Backward)> times)
    {
        foreach (var n in _nodes)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            n.Forward();
            Add(times, n, System.Diagnostics.Stopwatch.GetTimestamp() - t0, 0);
        }
        (_plan ?? throw new InvalidOperationException("Internal error: ReplayBackward before Gradient.")).Run(times);
    }

    private static void Add(Dictionary<string, (long Forward, long Backward)> times, OpRecord n, long forward, long backward)
    {
        var key = n.Scope ?? "loss";
        times.TryGetValue(key, out var t);
        times[key] = (t.Forward + forward, t.Backward + backward);
    }

    /// <summary>Stops recording and restores the enclosing tape, if any. The recording stays replayable.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (ReferenceEquals(t_current, this))
        {
            t_current = _parent;
        }
    }

    /// <summary>
    /// The reverse pass over one recording for one target and set of sources, with every gradient
    /// buffer allocated up front: the first op to reach a tensor writes its gradient buffer, later
    /// ones write a scratch buffer that is then added in.
    /// </summary>
    private sealed class BackwardPlan
    {
        private readonly List<(OpRecord OpRecord, Tensor OutputGrad, InputGrads Grads, (Tensor Scratch, Tensor Into)[] Adds)> _steps = [];
        private Tensor _seed = null!;

        public Tensor?[] Results { get; private set; } = [];

        public static BackwardPlan Create(List<OpRecord> nodes, Tensor target, IReadOnlyList<Tensor> sources)
        {
            var plan = new BackwardPlan();
            var wanted = new HashSet<Tensor>(sources, ReferenceEqualityComparer.Instance);
            // Which recorded tensors lie on a path from a wanted source: only those need gradients.
            var onPath = new HashSet<Tensor>(wanted, ReferenceEqualityComparer.Instance);
            foreach (var n in nodes)
            {
                foreach (var i in n.Inputs)
                {
                    if (onPath.Contains(i))
                    {
                        onPath.Add(n.Output);
                        break;
                    }
                }
            }
            plan._seed = Tensor.Ones(target.Shape);
            var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance) { [target] = plan._seed };
            for (int k = nodes.Count - 1; k >= 0; k--)
            {
                var n = nodes[k];
                if (n.Backward is null || !grads.TryGetValue(n.Output, out var g))
                {
                    continue;
                }
                var ig = new InputGrads(n.Inputs.Length);
                var adds = new List<(Tensor, Tensor)>();
                for (int i = 0; i < n.Inputs.Length; i++)
                {
                    var input = n.Inputs[i];
                    if (!onPath.Contains(input))
                    {
                        continue;
                    }
                    if (grads.TryGetValue(input, out var existing))
                    {
                        var scratch = Tensor.Zeros(input.Shape);
                        ig.Targets[i] = scratch;
                        adds.Add((scratch, existing));
                    }
                    else
                    {
                        var buffer = Tensor.Zeros(input.Shape);
                        grads[input] = buffer;
                        ig.Targets[i] = buffer;
                    }
                }
                if (ig.Targets.Any(t => t is not null))
                {
                    plan._steps.Add((n, g, ig, [.. adds]));
                }
            }
            plan.Results = new Tensor?[sources.Count];
            for (int i = 0; i < sources.Count; i++)
            {
                plan.Results[i] = grads.TryGetValue(sources[i], out var g) ? g : null;
            }
            return plan;
        }

        public void Run(Dictionary<string, (long Forward, long Backward)>? times)
        {
            foreach (var (node, outputGrad, inputGrads, adds) in _steps)
            {
                long t0 = times is null ? 0 : System.Diagnostics.Stopwatch.GetTimestamp();
                node.Backward!(outputGrad, inputGrads);
                foreach (var (scratch, into) in adds)
                {
                    Backend.Kernels.Current.Binary(Backend.BinaryFunction.Add, into.Span, scratch.Span, into.Span);
                }
                if (times is not null)
                {
                    Add(times, node, 0, System.Diagnostics.Stopwatch.GetTimestamp() - t0);
                }
            }
        }
    }
}
