namespace SharpKeras;

/// <summary>Random values of a training call that a replayed step draws again (the per-image draws of RandomFlip, RandomBrightness and RandomContrast).</summary>
public static partial class Ops
{
    /// <summary>
    /// A float tensor of <paramref name="shape"/> that <paramref name="draw"/> fills from <paramref name="rng"/> now and every
    /// time the op runs again. Values made outside the ops would be constants of a recorded step, so every replay would reuse
    /// the first batch's draws; as an op on <paramref name="input"/> (the tensor the draws are for, read by no kernel here) it is
    /// recorded whenever the input is, and replayed before the ops that use the draws. No gradient flows through it.
    /// </summary>
    internal static Tensor RandomDraws(Tensor input, Shape shape, SeedGenerator rng, Action<SeedGenerator, Span<float>> draw)
    {
        ArgumentNullException.ThrowIfNull(input);
        var y = Tensor.Zeros(shape);
        void Forward()
        {
            // One generator may serve several replays at once (inference plans are pooled), so draws take turns.
            lock (rng)
            {
                draw(rng, y.Span);
            }
        }
        Forward();
        if (GradientTape.IsRecording(input))
        {
            GradientTape.Record(y, [input], Forward, null, OpKind.RandomDraws);
        }
        return y;
    }
}
