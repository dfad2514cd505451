namespace Vbc.Data.Synthetic;

/// <summary>
/// Writes synthetic per-organisation inputs for settling Medicare Shared Savings Program contracts from totals:
/// CSV, a header row, one row per ACO, LF line ends, ASCII. The figures are drawn from simple distributions of
/// plausible size (benchmarks around $1,000 per member per month, expenditures from 6% below to 8% above the
/// benchmark); they are not taken from any published file.
/// </summary>
public static class AcoInputsGenerator
{
    /// <summary>Track names and their share of ACOs.</summary>
    private static readonly (string Name, double Share)[] TrackMix =
    [
        ("basic_a", 0.10), ("basic_b", 0.08), ("basic_c", 0.07), ("basic_d", 0.05), ("basic_e", 0.40), ("enhanced", 0.30),
    ];

    private static readonly double[] CumulativeShare = DeterministicRandom.Cumulative(TrackMix.Select(t => t.Share));

    /// <summary>The tracks, as written in the track column.</summary>
    public static IReadOnlyList<string> Tracks { get; } = [.. TrackMix.Select(t => t.Name)];

    /// <summary>The columns, in file order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "aco_id", "track", "assigned_beneficiaries", "benchmark_total", "expenditure_total", "quality_score",
        "quality_standard_met", "participant_revenue", "member_months_total",
    ];

    /// <summary>A quality score at or above this meets the quality standard in the generated rows.</summary>
    public const double QualityStandard = 0.75;

    /// <summary>Writes the header and <see cref="AcoInputsGeneratorOptions.Acos"/> rows; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="AcoInputsGeneratorOptions.Validate"/>).</exception>
    public static long Write(Stream output, AcoInputsGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        GeneratorChecks.ThrowIfInvalid(options.Validate(), nameof(options));

        return ChunkedCsvWriter.Write(
            output, Columns, options.Acos, chunkRows: 10_000, maxDegreeOfParallelism: 1, bytesPerRowEstimate: 128,
            (chunk, firstRow, count, b) =>
            {
                var random = DeterministicRandom.For(options.Seed, RandomStream.AcoInputs, chunk);
                for (int i = 0; i < count; i++)
                {
                    string track = TrackMix[random.Pick(CumulativeShare)].Name;

                    // Assigned beneficiaries: 5,000 (the MSSP minimum) plus a right-skewed amount (median 8,000).
                    long beneficiaries = Math.Min(80_000, 5_000 + (long)Math.Round(random.LogNormalWithMean(12_000, 0.9)));
                    long memberMonths = (long)Math.Round(beneficiaries * (11.55 + 0.3 * random.NextDouble()));

                    double benchmark = random.LogNormalWithMean(1_000, 0.12) * memberMonths;
                    double deviation = Math.Clamp(random.Normal(-0.012, 0.03), -0.06, 0.08);
                    double quality = Math.Clamp(random.Normal(0.86, 0.07), 0.30, 1.0);
                    long qualityTenThousandths = (long)Math.Round(quality * 10_000.0, MidpointRounding.AwayFromZero);
                    double revenueShare = random.Bernoulli(0.55)
                        ? 0.04 + 0.26 * random.NextDouble()   // low-revenue (physician-led)
                        : 0.50 + 1.10 * random.NextDouble();  // high-revenue (includes a hospital)

                    b.Reserve(256);
                    b.Text(Organisations.Id((int)firstRow + i + 1, options.Acos));
                    b.Comma();
                    b.Text(track);
                    b.Comma();
                    b.Integer(beneficiaries);
                    b.Comma();
                    b.Fixed(CsvBuffer.Cents(benchmark), 2);
                    b.Comma();
                    b.Fixed(CsvBuffer.Cents(benchmark * (1.0 + deviation)), 2);
                    b.Comma();
                    b.Fixed(qualityTenThousandths, 4);
                    b.Comma();
                    b.Flag(qualityTenThousandths >= (long)(QualityStandard * 10_000));
                    b.Comma();
                    b.Fixed(CsvBuffer.Cents(benchmark * revenueShare), 2);
                    b.Comma();
                    b.Integer(memberMonths);
                    b.NewLine();
                }
            });
    }
}
