using System.Numerics;

namespace Vbc.Evaluation;

/// <summary>
/// Exact-or-fail decimal addition. <c>decimal</c> throws when a result exceeds about 7.9e28, but when a sum needs
/// more than 28-29 significant digits (9999999999999999999999999999 + 0.01) it silently drops the low digits:
/// cents vanish and "dollars in = dollars out" can no longer be trusted. Every sum of money over the data goes
/// through here, so it is exact or it fails, and the caller names the column.
/// </summary>
public static class Exact
{
    /// <summary>a + b, exactly; false (and <paramref name="sum"/> unchanged) when the result cannot be held exactly.</summary>
    public static bool TryAdd(ref decimal sum, decimal value)
    {
        decimal a = sum;
        decimal r;
        try
        {
            r = a + value;
        }
        catch (OverflowException)
        {
            return false;
        }
        // Decimal keeps the larger scale of its operands unless the digits do not fit; only then can it round.
        if (r.Scale < Math.Max(a.Scale, value.Scale) && !IsExactSum(a, value, r))
        {
            return false;
        }
        sum = r;
        return true;
    }

    /// <summary>a + b, exactly, or an <see cref="OverflowException"/> (which settlement turns into a positioned diagnostic).</summary>
    public static decimal Add(decimal a, decimal b)
    {
        if (!TryAdd(ref a, b))
        {
            throw new OverflowException("The sum cannot be held exactly in 28 significant digits.");
        }
        return a;
    }

    /// <summary>The exact sum of the values, or an <see cref="OverflowException"/>.</summary>
    public static decimal Sum(IEnumerable<decimal> values)
    {
        decimal sum = 0;
        foreach (var v in values)
        {
            sum = Add(sum, v);
        }
        return sum;
    }

    /// <summary>Whether r = a + b exactly, compared as integers at the largest scale (the rare, slow path).</summary>
    private static bool IsExactSum(decimal a, decimal b, decimal r)
    {
        int scale = Math.Max(Math.Max(a.Scale, b.Scale), r.Scale);
        return Scaled(a, scale) + Scaled(b, scale) == Scaled(r, scale);
    }

    private static BigInteger Scaled(decimal d, int scale)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(d, bits);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        if (d < 0)
        {
            mantissa = -mantissa;
        }
        return mantissa * BigInteger.Pow(10, scale - d.Scale);
    }
}
