using Vbc.Cli;
using Vbc.Conformance;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Tests.Conformance;

/// <summary>
/// The MSSP track contracts (contracts/mssp-tracks/) on synthetic ACOs, each figure worked out by hand in the
/// comment above it, independently of the engine. Rows go through the conformance mapping (CMS's column names);
/// the revenue- and year-based loss limits, which CMS does not publish, are settled with explicit inputs.
/// These tests need no reference data.
/// </summary>
public class MsspTrackContractTests
{
    private static readonly string Root = RepositoryLayout.FindRoot(AppContext.BaseDirectory)!;

    private static readonly MsspContracts Contracts = MsspContracts.Load(RepositoryLayout.MsspContractsFolder(Root));

    private const decimal B = 100_000_000m;

    /// <summary>A row with B = $100,000,000 and the given expenditure, settled through the conformance mapping.</summary>
    private static decimal Settle(int year, string track, decimal expenditure, decimal qualityScore = 0.9m, bool met = true,
        int beneficiaries = 20_000, decimal minimumRate = 0.02m, decimal? disaster = null)
    {
        var result = Contracts.Settle(MsspRow.Create(year, "TEST", track, beneficiaries, B, expenditure, minimumRate, qualityScore, met, disaster));
        Assert.True(result.Computed is not null, result.Reason);
        return result.Computed!.Value;
    }

    [Fact]
    public void The_contracts_load_without_problems()
    {
        Assert.Empty(Contracts.Problems);
        Assert.All(MsspConformance.Tracks, t => Assert.NotNull(Contracts.ContractFor(t.Track)));
    }

    // ---- Track 1 --------------------------------------------------------------------------------------------------

    [Fact]
    public void Track_1_shares_savings_scaled_by_quality_less_sequestration()
    {
        // N = 9,139: MSR = 3.1% - 0.1% x (9,139 - 9,000) / 999 = 3.0861%. G = $4,000,000, r = 4% >= MSR.
        // 2018: 50% x 0.9 = 45%; $4,000,000 x 45% x 0.98 = $1,764,000.
        Assert.Equal(1_764_000.00m, Settle(2018, "track_1", 96_000_000m, beneficiaries: 9_139, minimumRate: 0.05m));
        // 2019: no sequestration: $4,000,000 x 45% = $1,800,000.
        Assert.Equal(1_800_000.00m, Settle(2019, "track_1", 96_000_000m, beneficiaries: 9_139));
        // 2021: the full 50% for meeting the standard; $4,000,000 x 50% x 0.98 = $1,960,000.
        Assert.Equal(1_960_000.00m, Settle(2021, "track_1", 96_000_000m, beneficiaries: 9_139));
    }

    [Fact]
    public void Track_1_pays_nothing_below_the_minimum_savings_rate_without_quality_or_with_losses()
    {
        // r = 3.05% < MSR 3.0861% (N = 9,139): nothing.
        Assert.Equal(0m, Settle(2019, "track_1", 96_950_000m, beneficiaries: 9_139));
        // Quality standard not met: savings forfeited.
        Assert.Equal(0m, Settle(2018, "track_1", 96_000_000m, met: false));
        // One-sided: spending 10% over the benchmark costs the ACO nothing.
        Assert.Equal(0m, Settle(2020, "track_1", 110_000_000m));
    }

    [Fact]
    public void Track_1_below_5000_beneficiaries_uses_the_rate_CMS_set()
    {
        // N = 4,000 is below the size table: the MSR is minimum_rate. r = 4%.
        // MSR 4.5%: nothing. MSR 3.5%: $4,000,000 x 45% x 0.98 = $1,764,000.
        Assert.Equal(0m, Settle(2018, "track_1", 96_000_000m, beneficiaries: 4_000, minimumRate: 0.045m));
        Assert.Equal(1_764_000.00m, Settle(2018, "track_1", 96_000_000m, beneficiaries: 4_000, minimumRate: 0.035m));
    }

    [Fact]
    public void Track_1_caps_savings_at_10_percent_of_the_benchmark()
    {
        // G = $30,000,000; 50% x 1.0 = 50%, no sequestration in 2020: $15,000,000 > cap $10,000,000.
        Assert.Equal(10_000_000.00m, Settle(2020, "track_1", 70_000_000m, qualityScore: 1m));
    }

    // ---- BASIC Levels A and B -------------------------------------------------------------------------------------

    [Fact]
    public void Basic_a_b_share_40_percent()
    {
        // N = 60,000: MSR 2%. G = $4,000,000, r = 4%. 2020: 40% x 0.8 = 32%: $1,280,000.
        Assert.Equal(1_280_000.00m, Settle(2020, "basic_a", 96_000_000m, qualityScore: 0.8m, beneficiaries: 60_000));
        // 2021: 40% x 0.98 = 39.2%: $1,568,000.
        Assert.Equal(1_568_000.00m, Settle(2021, "basic_b", 96_000_000m, qualityScore: 0.8m, beneficiaries: 60_000));
    }

    [Fact]
    public void Basic_b_compares_the_savings_rate_with_the_unrounded_size_table_rate()
    {
        // G = $2,982,646, r = 2.982646%.
        // N = 10,274: MSR = 3% - 0.3% x 274 / 4,999 = 2.983557% > r: nothing (CMS publishes this MSR rounded to 2.98%).
        Assert.Equal(0m, Settle(2021, "basic_b", 97_017_354m, beneficiaries: 10_274, minimumRate: 0.0298m));
        // N = 10,300: MSR = 3% - 0.3% x 300 / 4,999 = 2.981996% <= r: $2,982,646 x 40% x 0.98 = $1,169,197.232.
        Assert.Equal(1_169_197.23m, Settle(2021, "basic_b", 97_017_354m, beneficiaries: 10_300));
    }

    // ---- Track 1+ --------------------------------------------------------------------------------------------------

    [Fact]
    public void Track_1_plus_shares_losses_at_30_percent_less_the_disaster_adjustment()
    {
        // G = -$3,000,000, -r = 3% >= 2%. 30% = $900,000 (limit with revenue standing in at B: 4% of B = $4,000,000).
        // Less the disaster adjustment $5,000: $895,000 owed.
        Assert.Equal(-895_000.00m, Settle(2018, "track_1_plus", 103_000_000m, disaster: -5_000m));
        // Savings 2019: $3,000,000 x 50% x 0.8 = $1,200,000.
        Assert.Equal(1_200_000.00m, Settle(2019, "track_1_plus", 97_000_000m, qualityScore: 0.8m));
        // Losses below the minimum loss rate: -r = 1.5% < 2%.
        Assert.Equal(0m, Settle(2018, "track_1_plus", 101_500_000m));
    }

    [Fact]
    public void Track_1_plus_limits_losses_by_participant_revenue()
    {
        // $900,000 of losses; limit = lesser of 8% x $10,000,000 = $800,000 and 4% x $100,000,000: $800,000; less $5,000.
        Assert.Equal(-795_000.00m, SettleWith("track-1-plus.vbc", 2018, 103_000_000m, ("participant_revenue", "10000000"), ("disaster_adjustment", "-5000")));
    }

    // ---- Track 2 --------------------------------------------------------------------------------------------------

    [Fact]
    public void Track_2_loss_rate_is_1_minus_the_final_sharing_rate_between_40_and_60_percent()
    {
        // G = -$3,000,000. 2018, quality 0.9: 1 - 60% x 0.9 = 46%: $1,380,000.
        Assert.Equal(-1_380_000.00m, Settle(2018, "track_2", 103_000_000m, minimumRate: 0m));
        // Quality 1.0: 1 - 60% = 40%, the floor: $1,200,000.
        Assert.Equal(-1_200_000.00m, Settle(2018, "track_2", 103_000_000m, qualityScore: 1m, minimumRate: 0m));
        // Standard not met: the ceiling, 60%: $1,800,000.
        Assert.Equal(-1_800_000.00m, Settle(2018, "track_2", 103_000_000m, met: false, minimumRate: 0m));
        // Savings 2021: G = $20,000,000 x 60% x 0.98 = $11,760,000 (cap 15% = $15,000,000).
        Assert.Equal(11_760_000.00m, Settle(2021, "track_2", 80_000_000m, minimumRate: 0m));
    }

    [Fact]
    public void Track_2_loss_limit_grows_with_the_years_under_two_sided_risk()
    {
        // G = -$25,000,000; 46% = $11,500,000. Limit 5% / 7.5% / 10% of $100,000,000.
        Assert.Equal(-5_000_000.00m, SettleWith("track-2.vbc", 2018, 125_000_000m, ("two_sided_year", "1")));
        Assert.Equal(-7_500_000.00m, SettleWith("track-2.vbc", 2018, 125_000_000m, ("two_sided_year", "2")));
        Assert.Equal(-10_000_000.00m, SettleWith("track-2.vbc", 2018, 125_000_000m, ("two_sided_year", "4")));
        // G = -$10,000,000; 46% = $4,600,000, under even the first year's $5,000,000.
        Assert.Equal(-4_600_000.00m, SettleWith("track-2.vbc", 2018, 110_000_000m, ("two_sided_year", "1")));
    }

    // ---- Track 3 and ENHANCED -------------------------------------------------------------------------------------

    [Fact]
    public void Track_3_shares_up_to_75_percent_and_caps_at_20_percent()
    {
        // 2019: G = $30,000,000 x 75% x 0.95 = $21,375,000 > cap 20% = $20,000,000.
        Assert.Equal(20_000_000.00m, Settle(2019, "track_3", 70_000_000m, qualityScore: 0.95m));
        // 2018 losses, quality 0.5: 1 - 75% x 0.5 = 62.5%: $3,000,000 x 62.5% = $1,875,000.
        Assert.Equal(-1_875_000.00m, Settle(2018, "track_3", 103_000_000m, qualityScore: 0.5m));
        // Quality 0.95: 1 - 71.25% = 28.75%, raised to the floor 40%: $1,200,000.
        Assert.Equal(-1_200_000.00m, Settle(2018, "track_3", 103_000_000m, qualityScore: 0.95m));
    }

    [Fact]
    public void Enhanced_loss_rate_limit_and_public_health_emergency()
    {
        // 2020, quality 0.6: 1 - 45% = 55%: $3,000,000 x 55% = $1,650,000.
        Assert.Equal(-1_650_000.00m, Settle(2020, "enhanced", 103_000_000m, qualityScore: 0.6m));
        // Standard not met: 75%: $2,250,000.
        Assert.Equal(-2_250_000.00m, Settle(2020, "enhanced", 103_000_000m, met: false));
        // G = -$50,000,000 x 40% = $20,000,000 > limit 15% = $15,000,000.
        Assert.Equal(-15_000_000.00m, Settle(2020, "enhanced", 150_000_000m, qualityScore: 1m));
        // 2021: the full 75% sharing rate leaves 1 - 75% = 25%, raised to 40%: $1,200,000; a disaster adjustment of
        // -$1,200,000 (the whole loss, as for the 2021 public health emergency) leaves nothing.
        Assert.Equal(-1_200_000.00m, Settle(2021, "enhanced", 103_000_000m, minimumRate: 0.01m));
        Assert.Equal(0m, Settle(2021, "enhanced", 103_000_000m, minimumRate: 0.01m, disaster: -1_200_000m));
        // Savings 2020: $3,500,000 x 75% x 0.9 = $2,362,500.
        Assert.Equal(2_362_500.00m, Settle(2020, "enhanced", 96_500_000m));
    }

    // ---- BASIC Levels C, D, E -------------------------------------------------------------------------------------

    [Fact]
    public void Basic_c_d_e_share_losses_at_30_percent_within_their_limits()
    {
        // G = -$3,000,000; 30% = $900,000. Revenue $20,000,000.
        // C: lesser of 2% x $20,000,000 = $400,000 and 1% x $100,000,000 = $1,000,000: $400,000.
        Assert.Equal(-400_000.00m, SettleWith("basic-c.vbc", 2020, 103_000_000m, ("participant_revenue", "20000000")));
        // D: lesser of $800,000 and $2,000,000: $800,000.
        Assert.Equal(-800_000.00m, SettleWith("basic-d.vbc", 2020, 103_000_000m, ("participant_revenue", "20000000")));
        // E: lesser of $1,600,000 and $4,000,000 = $1,600,000, above $900,000: $900,000.
        Assert.Equal(-900_000.00m, SettleWith("basic-e.vbc", 2020, 103_000_000m, ("participant_revenue", "20000000")));
        // E, G = -$30,000,000: $9,000,000; revenue $100,000,000: lesser of $8,000,000 and $4,000,000.
        Assert.Equal(-4_000_000.00m, SettleWith("basic-e.vbc", 2020, 130_000_000m, ("participant_revenue", "100000000")));
        // Through the mapping (revenue stands in as B): C's limit is 1% of B = $1,000,000, so $900,000 is owed.
        Assert.Equal(-900_000.00m, Settle(2020, "basic_c", 103_000_000m));
        // Losses under the minimum loss rate: -r = 1.5% < 2%.
        Assert.Equal(0m, Settle(2020, "basic_d", 101_500_000m));
    }

    [Fact]
    public void Basic_c_d_e_share_savings_at_up_to_50_percent()
    {
        // 2020: $4,000,000 x 50% x 0.9 = $1,800,000. 2021: x 50% x 0.98 = $1,960,000; standard not met: nothing.
        Assert.Equal(1_800_000.00m, Settle(2020, "basic_c", 96_000_000m));
        Assert.Equal(1_960_000.00m, Settle(2021, "basic_e", 96_000_000m));
        Assert.Equal(0m, Settle(2021, "basic_d", 96_000_000m, met: false));
    }

    [Fact]
    public void Settle_the_synthetic_ACOs_as_docs_conformance_md_shows()
    {
        // seeds/aco_inputs.csv split by track, each part settled by its contract with a 2% minimum rate, for 2021.
        var lines = File.ReadAllLines(Path.Combine(Root, "seeds", "aco_inputs.csv"));
        var tracks = lines.Skip(1).Select(l => l.Split(',')[1]).Distinct().ToList();
        Assert.NotEmpty(tracks);
        foreach (var track in tracks)
        {
            string contract = MsspConformance.Tracks.Single(t => t.Track == track).ContractFile;
            string part = Path.Combine(Path.GetTempPath(), $"vbc-aco-{track}-{Guid.NewGuid():N}.csv");
            var rows = lines.Skip(1).Where(l => l.Split(',')[1] == track).ToList();
            File.WriteAllLines(part, new[] { lines[0] }.Concat(rows));
            try
            {
                var args = new List<string>
                {
                    "settle", Path.Combine(RepositoryLayout.MsspContractsFolder(Root), contract), "--inputs", part, "--input", "minimum_rate=2%", "--year", "2021",
                };
                if (contract != "basic-a-b.vbc")
                {
                    args.AddRange(new[] { "--input", "disaster_adjustment=0" });
                }
                var output = new StringWriter();
                var error = new StringWriter();
                int exit = Vbc.Cli.Program.Run(args.ToArray(), output, error);
                Assert.True(exit == 0, $"{contract}: exit {exit}\n{error}");
                Assert.Contains($"{rows.Count} organisations: {rows.Count} settled, 0 failed.", error.ToString());
            }
            finally
            {
                File.Delete(part);
            }
        }
    }

    /// <summary>
    /// Settles a track contract directly with B = $100,000,000, quality 0.9 (met), a 2% minimum rate, no disaster
    /// adjustment, and the given inputs on top.
    /// </summary>
    private static decimal SettleWith(string contractFile, int year, decimal expenditure, params (string Name, string Value)[] given)
    {
        var contract = Binder.Bind(ContractParser.ParseFile(Path.Combine(RepositoryLayout.MsspContractsFolder(Root), contractFile)));
        var defaults = new Dictionary<string, string>
        {
            ["benchmark_total"] = "100000000",
            ["expenditure_total"] = expenditure.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["minimum_rate"] = "2%",
            ["quality_score"] = "0.9",
            ["quality_standard_met"] = "1",
            ["disaster_adjustment"] = "0",
            ["participant_revenue"] = "100000000",
            ["two_sided_year"] = "3",
            ["assigned_beneficiaries"] = "20000",
        };
        foreach (var (name, value) in given)
        {
            defaults[name] = value;
        }
        var inputs = contract.Inputs.ToDictionary(i => i.Name, i => defaults[i.Name]);
        var result = SettlementEngine.Settle(contract, new SettlementRequest { Year = year, Inputs = inputs });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Statement!.Total;
    }
}
