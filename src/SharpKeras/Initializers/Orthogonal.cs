using SharpKeras.Saving;
using System.Text.Json.Nodes;
namespace SharpKeras.Initializers;

/// <summary>
/// Keras's Orthogonal initializer (<c>"orthogonal"</c>, the default recurrent_initializer): the
/// weight, flattened to (prod(shape[:-1]), shape[-1]), has orthonormal rows or columns (whichever
/// are fewer), from the QR decomposition of a normal matrix, times <paramref name="gain"/>.
/// </summary>
public sealed class Orthogonal(double gain = 1.0, int? seed = null) : RandomInitializer(seed), IKerasSerializable<Orthogonal>
{
    /// <summary>The multiplicative factor.</summary>
    public double Gain { get; } = gain;

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new() { ["seed"] = Seed, ["gain"] = Gain };

    /// <inheritdoc/>
    public override Tensor Call(Shape shape)
    {
        if (shape.Rank < 2)
        {
            throw new ArgumentException($"The Orthogonal initializer needs a shape of rank >= 2, got {shape}.", nameof(shape));
        }
        int cols = shape[-1];
        int rows = shape.Size / Math.Max(1, cols);
        int big = Math.Max(rows, cols), small = Math.Min(rows, cols);
        var rng = NewGenerator();
        // Columns of a (big x small) normal matrix, orthonormalised by modified Gram-Schmidt (the Q
        // of its QR decomposition with the sign convention that makes R's diagonal positive).
        var q = new double[small][];
        for (int j = 0; j < small; j++)
        {
            var v = new double[big];
            for (int i = 0; i < big; i++)
            {
                v[i] = rng.NextNormal();
            }
            q[j] = v;
        }
        for (int j = 0; j < small; j++)
        {
            var v = q[j];
            for (int p = 0; p < j; p++)
            {
                double dot = 0;
                for (int i = 0; i < big; i++)
                {
                    dot += q[p][i] * v[i];
                }
                for (int i = 0; i < big; i++)
                {
                    v[i] -= dot * q[p][i];
                }
            }
            double norm = 0;
            foreach (double e in v)
            {
                norm += e * e;
            }
            norm = Math.Sqrt(norm);
            for (int i = 0; i < big; i++)
            {
                v[i] /= norm;
            }
        }
        var t = Tensor.Zeros(shape);
        var s = t.Span;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                // Q is (big x small); when rows < cols the weight is its transpose.
                double e = rows >= cols ? q[c][r] : q[r][c];
                s[r * cols + c] = (float)(Gain * e);
            }
        }
        return t;
    }

    /// <summary>Recreates the initializer from its config (Keras's <c>from_config</c>).</summary>
    public static Orthogonal FromConfig(JsonObject config) => new(Cfg.Double(config, "gain", 1.0), Cfg.OptionalInt(config, "seed"));
}
