namespace Vbc.Data.Synthetic;

/// <summary>
/// Natural logarithm and exponential computed with IEEE-754 additions, multiplications and divisions only, so the
/// result is the same bit for bit on every machine, operating system and .NET version. <see cref="Math.Log(double)"/>
/// and <see cref="Math.Exp"/> call the platform's C library, whose last bit may differ between platforms; one
/// differing bit in a sampled cost can move a written cent, and the generator promises identical bytes.
/// Accuracy is a few units in the last place, far more than sampling needs.
/// </summary>
internal static class DeterministicMath
{
    // ln 2 split in two (fdlibm's constants): Ln2Hi has its low bits zero, so k * Ln2Hi is exact for |k| < 2^11.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double InvLn2 = 1.44269504088896338700e+00;
    private const double Sqrt2 = 1.41421356237309504880;

    /// <summary>e^x. Overflows to +infinity above 709.7 and underflows to 0 below -745.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x))
        {
            return x;
        }
        if (x > 709.7)
        {
            return double.PositiveInfinity;
        }
        if (x < -745.0)
        {
            return 0.0;
        }

        // x = k ln2 + r with |r| <= ln2 / 2.
        double k = Math.Round(x * InvLn2);
        double r = (x - k * Ln2Hi) - k * Ln2Lo;

        // Taylor series of e^r to r^14 / 14!: the truncation error is below 1e-18 for |r| <= 0.347.
        double p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720
            + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800
            + r * (1.0 / 479001600 + r * (1.0 / 6227020800 + r * (1.0 / 87178291200))))))))))))));

        return ScaleByPowerOfTwo(p, (int)k);
    }

    /// <summary>The natural logarithm of x: -infinity for 0, NaN for negative numbers and NaN.</summary>
    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0.0)
        {
            return double.NaN;
        }
        if (x == 0.0)
        {
            return double.NegativeInfinity;
        }
        if (double.IsPositiveInfinity(x))
        {
            return x;
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF);
        if (exponent == 0)
        {
            // Subnormal: scale into the normal range first (exact).
            x *= 18014398509481984.0; // 2^54
            bits = BitConverter.DoubleToInt64Bits(x);
            exponent = (int)((bits >> 52) & 0x7FF) - 54;
        }
        exponent -= 1023;

        // x = m 2^e with m in [sqrt(1/2), sqrt(2)).
        double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (m > Sqrt2)
        {
            m *= 0.5;
            exponent++;
        }

        // ln m = 2 atanh(f) = 2 (f + f^3/3 + f^5/5 + ...), f = (m - 1) / (m + 1), |f| <= 0.1716.
        double f = (m - 1.0) / (m + 1.0);
        double s = f * f;
        double series = 1.0 + s * (1.0 / 3 + s * (1.0 / 5 + s * (1.0 / 7 + s * (1.0 / 9 + s * (1.0 / 11 + s * (1.0 / 13
            + s * (1.0 / 15 + s * (1.0 / 17 + s * (1.0 / 19 + s * (1.0 / 21 + s * (1.0 / 23)))))))))));
        double lnM = 2.0 * f * series;

        double e = exponent;
        return e * Ln2Hi + (lnM + e * Ln2Lo);
    }

    private static double ScaleByPowerOfTwo(double value, int k)
    {
        // Multiply by 2^k in at most two exact steps (each factor is a normal power of two).
        if (k > 1023)
        {
            value *= PowerOfTwo(1023);
            k -= 1023;
        }
        else if (k < -1022)
        {
            value *= PowerOfTwo(-1022);
            k += 1022;
        }
        return value * PowerOfTwo(Math.Clamp(k, -1022, 1023));
    }

    private static double PowerOfTwo(int k) => BitConverter.Int64BitsToDouble((long)(k + 1023) << 52);
}
