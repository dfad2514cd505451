using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryAdd(ref decimal sum, decimal value)
    {
        // Most sums over the data add amounts of one sign whose digits fit in 64 bits (cents, member months): added
        // here as integers, the result decimal's own addition would give (the larger scale, the same sign), without
        // its general routine. Everything else, and any doubt, takes that routine and its exactness check.
        if (FastPath)
        {
            var a = Unsafe.As<decimal, DecimalBits>(ref sum);
            var b = Unsafe.As<decimal, DecimalBits>(ref value);
            if ((a.Hi | b.Hi) == 0 && ((a.Flags ^ b.Flags) & SignMask) == 0)
            {
                int scaleA = (a.Flags >> ScaleShift) & 0xFF, scaleB = (b.Flags >> ScaleShift) & 0xFF;
                ulong x = a.Lo, y = b.Lo;
                int flags = a.Flags;
                bool fits = true;
                if (scaleA != scaleB)
                {
                    int up = scaleA - scaleB;
                    if (up < 0)
                    {
                        up = -up;
                        (x, y, flags) = (y, x, b.Flags); // x: the operand of the larger scale
                    }
                    fits = up < PowersOf10.Length && Math.BigMul(y, PowersOf10[up], out y) == 0;
                }
                ulong r = x + y;
                if (fits && r >= x)
                {
                    Unsafe.As<decimal, DecimalBits>(ref sum) = new DecimalBits(flags, r);
                    return true;
                }
            }
        }
        return TryAddSlow(ref sum, value);
    }

    /// <summary>
    /// A decimal as a whole number of units of its scale (1234.56: 123456 units at scale 2), when that number fits in
    /// a long; false for a negative zero, whose sign the integer would lose.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryGetUnits(decimal value, out long units, out int scale)
    {
        if (!FastPath)
        {
            return TryGetUnitsByBits(value, out units, out scale);
        }
        // Small enough to be inlined where money is read (no stackalloc here): the readers call it for every value.
        var bits = Unsafe.As<decimal, DecimalBits>(ref value);
        return FromParts(bits.Flags, bits.Hi, bits.Lo, out units, out scale);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryGetUnitsByBits(decimal value, out long units, out int scale)
    {
        Span<int> parts = stackalloc int[4];
        decimal.GetBits(value, parts);
        return FromParts(parts[3], (uint)parts[2], (ulong)(uint)parts[1] << 32 | (uint)parts[0], out units, out scale);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FromParts(int flags, uint hi, ulong lo, out long units, out int scale)
    {
        scale = (flags >> ScaleShift) & 0xFF;
        bool negative = (flags & SignMask) != 0;
        if (hi != 0 || lo > long.MaxValue || (negative && lo == 0))
        {
            units = 0;
            return false;
        }
        units = negative ? -(long)lo : (long)lo;
        return true;
    }

    private static bool TryAddSlow(ref decimal sum, decimal value)
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

    private const int SignMask = unchecked((int)0x80000000);
    private const int ScaleShift = 16;

    private static readonly ulong[] PowersOf10 =
    {
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    };

    /// <summary>
    /// System.Decimal's fields in memory (flags: sign and scale; the high 32 bits; the low 64 bits of the 96-bit
    /// integer). The layout is checked once against <see cref="decimal.GetBits(decimal)"/>: if a runtime ever laid it
    /// out otherwise, the fast path stays off and every sum takes decimal's own addition.
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct DecimalBits
    {
        public readonly int Flags;
        public readonly uint Hi;
        public readonly ulong Lo;

        public DecimalBits(int flags, ulong lo)
        {
            Flags = flags;
            Hi = 0;
            Lo = lo;
        }
    }

    private static readonly bool FastPath = LayoutIsKnown();

    private static bool LayoutIsKnown()
    {
        if (Unsafe.SizeOf<decimal>() != Unsafe.SizeOf<DecimalBits>())
        {
            return false;
        }
        foreach (decimal d in new[] { -123456789012.345678m, 79228162514264337593543950335m, 0.0000000001m, -7m })
        {
            decimal copy = d;
            var bits = Unsafe.As<decimal, DecimalBits>(ref copy);
            int[] expected = decimal.GetBits(d);
            if (bits.Flags != expected[3] || bits.Hi != (uint)expected[2] || bits.Lo != ((ulong)(uint)expected[1] << 32 | (uint)expected[0]))
            {
                return false;
            }
        }
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
