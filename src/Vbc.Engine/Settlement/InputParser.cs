using System.Text;
using Vbc.Data;
using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Settlement;

/// <summary>How an input's text was read.</summary>
public enum InputOutcome
{
    Ok,
    /// <summary>Not a value of the declared type (the message shows an example).</summary>
    Invalid,
    /// <summary>A number with more digits than a decimal holds exactly: refused, never rounded.</summary>
    TooManyDigits,
}

/// <summary>
/// Reads an input value given as text (<c>--input quality_score=92%</c>, or a cell of an inputs file) by the type the
/// contract declares. Numbers go through the data reader's parsers (<see cref="ValueParsers"/>), so an input follows
/// exactly the rules of a data cell of the same type: thousands separators only in money and only in groups of three,
/// one <c>$</c> before the digits, no decimal commas, and no value rounded to fit.
/// </summary>
public static class InputParser
{
    public static bool TryParse(string text, ValueType type, string declaredType, out Value value, out string example)
    {
        example = Example(declaredType);
        return Parse(text, type, out value) == InputOutcome.Ok;
    }

    public static InputOutcome Parse(string text, ValueType type, out Value value)
    {
        value = default;
        string t = text.Trim();
        switch (type.Kind)
        {
            case ValueKind.Flag:
                if (ValueParsers.ParseFlag(Encoding.UTF8.GetBytes(t), out bool flag) != ParseOutcome.Ok)
                {
                    return InputOutcome.Invalid;
                }
                value = Value.Of(flag);
                return InputOutcome.Ok;
            case ValueKind.Text:
                value = Value.Of(t);
                return t.Length > 0 ? InputOutcome.Ok : InputOutcome.Invalid;
            case ValueKind.Date:
                if (ValueParsers.ParseDate(Encoding.UTF8.GetBytes(t), out var date) != ParseOutcome.Ok)
                {
                    return InputOutcome.Invalid;
                }
                value = Value.Of(date);
                return InputOutcome.Ok;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(t);
        decimal number;
        ParseOutcome outcome;
        if (type.Flavor == NumberFlavor.Percent)
        {
            outcome = ValueParsers.ParsePercent(bytes, out number);
        }
        else if (type.Dimension.Money != 0)
        {
            outcome = ValueParsers.ParseDecimal(bytes, money: true, out number);
        }
        else if (type.Flavor == NumberFlavor.Count)
        {
            outcome = ValueParsers.ParseCount(bytes, out number);
        }
        else if (type.Flavor == NumberFlavor.Year)
        {
            outcome = ValueParsers.ParseYear(bytes, out number);
            if (outcome == ParseOutcome.Ok && number is < 1900m or > 2200m)
            {
                outcome = ParseOutcome.OutOfRange;
            }
        }
        else
        {
            // Member months as an input are a total for the population, so only the sign is bounded.
            outcome = ValueParsers.ParseDecimal(bytes, money: false, out number);
            if (outcome == ParseOutcome.Ok && type.Flavor == NumberFlavor.MemberMonths && number < 0)
            {
                outcome = ParseOutcome.OutOfRange;
            }
        }
        if (outcome == ParseOutcome.TooManyDigits)
        {
            return InputOutcome.TooManyDigits;
        }
        if (outcome != ParseOutcome.Ok)
        {
            return InputOutcome.Invalid;
        }
        value = Value.Of(number);
        return InputOutcome.Ok;
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

    /// <summary>The year of a performance_year cell, read as a year input is.</summary>
    public static bool TryParseYear(string text, out int year)
    {
        year = 0;
        if (Parse(text, ValueType.Year, out var value) != InputOutcome.Ok)
        {
            return false;
        }
        year = (int)value.Number;
        return true;
    }
}
