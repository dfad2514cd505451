using Vbc.Clauses;
using Vbc.Clauses.Authoring;
using static Vbc.Tests.Plugins.PluginTestKit;

namespace Vbc.Tests.Plugins;

/// <summary>
/// The declarations the built-in sharing clauses needed (author API version 3), used by a plug-in script as an author
/// would use them: an amount in money or PMPM, an option given as an enum, a number or a table looked up by a value, a
/// default and an unlimited cap, bands with their checks, and a required clause.
/// </summary>
public class AuthorApiV3Tests
{
    private const string Script = """
        using System;
        using Vbc.Clauses.Authoring;

        public enum Tier
        {
            Low,
            HighCost,
        }

        public sealed class TieredFee : PluginClause
        {
            private readonly MoneyOrPmpmSetting _fee;
            private readonly OptionSetting<Tier> _tier;
            private readonly Setting<decimal> _rate;
            private readonly Setting<decimal> _cap;
            private readonly BandsSetting _bands;
            private readonly MemberSum _cost;

            public TieredFee()
            {
                _fee = MoneyOrPmpmSetting("fee", "The fee, in dollars or PMPM.", "$1.00 PMPM");
                _tier = OptionSetting<Tier>("tier", "Which tier of fee applies.");
                _rate = NumberOrTableSetting("rate", Unit.Percent, Unit.Count, "A share of cost, fixed or by population size.", "1%",
                    interpolates: true, required: false, min: 0m, max: 1m).WhenAbsent(0m);
                _cap = MoneySetting("cap", "The most the rate pays.", "$100.00", required: false).UnlimitedWhenAbsent();
                _bands = BandsSetting("bands", "Shares of the population's cost by band.", "up to $1,000.00: 10%\nabove $1,000.00: 5%",
                    keys: Unit.Money, results: Unit.Percent, min: 0m, max: 1m, startsAt: 0m);
                _cost = SumOverMembers(PerMember.Column("cost"), Unit.Money, "members' cost");
                RequiresClause("benchmark");
            }

            public override string Keyword => "tiered fee";

            public override string Summary => "A fee, a share of cost by population size, and shares of cost by band.";

            public override string CodePrefix => "TFE";

            protected override void Settle(SettleContext s)
            {
                Amount fee = s.Get(_fee);
                decimal paid = fee.IsPmpm ? fee.Value * s.MemberMonths : fee.Value;
                s.Component("fee", "Fee", paid, fee.IsPmpm ? "PMPM x member months" : "lump sum");

                decimal cost = s.Total(_cost);
                decimal banded = 0m;
                foreach (Band band in s.Get(_bands))
                {
                    decimal low = band.Low ?? 0m;
                    decimal high = band.High is { } h ? Math.Min(h, cost) : cost;
                    if (high > low)
                    {
                        banded += (high - low) * band.Result;
                        s.Step("band" + (band.Low ?? 0m).ToString("0"), "Band " + band.Description, (high - low) * band.Result, Unit.Money, "part x share");
                    }
                }
                Tier tier = s.Get(_tier);
                if (tier == Tier.HighCost)
                {
                    banded *= 2m;
                }
                s.Component("bands", "Bands, tier " + _tier.WordOf(tier), banded, "sum of the bands");

                decimal byRate = s.Get(_rate) * cost;
                if (s.GetOptional(_cap) is { } cap && byRate > cap)
                {
                    byRate = cap;
                }
                s.Component("rate", "Rate", byRate, s.Has(_rate) ? s.Explain(_rate) : "not written: 0%");
            }
        }
        """;

    private const string Clause = """
        inputs {
          assigned: count
          benchmark_total: money
        }

        cost {
          categories: cost
        }

        benchmark {
          total: benchmark_total
        }

        tiered fee {
          fee: $1.00 PMPM
          tier: high cost
          rate: by assigned {
            0 to 1,000: 1% to 2%
            above 1,000: 2%
          }
          bands: {
            up to $1,000.00: 10%
            $1,000.00 to $3,000.00: 5%
            above $3,000.00: 1%
          }
        }
        """;

    private static readonly Dictionary<string, string> Inputs = new() { ["assigned"] = "500", ["benchmark_total"] = "5000" };

    private static (string Dir, string Contract) Write(string clause)
    {
        var dir = Folder("api-v3");
        var script = PluginTestKit.Script(dir, "tiered-fee.csx", Script);
        return (dir, Contract(dir, script, clause));
    }

    [Fact]
    public void A_script_declares_and_reads_each_declaration_of_version_3()
    {
        var (dir, contract) = Write(Clause);
        var bound = Bind(contract);
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));

        var kind = (PluginClause)bound.Clauses.Single(c => c.Kind.Keyword == "tiered fee").Kind;
        var specs = ((IClauseKind)kind).Parameters;
        Assert.Equal(new[] { "low", "high cost" }, specs.Single(p => p.Key == "tier").Options);
        Assert.Equal(0m, specs.Single(p => p.Key == "rate").Default);
        Assert.True(specs.Single(p => p.Key == "cap").AbsentIsUnlimited);
        Assert.Same(TypeExpectation.MoneyOrPmpm, specs.Single(p => p.Key == "fee").Type);
        Assert.Equal(new[] { "benchmark" }, ((IClauseKind)kind).Requires);

        var result = Settle(bound, dir, Inputs);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var lines = result.Statement!.Components.ToDictionary(c => c.Id, c => c.Amount);
        // Data: 30 member months; cost $1,000.00 + $2,500.50 + $99.50 = $3,600.00.
        // Fee: $1.00 PMPM x 30 = $30.00.
        Assert.Equal(30.00m, lines["tiered-fee.fee"]);
        // Bands: $1,000.00 x 10% + $2,000.00 x 5% + $600.00 x 1% = $206.00, twice for the high-cost tier.
        Assert.Equal(412.00m, lines["tiered-fee.bands"]);
        // Rate by 500 assigned, halfway from 1% to 2%: 1.5% x $3,600.00 = $54.00.
        Assert.Equal(54.00m, lines["tiered-fee.rate"]);
    }

    [Fact]
    public void A_lump_sum_fee_the_first_option_when_none_is_written_the_default_rate_and_a_cap()
    {
        var clause = Clause
            .Replace("fee: $1.00 PMPM", "fee: $25.00", StringComparison.Ordinal)
            .Replace("  tier: high cost\n", "", StringComparison.Ordinal)
            .Replace("rate: by assigned {\n    0 to 1,000: 1% to 2%\n    above 1,000: 2%\n  }", "cap: $10.00", StringComparison.Ordinal);
        var (dir, contract) = Write(clause);
        var bound = Bind(contract);
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        var result = Settle(bound, dir, Inputs);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var lines = result.Statement!.Components.ToDictionary(c => c.Id, c => c.Amount);
        Assert.Equal(25.00m, lines["tiered-fee.fee"]);
        Assert.Equal(206.00m, lines["tiered-fee.bands"]);
        Assert.Equal(0.00m, lines["tiered-fee.rate"]);
    }

    [Theory]
    [InlineData("$1,000.00 to $3,000.00: 5%", "$2,000.00 to $3,000.00: 5%", "VBC2010", "gap from $1,000.00 to $2,000.00")]
    [InlineData("$1,000.00 to $3,000.00: 5%", "$900.00 to $3,000.00: 5%", "VBC2011", "overlaps the one before it from $900.00 to $1,000.00")]
    [InlineData("up to $1,000.00: 10%", "$500.00 to $1,000.00: 10%", "VBC2010", "gap from $0.00 to $500.00")]
    [InlineData("up to $1,000.00: 10%", "-$500.00 to $1,000.00: 10%", "VBC2026", "start at $0.00")]
    [InlineData("above $3,000.00: 1%", "above $3,000.00: 150%", "VBC2009", "")]
    [InlineData("tier: high cost", "tier: hihg cost", "VBC2018", "did you mean 'high cost'")]
    [InlineData("fee: $1.00 PMPM", "fee: 5%", "VBC2007", "money or an amount PMPM")]
    [InlineData("benchmark {\n  total: benchmark_total\n}", "", "VBC2027", "needs a 'benchmark' clause")]
    public void The_contract_is_checked_against_the_declarations(string written, string instead, string code, string fragment)
    {
        Assert.Contains(written, Clause, StringComparison.Ordinal);
        var (_, contract) = Write(Clause.Replace(written, instead, StringComparison.Ordinal));
        var diagnostics = Bind(contract).Diagnostics;
        Assert.True(diagnostics.Has(code, fragment), string.Join("\n", diagnostics));
    }

    [Fact]
    public void The_reference_page_says_what_each_declaration_takes()
    {
        var dir = Folder("api-v3-doc");
        var script = PluginTestKit.Script(dir, "tiered-fee.csx", Script);
        var result = Infrastructure.CliRunner.Run("doc", script, "--plugin-cache", SharedCache);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("| `fee` | money ($1,234.56) or money per member per month ($450.00 PMPM) | once | at least $0.00 | yes |", result.Output, StringComparison.Ordinal);
        Assert.Contains("| `tier` | one of: low, high cost (not written: low) | once |", result.Output, StringComparison.Ordinal);
        Assert.Contains("| `bands` | bands: ranges of money ($1,234.56) -> percent (12.5%), no gaps or overlaps, from $0.00 | once | between 0% and 100% | yes |",
            result.Output, StringComparison.Ordinal);
        // The example block writes the bands' rows, one a line.
        Assert.Contains("  bands: {\n    up to $1,000.00: 10%\n    above $1,000.00: 5%\n  }", result.Output.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void A_script_written_for_version_1_still_compiles()
    {
        // The small plug-in of the kit uses only what version 1 had (money and percent settings, a per-member setting and its sum).
        var dir = Folder("api-v1");
        var contract = Contract(dir, PluginTestKit.Script(dir, "flat-fee.csx", ValidScript()), "flat fee {\n  amount: $100.00\n  share: 10%\n}\n");
        var bound = Bind(contract);
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        Assert.Equal("3", AuthorApi.Version);
    }
}
