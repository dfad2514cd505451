using Vbc.Tests.Infrastructure;
namespace Vbc.Tests.Independent;

/// <summary>
/// NY Medicaid VBP levels 1-3, partial capitation, pay-for-performance and the BPCI-style bundle, settled over the
/// seed files and checked against arithmetic written out here from each contract's terms.
/// </summary>
public class MedicaidAndCapitationIndependentTests
{
    private static readonly (string, Func<SeedRow, bool>)[] Attributed = { ("attributed", r => r.Flag("attributed")) };
    private static readonly (string, Func<SeedRow, bool>)[] NoExclusions = Array.Empty<(string, Func<SeedRow, bool>)>();

    // cost { categories: inpatient, outpatient, professional, pharmacy, behavioral } (NY VBP levels 1 and 2)
    private static readonly string[] NyCategories = { "inpatient", "outpatient", "professional", "pharmacy", "behavioral" };

    /// <summary>A measure's rate: sum of numerators / sum of denominators over the population (step 12).</summary>
    private static decimal Rate(PopulationFigures p, string measure) =>
        p.Members.Sum(m => m.Number(measure + "_num")) / p.Members.Sum(m => m.Number(measure + "_den"));

    private static (decimal B, decimal G, decimal Composite, bool GateMet) NyVbp(
        Vbc.Settlement.Statement s, PopulationFigures p, decimal basePmpm, decimal diabetesWeight)
    {
        p.AssertMatches(s.Population!);
        Assert.Equal(p.Counted, s.Value("cost.actual"));
        // benchmark { base: $X PMPM  trend: 2.5%  risk score: risk_score  reference risk: 1.000 } (no cap)
        decimal risk = p.RiskMonths / p.MemberMonths;
        // B exact: ratio x M = sum(risk x months) / reference (M cancels); the PMPM is B / M.
        decimal b = basePmpm * (1 + 0.025m) * p.RiskMonths / 1.000m;
        decimal pmpm = b / p.MemberMonths;
        decimal g = b - p.Counted;
        Assert.Equal(risk, s.Value("benchmark.risk-ratio"));
        Assert.Equal(pmpm, s.Value("benchmark.pmpm"));
        Assert.Equal(b, s.Value("benchmark.total"));
        Assert.Equal(g, s.Value("benchmark.savings"));
        Assert.Equal(g / b, s.Value("benchmark.savings-rate"));

        // quality { measure diabetes_control { hba1c } (weight 1 at level 1, 'weight: 2' at level 2)
        //   measure breast_screening { bcs }  measure blood_pressure { cbp }  gate: quality_composite >= 60% }
        decimal hba1c = Rate(p, "hba1c"), bcs = Rate(p, "bcs"), cbp = Rate(p, "cbp");
        Assert.Equal(hba1c, s.Value("measure.diabetes-control.rate"));
        Assert.Equal(bcs, s.Value("measure.breast-screening.rate"));
        Assert.Equal(cbp, s.Value("measure.blood-pressure.rate"));
        decimal composite = (hba1c * diabetesWeight + bcs + cbp) / (diabetesWeight + 2);
        Assert.Equal(composite, s.Value("quality.composite"));
        return (b, g, composite, composite >= 0.60m);
    }

    [Fact]
    public void NyVbpLevel1()
    {
        // Terms from contracts/ny-vbp-level-1.vbc: population lines 31-33, cost 35-37, benchmark 39-44, quality 46-60, shared savings 62-66 (quoted below where used).
        var p = PopulationFigures.Compute(SeedFile.Read("members-commercial.csv"), Attributed, NoExclusions, NyCategories, Array.Empty<string>(), null);
        var s = Example.Settle("ny-vbp-level-1.vbc", "members-commercial.csv");
        // benchmark { base: $433.00 PMPM  trend: 2.5% ... }
        var (b, g, composite, gate) = NyVbp(s, p, 433.00m, 1m);

        // shared savings { minimum savings rate: 1%  rate: if quality_gate_met then 50% else 10%  cap: 10% of benchmark }
        Assert.True(g / b >= 0.01m);
        decimal rate = gate ? 0.50m : 0.10m;
        Assert.Equal(rate, s.Value("shared-savings.rate"));
        s.AssertComponent("shared-savings.earned", Math.Min(g * rate, 0.10m * b));

        // Pinned by hand: 2,829 members, M = 31,024, sum(risk x months) = 31,183.199, A = 13,299,826.21;
        //   B = 433 x 1.025 x 31,183.199 = 443.825 x 31,183.199 = 13,839,883.296175; G = 540,057.086175 (3.90% >= 1%);
        //   composite = (122/218 + 246/345 + 307/509) / 3 = 62.53% >= 60%: 50% of G = 270,028.5430875 -> $270,028.54
        Assert.True(gate);
        s.AssertTotal(270_028.54m);
    }

    [Fact]
    public void NyVbpLevel2()
    {
        // Terms from contracts/ny-vbp-level-2.vbc: population lines 31-33, cost 35-37, benchmark 39-44, quality 46-61, shared savings 63-67, shared losses 69-73 (quoted below where used).
        var p = PopulationFigures.Compute(SeedFile.Read("members-commercial.csv"), Attributed, NoExclusions, NyCategories, Array.Empty<string>(), null);
        var s = Example.Settle("ny-vbp-level-2.vbc", "members-commercial.csv");
        // benchmark { base: $406.00 PMPM  trend: 2.5% ... }; measure diabetes_control { ... weight: 2 }
        var (b, g, composite, gate) = NyVbp(s, p, 406.00m, 2m);

        Assert.True(g < 0);
        s.AssertComponent("shared-savings.earned", 0m);
        // shared losses { minimum loss rate: 1%  rate: if quality_gate_met then 40% else 60%  cap: 5% of benchmark }
        Assert.True(-g / b >= 0.01m);
        decimal rate = gate ? 0.40m : 0.60m;
        Assert.Equal(rate, s.Value("shared-losses.rate"));
        Assert.Equal(0.05m * b, s.Value("shared-losses.cap"));
        s.AssertComponent("shared-losses.owed", -Math.Min(-g * rate, 0.05m * b));

        // Pinned by hand: B = 406 x 1.025 x 31,183.199 = 416.15 x 31,183.199 = 12,976,888.26385; A = 13,299,826.21;
        //   G = -322,937.94615 (2.49% >= 1%); composite = (2 x 122/218 + 246/345 + 307/509) / 4 = 60.89% >= 60%:
        //   40% of the losses = 129,175.17846 (cap 648,844.41) -> -$129,175.18
        Assert.True(gate);
        s.AssertTotal(-129_175.18m);
    }

    [Fact]
    public void NyVbpLevel3()
    {
        // Terms from contracts/ny-vbp-level-3.vbc: population lines 29-31, capitation 33-36, quality 38-51, withhold 53-57 (quoted below where used).
        // population { include: attributed }; no cost clause (capitation reports its own covered cost)
        var p = PopulationFigures.Compute(SeedFile.Read("members-commercial.csv"), Attributed, NoExclusions, Array.Empty<string>(), Array.Empty<string>(), null);
        var s = Example.Settle("ny-vbp-level-3.vbc", "members-commercial.csv");
        p.AssertMatches(s.Population!, costClause: false);

        // capitation { rate: $410.00 PMPM  services: inpatient, outpatient, professional, pharmacy }
        decimal capitation = 410.00m * p.MemberMonths;
        s.AssertComponent("capitation.payment", capitation);
        decimal covered = p.Members.Sum(m => m.Sum(new[] { "inpatient", "outpatient", "professional", "pharmacy" }));
        Assert.Equal(covered, s.Value("capitation.covered"));
        Assert.Equal(capitation - covered, s.Value("capitation.surplus"));

        // quality: three measures, unweighted composite
        decimal composite = (Rate(p, "hba1c") + Rate(p, "bcs") + Rate(p, "cbp")) / 3;
        Assert.Equal(composite, s.Value("quality.composite"));
        // withhold { rate: 2%  of: capitation  returned: quality_composite }
        decimal held = 0.02m * capitation;
        s.AssertComponent("withhold.held", -held);
        s.AssertComponent("withhold.returned", held * composite);

        // Pinned by hand: M = 31,024; capitation 410 x 31,024 = 12,719,840.00; withhold 2% = 254,396.80;
        //   composite 62.5273308...%; returned 254,396.80 x 0.625273308... = 159,067.5287 -> $159,067.53;
        //   total 12,719,840.00 - 254,396.80 + 159,067.53
        s.AssertTotal(12_624_510.73m);
    }

    [Fact]
    public void PartialCapitation()
    {
        // Terms from contracts/partial-capitation.vbc: population lines 23-26, capitation (with stop loss) 28-36 (quoted below where used).
        // population { include: attributed  exclude: hospice }
        var p = PopulationFigures.Compute(SeedFile.Read("members.csv"), Attributed,
            new (string, Func<SeedRow, bool>)[] { ("hospice", r => r.Flag("hospice")) }, Array.Empty<string>(), Array.Empty<string>(), null);
        var s = Example.Settle("partial-capitation.vbc", "members.csv");
        p.AssertMatches(s.Population!, costClause: false);

        // capitation { rate: $322.00 PMPM  services: professional, outpatient  carve out: dialysis
        //   stop loss { attachment: $50,000.00  coinsurance: 80% } }
        decimal capitation = 322.00m * p.MemberMonths;
        s.AssertComponent("capitation.payment", capitation);
        var covered = p.Members.Select(m => m.Number("professional") + m.Number("outpatient") - m.Number("dialysis")).ToList();
        Assert.Equal(covered.Sum(), s.Value("capitation.covered"));
        Assert.Equal(capitation - covered.Sum(), s.Value("capitation.surplus"));
        decimal excess = covered.Sum(c => Math.Max(0, c - 50_000.00m));
        Assert.Equal(excess, s.Value("capitation.stop-loss.excess"));
        s.AssertComponent("capitation.stop-loss", excess * 0.80m);

        // Pinned by hand: 4,673 members, M = 53,458: capitation 322 x 53,458 = 17,213,476.00; covered cost above
        //   $50,000 summed over members = 131,698.18, x 80% = 105,358.544 -> $105,358.54
        Assert.Equal(53_458m, p.MemberMonths);
        Assert.Equal(131_698.18m, excess);
        s.AssertTotal(17_318_834.54m);
    }

    [Fact]
    public void PayForPerformance()
    {
        // Terms from contracts/pay-for-performance.vbc: population lines 27-29, quality 31-48, bonuses 50-53, 55-58, 60-63, 65-68 (quoted below where used).
        // population { include: attributed }
        var p = PopulationFigures.Compute(SeedFile.Read("members.csv"), Attributed, NoExclusions, Array.Empty<string>(), Array.Empty<string>(), null);
        var s = Example.Settle("pay-for-performance.vbc", "members.csv");
        p.AssertMatches(s.Population!, costClause: false);

        decimal hba1c = Rate(p, "hba1c"), bcs = Rate(p, "bcs"), cbp = Rate(p, "cbp"), fuh = Rate(p, "fuh");
        Assert.Equal(hba1c, s.Value("measure.diabetes-control.rate"));
        Assert.Equal(bcs, s.Value("measure.breast-screening.rate"));
        Assert.Equal(cbp, s.Value("measure.blood-pressure.rate"));
        Assert.Equal(fuh, s.Value("measure.mental-health-follow-up.rate"));
        Assert.Equal((hba1c + bcs + cbp + fuh) / 4, s.Value("quality.composite"));

        decimal m = p.MemberMonths;
        // bonus "Diabetes control" { when: diabetes_control >= 70%  amount: $1.50 PMPM }
        s.AssertComponent("bonus.diabetes-control.amount", hba1c >= 0.70m ? 1.50m * m : 0m);
        // bonus "Breast cancer screening" { when: breast_screening >= 75%  amount: $0.75 PMPM }
        s.AssertComponent("bonus.breast-cancer-screening.amount", bcs >= 0.75m ? 0.75m * m : 0m);
        // bonus "Blood pressure control" { when: blood_pressure >= 70%  amount: $1.00 PMPM }
        s.AssertComponent("bonus.blood-pressure-control.amount", cbp >= 0.70m ? 1.00m * m : 0m);
        // bonus "Follow-up after mental health hospitalisation" { when: mental_health_follow_up >= 50%  amount: $25,000.00 }
        s.AssertComponent("bonus.follow-up-after-mental-health-hospitalisation.amount", fuh >= 0.50m ? 25_000.00m : 0m);

        // Pinned by hand: M = 54,088; rates 591/814 = 72.6% (met), 1,149/1,546 = 74.3% (not met),
        //   1,257/1,842 = 68.2% (not met), 27/37 = 73.0% (met): 1.50 x 54,088 + 25,000 = 81,132 + 25,000
        s.AssertTotal(106_132.00m);
    }

    [Fact]
    public void BundleBpci()
    {
        // Terms from contracts/bundle-bpci.vbc: bundle lines 24-39 (quoted below where used).
        var rows = SeedFile.Read("episodes.csv");
        var s = Example.Settle("bundle-bpci.vbc", "episodes.csv", null, ("quality_score", "85%"));
        // Every row is an episode; no population clause and no member months column: nobody is left out.
        Assert.Equal(rows.Count, s.Population!.Members);
        Assert.Equal(0, s.Population.ExcludedRows);

        // target price: by episode_type { "CABG": $46,500.00 "CHF": $20,000.00 "LEJR": $25,800.00 "PCI": $22,000.00
        //   "SEPSIS": $29,000.00 "SPINAL_FUSION": $51,000.00 };  actual cost: episode_cost
        var target = new Dictionary<string, decimal>
        {
            ["CABG"] = 46_500.00m, ["CHF"] = 20_000.00m, ["LEJR"] = 25_800.00m, ["PCI"] = 22_000.00m, ["SEPSIS"] = 29_000.00m, ["SPINAL_FUSION"] = 51_000.00m,
        };
        foreach (var type in rows.GroupBy(r => r.Text("episode_type")))
        {
            decimal difference = type.Count() * target[type.Key] - type.Sum(r => r.Number("episode_cost"));
            Assert.Equal(difference, s.Value($"bundle.clinical-episodes.type.{type.Key.ToLowerInvariant()}"));
        }
        decimal totalTarget = rows.Sum(r => target[r.Text("episode_type")]);
        decimal totalActual = rows.Sum(r => r.Number("episode_cost"));
        Assert.Equal(totalTarget, s.Value("bundle.clinical-episodes.target"));
        Assert.Equal(totalActual, s.Value("bundle.clinical-episodes.actual"));
        decimal amount = totalTarget - totalActual;
        Assert.Equal(amount, s.Value("bundle.clinical-episodes.difference"));
        // stop gain: 20%  stop loss: 20% (shares of the total target price)
        amount = Math.Clamp(amount, -0.20m * totalTarget, 0.20m * totalTarget);
        // A gain: quality adjustment on gain: 10% * (100% - quality_score), quality_score = 85%
        Assert.True(amount > 0);
        decimal adjustment = 0.10m * (1 - 0.85m);
        Assert.Equal(adjustment, s.Value("bundle.clinical-episodes.quality"));
        s.AssertComponent("bundle.clinical-episodes.reconciliation", amount * (1 - adjustment));

        // Pinned by hand: 1,500 episodes; target 43,424,600.00 (110 CABG x 46,500 + 267 CHF x 20,000 + 512 LEJR x 25,800
        //   + 183 PCI x 22,000 + 277 SEPSIS x 29,000 + 151 SPINAL_FUSION x 51,000); actual 42,953,031.15;
        //   difference 471,568.85 (within 20% of target); x (1 - 1.5%) = 464,495.31725 -> $464,495.32
        Assert.Equal(43_424_600.00m, totalTarget);
        s.AssertTotal(464_495.32m);
    }

    [Fact]
    public void BundleBpciThatLosesMoney()
    {
        // contracts/bundle-bpci.vbc with the LEJR target lowered from $25,800.00 to $24,800.00, so that the episodes
        // cost more than their targets and the hospital repays:
        //   quality adjustment on loss: 10% * quality_score (good quality repays less)
        var text = File.ReadAllText(Golden.PathOf("contracts", "bundle-bpci.vbc"));
        Assert.Contains("\"LEJR\": $25,800.00", text);
        text = text.Replace("\"LEJR\": $25,800.00", "\"LEJR\": $24,800.00");
        var rows = SeedFile.Read("episodes.csv");
        var s = Example.SettleText(text, "episodes.csv", null, ("quality_score", "85%"));
        var target = new Dictionary<string, decimal>
        {
            ["CABG"] = 46_500.00m, ["CHF"] = 20_000.00m, ["LEJR"] = 24_800.00m, ["PCI"] = 22_000.00m, ["SEPSIS"] = 29_000.00m, ["SPINAL_FUSION"] = 51_000.00m,
        };
        decimal totalTarget = 0, totalActual = 0;
        foreach (var row in rows)
        {
            totalTarget += target[row.Text("episode_type")];
            totalActual += row.Number("episode_cost");
        }
        decimal amount = totalTarget - totalActual;
        Assert.True(amount < 0);
        Assert.Equal(amount, s.Value("bundle.clinical-episodes.difference"));
        // stop loss: 20% of the total target
        amount = Math.Max(amount, -0.20m * totalTarget);
        decimal adjustment = 0.10m * 0.85m;
        Assert.Equal(adjustment, s.Value("bundle.clinical-episodes.quality"));
        s.AssertComponent("bundle.clinical-episodes.reconciliation", amount * (1 - adjustment));

        // Pinned by hand: target 43,424,600.00 - 512 x 1,000.00 = 42,912,600.00; actual 42,953,031.15;
        //   difference -40,431.15 (within 20% of target); x (1 - 8.5%) = -36,994.50225 -> -$36,994.50 repaid
        s.AssertTotal(-36_994.50m);
    }
}
