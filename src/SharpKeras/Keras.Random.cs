namespace SharpKeras;

/// <summary>keras.random: random tensors drawn from the project's seeded generator.</summary>
public static partial class Keras
{
    /// <summary>
    /// keras.random: <c>normal</c> and <c>uniform</c>. A seed gives the same values on every run; without one the
    /// values come from the global generator that <see cref="Config.SetRandomSeed"/> seeds. The streams are
    /// SharpKeras's own, so the values differ from Python Keras's for the same seed.
    /// </summary>
    public static class Random
    {
        /// <summary>A float32 tensor of <paramref name="shape"/> drawn from a normal distribution (Keras's <c>keras.random.normal</c>).</summary>
        public static Tensor Normal(int[] shape, double mean = 0.0, double stddev = 1.0, int? seed = null)
        {
            var data = new float[CheckedSize(shape, "Normal")];
            if (!double.IsFinite(mean) || !(stddev >= 0) || double.IsInfinity(stddev))
            {
                throw new ArgumentException($"Keras.Random.Normal needs a finite mean and a finite stddev >= 0, got mean {mean}, stddev {stddev}.", nameof(stddev));
            }
            var rng = SeedGenerator.FromSeed(seed);
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (float)(mean + stddev * rng.NextNormal());
            }
            return Tensor.FromArray(data, shape);
        }

        /// <summary>A float32 tensor of <paramref name="shape"/> drawn uniformly from [minval, maxval) (Keras's <c>keras.random.uniform</c>).</summary>
        public static Tensor Uniform(int[] shape, double minval = 0.0, double maxval = 1.0, int? seed = null)
        {
            var data = new float[CheckedSize(shape, "Uniform")];
            if (!double.IsFinite(minval) || !double.IsFinite(maxval) || !(maxval > minval))
            {
                throw new ArgumentException($"Keras.Random.Uniform needs finite bounds with minval < maxval, got [{minval}, {maxval}).", nameof(maxval));
            }
            var rng = SeedGenerator.FromSeed(seed);
            rng.NextFloats(data);
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (float)(minval + (maxval - minval) * data[i]);
            }
            return Tensor.FromArray(data, shape);
        }

        private static int CheckedSize(int[] shape, string function)
        {
            ArgumentNullException.ThrowIfNull(shape);
            long size = 1;
            foreach (int d in shape)
            {
                if (d < 0)
                {
                    throw new ArgumentException($"Keras.Random.{function}: shape dimensions must be non-negative, got [{string.Join(", ", shape)}].", nameof(shape));
                }
                size *= d;
                if (size > Array.MaxLength)
                {
                    throw new ArgumentException($"Keras.Random.{function}: shape [{string.Join(", ", shape)}] has more elements than an array can hold.", nameof(shape));
                }
            }
            return (int)size;
        }
    }
}
