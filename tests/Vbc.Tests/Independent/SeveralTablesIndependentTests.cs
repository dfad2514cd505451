using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Independent;

/// <summary>
/// contracts/bundle-bpci-members.vbc: a bundle over episodes whose quality adjustment reads the composite quality of
/// the members, both tables settled in one run (issue 7, item 1). Worked out here with plain loops over the two seed
/// files; nothing of the engine but the statement it prints is used.
/// </summary>
public class SeveralTablesIndependentTests
{
    private static readonly Dictionary<string, decimal> Target = new()
    {
        ["CABG"] = 46_500.00m, ["CHF"] = 20_000.00m, ["LEJR"] = 25_800.00m, ["PCI"] = 22_000.00m, ["SEPSIS"] = 29_000.00m, ["SPINAL_FUSION"] = 51_000.00m,
    };

    /// <summary>
    /// quality { measure diabetes_control (hba1c), breast_screening (bcs), blood_pressure (cbp) }: each rate is the sum
    /// of the numerator over the sum of the denominator, over the population (rows with member months; the contract
    /// has no population clause), and the composite is their mean.
    /// </summary>
    private static decimal Composite()
    {
        decimal hba1cNum = 0, hba1cDen = 0, bcsNum = 0, bcsDen = 0, cbpNum = 0, cbpDen = 0;
        foreach (var m in SeedFile.Read("members.csv"))
        {
            if (m.Months <= 0)
            {
                continue;
            }
            hba1cNum += m.Number("hba1c_num");
            hba1cDen += m.Number("hba1c_den");
            bcsNum += m.Number("bcs_num");
            bcsDen += m.Number("bcs_den");
            cbpNum += m.Number("cbp_num");
            cbpDen += m.Number("cbp_den");
        }
        return (hba1cNum / hba1cDen + bcsNum / bcsDen + cbpNum / cbpDen) / 3;
    }

    private static (decimal Target, decimal Actual) Episodes(decimal lejr)
    {
        decimal target = 0, actual = 0;
        foreach (var e in SeedFile.Read("episodes.csv"))
        {
            string type = e.Text("episode_type");
            target += type == "LEJR" ? lejr : Target[type];
            actual += e.Number("episode_cost");
        }
        return (target, actual);
    }

    private static string Contract => File.ReadAllText(Golden.PathOf("contracts", "bundle-bpci-members.vbc"));

    [Fact]
    public void A_bundle_that_gains_is_reduced_by_the_members_composite_quality()
    {
        var s = Example.SettleTables(Contract, ("members", "members.csv"), ("episodes", "episodes.csv"));
        decimal q = Composite();
        // Pinned by hand: (615/848 + 1,187/1,602 + 1,313/1,913) / 3 = (0.725236 + 0.740949 + 0.686357) / 3 = 0.717514
        Assert.Equal(0.717514m, Math.Round(q, 6));
        Assert.Equal(q, s.Value("quality.composite"));

        var (target, actual) = Episodes(25_800.00m);
        decimal amount = target - actual;
        Assert.Equal(amount, s.Value("bundle.clinical-episodes.difference"));
        amount = Math.Clamp(amount, -0.20m * target, 0.20m * target);
        Assert.True(amount > 0);
        // quality adjustment on gain: 10% * (100% - quality_composite)
        decimal adjustment = 0.10m * (1 - q);
        Assert.Equal(adjustment, s.Value("bundle.clinical-episodes.quality"));
        s.AssertComponent("bundle.clinical-episodes.reconciliation", amount * (1 - adjustment));
        // Pinned by hand: 471,568.85 x (1 - 10% x (1 - 0.717514)) = 471,568.85 x 0.9717514 = 458,247.68
        s.AssertTotal(458_247.68m);

        // Both tables on the statement, with their files, rows and dollars; every episode's member is a member.
        var tables = s.Data!.Tables;
        Assert.Equal(new[] { "members", "episodes" }, tables.Select(t => t.Table));
        Assert.Equal((5_000L, 0m), (tables[0].Rows, tables[0].Dollars));
        Assert.Equal((1_500L, actual), (tables[1].Rows, tables[1].Dollars));
        Assert.All(tables, t => Assert.Equal((0L, 0m, true), (t.UnmatchedRows, t.UnmatchedDollars, t.Conserved)));
    }

    [Fact]
    public void A_bundle_that_loses_repays_less_when_the_members_quality_is_good()
    {
        // The example with the LEJR target lowered from $25,800.00 to $24,800.00: the episodes cost more than target.
        var text = Contract;
        Assert.Contains("\"LEJR\": $25,800.00", text);
        var s = Example.SettleTables(text.Replace("\"LEJR\": $25,800.00", "\"LEJR\": $24,800.00"),
            ("members", "members.csv"), ("episodes", "episodes.csv"));
        decimal q = Composite();
        var (target, actual) = Episodes(24_800.00m);
        decimal amount = Math.Max(target - actual, -0.20m * target);
        Assert.True(amount < 0);
        // quality adjustment on loss: 10% * quality_composite
        decimal adjustment = 0.10m * q;
        Assert.Equal(adjustment, s.Value("bundle.clinical-episodes.quality"));
        s.AssertComponent("bundle.clinical-episodes.reconciliation", amount * (1 - adjustment));
        // Pinned by hand: -40,431.15 x (1 - 10% x 0.717514) = -40,431.15 x 0.9282486 = -37,530.16
        s.AssertTotal(-37_530.16m);
    }
    /// <summary>
    /// The two adjustments written as one setting that reads the built-in 'gain' (whether the bundle's amount is paid
    /// to the provider): the same amounts on both sides of zero as the example's 'on gain' / 'on loss' settings.
    /// </summary>
    [Theory]
    [InlineData("$25,800.00", 458_247.68)]
    [InlineData("$24,800.00", -37_530.16)]
    public void One_adjustment_reading_gain_treats_a_gain_and_a_repayment_as_the_two_settings_do(string lejr, decimal total)
    {
        const string twoSettings = "  quality adjustment on gain: 10% * (100% - quality_composite)\n  quality adjustment on loss: 10% * quality_composite\n";
        var text = Contract.Replace("\r\n", "\n");
        Assert.Contains(twoSettings, text);
        text = text.Replace(twoSettings, "  quality adjustment: if gain then 10% * (100% - quality_composite) else 10% * quality_composite\n")
            .Replace("\"LEJR\": $25,800.00", $"\"LEJR\": {lejr}");
        var s = Example.SettleTables(text, ("members", "members.csv"), ("episodes", "episodes.csv"));
        decimal q = Composite();
        var (target, actual) = Episodes(decimal.Parse(lejr.TrimStart('$').Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture));
        decimal amount = Math.Clamp(target - actual, -0.20m * target, 0.20m * target);
        decimal adjustment = amount > 0 ? 0.10m * (1 - q) : 0.10m * q;
        Assert.Equal(adjustment, s.Value("bundle.clinical-episodes.quality"));
        s.AssertComponent("bundle.clinical-episodes.reconciliation", amount * (1 - adjustment));
        s.AssertTotal(total);
    }
}
