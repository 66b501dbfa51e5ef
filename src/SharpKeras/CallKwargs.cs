using System.Text.Json.Nodes;
using SharpKeras.Layers;

namespace SharpKeras;

/// <summary>
/// The keyword arguments of one layer call (Keras's <c>node.arguments.kwargs</c>), in call order: each a tensor,
/// a list of tensors, or a plain JSON constant. <typeparamref name="T"/> is <see cref="KerasTensor"/> in the
/// recorded graph and <see cref="Tensor"/> when the graph runs.
/// </summary>
internal sealed class CallKwargs<T> where T : class
{
    private readonly List<Entry> _entries = [];

    /// <summary>One keyword argument: tensors (one, or a list when <c>IsList</c>) or a constant.</summary>
    public readonly record struct Entry(string Name, T[]? Tensors, bool IsList, JsonNode? Constant);

    /// <summary>No keyword arguments.</summary>
    public static CallKwargs<T> Empty => new();

    /// <summary>The arguments in call order.</summary>
    public IReadOnlyList<Entry> Entries => _entries;

    /// <summary>Number of arguments.</summary>
    public int Count => _entries.Count;

    /// <summary>Every tensor the arguments hold, in order (they are inputs of the call, as Keras's node.input_tensors).</summary>
    public IEnumerable<T> AllTensors => _entries.SelectMany(e => e.Tensors ?? []);

    /// <summary>Adds a tensor argument.</summary>
    public CallKwargs<T> Add(string name, T tensor) => Put(new(name, [tensor], false, null));

    /// <summary>Adds a list-of-tensors argument.</summary>
    public CallKwargs<T> Add(string name, T[] tensors) => Put(new(name, tensors, true, null));

    /// <summary>Adds a constant argument (a JSON value as Keras writes it).</summary>
    public CallKwargs<T> AddConstant(string name, JsonNode? value) => Put(new(name, null, false, value));

    private CallKwargs<T> Put(Entry e)
    {
        if (_entries.Any(x => x.Name == e.Name))
        {
            throw new ArgumentException($"Keyword argument '{e.Name}' is given twice.");
        }
        _entries.Add(e);
        return this;
    }

    /// <summary>Whether an argument of that name is present.</summary>
    public bool Has(string name) => _entries.Any(e => e.Name == name);

    /// <summary>The single tensor of argument <paramref name="name"/>, or null when absent (or a JSON null).</summary>
    public T? Tensor(Layer layer, string name)
    {
        foreach (var e in _entries)
        {
            if (e.Name != name)
            {
                continue;
            }
            if (e.Tensors is { Length: 1 } one && !e.IsList)
            {
                return one[0];
            }
            if (e.Tensors is null && e.Constant is null)
            {
                return null;
            }
            throw new Saving.ConfigException($"Layer '{layer.Name}' ({layer.ClassName}): keyword argument '{name}' should be one tensor, got {Describe(e)}.");
        }
        return null;
    }

    /// <summary>The tensors of list argument <paramref name="name"/>, or null when absent (or a JSON null).</summary>
    public T[]? TensorList(Layer layer, string name)
    {
        foreach (var e in _entries)
        {
            if (e.Name != name)
            {
                continue;
            }
            if (e.Tensors is { } ts)
            {
                return ts;
            }
            if (e.Constant is null)
            {
                return null;
            }
            throw new Saving.ConfigException($"Layer '{layer.Name}' ({layer.ClassName}): keyword argument '{name}' should be a list of tensors, got {Describe(e)}.");
        }
        return null;
    }

    /// <summary>The boolean argument <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    public bool Bool(Layer layer, string name, bool fallback)
    {
        foreach (var e in _entries)
        {
            if (e.Name != name)
            {
                continue;
            }
            if (e.Tensors is null && e.Constant is JsonValue v && v.TryGetValue<bool>(out var b))
            {
                return b;
            }
            if (e.Tensors is null && e.Constant is null)
            {
                return fallback;
            }
            throw new Saving.ConfigException($"Layer '{layer.Name}' ({layer.ClassName}): keyword argument '{name}' should be true or false, got {Describe(e)}.");
        }
        return fallback;
    }

    /// <summary>Throws, naming the layer, when an argument is not among <paramref name="known"/>.</summary>
    public void CheckKnown(Layer layer, params string[] known)
    {
        foreach (var e in _entries)
        {
            if (!known.Contains(e.Name))
            {
                string takes = known.Length == 0 ? "no keyword arguments" : $"keyword arguments {string.Join(", ", known)}";
                throw new Saving.ConfigException($"Layer '{layer.Name}' ({layer.ClassName}) was called with keyword argument '{e.Name}' ({Describe(e)}), which SharpKeras does not support for it; it takes {takes}.");
            }
        }
    }

    /// <summary>The same arguments with each tensor mapped (symbolic tensors to their values when the graph runs).</summary>
    public CallKwargs<TOut> Map<TOut>(Func<T, TOut> map) where TOut : class
    {
        var r = new CallKwargs<TOut>();
        foreach (var e in _entries)
        {
            r.Put(new CallKwargs<TOut>.Entry(e.Name, e.Tensors?.Select(map).ToArray(), e.IsList, e.Constant));
        }
        return r;
    }

    private static string Describe(Entry e) => e.Tensors is { } ts
        ? e.IsList ? $"a list of {ts.Length} tensor(s)" : $"a tensor {ts[0]}"
        : e.Constant?.ToJsonString() ?? "null";
}
