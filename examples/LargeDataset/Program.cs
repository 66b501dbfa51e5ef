// Training from a data set on disk that is never loaded whole, the way keras-io's examples write a
// keras.utils.PyDataset: a class with __len__ (Length) and __getitem__ (the indexer) that reads one batch
// from a file, here 2 GB of float32 samples by default. Workers read batches ahead of the training step,
// at most maxQueueSize at a time, so the process's memory stays bounded whatever the file's size; the
// program prints its peak working set next to the file size.
//
// Options: --gb N (file size, default 2), --epochs N (1), --batch-size N (1024), --samples N (limit
// the samples; overrides --gb), --workers N (4), --max-queue-size N (8), --dir DIR (where the file is
// written; default the temp folder), --keep (keep the file; an existing file of the right size is reused).
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using SharpKeras;
using SharpKeras.Data;
using SharpKeras.Layers;
using SharpKeras.Models;

double gb = 2;
int epochs = 1, batchSize = 1024, workers = 4, maxQueueSize = 8;
long? samplesOption = null;
string dir = Path.GetTempPath();
bool keep = false;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--gb": gb = double.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--epochs": epochs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--batch-size": batchSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--samples": samplesOption = long.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--workers": workers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--max-queue-size": maxQueueSize = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--dir": dir = Next(); break;
        case "--keep": keep = true; break;
        default:
            Console.Error.WriteLine($"Unknown option '{args[i]}'. Options: --gb N --epochs N --batch-size N --samples N --workers N --max-queue-size N --dir DIR --keep");
            return 2;
    }
}

long samples = samplesOption ?? (long)(gb * (1L << 30) / FileSequence.RecordBytes);
string path = Path.Combine(dir, $"sharpkeras-large-{samples}.bin");
var clock = Stopwatch.StartNew();
if (!File.Exists(path) || new FileInfo(path).Length != samples * FileSequence.RecordBytes)
{
    FileSequence.Write(path, samples, seed: 1);
}
long fileBytes = new FileInfo(path).Length;
Console.WriteLine($"Data file {path}: {fileBytes / (double)(1L << 30):F2} GiB, {samples:N0} samples ({clock.Elapsed.TotalSeconds:F1} s to prepare)");

try
{
    // 95% for training, the rest for validation, as two views of the same file.
    long trainSamples = samples * 95 / 100;
    var train = new FileSequence(path, 0, trainSamples, batchSize, workers: workers, maxQueueSize: maxQueueSize);
    var val = new FileSequence(path, trainSamples, samples - trainSamples, batchSize, workers: workers, maxQueueSize: maxQueueSize);

    Config.SetRandomSeed(1);
    var model = new Sequential([
        Keras.Input([FileSequence.Features]),
        new Dense(64, activation: "relu"),
        new Dense(FileSequence.Classes, activation: "softmax"),
    ]);
    model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
    clock.Restart();
    var history = model.Fit(train, epochs: epochs, validationData: val, verbose: 2);
    double seconds = clock.Elapsed.TotalSeconds;
    using var process = Process.GetCurrentProcess();
    process.Refresh();
    double peakMb = process.PeakWorkingSet64 / (double)(1 << 20);
    Console.WriteLine($"Peak working set {peakMb:F0} MiB for a {fileBytes / (double)(1 << 20):F0} MiB file");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT file_mib={fileBytes / (double)(1 << 20):F0} samples={samples} epochs={epochs} workers={workers} max_queue_size={maxQueueSize} " +
        $"peak_working_set_mib={peakMb:F0} fit_s={seconds:F1} seconds_per_epoch={seconds / epochs:F1} val_accuracy={history["val_accuracy"][^1]:F4}"));
}
finally
{
    if (!keep)
    {
        File.Delete(path);
    }
}
return 0;

/// <summary>A PyDataset over a file of records (256 float32 features, then the class id as a float32), read one batch at a time.</summary>
internal sealed class FileSequence : PyDataset
{
    public const int Features = 256;
    public const int Classes = 4;
    public const int RecordBytes = (Features + 1) * sizeof(float);

    private readonly string _path;
    private readonly long _first;
    private readonly long _count;
    private readonly int _batchSize;

    public FileSequence(string path, long first, long count, int batchSize, int workers, int maxQueueSize)
        : base(workers: workers, maxQueueSize: maxQueueSize)
    {
        _path = path;
        _first = first;
        _count = count;
        _batchSize = batchSize;
    }

    public override int Length => (int)((_count + _batchSize - 1) / _batchSize);

    public override Batch this[int index]
    {
        get
        {
            long start = _first + (long)index * _batchSize;
            int n = (int)Math.Min(_batchSize, _first + _count - start);
            var raw = new byte[n * RecordBytes];
            // Positional reads: each worker reads its own batch without sharing a stream position.
            using (var handle = File.OpenHandle(_path))
            {
                int got = RandomAccess.Read(handle, raw, start * RecordBytes);
                if (got != raw.Length)
                {
                    throw new IOException($"'{_path}' is truncated: batch {index} needs {raw.Length} bytes at offset {start * RecordBytes}, read {got}.");
                }
            }
            var values = MemoryMarshal.Cast<byte, float>(raw);
            var x = new float[n * Features];
            var y = new int[n];
            for (int i = 0; i < n; i++)
            {
                values.Slice(i * (Features + 1), Features).CopyTo(x.AsSpan(i * Features));
                y[i] = (int)values[i * (Features + 1) + Features];
            }
            return (Tensor.FromArray(x, n, Features), Tensor.FromArray(y));
        }
    }

    /// <summary>Writes the samples: uniform noise, with the block of 64 features of the sample's class raised by 0.3.</summary>
    public static void Write(string path, long samples, int seed)
    {
        var rng = new SeedGenerator(seed);
        string tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            const int Chunk = 4096;
            var block = new float[Chunk * (Features + 1)];
            for (long done = 0; done < samples; done += Chunk)
            {
                int n = (int)Math.Min(Chunk, samples - done);
                for (int i = 0; i < n; i++)
                {
                    var record = block.AsSpan(i * (Features + 1), Features + 1);
                    rng.NextFloats(record[..Features]);
                    int cls = (int)((done + i) * 2654435761L % Classes);
                    for (int j = cls * 64; j < cls * 64 + 64; j++)
                    {
                        record[j] += 0.3f;
                    }
                    record[Features] = cls;
                }
                fs.Write(MemoryMarshal.AsBytes(block.AsSpan(0, n * (Features + 1))));
            }
        }
        File.Move(tmp, path, overwrite: true);
    }
}
