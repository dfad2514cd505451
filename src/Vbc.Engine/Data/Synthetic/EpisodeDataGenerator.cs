namespace Vbc.Data.Synthetic;

/// <summary>
/// Writes a synthetic episodes file for bundled payments: CSV, a header row, one row per 90-day episode, LF line
/// ends, ASCII. Episode types come in a BPCI-Advanced-like mix; each type has its own lognormal cost and readmission
/// rate, and a readmitted episode costs about 35% more. Anchor dates are uniform over the year.
/// </summary>
public static class EpisodeDataGenerator
{
    /// <summary>Name, share of episodes, mean cost without readmission, sd of the log of the cost, readmission rate.</summary>
    private static readonly (string Name, double Share, double MeanCost, double Sigma, double Readmission)[] Types =
    [
        ("LEJR", 0.32, 24_500, 0.35, 0.05),
        ("CABG", 0.08, 43_000, 0.35, 0.13),
        ("PCI", 0.12, 21_000, 0.40, 0.10),
        ("SEPSIS", 0.20, 27_000, 0.55, 0.18),
        ("CHF", 0.18, 18_500, 0.50, 0.22),
        ("SPINAL_FUSION", 0.10, 48_000, 0.40, 0.07),
    ];

    /// <summary>The columns, in file order.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["episode_id", "member_id", "organisation_id", "episode_type", "anchor_date", "episode_cost", "readmitted"];

    /// <summary>The episode types, as written in episode_type.</summary>
    public static IReadOnlyList<string> EpisodeTypes { get; } = [.. Types.Select(t => t.Name)];

    /// <summary>Rows per chunk; part of the output's definition, as for members.</summary>
    internal const int ChunkRows = 16_384;

    private static readonly double[] CumulativeShare = DeterministicRandom.Cumulative(Types.Select(t => t.Share));

    /// <summary>Writes the header and <see cref="EpisodeGeneratorOptions.Episodes"/> rows; returns the bytes written.</summary>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="EpisodeGeneratorOptions.Validate"/>).</exception>
    public static long Write(Stream output, EpisodeGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        GeneratorChecks.ThrowIfInvalid(options.Validate(), nameof(options));

        var organisations = Organisations.Create(options.Seed, options.Organisations);
        var january1 = new DateOnly(options.Year, 1, 1);
        int days = DateTime.IsLeapYear(options.Year) ? 366 : 365;
        return ChunkedCsvWriter.Write(
            output, Columns, options.Episodes, ChunkRows, options.MaxDegreeOfParallelism, bytesPerRowEstimate: 64,
            (chunk, firstRow, count, b) =>
            {
                var random = DeterministicRandom.For(options.Seed, RandomStream.Episodes, chunk);
                for (int i = 0; i < count; i++)
                {
                    var type = Types[random.Pick(CumulativeShare)];
                    long member = random.NextInt(1, options.MemberPool);
                    int organisation = organisations.Pick(random);
                    var anchor = january1.AddDays((int)random.NextInt(0, days - 1));
                    bool readmitted = random.Bernoulli(type.Readmission);
                    double cost = random.LogNormalWithMean(type.MeanCost, type.Sigma) * (readmitted ? 1.35 : 1.0)
                        * organisations.CostEfficiency[organisation] * options.CostFactor;

                    b.Reserve(256);
                    b.Char('E');
                    b.Padded(firstRow + i + 1, 7);
                    b.Comma();
                    b.Char('M');
                    b.Padded(member, 8);
                    b.Comma();
                    b.Text(organisations.Ids[organisation]);
                    b.Comma();
                    b.Text(type.Name);
                    b.Comma();
                    b.Date(anchor);
                    b.Comma();
                    b.Fixed(CsvBuffer.Cents(cost), 2);
                    b.Comma();
                    b.Flag(readmitted);
                    b.NewLine();
                }
            });
    }
}
