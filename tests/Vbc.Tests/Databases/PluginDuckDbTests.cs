using Vbc.Tests.Infrastructure;
using Vbc.Tests.Plugins;

namespace Vbc.Tests.Databases;

/// <summary>
/// The example contracts with a plug-in settled through <c>--engine duckdb</c>: the plug-in's per-member sums are part of
/// the compiled query (never refused, never worked out apart), and the statement is the in-memory engine's line for line
/// (only the command on the REPRODUCE section differs), in text and JSON, with the plug-in pinned the same.
/// </summary>
public sealed class PluginDuckDbTests
{
    public static TheoryData<string, string> PluginExamples() => new()
    {
        // The contract, and a clause of its plug-in whose figures the compiled query must return.
        { "contracts/aggregate-stop-loss.vbc", "aggregate stop loss" },
        { "contracts/quality-points.vbc", "quality points" },
        { "contracts/pay-for-performance-interim.vbc", "interim payments" },
    };

    [Theory]
    [MemberData(nameof(PluginExamples))]
    public void A_plugin_example_settles_through_DuckDB_to_the_in_memory_statement_line_for_line(string contract, string keyword)
    {
        string[] run = { "settle", contract, "--data", "seeds/members.csv", "--plugin-cache", PluginTestKit.SharedCache };
        var memory = CliRunner.Run(run);
        Assert.True(memory.ExitCode == 0, memory.Error);
        var duck = CliRunner.Run(run.Concat(new[] { "--engine", "duckdb" }).ToArray());
        Assert.True(duck.ExitCode == 0, duck.Error);
        Assert.Equal(memory.Error, duck.Error);
        var memoryLines = DuckDbEngineTests.WithoutCommand(memory.Output).Split('\n');
        var duckLines = DuckDbEngineTests.WithoutCommand(duck.Output).Split('\n');
        Assert.Equal(memoryLines.Length, duckLines.Length);
        for (int i = 0; i < memoryLines.Length; i++)
        {
            Assert.True(memoryLines[i] == duckLines[i], $"{contract}, line {i + 1}:\n  in memory: {memoryLines[i]}\n  DuckDB:    {duckLines[i]}");
        }
        Assert.Contains(duckLines, l => l.TrimStart().StartsWith(keyword, StringComparison.Ordinal));
        Assert.Contains("--engine duckdb", duck.Output, StringComparison.Ordinal);

        var json = CliRunner.Run(run.Concat(new[] { "--format", "json" }).ToArray());
        var duckJson = CliRunner.Run(run.Concat(new[] { "--format", "json", "--engine", "duckdb" }).ToArray());
        Assert.Equal(DuckDbEngineTests.WithoutCommand(json.Output), DuckDbEngineTests.WithoutCommand(duckJson.Output));
        Assert.Contains("\"plugins\"", duckJson.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugins_per_member_expressions_filters_and_counts_settle_alike_through_DuckDB()
    {
        // max(cost - threshold, $0.00), a count where cost > threshold, a sum where a condition holds, member months:
        // each compiled into the query (GREATEST, CASE WHEN), over data with a member at the threshold and one at $0.00.
        var dir = PluginTestKit.Folder("duck-needs");
        var contract = PluginTestKit.Contract(dir, PluginTestKit.Script(dir, "excess.csx", PerMemberNeedsTests.Script()), PerMemberNeedsTests.Clause);
        var data = Path.Combine(dir, "members.csv");
        File.WriteAllText(data, PluginTestKit.Data + "M4,3,500.00\nM5,12,0.00\nM6,1,1000.00\n");
        string[] run = { "settle", contract, "--data", data, "--plugin-cache", PluginTestKit.SharedCache };
        var memory = CliRunner.Run(run);
        Assert.True(memory.ExitCode == 0, memory.Error);
        var duck = CliRunner.Run(run.Concat(new[] { "--engine", "duckdb" }).ToArray());
        Assert.True(duck.ExitCode == 0, duck.Error);
        Assert.Equal(DuckDbEngineTests.WithoutCommand(memory.Output), DuckDbEngineTests.WithoutCommand(duck.Output));
        // 10% of max(cost - $500.00, $0.00): $500.00 + $2,000.50 + $0 + $0 + $0 + $500.00.
        Assert.Contains("$300.05", duck.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stop_loss_plugins_sum_over_members_is_a_figure_of_the_compiled_query()
    {
        var sql = CliRunner.Run("sql", "contracts/aggregate-stop-loss.vbc", "--dialect", "duckdb", "--plugin-cache", PluginTestKit.SharedCache);
        Assert.True(sql.ExitCode == 0, sql.Error);
        // The plug-in's SumOverMembers(cost) is a total of the query, read back by the settlement stage.
        Assert.Contains("'aggregate stop loss' AS clause, 'sum0' AS sum_key", sql.Output, StringComparison.Ordinal);
    }
}
