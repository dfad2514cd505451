using System.Runtime.CompilerServices;
using Vbc.Semantics;
using Vbc.Syntax;

namespace Vbc.Operators;

/// <summary>
/// The exact semantics of = != &lt; &lt;= &gt; &gt;= and of and / or / not / if, per value. Numbers compare by value
/// (1.0 = 1.00), dates by day, yes/no and text only for equality (the binder refuses ordering them), text by its
/// characters exactly (ordinal, case counts: "LEJR" != "lejr"). No comparison meets a problem of its own.
/// </summary>
public static class Comparison
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Order(decimal a, decimal b) => a.CompareTo(b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Order(DateOnly a, DateOnly b) => a.CompareTo(b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Order(bool a, bool b) => a.CompareTo(b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Order(string a, string b) => string.CompareOrdinal(a, b);

    /// <summary>Two values of the same kind (the binder has unified them), in the order above.</summary>
    public static int Order(Value a, Value b) => a.Kind switch
    {
        ValueKind.Number => Order(a.Number, b.Number),
        ValueKind.Date => Order(a.Date, b.Date),
        ValueKind.Text => Order(a.Text, b.Text),
        ValueKind.Flag => Order(a.Flag, b.Flag),
        _ => 0,
    };

    /// <summary>Whether a comparison holds for two values whose order is <paramref name="order"/> (negative, 0, positive).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Holds(BinaryOperator op, int order) => op switch
    {
        BinaryOperator.Less => order < 0,
        BinaryOperator.LessOrEqual => order <= 0,
        BinaryOperator.Greater => order > 0,
        BinaryOperator.GreaterOrEqual => order >= 0,
        BinaryOperator.Equal => order == 0,
        BinaryOperator.NotEqual => order != 0,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "Not a comparison."),
    };

    /// <summary>
    /// Whether 'and' ('or') needs its right side once the left is known: only when the left is yes (no). A problem on
    /// the right side (a division by zero) counts only where the right side is needed; the result is then the right.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool NeedsRight(bool isAnd, bool left) => isAnd ? left : !left;

    /// <summary>'a and b' / 'a or b' given both sides; with <see cref="NeedsRight"/> this is short-circuit evaluation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Logical(bool isAnd, bool left, bool right) => NeedsRight(isAnd, left) ? right : left;
}
