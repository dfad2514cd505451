using System.Globalization;

namespace Vbc.Semantics;

/// <summary>
/// How numbers are written in messages and statements. Values are computed exactly; the display rounds them:
/// money to the cent when it is whole cents and to 4 decimals otherwise, percents to 4 decimals of a percent,
/// ratios to 6 decimals. Statements say so, and the JSON statement carries the exact values.
/// </summary>
public static class Display
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Format(decimal value, ValueType type)
    {
        if (type.Kind == ValueKind.Percentile)
        {
            return Ordinal(value) + " percentile";
        }
        return type.Flavor switch
        {
            NumberFlavor.Money => Money(value),
            NumberFlavor.Pmpm => Money(value) + " PMPM",
            NumberFlavor.Percent => Percent(value),
            NumberFlavor.Ratio => Trimmed(value, 6, 1, grouping: false),
            NumberFlavor.Count => Trimmed(value, 4, 0, grouping: true),
            NumberFlavor.Year => value.ToString("0", Invariant),
            NumberFlavor.MemberMonths => Trimmed(value, 4, 0, grouping: true) + " member months",
            _ => type.Dimension.IsNone ? Trimmed(value, 6, 0, grouping: true) : $"{Trimmed(value, 6, 0, grouping: true)} {type.DisplayName}",
        };
    }

    public static string Format(Value value, ValueType type) => value.Kind switch
    {
        ValueKind.Number or ValueKind.Percentile => Format(value.Number, type),
        ValueKind.Flag => value.Flag ? "yes" : "no",
        ValueKind.Text => $"\"{value.Text}\"",
        _ => value.ToString(),
    };

    /// <summary>$1,234.50; -$75.00; $12.3457 (more than cents are shown to 4 decimals).</summary>
    public static string Money(decimal value)
    {
        string sign = value < 0 ? "-" : "";
        decimal abs = Math.Abs(value);
        decimal cents = Math.Round(abs, 2);
        string digits = cents == abs ? abs.ToString("#,##0.00", Invariant) : Trimmed(abs, 4, 2, grouping: true);
        return $"{sign}${digits}";
    }

    /// <summary>0.03086 as 3.086%.</summary>
    public static string Percent(decimal fraction) =>
        // A fraction too large to show as a percent (a plain number of 28 digits) is shown as it was written.
        Math.Abs(fraction) < decimal.MaxValue / 100m ? Trimmed(fraction * 100m, 4, 0, grouping: true) + "%" : Trimmed(fraction, 4, 0, grouping: true);

    /// <summary>A decimal with at most <paramref name="maxDecimals"/> and at least <paramref name="minDecimals"/> places.</summary>
    public static string Trimmed(decimal value, int maxDecimals, int minDecimals, bool grouping)
    {
        decimal rounded = Math.Round(value, maxDecimals, MidpointRounding.AwayFromZero);
        string format = (grouping ? "#,##0" : "0") + (maxDecimals > 0 ? "." + new string('0', minDecimals) + new string('#', maxDecimals - minDecimals) : "");
        return rounded.ToString(format, Invariant);
    }

    /// <summary>"between 0% and 100%", "at least $0.00".</summary>
    public static string Bounds(decimal? min, decimal? max, ValueType type) => (min, max) switch
    {
        ({ } lo, { } hi) => $"between {Format(lo, type)} and {Format(hi, type)}",
        ({ } lo, null) => $"at least {Format(lo, type)}",
        (null, { } hi) => $"at most {Format(hi, type)}",
        _ => "any value",
    };

    public static string Ordinal(decimal n)
    {
        string text = Trimmed(n, 4, 0, grouping: false);
        if (n != Math.Floor(n))
        {
            return text + "th";
        }
        int i = (int)(n % 100);
        string suffix = (i % 10, i / 10) switch
        {
            (_, 1) => "th",
            (1, _) => "st",
            (2, _) => "nd",
            (3, _) => "rd",
            _ => "th",
        };
        return text + suffix;
    }
}
