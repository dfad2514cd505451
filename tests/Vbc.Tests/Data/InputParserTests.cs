using System.Globalization;
using Vbc.Data;
using Vbc.Semantics;
using Vbc.Settlement;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Data;

/// <summary>
/// Inputs (--input and inputs-file cells) are read by the data reader's parsers: a value means the same whether it is
/// a cell of the member file or an input, and nothing is stripped, guessed or rounded.
/// </summary>
public class InputParserTests
{
    private static ValueType TypeOf(string name) => name switch
    {
        "money" => ValueType.Money,
        "pmpm" => ValueType.Pmpm,
        "percent" => ValueType.Percent,
        "count" => ValueType.Count,
        "year" => ValueType.Year,
        "member_months" => ValueType.MemberMonths,
        _ => ValueType.Number,
    };

    [Theory]
    [InlineData("money", "$1,234,567.89", "1234567.89")]
    [InlineData("money", "1234567.89", "1234567.89")]
    [InlineData("money", "-$5.10", "-5.10")]
    [InlineData("money", "$-5.10", "-5.10")]
    [InlineData("money", " 200869909.70 ", "200869909.70")]
    [InlineData("pmpm", "$450.00", "450.00")]
    [InlineData("percent", "92%", "0.92")]
    [InlineData("percent", "0.92", "0.92")]
    [InlineData("count", "9139", "9139")]
    [InlineData("year", "2024", "2024")]
    [InlineData("member_months", "120000", "120000")]
    [InlineData("number", "1.025", "1.025")]
    [InlineData("money", "79228162514264337593543950335", "79228162514264337593543950335")]
    public void Reads_the_forms_data_cells_accept(string type, string text, string expected)
    {
        Assert.Equal(InputOutcome.Ok, InputParser.Parse(text, TypeOf(type), out var value));
        Assert.Equal(expected, value.Number.ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("money", "200869909,70")] // a decimal comma: was read as $20,086,990,970
    [InlineData("money", "91,39")] // was 9139
    [InlineData("money", "1,2345.00")]
    [InlineData("money", "$$200")]
    [InlineData("money", "200$")]
    [InlineData("money", "$ 200")]
    [InlineData("money", "1e6")]
    [InlineData("count", "4,0,0,0")] // was 4000
    [InlineData("count", "9,139")] // counts are plain whole numbers, as in data files
    [InlineData("count", "-3")]
    [InlineData("count", "2.5")]
    [InlineData("count", "$9139")]
    [InlineData("percent", "92")] // 92% or 9,200%?
    [InlineData("percent", "$0.5")]
    [InlineData("number", "1,025")]
    [InlineData("year", "20x6")]
    [InlineData("year", "1776")]
    [InlineData("member_months", "-1")]
    [InlineData("money", "")]
    public void Refuses_what_data_cells_refuse(string type, string text)
    {
        Assert.Equal(InputOutcome.Invalid, InputParser.Parse(text, TypeOf(type), out _));
    }

    [Theory]
    [InlineData("money", "96500000.0000000000000000000000001")]
    [InlineData("money", "792281625142643375935439503350")]
    [InlineData("percent", "12.00000000000000000000000000001%")]
    public void A_value_a_decimal_cannot_hold_exactly_is_refused_not_rounded(string type, string text)
    {
        Assert.Equal(InputOutcome.TooManyDigits, InputParser.Parse(text, TypeOf(type), out _));
    }

    [Fact]
    public void Flags_dates_and_text_read_as_in_data_files()
    {
        Assert.Equal(InputOutcome.Ok, InputParser.Parse("Yes", ValueType.Flag, out var yes));
        Assert.True(yes.Flag);
        Assert.Equal(InputOutcome.Invalid, InputParser.Parse("maybe", ValueType.Flag, out _));
        Assert.Equal(InputOutcome.Ok, InputParser.Parse("2024-02-29", ValueType.Date, out _));
        Assert.Equal(InputOutcome.Invalid, InputParser.Parse("2023-02-29", ValueType.Date, out _));
        Assert.Equal(InputOutcome.Invalid, InputParser.Parse("  ", ValueType.Text, out _));
    }
}
