using System.Globalization;
using Vbc.Data.Synthetic;

namespace Vbc.Tests.Synthetic;

public class EpisodeDataGeneratorTests
{
    private static SyntheticCsv Generate(EpisodeGeneratorOptions options) =>
        SyntheticCsv.From(s => EpisodeDataGenerator.Write(s, options));

    [Fact]
    public void Header_is_exact_and_output_is_deterministic()
    {
        var options = new EpisodeGeneratorOptions { Episodes = 20_000, Seed = 12, Organisations = 2 };
        var csv = Generate(options);
        Assert.Equal("episode_id,member_id,organisation_id,episode_type,anchor_date,episode_cost,readmitted", csv.Header);
        Assert.Equal(csv.Bytes, Generate(options with { MaxDegreeOfParallelism = 1 }).Bytes);
        Assert.NotEqual(csv.Bytes, Generate(options with { Seed = 13 }).Bytes);
    }

    [Fact]
    public void Every_row_keeps_the_invariants_and_the_mix_is_plausible()
    {
        var csv = Generate(new() { Episodes = 20_000, Seed = 3, Year = 2023, MemberPool = 900, Organisations = 5 });
        Assert.Equal(20_000, csv.Rows.Length);
        Assert.Equal(20_000, csv.Values("episode_id").Distinct().Count());
        foreach (var row in csv.Rows)
        {
            Assert.Equal(7, row.Length);
            Assert.Matches("^E[0-9]{7}$", row[0]);
            Assert.Matches("^M[0-9]{8}$", row[1]);
            Assert.InRange(int.Parse(row[1][1..]), 1, 900);
            Assert.Matches("^ACO-0[1-5]$", row[2]);
            Assert.Contains(row[3], EpisodeDataGenerator.EpisodeTypes);
            var date = DateOnly.ParseExact(row[4], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Equal(2023, date.Year);
            Assert.Matches(@"^[1-9][0-9]*\.[0-9]{2}$", row[5]);
            Assert.Contains(row[6], new[] { "0", "1" });
        }

        var byType = csv.Rows.GroupBy(r => r[3]).ToDictionary(
            g => g.Key, g => (Share: g.Count() / 20_000.0, Mean: g.Average(r => SyntheticCsv.Number(r[5])), Readmitted: g.Average(r => r[6] == "1" ? 1.0 : 0.0)));
        Assert.Equal(6, byType.Count);
        Assert.InRange(byType["LEJR"].Share, 0.29, 0.35);
        Assert.InRange(byType["LEJR"].Mean, 22_000m, 28_000m);
        Assert.InRange(byType["CABG"].Mean, 40_000m, 52_000m);
        Assert.True(byType["SPINAL_FUSION"].Mean > byType["CABG"].Mean && byType["CABG"].Mean > byType["CHF"].Mean);
        Assert.InRange(byType["CHF"].Readmitted, 0.18, 0.26);
        Assert.InRange(byType["LEJR"].Readmitted, 0.03, 0.07);
        Assert.Equal(12, csv.Values("anchor_date").Select(d => d[5..7]).Distinct().Count());
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        var bad = new EpisodeGeneratorOptions { Episodes = -5, Year = 1000, MemberPool = 0 };
        Assert.Equal(3, bad.Validate().Count);
        Assert.Throws<ArgumentException>(() => EpisodeDataGenerator.Write(Stream.Null, bad));
    }
}

public class AcoInputsGeneratorTests
{
    private static SyntheticCsv Generate(AcoInputsGeneratorOptions options) =>
        SyntheticCsv.From(s => AcoInputsGenerator.Write(s, options));

    [Fact]
    public void Header_is_exact_and_output_is_deterministic()
    {
        var csv = Generate(new() { Acos = 30, Seed = 5 });
        Assert.Equal(
            "aco_id,track,assigned_beneficiaries,benchmark_total,expenditure_total,quality_score,quality_standard_met," +
            "participant_revenue,member_months_total",
            csv.Header);
        Assert.Equal(csv.Bytes, Generate(new() { Acos = 30, Seed = 5 }).Bytes);
        Assert.NotEqual(csv.Bytes, Generate(new() { Acos = 30, Seed = 6 }).Bytes);
    }

    [Fact]
    public void Every_row_is_within_the_stated_ranges()
    {
        var csv = Generate(new() { Acos = 2_000, Seed = 9 });
        Assert.Equal(2_000, csv.Rows.Length);
        Assert.Equal("ACO-0001", csv.Rows[0][0]);
        Assert.Equal(2_000, csv.Values("aco_id").Distinct().Count());
        int savers = 0;
        foreach (var row in csv.Rows)
        {
            Assert.Contains(row[1], AcoInputsGenerator.Tracks);
            long beneficiaries = long.Parse(row[2]);
            Assert.InRange(beneficiaries, 5_000, 80_000);
            Assert.All(new[] { row[3], row[4], row[7] }, v => Assert.Matches(@"^[1-9][0-9]*\.[0-9]{2}$", v));
            decimal benchmark = SyntheticCsv.Number(row[3]), expenditure = SyntheticCsv.Number(row[4]);
            Assert.InRange(expenditure / benchmark - 1m, -0.0601m, 0.0801m);
            savers += expenditure < benchmark ? 1 : 0;
            Assert.Matches(@"^[01]\.[0-9]{4}$", row[5]);
            decimal quality = SyntheticCsv.Number(row[5]);
            Assert.InRange(quality, 0m, 1m);
            Assert.Equal(quality >= 0.75m ? "1" : "0", row[6]);
            long months = long.Parse(row[8]);
            Assert.InRange(months / (double)beneficiaries, 11.5, 11.9);
            Assert.InRange(benchmark / months, 600m, 1_700m); // benchmark PMPM
        }
        Assert.InRange(savers / 2_000.0, 0.55, 0.75);
        Assert.All(AcoInputsGenerator.Tracks, t => Assert.Contains(t, csv.Values("track")));
    }
}
