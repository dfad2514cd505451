using Vbc.Parsing;
using Vbc.Scenarios;
using Vbc.Semantics;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Cli;

/// <summary>
/// Scenario files (docs/scenarios.md) and <c>vbc test</c>: every example's scenarios pass; a wrong figure fails with
/// the figure; the format's mistakes are diagnostics. The bad-input cases are in tests/cases/test-*.
/// </summary>
public class ScenarioTests
{
    public static TheoryData<string> ExamplesWithScenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Golden.PathOf("contracts"), "*.vbc", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Golden.RepositoryRoot, file).Replace('\\', '/'));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ExamplesWithScenarios))]
    public void Every_example_has_scenarios_and_they_pass(string contract)
    {
        string path = Golden.PathOf(contract);
        string sidecar = ScenarioFile.PathFor(path);
        Assert.True(File.Exists(sidecar), $"{contract} has no scenario file: write {Path.GetFileName(sidecar)} beside it (docs/scenarios.md).");
        var file = ScenarioFile.Read(sidecar);
        Assert.Empty(file.Diagnostics);
        Assert.NotEmpty(file.Scenarios);
        var bound = Vbc.Plugins.PluginHost.Bind(ContractParser.ParseFile(path));
        foreach (var result in ScenarioRunner.Run(bound, file))
        {
            Assert.True(result.Passed, $"{contract}, scenario '{result.Scenario.Name}': "
                + string.Join("; ", result.Problems.Select(p => p.ToString())
                    .Concat(result.Mismatches.Select(m => $"{m.Expected.LineId}: expected {m.Expected.Amount}, got {m.Actual?.ToString() ?? "no such line"}"))));
            Assert.Contains(result.Scenario.Expectations, e => e.LineId == ScenarioExpectation.TotalId);
        }
    }

    [Fact]
    public void A_figure_changed_by_one_cent_fails_and_shows_both_amounts()
    {
        string path = Golden.PathOf("contracts", "mssp-basic-e.vbc");
        var text = File.ReadAllText(ScenarioFile.PathFor(path));
        Assert.Contains("total: -$320,000.00", text);
        var file = ScenarioFile.Parse(text.Replace("total: -$320,000.00", "total: -$320,000.01"), ScenarioFile.PathFor(path));
        var result = Assert.Single(ScenarioRunner.Run(Vbc.Plugins.PluginHost.Bind(ContractParser.ParseFile(path)), file));
        Assert.False(result.Passed);
        var mismatch = Assert.Single(result.Mismatches);
        Assert.Equal((ScenarioExpectation.TotalId, -320_000.01m, (decimal?)-320_000.00m), (mismatch.Expected.LineId, mismatch.Expected.Amount, mismatch.Actual));
    }

    [Fact]
    public void Vbc_test_with_no_path_runs_every_example_and_counts_scenarios()
    {
        int scenarios = Directory.EnumerateFiles(Golden.PathOf("contracts"), "*.scenarios", SearchOption.AllDirectories)
            .Sum(f => ScenarioFile.Read(f).Scenarios.Count);
        var run = CliRunner.Run("test");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.EndsWith($"{scenarios} passed, 0 failed\n", run.Output.Replace("\r\n", "\n"));
        Assert.True(scenarios >= 23, $"only {scenarios} scenarios");
    }
}
