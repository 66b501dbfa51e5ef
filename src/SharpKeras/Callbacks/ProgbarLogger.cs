namespace SharpKeras.Callbacks;

/// <summary>
/// Prints "Epoch i/N" and a <see cref="Progbar"/> per epoch during Fit (<c>keras.callbacks.ProgbarLogger</c>).
/// Fit adds one when verbose is 1 or 2.
/// </summary>
public sealed class ProgbarLogger : Callback
{
    private readonly TextWriter? _output;
    private readonly bool? _dynamic;
    private Progbar? _bar;

    /// <summary>A logger writing to <paramref name="output"/> (default: the console).</summary>
    public ProgbarLogger(TextWriter? output = null, bool? dynamic = null)
    {
        _output = output;
        _dynamic = dynamic;
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
        _bar = new Progbar(p.Steps, _output, p.Verbose == 2 ? false : _dynamic);
    }

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (batch + 1 < Params!.Steps)
        {
            _bar?.Update(batch + 1, logs);
        }
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) =>
        _bar?.Update(Params!.Steps, logs, finalize: true);
}
