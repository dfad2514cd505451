using Vbc.Semantics;

namespace Vbc.Settlement;

/// <summary>A carve-out: a money column that is part of a category in scope (<c>transplant from inpatient</c>).</summary>
public sealed record CarveOut(ColumnSymbol Part, ColumnSymbol Category, Vbc.Text.TextSpan Span);

/// <summary>
/// What clauses ask of the member-level stage, which runs once over every row of the data before anything is
/// settled. It is kept apart from settlement so that it can run where the data lives (compiled to SQL, later):
/// everything here is a filter, a per-row expression, or a sum over the included rows. What is asked is lowered into
/// the member-level IR (<see cref="Vbc.MemberLevel.MemberProgram"/>), which every backend runs.
/// Each total a clause asks for is named by the clause and a key of its choosing; the clause reads it back while
/// settling with <see cref="ISettlement.Total"/> or <see cref="ISettlement.Groups"/>. Kinds keep no state.
/// </summary>
public interface IMemberPlan
{
    BoundContract Contract { get; }

    /// <summary>Only rows where the condition holds are in the population.</summary>
    void Include(BoundExpression condition);

    /// <summary>Rows where the condition holds are left out; the statement reports them under this reason.</summary>
    void Exclude(BoundExpression condition, string reason);

    /// <summary>
    /// A member's cost: the sum of the categories less the carve-outs. Each carve-out is part of a category in scope;
    /// on every row of the population it must lie between $0 and that category's amount (a data error otherwise).
    /// </summary>
    void CostBasis(IReadOnlyList<ColumnSymbol> categories, IReadOnlyList<CarveOut> carveOuts);

    /// <summary>Carve-outs (of capitated services) to check on every row of the population, without subtracting them from the cost.</summary>
    void CheckCarveOuts(IReadOnlyList<CarveOut> carveOuts);

    /// <summary>
    /// A per-member value that must be above 0 on every row of the population (a risk score): a row where it is not is
    /// a data error naming the row, or is left out with --exclude-bad-rows.
    /// </summary>
    void RequirePositive(BoundExpression perMember, string what);

    /// <summary>Caps each member's cost at a dollar amount (a run-level expression) or a percentile of member costs.</summary>
    void Truncate(BoundExpression threshold);

    /// <summary>The sum over included rows of a per-member expression.</summary>
    void Sum(BoundClause owner, string key, BoundExpression perMember, string description);

    /// <summary>The sum over included rows of max(0, per-member value - threshold), as in specific stop-loss.</summary>
    void SumExcess(BoundClause owner, string key, BoundExpression perMember, BoundExpression threshold, string description);

    /// <summary>Per distinct value of the group key: the sum of a per-member expression and the count of rows.</summary>
    void SumBy(BoundClause owner, string key, BoundExpression groupKey, BoundExpression perMember, string description);

    /// <summary>Per distinct value of the group key: the sum of members' counted cost (after carve-outs and truncation).</summary>
    void CostBy(BoundClause owner, string key, BoundExpression groupKey, string description);
}
