using Vbc.Clauses;
using Vbc.Clauses.Authoring;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Independent;
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

    // The specs shared savings and shared losses had before they moved (src/Vbc.Core/Clauses/BuiltIn/SharingClauses.cs, SharingSpecs).
    private static readonly TableSpec ByPopulation = new(
        By: TypeExpectation.Count, ByLevel: EvaluationLevel.Total, ByRequired: true,
        Keys: TypeExpectation.Count, KeysAreRanges: true,
        Results: TypeExpectation.Percent, ResultsMayInterpolate: true);

    private static ParameterSpec MinimumRate(string key, string what) => new(key, ParameterShape.ExpressionOrTable, TypeExpectation.Percent,
        $"The {what} rate r must reach before anything is shared: a fixed rate, or a table by population size whose rows may fall linearly across a band ('5,000 to 5,999: 3.9% to 3.6%'). Default 0%.",
        "2%", Min: 0, Max: 1, Table: ByPopulation)
    {
        HigherFavours = what == "loss" ? Party.Provider : Party.Payer,
        Default = 0m,
    };

    private static readonly ParameterSpec Sharing = new("sharing", ParameterShape.Option, TypeExpectation.Text,
        "First dollar: once the minimum rate is met, all of it is shared. Second dollar: only the part beyond the minimum rate. Default first dollar.",
        "first dollar", Options: new[] { "first dollar", "second dollar" });

    [Fact]
    public void Shared_savings_is_written_on_the_author_API_with_the_settings_it_had()
    {
        AssertSpecs("shared savings",
            MinimumRate("minimum savings rate", "savings"),
            Sharing,
            new ParameterSpec("rate", ParameterShape.Expression, TypeExpectation.Percent,
                "The sharing rate: the provider's share of shareable savings. May be scaled by quality ('50% * quality_score').", "50%", Required: true, Min: 0, Max: 1)
            { HigherFavours = Party.Provider },
            new ParameterSpec("cap", ParameterShape.Expression, TypeExpectation.Money,
                "The most that can be earned, usually a share of the benchmark ('10% of benchmark').", "10% of benchmark", Min: 0)
            { HigherFavours = Party.Provider, AbsentIsUnlimited = true },
            new ParameterSpec("sequestration", ParameterShape.Expression, TypeExpectation.Percent,
                "A reduction applied to the payment before the cap (Medicare's 2% sequestration).", "2%", Min: 0, Max: 1)
            { HigherFavours = Party.Payer, Default = 0m },
            new ParameterSpec("only if", ParameterShape.Expression, TypeExpectation.Flag,
                "A condition for any savings to be paid, such as a quality gate; when it fails, savings are forfeited.", "quality_gate_met"));
        AssertOutputs("shared savings",
            ("shared_savings", ValueType.Money, "The shared savings earned by the provider."),
            ("minimum_savings_rate", ValueType.Percent, "The minimum savings rate that applied."));
        var kind = ClauseRegistry.Default.Find("shared savings")!;
        Assert.Equal(new[] { "benchmark" }, kind.Requires);
        Assert.False(kind.Repeatable);
        Assert.Subset(kind.ReadsImplicitly(null!).ToHashSet(), new HashSet<string> { "benchmark", "savings", "savings_rate" });
    }

    [Fact]
    public void Shared_losses_is_written_on_the_author_API_with_the_settings_it_had()
    {
        AssertSpecs("shared losses",
            MinimumRate("minimum loss rate", "loss"),
            Sharing,
            new ParameterSpec("rate", ParameterShape.Expression, TypeExpectation.Percent,
                "The loss rate: the provider's share of shareable losses. May be derived from quality ('1 - 75% * quality_score').", "30%", Required: true)
            { HigherFavours = Party.Payer },
            new ParameterSpec("rate floor", ParameterShape.Expression, TypeExpectation.Percent, "The lowest the loss rate may be.", "40%", Min: 0, Max: 1)
            { HigherFavours = Party.Payer },
            new ParameterSpec("rate ceiling", ParameterShape.Expression, TypeExpectation.Percent, "The highest the loss rate may be.", "75%", Min: 0, Max: 1)
            { HigherFavours = Party.Payer, AbsentIsUnlimited = true },
            new ParameterSpec("cap", ParameterShape.Expression, TypeExpectation.Money,
                "The most the provider can owe: a share of the benchmark, of revenue, or the lesser of the two.", "lesser of 8% of revenue and 4% of benchmark", Min: 0)
            { HigherFavours = Party.Payer, AbsentIsUnlimited = true },
            new ParameterSpec("reduction", ParameterShape.Expression, TypeExpectation.Money,
                "An amount taken off the losses owed after the cap (a disaster adjustment); owed never goes below zero.", "disaster_adjustment", Min: 0)
            { HigherFavours = Party.Provider, Default = 0m });
        AssertOutputs("shared losses",
            ("shared_losses", ValueType.Money, "The shared losses the provider owes (a positive amount)."),
            ("loss_rate", ValueType.Percent, "The loss rate that applied."),
            ("minimum_loss_rate", ValueType.Percent, "The minimum loss rate that applied."));
        Assert.Equal(new[] { "benchmark" }, ClauseRegistry.Default.Find("shared losses")!.Requires);
    }

    [Fact]
    public void Corridor_is_written_on_the_author_API_with_the_settings_it_had()
    {
        var bands = new TableSpec(
            By: null, ByLevel: EvaluationLevel.Constant, ByRequired: false,
            Keys: TypeExpectation.Percent, KeysAreRanges: true,
            Results: TypeExpectation.Percent, ResultsMayInterpolate: false);
        AssertSpecs("corridor",
            new ParameterSpec("basis", ParameterShape.Option, TypeExpectation.Text,
                "What the bands measure: 'savings rate' (the size of G / B, from 0%) or 'actual to target' (A / B, around 100%). Default savings rate.",
                "savings rate", Options: new[] { "savings rate", "actual to target" }),
            new ParameterSpec("bands", ParameterShape.Table, TypeExpectation.Percent,
                "The bands and their shares, one per line: 'up to 25%: 100%', '25% to 35%: 50%', 'above 50%: 10%'. With basis 'savings rate' they apply to savings and, mirrored, to losses.",
                "{ up to 25%: 100% } (one band per line)", Required: true, Min: 0, Max: 1, Table: bands),
            new ParameterSpec("loss bands", ParameterShape.Table, TypeExpectation.Percent,
                "Bands for losses when they differ from the savings bands (basis 'savings rate' only), measured on the size of the loss rate.",
                "{ up to 5%: 50% } (one band per line)", Min: 0, Max: 1, Table: bands),
            new ParameterSpec("applies to", ParameterShape.Option, TypeExpectation.Text,
                "Whether the corridor shares savings, losses, or both. Default both.", "savings and losses",
                Options: new[] { "savings and losses", "savings", "losses" }),
            new ParameterSpec("party", ParameterShape.Option, TypeExpectation.Text,
                "Whose share the bands give. 'provider' (default): the provider keeps its share of savings and bears its share of losses (ACO REACH). 'payer': the payer bears its share of losses and takes its share of gains (ACA risk corridors).",
                "provider", Options: new[] { "provider", "payer" }));
        AssertOutputs("corridor");
        var kind = ClauseRegistry.Default.Find("corridor")!;
        Assert.True(kind.Repeatable);
        Assert.Equal(new[] { "benchmark" }, kind.Requires);
        Assert.Subset(kind.ReadsImplicitly(null!).ToHashSet(), new HashSet<string> { "benchmark", "savings", "savings_rate", "actual" });
    }

    private static SettlementResult SettleCorridor(string bands, string share)
    {
        var text = $$"""
            contract "Corridor" {
              period: 2024-01-01 to 2024-12-31
            }

            inputs {
              benchmark_total: money
              expenditure: money
              share: percent
            }

            cost {
              actual: expenditure
            }

            benchmark {
              total: benchmark_total
            }

            corridor {
              bands: {
            {{bands}}
              }
            }
            """;
        var bound = Binder.Bind(ContractParser.Parse(text, "corridor.vbc"));
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        return SettlementEngine.Settle(bound, new SettlementRequest
        {
            Inputs = new Dictionary<string, string> { ["benchmark_total"] = "1000000", ["expenditure"] = "700000", ["share"] = share },
        });
    }

    [Fact]
    public void A_band_share_known_only_when_settling_is_checked_against_the_declared_range()
    {
        // Before the corridor moved onto the API a share from an input was not checked, and 150% was paid.
        var result = SettleCorridor("    up to 25%: 100%\n    above 25%: share", "150%");
        Assert.False(result.Succeeded);
        var problem = Assert.Single(result.Diagnostics, d => d.Code == "VBC4003");
        Assert.Contains("a result of 'bands' of corridor comes to 150% in this run, but it must be between 0% and 100%", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bands_written_in_any_order_are_settled_lowest_first()
    {
        // Savings $300,000.00 on a benchmark of $1,000,000.00 (30%): $250,000.00 x 100% + $50,000.00 x 50%.
        var inOrder = SettleCorridor("    up to 25%: 100%\n    above 25%: share", "50%");
        var reversed = SettleCorridor("    above 25%: share\n    up to 25%: 100%", "50%");
        foreach (var result in new[] { inOrder, reversed })
        {
            Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
            Assert.Equal(275_000.00m, result.Statement!.Total);
            Assert.Equal(250_000.00m, result.Statement.Line("corridor.band1").Value);
            Assert.Equal(25_000.00m, result.Statement.Line("corridor.band2").Value);
        }
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
