using SharpKeras.Metrics;

namespace SharpKeras.Layers;

/// <summary>
/// Explicit tracking of sublayers and metrics (what Keras does on attribute assignment), and the
/// losses a layer adds from its <c>Call</c> (Keras's <c>add_loss</c> / <c>layer.losses</c>).
/// </summary>
/// <remarks>
/// Keras tracks a layer assigned to an attribute through <c>__setattr__</c>. C# has no such hook and
/// walking private fields needs reflection that trimming and NativeAOT cannot keep, so a layer or model
/// says what it owns: <c>_encoder = Track(encoder)</c> in its constructor. Layers called from <c>Call</c>
/// are also tracked on their first call; a model whose custom step calls a layer with weights that it
/// tracks neither way fails with an error naming that layer (see <see cref="Models.Model.TrainStep"/>).
/// </remarks>
public abstract partial class Layer
{
    // Added losses live with the thread that ran the call, not on the layer, so that inference calls
    // on several threads at once (each adding its own loss tensors) never see each other's.
    [ThreadStatic] private static List<(Layer Owner, Tensor Loss)>? t_losses;
    [ThreadStatic] private static List<Layer>? t_entryCalls;

    private readonly List<Metric> _trackedMetrics = [];

    /// <summary>
    /// Tracks <paramref name="layer"/> as a sublayer of this one (Keras's attribute tracking): its weights
    /// count in <see cref="Weights"/>, it is saved under this layer and listed by <c>Summary</c>. Returns it,
    /// so a constructor reads <c>_encoder = Track(encoder);</c>.
    /// </summary>
    protected T Track<T>(T layer) where T : Layer
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (ReferenceEquals(layer, this))
        {
            throw new ArgumentException($"Layer '{Name}' cannot track itself.", nameof(layer));
        }
        if (!_trackedLayers.Contains(layer))
        {
            _trackedLayers.Add(layer);
            StructureChanged();
        }
        return layer;
    }

    /// <summary>Tracks every layer of a list (Keras tracks a list attribute's layers); returns them as a list.</summary>
    protected IReadOnlyList<T> Track<T>(IEnumerable<T> layers) where T : Layer
    {
        ArgumentNullException.ThrowIfNull(layers);
        var list = layers.ToList();
        foreach (var l in list)
        {
            Track(l);
        }
        return list;
    }

    /// <summary>Tracks a metric object of this layer or model (Keras tracks metric attributes); it is listed by <c>Metrics</c> and reset with them.</summary>
    protected T TrackMetric<T>(T metric) where T : Metric
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (!_trackedMetrics.Contains(metric))
        {
            _trackedMetrics.Add(metric);
        }
        return metric;
    }

    /// <summary>Metric objects tracked by this layer and its sublayers (part of Keras's <c>model.metrics</c>).</summary>
    internal IReadOnlyList<Metric> TrackedMetrics => [.. FlattenLayers().SelectMany(l => l._trackedMetrics).Distinct()];

    /// <summary>The layers directly under this one: tracked sublayers (a model adds its own layers).</summary>
    internal virtual IEnumerable<Layer> ChildLayers => _trackedLayers;

    /// <summary>This layer and every layer under it, each once (Keras's <c>_flatten_layers</c>).</summary>
    internal List<Layer> FlattenLayers()
    {
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        var order = new List<Layer>();
        var stack = new Stack<Layer>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var l = stack.Pop();
            if (!seen.Add(l))
            {
                continue;
            }
            order.Add(l);
            foreach (var c in l.ChildLayers.Reverse())
            {
                stack.Push(c);
            }
        }
        return order;
    }

    /// <summary>
    /// Adds a loss term from inside <c>Call</c> (Keras's <c>add_loss</c>): a scalar (a tensor of several
    /// values counts as its sum) that training adds to the compiled loss. The terms of a call are dropped
    /// when the outermost layer is called again, as Keras clears them.
    /// </summary>
    public void AddLoss(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        (t_losses ??= []).Add((this, loss.Length == 1 ? loss : Ops.Sum(loss)));
    }

    /// <summary>
    /// The loss terms of this layer and its sublayers (Keras's <c>layer.losses</c>): those added with <see cref="AddLoss"/>
    /// (activity penalties included) in their latest call on this thread, then each trainable weight's regularizer penalty
    /// on the current values.
    /// </summary>
    public IReadOnlyList<Tensor> Losses
    {
        get
        {
            var losses = new List<Tensor>();
            if (t_losses is { Count: > 0 } all)
            {
                var mine = new HashSet<Layer>(FlattenLayers(), ReferenceEqualityComparer.Instance);
                losses.AddRange(all.Where(e => mine.Contains(e.Owner)).Select(e => e.Loss));
            }
            losses.AddRange(RegularizationLosses());
            return losses;
        }
    }

    /// <summary>Called when this layer is entered with no layer running on the thread: clears its tree's losses and records the call for tracking checks.</summary>
    private void OnEntryCall()
    {
        if (t_losses is { Count: > 0 } all)
        {
            var mine = new HashSet<Layer>(FlattenLayers(), ReferenceEqualityComparer.Instance);
            all.RemoveAll(e => mine.Contains(e.Owner));
        }
        t_entryCalls?.Add(this);
    }

    /// <summary>Starts recording which layers are called from outside any layer on this thread; returns the previous recording, for <see cref="EndEntryCallRecording"/>.</summary>
    internal static List<Layer>? BeginEntryCallRecording(List<Layer> into)
    {
        var previous = t_entryCalls;
        t_entryCalls = into;
        return previous;
    }

    /// <summary>Stops the recording begun by <see cref="BeginEntryCallRecording"/>.</summary>
    internal static void EndEntryCallRecording(List<Layer>? previous) => t_entryCalls = previous;
}
