namespace SharpKeras.Callbacks;

/// <summary>
/// Prints "Epoch i/N" and a <see cref="Progbar"/> per epoch during Fit (<c>keras.callbacks.ProgbarLogger</c>).
/// Fit adds one when verbose is 1 or 2. In Keras 3's style the metrics show in sorted order, as Keras 3
/// prints them (its backends hand the logs over as sorted structures): accuracy, loss, val_accuracy, val_loss.
/// </summary>
public sealed class ProgbarLogger : Callback
{
    private readonly TextWriter? _output;
    private readonly bool? _dynamic;
    private readonly ProgbarStyle? _style;
    private Progbar? _bar;

    /// <summary>A logger writing to <paramref name="output"/> (default: the console), in <paramref name="style"/> (default <see cref="Progbar.DefaultStyle"/>).</summary>
    public ProgbarLogger(TextWriter? output = null, bool? dynamic = null, ProgbarStyle? style = null)
    {
        _output = output;
        _dynamic = dynamic;
        _style = style;
    }

    private TextWriter Out => _output ?? Console.Out;

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch)
    {
        var p = Params!;
        if (p.Epochs > 1)
        {
            Out.WriteLine($"Epoch {epoch + 1}/{p.Epochs}");
        }
        // verbose 2 shows only the final line of each epoch, as a redirected verbose-1 bar does.
        _bar = new Progbar(p.Steps, _output, p.Verbose == 2 ? false : _dynamic, verbose: p.Verbose == 2 ? 2 : 1, style: _style);
    }

    private IEnumerable<KeyValuePair<string, double>> Ordered(IReadOnlyDictionary<string, double> logs) =>
        _bar?.Style == ProgbarStyle.Keras3 ? logs.OrderBy(kv => kv.Key, StringComparer.Ordinal) : logs;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (batch + 1 < Params!.Steps)
        {
            _bar?.Update(batch + 1, Ordered(logs));
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) =>
        _bar?.Update(Params!.Steps, Ordered(logs), finalize: true);
}
