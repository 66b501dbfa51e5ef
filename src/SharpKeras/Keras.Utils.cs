namespace SharpKeras;

/// <summary>keras.utils: the array helpers Keras programs call before training.</summary>
public static partial class Keras
{
    /// <summary>keras.utils: <c>to_categorical</c>, <c>pad_sequences</c>, <c>normalize</c>, <c>split_dataset</c>, <c>timeseries_dataset_from_array</c>.</summary>
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
        /// Normalizes an array along an axis (Keras's <c>keras.utils.normalize</c>): each slice divided by its
        /// <paramref name="order"/>-norm (2: Euclidean, 1: sum of absolute values); zero slices are left as they are.
        /// </summary>
        public static Tensor Normalize(Tensor x, int axis = -1, int order = 2)
        {
            ArgumentNullException.ThrowIfNull(x);
            if (order < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(order), order, $"Normalize: order must be a positive integer (1, 2, ...), got {order}.");
            }
            if (x.Rank == 0)
            {
                throw new ArgumentException("Normalize: x must have at least one axis, got a scalar.", nameof(x));
            }
            if (axis < -x.Rank || axis >= x.Rank)
            {
                throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Normalize: axis {axis} is out of range for x of shape {x.Shape}.");
            }
            int a = x.Shape.NormalizeAxis(axis);
            var values = x.ToArray();
            int len = x.Shape[a];
            int inner = 1;
            for (int i = a + 1; i < x.Rank; i++)
            {
                inner *= x.Shape[i];
            }
            int outer = len == 0 || inner == 0 ? 0 : values.Length / (len * inner);
            for (int o = 0; o < outer; o++)
            {
                for (int j = 0; j < inner; j++)
                {
                    int baseIndex = o * len * inner + j;
                    double sum = 0;
                    for (int k = 0; k < len; k++)
                    {
                        double v = Math.Abs((double)values[baseIndex + k * inner]);
                        sum += order == 1 ? v : order == 2 ? v * v : Math.Pow(v, order);
                    }
                    double norm = order == 1 ? sum : order == 2 ? Math.Sqrt(sum) : Math.Pow(sum, 1.0 / order);
                    if (norm == 0)
                    {
                        norm = 1;
                    }
                    for (int k = 0; k < len; k++)
                    {
                        values[baseIndex + k * inner] = (float)(values[baseIndex + k * inner] / norm);
                    }
                }
            }
            return Tensor.FromArray(values, x.Shape.ToArray());
        }

        /// <summary>
        /// Splits arrays into a left and a right part along the samples axis (Keras's <c>keras.utils.split_dataset</c>):
        /// a size below 1 is a fraction of the samples (rounded as Python's round), a whole number of 1 or more a sample count;
        /// give either size or both. The left part takes the first samples, the right part the last, after an optional shuffle.
        /// </summary>
        public static (Tensor[] Left, Tensor[] Right) SplitDataset(IReadOnlyList<Tensor> arrays, double? leftSize = null, double? rightSize = null,
            bool shuffle = false, int? seed = null)
        {
            ArgumentNullException.ThrowIfNull(arrays);
            if (arrays.Count == 0 || arrays.Any(t => t is null || t.Rank == 0))
            {
                throw new ArgumentException("SplitDataset: give at least one array, each with a samples axis first.", nameof(arrays));
            }
            int total = arrays[0].Shape[0];
            if (arrays.Any(t => t.Shape[0] != total))
            {
                throw new ArgumentException($"SplitDataset: all arrays must have the same number of samples; got shapes {string.Join(", ", arrays.Select(t => t.Shape.ToString()))}.", nameof(arrays));
            }
            var (left, right) = SplitSizes(leftSize, rightSize, total);
            var order = new int[total];
            for (int i = 0; i < total; i++)
            {
                order[i] = i;
            }
            if (shuffle)
            {
                SeedGenerator.FromSeed(seed).Shuffle(order);
            }
            var leftRows = order.AsSpan(0, left).ToArray();
            var rightRows = order.AsSpan(total - right, right).ToArray();
            return ([.. arrays.Select(t => t.Gather(leftRows))], [.. arrays.Select(t => t.Gather(rightRows))]);
        }

        /// <summary>Splits (x, y) into ((xLeft, yLeft), (xRight, yRight)), as <see cref="SplitDataset(IReadOnlyList{Tensor}, double?, double?, bool, int?)"/>.</summary>
        public static ((Tensor X, Tensor Y) Left, (Tensor X, Tensor Y) Right) SplitDataset((Tensor X, Tensor Y) dataset, double? leftSize = null, double? rightSize = null,
            bool shuffle = false, int? seed = null)
        {
            var (l, r) = SplitDataset([dataset.X, dataset.Y], leftSize, rightSize, shuffle, seed);
            return ((l[0], l[1]), (r[0], r[1]));
        }

        /// <summary>Splits one array into a left and a right part, as the list overload.</summary>
        public static (Tensor Left, Tensor Right) SplitDataset(Tensor dataset, double? leftSize = null, double? rightSize = null, bool shuffle = false, int? seed = null)
        {
            var (l, r) = SplitDataset([dataset], leftSize, rightSize, shuffle, seed);
            return (l[0], r[0]);
        }

        /// <summary>Keras's _rescale_dataset_split_sizes: fractions and counts to two sample counts, with its checks.</summary>
        private static (int Left, int Right) SplitSizes(double? leftSize, double? rightSize, int total)
        {
            if (leftSize is null && rightSize is null)
            {
                throw new ArgumentException("SplitDataset: give leftSize, rightSize or both (a fraction below 1 or a sample count).", nameof(leftSize));
            }
            static double? Resolve(double? size, int total, string name)
            {
                if (size is not { } s)
                {
                    return null;
                }
                bool fraction = s < 1;
                if (!double.IsFinite(s) || s <= 0 || (!fraction && (s != Math.Floor(s) || s >= total)))
                {
                    throw new ArgumentOutOfRangeException(name, size, $"SplitDataset: {name} must be a fraction in (0, 1) or a whole number of samples in [1, {total}), got {s}.");
                }
                return fraction ? Math.Round(s * total, MidpointRounding.ToEven) : s;
            }
            if (leftSize is < 1 && rightSize is < 1 && leftSize + rightSize > 1)
            {
                throw new ArgumentException($"SplitDataset: leftSize + rightSize must be at most 1 for fractions, got {leftSize} + {rightSize}.", nameof(rightSize));
            }
            double? l = Resolve(leftSize, total, nameof(leftSize)), r = Resolve(rightSize, total, nameof(rightSize));
            double left = l ?? total - r!.Value, right = r ?? total - l!.Value;
            if (left + right > total)
            {
                throw new ArgumentException($"SplitDataset: leftSize + rightSize ({left} + {right} samples) exceeds the {total} samples.", nameof(rightSize));
            }
            if (left == 0 || right == 0)
            {
                throw new ArgumentException($"SplitDataset: with {total} samples, leftSize {leftSize} and rightSize {rightSize}, the {(left == 0 ? "left" : "right")} part would be empty.", left == 0 ? nameof(leftSize) : nameof(rightSize));
            }
            return ((int)left, (int)right);
        }

        /// <summary>
        /// Sliding windows over an array as a dataset Fit reads (Keras's <c>keras.utils.timeseries_dataset_from_array</c>):
        /// window i holds rows start_i, start_i + samplingRate, ... (sequenceLength of them), starts sequenceStride apart;
        /// its target is <c>targets[start_i]</c>. With <paramref name="shuffle"/> the windows are shuffled as Keras does
        /// (NumPy RandomState(seed)), so the same seed gives Keras's order.
        /// </summary>
        public static Data.TimeseriesDataset TimeseriesDatasetFromArray(Tensor data, Tensor? targets, int sequenceLength, int sequenceStride = 1,
            int samplingRate = 1, int batchSize = 128, bool shuffle = false, int? seed = null, int? startIndex = null, int? endIndex = null)
            => Data.TimeseriesDataset.Create(data, targets, sequenceLength, sequenceStride, samplingRate, batchSize, shuffle, seed, startIndex, endIndex);

        /// <summary>
        /// Batches of (texts, labels) from a directory of .txt files with one subdirectory per class (Keras's
        /// <c>keras.utils.text_dataset_from_directory</c>): classes are the sorted subdirectory names, files are
        /// shuffled as Keras's index_directory shuffles them (NumPy RandomState(seed)), and
        /// <paramref name="validationSplit"/> with <paramref name="subset"/> "training" or "validation" takes Keras's split.
        /// </summary>
        public static Data.TextDataset TextDatasetFromDirectory(string directory, string labels = "inferred", string? labelMode = "int",
            IReadOnlyList<string>? classNames = null, int batchSize = 32, int? maxLength = null, bool shuffle = true, int? seed = null,
            double? validationSplit = null, string? subset = null, bool followLinks = false)
            => Data.TextDataset.Create(directory, labels, labelMode, classNames, batchSize, maxLength, shuffle, seed, validationSplit, subset, followLinks);

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
