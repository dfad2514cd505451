using FsCheck;
using FsCheck.Fluent;
using Vbc.Settlement;
using static Vbc.Tests.Properties.Harness;

namespace Vbc.Tests.Properties;

/// <summary>
/// Shared savings and shared losses over generated members and terms: caps hold, upside-only never charges the
/// provider, lower cost never pays less, second dollar never pays more than first dollar, and the minimum savings
/// rate table gives its written rates at the two ends of each band.
/// </summary>
public class SharingProperties
{
    public sealed record Terms(
        decimal Msr, bool SecondDollar, decimal Rate, decimal Cap, string Truncation, decimal Base, decimal Trend, decimal Quality,
        decimal Mlr, string LossRate, string LossCap, decimal Revenue, decimal Scale);

    private static readonly string[] Truncations = { "", "truncate at: 99th percentile", "truncate at: 90th percentile", "truncate at: 50th percentile", "truncate at: $25,000.00" };

    private static string Cost(Terms t) => $$"""
        population {
          include: attributed
          exclude: esrd
        }

        cost {
          categories: inpatient, outpatient, professional
          carve out: transplant from inpatient, dialysis from outpatient
          {{t.Truncation}}
        }

        benchmark {
          base: ${{P(t.Base)}} PMPM
          trend: {{P(t.Trend)}}%
          risk score: risk_score
          reference risk: 1.000
          risk ratio cap: 3%
        }
        """;

    private static string Savings(Terms t, bool secondDollar) => $$"""
        shared savings {
          minimum savings rate: {{P(t.Msr)}}%
          sharing: {{(secondDollar ? "second" : "first")}} dollar
          rate: {{P(t.Rate)}}% * quality_score
          cap: {{P(t.Cap)}}% of benchmark
        }
        """;

    /// <summary>Upside-only: shared savings only.</summary>
    private static string OneSided(Terms t, bool secondDollar) =>
        $"{Header("one-sided")}\n{DataBlock}\ninputs {{\n  quality_score: percent\n}}\n{Cost(t)}\n{Savings(t, secondDollar)}\n";

    /// <summary>Two-sided: shared savings and shared losses, the losses' sharing option the same as the savings'.</summary>
    private static string TwoSided(Terms t, bool secondDollar) =>
        $$"""
        {{Header("two-sided")}}
        {{DataBlock}}
        inputs {
          quality_score: percent
          participant_revenue: money
        }
        {{Cost(t)}}
        {{Savings(t, secondDollar)}}
        shared losses {
          minimum loss rate: {{P(t.Mlr)}}%
          sharing: {{(secondDollar ? "second" : "first")}} dollar
          {{t.LossRate}}
          cap: {{t.LossCap}}
        }
        """;

    private static Dictionary<string, string> Inputs(Terms t, bool revenue)
    {
        var inputs = new Dictionary<string, string> { ["quality_score"] = P(t.Quality) + "%" };
        if (revenue)
        {
            inputs["participant_revenue"] = P(t.Revenue);
        }
        return inputs;
    }

    /// <summary>Terms around the members' own cost, so that some cases save, some lose, some sit near the thresholds.</summary>
    private static Gen<(GenMember[] Members, Terms Terms)> MembersAndTerms() =>
        from members in Members()
        from msr in Gen.Choose(0, 60).Select(x => x / 10m)
        from second in Gen.Elements(false, true)
        from rate in Gen.Choose(0, 100).Select(x => (decimal)x)
        from cap in Gen.Choose(1, 30).Select(x => (decimal)x)
        from truncation in Gen.Elements(Truncations)
        from factor in Gen.Choose(60, 140)
        from trend in Gen.Choose(-20, 60).Select(x => x / 10m)
        from quality in Gen.Choose(0, 100).Select(x => (decimal)x)
        from mlr in Gen.Choose(0, 40).Select(x => x / 10m)
        from lossRate in Gen.OneOf(
            Gen.Choose(0, 100).Select(x => $"rate: {x}%"),
            from k in Gen.Choose(0, 100)
            from floor in Gen.Choose(0, 60)
            from ceiling in Gen.Choose(60, 100)
            select $"rate: 1 - {k}% * quality_score\n  rate floor: {floor}%\n  rate ceiling: {ceiling}%")
        from lossCap in Gen.OneOf(
            Gen.Choose(1, 20).Select(x => $"{x}% of benchmark"),
            from a in Gen.Choose(1, 20)
            from b in Gen.Choose(1, 20)
            select $"lesser of {a}% of participant_revenue and {b}% of benchmark")
        from revenue in Gen.Choose(1_000, 5_000_000).Select(x => (decimal)x)
        from scale in Gen.Choose(50, 99).Select(x => x / 100m)
        let months = members.Where(m => m.Eligible).Sum(m => m.Months)
        let pmpm = members.Where(m => m.Eligible).Sum(m => m.Gross - m.Carved) / months
        select (members, new Terms(msr, second, rate, cap, truncation, Math.Max(1m, Math.Round(pmpm * factor / 100m, 2)), trend, quality,
            mlr, lossRate, lossCap, revenue, scale));

    private static Gen<Case<Terms>> Cases(Func<Terms, bool, string> contract, bool twoSided) =>
        MembersAndTerms().Select(x => new Case<Terms>(contract(x.Terms, x.Terms.SecondDollar), Inputs(x.Terms, twoSided), x.Members, x.Terms));

    /// <summary>The provider's shared savings as the domain states it, from the statement's B and G.</summary>
    private static decimal ExpectedEarned(Statement s, Terms t, bool secondDollar)
    {
        decimal b = s.Value("benchmark.total"), g = s.Value("benchmark.savings");
        decimal msr = t.Msr / 100m;
        // r >= MSR, compared as amounts (G >= MSR x B) so that no digit of G / B is lost at the threshold.
        if (g <= 0 || g < msr * b)
        {
            return 0;
        }
        decimal shareable = secondDollar ? g - msr * b : g;
        return Math.Min(shareable * (t.Rate / 100m * (t.Quality / 100m)), t.Cap / 100m * b);
    }

    [Fact]
    public void UpsideOnlyNeverChargesTheProviderAndNeverPaysAboveTheCap()
    {
        int paid = 0, capped = 0, belowMinimum = 0, losses = 0;
        Check(Cases(OneSided, false), ShrinkMembers, c =>
        {
            var s = Settle(c);
            if (s.Value("benchmark.savings") <= 0)
            {
                losses++;
            }
            else if (s.Value("shared-savings.earned") == 0)
            {
                belowMinimum++;
            }
            else if (s.Lines.Any(l => l.Id == "shared-savings.capped"))
            {
                capped++;
            }
            else
            {
                paid++;
            }
            decimal b = s.Value("benchmark.total");
            decimal earned = s.Value("shared-savings.earned");
            Require(s.Components.All(l => l.Value >= 0 && l.Amount >= 0), c, "an upside-only contract has a negative payment line");
            Require(s.Total >= 0, c, $"an upside-only contract settled to {s.Total}");
            Require(earned <= c.Parameters.Cap / 100m * b, c, $"shared savings {earned} exceed the cap {c.Parameters.Cap}% of {b}");
            if (s.ValueOrNull("shared-savings.cap") is { } cap)
            {
                Require(cap == c.Parameters.Cap / 100m * b && earned <= cap, c, $"shared savings {earned} vs cap line {cap}");
            }
            decimal expected = ExpectedEarned(s, c.Parameters, c.Parameters.SecondDollar);
            Require(earned == expected, c, $"shared savings {earned}, expected min(shareable x rate, cap) = {expected}");
        });
        // The generated terms reach every branch: losses, savings under the cap, and savings cut to the cap (each
        // about a fifth of the cases or more; cases below the minimum savings rate are rarer, about 5%).
        Assert.True(losses > 0 && capped > 0 && paid > 0, $"coverage: losses {losses}, below the minimum {belowMinimum}, capped {capped}, paid {paid}");
    }

    [Fact]
    public void InAnUpsideOnlyContractLowerCostNeverPaysLess()
    {
        Check(Cases(OneSided, false), ShrinkMembers, c =>
        {
            var before = Settle(c);
            var after = Settle(c, c.Members.Select(m => m.Scaled(c.Parameters.Scale)));
            Require(after.Value("benchmark.total") == before.Value("benchmark.total"), c, "scaling costs changed the benchmark");
            Require(after.Value("cost.actual") <= before.Value("cost.actual"), c,
                $"actual cost rose from {before.Value("cost.actual")} to {after.Value("cost.actual")} when every cost was scaled by {c.Parameters.Scale}");
            Require(after.Value("shared-savings.earned") >= before.Value("shared-savings.earned") && after.Total >= before.Total, c,
                $"costs x {c.Parameters.Scale} paid {after.Total} (exact {after.Value("shared-savings.earned")}), less than {before.Total} (exact {before.Value("shared-savings.earned")})");
        });
    }

    [Fact]
    public void SharedLossesNeverExceedTheirCapNorTheLosses()
    {
        Check(Cases(TwoSided, true), ShrinkMembers, c =>
        {
            var s = Settle(c);
            var t = c.Parameters;
            decimal b = s.Value("benchmark.total"), g = s.Value("benchmark.savings");
            decimal owed = -s.Value("shared-losses.owed");
            decimal earned = s.Value("shared-savings.earned");
            Require(owed >= 0 && earned >= 0, c, $"shared losses line {-owed} (must be <= 0), shared savings {earned} (must be >= 0)");
            Require(owed == 0 || earned == 0, c, "both savings and losses were shared");
            Require(earned <= t.Cap / 100m * b, c, $"shared savings {earned} exceed the cap");
            Require(owed <= Math.Max(0, -g), c, $"owed {owed} exceeds the losses {-g}");
            // The loss cap as written: N% of benchmark, or the lesser of N% of participant_revenue and M% of benchmark.
            var words = t.LossCap.Split(' ');
            decimal lossCap = words[0] == "lesser"
                ? Math.Min(decimal.Parse(words[2].TrimEnd('%')) / 100m * t.Revenue, decimal.Parse(words[6].TrimEnd('%')) / 100m * b)
                : decimal.Parse(words[0].TrimEnd('%')) / 100m * b;
            Require(owed <= lossCap, c, $"owed {owed} exceeds the loss cap {lossCap}");
            if (g >= 0 || -g < t.Mlr / 100m * b)
            {
                Require(owed == 0, c, $"owed {owed} although the losses {-g} are below the minimum {t.Mlr}% of {b}");
            }
            if (s.ValueOrNull("shared-losses.rate") is { } lossRate)
            {
                Require(lossRate >= 0 && lossRate <= 1, c, $"loss rate {lossRate}");
                if (t.LossRate.Contains("floor"))
                {
                    var parts = t.LossRate.Split('\n').Select(l => l.Trim()).ToArray();
                    decimal floor = decimal.Parse(parts[1].Split(' ')[2].TrimEnd('%')) / 100m;
                    decimal ceiling = decimal.Parse(parts[2].Split(' ')[2].TrimEnd('%')) / 100m;
                    Require(lossRate >= floor && lossRate <= ceiling, c, $"loss rate {lossRate} outside [{floor}, {ceiling}]");
                }
            }
        });
    }

    [Fact]
    public void SecondDollarNeverPaysMoreThanFirstDollar()
    {
        Check(Cases(TwoSided, true), ShrinkMembers, c =>
        {
            var first = Settle(c with { Contract = TwoSided(c.Parameters, false) });
            var second = Settle(c with { Contract = TwoSided(c.Parameters, true) });
            decimal earnedFirst = first.Value("shared-savings.earned"), earnedSecond = second.Value("shared-savings.earned");
            decimal owedFirst = -first.Value("shared-losses.owed"), owedSecond = -second.Value("shared-losses.owed");
            Require(earnedSecond <= earnedFirst, c, $"second-dollar savings {earnedSecond} > first-dollar {earnedFirst}");
            Require(owedSecond <= owedFirst, c, $"second-dollar losses {owedSecond} > first-dollar {owedFirst}");
            Require(earnedSecond >= 0 && owedSecond >= 0, c, "second-dollar sharing went negative");
            Require(earnedSecond == ExpectedEarned(second, c.Parameters, true), c, "second-dollar savings differ from (G - MSR x B) x rate, capped");
        });
    }

    public sealed record Band(int Low, int High, decimal AtLow, decimal AtHigh);

    public sealed record MsrTable(Band[] Bands, int OpenLow, decimal OpenRate, int Interior);

    private static string MsrContract(MsrTable t)
    {
        string N(int n) => n.ToString("#,##0", System.Globalization.CultureInfo.InvariantCulture);
        var rows = t.Bands.Select(b => $"    {N(b.Low)} to {N(b.High)}: {P(b.AtLow)}% to {P(b.AtHigh)}%")
            .Append($"    {N(t.OpenLow)} and above: {P(t.OpenRate)}%");
        return $$"""
            {{Header("msr-table")}}
            {{DataBlock}}
            inputs {
              n: count
              benchmark_total: money
            }

            cost {
              categories: inpatient, outpatient, professional
            }

            benchmark {
              total: benchmark_total
            }

            shared savings {
              minimum savings rate: by n {
            {{string.Join("\n", rows)}}
              }
              rate: 50%
            }
            """;
    }

    [Fact]
    public void MinimumSavingsRateTableGivesItsWrittenRatesAtEachBandsEnds()
    {
        var gen =
            from start in Gen.Choose(1, 10_000)
            from widths in Gen.ArrayOf(Gen.Choose(1, 20_000), 3)
            from rates in Gen.ArrayOf(Gen.Choose(0, 100).Select(x => x / 10m), 7)
            from interior in Gen.Choose(0, 1_000_000)
            from members in Members(1, 5)
            let bands = Enumerable.Range(0, 3).Select(i =>
            {
                int low = start + widths.Take(i).Sum() + i;
                return new Band(low, low + widths[i], rates[2 * i], rates[2 * i + 1]);
            }).ToArray()
            select new Case<MsrTable>("", new Dictionary<string, string>(), members, new MsrTable(bands, bands[^1].High + 1, rates[6], interior));

        Check(gen.Select(c => c with { Contract = MsrContract(c.Parameters) }), ShrinkMembers, c =>
        {
            decimal cost = c.Members.Where(m => m.Months > 0).Sum(m => m.Gross);
            decimal MsrAt(int n)
            {
                // A benchmark well above the cost, so there are savings and the minimum rate is tested.
                var s = Settle(c, inputs: new Dictionary<string, string> { ["n"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture), ["benchmark_total"] = P(10 * cost + 1_000) });
                return s.Value("shared-savings.minimum-rate");
            }
            foreach (var band in c.Parameters.Bands)
            {
                Require(MsrAt(band.Low) == band.AtLow / 100m, c, $"at N = {band.Low} (band low) the MSR is {MsrAt(band.Low)}, written {band.AtLow}%");
                Require(MsrAt(band.High) == band.AtHigh / 100m, c, $"at N = {band.High} (band high) the MSR is {MsrAt(band.High)}, written {band.AtHigh}%");
                int n = band.Low + c.Parameters.Interior % (band.High - band.Low + 1);
                decimal hi = band.AtLow / 100m, lo = band.AtHigh / 100m;
                decimal expected = hi - (hi - lo) * (n - band.Low) / (band.High - band.Low);
                decimal actual = MsrAt(n);
                Require(Math.Abs(actual - expected) <= 1e-24m && actual >= Math.Min(hi, lo) && actual <= Math.Max(hi, lo), c,
                    $"at N = {n} inside {band.Low}..{band.High} the MSR is {actual}, expected {expected}");
            }
            Require(MsrAt(c.Parameters.OpenLow) == c.Parameters.OpenRate / 100m, c, $"at N = {c.Parameters.OpenLow} ('and above' row) the MSR is not {c.Parameters.OpenRate}%");
            Require(MsrAt(c.Parameters.OpenLow + 12_345) == c.Parameters.OpenRate / 100m, c, "the 'and above' row does not hold above its low end");
        }, tests: 60);
    }
}
