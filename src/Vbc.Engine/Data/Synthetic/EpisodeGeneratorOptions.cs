namespace Vbc.Data.Synthetic;

/// <summary>What <see cref="EpisodeDataGenerator"/> writes. The same options give the same bytes on every machine.</summary>
public sealed record EpisodeGeneratorOptions
{
    /// <summary>Number of episode rows (CLI <c>--episodes N</c>). 0 writes the header only. Default 1,000.</summary>
    public long Episodes { get; init; } = 1_000;

    /// <summary>Seed of every random draw (CLI <c>--seed S</c>); any 64-bit integer. Default 1.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Calendar year of every anchor_date (CLI <c>--year Y</c>), 1900 to 9999. Default 2024.</summary>
    public int Year { get; init; } = 2024;

    /// <summary>
    /// Number of organisations (ACO-01 .. ACO-NN, CLI <c>--organisations K</c>), 1 to 9,999; as for members, each
    /// gets its own size and cost efficiency. Default 1.
    /// </summary>
    public int Organisations { get; init; } = 1;

    /// <summary>
    /// member_id values are drawn uniformly from M00000001 .. M{MemberPool} (CLI <c>--member-pool N</c>), so a member
    /// may have several episodes. The episodes are not derived from a members file. Default 5,000.
    /// </summary>
    public long MemberPool { get; init; } = 5_000;

    /// <summary>Multiplies every episode_cost (CLI <c>--cost-factor F</c>); greater than 0 and at most 100. Default 1.0.</summary>
    public double CostFactor { get; init; } = 1.0;

    /// <summary>Threads used to generate (0 = one per processor). Does not change the output. Default 0.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>What is wrong with these options, one message each; empty when they can be used.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Episodes < 0 || Episodes > 9_999_999_999L)
        {
            problems.Add($"episodes must be between 0 and 9,999,999,999 (got {Episodes}).");
        }
        if (Year < 1900 || Year > 9999)
        {
            problems.Add($"year must be between 1900 and 9999 (got {Year}).");
        }
        GeneratorChecks.Organisations(Organisations, problems);
        if (MemberPool < 1 || MemberPool > 99_999_999_999L)
        {
            problems.Add($"member pool must be between 1 and 99,999,999,999 (got {MemberPool}).");
        }
        GeneratorChecks.CostFactor(CostFactor, problems);
        GeneratorChecks.Parallelism(MaxDegreeOfParallelism, problems);
        return problems;
    }
}
