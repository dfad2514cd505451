using Vbc.Clauses;
using Vbc.Clauses.Authoring;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;
using Xunit;

namespace Vbc.Tests.Language;

/// <summary>
/// Built-in kinds written on the author API (the proof that they settle as before is the example goldens: statements,
/// stage goldens, SQL and diffs are unchanged). Here: what the API derives for them, and the typed value reads.
/// </summary>
public class BuiltInsOnAuthorApiTests
{
    [Fact]
    public void Withhold_is_written_on_the_author_API_with_the_settings_it_had()
    {
        var withhold = ClauseRegistry.Default.Find("withhold");
        Assert.IsAssignableFrom<PluginClause>(withhold);
        var specs = withhold!.Parameters;
        Assert.Equal(new[] { "rate", "of", "returned" }, specs.Select(p => p.Key));
        Assert.All(specs, p => Assert.True(p.Required));
        Assert.Equal((0m, 1m, Party.Payer), (specs[0].Min!.Value, specs[0].Max!.Value, specs[0].HigherFavours!.Value));
        Assert.Equal((0m, (decimal?)null, Party.Payer), (specs[1].Min!.Value, specs[1].Max, specs[1].HigherFavours!.Value));
        Assert.Equal((0m, 1m, Party.Provider), (specs[2].Min!.Value, specs[2].Max!.Value, specs[2].HigherFavours!.Value));
        Assert.Same(TypeExpectation.Percent, specs[0].Type);
        Assert.Same(TypeExpectation.Money, specs[1].Type);
        Assert.Equal("withhold", withhold.ToString());
    }

    /// <summary>Reads the actual cost through a typed declaration: 1% of it.</summary>
    private sealed class OnePercentOfActual : PluginClause
    {
        private readonly ValueRead _actual;

        public OnePercentOfActual() => _actual = ReadsValue("actual", Unit.Money, "The actual cost.");

        public override string Keyword => "one percent";

        public override string Summary => "Pays 1% of the actual cost.";

        public override string CodePrefix => "ONE";

        protected override void Settle(SettleContext s) => s.Component("amount", "One percent", s.Get(_actual) / 100m, "1% of actual");
    }

    [Fact]
    public void A_value_read_declared_on_the_API_orders_the_clause_after_the_one_that_computes_it()
    {
        var kind = new OnePercentOfActual();
        kind.Freeze();
        var text = """
            contract "Reads" {
              period: 2024-01-01 to 2024-12-31
            }

            inputs {
              expenditure: money
            }

            one percent {
            }

            cost {
              actual: expenditure
            }
            """;
        var bound = Binder.Bind(ContractParser.Parse(text, "reads.vbc"), new ClauseRegistry(BuiltInClauses.All.Append(kind)));
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        Assert.Contains("actual", ((IClauseKind)kind).ReadsImplicitly(bound.Clauses.Single(c => c.Kind == kind)));

        var result = SettlementEngine.Settle(bound, new SettlementRequest { Inputs = new Dictionary<string, string> { ["expenditure"] = "250000" } });

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(2_500m, result.Statement!.Total);
    }
}
