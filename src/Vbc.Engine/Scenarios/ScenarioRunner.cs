using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Scenarios;

/// <summary>A figure of a scenario that came out other than expected: the statement's amount, or null when it has no such line.</summary>
public sealed record ScenarioMismatch(ScenarioExpectation Expected, decimal? Actual, string? Nearest);

/// <summary>
/// A scenario's outcome. It passes when it settled and every expected figure matched to the cent; it fails on a
/// wrong figure, a missing line, or diagnostics that stopped the settlement (<see cref="Problems"/>).
/// </summary>
public sealed record ScenarioResult(Scenario Scenario, IReadOnlyList<ScenarioMismatch> Mismatches, IReadOnlyList<Diagnostic> Problems)
{
    public bool Passed => Mismatches.Count == 0 && Problems.Count == 0;
}

/// <summary>
/// Runs a contract's scenarios through the same engine as <c>vbc settle</c>: each scenario's data, year and inputs
/// make one <see cref="SettlementRequest"/>, and its expected payment lines are compared with the statement's, by line id.
/// </summary>
public static class ScenarioRunner
{
    public static IReadOnlyList<ScenarioResult> Run(BoundContract contract, ScenarioFile file) =>
        file.Scenarios.Select(s => Run(contract, s)).ToList();

    public static ScenarioResult Run(BoundContract contract, Scenario scenario)
    {
        var settled = Settle(contract, scenario);
        return settled.Succeeded
            ? new ScenarioResult(scenario, Compare(settled.Statement!, scenario), Array.Empty<Diagnostic>())
            : Failed(scenario, settled.Diagnostics);
    }

    /// <summary>
    /// One scenario's settlement of a contract: its data, year and inputs as one request to the engine (a file the
    /// scenario names that is missing fails it where the file is named).
    /// </summary>
    /// <param name="declaredInputsOnly">
    /// Give the contract only the inputs it declares (another version of the contract, which may have dropped one,
    /// settles the old version's scenarios this way); an input it needs and the scenario lacks still stops it.
    /// </param>
    public static SettlementResult Settle(BoundContract contract, Scenario scenario, bool declaredInputsOnly = false)
    {
        var sources = new List<CsvMemberSource>();
        try
        {
            // A file the scenario names that is not there fails the scenario where the file is named.
            var missing = scenario.Data.Append(scenario.Claims).OfType<ScenarioData>().Where(d => !File.Exists(d.Path)).ToList();
            if (missing.Count > 0)
            {
                return new SettlementResult(null, missing.Select(d => GeneralDiagnostics.CannotReadNamed(d.At, d.Written,
                    "it does not exist (the path is relative to the scenario file).")).ToList());
            }
            var first = scenario.Data.FirstOrDefault();
            CsvMemberSource? data = null;
            if (first is not null)
            {
                data = new CsvMemberSource(first.Path, scenario.Claims?.Path, name: first.Written, claimsName: scenario.Claims?.Written);
                sources.Add(data);
            }
            Dictionary<string, IMemberSource>? tables = null;
            if (contract.HasSeveralTables && data is not null)
            {
                if (scenario.Data.Any(d => d.Table is null))
                {
                    return new SettlementResult(null, new[] { ScenarioDiagnostics.TablesNeeded(scenario.At, string.Join(", ", contract.Tables.Select(t => t.Name))) });
                }
                tables = new Dictionary<string, IMemberSource>(StringComparer.OrdinalIgnoreCase) { [first!.Table!] = data };
                foreach (var more in scenario.Data.Skip(1))
                {
                    var source = new CsvMemberSource(more.Path, name: more.Written);
                    sources.Add(source);
                    tables[more.Table!] = source;
                }
            }
            return SettlementEngine.Settle(contract, new SettlementRequest
            {
                Year = scenario.Year,
                Inputs = scenario.Inputs
                    .Where(i => !declaredInputsOnly || contract.Inputs.Any(d => d.Name.Equals(i.Name, StringComparison.OrdinalIgnoreCase)))
                    .ToDictionary(i => i.Name, i => i.Text, StringComparer.OrdinalIgnoreCase),
                InputLocations = scenario.Inputs.ToDictionary(i => i.Name, i => i.At, StringComparer.OrdinalIgnoreCase),
                Data = data,
                Tables = tables,
            });
        }
        finally
        {
            sources.ForEach(s => s.Dispose());
        }
    }

    private static List<ScenarioMismatch> Compare(Statement statement, Scenario scenario)
    {
        var amounts = ScenarioComparison.Amounts(statement);
        var mismatches = new List<ScenarioMismatch>();
        foreach (var expected in scenario.Expectations)
        {
            decimal? actual = amounts.TryGetValue(expected.LineId, out var a) ? a : null;
            if (actual != expected.Amount)
            {
                string? nearest = actual is null ? Suggest.Nearest(expected.LineId, amounts.Keys.Where(k => k != ScenarioExpectation.TotalId)) : null;
                mismatches.Add(new ScenarioMismatch(expected, actual, nearest));
            }
        }
        return mismatches;
    }

    private static ScenarioResult Failed(Scenario scenario, IReadOnlyList<Diagnostic> problems) =>
        new(scenario, Array.Empty<ScenarioMismatch>(), problems);
}
