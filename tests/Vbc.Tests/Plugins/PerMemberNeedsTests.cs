using Vbc.Clauses.Authoring;
using Vbc.Tests.Independent;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Plugins;

/// <summary>
/// A plug-in's per-member needs beyond sums of a setting: a per-member expression summed, a sum over the members where
/// a condition holds, a count of them. Declared once in the script, bound in the contract (names, units), computed by the
/// member-level stage (its IR, its SQL), never by plug-in code.
/// </summary>
public class PerMemberNeedsTests
{
    // PluginTestKit.Data: M1 12 months $1,000.00; M2 12 months $2,500.50; M3 6 months $99.50.
    internal static string Script(string excess = "PerMember.Max(PerMember.Of(_cost) - PerMember.Of(_threshold), PerMember.Money(0m))", Unit unit = Unit.Money,
        string column = "cost") => $$"""
        using System;
        using Vbc.Clauses.Authoring;

        public sealed class ExcessFee : PluginClause
        {
            private readonly MemberSetting _cost;
            private readonly Setting<decimal> _threshold;
            private readonly Setting<decimal> _share;
            private readonly MemberSum _excess;
            private readonly MemberSum _above;
            private readonly MemberSum _costAbove;
            private readonly MemberSum _months;

            public ExcessFee()
            {
                _cost = PerMemberMoney("cost", "Each member's cost.", "cost");
                _threshold = MoneySetting("threshold", "The cost above which a member counts.", "$500.00");
                _share = PercentSetting("share", "The share of the excess paid.", "10%", min: 0m, max: 1m);
                _excess = SumOverMembers({{excess}}, Unit.{{unit}}, "cost above the threshold");
                _above = CountMembers(PerMember.Of(_cost) > PerMember.Of(_threshold), "members above the threshold");
                _costAbove = SumOverMembers(PerMember.Of(_cost), Unit.Money, "cost of the members above the threshold", where: PerMember.Of(_cost) > PerMember.Of(_threshold));
                _months = SumOverMembers(PerMember.Column("member_months"), Unit.MemberMonths, "months of members with $1,000.00 or more",
                    where: PerMember.Column("{{column}}") >= PerMember.Money(1000m));
            }

            public override string Keyword => "excess fee";

            public override string Summary => "A share of members' cost above a threshold.";

            public override string CodePrefix => "EXF";

            protected override void Settle(SettleContext s)
            {
                decimal excess = s.Total(_excess);
                s.Step("excess", "Cost above the threshold", excess, Unit.Money, _excess.Formula);
                s.Step("above", "Members above the threshold", s.Count(_above), Unit.Count, _above.Formula);
                s.Step("cost-above", "Their cost", s.Total(_costAbove), Unit.Money, _costAbove.Formula);
                s.Step("months", "Months of members with $1,000.00 or more", s.Total(_months), Unit.MemberMonths, _months.Formula);
                s.Component("fee", "Excess fee", s.Get(_share) * excess, s.Explain(_share));
            }
        }
        """;

    internal const string Clause = "excess fee {\n  cost: cost\n  threshold: $500.00\n  share: 10%\n}";

    [Fact]
    public void Expressions_filters_and_counts_are_computed_by_the_member_level_stage()
    {
        var dir = PluginTestKit.Folder("needs");
        var contract = PluginTestKit.Contract(dir, PluginTestKit.Script(dir, "excess.csx", Script()), Clause);
        var bound = PluginTestKit.Bind(contract);
        Assert.DoesNotContain(bound.Diagnostics, d => d.IsError);
        var result = PluginTestKit.Settle(bound, dir);
        Assert.DoesNotContain(result.Diagnostics, d => d.IsError);
        var s = result.Statement!;

        // max(cost - $500.00, $0.00) per member: $500.00 + $2,000.50 + $0.00.
        decimal excess = (1000.00m - 500m) + (2500.50m - 500m) + 0m;
        Assert.Equal(excess, s.Value("excess-fee.excess"));
        // M1 and M2 are above $500.00; M3 ($99.50) is not.
        Assert.Equal(2m, s.Value("excess-fee.above"));
        Assert.Equal(1000.00m + 2500.50m, s.Value("excess-fee.cost-above"));
        // M1 and M2 have $1,000.00 or more, 12 months each.
        Assert.Equal(24m, s.Value("excess-fee.months"));
        s.AssertTotal(Math.Round(0.10m * excess, 2, MidpointRounding.AwayFromZero));
        Assert.Contains(s.Lines, l => l.Formula == "sum over members of max(cost - threshold, $0.00)");
        Assert.Contains(s.Lines, l => l.Formula == "count of members where cost > threshold");
    }

    [Fact]
    public void A_column_the_contract_does_not_declare_is_named_with_did_you_mean()
    {
        var dir = PluginTestKit.Folder("needs-typo");
        var contract = PluginTestKit.Contract(dir, PluginTestKit.Script(dir, "excess.csx", Script(column: "cots")), Clause);
        var diagnostics = PluginTestKit.Bind(contract).Diagnostics;
        var unknown = Assert.Single(diagnostics, d => d.IsError);
        Assert.Equal("VBC2005", unknown.Code);
        Assert.Contains("'cots'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("'cost'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("which the plug-in 'excess fee' declares ('months of members with $1,000.00 or more', script line", unknown.Message, StringComparison.Ordinal);
        Assert.Equal(contract, unknown.Location.File);
    }

    [Fact]
    public void A_per_member_expression_of_the_wrong_unit_is_refused()
    {
        var dir = PluginTestKit.Folder("needs-unit");
        var contract = PluginTestKit.Contract(dir, PluginTestKit.Script(dir, "excess.csx", Script(excess: "PerMember.Column(\"member_months\")")), Clause);
        var diagnostics = PluginTestKit.Bind(contract).Diagnostics;
        Assert.True(diagnostics.Has("VBC7015", "must be money, but in this contract it is"), string.Join("\n", diagnostics));
    }

    [Fact]
    public void A_per_member_expression_that_reads_no_column_is_refused()
    {
        var dir = PluginTestKit.Folder("needs-total");
        var contract = PluginTestKit.Contract(dir, PluginTestKit.Script(dir, "excess.csx", Script(excess: "PerMember.Of(_threshold)")), Clause);
        var diagnostics = PluginTestKit.Bind(contract).Diagnostics;
        Assert.True(diagnostics.Has("VBC7017", "reads no column of the data"), string.Join("\n", diagnostics));
    }

    [Fact]
    public void The_ir_dump_and_the_sql_show_the_plugins_expressions()
    {
        var dir = PluginTestKit.Folder("needs-ir");
        var contract = PluginTestKit.Contract(dir, PluginTestKit.Script(dir, "excess.csx", Script()), Clause);
        var ir = CliRunner.Run("check", contract, "--dump", "ir", "--plugin-cache", PluginTestKit.SharedCache);
        Assert.Equal(0, ir.ExitCode);
        Assert.Contains("excess fee / sum0 = sum of max((cost - 500.00)[#1 overflow], 0)", ir.Output, StringComparison.Ordinal);
        Assert.Contains("excess fee / sum1 = sum of if((cost > 500.00), 1, 0)", ir.Output, StringComparison.Ordinal);
        Assert.Contains("excess fee / sum3 = sum of if((cost >= 1000), member_months, 0)", ir.Output, StringComparison.Ordinal);
        var sql = CliRunner.Run("sql", contract, "--dialect", "duckdb", "--plugin-cache", PluginTestKit.SharedCache);
        Assert.Equal(0, sql.ExitCode);
        Assert.Contains("GREATEST((\"cost\" - 500.00), 0) AS total_1", sql.Output, StringComparison.Ordinal);
        Assert.Contains("(CASE WHEN (\"cost\" > 500.00) THEN \"cost\" ELSE 0 END) AS total_3", sql.Output, StringComparison.Ordinal);
    }
}
