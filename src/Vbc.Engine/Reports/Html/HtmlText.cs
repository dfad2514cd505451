using System.Globalization;
using System.Text;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Reports.Html;

/// <summary>
/// Escaping and number formatting shared by the HTML statement and its chart. The page is written so that it
/// also parses as XML (XHTML-compatible): every text goes through <see cref="Escape"/>, which leaves only the five
/// predefined XML entities and replaces characters XML cannot hold.
/// </summary>
internal static class HtmlText
{
    public static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Text for an element body or a quoted attribute value.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        StringBuilder? o = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            string? replacement = c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            };
            if (replacement is null && !IsXmlChar(text, i))
            {
                replacement = "\uFFFD";
            }
            if (replacement is null && char.IsSurrogatePair(text, i))
            {
                // A valid pair: copy both halves as they are.
                o?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }
            if (replacement is null)
            {
                o?.Append(c);
                continue;
            }
            o ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            o.Append(replacement);
        }
        return o?.ToString() ?? text;
    }

    /// <summary>
    /// A CSS string literal. Anything but plain printable ASCII letters, digits and a few safe marks is written as a
    /// CSS escape, so no text can close the string or the style element, and the style holds no '&lt;' or '&amp;' (XML).
    /// </summary>
    public static string CssString(string text)
    {
        var o = new StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
        {
            int v = rune.Value;
            bool plain = v < 128 && (char.IsAsciiLetterOrDigit((char)v) || " ,.:;()-_/%$#!?+=*".Contains((char)v));
            if (plain)
            {
                o.Append((char)v);
            }
            else if (Rune.IsControl(rune) || (v >= 0xD800 && v <= 0xDFFF))
            {
                o.Append("\\FFFD ");
            }
            else
            {
                o.Append('\\').Append(v.ToString("X", Invariant)).Append(' ');
            }
        }
        return o.Append('"').ToString();
    }

    /// <summary>Whether the character at <paramref name="i"/> may appear in XML 1.0 (a lone surrogate may not).</summary>
    private static bool IsXmlChar(string text, int i)
    {
        char c = text[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
        }
        if (char.IsLowSurrogate(c))
        {
            return false;
        }
        return c is '\t' or '\n' or '\r' || (c >= ' ' && c != '\uFFFE' && c != '\uFFFF');
    }

    /// <summary>A line's value as the text statement shows it: by its unit, exact values rounded for display.</summary>
    public static string Value(StatementLine line)
    {
        if (line.Kind == LineKind.Component)
        {
            return Display.Money(AmountOf(line));
        }
        return line.Value is { } v && line.Unit is { } unit ? Display.Format(v, unit) : "";
    }

    /// <summary>The rounded payment of a component line (its exact value rounded if the amount is missing).</summary>
    public static decimal AmountOf(StatementLine line) => line.Amount ?? Rounding.ToCents(line.Value ?? 0m);

    public static string Count(long n) => n.ToString("#,##0", Invariant);

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", Invariant);

    /// <summary>An SVG coordinate: rounded to a tenth, invariant culture, no trailing zeros.</summary>
    public static string Coord(decimal v) => Math.Round(v, 1, MidpointRounding.AwayFromZero).ToString("0.#", Invariant);

    /// <summary>Money for an axis tick: $0, $250k, $1.5M, -$20M, $2B.</summary>
    public static string ShortMoney(decimal v)
    {
        if (v == 0)
        {
            return "$0";
        }
        string sign = v < 0 ? "-" : "";
        decimal a = Math.Abs(v);
        var (divisor, suffix) = a >= 1_000_000_000m ? (1_000_000_000m, "B") : a >= 1_000_000m ? (1_000_000m, "M") : a >= 1_000m ? (1_000m, "k") : (1m, "");
        return sign + "$" + (a / divisor).ToString("#,##0.###", Invariant) + suffix;
    }

    /// <summary>
    /// Splits a label into at most <paramref name="maxLines"/> lines of about <paramref name="width"/> characters,
    /// at spaces where it can; the last line ends with an ellipsis when the label does not fit.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string text, int width, int maxLines)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string w = word;
            while (w.Length > width)
            {
                // A word longer than a line: break it.
                if (current.Length > 0)
                {
                    lines.Add(current.ToString());
                    current.Clear();
                }
                lines.Add(w[..width]);
                w = w[width..];
            }
            if (current.Length > 0 && current.Length + 1 + w.Length > width)
            {
                lines.Add(current.ToString());
                current.Clear();
            }
            if (current.Length > 0)
            {
                current.Append(' ');
            }
            current.Append(w);
        }
        if (current.Length > 0)
        {
            lines.Add(current.ToString());
        }
        if (lines.Count > maxLines)
        {
            string last = lines[maxLines - 1];
            lines = lines.Take(maxLines - 1).ToList();
            lines.Add((last.Length >= width ? last[..(width - 1)] : last) + "\u2026");
        }
        return lines;
    }
}
