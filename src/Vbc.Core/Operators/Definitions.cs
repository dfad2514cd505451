using Vbc.Evaluation;
using Vbc.Semantics;
using Vbc.Syntax;

namespace Vbc.Operators;

/// <summary>
/// What an operator or a function is, for every stage that needs to know: its spelling, how many values it takes,
/// what it means, and the row problems it can signal. Its types are <see cref="TypeRules"/>, its exact semantics
/// <see cref="Arithmetic"/> and <see cref="Comparison"/>. The enums <see cref="BinaryOperator"/>,
/// <see cref="UnaryOperator"/> and <see cref="BuiltInFunction"/> are the keys.
/// </summary>
public abstract record OperatorDefinition(string Name, string Meaning, EquatableArray<RowProblem> Problems);

public sealed record BinaryDefinition(BinaryOperator Operator, string Name, string Meaning, EquatableArray<RowProblem> Problems)
    : OperatorDefinition(Name, Meaning, Problems);

public sealed record UnaryDefinition(UnaryOperator Operator, string Name, string Meaning)
    : OperatorDefinition(Name, Meaning, EquatableArray<RowProblem>.Empty);

/// <summary>
/// A built-in function: <paramref name="Parameters"/> as editors show them, <paramref name="Arity"/> what it takes in
/// words (for VBC2024), <paramref name="Meaning"/> one sentence for hovers and documentation.
/// </summary>
public sealed record FunctionDefinition(BuiltInFunction Function, string Name, string Parameters, int MinArguments, int MaxArguments, string Arity, string Meaning, EquatableArray<RowProblem> Problems)
    : OperatorDefinition(Name, Meaning, Problems);

/// <summary>Why round's places are refused, with the value when there is one.</summary>
public enum PlacesProblem
{
    None,
    /// <summary>Not known from the contract's text (an input, a column, a clause's value): VBC2110.</summary>
    NotFixed,
    /// <summary>Known from the text, but working it out meets a problem (a division by zero): VBC2111.</summary>
    CannotWorkOut,
    /// <summary>Has a fraction (2.5): VBC2043.</summary>
    NotWhole,
    /// <summary>Below 0 or above 28: VBC2009.</summary>
    OutOfRange,
}

public static class Definitions
{
    private static EquatableArray<RowProblem> Problems(params RowProblem[] problems) => problems.ToEquatableArray();

    private static readonly EquatableArray<RowProblem> None = EquatableArray<RowProblem>.Empty;

    private static readonly EquatableArray<RowProblem> Overflows = Problems(RowProblem.Overflow);

    public static readonly IReadOnlyList<BinaryDefinition> BinaryOperators =
    [
        new(BinaryOperator.Add, "+", "a + b, same unit on both sides", Overflows),
        new(BinaryOperator.Subtract, "-", "a - b, same unit on both sides", Overflows),
        new(BinaryOperator.Multiply, "*", "a x b; units multiply", Overflows),
        new(BinaryOperator.Of, "of", "a x b, a without unit ('10% of benchmark')", Overflows),
        new(BinaryOperator.Divide, "/", "a / b; units divide; 0 and a division-by-zero problem when b = 0", Problems(RowProblem.DivisionByZero, RowProblem.Overflow)),
        new(BinaryOperator.Equal, "=", "same value (numbers by value, dates by day, text exactly)", None),
        new(BinaryOperator.NotEqual, "!=", "different values", None),
        new(BinaryOperator.Less, "<", "numbers or dates, a before b", None),
        new(BinaryOperator.LessOrEqual, "<=", "numbers or dates", None),
        new(BinaryOperator.Greater, ">", "numbers or dates", None),
        new(BinaryOperator.GreaterOrEqual, ">=", "numbers or dates", None),
        new(BinaryOperator.And, "and", "yes when both are; the right side only where the left is yes", None),
        new(BinaryOperator.Or, "or", "yes when either is; the right side only where the left is no", None),
    ];

    public static readonly IReadOnlyList<UnaryDefinition> UnaryOperators =
    [
        new(UnaryOperator.Negate, "-", "minus a, same unit"),
        new(UnaryOperator.Plus, "+", "a, same unit"),
        new(UnaryOperator.Not, "not", "yes when a is no"),
    ];

    public static readonly IReadOnlyList<FunctionDefinition> Functions =
    [
        new(BuiltInFunction.Min, "min", "a, b, ...", 2, int.MaxValue, "two or more values", "the smallest of two or more values, all in the same unit", None),
        new(BuiltInFunction.Max, "max", "a, b, ...", 2, int.MaxValue, "two or more values", "the largest of two or more values, all in the same unit", None),
        new(BuiltInFunction.Clamp, "clamp", "value, lowest, highest", 3, 3, "three values: clamp(value, lowest, highest)",
            "the value, raised to the lowest or lowered to the highest if it lies outside them; a lowest above the highest is a problem (the highest is kept meanwhile)",
            Problems(RowProblem.ClampReversed)),
        new(BuiltInFunction.Abs, "abs", "value", 1, 1, "one value", "the value without its sign", None),
        new(BuiltInFunction.Round, "round", "value, places", 2, 2, "two values: round(value, decimal places)",
            "the value rounded to a number of decimal places, half away from zero; the places are a whole number from 0 to 28 fixed in the contract", None),
        new(BuiltInFunction.Floor, "floor", "value", 1, 1, "one value", "the largest whole number not above the value", None),
        new(BuiltInFunction.Ceiling, "ceiling", "value", 1, 1, "one value", "the smallest whole number not below the value", None),
    ];

    private static readonly Dictionary<string, FunctionDefinition> ByName =
        Functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public static bool TryFunction(string name, out FunctionDefinition function) => ByName.TryGetValue(name, out function!);

    public static FunctionDefinition Function(BuiltInFunction function) => Functions.First(f => f.Function == function);

    public static BinaryDefinition Binary(BinaryOperator op) => BinaryOperators.First(d => d.Operator == op);

    /// <summary>
    /// round's places, checked when the contract is bound: fixed by the text (a number, or a value that is one), whole,
    /// from 0 to 28. A count known only at settlement is refused rather than checked later: every backend can then
    /// round with a count it knows before any row is read, and no settlement stops on it.
    /// </summary>
    public static (PlacesProblem Problem, decimal Value, string? Why) CheckPlaces(BoundExpression places)
    {
        if (places.Level != EvaluationLevel.Constant)
        {
            return (PlacesProblem.NotFixed, 0, null);
        }
        var (value, why) = Evaluator.TryConstantOrProblem(places);
        if (value is not { Kind: ValueKind.Number } v)
        {
            // Without a problem in words, a value it uses has its own error (a circle), already reported.
            return (why is null ? PlacesProblem.None : PlacesProblem.CannotWorkOut, 0, why);
        }
        if (v.Number != decimal.Truncate(v.Number))
        {
            return (PlacesProblem.NotWhole, v.Number, null);
        }
        return Arithmetic.IsValidPlaces(v.Number) ? (PlacesProblem.None, v.Number, null) : (PlacesProblem.OutOfRange, v.Number, null);
    }
}
