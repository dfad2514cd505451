namespace Vbc.Clauses;

/// <summary>
/// What a clause kind is to the rest of vbc beyond its own settings and arithmetic. The binder, the settlement, the
/// diff and the editor ask a kind for these, never for its keyword or its type, so a kind written outside vbc may
/// declare the same. <see cref="ClauseRegistry.Add"/> checks that a kind declaring one also declares the settings it
/// relies on.
/// </summary>
[Flags]
public enum ClauseCapabilities
{
    None = 0,

    /// <summary>
    /// The contract's own block: its label names the contract, its <c>period</c> setting (a range of dates, required) is
    /// the agreement period, its text settings <c>payer</c>, <c>provider</c> and <c>version</c> head the statements. A
    /// contract has one; it is never settled.
    /// </summary>
    DescribesContract = 1,

    /// <summary>
    /// A level of a glide path: it holds clauses that apply only in the performance years of its <c>years</c> setting (a
    /// range of years, required). Any kind allowed in a level may stand inside it; levels may repeat, their years may
    /// not overlap, and a clause's requirement is met inside its own level.
    /// </summary>
    Level = 2,

    /// <summary>
    /// Sets a contract up rather than pays (population, cost, benchmark, quality): <c>vbc diff</c> calls two contracts
    /// of different kinds when they have no paying kind in common.
    /// </summary>
    SetsUp = 4,
}

/// <summary>Reading a kind's capabilities by name.</summary>
public static class ClauseCapabilityExtensions
{
    public static bool IsLevel(this IClauseKind kind) => (kind.Capabilities & ClauseCapabilities.Level) != 0;

    public static bool DescribesContract(this IClauseKind kind) => (kind.Capabilities & ClauseCapabilities.DescribesContract) != 0;

    public static bool SetsUp(this IClauseKind kind) => (kind.Capabilities & ClauseCapabilities.SetsUp) != 0;

    /// <summary>The setting a level's years are written in.</summary>
    public const string LevelYearsKey = "years";

    /// <summary>The setting the contract's agreement period is written in.</summary>
    public const string ContractPeriodKey = "period";
}

/// <summary>
/// Names of values with a meaning to vbc itself: a clause that declares one of them (with its type) provides what the
/// name stands for to every other clause, whichever kind it is.
/// </summary>
public static class WellKnownValues
{
    /// <summary>The population's member months: a contract that declares it has member months even without a member_months column.</summary>
    public const string TotalMemberMonths = "total_member_months";
}
