namespace SharpKeras;

/// <summary>keras.utils: the array helpers Keras programs call before training.</summary>
public static partial class Keras
{
    /// <summary>keras.utils: <c>to_categorical</c>, <c>pad_sequences</c>.</summary>
    public static class Utils
    {
        /// <summary>
        /// One-hot encodes class ids (Keras's <c>keras.utils.to_categorical</c>): a float32 tensor of shape
        /// (labels, numClasses) with 1 at each label's column; <paramref name="numClasses"/> defaults to the largest label + 1.
        /// </summary>
        public static Tensor ToCategorical(int[] labels, int? numClasses = null)
        {
            ArgumentNullException.ThrowIfNull(labels);
            return OneHot(labels, [labels.Length], numClasses);
        }

        /// <summary>
        /// One-hot encodes a tensor of class ids, as the labels Keras's dataset loaders return (Keras's <c>to_categorical(y)</c>):
        /// the result's shape is the labels' shape (a trailing axis of 1 dropped, as Keras does) plus numClasses.
        /// Float labels must hold whole numbers.
        /// </summary>
        public static Tensor ToCategorical(Tensor labels, int? numClasses = null)
        {
            ArgumentNullException.ThrowIfNull(labels);
            var ids = labels.ToInt32Array();
            if (labels.DType == DType.Float32)
            {
                var f = labels.ToArray();
                for (int i = 0; i < f.Length; i++)
                {
                    if (f[i] != ids[i])
                    {
                        throw new ArgumentException($"ToCategorical: labels must be whole class ids, but element {i} is {f[i]}.", nameof(labels));
                    }
                }
            }
            var dims = labels.Shape.ToArray();
            if (dims.Length > 1 && dims[^1] == 1)
            {
                dims = dims[..^1];
            }
            return OneHot(ids, dims, numClasses);
        }

        private static Tensor OneHot(int[] labels, int[] labelShape, int? numClasses)
        {
            if (numClasses is <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, $"ToCategorical numClasses must be a positive integer, got {numClasses}.");
            }
            int classes = numClasses ?? (labels.Length == 0 ? 0 : labels.Max() + 1);
            var data = new float[labels.Length * classes];
            for (int i = 0; i < labels.Length; i++)
            {
                int label = labels[i];
                if (label < 0 || label >= classes)
                {
                    throw new ArgumentException($"ToCategorical: labels[{i}] is {label}, but class ids must lie in [0, {classes}) for numClasses {classes}.", "labels");
                }
                data[i * classes + label] = 1f;
            }
            return Tensor.FromArray(data, [.. labelShape, classes]);
        }

        /// <summary>
        /// Pads sequences to the same length (Keras's <c>keras.utils.pad_sequences</c>): a (sequences, maxlen) tensor
        /// where shorter sequences get <paramref name="value"/> before ("pre", the default) or after ("post") them and
        /// longer ones lose values at the start ("pre") or end ("post"). <paramref name="maxlen"/> defaults to the
        /// longest sequence; <paramref name="dtype"/> is "int32" (default), "float32" or "uint8".
        /// </summary>
        public static Tensor PadSequences(IEnumerable<int[]> sequences, int? maxlen = null, string dtype = "int32",
            string padding = "pre", string truncating = "pre", double value = 0)
        {
            ArgumentNullException.ThrowIfNull(sequences);
            var seqs = sequences.ToList();
            for (int i = 0; i < seqs.Count; i++)
            {
                if (seqs[i] is null)
                {
                    throw new ArgumentException($"PadSequences: sequences[{i}] is null; every sequence must be an array (it may be empty).", nameof(sequences));
                }
            }
            if (padding is not ("pre" or "post"))
            {
                throw new ArgumentException($"PadSequences: padding must be \"pre\" or \"post\", got \"{padding}\".", nameof(padding));
            }
            if (truncating is not ("pre" or "post"))
            {
                throw new ArgumentException($"PadSequences: truncating must be \"pre\" or \"post\", got \"{truncating}\".", nameof(truncating));
            }
            if (maxlen is < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(maxlen), maxlen, $"PadSequences: maxlen must be non-negative, got {maxlen}.");
            }
            var type = dtype switch
            {
                "int32" => DType.Int32,
                "float32" => DType.Float32,
                "uint8" => DType.UInt8,
                _ => throw new ArgumentException($"PadSequences: dtype must be \"int32\", \"float32\" or \"uint8\", got \"{dtype}\".", nameof(dtype)),
            };
            int len = maxlen ?? (seqs.Count == 0 ? 0 : seqs.Max(s => s.Length));
            var values = new double[seqs.Count * len];
            for (int i = 0; i < seqs.Count; i++)
            {
                var s = seqs[i];
                var kept = s.Length <= len ? s.AsSpan() : truncating == "pre" ? s.AsSpan(s.Length - len) : s.AsSpan(0, len);
                var row = values.AsSpan(i * len, len);
                row.Fill(value);
                var target = padding == "post" ? row[..kept.Length] : row[(len - kept.Length)..];
                for (int j = 0; j < kept.Length; j++)
                {
                    target[j] = kept[j];
                }
            }
            // Cast as NumPy's astype does: toward zero for integers, wrapping for uint8.
            return type switch
            {
                DType.Float32 => Tensor.FromArray(Array.ConvertAll(values, v => (float)v), seqs.Count, len),
                DType.UInt8 => Tensor.FromArray(Array.ConvertAll(values, v => unchecked((byte)(long)v)), seqs.Count, len),
                _ => Tensor.FromArray(Array.ConvertAll(values, v => (int)v), seqs.Count, len),
            };
        }
    }
}
