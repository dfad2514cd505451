using System.Runtime.CompilerServices;

namespace Vbc.Data;

internal enum ParseOutcome : byte
{
    Ok,
    Empty,
    Invalid,
    TooManyDigits,
    OutOfRange,
    AmbiguousPercent,
}

/// <summary>
/// Exact parsers for values written in data files, on trimmed UTF-8 bytes. Numbers are built from their digits
/// into a decimal mantissa and scale, never through binary floating point, and never rounded: a value that cannot
/// be held exactly is refused.
/// </summary>
internal static class ValueParsers
{
    private const ulong FastLimit = 1_000_000_000_000_000_000UL; // 10^18: one more digit still fits a ulong

    /// <summary>
    /// A plain decimal: optional sign, digits, optional point and digits (<c>1234.56</c>, <c>-12.5</c>, <c>.5</c>).
    /// With <paramref name="money"/>, a <c>$</c> may come before or after the sign and the whole part may have
    /// thousands separators in groups of three (<c>$1,234.56</c>). No exponents, no spaces inside.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParseOutcome ParseDecimal(ReadOnlySpan<byte> s, bool money, out decimal value)
    {
        // The common case first: unsigned digits with an optional point, at most 19 bytes (so at most 19 digits,
        // which a ulong holds).
        int n = s.Length;
        if ((uint)(n - 1) < 19u)
        {
            ulong m = 0;
            int i = 0;
            uint d;
            while (i < n && (d = (uint)(s[i] - (byte)'0')) <= 9)
            {
                m = (m * 10) + d;
                i++;
            }
            if (i == n)
            {
                value = new decimal(m);
                return ParseOutcome.Ok;
            }
            if (s[i] == (byte)'.' && n > 1)
            {
                int dot = i++;
                while (i < n && (d = (uint)(s[i] - (byte)'0')) <= 9)
                {
                    m = (m * 10) + d;
                    i++;
                }
                if (i == n)
                {
                    value = new decimal((int)(uint)m, (int)(uint)(m >> 32), 0, false, (byte)(n - dot - 1));
                    return ParseOutcome.Ok;
                }
            }
        }
        return ParseGeneral(s, money, out value);
    }

    private static ParseOutcome ParseGeneral(ReadOnlySpan<byte> s, bool money, out decimal value)
    {
        value = 0m;
        int n = s.Length;
        if (n == 0)
        {
            return ParseOutcome.Empty;
        }
        int i = 0;
        bool negative = false;
        bool signed = false;
        if (s[0] == (byte)'-' || s[0] == (byte)'+')
        {
            negative = s[0] == (byte)'-';
            signed = true;
            i = 1;
        }
        if (money && i < n && s[i] == (byte)'$')
        {
            i++;
            if (!signed && i < n && (s[i] == (byte)'-' || s[i] == (byte)'+'))
            {
                negative = s[i] == (byte)'-';
                i++;
            }
        }
        ulong m = 0;
        int scale = 0;
        bool anyDigit = false;
        int digitsStart = i;
        while (i < n)
        {
            uint d = (uint)(s[i] - (byte)'0');
            if (d > 9)
            {
                break;
            }
            if (m >= FastLimit)
            {
                return ParseSlow(s, digitsStart, negative, money, out value);
            }
            m = m * 10 + d;
            anyDigit = true;
            i++;
        }
        if (i < n && s[i] == (byte)'.')
        {
            i++;
            while (i < n)
            {
                uint d = (uint)(s[i] - (byte)'0');
                if (d > 9)
                {
                    break;
                }
                if (m >= FastLimit)
                {
                    return ParseSlow(s, digitsStart, negative, money, out value);
                }
                m = m * 10 + d;
                scale++;
                anyDigit = true;
                i++;
            }
        }
        if (i < n)
        {
            return money && s[i] == (byte)',' ? ParseSlow(s, digitsStart, negative, money, out value) : ParseOutcome.Invalid;
        }
        if (!anyDigit)
        {
            return ParseOutcome.Invalid;
        }
        if (scale > 28)
        {
            return ParseSlow(s, digitsStart, negative, money, out value);
        }
        value = new decimal((int)(uint)m, (int)(uint)(m >> 32), 0, negative && m != 0, (byte)scale);
        return ParseOutcome.Ok;
    }

    /// <summary>Long numbers and numbers with thousands separators: checks the shape, then builds the value exactly.</summary>
    private static ParseOutcome ParseSlow(ReadOnlySpan<byte> s, int i, bool negative, bool money, out decimal value)
    {
        value = 0m;
        int n = s.Length;
        Span<byte> whole = stackalloc byte[64];
        Span<byte> frac = stackalloc byte[64];
        int wholeCount = 0;
        int fracCount = 0;
        int groupLength = 0;
        bool sawSeparator = false;
        bool anyDigit = false;
        // Whole part, with optional separators.
        while (i < n)
        {
            byte b = s[i];
            if (b >= (byte)'0' && b <= (byte)'9')
            {
                if (wholeCount == 0 && b == (byte)'0')
                {
                    // Leading zeros carry no value; they still count for the grouping check.
                }
                else
                {
                    if (wholeCount == whole.Length)
                    {
                        return ParseOutcome.TooManyDigits;
                    }
                    whole[wholeCount++] = b;
                }
                anyDigit = true;
                groupLength++;
                i++;
            }
            else if (b == (byte)',' && money)
            {
                // Separators: the first group has 1 to 3 digits, later groups exactly 3.
                if (groupLength == 0 || groupLength > 3 || (sawSeparator && groupLength != 3))
                {
                    return ParseOutcome.Invalid;
                }
                sawSeparator = true;
                groupLength = 0;
                i++;
            }
            else
            {
                break;
            }
        }
        if (sawSeparator && groupLength != 3)
        {
            return ParseOutcome.Invalid;
        }
        if (i < n && s[i] == (byte)'.')
        {
            i++;
            while (i < n && s[i] >= (byte)'0' && s[i] <= (byte)'9')
            {
                if (fracCount == frac.Length)
                {
                    // Only zeros may follow: they do not change the value.
                    if (s[i] != (byte)'0')
                    {
                        return ParseOutcome.TooManyDigits;
                    }
                }
                else
                {
                    frac[fracCount++] = s[i];
                }
                anyDigit = true;
                i++;
            }
        }
        if (i < n || !anyDigit)
        {
            return ParseOutcome.Invalid;
        }
        // Fit into a decimal: at most 28 decimals and a mantissa below 2^96. Trailing zeros of the fraction
        // may be dropped when needed (the value is unchanged); nothing else is.
        while ((fracCount > 28 || wholeCount + fracCount > 29) && fracCount > 0 && frac[fracCount - 1] == (byte)'0')
        {
            fracCount--;
        }
        if (fracCount > 28 || wholeCount + fracCount > 29)
        {
            return ParseOutcome.TooManyDigits;
        }
        UInt128 m = 0;
        for (int k = 0; k < wholeCount; k++)
        {
            m = m * 10 + (uint)(whole[k] - (byte)'0');
        }
        for (int k = 0; k < fracCount; k++)
        {
            m = m * 10 + (uint)(frac[k] - (byte)'0');
        }
        if (m >> 96 != 0)
        {
            return ParseOutcome.TooManyDigits;
        }
        value = new decimal((int)(uint)m, (int)(uint)(m >> 32), (int)(uint)(m >> 64), negative && m != 0, (byte)fracCount);
        return ParseOutcome.Ok;
    }

    /// <summary>
    /// A number column's text by how the contract declares it (money or a plain number, percent, count, year, member
    /// months): the one dispatch both readers use, so CSV and text in a Parquet file are read by the same rule.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ParseOutcome ParseNumber(PlanKind kind, ReadOnlySpan<byte> s, bool allowDollar, out decimal value)
    {
        switch (kind)
        {
            case PlanKind.Percent:
                return ParsePercent(s, out value);
            case PlanKind.Count:
                return ParseCount(s, out value);
            case PlanKind.Year:
                return ParseYear(s, out value);
            case PlanKind.MemberMonths:
                return ParseMemberMonths(s, out value);
            default:
                return ParseDecimal(s, allowDollar, out value);
        }
    }

    /// <summary>
    /// The checks the text parsers make, on a number that arrives already typed (a Parquet DECIMAL or integer): a
    /// percent beyond 1 is ambiguous, counts and years are whole (and read without decimals, as <c>12.0</c> is read as
    /// 12), member months lie from 0 to 12. Data in a typed file is accepted and refused exactly as the same text in
    /// a CSV file is.
    /// </summary>
    public static ParseOutcome CheckNumber(PlanKind kind, ref decimal value)
    {
        switch (kind)
        {
            case PlanKind.Percent:
                return value > 1m || value < -1m ? ParseOutcome.AmbiguousPercent : ParseOutcome.Ok;
            case PlanKind.Count:
                if (value != decimal.Truncate(value))
                {
                    return ParseOutcome.Invalid;
                }
                if (value < 0m)
                {
                    return ParseOutcome.OutOfRange;
                }
                value = decimal.Truncate(value);
                return ParseOutcome.Ok;
            case PlanKind.Year:
                if (value != decimal.Truncate(value))
                {
                    return ParseOutcome.Invalid;
                }
                value = decimal.Truncate(value);
                return value is < 1000m or > 9999m ? ParseOutcome.OutOfRange : ParseOutcome.Ok;
            case PlanKind.MemberMonths:
                return value is < 0m or > 12m ? ParseOutcome.OutOfRange : ParseOutcome.Ok;
            default:
                return ParseOutcome.Ok;
        }
    }

    /// <summary><c>92%</c> is 0.92; a plain number is a fraction (<c>0.92</c>); a plain number beyond ±1 is ambiguous.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParseOutcome ParsePercent(ReadOnlySpan<byte> s, out decimal value)
    {
        value = 0m;
        if (s.Length == 0)
        {
            return ParseOutcome.Empty;
        }
        if (s[^1] == (byte)'%')
        {
            var outcome = ParseDecimal(CsvSyntax.Trim(s[..^1]), money: false, out decimal percent);
            if (outcome == ParseOutcome.Empty)
            {
                return ParseOutcome.Invalid;
            }
            if (outcome != ParseOutcome.Ok)
            {
                return outcome;
            }
            if (percent.Scale > 26)
            {
                return ParseOutcome.TooManyDigits;
            }
            // Exact: multiplying by 0.01 only moves the decimal point.
            value = percent * 0.01m;
            return ParseOutcome.Ok;
        }
        var plain = ParseDecimal(s, money: false, out value);
        if (plain == ParseOutcome.Ok && (value > 1m || value < -1m))
        {
            return ParseOutcome.AmbiguousPercent;
        }
        return plain;
    }

    /// <summary>A whole number of 0 or more; <c>12.0</c> is accepted as 12.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParseOutcome ParseCount(ReadOnlySpan<byte> s, out decimal value)
    {
        if (TryPlainWhole(s, out ulong whole))
        {
            value = new decimal(whole);
            return ParseOutcome.Ok;
        }
        var outcome = ParseDecimal(s, money: false, out value);
        if (outcome != ParseOutcome.Ok)
        {
            return outcome;
        }
        if (value != decimal.Truncate(value))
        {
            return ParseOutcome.Invalid;
        }
        if (value < 0m)
        {
            return ParseOutcome.OutOfRange;
        }
        value = decimal.Truncate(value);
        return ParseOutcome.Ok;
    }

    /// <summary>1 to 18 digits and nothing else: the common shape of counts, years and member months.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryPlainWhole(ReadOnlySpan<byte> s, out ulong value)
    {
        value = 0;
        if ((uint)(s.Length - 1) >= 18u)
        {
            return false;
        }
        foreach (byte b in s)
        {
            uint d = (uint)(b - (byte)'0');
            if (d > 9)
            {
                return false;
            }
            value = (value * 10) + d;
        }
        return true;
    }

    /// <summary>A four-digit year, 1000 to 9999.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParseOutcome ParseYear(ReadOnlySpan<byte> s, out decimal value)
    {
        if (TryPlainWhole(s, out ulong whole))
        {
            value = new decimal(whole);
            return whole is < 1000 or > 9999 ? ParseOutcome.OutOfRange : ParseOutcome.Ok;
        }
        var outcome = ParseDecimal(s, money: false, out value);
        if (outcome != ParseOutcome.Ok)
        {
            return outcome;
        }
        if (value != decimal.Truncate(value))
        {
            return ParseOutcome.Invalid;
        }
        value = decimal.Truncate(value);
        return value is < 1000m or > 9999m ? ParseOutcome.OutOfRange : ParseOutcome.Ok;
    }

    /// <summary>Member months in a year: 0 to 12, fractions allowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParseOutcome ParseMemberMonths(ReadOnlySpan<byte> s, out decimal value)
    {
        if (TryPlainWhole(s, out ulong whole))
        {
            value = new decimal(whole);
            return whole > 12 ? ParseOutcome.OutOfRange : ParseOutcome.Ok;
        }
        var outcome = ParseDecimal(s, money: false, out value);
        if (outcome != ParseOutcome.Ok)
        {
            return outcome;
        }
        return value is < 0m or > 12m ? ParseOutcome.OutOfRange : ParseOutcome.Ok;
    }

    /// <summary>1/0, true/false, yes/no, y/n, t/f, in any case.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParseOutcome ParseFlag(ReadOnlySpan<byte> s, out bool value)
    {
        value = false;
        switch (s.Length)
        {
            case 0:
                return ParseOutcome.Empty;
            case 1:
                byte c = s[0];
                if (c == (byte)'1')
                {
                    value = true;
                    return ParseOutcome.Ok;
                }
                if (c == (byte)'0')
                {
                    return ParseOutcome.Ok;
                }
                c |= 0x20;
                if (c == (byte)'y' || c == (byte)'t')
                {
                    value = true;
                    return ParseOutcome.Ok;
                }
                return c == (byte)'n' || c == (byte)'f' ? ParseOutcome.Ok : ParseOutcome.Invalid;
            default:
                if (EqualsIgnoreCase(s, "true"u8) || EqualsIgnoreCase(s, "yes"u8))
                {
                    value = true;
                    return ParseOutcome.Ok;
                }
                if (EqualsIgnoreCase(s, "false"u8) || EqualsIgnoreCase(s, "no"u8))
                {
                    return ParseOutcome.Ok;
                }
                return ParseOutcome.Invalid;
        }
    }

    /// <summary>YYYY-MM-DD, a real calendar date.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ParseOutcome ParseDate(ReadOnlySpan<byte> s, out DateOnly value)
    {
        value = default;
        if (s.Length == 0)
        {
            return ParseOutcome.Empty;
        }
        if (s.Length != 10 || s[4] != (byte)'-' || s[7] != (byte)'-')
        {
            return ParseOutcome.Invalid;
        }
        if (!Digits(s.Slice(0, 4), out int year) || !Digits(s.Slice(5, 2), out int month) || !Digits(s.Slice(8, 2), out int day))
        {
            return ParseOutcome.Invalid;
        }
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return ParseOutcome.Invalid;
        }
        value = new DateOnly(year, month, day);
        return ParseOutcome.Ok;
    }

    private static bool Digits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (byte b in s)
        {
            uint d = (uint)(b - (byte)'0');
            if (d > 9)
            {
                return false;
            }
            value = value * 10 + (int)d;
        }
        return true;
    }

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lower)
    {
        if (s.Length != lower.Length)
        {
            return false;
        }
        for (int i = 0; i < s.Length; i++)
        {
            if ((s[i] | 0x20) != lower[i])
            {
                return false;
            }
        }
        return true;
    }
}
