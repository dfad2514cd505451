using Vbc.Semantics;
using Vbc.Clauses;
using Vbc.Settlement;

namespace Vbc.MemberLevel;

internal enum TotalKind
{
    Sum,
    SumExcess,
}

internal sealed record TotalRequest(BoundClause Owner, string Key, TotalKind Kind, BoundExpression PerMember, BoundExpression? Threshold, string Description);

internal sealed record GroupRequest(BoundClause Owner, string Key, BoundExpression GroupKey, BoundExpression? PerMember, string Description)
{
    /// <summary>Sums members' counted cost (after truncation) rather than an expression.</summary>
    public bool CountedCost => PerMember is null;
}

/// <summary>
/// What the clauses that read one table asked of the member-level stage, in the order they asked: the builder
/// <see cref="IClauseKind.PlanMembers"/> fills. It holds bound expressions; <see cref="MemberLevelLowering"/> turns it
/// into the IR (<see cref="MemberProgram"/>) for a run, which is what the engine and other backends execute.
/// </summary>
public sealed class MemberPlan : IMemberPlan
{
    public MemberPlan(BoundContract contract)
    {
        Contract = contract;
    }

    public BoundContract Contract { get; }

    internal List<BoundExpression> Includes { get; } = new();

    internal List<(BoundExpression Condition, string Reason)> Excludes { get; } = new();

    internal List<ColumnSymbol> Categories { get; } = new();

    internal List<CarveOut> CarveOuts { get; } = new();

    /// <summary>Every carve-out of the contract (cost and capitation): each is checked against its category on every row.</summary>
    internal List<CarveOut> CarveOutChecks { get; } = new();

    internal List<(BoundExpression PerMember, string What)> Positives { get; } = new();

    internal BoundExpression? Truncation { get; private set; }

    internal List<TotalRequest> Totals { get; } = new();

    internal List<GroupRequest> Groups { get; } = new();

    /// <summary>How many population, cost and truncation requests were made (only a population table may make them).</summary>
    internal int PopulationRequests => Includes.Count + Excludes.Count + Categories.Count + CarveOutChecks.Count + (Truncation is null ? 0 : 1);

    public void Include(BoundExpression condition) => Includes.Add(condition);

    public void Exclude(BoundExpression condition, string reason) => Excludes.Add((condition, reason));

    public void CostBasis(IReadOnlyList<ColumnSymbol> categories, IReadOnlyList<CarveOut> carveOuts)
    {
        Categories.AddRange(categories);
        CarveOuts.AddRange(carveOuts);
        CarveOutChecks.AddRange(carveOuts);
    }

    public void CheckCarveOuts(IReadOnlyList<CarveOut> carveOuts) => CarveOutChecks.AddRange(carveOuts);

    public void RequirePositive(BoundExpression perMember, string what) => Positives.Add((perMember, what));

    public void Truncate(BoundExpression threshold) => Truncation = threshold;

    public void Sum(BoundClause owner, string key, BoundExpression perMember, string description) =>
        Totals.Add(new TotalRequest(owner, key, TotalKind.Sum, perMember, null, description));

    public void SumExcess(BoundClause owner, string key, BoundExpression perMember, BoundExpression threshold, string description) =>
        Totals.Add(new TotalRequest(owner, key, TotalKind.SumExcess, perMember, threshold, description));

    public void SumBy(BoundClause owner, string key, BoundExpression groupKey, BoundExpression perMember, string description) =>
        Groups.Add(new GroupRequest(owner, key, groupKey, perMember, description));

    public void CostBy(BoundClause owner, string key, BoundExpression groupKey, string description) =>
        Groups.Add(new GroupRequest(owner, key, groupKey, null, description));
}
