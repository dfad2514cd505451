using System.Globalization;
using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Settlement;

/// <summary>
/// Reads an input value given as text (<c>--input quality_score=92%</c>, or a cell of an inputs file) by the type the
/// contract declares. Nothing is guessed: a value that is not plainly of the type is refused with an example.
/// </summary>
public static class InputParser
{
    public static bool TryParse(string text, ValueType type, string declaredType, out Value value, out string example)
    {
        value = default;
        string t = text.Trim();
        example = Example(declaredType);
        switch (type.Kind)
        {
            case ValueKind.Flag:
                switch (t.ToLowerInvariant())
                {
                    case "1": case "true": case "yes": case "y": case "t":
                        value = Value.Of(true);
                        return true;
                    case "0": case "false": case "no": case "n": case "f":
                        value = Value.Of(false);
                        return true;
                }
                return false;
            case ValueKind.Text:
                value = Value.Of(t);
                return t.Length > 0;
            case ValueKind.Date:
                if (DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    value = Value.Of(date);
                    return true;
                }
                return false;
        }

        bool percent = t.EndsWith('%');
        if (percent)
        {
            if (type.Flavor != NumberFlavor.Percent)
            {
                return false;
            }
            t = t[..^1];
        }
        bool money = t.StartsWith('$') || t.StartsWith("-$", StringComparison.Ordinal);
        if (money && type.Dimension != Dimension.Dollars && type.Dimension != Dimension.PerMemberMonth)
        {
            return false;
        }
        t = t.Replace("$", "").Replace(",", "");
        if (!decimal.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }
        if (percent)
        {
            number /= 100m;
        }
        switch (type.Flavor)
        {
            case NumberFlavor.Percent when !percent && Math.Abs(number) > 1:
                // 92 could mean 92% or 9,200%: ask for the percent sign.
                return false;
            case NumberFlavor.Count when number < 0 || number != Math.Floor(number):
            case NumberFlavor.Year when number != Math.Floor(number) || number < 1900 || number > 2200:
            case NumberFlavor.MemberMonths when number < 0:
                return false;
        }
        value = Value.Of(number);
        return true;
    }

    public static string Example(string declaredType) => declaredType switch
    {
        "money" => "1234567.89 or $1,234,567.89",
        "pmpm" => "$450.00",
        "percent" => "92% or 0.92",
        "ratio" or "number" => "1.025",
        "count" => "9139",
        "year" => "2024",
        "member_months" => "120000",
        "flag" => "yes or no (1 or 0)",
        "date" => "2024-12-31",
        _ => "text",
    };
}
