using System.Text.Json;
using Vbc.Curves;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Cli;

/// <summary>
/// Payout curves (vbc curve): kinks where the contract's terms put them, properties that hold, and one point per curve
/// worked out by hand.
/// </summary>
public class CurveTests
{
    private static CurveResult Curve(string contract, string data, Dictionary<string, string> inputs, CurveDriver driver = CurveDriver.SavingsRate, int points = 401)
    {
        var bound = Binder.Bind(ContractParser.ParseFile(Golden.PathOf("contracts", contract)));
        using var source = new CsvMemberSource(Golden.PathOf("seeds", data));
        return PayoutCurves.Compute(bound, new SettlementRequest { Inputs = inputs, Data = source }, driver,
            driver == CurveDriver.SavingsRate ? -0.20m : 0m, driver == CurveDriver.SavingsRate ? 0.20m : 1m, points);
    }

    [Fact]
    public void A_payer_side_corridor_bends_at_its_band_edges_and_is_continuous()
    {
        var curve = Curve("aca-risk-corridor.vbc", "members-commercial.csv", new() { ["target_amount"] = "13065000" }).Curve!;
        // Bands at 3% and 8% of the target on both sides: four bends, no jump.
        Assert.Equal(new[] { -0.08m, -0.03m, 0.03m, 0.08m }, curve.Kinks.Select(k => k.At));
        Assert.All(curve.Kinks, k => Assert.False(k.Jump));
        Assert.True(curve.Properties.Continuous);
        Assert.True(curve.Properties.Monotone);
        // By hand, at a savings rate of -20% (actual 120% of target B = $13,065,000): the payer bears 50% of the
        // losses between 3% and 8% and 80% beyond: 50% x 5% x B + 80% x 12% x B = 12.1% x B = $1,580,865.00.
        Assert.Equal(1_580_865.00m, curve.Points[0].Total);
        Assert.Equal(-1_580_865.00m, curve.Points[^1].Total);
        Assert.Equal(0m, curve.Points[200].Total);
    }

    [Fact]
    public void A_two_sided_contract_jumps_at_its_minimum_rates_and_holds_its_loss_cap()
    {
        var curve = Curve("mssp-basic-e.vbc", "members.csv", new() { ["quality_score"] = "92%", ["participant_revenue"] = "4000000" }).Curve!;
        var jumps = curve.Kinks.Where(k => k.Jump).ToList();
        // First-dollar sharing once the 2% minimum savings (or loss) rate is met: the payment jumps there.
        Assert.Equal(new[] { -0.02m, 0.02m }, jumps.Select(k => k.At));
        Assert.Contains("shared-savings.minimum-test", jumps[1].Why);
        Assert.False(curve.Properties.Continuous);
        Assert.True(curve.Properties.Monotone);
        // The loss cap: 8% of participant revenue ($4,000,000) = $320,000, held over the low end of the range.
        Assert.Equal(-320_000.00m, curve.Properties.Lowest);
        Assert.True(curve.Properties.LowestIsFlat);
        Assert.Contains(curve.Kinks, k => !k.Jump && k.Why.Contains("shared-losses.capped"));
        Assert.False(curve.Properties.NeverNegative);
    }

    [Fact]
    public void An_upside_only_contract_never_pays_negative()
    {
        var curve = Curve("mssp-basic-a.vbc", "members.csv", new() { ["quality_score"] = "92%", ["assigned_beneficiaries"] = "9139" }).Curve!;
        Assert.True(curve.Properties.NeverNegative);
        Assert.True(curve.Properties.Monotone);
        Assert.All(curve.Points, p => Assert.True(p.Total >= 0));
    }

    [Fact]
    public void The_quality_curve_of_a_contract_with_quality_as_an_input_moves_that_input()
    {
        var result = Curve("mssp-enhanced.vbc", "members.csv", new() { ["quality_score"] = "95%" }, CurveDriver.Quality, 101);
        var curve = result.Curve!;
        Assert.Contains("quality_score", curve.Moves);
        Assert.Equal(0m, curve.Points[0].Total);
        Assert.True(curve.Properties.Monotone);
        // At 95% the curve gives what settling with quality_score=95% gives.
        Assert.Equal(result.Base.Statement!.Total, curve.Points[95].Total);
    }

    [Fact]
    public void A_contract_without_a_driver_says_so()
    {
        var result = Curve("partial-capitation.vbc", "members.csv", new(), CurveDriver.Quality, 11);
        Assert.Null(result.Curve);
        Assert.Contains("no quality score to move", result.Problem);
    }

    [Fact]
    public void The_cli_writes_text_json_and_svg_and_compares_two_versions()
    {
        var args = new[] { "curve", "contracts/mssp-basic-e.vbc", "--vs", "contracts/mssp-basic-a.vbc", "--data", "seeds/members.csv",
            "--input", "quality_score=92%", "--input", "participant_revenue=4000000", "--input", "assigned_beneficiaries=9139", "--points", "81" };
        var text = CliRunner.Run(args);
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("jumps at -2%, 2%", text.Output);
        var json = CliRunner.Run(args.Concat(new[] { "--format", "json" }).ToArray());
        using var doc = JsonDocument.Parse(json.Output);
        Assert.Equal("vbc-curve/1", doc.RootElement.GetProperty("schema").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("curves").GetArrayLength());
        var svg = CliRunner.Run(args.Concat(new[] { "--format", "svg" }).ToArray());
        Assert.StartsWith("<svg", svg.Output);
        Assert.Equal(2, svg.Output.Split("<polyline").Length - 1);
        System.Xml.Linq.XDocument.Parse(svg.Output);
    }
}
