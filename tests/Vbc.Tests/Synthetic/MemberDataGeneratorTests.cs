using Vbc.Data.Synthetic;

namespace Vbc.Tests.Synthetic;

public class MemberDataGeneratorTests
{
    private const string Header =
        "member_id,organisation_id,member_months,age,sex,risk_score,attributed,esrd,hospice," +
        "inpatient,outpatient,professional,pharmacy,snf,home_health,behavioral,transplant,dialysis,specialty_rx," +
        "hba1c_num,hba1c_den,bcs_num,bcs_den,cbp_num,cbp_den,fuh_num,fuh_den";

    private static readonly string[] Categories = ["inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health", "behavioral"];
    private static readonly string[] Money = [.. Categories, "transplant", "dialysis", "specialty_rx"];

    private static SyntheticCsv Generate(MemberGeneratorOptions options) =>
        SyntheticCsv.From(s => MemberDataGenerator.Write(s, options));

    // One 20,000-row sample per profile, shared by the tests below (generating it takes a few milliseconds).
    private static readonly Lazy<SyntheticCsv> Medicare = new(() => Generate(new() { Members = 20_000, Seed = 5, Organisations = 4 }));
    private static readonly Lazy<SyntheticCsv> Commercial = new(() =>
        Generate(new() { Members = 20_000, Seed = 6, Profile = PopulationProfile.Commercial }));

    [Fact]
    public void Header_is_exact()
    {
        Assert.Equal(Header, Medicare.Value.Header);
        Assert.Equal(Header, string.Join(',', MemberDataGenerator.Columns));
        Assert.Equal(Header + "\n", System.Text.Encoding.ASCII.GetString(Generate(new() { Members = 0 }).Bytes));
    }

    [Fact]
    public void Same_options_give_the_same_bytes_whatever_the_thread_count()
    {
        // 40,000 rows span three chunks, so chunks run in parallel.
        var options = new MemberGeneratorOptions { Members = 40_000, Seed = 99, Organisations = 3 };
        byte[] first = Generate(options).Bytes;
        Assert.Equal(first, Generate(options).Bytes);
        Assert.Equal(first, Generate(options with { MaxDegreeOfParallelism = 1 }).Bytes);
        Assert.Equal(first, Generate(options with { MaxDegreeOfParallelism = 7 }).Bytes);
    }

    [Fact]
    public void Different_seeds_give_different_rows()
    {
        var a = Generate(new() { Members = 100, Seed = 1 });
        var b = Generate(new() { Members = 100, Seed = 2 });
        Assert.Equal(a.Values("member_id"), b.Values("member_id"));
        int differing = a.Rows.Zip(b.Rows).Count(p => string.Join(',', p.First) != string.Join(',', p.Second));
        Assert.True(differing > 95, $"only {differing} of 100 rows differ");
    }

    [Fact]
    public void A_prefix_is_the_start_of_a_longer_file()
    {
        // Rows depend on their position only, so asking for fewer members gives the first rows of the longer file.
        byte[] longer = Generate(new() { Members = 20_000, Seed = 4 }).Bytes;
        byte[] shorter = Generate(new() { Members = 17_000, Seed = 4 }).Bytes;
        Assert.Equal(shorter, longer.AsSpan(0, shorter.Length).ToArray());
    }

    [Fact]
    public void Cost_factor_scales_costs_and_changes_nothing_else()
    {
        var baseline = Generate(new() { Members = 2_000, Seed = 8 });
        var cheaper = Generate(new() { Members = 2_000, Seed = 8, CostFactor = 0.9 });
        int[] money = [.. Money.Select(baseline.Index)];
        decimal baseTotal = 0, cheaperTotal = 0;
        for (int r = 0; r < baseline.Rows.Length; r++)
        {
            for (int c = 0; c < baseline.Columns.Length; c++)
            {
                if (money.Contains(c))
                {
                    decimal x = SyntheticCsv.Number(baseline.Rows[r][c]), y = SyntheticCsv.Number(cheaper.Rows[r][c]);
                    Assert.InRange(y, x * 0.9m - 0.02m, x * 0.9m + 0.02m); // each side rounded to the cent
                    baseTotal += x;
                    cheaperTotal += y;
                }
                else
                {
                    Assert.Equal(baseline.Rows[r][c], cheaper.Rows[r][c]);
                }
            }
        }
        Assert.True(baseTotal > 1_000_000m);
        Assert.InRange(cheaperTotal / baseTotal, 0.8999m, 0.9001m);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_row_keeps_the_invariants(bool commercial)
    {
        var csv = commercial ? Commercial.Value : Medicare.Value;
        Assert.Equal(20_000, csv.Rows.Length);
        Assert.All(csv.Rows, row => Assert.Equal(csv.Columns.Length, row.Length));
        Assert.Equal(20_000, csv.Values("member_id").Distinct().Count());
        Assert.Equal("M00000001", csv.Rows[0][0]);
        Assert.Equal("M00020000", csv.Rows[^1][0]);

        int months = csv.Index("member_months"), age = csv.Index("age"), sex = csv.Index("sex"), risk = csv.Index("risk_score");
        int[] flags = [.. new[] { "attributed", "esrd", "hospice" }.Select(csv.Index)];
        int[] money = [.. Money.Select(csv.Index)];
        var carveOuts = new[] { ("transplant", "inpatient"), ("dialysis", "outpatient"), ("specialty_rx", "pharmacy") }
            .Select(p => (Part: csv.Index(p.Item1), Whole: csv.Index(p.Item2))).ToArray();
        var measures = new[] { "hba1c", "bcs", "cbp", "fuh" }
            .Select(m => (Num: csv.Index(m + "_num"), Den: csv.Index(m + "_den"))).ToArray();
        var moneyFormat = new System.Text.RegularExpressions.Regex(@"^(0|[1-9][0-9]*)\.[0-9]{2}$");

        foreach (var row in csv.Rows)
        {
            Assert.Matches(@"^M[0-9]{8}$", row[0]);
            Assert.Matches(commercial ? "^ACO-01$" : "^ACO-0[1-4]$", row[1]);
            int m = int.Parse(row[months]);
            Assert.InRange(m, 0, 12);
            Assert.InRange(int.Parse(row[age]), 0, 105);
            Assert.Contains(row[sex], new[] { "F", "M" });
            Assert.Matches(@"^[0-9]+\.[0-9]{3}$", row[risk]);
            Assert.True(SyntheticCsv.Number(row[risk]) > 0);
            Assert.All(flags, f => Assert.Contains(row[f], new[] { "0", "1" }));
            Assert.All(money, c => Assert.Matches(moneyFormat, row[c]));
            Assert.All(carveOuts, p => Assert.True(
                SyntheticCsv.Number(row[p.Part]) <= SyntheticCsv.Number(row[p.Whole]), $"{row[0]}: carve-out above its category"));
            foreach (var (num, den) in measures)
            {
                Assert.Contains(row[num], new[] { "0", "1" });
                Assert.Contains(row[den], new[] { "0", "1" });
                Assert.True(int.Parse(row[num]) <= int.Parse(row[den]), $"{row[0]}: numerator above denominator");
            }
            if (m == 0)
            {
                Assert.All(money, c => Assert.Equal("0.00", row[c]));
                Assert.All(measures, q => Assert.Equal("0", row[q.Den]));
            }
        }
    }

    [Fact]
    public void Medicare_profile_has_plausible_distributions()
    {
        var s = MemberSummary.Of(Medicare.Value);
        Assert.InRange(s.Pmpm, 950m, 1_100m);
        Assert.InRange(s.MeanFullYearCost, 11_000m, 13_500m);
        Assert.InRange(s.ZeroCostShare, 0.04, 0.12);      // enrolled members without a claim
        Assert.InRange(s.ZeroMonthsShare, 0.01, 0.03);
        Assert.InRange(s.PartialYearShare, 0.07, 0.13);
        Assert.InRange(s.TopOnePercentShare, 0.10, 0.25); // the costliest 1% of members
        Assert.InRange(s.MeanRisk, 0.95m, 1.05m);
        Assert.InRange(s.Share("age", v => int.Parse(v) >= 65), 0.85, 0.92);
        Assert.InRange(s.Share("sex", v => v == "F"), 0.53, 0.57);
        Assert.InRange(s.Share("attributed", v => v == "1"), 0.96, 0.98);
        Assert.InRange(s.Share("esrd", v => v == "1"), 0.006, 0.014);
        Assert.InRange(s.Share("hospice", v => v == "1"), 0.010, 0.020);
        Assert.InRange(s.Rate("hba1c"), 0.70, 0.80);
        Assert.InRange(s.Rate("bcs"), 0.65, 0.80);
        Assert.InRange(s.Rate("cbp"), 0.62, 0.75);
        Assert.InRange(s.Share("hba1c_den", v => v == "1"), 0.12, 0.22);
        Assert.InRange(s.Share("cbp_den", v => v == "1"), 0.33, 0.45);
        Assert.InRange(s.Share("fuh_den", v => v == "1"), 0.002, 0.02);
        Assert.InRange(s.CountAbove(250_000m), 1, 40);
    }

    [Fact]
    public void Commercial_profile_is_younger_and_cheaper()
    {
        var s = MemberSummary.Of(Commercial.Value);
        Assert.InRange(s.Pmpm, 400m, 560m);
        Assert.InRange(s.ZeroCostShare, 0.12, 0.28);
        Assert.InRange(s.TopOnePercentShare, 0.15, 0.35);
        Assert.InRange(s.MeanRisk, 0.95m, 1.05m);
        Assert.Equal(1.0, s.Share("age", v => int.Parse(v) < 65));
        Assert.InRange(s.Share("age", v => int.Parse(v) < 18), 0.19, 0.25);
        Assert.InRange(s.Rate("hba1c"), 0.50, 0.70);
        Assert.InRange(s.Share("hba1c_den", v => v == "1"), 0.04, 0.12);
    }

    [Fact]
    public void Invalid_options_are_listed_and_rejected()
    {
        var bad = new MemberGeneratorOptions { Members = -1, Organisations = 0, CostFactor = 0, MaxDegreeOfParallelism = -2 };
        Assert.Equal(4, bad.Validate().Count);
        Assert.Empty(new MemberGeneratorOptions().Validate());
        var error = Assert.Throws<ArgumentException>(() => MemberDataGenerator.Write(Stream.Null, bad));
        Assert.Contains("organisations must be between 1 and 9,999 (got 0)", error.Message);
        Assert.NotEmpty((new MemberGeneratorOptions { CostFactor = double.NaN }).Validate());
    }
}
