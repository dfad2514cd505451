namespace Vbc.Data.Synthetic;

/// <summary>Checks shared by the options of the generators.</summary>
internal static class GeneratorChecks
{
    public static void Organisations(int count, List<string> problems)
    {
        if (count < 1 || count > 9_999)
        {
            problems.Add($"organisations must be between 1 and 9,999 (got {count}).");
        }
    }

    public static void CostFactor(double factor, List<string> problems)
    {
        if (!(factor > 0.0 && factor <= 100.0))
        {
            problems.Add($"cost factor must be greater than 0 and at most 100 (got {factor.ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
        }
    }

    public static void Parallelism(int threads, List<string> problems)
    {
        if (threads < 0)
        {
            problems.Add($"max degree of parallelism must be 0 (one thread per processor) or more (got {threads}).");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem, if there is one.</summary>
    public static void ThrowIfInvalid(IReadOnlyList<string> problems, string parameterName)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), parameterName);
        }
    }
}
