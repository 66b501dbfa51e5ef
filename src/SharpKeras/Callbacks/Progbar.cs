using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SharpKeras.Callbacks;

/// <summary>
/// Keras's text progress bar (<c>keras.utils.Progbar</c>). By default Keras 3's layout:
/// <c>469/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - accuracy: 0.8000 - loss: 0.5000</c> (verbose 1) or
/// <c>469/469 - 2s - 4ms/step - accuracy: 0.8000 - loss: 0.5000</c> (verbose 2); with <see cref="ProgbarStyle.Keras2"/>
/// Keras 2's <c>6/6 [==============================] - 1s 120ms/step - loss: 1.8472 - accuracy: 0.4065</c>.
/// On a terminal it is redrawn in place (Keras 3's colours included); when output is redirected only the final line is written.
/// </summary>
public sealed class Progbar
{
    private readonly TextWriter _out;
    private readonly bool _dynamic;
    private readonly int _width;
    private readonly double _interval;
    private readonly string _unit;
    private readonly int _verbose;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Func<double> _now;
    private readonly List<string> _valuesOrder = [];
    private readonly Dictionary<string, double> _values = [];
    private double _lastUpdate;
    private double _timeAfterFirstStep = -1;
    private int _totalWidth;

    /// <summary>A bar for <paramref name="target"/> steps written to <paramref name="output"/>.</summary>
    /// <param name="target">Total number of steps.</param>
    /// <param name="output">Where to write (default: the console).</param>
    /// <param name="dynamic">Redraw in place (default: when the console is not redirected).</param>
    /// <param name="width">Bar width in characters (Keras 3: 20, Keras 2: 30; default by style).</param>
    /// <param name="interval">Minimum seconds between redraws (Keras: 0.05).</param>
    /// <param name="unitName">Name of a step in the time per step ("step").</param>
    /// <param name="clock">Seconds since start, for tests; default a stopwatch.</param>
    /// <param name="verbose">1: the bar; 2: one line when finished (Keras's semi-verbose).</param>
    /// <param name="style">Keras 3's or Keras 2's layout; default <see cref="DefaultStyle"/>.</param>
    public Progbar(int target, TextWriter? output = null, bool? dynamic = null, int? width = null, double interval = 0.05,
        string unitName = "step", Func<double>? clock = null, int verbose = 1, ProgbarStyle? style = null)
    {
        Target = target;
        Style = style ?? DefaultStyle;
        _out = output ?? Console.Out;
        _dynamic = dynamic ?? (output is null && !Console.IsOutputRedirected);
        _width = width ?? (Style == ProgbarStyle.Keras3 ? 20 : 30);
        _interval = interval;
        _unit = unitName;
        _verbose = verbose;
        _now = clock ?? (() => _clock.Elapsed.TotalSeconds);
        _lastUpdate = double.NegativeInfinity;
    }

    /// <summary>
    /// The layout bars take when none is given: Keras 3's, unless the environment variable
    /// <c>SHARPKERAS_PROGBAR</c> says <c>keras2</c>. Set it to choose for the whole process.
    /// </summary>
    public static ProgbarStyle DefaultStyle { get; set; } = StyleFromEnvironment();

    private static ProgbarStyle StyleFromEnvironment() =>
        string.Equals(Environment.GetEnvironmentVariable("SHARPKERAS_PROGBAR"), "keras2", StringComparison.OrdinalIgnoreCase)
            ? ProgbarStyle.Keras2
            : ProgbarStyle.Keras3;

    /// <summary>The layout this bar draws.</summary>
    public ProgbarStyle Style { get; }

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
        if (Style == ProgbarStyle.Keras3)
        {
            UpdateKeras3(current, values, final, now);
            return;
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

    /// <summary>Keras 3's update: values keep the order they were first seen in; a dynamic bar is coloured as Keras colours it.</summary>
    private void UpdateKeras3(int current, IEnumerable<KeyValuePair<string, double>>? values, bool final, double now)
    {
        foreach (var (k, v) in values ?? [])
        {
            if (!_values.ContainsKey(k))
            {
                _valuesOrder.Add(k);
            }
            _values[k] = v;
        }
        double timePerUnit = EstimateStepDuration(current, now);
        if (_verbose == 2)
        {
            if (final && Target > 0)
            {
                var line = new StringBuilder(Count(current)).Append(" - ").Append(Fmt0(now)).Append('s')
                    .Append(" -").Append(FormatTime(timePerUnit, _unit));
                foreach (var k in _valuesOrder)
                {
                    // Keras 3's semi-verbose line tests v > 1e-3 (not its magnitude), so negatives print in e-notation.
                    double v = _values[k];
                    line.Append(" - ").Append(k).Append(": ").Append(v > 1e-3 ? v.ToString("F4", CultureInfo.InvariantCulture) : v.ToString("0.0000e+00", CultureInfo.InvariantCulture));
                }
                _out.Write(line.Append('\n').ToString());
                _out.Flush();
            }
            _lastUpdate = now;
            return;
        }
        if (!final && (now - _lastUpdate < _interval || !_dynamic))
        {
            return;
        }
        _lastUpdate = now;
        var sb = new StringBuilder();
        int visible = 0;
        if (_dynamic)
        {
            sb.Append('\b', _totalWidth).Append('\r');
        }
        int progWidth = Target > 0 ? (int)(_width * ((double)current / Target)) : 0;
        progWidth = Math.Clamp(progWidth, 0, _width);
        string count = Count(current);
        if (_dynamic)
        {
            sb.Append("\u001b[1m").Append(count).Append("\u001b[0m ");
            if (progWidth > 0)
            {
                sb.Append("\u001b[32m").Append('━', progWidth).Append("\u001b[0m");
            }
            sb.Append("\u001b[37m").Append('━', _width - progWidth).Append("\u001b[0m");
        }
        else
        {
            sb.Append(count).Append(' ').Append('━', _width);
        }
        visible += count.Length + 1 + _width;
        var info = new StringBuilder(" ");
        string time = final ? Fmt0(now) + "s" : FormatEta(timePerUnit * (Target - current));
        info.Append(_dynamic ? "\u001b[1m" + time + "\u001b[0m" : time);
        visible += 1 + time.Length;
        var rest = new StringBuilder(FormatTime(timePerUnit, _unit));
        foreach (var k in _valuesOrder)
        {
            rest.Append(" - ").Append(k).Append(": ").Append(FormatValue(_values[k]));
        }
        visible += rest.Length;
        info.Append(rest);
        if (_totalWidth > visible)
        {
            info.Append(' ', _totalWidth - visible);
        }
        _totalWidth = visible;
        if (final)
        {
            info.Append('\n');
        }
        _out.Write(sb.Append(info).ToString());
        _out.Flush();
    }

    /// <summary>"  5/469": the step right-aligned to the target's digits.</summary>
    private string Count(int current)
    {
        int digits = (int)Math.Floor(Math.Log10(Math.Max(1, Target))) + 1;
        return current.ToString(CultureInfo.InvariantCulture).PadLeft(digits) + "/" + Target.ToString(CultureInfo.InvariantCulture);
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
