using System.Numerics;
using Vbc.Evaluation;

namespace Vbc.Tests.Independent;

/// <summary>
/// <see cref="Exact.TryAdd"/> adds most sums as 64-bit integers (same sign, digits within 64 bits) instead of
/// decimal's own routine. Its results must be the very decimals that routine gives: the same value, the same scale
/// and the same sign, bit for bit; and it must refuse exactly the sums the routine cannot hold.
/// </summary>
public class ExactAdditionTests
{
    [Fact]
    public void Sums_are_decimal_addition_bit_for_bit_or_refused_as_it_would_round()
    {
        var random = new Random(20261128);
        var values = new List<decimal>();
        for (int i = 0; i < 4000; i++)
        {
            values.Add(RandomDecimal(random));
        }
        values.AddRange(new[]
        {
            0m, -0m, 0.00m, new decimal(0, 0, 0, true, 2), 1m, -1m, 0.01m, -0.01m, 12m, 7.5m, 1935.34m, -1935.34m,
            ulong.MaxValue, -(decimal)ulong.MaxValue, ulong.MaxValue - 1m, (decimal)long.MaxValue + 1m, decimal.MaxValue, decimal.MinValue,
            9999999999999999999999999999m, 0.0000000000000000000000000001m, 18446744073709551.615m, 1844674407370955161.5m,
        });
        int pairs = 0;
        foreach (decimal a in values.Take(60))
        {
            foreach (decimal b in values)
            {
                Check(a, b);
                Check(b, a);
                pairs++;
            }
        }
        Assert.True(pairs > 240_000);
    }

    [Fact]
    public void Sums_of_cents_and_member_months_keep_decimal_scale_and_sign()
    {
        decimal sum = 0m;
        Assert.True(Exact.TryAdd(ref sum, 1935.34m));
        Assert.Equal(decimal.GetBits(1935.34m), decimal.GetBits(sum));
        Assert.True(Exact.TryAdd(ref sum, 12m));
        Assert.Equal(decimal.GetBits(1947.34m), decimal.GetBits(sum));
        Assert.True(Exact.TryAdd(ref sum, -1947.34m));
        Assert.Equal(decimal.GetBits(1947.34m + -1947.34m), decimal.GetBits(sum));
        decimal negative = -0.50m;
        Assert.True(Exact.TryAdd(ref negative, -2.5m));
        Assert.Equal(decimal.GetBits(-3.00m), decimal.GetBits(negative));
    }

    private static void Check(decimal a, decimal b)
    {
        decimal sum = a;
        bool added = Exact.TryAdd(ref sum, b);
        bool expected = Reference(a, b, out decimal r);
        Assert.True(expected == added, $"{a} + {b}: expected {(expected ? "a sum" : "a refusal")}");
        if (added)
        {
            Assert.True(decimal.GetBits(r).SequenceEqual(decimal.GetBits(sum)), $"{a} + {b} = {r}, not {sum}");
        }
        else
        {
            Assert.True(decimal.GetBits(a).SequenceEqual(decimal.GetBits(sum)), $"{a} + {b} refused but the sum changed");
        }
    }

    /// <summary>Decimal's own addition, kept only when the result equals the exact sum of the operands.</summary>
    private static bool Reference(decimal a, decimal b, out decimal r)
    {
        try
        {
            r = a + b;
        }
        catch (OverflowException)
        {
            r = 0;
            return false;
        }
        int scale = Math.Max(Math.Max(a.Scale, b.Scale), r.Scale);
        return Scaled(a, scale) + Scaled(b, scale) == Scaled(r, scale);
    }

    private static BigInteger Scaled(decimal d, int scale)
    {
        int[] bits = decimal.GetBits(d);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        return (d < 0 ? -mantissa : mantissa) * BigInteger.Pow(10, scale - d.Scale);
    }

    private static decimal RandomDecimal(Random random)
    {
        bool negative = random.Next(4) == 0;
        byte scale = (byte)(random.Next(3) switch { 0 => 2, 1 => random.Next(0, 5), _ => random.Next(0, 29) });
        int lo = random.Next(), mid = 0, hi = 0;
        switch (random.Next(5))
        {
            case 0:
                lo = random.Next(0, 100_000);
                break;
            case 1:
                mid = random.Next(0, 1000);
                break;
            case 2:
                mid = random.Next() | int.MinValue; // near the top of 64 bits
                lo = random.Next() | int.MinValue;
                break;
            case 3:
                mid = random.Next();
                hi = random.Next(0, 3);
                break;
            default:
                mid = random.Next();
                hi = random.Next();
                break;
        }
        return new decimal(lo, mid, hi, negative, scale);
    }
}
