namespace SharpKeras;

/// <summary>keras.random: random tensors drawn from the project's seeded generator.</summary>
public static partial class Keras
{
    /// <summary>
    /// keras.random: <c>normal</c>, <c>uniform</c>, <c>truncated_normal</c> and <c>shuffle</c>. A seed gives the same values on every run; without one the
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
            void Draw(SeedGenerator rng)
            {
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (float)(mean + stddev * rng.NextNormal());
                }
            }
            Draw(SeedGenerator.FromSeed(seed));
            return Recorded(data, shape, seed, Draw);
        }

        /// <summary>A float32 tensor of <paramref name="shape"/> drawn uniformly from [minval, maxval) (Keras's <c>keras.random.uniform</c>).</summary>
        public static Tensor Uniform(int[] shape, double minval = 0.0, double maxval = 1.0, int? seed = null)
        {
            var data = new float[CheckedSize(shape, "Uniform")];
            if (!double.IsFinite(minval) || !double.IsFinite(maxval) || !(maxval > minval))
            {
                throw new ArgumentException($"Keras.Random.Uniform needs finite bounds with minval < maxval, got [{minval}, {maxval}).", nameof(maxval));
            }
            void Draw(SeedGenerator rng)
            {
                rng.NextFloats(data);
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (float)(minval + (maxval - minval) * data[i]);
                }
            }
            Draw(SeedGenerator.FromSeed(seed));
            return Recorded(data, shape, seed, Draw);
        }

        /// <summary>
        /// A float32 tensor drawn from a normal distribution truncated at two standard deviations (Keras's
        /// <c>keras.random.truncated_normal</c>): values farther than 2 * stddev from the mean are drawn again.
        /// </summary>
        public static Tensor TruncatedNormal(int[] shape, double mean = 0.0, double stddev = 1.0, int? seed = null)
        {
            var data = new float[CheckedSize(shape, "TruncatedNormal")];
            if (!double.IsFinite(mean) || !(stddev >= 0) || double.IsInfinity(stddev))
            {
                throw new ArgumentException($"Keras.Random.TruncatedNormal needs a finite mean and a finite stddev >= 0, got mean {mean}, stddev {stddev}.", nameof(stddev));
            }
            void Draw(SeedGenerator rng)
            {
                for (int i = 0; i < data.Length; i++)
                {
                    double z;
                    do
                    {
                        z = rng.NextNormal();
                    }
                    while (Math.Abs(z) > 2.0);
                    data[i] = (float)(mean + stddev * z);
                }
            }
            Draw(SeedGenerator.FromSeed(seed));
            return Recorded(data, shape, seed, Draw);
        }

        /// <summary>
        /// Hands an unseeded draw made inside a custom TrainStep being recorded to the recorder, which draws it again, from the
        /// global generator as the eager step would, on every replay; a seeded draw is the same every call, so it stays as is.
        /// </summary>
        private static Tensor Recorded(float[] data, int[] shape, int? seed, Action<SeedGenerator> draw)
        {
            var drawn = Tensor.FromArray(data, shape);
            if (seed is null && Training.StepRecorder.WantsRandom)
            {
                Training.StepRecorder.OnRandom(drawn, Redraw(data, drawn, draw));
            }
            return drawn;
        }

        // Made apart from Recorded so that a draw outside a recording makes no closure.
        private static Action Redraw(float[] data, Tensor drawn, Action<SeedGenerator> draw)
        {
            var rng = new SeedGenerator(0);
            return () =>
            {
                rng.Reseed(SeedGenerator.Global.NextInt());
                draw(rng);
                data.CopyTo(drawn.Span);
            };
        }

        /// <summary>
        /// A copy of <paramref name="x"/> with its slices along <paramref name="axis"/> in a random order (Keras's <c>keras.random.shuffle</c>).
        /// </summary>
        public static Tensor Shuffle(Tensor x, int axis = 0, int? seed = null)
        {
            ArgumentNullException.ThrowIfNull(x);
            if (x.Rank == 0)
            {
                throw new ArgumentException("Keras.Random.Shuffle: x must have at least one axis, got a scalar.", nameof(x));
            }
            if (axis < -x.Rank || axis >= x.Rank)
            {
                throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Keras.Random.Shuffle: axis {axis} is out of range for x of shape {x.Shape}.");
            }
            int a = x.Shape.NormalizeAxis(axis);
            int len = x.Shape[a];
            var order = new int[len];
            for (int i = 0; i < len; i++)
            {
                order[i] = i;
            }
            SeedGenerator.FromSeed(seed).Shuffle(order);
            if (a == 0)
            {
                return x.Gather(order);
            }
            // Another axis: gather flat indices so every dtype is kept as it is.
            int inner = 1;
            for (int i = a + 1; i < x.Rank; i++)
            {
                inner *= x.Shape[i];
            }
            int outer = len * inner == 0 ? 0 : x.Length / (len * inner);
            var flat = new int[x.Length];
            int n = 0;
            for (int o = 0; o < outer; o++)
            {
                for (int k = 0; k < len; k++)
                {
                    for (int j = 0; j < inner; j++)
                    {
                        flat[n++] = (o * len + order[k]) * inner + j;
                    }
                }
            }
            return x.View(new Shape(x.Length)).Gather(flat).View(x.Shape);
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
