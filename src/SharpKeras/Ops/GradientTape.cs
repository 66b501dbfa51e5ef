namespace SharpKeras;

/// <summary>
/// Records differentiable ops run while it is active and computes gradients in reverse
/// (reverse-mode autodiff, as TensorFlow's GradientTape that Keras's train_step uses).
/// Only ops with at least one watched input, or an input computed from one, are recorded.
/// </summary>
public sealed class GradientTape : IDisposable
{
    [ThreadStatic] private static GradientTape? t_current;

    private readonly GradientTape? _parent;
    private readonly HashSet<Tensor> _tracked = new(ReferenceEqualityComparer.Instance);
    private readonly List<Entry> _entries = [];
    private bool _disposed;

    /// <summary>Starts recording on this thread (until disposed).</summary>
    public GradientTape()
    {
        _parent = t_current;
        t_current = this;
    }

    /// <summary>Computes the gradients of one op's inputs from the gradient of its output.</summary>
    /// <param name="outputGrad">dLoss/dOutput, shaped as the output.</param>
    /// <param name="needsGrad">Which inputs need a gradient; the others may be left null.</param>
    internal delegate Tensor?[] Backward(Tensor outputGrad, bool[] needsGrad);

    private sealed record Entry(Tensor Output, Tensor[] Inputs, Backward Backward);

    /// <summary>Marks a tensor as a source whose gradient may be asked for (trainable weights are watched by the trainer).</summary>
    public void Watch(Tensor tensor) => _tracked.Add(tensor);

    /// <summary>True when an op on these inputs must be recorded by the active tape.</summary>
    internal static bool IsRecording(Tensor a) => t_current is { } t && t._tracked.Contains(a);

    /// <summary>True when an op on these inputs must be recorded by the active tape.</summary>
    internal static bool IsRecording(Tensor a, Tensor b) => t_current is { } t && (t._tracked.Contains(a) || t._tracked.Contains(b));

    /// <summary>Records an op whose output depends on watched inputs.</summary>
    internal static void Record(Tensor output, Tensor[] inputs, Backward backward)
    {
        var t = t_current!;
        t._tracked.Add(output);
        t._entries.Add(new Entry(output, inputs, backward));
    }

    /// <summary>
    /// d<paramref name="target"/>/d<paramref name="sources"/>; a source that does not influence the
    /// target gets null (as TensorFlow returns None). A non-scalar target is summed first.
    /// </summary>
    public Tensor?[] Gradient(Tensor target, IReadOnlyList<Tensor> sources)
    {
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance)
        {
            [target] = Tensor.Ones(target.Shape),
        };
        var wanted = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var s in sources)
        {
            wanted.Add(s);
        }
        // Which recorded tensors lie on a path to a wanted source: only those need gradients.
        var onPath = new HashSet<Tensor>(wanted, ReferenceEqualityComparer.Instance);
        foreach (var e in _entries)
        {
            foreach (var i in e.Inputs)
            {
                if (onPath.Contains(i))
                {
                    onPath.Add(e.Output);
                    break;
                }
            }
        }
        for (int k = _entries.Count - 1; k >= 0; k--)
        {
            var e = _entries[k];
            if (!grads.TryGetValue(e.Output, out var g))
            {
                continue;
            }
            var needs = new bool[e.Inputs.Length];
            bool any = false;
            for (int i = 0; i < needs.Length; i++)
            {
                needs[i] = onPath.Contains(e.Inputs[i]);
                any |= needs[i];
            }
            if (!any)
            {
                continue;
            }
            var inGrads = e.Backward(g, needs);
            for (int i = 0; i < needs.Length; i++)
            {
                if (!needs[i] || inGrads[i] is not { } ig)
                {
                    continue;
                }
                var input = e.Inputs[i];
                if (ig.Shape != input.Shape)
                {
                    throw new InvalidOperationException($"Internal error: gradient of shape {ig.Shape} for an input of shape {input.Shape}.");
                }
                grads[input] = grads.TryGetValue(input, out var prev) ? Backend.Cpu.CpuOps.Binary<Backend.Cpu.AddOp>(prev, ig) : ig;
            }
        }
        var result = new Tensor?[sources.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = grads.TryGetValue(sources[i], out var g) ? g : null;
        }
        return result;
    }

    /// <summary>Stops recording and restores the enclosing tape, if any.</summary>
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
}
