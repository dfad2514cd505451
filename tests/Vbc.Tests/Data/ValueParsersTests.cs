using System.Text;
using Vbc.Data;

namespace Vbc.Tests.Data;

public class ValueParsersTests
{
    private static (ParseOutcome, decimal) Dec(string s, bool money = false)
    {
        var outcome = ValueParsers.ParseDecimal(Encoding.UTF8.GetBytes(s), money, out decimal v);
        return (outcome, v);
    }

    [Theory]
    [InlineData("1234.56", "1234.56")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("+7", "7")]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData(".5", "0.5")]
    [InlineData("5.", "5")]
    [InlineData("0.10", "0.10")]
    [InlineData("000123.4500", "123.4500")]
    [InlineData("9999999999999999999", "9999999999999999999")]
    [InlineData("12345678901234567890.123456789", "12345678901234567890.123456789")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("0.0000000000000000000000000001", "0.0000000000000000000000000001")]
    [InlineData("1.000000000000000000000000000000000", "1.0000000000000000000000000000")]
    public void Plain_numbers_are_exact(string text, string expected)
    {
        var (outcome, value) = Dec(text);
        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal(expected, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("1E5")]
    [InlineData("12a")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1.2.3")]
    [InlineData("1 000")]
    [InlineData("$12")]
    [InlineData("1,234")]
    [InlineData("NaN")]
    [InlineData("(12.50)")]
    [InlineData("--1")]
    public void Other_forms_are_not_plain_numbers(string text) => Assert.Equal(ParseOutcome.Invalid, Dec(text).Item1);

    [Theory]
    [InlineData("79228162514264337593543950336")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("0.00000000000000000000000000001")]
    [InlineData("10.0000000000000000000000000001")]
    public void Values_that_cannot_be_held_exactly_are_refused(string text) => Assert.Equal(ParseOutcome.TooManyDigits, Dec(text).Item1);

    [Theory]
    [InlineData("$1,234.56", "1234.56")]
    [InlineData("1,234,567.01", "1234567.01")]
    [InlineData("-$12.50", "-12.50")]
    [InlineData("$-12.50", "-12.50")]
    [InlineData("$0.99", "0.99")]
    [InlineData("123", "123")]
    [InlineData("12,345,678,901,234,567,890.5", "12345678901234567890.5")]
    public void Money_accepts_dollar_sign_and_separators(string text, string expected)
    {
        var (outcome, value) = Dec(text, money: true);
        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal(expected, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("1,23.4")]
    [InlineData("1234,567")]
    [InlineData(",123")]
    [InlineData("1,,234")]
    [InlineData("1.234,5")]
    [InlineData("$")]
    [InlineData("$$1")]
    [InlineData("1,2345")]
    [InlineData("-$-1")]
    public void Money_separators_must_group_by_three(string text) => Assert.Equal(ParseOutcome.Invalid, Dec(text, money: true).Item1);

    [Fact]
    public void Sums_stay_exact()
    {
        var (_, a) = Dec("0.1");
        var (_, b) = Dec("0.2");
        Assert.Equal(0.3m, a + b);
    }

    [Theory]
    [InlineData("92%", "0.92")]
    [InlineData("92.5%", "0.925")]
    [InlineData("0.92", "0.92")]
    [InlineData("1", "1")]
    [InlineData("-0.05", "-0.05")]
    [InlineData("150%", "1.50")]
    [InlineData("0%", "0.00")]
    public void Percent_as_sign_or_fraction(string text, string expected)
    {
        Assert.Equal(ParseOutcome.Ok, ValueParsers.ParsePercent(Encoding.UTF8.GetBytes(text), out decimal v));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), v);
    }

    [Fact]
    public void Plain_percent_above_one_is_ambiguous()
    {
        Assert.Equal(ParseOutcome.AmbiguousPercent, ValueParsers.ParsePercent("92"u8, out _));
        Assert.Equal(ParseOutcome.Invalid, ValueParsers.ParsePercent("%"u8, out _));
        Assert.Equal(ParseOutcome.Invalid, ValueParsers.ParsePercent("9x%"u8, out _));
    }

    [Fact]
    public void Counts_years_and_member_months()
    {
        Assert.Equal(ParseOutcome.Ok, ValueParsers.ParseCount("12.0"u8, out decimal c));
        Assert.Equal("12", c.ToString());
        Assert.Equal(ParseOutcome.Invalid, ValueParsers.ParseCount("1.5"u8, out _));
        Assert.Equal(ParseOutcome.OutOfRange, ValueParsers.ParseCount("-1"u8, out _));
        Assert.Equal(ParseOutcome.Ok, ValueParsers.ParseYear("2024"u8, out decimal y));
        Assert.Equal(2024m, y);
        Assert.Equal(ParseOutcome.OutOfRange, ValueParsers.ParseYear("24"u8, out _));
        Assert.Equal(ParseOutcome.Ok, ValueParsers.ParseMemberMonths("11.5"u8, out decimal mm));
        Assert.Equal(11.5m, mm);
        Assert.Equal(ParseOutcome.Ok, ValueParsers.ParseMemberMonths("12"u8, out _));
        Assert.Equal(ParseOutcome.Ok, ValueParsers.ParseMemberMonths("0"u8, out _));
        Assert.Equal(ParseOutcome.OutOfRange, ValueParsers.ParseMemberMonths("12.01"u8, out _));
        Assert.Equal(ParseOutcome.OutOfRange, ValueParsers.ParseMemberMonths("-1"u8, out _));
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("TRUE", true)]
    [InlineData("False", false)]
    [InlineData("yes", true)]
    [InlineData("No", false)]
    [InlineData("Y", true)]
    [InlineData("n", false)]
    [InlineData("t", true)]
    [InlineData("F", false)]
    public void Flags(string text, bool expected)
    {
        Assert.Equal(ParseOutcome.Ok, ValueParsers.ParseFlag(Encoding.UTF8.GetBytes(text), out bool v));
        Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("x")]
    [InlineData("yess")]
    [InlineData("on")]
    [InlineData("-1")]
    public void Not_flags(string text) => Assert.Equal(ParseOutcome.Invalid, ValueParsers.ParseFlag(Encoding.UTF8.GetBytes(text), out _));

    [Fact]
    public void Dates()
    {
        Assert.Equal(ParseOutcome.Ok, ValueParsers.ParseDate("2024-02-29"u8, out var d));
        Assert.Equal(new DateOnly(2024, 2, 29), d);
        Assert.Equal(ParseOutcome.Invalid, ValueParsers.ParseDate("2023-02-29"u8, out _));
        Assert.Equal(ParseOutcome.Invalid, ValueParsers.ParseDate("2024-13-01"u8, out _));
        Assert.Equal(ParseOutcome.Invalid, ValueParsers.ParseDate("12/31/2024"u8, out _));
        Assert.Equal(ParseOutcome.Invalid, ValueParsers.ParseDate("2024-1-01"u8, out _));
        Assert.Equal(ParseOutcome.Empty, ValueParsers.ParseDate(""u8, out _));
    }

    [Fact]
    public void Random_decimals_round_trip_exactly()
    {
        var random = new Random(42);
        for (int i = 0; i < 20000; i++)
        {
            long mantissa = random.NextInt64(-999_999_999_999_999, 999_999_999_999_999);
            int scale = random.Next(0, 12);
            decimal expected = new decimal((int)(Math.Abs(mantissa) & 0xFFFFFFFF), (int)(Math.Abs(mantissa) >> 32), 0, mantissa < 0, (byte)scale);
            string text = expected.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var (outcome, value) = Dec(text);
            Assert.Equal(ParseOutcome.Ok, outcome);
            Assert.Equal(expected, value);
            Assert.Equal(text, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
