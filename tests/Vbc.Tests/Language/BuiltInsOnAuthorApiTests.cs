using Vbc.Clauses;
using Vbc.Clauses.Authoring;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;
using ValueType = Vbc.Semantics.ValueType;
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

    /// <summary>
    /// A kind moved onto the API declares exactly the settings it had: each spec equal, field by field (key, shape, type,
    /// documentation, example, required, level, range, options, table, favours, default, unlimited when absent...).
    /// </summary>
    private static void AssertSpecs(string keyword, params ParameterSpec[] before)
    {
        var kind = ClauseRegistry.Default.Find(keyword)!;
        Assert.IsAssignableFrom<PluginClause>(kind);
        var after = kind.Parameters;
        Assert.Equal(before.Select(p => p.Key), after.Select(p => p.Key));
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i] with { Options = null }, after[i] with { Options = null });
            Assert.Equal(before[i].Options ?? Array.Empty<string>(), after[i].Options ?? Array.Empty<string>());
        }
    }

    private static void AssertOutputs(string keyword, params (string Name, ValueType Type, string Description)[] before)
    {
        var kind = ClauseRegistry.Default.Find(keyword)!;
        var block = ContractParser.Parse(keyword + " {\n}\n", "x.vbc").Root.Blocks[0];
        Assert.Equal(before.Select(o => new OutputSpec(o.Name, o.Type, o.Description)), kind.DeclareOutputs(block, null));
    }

    [Fact]
    public void Bonus_is_written_on_the_author_API_with_the_settings_it_had()
    {
        AssertSpecs("bonus",
            new ParameterSpec("when", ParameterShape.Expression, TypeExpectation.Flag, "The condition for the bonus, usually a measure meeting a threshold.", "hba1c_control >= 70%", Required: true),
            new ParameterSpec("amount", ParameterShape.Expression, TypeExpectation.MoneyOrPmpm, "The bonus: a lump sum, or an amount PMPM paid on the population's member months.", "$2.00 PMPM", Required: true, Min: 0)
            { HigherFavours = Party.Provider });
        AssertOutputs("bonus");
        var bonus = ClauseRegistry.Default.Find("bonus")!;
        Assert.True(bonus.Repeatable);
        Assert.True(bonus.AllowedInLevel);
        Assert.Empty(bonus.Requires);
    }

    [Theory]
    [InlineData("$2.00 PMPM", true)]
    [InlineData("$25,000.00", false)]
    public void A_bonus_PMPM_needs_member_months_and_a_lump_sum_does_not(string amount, bool refused)
    {
        var text = $$"""
            contract "Bonus" {
              period: 2024-01-01 to 2024-12-31
            }

            inputs {
              quality: percent
            }

            bonus "Quality" {
              when: quality >= 80%
              amount: {{amount}}
            }
            """;
        var bound = Binder.Bind(ContractParser.Parse(text, "bonus.vbc"));
        var problem = bound.Diagnostics.Where(d => d.Code == "VBC2038").ToList();
        Assert.Equal(refused ? 1 : 0, problem.Count);
        if (refused)
        {
            Assert.StartsWith("A bonus PMPM needs member months", problem[0].Message, StringComparison.Ordinal);
            Assert.Equal(11, problem[0].Location.Line);
        }
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
