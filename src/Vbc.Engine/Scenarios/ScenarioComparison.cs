using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Scenarios;

/// <summary>One payment line of a scenario on two versions: its amount on each (null: the version has no such line) and what the scenario expects.</summary>
public sealed record ScenarioLine(string Id, decimal? Old, decimal? New, decimal? Expected)
{
    public bool Changed => Old != New;

    /// <summary>New - old as reports show it: empty when equal, "n/a" when one side has no such line.</summary>
    public string DifferenceShown => Old is { } a && New is { } b ? (b == a ? "" : Display.Money(b - a)) : Old == New ? "" : "n/a";
}

/// <summary>A scenario of the old version settled on both versions: every payment line and the total, or the problems that stopped a version.</summary>
public sealed record ScenarioOnVersions(Scenario Scenario, IReadOnlyList<ScenarioLine> Lines, IReadOnlyList<Diagnostic> OldProblems, IReadOnlyList<Diagnostic> NewProblems)
{
    public bool Changed => Lines.Any(l => l.Changed) || OldProblems.Count > 0 != NewProblems.Count > 0;
}

/// <summary>The old version's scenario file and its scenarios settled on both versions, for the diff's reports.</summary>
public sealed record DiffScenarios(string File, IReadOnlyList<ScenarioOnVersions> Results);

/// <summary>
/// The old version's scenarios run on both versions (vbc diff): what each case the parties agreed on pays under the
/// old terms and the new, line by line. The new version is given only the inputs it declares.
/// </summary>
public static class ScenarioComparison
{
    public static IReadOnlyList<ScenarioOnVersions> Run(BoundContract old, BoundContract @new, ScenarioFile file) =>
        file.Scenarios.Select(s => Run(old, @new, s)).ToList();

    private static ScenarioOnVersions Run(BoundContract old, BoundContract @new, Scenario scenario)
    {
        var before = ScenarioRunner.Settle(old, scenario);
        var after = ScenarioRunner.Settle(@new, scenario, declaredInputsOnly: true);
        var a = Amounts(before.Statement);
        var b = Amounts(after.Statement);
        var expected = scenario.Expectations.ToDictionary(e => e.LineId, e => e.Amount, StringComparer.Ordinal);
        var ids = a.Keys.Concat(b.Keys).Concat(expected.Keys).Distinct(StringComparer.Ordinal)
            .Where(id => id != ScenarioExpectation.TotalId).Append(ScenarioExpectation.TotalId);
        var lines = ids.Select(id => new ScenarioLine(id, a.TryGetValue(id, out var x) ? x : null, b.TryGetValue(id, out var y) ? y : null,
            expected.TryGetValue(id, out var e) ? e : null)).ToList();
        return new ScenarioOnVersions(scenario, lines, before.Succeeded ? Array.Empty<Diagnostic>() : before.Diagnostics,
            after.Succeeded ? Array.Empty<Diagnostic>() : after.Diagnostics);
    }

    /// <summary>Each payment line's amount in cents (lines of one id summed) and the total, in statement order; empty without a statement.</summary>
    internal static Dictionary<string, decimal> Amounts(Statement? statement)
    {
        var amounts = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (statement is null)
        {
            return amounts;
        }
        foreach (var line in statement.Components)
        {
            amounts[line.Id] = amounts.GetValueOrDefault(line.Id) + (line.Amount ?? 0m);
        }
        amounts[ScenarioExpectation.TotalId] = statement.Total;
        return amounts;
    }
}
