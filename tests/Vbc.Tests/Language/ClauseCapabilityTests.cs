using Vbc.Clauses;
using Vbc.Clauses.BuiltIn;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Infrastructure;
using Xunit;

namespace Vbc.Tests.Language;

/// <summary>
/// The binder, the settlement and the diff ask a clause kind what it is (a level, the contract's block, a set-up clause),
/// never its keyword or type: a kind that is not built in but declares the same capability is treated the same.
/// </summary>
public class ClauseCapabilityTests
{
    /// <summary>A level under another name, written outside the built-ins: it declares the capability and the setting it relies on.</summary>
    private sealed class PhaseKind : ClauseKind
    {
        public override string Keyword => "phase";

        public override string Summary => "Clauses that apply only in the listed performance years.";

        public override bool Repeatable => true;

        public override bool AllowedInLevel => false;

        public override ClauseCapabilities Capabilities => ClauseCapabilities.Level;

        public override IReadOnlyList<ParameterSpec> Parameters { get; } = new LevelClause().Parameters;
    }

    private sealed class BrokenLevelKind : ClauseKind
    {
        public override string Keyword => "broken level";

        public override string Summary => "A level without years.";

        public override ClauseCapabilities Capabilities => ClauseCapabilities.Level;

        public override IReadOnlyList<ParameterSpec> Parameters { get; } = Array.Empty<ParameterSpec>();
    }

    private static ClauseRegistry WithPhaseForLevel() =>
        new(BuiltInClauses.All.Where(k => !k.IsLevel()).Append(new PhaseKind()));

    private static string GlidePath => File.ReadAllText(Golden.PathOf("contracts", "mssp-glide-path.vbc"));

    private static Statement Settle(BoundContract contract, int year)
    {
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        using var data = new CsvMemberSource(Golden.PathOf("seeds", "members.csv"));
        var result = SettlementEngine.Settle(contract, new SettlementRequest
        {
            Data = data,
            Year = year,
            Inputs = new Dictionary<string, string> { ["quality_score"] = "92%", ["participant_revenue"] = "4000000" },
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Statement!;
    }

    [Fact]
    public void A_kind_declaring_the_level_capability_is_a_level_everywhere()
    {
        var asLevels = Binder.Bind(ContractParser.Parse(GlidePath, "glide.vbc"));
        var asPhases = Binder.Bind(ContractParser.Parse(GlidePath.Replace("\nlevel \"", "\nphase \"", StringComparison.Ordinal), "glide.vbc"), WithPhaseForLevel());

        Assert.Equal(5, asPhases.Levels.Count());
        Assert.All(asPhases.Levels, l => Assert.Equal("phase", l.Kind.Keyword));
        foreach (int year in new[] { 2024, 2026, 2028 })
        {
            var level = Settle(asLevels, year);
            var phase = Settle(asPhases, year);
            Assert.Equal(level.Level, phase.Level);
            Assert.Equal(level.Total, phase.Total);
            Assert.Equal(level.Lines.Select(l => (l.Id, l.Value)), phase.Lines.Select(l => (l.Id, l.Value)));
        }
    }

    [Fact]
    public void Phases_with_overlapping_years_are_reported_as_levels_are()
    {
        var text = GlidePath.Replace("\nlevel \"", "\nphase \"", StringComparison.Ordinal).Replace("years: 2025", "years: 2024 to 2025", StringComparison.Ordinal);
        var bound = Binder.Bind(ContractParser.Parse(text, "glide.vbc"), WithPhaseForLevel());
        Assert.Contains(bound.Diagnostics, d => d.Code == "VBC2013");
    }

    [Fact]
    public void A_kind_declaring_a_capability_without_its_setting_is_refused_when_registered()
    {
        var e = Assert.Throws<ArgumentException>(() => new ClauseRegistry(new IClauseKind[] { new BrokenLevelKind() }));
        Assert.Contains("years", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_declared_set_up_kinds_set_up()
    {
        var setUp = BuiltInClauses.All.Where(k => k.SetsUp()).Select(k => k.Keyword).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "benchmark", "cost", "measure", "population", "quality" }, setUp);
        Assert.Single(BuiltInClauses.All, k => k.DescribesContract());
        Assert.Single(BuiltInClauses.All, k => k.IsLevel());
    }
}
