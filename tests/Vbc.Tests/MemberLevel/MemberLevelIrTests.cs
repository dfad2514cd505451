using Vbc.MemberLevel;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.MemberLevel;

/// <summary>
/// The member-level IR compares by the work alone: versions that differ in layout, comments, names of values or a
/// setting of the settlement stage give equal IRs; a changed filter, carve-out, truncation or per-member expression
/// gives unequal ones. Spans live in the source map beside the program, never in it.
/// </summary>
public class MemberLevelIrTests
{
    private const string BasicA = "contracts/mssp-basic-a.vbc";
    private const string Capitation = "contracts/partial-capitation.vbc";
    private const string Bundle = "contracts/bundle-bpci.vbc";

    private static (MemberLevelIr Ir, IReadOnlyList<LoweredTable> Tables) Lower(string text, string example)
    {
        var contract = Vbc.Plugins.PluginHost.Bind(ContractParser.Parse(text, example), new Vbc.Plugins.PluginOptions { PluginsDirectory = Golden.PathOf("plugins") });
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        var args = Examples.StageBaselineTests.RunArguments(example).ToList();
        int? year = null;
        var inputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < args.Count; i += 2)
        {
            if (args[i] == "--year")
            {
                year = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                var pair = args[i + 1].Split('=', 2);
                inputs[pair[0]] = pair[1];
            }
        }
        var (ir, tables, failed) = SettlementEngine.LowerMemberLevel(contract, new SettlementRequest { Year = year, Inputs = inputs });
        Assert.True(failed is null, failed is null ? "" : string.Join("\n", failed.Diagnostics));
        return (ir!, tables);
    }

    private static string Text(string example) => File.ReadAllText(Golden.PathOf(example));

    private static MemberLevelIr Changed(string example, string from, string to)
    {
        string text = Text(example);
        Assert.Contains(from, text);
        return Lower(text.Replace(from, to), example).Ir;
    }

    public static TheoryData<string> ExamplesWithData() => new(
        Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc")
            .Select(f => "contracts/" + Path.GetFileName(f))
            .OrderBy(f => f, StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(ExamplesWithData))]
    public void Layout_and_comments_do_not_change_the_ir(string example)
    {
        string text = Text(example);
        var (original, originalMaps) = Lower(text, example);
        // Blank lines between every line, a comment before everything, and a comment at the end of every block's first line.
        string moved = "// a new first line moves every span\n\n" + text.Replace("\n", "\n\n").Replace("{\n", "{ // opened\n");
        var (again, againMaps) = Lower(moved, example);
        Assert.NotEmpty(original.Tables);
        Assert.Equal(original, again);
        Assert.Equal(original.GetHashCode(), again.GetHashCode());
        Assert.Equal(IrPrinter.Print(original), IrPrinter.Print(again));
        // The spans are beside the program: they moved.
        var spans = originalMaps.SelectMany(m => m.Map.Problems).Select(p => p.Span).ToList();
        var movedSpans = againMaps.SelectMany(m => m.Map.Problems).Select(p => p.Span).ToList();
        Assert.Equal(spans.Count, movedSpans.Count);
        Assert.True(spans.Count == 0 || !spans.SequenceEqual(movedSpans));
    }

    [Theory]
    [InlineData(BasicA, "rate: 40% * quality_score", "rate: 50% * quality_score")]
    [InlineData(BasicA, "cap: 10% of benchmark", "cap: 5% of benchmark")]
    [InlineData(BasicA, "trend: 3.1%", "trend: 4.5%")]
    [InlineData(Capitation, "coinsurance: 80%", "coinsurance: 90%")]
    [InlineData(Capitation, "rate: $322.00 PMPM", "rate: $300.00 PMPM")]
    public void A_setting_of_the_settlement_stage_does_not_change_the_ir(string example, string from, string to)
    {
        Assert.Equal(Lower(Text(example), example).Ir, Changed(example, from, to));
    }

    [Theory]
    [InlineData(BasicA, "exclude: esrd", "exclude: esrd or not attributed")]
    [InlineData(BasicA, "include: attributed", "include: not esrd")]
    [InlineData(BasicA, "truncate at: 99th percentile", "truncate at: 98th percentile")]
    [InlineData(BasicA, "truncate at: 99th percentile", "truncate at: $100,000.00")]
    [InlineData(BasicA, "categories: inpatient, outpatient, professional, pharmacy, snf, home_health", "categories: inpatient, outpatient, professional, pharmacy, snf")]
    [InlineData(BasicA, "risk score: risk_score", "risk score: risk_score * 1.1")]
    [InlineData(Capitation, "carve out: dialysis from outpatient\n", "")]
    [InlineData(Capitation, "attachment: $50,000.00", "attachment: $60,000.00")]
    [InlineData(Bundle, "CABG", "CABG_X")]
    public void A_changed_filter_carve_out_truncation_or_per_member_expression_changes_the_ir(string example, string from, string to)
    {
        Assert.NotEqual(Lower(Text(example), example).Ir, Changed(example, from, to));
    }

    [Fact]
    public void Named_values_are_inlined_so_naming_a_per_member_value_does_not_change_the_ir()
    {
        string text = Text(BasicA);
        string named = text.Replace("risk score: risk_score", "risk score: member_risk") + "\nvalues {\n  member_risk: risk_score\n}\n";
        Assert.Equal(Lower(text, BasicA).Ir, Lower(named, BasicA).Ir);
    }

    [Fact]
    public void Percentile_truncation_states_its_method_and_row_problems_are_numbered_nodes()
    {
        var program = Lower(Text(BasicA), BasicA).Ir.Tables.Single();
        Assert.Equal(new TruncateAtPercentile(99m, PercentileMethod.Inclusive), program.Truncation);
        Assert.Equal(new[] { typeof(IncludeWhen), typeof(ExcludeWhen), typeof(ExcludeWithoutMonths) }, program.Population.Select(s => s.GetType()));
        var positive = Assert.IsType<AboveZero>(program.RowChecks[^1]);
        Assert.Equal(Operators.RowProblem.NotAboveZero, positive.Problem.Kind);
    }

    [Fact]
    public void Two_tables_give_one_program_each_in_join_order_and_only_the_members_are_the_population()
    {
        var ir = Lower(Text("contracts/bundle-bpci-members.vbc"), "contracts/bundle-bpci-members.vbc").Ir;
        Assert.Equal(new[] { ("members", true), ("episodes", false) }, ir.Tables.Select(t => (t.Table, t.IsPopulation)));
        Assert.Equal(new IrJoin(new IrColumn("member_id", Vbc.Semantics.ValueType.Text), "members"), ir.Tables[1].Joins.Single());
    }
}
