using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SharpKeras.Callbacks;

/// <summary>
/// Keras's text progress bar (<c>keras.utils.Progbar</c>, verbose=1 layout):
/// <c>6/6 [==============================] - 1s 120ms/step - loss: 1.8472 - accuracy: 0.4065</c>.
/// On a terminal it is redrawn in place; when output is redirected only the final line is written.
/// </summary>
public sealed class Progbar
{
    private readonly TextWriter _out;
    private readonly bool _dynamic;
    private readonly int _width;
    private readonly double _interval;
    private readonly string _unit;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Func<double> _now;
    private double _lastUpdate;
    private double _timeAfterFirstStep = -1;
    private int _totalWidth;

    /// <summary>A bar for <paramref name="target"/> steps written to <paramref name="output"/>.</summary>
    /// <param name="target">Total number of steps.</param>
    /// <param name="output">Where to write (default: the console).</param>
    /// <param name="dynamic">Redraw in place (default: when the console is not redirected).</param>
    /// <param name="width">Bar width in characters (Keras: 30).</param>
    /// <param name="interval">Minimum seconds between redraws (Keras: 0.05).</param>
    /// <param name="unitName">Name of a step in the time per step ("step").</param>
    /// <param name="clock">Seconds since start, for tests; default a stopwatch.</param>
    public Progbar(int target, TextWriter? output = null, bool? dynamic = null, int width = 30, double interval = 0.05,
        string unitName = "step", Func<double>? clock = null)
    {
        Target = target;
        _out = output ?? Console.Out;
        _dynamic = dynamic ?? (output is null && !Console.IsOutputRedirected);
        _width = width;
        _interval = interval;
        _unit = unitName;
        _now = clock ?? (() => _clock.Elapsed.TotalSeconds);
        _lastUpdate = double.NegativeInfinity;
    }

    /// <summary>Total number of steps.</summary>
    public int Target { get; }

    /// <summary>Shows progress at step <paramref name="current"/> with the values to display (already averaged).</summary>
    public void Update(int current, IEnumerable<KeyValuePair<string, double>>? values = null, bool? finalize = null)
    {
        bool final = finalize ?? current >= Target;
        double now = _now();
        if (current == 1 && _timeAfterFirstStep < 0)
        {
            _timeAfterFirstStep = now;
        }
        if (!final && (now - _lastUpdate < _interval || !_dynamic))
        {
            return;
        }
        _lastUpdate = now;
        var sb = new StringBuilder();
        int prevTotalWidth = _totalWidth;
        if (_dynamic)
        {
            sb.Append('\b', prevTotalWidth).Append('\r');
        }
        string bar = FormatBar(current);
        _totalWidth = bar.Length;
        sb.Append(bar);
        double timePerUnit = EstimateStepDuration(current, now);
        var info = new StringBuilder();
        if (final)
        {
            info.Append(" - ").Append(Fmt0(now)).Append('s').Append(FormatTime(timePerUnit, _unit));
        }
        else
        {
            double eta = timePerUnit * (Target - current);
            info.Append(" - ETA: ").Append(FormatEta(eta));
        }
        if (values is not null)
        {
            foreach (var (k, v) in values)
            {
                info.Append(" - ").Append(k).Append(": ").Append(FormatValue(v));
            }
        }
        _totalWidth += info.Length;
        if (prevTotalWidth > _totalWidth)
        {
            info.Append(' ', prevTotalWidth - _totalWidth);
        }
        if (final)
        {
            info.Append('\n');
        }
        sb.Append(info);
        _out.Write(sb.ToString());
        _out.Flush();
    }

    private string FormatBar(int current)
    {
        int digits = (int)Math.Floor(Math.Log10(Math.Max(1, Target))) + 1;
        var sb = new StringBuilder();
        sb.Append(current.ToString(CultureInfo.InvariantCulture).PadLeft(digits)).Append('/').Append(Target.ToString(CultureInfo.InvariantCulture)).Append(" [");
        double progress = Target == 0 ? 1 : (double)current / Target;
        int progWidth = (int)(_width * progress);
        if (progWidth > 0)
        {
            sb.Append('=', progWidth - 1).Append(current < Target ? '>' : '=');
        }
        sb.Append('.', Math.Max(0, _width - progWidth)).Append(']');
        return sb.ToString();
    }

    private double EstimateStepDuration(int current, double now)
    {
        if (current == 0)
        {
            return 0;
        }
        // As Keras: the first step includes warm-up, so later estimates leave it out.
        if (current > 1 && _timeAfterFirstStep >= 0)
        {
            return (now - _timeAfterFirstStep) / (current - 1);
        }
        return now / current;
    }

    private static string Fmt0(double v) => Math.Round(v, MidpointRounding.ToEven).ToString("F0", CultureInfo.InvariantCulture);

    /// <summary>Keras's time per unit: " 1s/step", " 42ms/step" or " 310us/step".</summary>
    public static string FormatTime(double timePerUnit, string unit)
    {
        if (timePerUnit >= 1 || timePerUnit == 0)
        {
            return $" {Fmt0(timePerUnit)}s/{unit}";
        }
        if (timePerUnit >= 1e-3)
        {
            return $" {Fmt0(timePerUnit * 1e3)}ms/{unit}";
        }
        return $" {Fmt0(timePerUnit * 1e6)}us/{unit}";
    }

    /// <summary>Keras's ETA: "5s", "1:05" or "1:01:05".</summary>
    public static string FormatEta(double eta)
    {
        int e = (int)eta;
        if (eta > 3600)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{e / 3600}:{e % 3600 / 60:00}:{e % 60:00}");
        }
        if (eta > 60)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{e / 60}:{e % 60:00}");
        }
        return string.Create(CultureInfo.InvariantCulture, $"{e}s");
    }

    /// <summary>Keras's metric value: four decimals, or scientific notation for magnitudes up to 1e-3.</summary>
    public static string FormatValue(double v) => Math.Abs(v) > 1e-3
        ? v.ToString("F4", CultureInfo.InvariantCulture)
        : v.ToString("0.0000e+00", CultureInfo.InvariantCulture);
}
