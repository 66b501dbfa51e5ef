using System.Text.Json.Nodes;

namespace SharpKeras.Layers;

/// <summary>
/// The keyword arguments of MultiHeadAttention's and GroupQueryAttention's calls in a functional graph
/// (Keras's <c>mha(query, value, key=..., attention_mask=..., return_attention_scores=..., use_causal_mask=...)</c>).
/// </summary>
internal static class AttentionCalls
{
    /// <summary>The keyword arguments SharpKeras records and reads for attention layers.</summary>
    public static readonly string[] Known = ["query", "value", "key", "attention_mask", "return_attention_scores", "use_causal_mask"];

    /// <summary>The keyword arguments of a call, in the order of Keras's call signature; defaults are left out, as Keras writes only what was passed.</summary>
    public static CallKwargs<KerasTensor> Record(KerasTensor? attentionMask, bool returnScores, bool useCausalMask)
    {
        var kw = new CallKwargs<KerasTensor>();
        if (attentionMask is not null)
        {
            kw.Add("attention_mask", attentionMask);
        }
        if (returnScores)
        {
            kw.AddConstant("return_attention_scores", JsonValue.Create(true));
        }
        if (useCausalMask)
        {
            kw.AddConstant("use_causal_mask", JsonValue.Create(true));
        }
        return kw;
    }

    /// <summary>
    /// Query, value and optional key (positional, or passed by name as Keras allows), the attention mask and the
    /// two flags of a recorded call; throws, naming the layer, on arguments the layer does not take.
    /// </summary>
    public static (T Query, T Value, T? Key, T? Mask, bool ReturnScores, bool Causal) Parse<T>(Layer layer, T[] args, bool asList, CallKwargs<T> kwargs)
        where T : class
    {
        kwargs.CheckKnown(layer, Known);
        if (asList)
        {
            throw new Saving.ConfigException($"Layer '{layer.Name}' ({layer.ClassName}) takes query, value and key as separate arguments, not as one list.");
        }
        var query = args.Length > 0 ? args[0] : kwargs.Tensor(layer, "query");
        var value = args.Length > 1 ? args[1] : kwargs.Tensor(layer, "value");
        var key = args.Length > 2 ? args[2] : kwargs.Tensor(layer, "key");
        if (args.Length > 3 || (args.Length > 0 && kwargs.Has("query")) || (args.Length > 1 && kwargs.Has("value")) || (args.Length > 2 && kwargs.Has("key")))
        {
            throw new Saving.ConfigException($"Layer '{layer.Name}' ({layer.ClassName}) takes query, value and an optional key once each, but was called with {args.Length} positional tensor(s) and keyword arguments [{string.Join(", ", kwargs.Entries.Select(e => e.Name))}].");
        }
        if (query is null || value is null)
        {
            throw new Saving.ConfigException($"Layer '{layer.Name}' ({layer.ClassName}) needs a query and a value, but was called with {args.Length} positional tensor(s) and keyword arguments [{string.Join(", ", kwargs.Entries.Select(e => e.Name))}].");
        }
        return (query, value, key, kwargs.Tensor(layer, "attention_mask"), kwargs.Bool(layer, "return_attention_scores", false), kwargs.Bool(layer, "use_causal_mask", false));
    }

    /// <summary>
    /// The node of a symbolic call with keyword arguments: a plain call stays the positional node it always was (so its saved
    /// config is unchanged); otherwise the mask and flags are checked and recorded, with the scores (shaped by
    /// <paramref name="scoresShape"/> from the query and key shapes) as a second output when they are asked for.
    /// </summary>
    public static KerasTensor[] Node(Layer layer, KerasTensor[] args, bool asList, CallKwargs<KerasTensor> kwargs, Func<Shape, Shape, Shape> scoresShape,
        Func<KerasTensor[], bool, CallKwargs<KerasTensor>, (Shape Shape, DType DType)[], KerasTensor[]> addNode)
    {
        var (q, v, k, mask, scores, causal) = Parse(layer, args, asList, kwargs);
        KerasTensor[] positional = k is null ? [q, v] : [q, v, k];
        if (mask is null && !scores && !causal)
        {
            return [layer.ApplyPositional(positional)];
        }
        var shapes = positional.Select(t => t.Shape).ToArray();
        layer.EnsureBuilt(shapes);
        CheckMask(layer, mask, q.Shape, v.Shape);
        var output = (layer.ComputeOutputShape(shapes), DType.Float32);
        (Shape, DType)[] outputs = scores ? [output, (scoresShape(q.Shape, (k ?? v).Shape), DType.Float32)] : [output];
        return addNode(positional, false, Record(mask, scores, causal), outputs);
    }

    /// <summary>Checks a symbolic attention mask against (batch, target, source) of rank-3 query and value.</summary>
    public static void CheckMask(Layer layer, KerasTensor? mask, Shape query, Shape value)
    {
        if (mask is null)
        {
            return;
        }
        var m = mask.Shape;
        bool Fits(int actual, int expected) => actual < 0 || expected < 0 || actual == expected;
        bool ok = query.Rank == 3
            ? m.Rank == 3 && Fits(m[0], query[0]) && Fits(m[0], value[0]) && Fits(m[1], query[1]) && Fits(m[2], value[1])
            : m.Rank == 2 * query.Rank - 3 || m.Rank == query.Rank;
        if (!ok)
        {
            string expected = query.Rank == 3
                ? SummaryShape([query[0], query[1], value[1]])
                : $"rank {query.Rank} (batch, target positions..., source positions...)";
            throw new ArgumentException($"Layer '{layer.Name}' ({layer.ClassName}): attention_mask has shape {SummaryShape(m.ToArray())}, but query {SummaryShape(query.ToArray())} and value {SummaryShape(value.ToArray())} need {expected}.");
        }
    }

    private static string SummaryShape(int[] dims) => Models.SummaryPrinter.FormatShape(new Shape(dims));
}
