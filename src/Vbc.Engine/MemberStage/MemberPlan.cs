using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.MemberStage;

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
/// What the clauses of one settlement asked of the member-level stage: the population filter, the cost basis,
/// truncation, and the totals to compute. It holds bound expressions only: it is the input both to the in-memory
/// stage here and, later, to a SQL compiler.
/// </summary>
internal sealed class MemberPlan : IMemberPlan
{
    public MemberPlan(BoundContract contract)
    {
        Contract = contract;
    }

    public BoundContract Contract { get; }

    public List<BoundExpression> Includes { get; } = new();

    public List<(BoundExpression Condition, string Reason)> Excludes { get; } = new();

    public List<ColumnSymbol> Categories { get; } = new();

    public List<CarveOut> CarveOuts { get; } = new();

    /// <summary>Every carve-out of the contract (cost and capitation): each is checked against its category on every row.</summary>
    public List<CarveOut> CarveOutChecks { get; } = new();

    public List<(BoundExpression PerMember, string What)> Positives { get; } = new();

    public BoundExpression? Truncation { get; private set; }

    public List<TotalRequest> Totals { get; } = new();

    public List<GroupRequest> Groups { get; } = new();

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

    /// <summary>The columns any part of the plan reads, in the order the contract declares them.</summary>
    public IReadOnlyList<ColumnSymbol> ColumnsRead()
    {
        var used = new HashSet<ColumnSymbol>();
        void Add(BoundExpression? e)
        {
            if (e is null)
            {
                return;
            }
            foreach (var s in e.Symbols())
            {
                if (s is ColumnSymbol c)
                {
                    used.Add(c);
                }
                else if (s is ValueSymbol { Expression: { } inner })
                {
                    Add(inner);
                }
            }
            if (e is BoundTableLookup t)
            {
                Add(t.Key);
            }
        }
        Includes.ForEach(Add);
        Excludes.ForEach(x => Add(x.Condition));
        Totals.ForEach(t => Add(t.PerMember));
        Groups.ForEach(g =>
        {
            Add(g.GroupKey);
            Add(g.PerMember);
        });
        used.UnionWith(Categories);
        used.UnionWith(CarveOutChecks.SelectMany(c => new[] { c.Part, c.Category }));
        Positives.ForEach(p => Add(p.PerMember));
        if (Contract.MonthsColumn is { } months)
        {
            used.Add(months);
        }
        if (Contract.IdColumn is { } id)
        {
            used.Add(id);
        }
        return Contract.Columns.Where(used.Contains).ToList();
    }
}
