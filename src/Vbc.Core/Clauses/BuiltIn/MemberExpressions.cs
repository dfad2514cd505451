using Vbc.Semantics;
using Vbc.Syntax;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.BuiltIn;

/// <summary>Per-member expressions that clauses build from column lists (categories less carve-outs).</summary>
internal static class MemberExpressions
{
    /// <summary>sum(columns) - sum(minus), as a bound per-member money expression pointing at <paramref name="at"/>.</summary>
    public static BoundExpression? SumOfColumns(IReadOnlyList<BoundExpression> columns, IReadOnlyList<BoundExpression> minus, ExpressionSyntax at)
    {
        BoundExpression? result = null;
        foreach (var c in columns)
        {
            result = result is null ? c : new BoundBinary(BinaryOperator.Add, result, c, ValueType.Money, EvaluationLevel.Member, at);
        }
        if (result is null)
        {
            return null;
        }
        foreach (var c in minus)
        {
            result = new BoundBinary(BinaryOperator.Subtract, result, c, ValueType.Money, EvaluationLevel.Member, at);
        }
        return result;
    }

    public static string Describe(IReadOnlyList<BoundExpression> columns, IReadOnlyList<BoundExpression> minus)
    {
        string Names(IEnumerable<BoundExpression> items) => string.Join(" + ", items.Select(i => i.Syntax is NameSyntax n ? n.Name : "?"));
        return minus.Count == 0 ? Names(columns) : $"({Names(columns)}) - ({Names(minus)})";
    }
}
