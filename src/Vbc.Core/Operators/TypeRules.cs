using Vbc.Semantics;
using Vbc.Syntax;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Operators;

/// <summary>Why operands do not go together; the binder turns it into a positioned diagnostic.</summary>
public abstract record TypeError;

/// <summary>The operands cannot be combined (VBC2008 on the whole expression): "Cannot {Verb} {Left} and {Right}. {Hint}".</summary>
public sealed record CannotCombine(string Verb, string Left, string Right, string Hint) : TypeError;

/// <summary>One operand is of the wrong kind (VBC2007 on that operand): "{What} must be {Expected}, but this is {Found}."</summary>
public sealed record WrongOperand(int Operand, string What, string Expected, string Found, string Hint = "") : TypeError;

/// <summary>The type of an operation's result, or why its operands do not go together.</summary>
public readonly record struct Typing(ValueType Type, TypeError? Error)
{
    public static Typing Of(ValueType type) => new(type, null);

    public static Typing Fails(TypeError error) => new(ValueType.Error, error);

    public bool Failed => Error is not null;
}

/// <summary>
/// The type and unit rules of every operator and function, in one place: the binder asks them, and so will any backend
/// or plug-in that needs an operation's type. Units follow dimensional rules: amounts of the same dimension add and
/// compare; multiplying and dividing combine dimensions (PMPM x member months = money; money / money = ratio);
/// money + percent is an error. Operand types are never <see cref="ValueType.Error"/> here: the binder stops first.
/// </summary>
public static class TypeRules
{
    public static Typing Unary(UnaryOperator op, ValueType operand)
    {
        if (op == UnaryOperator.Not)
        {
            return operand.Kind == ValueKind.Flag
                ? Typing.Of(ValueType.Flag)
                : Typing.Fails(new WrongOperand(0, "The value after 'not'", "a yes/no condition", operand.DisplayName));
        }
        return operand.IsNumber
            ? Typing.Of(operand)
            : Typing.Fails(new WrongOperand(0, "A signed value", "a number", operand.DisplayName));
    }

    public static Typing Binary(BinaryOperator op, ValueType left, ValueType right)
    {
        switch (op)
        {
            case BinaryOperator.And:
            case BinaryOperator.Or:
                if (left.Kind != ValueKind.Flag || right.Kind != ValueKind.Flag)
                {
                    var (operand, bad) = left.Kind != ValueKind.Flag ? (0, left) : (1, right);
                    return Typing.Fails(new WrongOperand(operand, $"Each side of '{(op == BinaryOperator.And ? "and" : "or")}'",
                        "a yes/no condition", bad.DisplayName, "Compare it with something, for example 'risk_score > 0'."));
                }
                return Typing.Of(ValueType.Flag);

            case BinaryOperator.Equal:
            case BinaryOperator.NotEqual:
            case BinaryOperator.Less:
            case BinaryOperator.LessOrEqual:
            case BinaryOperator.Greater:
            case BinaryOperator.GreaterOrEqual:
                {
                    bool ordering = op is not (BinaryOperator.Equal or BinaryOperator.NotEqual);
                    if (left.IsNumber && right.IsNumber && Mismatched(left, right))
                    {
                        return Typing.Fails(new CannotCombine("compare", left.DisplayName, right.DisplayName, MismatchHint(left, right)));
                    }
                    bool ok = (left.IsNumber && right.IsNumber && left.Dimension == right.Dimension)
                        || (left.Kind == ValueKind.Date && right.Kind == ValueKind.Date)
                        || (!ordering && left.Kind == right.Kind && left.Kind is ValueKind.Text or ValueKind.Flag);
                    if (!ok)
                    {
                        string hint = left.IsNumber && right.IsNumber
                            ? "Both sides must be in the same unit."
                            : ordering && left.Kind == right.Kind ? $"Values that are {left.DisplayName} can only be tested for equality (= or !=)." : "Both sides must be of the same kind.";
                        return Typing.Fails(new CannotCombine("compare", left.DisplayName, right.DisplayName, hint));
                    }
                    return Typing.Of(ValueType.Flag);
                }

            case BinaryOperator.Add:
            case BinaryOperator.Subtract:
                {
                    string verb = op == BinaryOperator.Add ? "add" : "subtract";
                    if (left.IsNumber && right.IsNumber && Mismatched(left, right))
                    {
                        return Typing.Fails(new CannotCombine(verb, left.DisplayName, right.DisplayName, MismatchHint(left, right)));
                    }
                    if (!left.IsNumber || !right.IsNumber || left.Dimension != right.Dimension)
                    {
                        string hint = left.IsNumber && right.IsNumber ? Hint(left, right) : "Both sides must be numbers.";
                        return Typing.Fails(new CannotCombine(verb, left.DisplayName, right.DisplayName, hint));
                    }
                    return Typing.Of(left.Dimension.IsNone ? ValueType.OfDimension(Dimension.None, MergeFlavor(left.Flavor, right.Flavor)) : left);
                }

            case BinaryOperator.Multiply:
            case BinaryOperator.Of:
            case BinaryOperator.Divide:
                {
                    string verb = op == BinaryOperator.Divide ? "divide" : "multiply";
                    if (!left.IsNumber || !right.IsNumber)
                    {
                        return Typing.Fails(new CannotCombine(verb, left.DisplayName, right.DisplayName, "Both sides must be numbers."));
                    }
                    if (op == BinaryOperator.Of && !left.Dimension.IsNone)
                    {
                        return Typing.Fails(new WrongOperand(0, "The part before 'of'", "a percent or a ratio", left.DisplayName,
                            "Write it as a share of the amount, for example '10% of benchmark'."));
                    }
                    var dimension = op == BinaryOperator.Divide ? left.Dimension.Over(right.Dimension) : left.Dimension.Times(right.Dimension);
                    if (!dimension.IsMeaningful)
                    {
                        return Typing.Fails(new CannotCombine(verb, left.DisplayName, right.DisplayName,
                            $"The result would be {ValueType.OfDimension(dimension).DisplayName}, which no contract term means. A share of an amount is a percent times money."));
                    }
                    if (!dimension.IsNone)
                    {
                        return Typing.Of(ValueType.OfDimension(dimension));
                    }
                    if (op == BinaryOperator.Divide && !left.Dimension.IsNone)
                    {
                        return Typing.Of(ValueType.Ratio);
                    }
                    if (op == BinaryOperator.Divide && left.Flavor == NumberFlavor.Count && right.Flavor == NumberFlavor.Count)
                    {
                        return Typing.Of(ValueType.Ratio);
                    }
                    return Typing.Of(ValueType.OfDimension(Dimension.None, MergeFlavor(left.Flavor, right.Flavor)));
                }
        }
        throw new ArgumentOutOfRangeException(nameof(op), op, "Not a binary operator.");
    }

    /// <summary>
    /// The common type of values that must be in the same unit: the branches of an if, the arguments of min, max and
    /// clamp, the two sides of 'lesser of'. <paramref name="verb"/> says what is done with them, for the message.
    /// </summary>
    public static Typing Unify(ValueType x, ValueType y, string verb)
    {
        if (x.IsNumber && y.IsNumber && Mismatched(x, y))
        {
            return Typing.Fails(new CannotCombine(verb, x.DisplayName, y.DisplayName, MismatchHint(x, y)));
        }
        if (x.IsNumber && y.IsNumber && x.Dimension == y.Dimension)
        {
            return Typing.Of(x.Dimension.IsNone ? ValueType.OfDimension(Dimension.None, MergeFlavor(x.Flavor, y.Flavor)) : x);
        }
        if (!x.IsNumber && x.Kind == y.Kind)
        {
            return Typing.Of(x);
        }
        return Typing.Fails(new CannotCombine(verb, x.DisplayName, y.DisplayName, "Both must be in the same unit."));
    }

    /// <summary>'if c then a else b': c is yes/no (operand 0), a and b unify.</summary>
    public static Typing If(ValueType condition, ValueType whenTrue, ValueType whenFalse) =>
        condition.Kind != ValueKind.Flag
            ? Typing.Fails(new WrongOperand(0, "The condition after 'if'", "a yes/no condition", condition.DisplayName))
            : Unify(whenTrue, whenFalse, "choose between");

    /// <summary>
    /// A built-in function's result: every argument is a number; round keeps its first argument's type (its places are
    /// checked by <see cref="Functions.CheckPlaces"/>); the others unify all their arguments.
    /// </summary>
    public static Typing Call(FunctionDefinition function, IReadOnlyList<ValueType> arguments)
    {
        for (int k = 0; k < arguments.Count; k++)
        {
            if (!arguments[k].IsNumber)
            {
                return Typing.Fails(new WrongOperand(k, $"Each value given to '{function.Name}'", "a number", arguments[k].DisplayName));
            }
        }
        if (function.Function == BuiltInFunction.Round)
        {
            return arguments[1].Dimension.IsNone
                ? Typing.Of(arguments[0])
                : Typing.Fails(new WrongOperand(1, "The number of decimal places", "a plain number written in the contract", arguments[1].DisplayName));
        }
        var type = arguments[0];
        for (int k = 1; k < arguments.Count; k++)
        {
            var unified = Unify(type, arguments[k], $"use in '{function.Name}' both");
            if (unified.Failed)
            {
                return unified;
            }
            type = unified.Type;
        }
        return Typing.Of(type);
    }

    private static string Hint(ValueType left, ValueType right)
    {
        if (left.Dimension == Dimension.Dollars && right.Dimension.IsNone || right.Dimension == Dimension.Dollars && left.Dimension.IsNone)
        {
            return "To take a share of an amount, multiply: for example '10% of benchmark' or 'benchmark * 10%'.";
        }
        if ((left.Dimension == Dimension.PerMemberMonth && right.Dimension == Dimension.Dollars)
            || (left.Dimension == Dimension.Dollars && right.Dimension == Dimension.PerMemberMonth))
        {
            return "Multiply the PMPM amount by member months to get money.";
        }
        return "Both sides must be in the same unit.";
    }

    /// <summary>
    /// A percent, a count and a year have no physical unit, but adding or comparing one with another is almost
    /// always a slip ('assigned_beneficiaries > 3%'): refuse it. Plain numbers and ratios go with any of them.
    /// </summary>
    private static bool Mismatched(ValueType a, ValueType b)
    {
        if (!a.Dimension.IsNone || !b.Dimension.IsNone)
        {
            return false;
        }
        static bool Countlike(NumberFlavor f) => f is NumberFlavor.Count or NumberFlavor.Year;
        return (a.Flavor == NumberFlavor.Percent && Countlike(b.Flavor)) || (b.Flavor == NumberFlavor.Percent && Countlike(a.Flavor));
    }

    private static string MismatchHint(ValueType a, ValueType b) =>
        $"A {(a.Flavor == NumberFlavor.Percent ? b.DisplayName : a.DisplayName)} is a whole number of things; a percent is a share. Compare a {(a.Flavor == NumberFlavor.Percent ? b.DisplayName : a.DisplayName)} with a number (5,000), and a percent with a percent.";

    private static NumberFlavor MergeFlavor(NumberFlavor a, NumberFlavor b)
    {
        if (a == b)
        {
            return a;
        }
        if (a == NumberFlavor.Percent || b == NumberFlavor.Percent)
        {
            return NumberFlavor.Percent;
        }
        if (a == NumberFlavor.Ratio || b == NumberFlavor.Ratio)
        {
            return NumberFlavor.Ratio;
        }
        if (a == NumberFlavor.Plain)
        {
            return b;
        }
        if (b == NumberFlavor.Plain)
        {
            return a;
        }
        return NumberFlavor.Plain;
    }
}
