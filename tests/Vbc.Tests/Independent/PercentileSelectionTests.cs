using Vbc.MemberStage;

namespace Vbc.Tests.Independent;

/// <summary>
/// The member stage selects the truncation percentile as integers when every cost has one scale (cents) and fits in
/// 64 bits, else as decimals. Either way the result is Excel's PERCENTILE.INC as written from the domain description,
/// and with one scale the very same decimal (scale and sign included).
/// </summary>
public class PercentileSelectionTests
{
    [Theory]
    [InlineData(0.99)]
    [InlineData(0.5)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(0.123)]
    public void Percentile_of_costs_in_cents_is_percentile_inc_bit_for_bit(double percent)
    {
        decimal p = (decimal)percent;
        var random = new Random(42);
        foreach (int n in new[] { 1, 2, 3, 10, 1000, 20_001 })
        {
            var cents = Enumerable.Range(0, n).Select(_ => random.Next(-50_000, 5_000_000)).ToArray();
            var costs = cents.Select(c => new decimal(Math.Abs(c), 0, 0, c < 0, 2)).ToArray();
            var costsWithTies = cents.Select(c => c / 1000 * 1000).Select(c => new decimal(Math.Abs(c), 0, 0, c < 0, 2)).ToArray();
            foreach (var values in new[] { costs, costsWithTies })
            {
                decimal actual = MemberStageRunner.PercentileInc(values.ToArray(), values.Length, p);
                Assert.Equal(Arithmetic.PercentileInc(values, p), actual);
                Assert.Equal(decimal.GetBits(SortedPercentile(values, p)), decimal.GetBits(actual));
            }
        }
    }

    /// <summary>PERCENTILE.INC by sorting, with the engine's forms: a rank that falls on a value is that value.</summary>
    private static decimal SortedPercentile(decimal[] values, decimal p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        decimal h = (sorted.Length - 1) * p;
        int k = (int)decimal.Floor(h);
        decimal fraction = h - k;
        return fraction == 0 || k + 1 >= sorted.Length ? sorted[k] : sorted[k] + fraction * (sorted[k + 1] - sorted[k]);
    }

    [Fact]
    public void Costs_of_several_scales_or_beyond_64_bits_are_selected_as_decimals()
    {
        var mixed = new[] { 12m, 7.5m, 100.25m, -3.125m, 0.00m, 9m };
        Assert.Equal(Arithmetic.PercentileInc(mixed, 0.8m), MemberStageRunner.PercentileInc(mixed.ToArray(), mixed.Length, 0.8m));
        var large = new[] { 79228162514264337593543950m, 1.00m, 2.00m, 3.00m };
        Assert.Equal(Arithmetic.PercentileInc(large, 0.9m), MemberStageRunner.PercentileInc(large.ToArray(), large.Length, 0.9m));
        var negativeZero = new[] { new decimal(0, 0, 0, true, 2), 1.00m, -1.00m };
        decimal median = MemberStageRunner.PercentileInc(negativeZero.ToArray(), 3, 0.5m);
        Assert.Equal(decimal.GetBits(new decimal(0, 0, 0, true, 2)), decimal.GetBits(median));
    }
}
