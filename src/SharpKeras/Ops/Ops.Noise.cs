using SharpKeras.Backend;

namespace SharpKeras;

/// <summary>Training-time noise of Keras's regularization layers (GaussianNoise, GaussianDropout, AlphaDropout).</summary>
public static partial class Ops
{
    /// <summary>
    /// y = x * scale + shift, with (scale, shift) redrawn by <paramref name="draw"/> every time the op
    /// runs (so a replayed training step gets fresh noise, as Keras's seed generator gives); the
    /// gradient is g * scale. Additive noise draws scale = 1, multiplicative noise shift = 0.
    /// </summary>
    internal static Tensor AffineNoise(Tensor x, SeedGenerator rng, Action<SeedGenerator, Span<float>, Span<float>> draw)
    {
        x = F(x);
        var scale = new float[x.Length];
        var shift = new float[x.Length];
        var y = Tensor.Zeros(x.Shape);
        void Forward()
        {
            // One generator may serve several replays at once (inference plans are pooled), so draws take turns.
            lock (rng)
            {
                draw(rng, scale, shift);
            }
            K.Binary(BinaryFunction.Multiply, x.Span, scale, y.Span);
            K.Binary(BinaryFunction.Add, y.Span, shift, y.Span);
        }
        Forward();
        if (GradientTape.IsRecording(x))
        {
            GradientTape.Record(y, [x], Forward, (g, dx) => K.Binary(BinaryFunction.Multiply, g.Span, scale, dx[0].Span), OpKind.Noise);
        }
        return y;
    }
}
