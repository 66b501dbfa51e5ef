using SharpKeras.Utils;

namespace SharpKeras.Data;

/// <summary>
/// The dataset <c>keras.utils.timeseries_dataset_from_array</c> returns, as a <see cref="PyDataset"/>: sliding windows
/// over an array's rows in batches, with the target of each window the target row at its start.
/// Made by <see cref="Keras.Utils.TimeseriesDatasetFromArray"/>.
/// </summary>
public sealed class TimeseriesDataset : PyDataset
{
    private readonly Tensor _data;
    private readonly Tensor? _targets;
    private readonly int[] _starts;
    private readonly int _sequenceLength;
    private readonly int _samplingRate;
    private readonly int _batchSize;

    internal TimeseriesDataset(Tensor data, Tensor? targets, int[] starts, int sequenceLength, int samplingRate, int batchSize)
    {
        _data = data;
        _targets = targets;
        _starts = starts;
        _sequenceLength = sequenceLength;
        _samplingRate = samplingRate;
        _batchSize = batchSize;
    }

    /// <summary>Number of windows (samples) over all batches.</summary>
    public int Samples => _starts.Length;

    /// <summary>The number of batches.</summary>
    public override int Length => (_starts.Length + _batchSize - 1) / _batchSize;

    /// <summary>Batch <paramref name="index"/>: windows (batch, sequenceLength, features...) and, with targets, their targets.</summary>
    public override Batch this[int index]
    {
        get
        {
            if (index < 0 || index >= Length)
            {
                throw new ArgumentOutOfRangeException(nameof(index), index, $"TimeseriesDataset has {Length} batches; index {index} is out of range.");
            }
            int first = index * _batchSize;
            int count = Math.Min(_batchSize, _starts.Length - first);
            var rows = new int[count * _sequenceLength];
            for (int s = 0; s < count; s++)
            {
                for (int k = 0; k < _sequenceLength; k++)
                {
                    rows[s * _sequenceLength + k] = _starts[first + s] + k * _samplingRate;
                }
            }
            var dims = _data.Shape.ToArray();
            dims[0] = _sequenceLength;
            var x = _data.Gather(rows).View(new Shape([count, .. dims]));
            if (_targets is null)
            {
                return new Batch(x);
            }
            return new Batch(x, _targets.Gather(_starts.AsSpan(first, count)));
        }
    }

    /// <summary>Builds the dataset with Keras's argument checks and start positions (shuffled by NumPy's RandomState(seed) as Keras does).</summary>
    internal static TimeseriesDataset Create(Tensor data, Tensor? targets, int sequenceLength, int sequenceStride, int samplingRate, int batchSize,
        bool shuffle, int? seed, int? startIndex, int? endIndex)
    {
        ArgumentNullException.ThrowIfNull(data);
        const string fn = "TimeseriesDatasetFromArray";
        if (data.Rank == 0)
        {
            throw new ArgumentException($"{fn}: data needs a time axis first, got a scalar.", nameof(data));
        }
        int n = data.Shape[0];
        if (startIndex is < 0 || startIndex >= n)
        {
            throw new ArgumentOutOfRangeException(nameof(startIndex), startIndex, $"{fn}: startIndex must be 0 or greater and lower than the length of the data ({n}), got {startIndex}.");
        }
        if (endIndex is { } e && (e <= (startIndex ?? 0) || e > n))
        {
            throw new ArgumentOutOfRangeException(nameof(endIndex), endIndex, $"{fn}: endIndex must be higher than startIndex ({startIndex ?? 0}) and at most the length of the data ({n}), got {endIndex}.");
        }
        if (samplingRate <= 0 || samplingRate >= n)
        {
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, $"{fn}: samplingRate must be higher than 0 and lower than the length of the data ({n}), got {samplingRate}.");
        }
        if (sequenceStride <= 0 || sequenceStride >= n)
        {
            throw new ArgumentOutOfRangeException(nameof(sequenceStride), sequenceStride, $"{fn}: sequenceStride must be higher than 0 and lower than the length of the data ({n}), got {sequenceStride}.");
        }
        if (sequenceLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength, $"{fn}: sequenceLength must be positive, got {sequenceLength}.");
        }
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"{fn}: batchSize must be positive, got {batchSize}.");
        }
        if (targets is not null && targets.Rank == 0)
        {
            throw new ArgumentException($"{fn}: targets needs a samples axis first, got a scalar.", nameof(targets));
        }
        int start = startIndex ?? 0, end = endIndex ?? n;
        long numSeqs = end - start - (long)(sequenceLength - 1) * samplingRate;
        if (targets is not null)
        {
            numSeqs = Math.Min(numSeqs, targets.Shape[0] - start);
        }
        var starts = new List<int>();
        for (long p = 0; p < numSeqs; p += sequenceStride)
        {
            starts.Add(start + (int)p);
        }
        var positions = starts.ToArray();
        if (shuffle)
        {
            new NumpyRandomState(seed ?? SeedGenerator.Global.NextInt(1_000_000)).Shuffle<int>(positions);
        }
        return new TimeseriesDataset(data, targets, positions, sequenceLength, samplingRate, batchSize);
    }
}
