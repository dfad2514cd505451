using Vbc.Settlement;

namespace Vbc.Tests.Independent;

/// <summary>
/// The corridor contracts (ACO REACH Global and Professional, the ACA-style risk corridor) settled over the seed
/// files and checked against arithmetic written out here.
///
/// A corridor's amount is the sum over bands of (the part of the savings, or of the costs, inside the band) x the
/// band's share. Those parts are computed here exactly, in dollars, from G (or A) and the band edges times B, never
/// through the ratio G / B (a quotient cut at 28 digits, which can move a half cent: see HalfCentRegressionTests).
/// </summary>
public class CorridorIndependentTests
{
    private static readonly string[] Categories = { "inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health" };

    /// <summary>
    /// Savings-rate bands: for savings G > 0 each band [lo, hi) of r holds min(G, hi x B) - lo x B dollars of G
    /// (when G > lo x B); the amount kept by the provider is the sum of those parts times the band shares.
    /// </summary>
    private static List<decimal> SavingsBands(decimal g, decimal b, (decimal Low, decimal? High, decimal Share)[] bands)
    {
        decimal size = Math.Abs(g);
        var parts = new List<decimal>();
        foreach (var (low, high, share) in bands)
        {
            decimal top = high is { } h ? Math.Min(size, h * b) : size;
            if (top > low * b)
            {
                parts.Add((top - low * b) * share);
            }
        }
        return parts;
    }

    private static (PopulationFigures P, decimal Risk, decimal Ratio, decimal Pmpm, decimal B, decimal G) Reach(decimal basePmpm, decimal discount)
    {
        var rows = SeedFile.Read("members.csv");
        // population { include: attributed }; cost { categories: inpatient, ..., home_health } (no truncation)
        var p = PopulationFigures.Compute(rows, new (string, Func<SeedRow, bool>)[] { ("attributed", r => r.Flag("attributed")) },
            Array.Empty<(string, Func<SeedRow, bool>)>(), Categories, Array.Empty<string>(), null);
        decimal risk = p.RiskMonths / p.MemberMonths;
        decimal ratio = Math.Min(risk / 1.000m, 1.03m); // reference risk: 1.000; risk ratio cap: 3%
        // B = base x (1 + 2.4% trend) x (1 - discount) x ratio x M, kept exact: uncapped, ratio x M is
        // sum(risk x months) / reference (M cancels, nothing is divided before the end); the PMPM is B / M.
        decimal b = ratio == 1.03m ? basePmpm * (1 + 0.024m) * (1 - discount) * 1.03m * p.MemberMonths : basePmpm * (1 + 0.024m) * (1 - discount) * p.RiskMonths / 1.000m;
        return (p, risk, ratio, b / p.MemberMonths, b, b - p.Counted);
    }

    private static void AssertBenchmark(Statement s, PopulationFigures p, decimal risk, decimal ratio, decimal pmpm, decimal b, decimal g)
    {
        p.AssertMatches(s.Population!);
        Assert.Equal(p.Counted, s.Value("cost.actual"));
        Assert.Equal(p.MemberMonths, s.Value("cost.member-months"));
        Assert.Equal(risk, s.Value("benchmark.population-risk"));
        Assert.Equal(ratio, s.Value("benchmark.risk-ratio"));
        Assert.Equal(pmpm, s.Value("benchmark.pmpm"));
        Assert.Equal(b, s.Value("benchmark.total"));
        Assert.Equal(g, s.Value("benchmark.savings"));
        Assert.Equal(g / b, s.Value("benchmark.savings-rate"));
    }

    [Fact]
    public void ReachGlobal()
    {
        // Terms from contracts/reach-global.vbc: population lines 31-33, cost 35-37, benchmark 39-46, corridor 48-56, withhold 58-62 (quoted below where used).
        // benchmark { base: $1,018.00 PMPM  trend: 2.4%  ...  risk ratio cap: 3%  discount: 3.5% }
        var s = Example.Settle("reach-global.vbc", "members.csv", null, ("quality_score", "90%"));
        var (p, risk, ratio, pmpm, b, g) = Reach(1_018.00m, 0.035m);
        AssertBenchmark(s, p, risk, ratio, pmpm, b, g);

        // corridor "Global" { basis: savings rate  bands: { up to 25%: 100%  25% to 35%: 50%  35% to 50%: 25%  above 50%: 10% } }
        Assert.True(g > 0);
        var parts = SavingsBands(g, b, new (decimal, decimal?, decimal)[] { (0m, 0.25m, 1.00m), (0.25m, 0.35m, 0.50m), (0.35m, 0.50m, 0.25m), (0.50m, null, 0.10m) });
        for (int i = 0; i < parts.Count; i++)
        {
            Assert.Equal(parts[i], s.Value($"corridor.global.band{i + 1}"));
        }
        Assert.False(s.HasLine($"corridor.global.band{parts.Count + 1}"));
        s.AssertComponent("corridor.global.amount", parts.Sum());

        // withhold { rate: 2%  of: benchmark  returned: quality_score }
        decimal held = 0.02m * b;
        s.AssertComponent("withhold.held", -held);
        Assert.Equal(0.90m, s.Value("withhold.share"));
        s.AssertComponent("withhold.returned", held * 0.90m);

        // Pinned by hand: M = 54,088, sum(risk x months) = 54,240.044; B = 1,018 x 1.024 x 0.965 x 54,240.044
        //   = 1,005.94688 x 54,240.044 = 54,562,603.03286272; A = 52,410,937.37; G = 2,151,665.66286272 (r = 3.94%,
        //   all in the first band at 100%) -> $2,151,665.66; withhold 2% x B = 1,091,252.0606572544 -> -$1,091,252.06;
        //   returned 90% of it = 982,126.85459152896 -> $982,126.85. Total 2,151,665.66 - 1,091,252.06 + 982,126.85
        s.AssertTotal(2_042_540.45m);
    }

    [Fact]
    public void ReachProfessional()
    {
        // Terms from contracts/reach-professional.vbc: population lines 30-32, cost 34-36, benchmark 38-44, corridor 46-54, withhold 56-60 (quoted below where used).
        // benchmark { base: $1,026.00 PMPM  trend: 2.4%  ...  risk ratio cap: 3% } (no discount)
        var s = Example.Settle("reach-professional.vbc", "members.csv", null, ("quality_score", "90%"));
        var (p, risk, ratio, pmpm, b, g) = Reach(1_026.00m, 0m);
        AssertBenchmark(s, p, risk, ratio, pmpm, b, g);

        // corridor "Professional" { basis: savings rate  bands: { up to 5%: 50%  5% to 10%: 35%  10% to 15%: 15%  above 15%: 5% } }
        var parts = SavingsBands(g, b, new (decimal, decimal?, decimal)[] { (0m, 0.05m, 0.50m), (0.05m, 0.10m, 0.35m), (0.10m, 0.15m, 0.15m), (0.15m, null, 0.05m) });
        Assert.Equal(2, parts.Count); // r = 8.03%: the first band whole, part of the second
        Assert.Equal(0.05m * b * 0.50m, parts[0]);
        Assert.Equal((g - 0.05m * b) * 0.35m, parts[1]);
        Assert.Equal(parts[0], s.Value("corridor.professional.band1"));
        Assert.Equal(parts[1], s.Value("corridor.professional.band2"));
        s.AssertComponent("corridor.professional.amount", parts.Sum());

        // withhold { rate: 2%  of: benchmark  returned: quality_score }
        decimal held = 0.02m * b;
        s.AssertComponent("withhold.held", -held);
        s.AssertComponent("withhold.returned", held * 0.90m);

        // Pinned by hand: B = 1,026 x 1.024 x 54,240.044 = 56,985,891.987456; G = B - 52,410,937.37 = 4,574,954.617456;
        //   corridor = 5% x B x 50% + (G - 5% x B) x 35% = 1,424,647.2996864 + 603,981.0063196 = 2,028,628.306006
        //   -> $2,028,628.31; withhold -1,139,717.83974912 -> -$1,139,717.84; returned 1,025,746.055774208 -> $1,025,746.06
        s.AssertTotal(1_914_656.53m);
    }

    [Fact]
    public void AcaRiskCorridor()
    {
        // Terms from contracts/aca-risk-corridor.vbc: cost lines 28-30, benchmark 32-34, corridor 36-46 (quoted below where used).
        var rows = SeedFile.Read("members-commercial.csv");
        // cost { categories: inpatient, outpatient, professional, pharmacy, behavioral }; no population clause
        var p = PopulationFigures.Compute(rows, Array.Empty<(string, Func<SeedRow, bool>)>(), Array.Empty<(string, Func<SeedRow, bool>)>(),
            new[] { "inpatient", "outpatient", "professional", "pharmacy", "behavioral" }, Array.Empty<string>(), null);
        var s = Example.Settle("aca-risk-corridor.vbc", "members-commercial.csv", null, ("target_amount", "13065000"));
        p.AssertMatches(s.Population!);

        // benchmark { total: target_amount }
        decimal t = 13_065_000m, a = p.Counted;
        Assert.Equal(a, s.Value("cost.actual"));
        Assert.Equal(t, s.Value("benchmark.total"));
        Assert.Equal(t - a, s.Value("benchmark.savings"));
        Assert.Equal((t - a) / t, s.Value("benchmark.savings-rate"));
        Assert.Equal(a / t, s.Value("corridor.aca-risk-corridor.basis"));

        // corridor { basis: actual to target  bands: { below 92%: 80%  92% to 97%: 50%  97% to 103%: 0%
        //   103% to 108%: 50%  above 108%: 80% }  party: payer }
        // Costs above target: the payer pays 50% of the costs between 103% and 108% of target and 80% above 108%.
        // Costs below target: the payer takes 50% of the gains between 97% and 92% and 80% below 92%.
        decimal payerPays =
            0.50m * Math.Max(0, Math.Min(a, 1.08m * t) - 1.03m * t) + 0.80m * Math.Max(0, a - 1.08m * t)
            - 0.50m * Math.Max(0, 0.97m * t - Math.Max(a, 0.92m * t)) - 0.80m * Math.Max(0, 0.92m * t - a);
        Assert.True(a > 1.03m * t && a < 1.08m * t, "the example falls in the 103%-108% band");
        Assert.Equal(0m, s.Value("corridor.aca-risk-corridor.band1"));             // 97%-103%: 0%
        Assert.Equal(payerPays, s.Value("corridor.aca-risk-corridor.band2"));       // 103%-108%: 50%
        s.AssertComponent("corridor.aca-risk-corridor.amount", payerPays);

        // Pinned by hand: A = 13,783,929.70 (2,926 members with months; the 74 without cost nothing);
        //   A / target = 105.50%; 50% x (13,783,929.70 - 1.03 x 13,065,000) = 50% x (13,783,929.70 - 13,456,950.00)
        //   = 50% x 326,979.70 = 163,489.85 paid by the payer
        Assert.Equal(163_489.85m, payerPays);
        s.AssertTotal(163_489.85m);
    }
}
