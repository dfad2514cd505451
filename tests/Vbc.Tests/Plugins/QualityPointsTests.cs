using Vbc.Tests.Independent;
using Vbc.Tests.Infrastructure;
using static Vbc.Tests.Plugins.PluginTestKit;

namespace Vbc.Tests.Plugins;

/// <summary>
/// contracts/quality-points.vbc, whose measures are scored by plugins/quality-points.csx against benchmark percentiles
/// (a table setting) with points (a list setting), checked by arithmetic written out here; and what vbc checks of a
/// plug-in's lists and tables (counts, keys, order, ranges).
/// </summary>
public class QualityPointsTests
{
    private static readonly (string, Func<SeedRow, bool>)[] Attributed = { ("attributed", r => r.Flag("attributed")) };

    private static decimal Rate(PopulationFigures p, string measure) =>
        p.Members.Sum(m => m.Number(measure + "_num")) / p.Members.Sum(m => m.Number(measure + "_den"));

    /// <summary>The points of the highest benchmark the rate reaches (0 below the lowest).</summary>
    private static decimal Points(decimal rate, decimal[] benchmarks, decimal[] points)
    {
        decimal earned = 0m;
        for (int i = 0; i < benchmarks.Length; i++)
        {
            if (rate >= benchmarks[i])
            {
                earned = points[i];
            }
        }
        return earned;
    }

    [Fact]
    public void Each_measure_earns_the_points_of_the_highest_benchmark_it_reaches()
    {
        var p = PopulationFigures.Compute(SeedFile.Read("members.csv"), Attributed, Array.Empty<(string, Func<SeedRow, bool>)>(),
            Array.Empty<string>(), Array.Empty<string>(), null);
        var s = Example.Settle("quality-points.vbc", "members.csv");
        p.AssertMatches(s.Population!, costClause: false);

        decimal[] points = { 1m, 2m, 3m, 4m };
        decimal diabetes = Points(Rate(p, "hba1c"), new[] { 0.58m, 0.64m, 0.70m, 0.78m }, points);
        decimal breast = Points(Rate(p, "bcs"), new[] { 0.66m, 0.71m, 0.75m, 0.81m }, points);
        decimal pressure = Points(Rate(p, "cbp"), new[] { 0.62m, 0.69m, 0.73m, 0.80m }, points);
        Assert.Equal(diabetes, s.Value("quality-points.diabetes-control.points"));
        Assert.Equal(breast, s.Value("quality-points.breast-cancer-screening.points"));
        Assert.Equal(pressure, s.Value("quality-points.blood-pressure-control.points"));

        s.AssertComponent("quality-points.diabetes-control.bonus", 40_000.00m * diabetes / 4m);
        s.AssertComponent("quality-points.breast-cancer-screening.bonus", 30_000.00m * breast / 4m);
        s.AssertComponent("quality-points.blood-pressure-control.bonus", 20_000.00m * pressure / 4m);

        // Pinned by hand: 591/814 = 72.6% reaches 70% (3 points), 1,149/1,546 = 74.3% reaches 71% (2), 1,257/1,842 = 68.2%
        // reaches 62% (1): $30,000.00 + $15,000.00 + $5,000.00.
        Assert.Equal((3m, 2m, 1m), (diabetes, breast, pressure));
        s.AssertTotal(50_000.00m);
        var pin = Assert.Single(s.Plugins);
        Assert.Equal(Sha256(Golden.PathOf("plugins", "quality-points.csx")), pin.Sha256);
    }

    [Fact]
    public void The_reference_page_is_generated_from_the_declarations()
    {
        var result = CliRunner.Run("doc", "plugins/quality-points.csx", "--plugin-cache", SharedCache);
        Assert.True(result.ExitCode == 0, result.Error);
        Golden.Verify("tests/baselines/plugins/quality-points.md", result.Output);
        Assert.Contains("| `benchmarks` | table: percentile (90th percentile) -> percent (12.5%), 1 to 10 rows, read lowest key first, results rising with the key | once | between 0% and 100% | yes |",
            result.Output, StringComparison.Ordinal);
        Assert.Contains("| `points` | list of number (1.02), 1 to 10 values | once | at least 0 | yes |", result.Output, StringComparison.Ordinal);
    }

    private static string Variant(string from, string to)
    {
        var dir = Folder("quality-points");
        var contract = Path.Combine(dir, "variant.vbc");
        var text = File.ReadAllText(Golden.PathOf("contracts", "quality-points.vbc"))
            .Replace("\"../plugins/quality-points.csx\"", $"\"{Golden.PathOf("plugins", "quality-points.csx")}\"", StringComparison.Ordinal);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(contract, text.Replace(from, to, StringComparison.Ordinal));
        return contract;
    }

    [Theory]
    [InlineData("    50th percentile: 64%\n    70th percentile: 70%", "    50th percentile: 70%\n    70th percentile: 64%", "VBC7020",
        "the results go in ascending order from the lowest key, but the result of 70th percentile (64%) is not above that of 50th percentile (70%)")]
    [InlineData("    30th percentile: 58%", "    30th percentile to 40th percentile: 58%", "VBC7019", "has a range as its key")]
    [InlineData("    30th percentile: 58%", "    30th percentile: $58.00", "VBC2007", "")]
    [InlineData("    30th percentile: 58%", "    30: 58%", "VBC2007", "")]
    [InlineData("    30th percentile: 58%", "    30th percentile: 158%", "VBC2009", "")]
    [InlineData("  points: 1, 2, 3, 4\n  bonus: $40,000.00", "  points: 1, 2, 3\n  bonus: $40,000.00", "QPT001", "'points' has 3 numbers and 'benchmarks' has 4 rows.")]
    [InlineData("  points: 1, 2, 3, 4\n  bonus: $40,000.00", "  points: 1, 3, 2, 4\n  bonus: $40,000.00", "QPT002", "")]
    [InlineData("  points: 1, 2, 3, 4\n  bonus: $40,000.00", "  points: 1, 2, -3, 4\n  bonus: $40,000.00", "VBC2009", "")]
    [InlineData("  points: 1, 2, 3, 4\n  bonus: $40,000.00", "  points: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11\n  bonus: $40,000.00", "VBC7018", "it has 11 values, and takes 1 to 10")]
    public void Lists_and_tables_are_checked_as_the_plugin_declares_them(string from, string to, string code, string fragment)
    {
        var contract = Variant(from, to);
        var diagnostics = Bind(contract).Diagnostics;
        Assert.True(diagnostics.Any(d => d.Code == code && d.Message.Contains(fragment, StringComparison.Ordinal)), string.Join("\n", diagnostics));
    }

    [Fact]
    public void The_order_rows_are_written_in_does_not_matter_they_are_read_by_key()
    {
        var contract = Variant("    30th percentile: 58%\n    50th percentile: 64%\n    70th percentile: 70%\n    90th percentile: 78%",
            "    90th percentile: 78%\n    50th percentile: 64%\n    30th percentile: 58%\n    70th percentile: 70%");
        var bound = Bind(contract);
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        var dir = Path.GetDirectoryName(contract)!;
        File.Copy(Golden.PathOf("seeds", "members.csv"), Path.Combine(dir, "members.csv"));
        using var source = new Vbc.Settlement.CsvMemberSource(Path.Combine(dir, "members.csv"));
        var result = Vbc.Settlement.SettlementEngine.Settle(bound, new Vbc.Settlement.SettlementRequest { Data = source, Inputs = new Dictionary<string, string>() });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(3m, result.Statement!.Value("quality-points.diabetes-control.points"));
        result.Statement!.AssertTotal(50_000.00m);
    }

    [Fact]
    public void Rows_that_depend_on_inputs_are_checked_when_settling()
    {
        var contract = Variant("data {", "inputs {\n  top: percent\n}\n\ndata {").Replace("variant.vbc", "variant.vbc", StringComparison.Ordinal);
        File.WriteAllText(contract, File.ReadAllText(contract).Replace("    90th percentile: 78%", "    90th percentile: top", StringComparison.Ordinal));
        var bound = Bind(contract);
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        var dir = Path.GetDirectoryName(contract)!;
        File.Copy(Golden.PathOf("seeds", "members.csv"), Path.Combine(dir, "members.csv"));
        using var source = new Vbc.Settlement.CsvMemberSource(Path.Combine(dir, "members.csv"));
        var result = Vbc.Settlement.SettlementEngine.Settle(bound, new Vbc.Settlement.SettlementRequest
        {
            Data = source,
            Inputs = new Dictionary<string, string> { ["top"] = "65%" },
        });
        Assert.False(result.Succeeded);
        Assert.Contains(result.Diagnostics, d => d.Code == "VBC7020" && d.Message.Contains("the result of 90th percentile (65%) is not above that of 70th percentile (70%)", StringComparison.Ordinal));
    }
}
