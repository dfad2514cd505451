using Vbc.Settlement;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Independent;

/// <summary>
/// The four MSSP example contracts settled over seeds/members.csv, checked against arithmetic written out here
/// from each contract's terms (quoted in the comments) and the domain's steps, with nothing taken from the engine.
/// </summary>
public class MsspIndependentTests
{
    // cost { categories: inpatient, outpatient, professional, pharmacy, snf, home_health ... } (all four contracts)
    private static readonly string[] Categories = { "inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health" };

    private static readonly (string, Func<SeedRow, bool>)[] Attributed = { ("attributed", r => r.Flag("attributed")) };

    /// <summary>
    /// Steps 5-7 for a benchmark written as base x trend x risk ratio (capped) over the population's member months:
    /// R = sum(risk x months) / M; ratio = min(R / reference, 1 + cap); B = base x (1 + trend) x ratio x M; G = B - A;
    /// r = G / B. B is kept exact: uncapped, ratio x M = sum(risk x months) / reference, so M cancels and nothing is
    /// divided before the end; the PMPM is then B / M. (Multiplying a quotient R cut at 28 digits back by M can move a
    /// half cent: see HalfCentRegressionTests.)
    /// </summary>
    private static (decimal Risk, decimal Ratio, decimal Pmpm, decimal B, decimal G, decimal R) Benchmark(
        PopulationFigures population, decimal basePmpm, decimal trendFactor, decimal riskCap)
    {
        decimal m = population.MemberMonths;
        decimal risk = population.RiskMonths / m;             // month-weighted mean risk score
        decimal ratio = Math.Min(risk / 1.000m, 1 + riskCap); // reference risk: 1.000; risk ratio cap
        bool capped = population.RiskMonths > (1 + riskCap) * m * 1.000m;
        decimal b = capped ? basePmpm * trendFactor * (1 + riskCap) * m : basePmpm * trendFactor * population.RiskMonths / 1.000m;
        decimal g = b - population.Counted;
        return (risk, ratio, b / m, b, g, g / b);
    }

    private static void AssertCostAndBenchmark(Statement s, PopulationFigures p, (decimal Risk, decimal Ratio, decimal Pmpm, decimal B, decimal G, decimal R) bm, decimal basePmpm, decimal trendFactor)
    {
        p.AssertMatches(s.Population!);
        Assert.Equal(p.Counted, s.Value("cost.actual"));
        Assert.Equal(p.MemberMonths, s.Value("cost.member-months"));
        Assert.Equal(p.Counted / p.MemberMonths, s.Value("cost.actual-pmpm"));
        Assert.Equal(basePmpm, s.Value("benchmark.base"));
        Assert.Equal(trendFactor, s.Value("benchmark.trend"));
        Assert.Equal(bm.Risk, s.Value("benchmark.population-risk"));
        Assert.Equal(bm.Ratio, s.Value("benchmark.risk-ratio"));
        Assert.Equal(bm.Pmpm, s.Value("benchmark.pmpm"));
        Assert.Equal(bm.B, s.Value("benchmark.total"));
        Assert.Equal(bm.G, s.Value("benchmark.savings"));
        Assert.Equal(bm.R, s.Value("benchmark.savings-rate"));
    }

    [Fact]
    public void BasicLevelA()
    {
        // Terms from contracts/mssp-basic-a.vbc: population lines 32-35, cost 37-40, benchmark 42-48, shared savings 50-66 (quoted below where used).
        var rows = SeedFile.Read("members.csv");
        // population { include: attributed  exclude: esrd };  cost { ... truncate at: 99th percentile }
        var p = PopulationFigures.Compute(rows, Attributed, new (string, Func<SeedRow, bool>)[] { ("esrd", r => r.Flag("esrd")) }, Categories, Array.Empty<string>(), 99m);
        var s = Example.Settle("mssp-basic-a.vbc", "members.csv", null, ("quality_score", "92%"), ("assigned_beneficiaries", "9139"));
        // benchmark { base: $876.00 PMPM  trend: 3.1%  risk score: risk_score  reference risk: 1.000  risk ratio cap: 3% }
        var bm = Benchmark(p, 876.00m, 1 + 0.031m, 0.03m);
        AssertCostAndBenchmark(s, p, bm, 876.00m, 1 + 0.031m);

        // minimum savings rate: by assigned_beneficiaries { ... 9,000 to 9,999: 3.1% to 3.0% ... }
        // MSR = hi - (hi - lo) x (N - band low) / (band high - band low), N = 9,139 (domain: 3.0861%)
        decimal msr = 0.031m - (0.031m - 0.030m) * (9139 - 9000) / (9999 - 9000);
        Assert.Equal(msr, s.Value("shared-savings.minimum-rate"));
        Assert.Equal(0.030861m, Math.Round(msr, 6));
        Assert.True(bm.R >= msr);
        // sharing: first dollar -> all of G is shareable
        Assert.Equal(bm.G, s.Value("shared-savings.shareable"));
        // rate: 40% * quality_score (92%)
        decimal rate = 0.40m * 0.92m;
        Assert.Equal(rate, s.Value("shared-savings.rate"));
        Assert.Equal(bm.G * rate, s.Value("shared-savings.before-cap"));
        // cap: 10% of benchmark
        decimal cap = 0.10m * bm.B;
        Assert.Equal(cap, s.Value("shared-savings.cap"));
        s.AssertComponent("shared-savings.earned", Math.Min(bm.G * rate, cap));

        // Pinned by hand (python3, decimal with 60 digits, same seed file):
        //   population 4,696 members (5,000 rows - 160 not attributed - 48 ESRD - 96 with 0 months), M = 53,531
        //   99th percentile (PERCENTILE.INC) of member costs = 88,216.175; A = 45,309,930.855 after truncation
        //   sum(risk x months) = 52,534.172, so B = 876 x 1.031 x 52,534.172 = 903.156 x 52,534.172 = 47,446,552.646832
        //   G = 47,446,552.646832 - 45,309,930.855 = 2,136,621.791832; r = 4.5032% >= MSR 3.0861%
        //   earned = 2,136,621.791832 x 0.368 = 786,276.819394176 (below the cap 4,744,655.26) -> $786,276.82
        s.AssertTotal(786_276.82m);
        Assert.Equal(4_696, p.Members.Count);
        Assert.Equal(88_216.175m, p.Threshold);
        Assert.Equal(45_309_930.855m, p.Counted);
    }

    [Fact]
    public void BasicLevelE()
    {
        // Terms from contracts/mssp-basic-e.vbc: population lines 33-36, cost 38-41, benchmark 43-49, shared savings 51-55, shared losses 57-61 (quoted below where used).
        var rows = SeedFile.Read("members.csv");
        // population { include: attributed  exclude: esrd };  cost { ... truncate at: 99th percentile }
        var p = PopulationFigures.Compute(rows, Attributed, new (string, Func<SeedRow, bool>)[] { ("esrd", r => r.Flag("esrd")) }, Categories, Array.Empty<string>(), 99m);
        var s = Example.Settle("mssp-basic-e.vbc", "members.csv", null, ("quality_score", "92%"), ("participant_revenue", "4000000"));
        // benchmark { base: $812.00 PMPM  trend: 3.1%  ...  risk ratio cap: 3% }
        var bm = Benchmark(p, 812.00m, 1 + 0.031m, 0.03m);
        AssertCostAndBenchmark(s, p, bm, 812.00m, 1 + 0.031m);

        Assert.True(bm.G < 0, "the example settles with losses");
        // shared savings: no savings -> nothing earned
        s.AssertComponent("shared-savings.earned", 0m);
        // shared losses { minimum loss rate: 2%  rate: 30%  cap: lesser of 8% of participant_revenue and 4% of benchmark }
        Assert.True(-bm.R >= 0.02m);
        decimal losses = -bm.G;
        Assert.Equal(losses, s.Value("shared-losses.shareable"));
        Assert.Equal(0.30m, s.Value("shared-losses.rate"));
        Assert.Equal(losses * 0.30m, s.Value("shared-losses.before-cap"));
        decimal cap = Math.Min(0.08m * 4_000_000m, 0.04m * bm.B);
        Assert.Equal(cap, s.Value("shared-losses.cap"));
        s.AssertComponent("shared-losses.owed", -Math.Min(losses * 0.30m, cap));

        // Pinned by hand: B = 812 x 1.031 x 52,534.172 = 43,980,137.841584; A = 45,309,930.855 (as in Level A);
        //   G = -1,329,793.013416 (loss rate 3.02% >= 2%); 30% of it = 398,937.90 > cap = min(8% x 4,000,000 = 320,000,
        //   4% x B = 1,759,205.51) = 320,000 -> the provider owes $320,000.00
        s.AssertTotal(-320_000.00m);
    }

    [Fact]
    public void Enhanced()
    {
        // Terms from contracts/mssp-enhanced.vbc: population lines 32-36, cost 38-41, benchmark 43-49, shared savings 51-55, shared losses 57-63 (quoted below where used).
        var rows = SeedFile.Read("members.csv");
        // population { include: attributed  exclude: esrd  exclude: hospice }
        var p = PopulationFigures.Compute(rows, Attributed,
            new (string, Func<SeedRow, bool>)[] { ("esrd", r => r.Flag("esrd")), ("hospice", r => r.Flag("hospice")) },
            Categories, Array.Empty<string>(), 99m);
        var s = Example.Settle("mssp-enhanced.vbc", "members.csv", null, ("quality_score", "95%"));
        // benchmark { base: $890.00 PMPM  trend: 3.1%  ...  risk ratio cap: 3% }
        var bm = Benchmark(p, 890.00m, 1 + 0.031m, 0.03m);
        AssertCostAndBenchmark(s, p, bm, 890.00m, 1 + 0.031m);

        // shared savings { minimum savings rate: 2%  rate: 75% * quality_score  cap: 20% of benchmark }
        Assert.True(bm.R >= 0.02m);
        decimal rate = 0.75m * 0.95m;
        Assert.Equal(rate, s.Value("shared-savings.rate"));
        decimal cap = 0.20m * bm.B;
        Assert.Equal(cap, s.Value("shared-savings.cap"));
        s.AssertComponent("shared-savings.earned", Math.Min(bm.G * rate, cap));
        // shared losses: none (G > 0)
        s.AssertComponent("shared-losses.owed", 0m);

        // Pinned by hand: 4,625 members, M = 52,901, 99th percentile 86,755.72, A = 44,369,518.06;
        //   B = 890 x 1.031 x 51,441.049 = 917.59 x 51,441.049 = 47,201,792.15191; G = 2,832,274.09191 (6.0004%)
        //   earned = G x 71.25% = 2,017,995.2905 (cap 9,440,358.43) -> $2,017,995.29
        s.AssertTotal(2_017_995.29m);
    }

    [Theory]
    [InlineData(2024, "A", 0.40, null, 786_276.82)]
    [InlineData(2025, "B", 0.40, null, 1_327_547.09)]
    [InlineData(2026, "C", 0.50, 0.02, 2_356_995.93)]
    [InlineData(2027, "D", 0.50, 0.04, 3_076_182.42)]
    [InlineData(2028, "E", 0.50, 0.08, 3_817_663.69)]
    public void GlidePath(int year, string level, double maxRate, double? revenueShare, double pinnedTotal)
    {
        // Terms from contracts/mssp-glide-path.vbc: population lines 33-36, cost 38-41, benchmark 43-49, levels A 51-58, B 60-67, C 69-81, D 83-95, E 97-109 (quoted below where used).
        var rows = SeedFile.Read("members.csv");
        var p = PopulationFigures.Compute(rows, Attributed, new (string, Func<SeedRow, bool>)[] { ("esrd", r => r.Flag("esrd")) }, Categories, Array.Empty<string>(), 99m);
        var s = Example.Settle("mssp-glide-path.vbc", "members.csv", year, ("quality_score", "92%"), ("participant_revenue", "4000000"));
        // benchmark { base: $876.00 PMPM  trend: 3.1% per year from 2023  ...  risk ratio cap: 3% }:
        // the base is 2023's, grown by 3.1% once for each year from 2023 to the performance year.
        decimal factor = 1m;
        for (int y = 2023; y < year; y++)
        {
            factor *= 1.031m;
        }
        var bm = Benchmark(p, 876.00m, factor, 0.03m);
        Assert.Equal(level, s.Level);
        AssertCostAndBenchmark(s, p, bm, 876.00m, factor);

        // level "X" { years: YYYY  shared savings { minimum savings rate: 2%  rate: 40% (A, B) or 50% (C-E) * quality_score  cap: 10% of benchmark } }
        Assert.True(bm.R >= 0.02m);
        decimal rate = (decimal)maxRate * 0.92m;
        Assert.Equal(rate, s.Value("shared-savings.rate"));
        decimal earned = Math.Min(bm.G * rate, 0.10m * bm.B);
        s.AssertComponent("shared-savings.earned", earned);
        if (revenueShare is null)
        {
            Assert.False(s.HasLine("shared-losses.owed"), "levels A and B are upside-only");
        }
        else
        {
            // shared losses { ... cap: lesser of N% of participant_revenue and M% of benchmark }: no losses this year
            s.AssertComponent("shared-losses.owed", 0m);
        }
        // Pinned by hand from A = 45,309,930.855 and sum(risk x months) = 52,534.172 (risk ratio 0.981378, under the
        //   3% cap): B = 876 x 1.031^(year - 2023) x 52,534.172; G = B - A; earned = G x rate (under the 10% cap).
        //   2024: 1.031 -> G = 2,136,621.791832 x 36.8% -> $786,276.82
        //   2025: 1.062961 -> G = 3,607,464.923883792 x 36.8% -> $1,327,547.09
        //   2026: 1.095912791 -> G = 5,123,904.193029189552 x 46% -> $2,356,995.93
        //   2027: 1.129886087521 -> G = 6,687,353.079518094428112 x 46% -> $3,076,182.42
        //   2028: 1.164912556234151 -> G = 8,299,268.881488155355383472 x 46% -> $3,817,663.69
        s.AssertTotal((decimal)pinnedTotal);
    }

    [Theory]
    [InlineData(2024, 876.00, 0.40, 515_311.44)]
    [InlineData(2025, 903.16, 0.40, 1_048_260.28)]
    [InlineData(2026, 903.16, 0.50, 1_310_325.35)]
    [InlineData(2028, 931.16, 0.50, 1_997_115.09)]
    public void GlidePathWithABaseTableByPerformanceYear(int year, double basePmpm, double maxRate, double pinnedTotal)
    {
        // contracts/mssp-glide-path.vbc with its benchmark's base given per year instead of a trend per year:
        //   base: by performance_year { 2024: $876.00 PMPM  2025 to 2026: $903.16 PMPM  2027 and above: $931.16 PMPM }
        //   trend: 1.5%
        var text = File.ReadAllText(Golden.PathOf("contracts", "mssp-glide-path.vbc")).Replace("\r\n", "\n");
        Assert.Contains("  base: $876.00 PMPM\n  trend: 3.1% per year from 2023\n", text);
        text = text.Replace("  base: $876.00 PMPM\n  trend: 3.1% per year from 2023\n",
            "  base: by performance_year {\n    2024: $876.00 PMPM\n    2025 to 2026: $903.16 PMPM\n    2027 and above: $931.16 PMPM\n  }\n  trend: 1.5%\n");
        var rows = SeedFile.Read("members.csv");
        var p = PopulationFigures.Compute(rows, Attributed, new (string, Func<SeedRow, bool>)[] { ("esrd", r => r.Flag("esrd")) }, Categories, Array.Empty<string>(), 99m);
        var s = Example.SettleText(text, "members.csv", year, ("quality_score", "92%"), ("participant_revenue", "4000000"));
        var bm = Benchmark(p, (decimal)basePmpm, 1 + 0.015m, 0.03m);
        AssertCostAndBenchmark(s, p, bm, (decimal)basePmpm, 1 + 0.015m);
        decimal rate = (decimal)maxRate * 0.92m;
        s.AssertComponent("shared-savings.earned", Math.Min(bm.G * rate, 0.10m * bm.B));
        // Pinned by hand: B = base x 1.015 x 52,534.172 (risk ratio under its cap), G = B - A (A = 45,309,930.855):
        //   2024: B = 46,710,233.69208, G = 1,400,302.83708 x 36.8% -> $515,311.44
        //   2025: B = 48,158,464.2252728, G = 2,848,533.3702728 x 36.8% -> $1,048,260.28
        //   2026: the same G x 46% -> $1,310,325.35
        //   2028: B = 49,651,485.3935128, G = 4,341,554.5385128 x 46% -> $1,997,115.09
        s.AssertTotal((decimal)pinnedTotal);
    }
}
