using System.Globalization;

namespace Vbc.Semantics;

/// <summary>
/// How numbers are written in messages and statements. Values are computed exactly, and the display shows at most
/// a few decimals: money to the cent, or to up to 4 decimals when the exact value has more than cents; percents to
/// 4 decimals of a percent; ratios to 6 decimals; counts and member months to 4. A value that has more digits than
/// shown is rounded (half away from zero) and marked <see cref="RoundedMark"/>, so a shown value without the mark
/// is always the exact value. Statements state this rule (<see cref="Rule"/>); the JSON statement carries the
/// exact values.
/// </summary>
public static class Display
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Put before a shown value that is rounded: <c>~$2,136,621.7918</c>, <c>~4.5032%</c>.</summary>
    public const string RoundedMark = "~";

    /// <summary>The display rule in words, as statements print it.</summary>
    public const string Rule =
        "Values are computed exactly. Payment lines are rounded to the cent, half away from zero, and the total is the sum of the rounded lines. " +
        "Other values are shown with at most 4 decimals for money (to the cent when the exact value is whole cents), 4 decimals of a percent for rates, 6 decimals for ratios; " +
        "a value with more digits than that is shown rounded and marked ~ (~$2,136,621.7918), and a value without ~ is exact. " +
        "The JSON statement (--format json) carries every value exactly.";

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

    /// <summary>$1,234.50; -$75.00; $12.345; ~$12.3457 (more than cents are shown to 4 decimals, marked when rounded).</summary>
    public static string Money(decimal value) => MoneyTo(value, 4);

    /// <summary>Money rounded to the cent, marked when that is not the exact value: chart labels.</summary>
    public static string Cents(decimal value) => MoneyTo(value, 2);

    private static string MoneyTo(decimal value, int maxDecimals)
    {
        decimal abs = Math.Abs(value);
        decimal rounded = Math.Round(abs, maxDecimals, MidpointRounding.AwayFromZero);
        string mark = rounded == abs ? "" : RoundedMark;
        // The sign goes with the amount shown: a value that rounds to zero is not shown as -$0.00.
        string sign = value < 0 && rounded != 0 ? "-" : "";
        return $"{mark}{sign}${Digits(rounded, maxDecimals, 2, grouping: true)}";
    }

    /// <summary>0.03086 as 3.086%; 0.0450321819 as ~4.5032%.</summary>
    public static string Percent(decimal fraction) =>
        // A fraction too large to show as a percent (a plain number of 28 digits) is shown as it was written.
        Math.Abs(fraction) < decimal.MaxValue / 100m ? Trimmed(fraction * 100m, 4, 0, grouping: true) + "%" : Trimmed(fraction, 4, 0, grouping: true);

    /// <summary>
    /// A decimal with at most <paramref name="maxDecimals"/> and at least <paramref name="minDecimals"/> places,
    /// marked <see cref="RoundedMark"/> when rounding changed it.
    /// </summary>
    public static string Trimmed(decimal value, int maxDecimals, int minDecimals, bool grouping)
    {
        decimal rounded = Math.Round(value, maxDecimals, MidpointRounding.AwayFromZero);
        return (rounded == value ? "" : RoundedMark) + Digits(rounded, maxDecimals, minDecimals, grouping);
    }

    private static string Digits(decimal rounded, int maxDecimals, int minDecimals, bool grouping)
    {
        string format = (grouping ? "#,##0" : "0") + (maxDecimals > 0 ? "." + new string('0', minDecimals) + new string('#', maxDecimals - minDecimals) : "");
        return rounded.ToString(format, Invariant);
    }

    /// <summary>"between 0% and 100%", "at least $0.00".</summary>
    public static string Bounds(decimal? min, decimal? max, ValueType type) => (min == decimal.MinValue ? null : min, max == decimal.MaxValue ? null : max) switch
    {
        // decimal's extremes mark "no bound" (a per-member amount may be negative): never written out as a figure.
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
