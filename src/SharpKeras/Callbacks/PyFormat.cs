using System.Globalization;
using System.Text;

namespace SharpKeras.Callbacks;

/// <summary>
/// Python's <c>str.format</c> and float <c>repr</c> for the text Keras callbacks write: checkpoint
/// file names such as <c>"w.{epoch:02d}-{val_loss:.2f}.keras"</c> and CSVLogger's values.
/// </summary>
internal static class PyFormat
{
    /// <summary>Python's <c>repr(float)</c>: the shortest round-trip digits, ".0" on integral values, exponent form outside [1e-4, 1e16).</summary>
    public static string Repr(double v)
    {
        if (double.IsNaN(v))
        {
            return "nan";
        }
        if (double.IsInfinity(v))
        {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0)
        {
            return double.IsNegative(v) ? "-0.0" : "0.0";
        }
        string r = v.ToString("R", CultureInfo.InvariantCulture);
        // Split the shortest digits from their decimal exponent, then lay them out as Python does.
        string sign = r.StartsWith('-') ? "-" : "";
        r = r.TrimStart('-');
        int exp = 0;
        int e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(r.AsSpan(e + 1), CultureInfo.InvariantCulture);
            r = r[..e];
        }
        int dot = r.IndexOf('.');
        string digits = dot < 0 ? r : r.Remove(dot, 1);
        int pointPos = (dot < 0 ? r.Length : dot) + exp;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
            pointPos--;
        }
        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        int decExp = pointPos - 1;
        if (decExp < -4 || decExp >= 16)
        {
            string mant = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            return $"{sign}{mant}e{(decExp < 0 ? "-" : "+")}{Math.Abs(decExp):00}";
        }
        if (pointPos <= 0)
        {
            return $"{sign}0.{new string('0', -pointPos)}{digits}";
        }
        if (pointPos >= digits.Length)
        {
            return $"{sign}{digits}{new string('0', pointPos - digits.Length)}.0";
        }
        return $"{sign}{digits[..pointPos]}.{digits[pointPos..]}";
    }

    /// <summary>
    /// Python's <c>template.format(**values)</c> for named fields with an optional spec
    /// <c>[0][width][.precision][d|f|e|g|%]</c>; <c>{{</c> and <c>}}</c> are literal braces.
    /// Integer values are given as <c>long</c>, floats as <c>double</c>.
    /// </summary>
    public static string Format(string template, IReadOnlyDictionary<string, object> values)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < template.Length; i++)
        {
            char ch = template[i];
            if (ch == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                sb.Append('{');
                i++;
                continue;
            }
            if (ch == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                sb.Append('}');
                i++;
                continue;
            }
            if (ch == '}')
            {
                throw new FormatException($"Single '}}' encountered in format string \"{template}\".");
            }
            if (ch != '{')
            {
                sb.Append(ch);
                continue;
            }
            int close = template.IndexOf('}', i);
            if (close < 0)
            {
                throw new FormatException($"Single '{{' encountered in format string \"{template}\".");
            }
            string field = template[(i + 1)..close];
            int colon = field.IndexOf(':');
            string name = colon < 0 ? field : field[..colon];
            string spec = colon < 0 ? "" : field[(colon + 1)..];
            if (!values.TryGetValue(name, out var value))
            {
                throw new KeyNotFoundException($"'{name}' (available: {string.Join(", ", values.Keys)})");
            }
            sb.Append(FormatValue(value, spec, name));
            i = close;
        }
        return sb.ToString();
    }

    private static string FormatValue(object value, string spec, string name)
    {
        bool zero = false;
        int width = 0, p = 0;
        if (p < spec.Length && spec[p] == '0')
        {
            zero = true;
            p++;
        }
        while (p < spec.Length && char.IsAsciiDigit(spec[p]))
        {
            width = width * 10 + (spec[p++] - '0');
        }
        int? precision = null;
        if (p < spec.Length && spec[p] == '.')
        {
            p++;
            int prec = 0, startDigits = p;
            while (p < spec.Length && char.IsAsciiDigit(spec[p]))
            {
                prec = prec * 10 + (spec[p++] - '0');
            }
            if (p == startDigits)
            {
                throw new FormatException($"Format specifier missing precision in '{{{name}:{spec}}}'.");
            }
            precision = prec;
        }
        char type = p < spec.Length ? spec[p++] : '\0';
        if (p != spec.Length)
        {
            throw new FormatException($"Invalid format specifier '{spec}' for field '{name}': supported are [0][width][.precision][d|f|e|g|%].");
        }
        string body = (value, type) switch
        {
            (long l, '\0' or 'd') when precision is null => l.ToString(CultureInfo.InvariantCulture),
            (long l, _) when type != 'd' => FormatFloat(l, type == '\0' ? 'g' : type, precision, name),
            (double d, '\0') when precision is null => Repr(d),
            (double d, 'd') => throw new FormatException($"Unknown format code 'd' for object of type 'float' (field '{name}', value {Repr(d)})."),
            (double d, _) => FormatFloat(d, type == '\0' ? 'g' : type, precision, name),
            _ => throw new FormatException($"Invalid format specifier '{spec}' for field '{name}'."),
        };
        if (body.Length >= width)
        {
            return body;
        }
        // Numbers align right; '0' pads between the sign and the digits, as Python does.
        if (zero)
        {
            bool neg = body.StartsWith('-');
            string digits = neg ? body[1..] : body;
            return (neg ? "-" : "") + digits.PadLeft(width - (neg ? 1 : 0), '0');
        }
        return body.PadLeft(width);
    }

    private static string FormatFloat(double d, char type, int? precision, string name)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        int prec = precision ?? 6;
        var ci = CultureInfo.InvariantCulture;
        switch (type)
        {
            case 'f':
                return d.ToString("F" + prec, ci);
            case '%':
                return (d * 100).ToString("F" + prec, ci) + "%";
            case 'e':
                // The "e+00" pattern writes Python's signed, at-least-two-digit exponent.
                return d.ToString((prec == 0 ? "0" : "0." + new string('0', prec)) + "e+00", ci);
            case 'g':
                {
                    // Python's 'g': exponent form when the exponent is < -4 or >= precision, trailing zeros removed.
                    int pg = prec == 0 ? 1 : prec;
                    if (d == 0)
                    {
                        return double.IsNegative(d) ? "-0" : "0";
                    }
                    string eForm = d.ToString((pg == 1 ? "0" : "0." + new string('0', pg - 1)) + "e+00", ci);
                    int exp = int.Parse(eForm.AsSpan(eForm.IndexOf('e') + 1), ci);
                    if (exp < -4 || exp >= pg)
                    {
                        string mant = eForm[..eForm.IndexOf('e')];
                        if (mant.Contains('.'))
                        {
                            mant = mant.TrimEnd('0').TrimEnd('.');
                        }
                        return mant + eForm[eForm.IndexOf('e')..];
                    }
                    string f = d.ToString("F" + Math.Max(0, pg - 1 - exp), ci);
                    return f.Contains('.') ? f.TrimEnd('0').TrimEnd('.') : f;
                }
            default:
                throw new FormatException($"Unknown format code '{type}' for object of type 'float' (field '{name}').");
        }
    }
}
