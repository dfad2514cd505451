using System.Runtime.CompilerServices;

namespace Vbc.Operators;

/// <summary>
/// A problem a row can meet: first those an operator can meet on one value (a member's row, or a total), part of the
/// operator's definition: each function below says which problem it signals and what it returns meanwhile (0), so
/// every backend reports the same problem for the same values. Then the checks the member-level stage makes on a row
/// (its IR's <c>RowProblem</c> nodes carry one of these). The numbers are stable: other backends may store them.
/// </summary>
public enum RowProblem
{
    None = 0,
    /// <summary><c>a / b</c> with b = 0. The operator returns 0.</summary>
    DivisionByZero = 1,
    /// <summary>A result beyond ±79,228,162,514,264,337,593,543,950,335. Signalled by <see cref="OverflowException"/>.</summary>
    Overflow = 2,
    /// <summary><c>clamp(x, low, high)</c> with low &gt; high. The operator returns min(max(x, low), high), that is high.</summary>
    ClampReversed = 3,
    /// <summary>A table lookup whose key no row holds. The lookup returns 0.</summary>
    NoTableRow = 4,
    /// <summary>The member-level stage's check: a carved-out part below $0 or above its category (alone or with the category's other parts).</summary>
    CarveOutOutsideCategory = 5,
    /// <summary>The member-level stage's check: a value required to be above 0 (a risk score) is not.</summary>
    NotAboveZero = 6,
}

/// <summary>
/// The exact semantics of every numeric operator and function, one static function each, per value. The scalar
/// evaluator (totals and constants) and the member-level kernels (per row) both call these and nothing else, so the
/// two cannot disagree; a SQL backend follows the same rules, stated in docs/language.md ("Arithmetic").
///
/// <para><b>Precision and rounding of + - * / and of.</b> Numbers are <see cref="decimal"/>: a 96-bit whole number
/// (at most 79,228,162,514,264,337,593,543,950,335) scaled by 10^-s, s from 0 to 28. The result of an operation is
/// the exact result rounded to the most decimal places (at most 28) whose digits still fit in those 96 bits, so 28 or
/// 29 significant digits, <b>to the nearest, ties to even</b>: 2 / 3 = 0.6666666666666666666666666667,
/// 10 / 3 = 3.3333333333333333333333333333 (29 digits), 0.0000000000000000000000000005 / 2 =
/// 0.0000000000000000000000000002. A result whose whole part does not fit is <see cref="RowProblem.Overflow"/>.
/// Sums of data columns are not made with <see cref="Add"/> but with <c>Exact</c>, which is exact or fails.</para>
///
/// <para><b>round(x, places)</b> rounds halves away from zero (2.5 -> 3, -2.5 -> -3), places a whole number from 0 to
/// 28 checked when the contract is bound. floor rounds toward minus infinity, ceiling toward plus infinity.</para>
///
/// Every function is small and marked for inlining: the kernels call them in their per-row loops.
/// </summary>
public static class Arithmetic
{
    /// <summary>The most decimal places a decimal holds, and so the most <c>round</c> accepts.</summary>
    public const int MaxPlaces = 28;

    /// <summary>a + b, rounded as stated above; <see cref="OverflowException"/> beyond decimal's range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Add(decimal a, decimal b) => a + b;

    /// <summary>a - b, rounded as stated above; <see cref="OverflowException"/> beyond decimal's range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Subtract(decimal a, decimal b) => a - b;

    /// <summary>a * b (and a of b), rounded as stated above; <see cref="OverflowException"/> beyond decimal's range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Multiply(decimal a, decimal b) => a * b;

    /// <summary>
    /// a / b, rounded as stated above; <see cref="OverflowException"/> beyond decimal's range. Dividing by zero returns
    /// 0 and sets <paramref name="problem"/> to <see cref="RowProblem.DivisionByZero"/> (when it holds no problem yet).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Divide(decimal a, decimal b, ref RowProblem problem)
    {
        if (b == 0)
        {
            if (problem == RowProblem.None)
            {
                problem = RowProblem.DivisionByZero;
            }
            return 0;
        }
        return a / b;
    }

    /// <summary>-a (never overflows: decimal's range is symmetric).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Negate(decimal a) => -a;

    /// <summary>The smaller of a and b; a when they are equal (1.0 and 1.00 are equal: only trailing zeros could differ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Min(decimal a, decimal b) => b < a ? b : a;

    /// <summary>The larger of a and b; a when they are equal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Max(decimal a, decimal b) => b > a ? b : a;

    /// <summary>
    /// x raised to low and lowered to high: min(max(x, low), high). With low &gt; high it returns high and sets
    /// <paramref name="problem"/> to <see cref="RowProblem.ClampReversed"/> (when it holds no problem yet).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Clamp(decimal x, decimal low, decimal high, ref RowProblem problem)
    {
        if (low > high && problem == RowProblem.None)
        {
            problem = RowProblem.ClampReversed;
        }
        // On a tie x is kept against low and high against x (only trailing zeros could differ: 0.4 = 0.40).
        decimal raised = x < low ? low : x;
        return raised < high ? raised : high;
    }

    /// <summary>|a|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Abs(decimal a) => Math.Abs(a);

    /// <summary>
    /// x rounded to <paramref name="places"/> decimal places, halves away from zero. The places come from
    /// <see cref="Places"/>: the binder has checked them (VBC2043, VBC2009, VBC2110), so no other count reaches here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Round(decimal x, int places) => Math.Round(x, places, MidpointRounding.AwayFromZero);

    /// <summary>The largest whole number not above a (toward minus infinity: floor(-1.5) = -2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Floor(decimal a) => Math.Floor(a);

    /// <summary>The smallest whole number not below a (toward plus infinity: ceiling(-1.5) = -1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static decimal Ceiling(decimal a) => Math.Ceiling(a);

    /// <summary>Whether a number is a valid count of decimal places for <c>round</c>: a whole number from 0 to 28.</summary>
    public static bool IsValidPlaces(decimal places) => places >= 0 && places <= MaxPlaces && places == decimal.Truncate(places);

    /// <summary>
    /// The places of <c>round</c> as a count. A count the binder would have refused here is a defect in the caller,
    /// never a user error: it throws rather than round to some other number of places.
    /// </summary>
    public static int Places(decimal places) => IsValidPlaces(places)
        ? (int)places
        : throw new ArgumentOutOfRangeException(nameof(places), places, "round's places must be a whole number from 0 to 28; the binder checks this (VBC2043, VBC2009, VBC2110).");

    /// <summary>
    /// The result of an interpolated table row at x: atLow + (atHigh - atLow) x (x - low) / (high - low), in that order
    /// of operations (each rounded as stated above); atLow when the row's key range is one value (high = low).
    /// </summary>
    public static decimal Interpolate(decimal x, decimal low, decimal high, decimal atLow, decimal atHigh) =>
        high == low ? atLow : atLow + (atHigh - atLow) * (x - low) / (high - low);
}
