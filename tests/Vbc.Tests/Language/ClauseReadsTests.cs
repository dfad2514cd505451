using Vbc.Clauses;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;
using Xunit;

namespace Vbc.Tests.Language;

/// <summary>
/// The values a clause reads from other clauses order the settlement. A kind that reads a value it does not declare is
/// stopped with a diagnostic naming the clause (never an exception, never a wrong amount); a declared value that no
/// clause computes is a diagnostic too; and a declared read orders its clause after the producer whatever the text's order.
/// </summary>
public class ClauseReadsTests
{
    /// <summary>Reads 'actual' (or only probes it) with or without declaring it.</summary>
    private sealed class ReaderKind(bool declares, bool probeOnly = false, string name = "actual") : ClauseKind
    {
        public override string Keyword => "reader";

        public override string Summary => "Reads another clause's value.";

        public override IReadOnlyList<ParameterSpec> Parameters { get; } = Array.Empty<ParameterSpec>();

        public override IEnumerable<string> ReadsImplicitly(BoundClause clause) => declares ? new[] { name } : Array.Empty<string>();

        public override void Settle(BoundClause clause, ISettlement settlement)
        {
            decimal value = probeOnly ? (settlement.TryOutput(name, out var v) ? v.Number : 0m) : settlement.Output(name).Number;
            settlement.Component(clause, "reader.amount", "Read", value / 100m, "1% of the value read");
        }
    }

    private const string Contract = """
        contract "Reads" {
          period: 2024-01-01 to 2024-12-31
        }

        inputs {
          expenditure: money
          months: member_months
          hit: flag
        }

        reader {
        }

        bonus "Access" {
          when: hit
          amount: $2.00 PMPM
        }

        capitation {
          rate: $100.00 PMPM
        }

        cost {
          actual: expenditure
          member months: months
        }
        """;

    private static SettlementResult Settle(string text, IClauseKind? reader)
    {
        var registry = reader is null ? ClauseRegistry.Default : new ClauseRegistry(BuiltInClauses.All.Append(reader));
        if (reader is null)
        {
            text = text.Replace("reader {\n}\n", "", StringComparison.Ordinal);
        }
        var bound = Binder.Bind(ContractParser.Parse(text, "reads.vbc"), registry);
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        return SettlementEngine.Settle(bound, new SettlementRequest
        {
            Inputs = new Dictionary<string, string> { ["expenditure"] = "1000000", ["months"] = "1200", ["hit"] = "true" },
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_kind_that_reads_a_value_it_does_not_declare_is_stopped_with_a_diagnostic_naming_the_clause(bool probeOnly)
    {
        var result = Settle(Contract.Replace("\r\n", "\n", StringComparison.Ordinal), new ReaderKind(declares: false, probeOnly));

        Assert.False(result.Succeeded);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("VBC7030", d.Code);
        Assert.Equal(11, d.Location.Line);
        Assert.Contains("'reader' read the value 'actual' without declaring it", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_declared_read_settles_after_the_clause_that_computes_it_whatever_the_order_written()
    {
        var result = Settle(Contract.Replace("\r\n", "\n", StringComparison.Ordinal), new ReaderKind(declares: true));

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(10_000m, result.Statement!.Components.Single(c => c.Id == "reader.amount").Amount); // 1% of $1,000,000.00
    }

    [Fact]
    public void A_declared_value_that_no_clause_computes_is_a_diagnostic()
    {
        var result = Settle(Contract.Replace("\r\n", "\n", StringComparison.Ordinal), new ReaderKind(declares: true, name: "savings"));

        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("VBC7031", d.Code);
        Assert.Contains("'reader' needs the value 'savings'", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Capitation_and_a_bonus_PMPM_written_before_the_cost_clause_are_paid_on_its_member_months()
    {
        // Before the reads were declared, both settled first and paid on 0 member months: $0.00 with exit code 0.
        var result = Settle(Contract.Replace("\r\n", "\n", StringComparison.Ordinal), reader: null);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var s = result.Statement!;
        Assert.Equal(2m * 1200m, s.Components.Single(c => c.Id == "bonus.access.amount").Amount);
        Assert.Equal(100m * 1200m, s.Components.Single(c => c.Id == "capitation.payment").Amount);
        Assert.Equal(122_400m, s.Total);
    }
}
