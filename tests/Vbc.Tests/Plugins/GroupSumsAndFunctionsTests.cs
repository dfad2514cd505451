using Vbc.Clauses.Authoring;
using Vbc.Data;
using Vbc.Settlement;
using Vbc.Tests.Independent;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Plugins;

/// <summary>
/// Author API version 3: sums and counts by group (<c>SumOverMembersBy</c>, <c>CountMembersBy</c>, the member-level
/// stage's own sum by group) and the contract language's functions in per-member expressions (<c>PerMember.Call</c>,
/// from the one function table). Settled in memory and through DuckDB's SQL, with the arithmetic written out here.
/// </summary>
public sealed class GroupSumsAndFunctionsTests
{
    // Five members; the cap is $2,000.00.
    private const string Data = """
        member_id,member_months,region,cost,adjustment
        M1,12,north,1000.00,-10.25
        M2,12,south,2500.50,5.00
        M3,6,north,99.50,0.00
        M4,3,south,3100.00,-1.10
        M5,12,east,0.00,2.00

        """;

    private static string Script(string groupBy = "PerMember.Column(\"region\")", string clamp = "PerMember.Call(\"clamp\", PerMember.Of(_cost), PerMember.Money(0m), PerMember.Of(_cap))") => $$"""
        using System;
        using System.Linq;
        using Vbc.Clauses.Authoring;

        public sealed class RegionalBonus : PluginClause
        {
            private readonly MemberSetting _cost;
            private readonly Setting<decimal> _cap;
            private readonly Setting<decimal> _share;
            private readonly MemberSumBy _capped;
            private readonly MemberSumBy _above;
            private readonly MemberSum _rounded;
            private readonly MemberSum _adjustments;
            private readonly MemberSum _largest;

            public RegionalBonus()
            {
                _cost = PerMemberMoney("cost", "Each member's cost.", "cost");
                _cap = MoneySetting("cap", "Each member's cost counts up to this.", "$2,000.00");
                _share = PercentSetting("share", "The share of the capped cost paid.", "10%", min: 0m, max: 1m);
                _capped = SumOverMembersBy({{groupBy}}, {{clamp}}, Unit.Money, "capped cost by region");
                _above = CountMembersBy(PerMember.Column("region"), "members above the cap by region", where: PerMember.Of(_cost) > PerMember.Of(_cap));
                _rounded = SumOverMembers(PerMember.Call("round", PerMember.Of(_cost) * PerMember.Percent(0.333m), PerMember.Number(0m)), Unit.Money, "a third of cost, to the dollar");
                _adjustments = SumOverMembers(PerMember.Call("abs", PerMember.Column("adjustment")), Unit.Money, "size of the adjustments");
                _largest = SumOverMembers(PerMember.Call("max", PerMember.Of(_cost), PerMember.Money(500m), PerMember.Column("adjustment")), Unit.Money, "cost, at least $500.00");
            }

            public override string Keyword => "regional bonus";

            public override string Summary => "A share of members' capped cost, shown by region.";

            public override string CodePrefix => "RGB";

            protected override void Settle(SettleContext s)
            {
                decimal total = 0m;
                foreach (var g in s.Groups(_capped))
                {
                    s.Step("capped-" + g.Key, "Capped cost, " + g.Key + " (" + g.Members + " members)", g.Total, Unit.Money, _capped.Formula);
                    total += g.Total;
                }
                foreach (var g in s.Groups(_above))
                {
                    s.Step("above-" + g.Key, "Members above the cap, " + g.Key, g.Total, Unit.Count, _above.Formula);
                }
                s.Step("rounded", "A third of cost", s.Total(_rounded), Unit.Money, _rounded.Formula);
                s.Step("adjustments", "Adjustments", s.Total(_adjustments), Unit.Money, _adjustments.Formula);
                s.Step("largest", "Cost, at least $500.00", s.Total(_largest), Unit.Money, _largest.Formula);
                s.Component("bonus", "Regional bonus", s.Get(_share) * total, s.Explain(_share));
            }
        }
        """;

    private const string Contract = """
        plugins {
          regional_bonus: "regional-bonus.csx"
        }

        contract "Regional bonus" {
          payer: "Payer"
          provider: "Provider"
          period: 2024-01-01 to 2024-12-31
        }

        data {
          member_id: id
          member_months: member_months
          region: text
          cost: money
          adjustment: money
        }

        regional bonus {
          cost: cost
          cap: $2,000.00
          share: 10%
        }

        """;

    private static (string Dir, string Contract, string Data) Write(string script, string contract = Contract)
    {
        var dir = PluginTestKit.Folder("groups");
        PluginTestKit.Script(dir, "regional-bonus.csx", script);
        File.WriteAllText(Path.Combine(dir, "contract.vbc"), contract);
        File.WriteAllText(Path.Combine(dir, "members.csv"), Data);
        return (dir, Path.Combine(dir, "contract.vbc"), Path.Combine(dir, "members.csv"));
    }

    [Fact]
    public void Sums_and_counts_by_group_and_the_languages_functions_settle_to_the_arithmetic_written_out()
    {
        var (_, contract, data) = Write(Script());
        var bound = PluginTestKit.Bind(contract);
        // No warning either: the columns the plug-in's expressions read (region, adjustment) are used.
        Assert.Empty(bound.Diagnostics);
        using var source = new CsvMemberSource(data);
        var result = SettlementEngine.Settle(bound, new SettlementRequest { Data = source, Inputs = new Dictionary<string, string>() });
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var s = result.Statement!;

        // clamp(cost, $0.00, $2,000.00) by region: north $1,000.00 + $99.50; south $2,000.00 + $2,000.00; east $0.00.
        Assert.Equal(1000.00m + 99.50m, s.Value("regional-bonus.capped-north"));
        Assert.Equal(2000.00m + 2000.00m, s.Value("regional-bonus.capped-south"));
        Assert.Equal(0m, s.Value("regional-bonus.capped-east"));
        Assert.Contains(s.Lines, l => l.Label == "Capped cost, north (2 members)");
        Assert.Contains(s.Lines, l => l.Label == "Capped cost, east (1 members)");
        // Above the cap: M2 and M4, both south.
        Assert.Equal(2m, s.Value("regional-bonus.above-south"));
        Assert.Equal(0m, s.Value("regional-bonus.above-north"));
        // The groups come in the order of their text.
        var order = s.Lines.Where(l => l.Id.StartsWith("regional-bonus.capped-", StringComparison.Ordinal)).Select(l => l.Id).ToList();
        Assert.Equal(new[] { "regional-bonus.capped-east", "regional-bonus.capped-north", "regional-bonus.capped-south" }, order);
        // round(cost x 33.3%, 0): 333.0 -> 333; 832.6665 -> 833; 33.1335 -> 33; 1,032.3 -> 1,032; 0.
        Assert.Equal(333m + 833m + 33m + 1032m + 0m, s.Value("regional-bonus.rounded"));
        // abs(adjustment): 10.25 + 5.00 + 0.00 + 1.10 + 2.00.
        Assert.Equal(18.35m, s.Value("regional-bonus.adjustments"));
        // max(cost, $500.00, adjustment): 1,000.00 + 2,500.50 + 500.00 + 3,100.00 + 500.00.
        Assert.Equal(7600.50m, s.Value("regional-bonus.largest"));
        // 10% of the capped cost of every region: 10% x $5,099.50.
        s.AssertTotal(509.95m);
        Assert.Contains(s.Lines, l => l.Formula == "sum over members of clamp(cost, $0.00, cap), by region");
        Assert.Contains(s.Lines, l => l.Formula == "count of members where cost > cap, by region");
    }

    [Fact]
    public void DuckDB_settles_the_same_statement_and_the_sql_groups_by_the_column()
    {
        var (dir, contract, data) = Write(Script());
        string[] run = { "settle", contract, "--data", data, "--plugin-cache", PluginTestKit.SharedCache };
        var memory = CliRunner.Run(run);
        Assert.True(memory.ExitCode == 0, memory.Error);
        var duck = CliRunner.Run(run.Concat(new[] { "--engine", "duckdb" }).ToArray());
        Assert.True(duck.ExitCode == 0, duck.Error);
        Assert.Equal(memory.Error, duck.Error);
        Assert.Equal(WithoutCommand(memory.Output), WithoutCommand(duck.Output));
        Assert.Contains("$509.95", duck.Output, StringComparison.Ordinal);

        var sql = CliRunner.Run("sql", contract, "--dialect", "duckdb", "--plugin-cache", PluginTestKit.SharedCache);
        Assert.True(sql.ExitCode == 0, sql.Error);
        Assert.Contains("\"region\" AS group_1_by", sql.Output, StringComparison.Ordinal);
        Assert.Contains("GROUP BY group_1_by", sql.Output, StringComparison.Ordinal);
        Assert.Contains("ABS(", sql.Output, StringComparison.OrdinalIgnoreCase);
        var ir = CliRunner.Run("check", contract, "--dump", "ir", "--plugin-cache", PluginTestKit.SharedCache);
        Assert.Contains("regional bonus / sum0 = by region: count, sum of clamp(cost, 0, 2000.00)", ir.Output, StringComparison.Ordinal);
        _ = dir;
    }

    [Fact]
    public void Groups_by_anything_but_a_text_are_refused_with_VBC7029()
    {
        var (_, contract, _) = Write(Script(groupBy: "PerMember.Column(\"member_months\")"));
        var diagnostics = PluginTestKit.Bind(contract).Diagnostics;
        var refused = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal("VBC7029", refused.Code);
        Assert.Contains("must be a text for each member", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'capped cost by region', script line", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_gets_the_languages_unit_checks()
    {
        // clamp's bounds must have the value's unit: a percent between money is refused by the operator's own rule.
        var (_, contract, _) = Write(Script(clamp: "PerMember.Call(\"clamp\", PerMember.Of(_cost), PerMember.Percent(0.1m), PerMember.Of(_cap))"));
        var diagnostics = PluginTestKit.Bind(contract).Diagnostics;
        var refused = Assert.Single(diagnostics, d => d.IsError);
        Assert.StartsWith("VBC2", refused.Code, StringComparison.Ordinal);
        Assert.Contains("which the plug-in 'regional bonus' declares ('capped cost by region'", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PerMember.Call(\"sqrt\", PerMember.Of(_cost))", "names the function 'sqrt', which the contract language does not have (it has min, max, clamp, abs, round, floor, ceiling)")]
    [InlineData("PerMember.Call(\"clamp\", PerMember.Of(_cost), PerMember.Money(0m))", "gives 'clamp' 2 arguments, but it takes three values")]
    public void An_unknown_function_or_a_wrong_number_of_arguments_is_a_declaration_problem_at_the_script_line(string clamp, string fragment)
    {
        var (dir, contract, _) = Write(Script(clamp: clamp));
        var diagnostics = PluginTestKit.Bind(contract).Diagnostics;
        var refused = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal("VBC7009", refused.Code);
        Assert.Contains(fragment, refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("regional-bonus.csx", refused.Location.File, StringComparison.Ordinal);
        Assert.Equal(21, refused.Location.Line);
        _ = dir;
    }

    [Fact]
    public void Version_3_keeps_scripts_written_for_versions_1_and_2_compiling()
    {
        Assert.Equal("3", AuthorApi.Version);
        // A version 1 script (sums of a setting only) and the example written for version 2 (list and table settings).
        var dir = PluginTestKit.Folder("versions");
        var v1 = PluginTestKit.Bind(PluginTestKit.Contract(dir, PluginTestKit.Script(dir, "flat-fee.csx", PluginTestKit.ValidScript()), "flat fee {\n  amount: $1.00\n  share: 1%\n}"));
        Assert.False(v1.HasErrors, string.Join("\n", v1.Diagnostics));
        var v2 = PluginTestKit.Bind(Golden.PathOf("contracts", "quality-points.vbc"));
        Assert.False(v2.HasErrors, string.Join("\n", v2.Diagnostics));
    }

    private static string WithoutCommand(string output) =>
        string.Join('\n', output.Split('\n').Where(l => !l.Contains("Command ", StringComparison.Ordinal) && !l.Contains("\"command\"", StringComparison.Ordinal)));
}
