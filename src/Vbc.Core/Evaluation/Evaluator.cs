using Vbc.Operators;
using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Evaluation;

/// <summary>
/// A problem met while computing a value that the text alone could not rule out: a division by zero,
/// a number too large for a decimal, a table without a row for the value. Callers turn it into a diagnostic
/// that points at the expression. <see cref="Problem"/> says which of the operators' row problems it is, if one.
/// </summary>
public sealed class EvaluationException : Exception
{
    public EvaluationException(TextSpan span, string problem, RowProblem kind = RowProblem.None) : base(problem)
    {
        Span = span;
        Problem = kind;
    }

    public TextSpan Span { get; }

    public RowProblem Problem { get; }
}

/// <summary>
/// Computes bound expressions with exact decimal arithmetic. It is used for totals (evaluated once per
/// settlement) and for constants while checking; the member-level stage compiles per-row expressions instead.
/// Every operator's semantics is its definition's (<see cref="Arithmetic"/>, <see cref="Comparison"/>): a row problem
/// becomes an <see cref="EvaluationException"/> at the expression.
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
            throw new EvaluationException(expression.Span, "The result is too large for exact decimal arithmetic (more than 28 digits).", RowProblem.Overflow);
        }
    }

    /// <summary>The value of an expression that depends on nothing but the text, or null if it depends on more.</summary>
    public static Value? TryConstant(BoundExpression expression) => TryConstantOrProblem(expression).Value;

    /// <summary>
    /// As <see cref="TryConstant"/>, and when an expression known from the text cannot be worked out (a division by
    /// zero), the problem in words.
    /// </summary>
    public static (Value? Value, string? Problem) TryConstantOrProblem(BoundExpression expression)
    {
        if (expression.Level != EvaluationLevel.Constant || expression.HasErrors())
        {
            return (null, null);
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
            return (Evaluate(expression, Resolve), null);
        }
        catch (EvaluationException e)
        {
            return (null, e.Message);
        }
        catch (NotConstant)
        {
            return (null, null);
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
                        UnaryOperator.Negate => Value.Of(Arithmetic.Negate(v.Number)),
                        _ => v,
                    };
                }
            case BoundBinary b:
                return Binary(b, resolve);
            case BoundIf i:
                // Only the branch taken is worked out: a problem in the other one does not count.
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
        if (b.Operator is BinaryOperator.And or BinaryOperator.Or)
        {
            // The right side is worked out only where the definition needs it, so its problems count only there.
            bool isAnd = b.Operator == BinaryOperator.And;
            bool left = Eval(b.Left, resolve).Flag;
            return Value.Of(Comparison.NeedsRight(isAnd, left) ? Eval(b.Right, resolve).Flag : left);
        }

        var x = Eval(b.Left, resolve);
        var y = Eval(b.Right, resolve);
        switch (b.Operator)
        {
            case BinaryOperator.Add:
                return Value.Of(Arithmetic.Add(x.Number, y.Number));
            case BinaryOperator.Subtract:
                return Value.Of(Arithmetic.Subtract(x.Number, y.Number));
            case BinaryOperator.Multiply:
            case BinaryOperator.Of:
                return Value.Of(Arithmetic.Multiply(x.Number, y.Number));
            case BinaryOperator.Divide:
                {
                    var problem = RowProblem.None;
                    var quotient = Arithmetic.Divide(x.Number, y.Number, ref problem);
                    return problem == RowProblem.None ? Value.Of(quotient)
                        : throw new EvaluationException(b.Span, $"This divides by zero ({Describe(b.Right)} is 0).", problem);
                }
            default:
                return Value.Of(Compare(b.Operator, x, y));
        }
    }

    public static bool Compare(BinaryOperator op, Value left, Value right) => Comparison.Holds(op, Comparison.Order(left, right));

    private static Value Call(BoundCall c, Func<Symbol, Value> resolve)
    {
        var args = c.Arguments.Select(a => Eval(a, resolve).Number).ToArray();
        var problem = RowProblem.None;
        decimal result;
        switch (c.Function)
        {
            case BuiltInFunction.Min:
            case BuiltInFunction.Max:
                result = args[0];
                for (int k = 1; k < args.Length; k++)
                {
                    result = c.Function == BuiltInFunction.Min ? Arithmetic.Min(result, args[k]) : Arithmetic.Max(result, args[k]);
                }
                break;
            case BuiltInFunction.Clamp:
                result = Arithmetic.Clamp(args[0], args[1], args[2], ref problem);
                if (problem != RowProblem.None)
                {
                    throw new EvaluationException(c.Span, $"clamp's lowest value ({args[1]}) is above its highest ({args[2]}).", problem);
                }
                break;
            case BuiltInFunction.Abs:
                result = Arithmetic.Abs(args[0]);
                break;
            case BuiltInFunction.Round:
                result = Arithmetic.Round(args[0], Arithmetic.Places(args[1]));
                break;
            case BuiltInFunction.Floor:
                result = Arithmetic.Floor(args[0]);
                break;
            case BuiltInFunction.Ceiling:
                result = Arithmetic.Ceiling(args[0]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(c), c.Function, "Unknown function.");
        }
        return Value.Of(result);
    }

    private static string Describe(BoundExpression e) => e.Syntax switch
    {
        NameSyntax n => n.Name,
        _ => "the divisor",
    };
}
