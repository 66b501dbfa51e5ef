namespace SharpKeras.DtypePolicies;

/// <summary>
/// Keras's AutocastScope for bfloat16: while a layer whose policy computes in bfloat16 runs its call, reads of autocast
/// variables (<see cref="Variable.Value"/>) return the value rounded to bfloat16. Each variable is rounded once per
/// outermost scope (an RNN reading its kernel at every step gets the same rounded tensor), by an op, so a recorded
/// training step or inference plan rounds the current value again on every replay.
/// </summary>
internal static class Autocast
{
    // Per thread, as the layer call stack: a layer's call runs on the thread that called it.
    [ThreadStatic] private static Reads? t_reads;

    /// <summary>True while this thread runs the call of a layer that computes in bfloat16.</summary>
    public static bool Active => t_reads is not null;

    /// <summary>The rounded read of <paramref name="variable"/> (whose stored value is <paramref name="stored"/>) in the current scope.</summary>
    public static Tensor Read(Variable variable, Tensor stored)
    {
        var reads = t_reads!;
        if (!reads.Rounded.TryGetValue(variable, out var rounded))
        {
            rounded = Ops.RoundToBfloat16(stored, variable);
            reads.Rounded.Add(variable, rounded);
        }
        return rounded;
    }

    /// <summary>
    /// Enters a layer's call: a bfloat16 layer keeps the scope it runs in (Keras keeps a scope of the same dtype) or opens
    /// one; a float32 layer reads variables as stored. Returns what <see cref="Exit"/> restores.
    /// </summary>
    public static Reads? Enter(bool bfloat16)
    {
        var outer = t_reads;
        t_reads = bfloat16 ? outer ?? new Reads() : null;
        return outer;
    }

    /// <summary>Leaves a layer's call, restoring the scope <see cref="Enter"/> returned.</summary>
    public static void Exit(Reads? outer) => t_reads = outer;

    /// <summary>The rounded reads of one scope.</summary>
    internal sealed class Reads
    {
        public Dictionary<Variable, Tensor> Rounded { get; } = new(ReferenceEqualityComparer.Instance);
    }
}
