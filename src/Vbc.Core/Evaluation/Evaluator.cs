using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Evaluation;

/// <summary>
/// A problem met while computing a value that the text alone could not rule out: a division by zero,
/// a number too large for a decimal, a table without a row for the value. Callers turn it into a diagnostic
/// that points at the expression.
/// </summary>
public sealed class EvaluationException : Exception
{
    public EvaluationException(TextSpan span, string problem) : base(problem)
    {
        Span = span;
    }

    public TextSpan Span { get; }
}

/// <summary>
/// Computes bound expressions with exact decimal arithmetic. It is used for totals (evaluated once per
/// settlement) and for constants while checking; the member-level stage compiles per-row expressions instead.
/// </summary>
public static class Evaluator
{
    public static Value Evaluate(BoundExpression expression, Func<Symbol, Value> resolve)
    {
        try
        {
            return Eval(expression, resolve);
        }
        catch (OverflowException)
        {
            throw new EvaluationException(expression.Span, "The result is too large for exact decimal arithmetic (more than 28 digits).");
        }
    }

    /// <summary>The value of an expression that depends on nothing but the text, or null if it depends on more.</summary>
    public static Value? TryConstant(BoundExpression expression)
    {
        if (expression.Level != EvaluationLevel.Constant || expression.HasErrors())
        {
            return null;
        }
        // A named value is constant when its own expression is (values may refer to values, to any depth). Each is
        // worked out once: 'v2: v1 + v1' must not work v1 out twice, or a few dozen such lines would never finish.
        var known = new Dictionary<ValueSymbol, Value>();
        Value Resolve(Symbol s)
        {
            if (s is not ValueSymbol { Expression: { Level: EvaluationLevel.Constant } e } value)
            {
                throw new NotConstant();
            }
            if (!known.TryGetValue(value, out var result))
            {
                known[value] = result = Eval(e, Resolve);
            }
            return result;
        }
        try
        {
            return Evaluate(expression, Resolve);
        }
        catch (Exception e) when (e is EvaluationException or NotConstant)
        {
            return null;
        }
    }

    private sealed class NotConstant : Exception
    {
    }

    private static Value Eval(BoundExpression e, Func<Symbol, Value> resolve)
    {
        switch (e)
        {
            case BoundLiteral l:
                return l.Value;
            case BoundName n:
                return resolve(n.Symbol);
            case BoundUnary u:
                {
                    var v = Eval(u.Operand, resolve);
                    return u.Operator switch
                    {
                        UnaryOperator.Not => Value.Of(!v.Flag),
                        UnaryOperator.Negate => Value.Of(-v.Number),
                        _ => v,
                    };
                }
            case BoundBinary b:
                return Binary(b, resolve);
            case BoundIf i:
                return Eval(i.Condition, resolve).Flag ? Eval(i.WhenTrue, resolve) : Eval(i.WhenFalse, resolve);
            case BoundCall c:
                return Call(c, resolve);
            case BoundTableLookup t:
                return TableLookup.Prepare(t.Table, x => Eval(x, resolve)).Find(Eval(t.Key, resolve), t.Key.Span);
            default:
                throw new EvaluationException(e.Span, "This expression has an error and cannot be computed.");
        }
    }

    private static Value Binary(BoundBinary b, Func<Symbol, Value> resolve)
    {
        // 'and' and 'or' look at the right side only when they must.
        if (b.Operator == BinaryOperator.And)
        {
            return Value.Of(Eval(b.Left, resolve).Flag && Eval(b.Right, resolve).Flag);
        }
        if (b.Operator == BinaryOperator.Or)
        {
            return Value.Of(Eval(b.Left, resolve).Flag || Eval(b.Right, resolve).Flag);
        }

        var left = Eval(b.Left, resolve);
        var right = Eval(b.Right, resolve);
        switch (b.Operator)
        {
            case BinaryOperator.Add:
                return Value.Of(left.Number + right.Number);
            case BinaryOperator.Subtract:
                return Value.Of(left.Number - right.Number);
            case BinaryOperator.Multiply:
            case BinaryOperator.Of:
                return Value.Of(left.Number * right.Number);
            case BinaryOperator.Divide:
                if (right.Number == 0)
                {
                    throw new EvaluationException(b.Span, $"This divides by zero ({Describe(b.Right)} is 0).");
                }
                return Value.Of(left.Number / right.Number);
            default:
                return Value.Of(Compare(b.Operator, left, right));
        }
    }

    public static bool Compare(BinaryOperator op, Value left, Value right)
    {
        int order = left.Kind switch
        {
            ValueKind.Number => left.Number.CompareTo(right.Number),
            ValueKind.Date => left.Date.CompareTo(right.Date),
            ValueKind.Text => string.CompareOrdinal(left.Text, right.Text),
            ValueKind.Flag => left.Flag.CompareTo(right.Flag),
            _ => 0,
        };
        return op switch
        {
            BinaryOperator.Less => order < 0,
            BinaryOperator.LessOrEqual => order <= 0,
            BinaryOperator.Greater => order > 0,
            BinaryOperator.GreaterOrEqual => order >= 0,
            BinaryOperator.Equal => order == 0,
            _ => order != 0,
        };
    }

    private static Value Call(BoundCall c, Func<Symbol, Value> resolve)
    {
        var args = c.Arguments.Select(a => Eval(a, resolve).Number).ToArray();
        return Value.Of(c.Function switch
        {
            BuiltInFunction.Min => args.Min(),
            BuiltInFunction.Max => args.Max(),
            BuiltInFunction.Clamp => args[1] > args[2]
                ? throw new EvaluationException(c.Span, $"clamp's lowest value ({args[1]}) is above its highest ({args[2]}).")
                : Math.Min(Math.Max(args[0], args[1]), args[2]),
            BuiltInFunction.Abs => Math.Abs(args[0]),
            BuiltInFunction.Round => RoundTo(args[0], args[1], c.Span),
            BuiltInFunction.Floor => Math.Floor(args[0]),
            BuiltInFunction.Ceiling => Math.Ceiling(args[0]),
            _ => throw new EvaluationException(c.Span, "Unknown function."),
        });
    }

    private static decimal RoundTo(decimal value, decimal places, TextSpan span)
    {
        if (places < 0 || places > 20 || places != Math.Floor(places))
        {
            throw new EvaluationException(span, "round takes a whole number of decimal places from 0 to 20.");
        }
        return Math.Round(value, (int)places, MidpointRounding.AwayFromZero);
    }

    private static string Describe(BoundExpression e) => e.Syntax switch
    {
        NameSyntax n => n.Name,
        _ => "the divisor",
    };
}
