namespace Vbc.Data.Synthetic;

/// <summary>
/// What <see cref="MemberDataGenerator"/> writes. The same options give the same bytes on every machine, whatever
/// <see cref="MaxDegreeOfParallelism"/> is.
/// </summary>
public sealed record MemberGeneratorOptions
{
    /// <summary>Number of member rows (CLI <c>--members N</c>). 0 writes the header only. Default 1,000.</summary>
    public long Members { get; init; } = 1_000;

    /// <summary>Seed of every random draw (CLI <c>--seed S</c>); any 64-bit integer. Default 1.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>
    /// Number of provider organisations the members are spread over, with unequal sizes, as organisation_id ACO-01 ..
    /// ACO-NN (CLI <c>--organisations K</c>), 1 to 9,999. With more than one, each organisation also gets its own cost
    /// efficiency (about +-5%) and quality shift, so their settlements differ. Default 1.
    /// </summary>
    public int Organisations { get; init; } = 1;

    /// <summary>The population imitated (CLI <c>--profile medicare|commercial</c>). Default <see cref="PopulationProfile.Medicare"/>.</summary>
    public PopulationProfile Profile { get; init; } = PopulationProfile.Medicare;

    /// <summary>
    /// Multiplies every cost column (CLI <c>--cost-factor F</c>), so an example can show savings (below 1) or losses
    /// (above 1) against a fixed benchmark; greater than 0 and at most 100. Default 1.0. It changes no other column,
    /// and the same seed with another factor draws the same members.
    /// </summary>
    public double CostFactor { get; init; } = 1.0;

    /// <summary>Threads used to generate (0 = one per processor). Does not change the output. Default 0.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>What is wrong with these options, one message each; empty when they can be used.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Members < 0 || Members > 99_999_999_999L)
        {
            problems.Add($"members must be between 0 and 99,999,999,999 (got {Members}).");
        }
        GeneratorChecks.Organisations(Organisations, problems);
        GeneratorChecks.CostFactor(CostFactor, problems);
        if (!Enum.IsDefined(Profile))
        {
            problems.Add($"profile must be medicare or commercial (got {Profile}).");
        }
        GeneratorChecks.Parallelism(MaxDegreeOfParallelism, problems);
        return problems;
    }
}
