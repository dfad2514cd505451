using Vbc.Syntax;
using Vbc.Formatting;
using Vbc.Parsing;
using Vbc.Semantics;

namespace Vbc.Tests.Formatting;

/// <summary>Forms read as the language means them ('x' multiplies, 'of the' is 'of') are printed in the canonical form.</summary>
public class NaturalFormsFormattingTests
{
    private const string Written = """
        contract "X" {
          period: 2024-01-01 to 2024-12-31
        }

        inputs {
          benchmark_total: money
          expenditure: money
          quality_score: percent
        }

        cost {
          actual: expenditure
        }

        benchmark {
          total: benchmark_total
        }

        shared savings {
          rate: 50% x quality_score
          cap: 10% of the benchmark
        }

        """;

    [Fact]
    public void X_and_of_the_are_accepted_and_formatted_canonically()
    {
        var parsed = ContractParser.Parse(Written.Replace("\r\n", "\n"), "natural.vbc");
        Assert.Empty(Binder.Bind(parsed).Diagnostics);
        var formatted = ContractFormatter.Format(parsed);
        Assert.Contains("  rate: 50% * quality_score\n", formatted);
        Assert.Contains("  cap: 10% of benchmark\n", formatted);
        // The same meaning, and formatting again changes nothing.
        var again = ContractParser.Parse(formatted, "natural.vbc");
        Assert.Equal(SyntaxDump.Of(parsed.Root), SyntaxDump.Of(again.Root));
        Assert.Equal(formatted, ContractFormatter.Format(again));
    }

    [Theory]
    [InlineData("rate: x")]
    [InlineData("rate: max(x, 50%)")]
    [InlineData("rate: 50% + x")]
    public void X_alone_or_after_an_operator_stays_a_name(string entry)
    {
        var text = Written.Replace("rate: 50% x quality_score", entry).Replace("  quality_score: percent", "  quality_score: percent\n  x: percent");
        var bound = Binder.Bind(ContractParser.Parse(text, "x.vbc"));
        Assert.DoesNotContain(bound.Diagnostics, d => d.IsError);
    }
}
