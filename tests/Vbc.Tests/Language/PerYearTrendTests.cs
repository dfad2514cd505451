using Vbc.Syntax;
using Vbc.Formatting;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Formatting;

namespace Vbc.Tests.Language;

/// <summary>'trend: 3.1% per year from 2023': parsed, bound with its base year, formatted, and refused where it has no meaning.</summary>
public class PerYearTrendTests
{
    private const string Contract = """
        contract "X" {
          period: 2024-01-01 to 2026-12-31
        }

        data {
          member_id: id
          member_months: member_months
          cost: money
        }

        cost {
          categories: cost
        }

        benchmark {
          base: $876.00 PMPM
          trend: TREND
        }

        shared savings {
          rate: 50%
        }

        """;

    private static BoundContract Bind(string trend, string? period = null)
    {
        var text = Contract.Replace("\r\n", "\n").Replace("TREND", trend);
        if (period is not null)
        {
            text = text.Replace("2024-01-01 to 2026-12-31", period);
        }
        return Binder.Bind(ContractParser.Parse(text, "trend.vbc"));
    }

    [Fact]
    public void A_rate_per_year_binds_with_its_base_year_beside_a_rate_that_applies_once()
    {
        var bound = Bind("3.1% per year from 2023, 1.5%");
        Assert.Empty(bound.Diagnostics);
        var benchmark = bound.Clauses.Single(c => c.Kind.Keyword == "benchmark");
        var trend = Assert.IsType<BoundListSetting>(benchmark.Setting("trend"));
        Assert.Equal(2, trend.Items.Count);
        Assert.Equal(2023, trend.FromYear(0));
        Assert.Null(trend.FromYear(1));
    }

    [Theory]
    [InlineData("3.1%  per   YEAR from 2023", "  trend: 3.1% per year from 2023\n")]
    [InlineData("1.5%, 3.1% per year from 2023", "  trend: 1.5%, 3.1% per year from 2023\n")]
    public void Fmt_writes_the_canonical_form_and_is_stable(string written, string expected)
    {
        var parsed = ContractParser.Parse(Contract.Replace("\r\n", "\n").Replace("TREND", written), "trend.vbc");
        Assert.Empty(Binder.Bind(parsed).Diagnostics);
        var formatted = ContractFormatter.Format(parsed);
        Assert.Contains(expected, formatted);
        var again = ContractParser.Parse(formatted, "trend.vbc");
        Assert.Equal(SyntaxDump.Of(parsed.Root), SyntaxDump.Of(again.Root));
        Assert.Equal(formatted, ContractFormatter.Format(again));
    }

    [Theory]
    [InlineData("3.1% per year from 2024", null)]
    [InlineData("3.1% per year from 2023", null)]
    [InlineData("3.1% per year from 2025", "VBC2082")]
    [InlineData("3.1% per year from 2023.5", "VBC2081")]
    [InlineData("3.1% per year from 1899", "VBC2081")]
    [InlineData("3.1% per year from 3.1%", "VBC2081")]
    [InlineData("3.1% per year from 2,023", null)]
    public void The_base_year_is_a_whole_year_no_later_than_the_first_year_settled(string trend, string? code)
    {
        var errors = Bind(trend).Diagnostics.Where(d => d.IsError).Select(d => d.Code).ToList();
        Assert.Equal(code is null ? Array.Empty<string>() : new[] { code }, errors);
    }

    [Fact]
    public void Per_year_from_in_a_setting_that_does_not_compound_is_VBC2080()
    {
        var text = Contract.Replace("\r\n", "\n").Replace("TREND", "3.1%").Replace("rate: 50%", "rate: 50% per year from 2023");
        var bound = Binder.Bind(ContractParser.Parse(text, "trend.vbc"));
        var error = Assert.Single(bound.Diagnostics, d => d.IsError);
        Assert.Equal("VBC2080", error.Code);
    }

    [Theory]
    [InlineData("$200,000 per member")]
    [InlineData("3.1% per year")]
    [InlineData("3.1% per year to 2023")]
    public void Other_words_after_a_value_are_still_syntax_errors(string trend)
    {
        var bound = Bind(trend);
        Assert.Contains(bound.Diagnostics, d => d.IsError && d.Code.StartsWith("VBC10", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2024 to 2026: $876.00 PMPM", null)]
    [InlineData("2024: $876.00 PMPM\n    2025 and above: $900.00 PMPM", null)]
    [InlineData("2024: $876.00 PMPM\n    2026: $900.00 PMPM", "VBC2083")]
    [InlineData("2024 to 2025: $876.00 PMPM", "VBC2083")]
    [InlineData("2024 to 2026: 5%", "VBC2007")]
    public void A_table_by_performance_year_needs_a_row_for_every_year_settled(string rows, string? code)
    {
        var text = Contract.Replace("\r\n", "\n").Replace("  base: $876.00 PMPM\n  trend: TREND\n", "  base: by performance_year {\n    " + rows + "\n  }\n");
        var errors = Binder.Bind(ContractParser.Parse(text, "table.vbc")).Diagnostics.Where(d => d.IsError).Select(d => d.Code).ToList();
        Assert.Equal(code is null ? Array.Empty<string>() : new[] { code }, errors);
    }
}
