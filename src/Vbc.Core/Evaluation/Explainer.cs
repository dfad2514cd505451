using Vbc.Semantics;
using Vbc.Syntax;

namespace Vbc.Evaluation;

/// <summary>
/// Writes an expression as the contract says it, with the value of each name after it:
/// <c>40% * quality_score (92.3%)</c>. Statements show it beside the value it comes to, so a reader can redo
/// the arithmetic by hand.
/// </summary>
public static class Explainer
{
    public static string Explain(BoundExpression expression, Func<Symbol, Value> resolve) => Write(expression, resolve, 0);

    private static int Precedence(BoundExpression e) => e switch
    {
        BoundIf => 1,
        BoundBinary { Operator: BinaryOperator.Or } => 2,
        BoundBinary { Operator: BinaryOperator.And } => 3,
        BoundUnary { Operator: UnaryOperator.Not } => 4,
        BoundBinary { Operator: BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual or BinaryOperator.Equal or BinaryOperator.NotEqual } => 5,
        BoundBinary { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => 6,
        BoundBinary => 7,
        BoundUnary => 8,
        _ => 9,
    };

    private static string Write(BoundExpression e, Func<Symbol, Value> resolve, int outer)
    {
        string text = e switch
        {
            BoundLiteral { Syntax: NumberLiteralSyntax n } => n.Text,
            BoundLiteral l => Display.Format(l.Value, l.Type),
            BoundName n => Name(n, resolve),
            BoundUnary u => u.Operator switch
            {
                UnaryOperator.Not => "not " + Write(u.Operand, resolve, Precedence(u)),
                UnaryOperator.Negate => "-" + Write(u.Operand, resolve, Precedence(u)),
                _ => "+" + Write(u.Operand, resolve, Precedence(u)),
            },
            BoundBinary b => $"{Write(b.Left, resolve, Precedence(b))} {Operator(b.Operator)} {Write(b.Right, resolve, Precedence(b) + 1)}",
            BoundIf i => $"if {Write(i.Condition, resolve, 0)} then {Write(i.WhenTrue, resolve, 0)} else {Write(i.WhenFalse, resolve, 0)}",
            BoundCall { Syntax: LesserGreaterSyntax lg } c =>
                $"{(lg.Greater ? "greater" : "lesser")} of {Write(c.Arguments[0], resolve, 6)} and {Write(c.Arguments[1], resolve, 6)}",
            BoundCall c => $"{c.Function.ToString().ToLowerInvariant()}({string.Join(", ", c.Arguments.Select(a => Write(a, resolve, 0)))})",
            BoundTableLookup t => Lookup(t, resolve),
            _ => "?",
        };
        return Precedence(e) < outer ? $"({text})" : text;
    }

    private static string Name(BoundName n, Func<Symbol, Value> resolve)
    {
        try
        {
            var value = resolve(n.Symbol);
            return $"{n.Symbol.Name} ({Display.Format(value, n.Symbol.Type)})";
        }
        catch (Exception e) when (e is KeyNotFoundException or EvaluationException or InvalidOperationException)
        {
            return n.Symbol.Name;
        }
    }

    private static string Lookup(BoundTableLookup t, Func<Symbol, Value> resolve)
    {
        var key = Evaluator.Evaluate(t.Key, resolve);
        var table = TableLookup.Prepare(t.Table, x => Evaluator.Evaluate(x, resolve));
        var row = table.RowFor(key);
        string keyText = Display.Format(key, t.Key.Type);
        string by = t.Key is BoundName n ? $"{n.Symbol.Name} = {keyText}" : keyText;
        if (row is null)
        {
            return $"table by {by}: no row";
        }
        string rowKey = row.DescribeKey(d => Display.Format(d, t.Key.Type));
        if (row.ResultAtLow is { } lo && row.ResultAtHigh is { } hi)
        {
            return $"table by {by}: row {rowKey} falls from {Display.Format(lo, t.Type)} to {Display.Format(hi, t.Type)}, interpolated";
        }
        return $"table by {by}: row {rowKey}";
    }

    // As the operator's one definition names it, but multiplication is shown as x in explanations ("75% x $1,000").
    public static string Operator(BinaryOperator op) => op == BinaryOperator.Multiply ? "x" : Vbc.Operators.Definitions.Binary(op).Name;
}
