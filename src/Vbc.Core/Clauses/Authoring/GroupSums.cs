using System.Runtime.CompilerServices;

namespace Vbc.Clauses.Authoring;

/// <summary>
/// A sum over the population by group (author API version 3): for each value of a per-member text expression (a
/// column such as <c>region</c>), the sum of a per-member expression over that group's members and how many they are.
/// It is the member-level stage's own sum by group (<c>IMemberPlan.SumBy</c>, what the built-in bundle clause uses):
/// the in-memory kernels and the SQL compiler (<c>GROUP BY</c>) compute it; plug-in code only reads the groups.
/// </summary>
public sealed class MemberSumBy
{
    internal MemberSumBy(MemberSum sum)
    {
        Sum = sum;
    }

    internal MemberSum Sum { get; }

    /// <summary>What the members are grouped by (text for each member).</summary>
    public PerMember By => Sum.By!;

    /// <summary>What is summed for each member (1 for a count).</summary>
    public PerMember Expression => Sum.Expression;

    /// <summary>The condition a member must meet to count in its group's sum; null for every member.</summary>
    public PerMember? Where => Sum.Where;

    /// <summary>The unit of each group's sum.</summary>
    public Unit Unit => Sum.Unit;

    public string Description => Sum.Description;

    /// <summary>A count of members by group (<see cref="PluginClause.CountMembersBy"/>) rather than a sum.</summary>
    public bool IsCount => Sum.IsCount;

    /// <summary>"sum over members of cost, by region", for formulas.</summary>
    public string Formula => Sum.Formula;

    /// <summary>Where the bound group key is kept on the clause, beside the summed expression (kept under the sum's key).</summary>
    internal static string GroupKeyOf(MemberSum sum) => sum.Key + " by";
}

/// <summary>
/// One group of a <see cref="MemberSumBy"/>: the group's text (<c>"north"</c>), the sum over its members (for a count,
/// how many members meet the condition) and how many members of the population the group has (whatever the condition).
/// </summary>
public sealed record MemberGroup(string Key, decimal Total, long Members);

public abstract partial class PluginClause
{
    /// <summary>
    /// The sum of a per-member expression for each group of members, the groups being the values of <paramref name="by"/>
    /// (a per-member text: <c>PerMember.Column("region")</c>), over the members where <paramref name="where"/> holds when
    /// it is given. <paramref name="unit"/> is the unit the expression must have in the contract; <paramref name="by"/> must
    /// be text (VBC7029). Read while settling with <see cref="SettleContext.Groups"/>, in the order of the groups' text.
    /// </summary>
    protected MemberSumBy SumOverMembersBy(PerMember by, PerMember perMember, Unit unit, string description, PerMember? where = null, [CallerLineNumber] int line = 0) =>
        new(DeclareSum(null, perMember, where, unit, description, line, by: Grouping(by, line)));

    /// <summary>For each group of members (the values of <paramref name="by"/>), how many members meet <paramref name="where"/> (every member when null).</summary>
    protected MemberSumBy CountMembersBy(PerMember by, string description, PerMember? where = null, [CallerLineNumber] int line = 0) =>
        new(DeclareSum(null, PerMember.Number(1m), where, Unit.Count, description, line, isCount: true, by: Grouping(by, line)));

    private PerMember Grouping(PerMember? by, int line)
    {
        if (by is null)
        {
            _problems.Add((line, "A sum by group is given nothing to group by: give a per-member text, such as PerMember.Column(\"region\")."));
            return PerMember.Text("");
        }
        return by;
    }
}
