using System.Globalization;
using System.Text;

namespace SharpKeras.Callbacks;

/// <summary>
/// Streams each epoch's results to a CSV file (<c>keras.callbacks.CSVLogger</c>): a header
/// "epoch" then the log keys sorted, one row per epoch (epoch from 0, values as Python writes floats),
/// rows ended by "\r\n" as Python's csv module does.
/// </summary>
public sealed class CSVLogger : Callback
{
    private StreamWriter? _writer;
    private List<string>? _keys;
    private bool _appendHeader = true;

    /// <summary>Creates the logger.</summary>
    /// <param name="filename">The CSV file to write.</param>
    /// <param name="separator">The field separator.</param>
    /// <param name="append">Append to an existing file (writing the header only if it is empty) instead of overwriting it.</param>
    public CSVLogger(string filename, string separator = ",", bool append = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(filename);
        if (separator is not { Length: 1 })
        {
            throw new ArgumentException($"CSVLogger: separator must be a single character (Python's csv delimiter), got \"{separator}\".", nameof(separator));
        }
        Filename = filename;
        Separator = separator;
        Append = append;
    }

    /// <summary>The CSV file path.</summary>
    public string Filename { get; }

    /// <summary>The field separator.</summary>
    public string Separator { get; }

    /// <summary>Whether rows are appended to an existing file.</summary>
    public bool Append { get; }

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        _appendHeader = true;
        if (Append && File.Exists(Filename))
        {
            _appendHeader = new FileInfo(Filename).Length == 0;
        }
        _keys = null;
        _writer = new StreamWriter(Filename, Append, new UTF8Encoding(false));
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (_writer is null)
        {
            throw new InvalidOperationException($"CSVLogger({Filename}): OnEpochEnd before OnTrainBegin; the logger writes only inside Fit.");
        }
        if (_keys is null)
        {
            _keys = [.. logs.Keys.Order(StringComparer.Ordinal)];
            // Keras adds the val_ columns up front, so epochs that validate later (or never) keep one layout.
            if (!_keys.Exists(k => k.StartsWith("val_", StringComparison.Ordinal)))
            {
                _keys.AddRange([.. _keys.Select(k => "val_" + k)]);
            }
            if (_appendHeader)
            {
                WriteRow(["epoch", .. _keys]);
            }
        }
        var row = new List<string>(_keys.Count + 1) { epoch.ToString(CultureInfo.InvariantCulture) };
        foreach (var k in _keys)
        {
            row.Add(logs.TryGetValue(k, out double v) ? PyFormat.Repr(v) : "NA");
        }
        WriteRow(row);
        _writer.Flush();
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        _writer?.Dispose();
        _writer = null;
    }

    private void WriteRow(IReadOnlyList<string> fields)
    {
        char sep = Separator[0];
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                _writer!.Write(sep);
            }
            _writer!.Write(Quote(fields[i], sep));
        }
        _writer!.Write("\r\n");
    }

    /// <summary>Python's csv QUOTE_MINIMAL: quote fields holding the separator, a quote or a line break, doubling quotes.</summary>
    private static string Quote(string field, char sep) =>
        field.Contains(sep) || field.Contains('"') || field.Contains('\n') || field.Contains('\r')
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
}
