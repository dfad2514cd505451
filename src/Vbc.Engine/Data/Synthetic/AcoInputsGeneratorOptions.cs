namespace Vbc.Data.Synthetic;

/// <summary>What <see cref="AcoInputsGenerator"/> writes. The same options give the same bytes on every machine.</summary>
public sealed record AcoInputsGeneratorOptions
{
    /// <summary>Number of ACO rows (CLI <c>--acos N</c>), 0 to 9,999; aco_id runs ACO-01 .. ACO-NN. Default 24.</summary>
    public int Acos { get; init; } = 24;

    /// <summary>Seed of every random draw (CLI <c>--seed S</c>); any 64-bit integer. Default 1.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>What is wrong with these options, one message each; empty when they can be used.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Acos < 0 || Acos > 9_999)
        {
            problems.Add($"acos must be between 0 and 9,999 (got {Acos}).");
        }
        return problems;
    }
}
