using FsCheck;
using FsCheck.Fluent;
using Vbc.Pricing;

namespace Vbc.Tests.Pricing;

/// <summary>
/// The arithmetic of a priced diff on constructed value functions v(subset): both columns add up to the total difference
/// to the cent; Shapley values are symmetric and give a change that never moves anything nothing; the waterfall and
/// Shapley columns differ exactly where changes interact; the cents left over go to the largest remainders, ties first
/// in the text.
/// </summary>
public class AttributionTests
{
    /// <summary>A value function over n groups: the settlement total (in cents) of each subset.</summary>
    public sealed record Case(int Groups, decimal[] Totals)
    {
        public decimal V(long mask) => Totals[mask];

        public decimal Difference => Totals[^1] - Totals[0];

        public override string ToString() => $"{Groups} groups: {string.Join(", ", Totals)}";
    }

    private static Gen<Case> Cases(int maxGroups) =>
        from n in Gen.Choose(1, maxGroups)
        from cents in Gen.ArrayOf(Gen.Choose(-50_000_000, 50_000_000), 1 << n)
        select new Case(n, cents.Select(c => c / 100m).ToArray());

    private static IReadOnlyList<decimal> Shapley(Case c)
    {
        var (numerators, denominator) = Attribution.ShapleyExact(c.Groups, c.V);
        return Attribution.ToCents(numerators, denominator, c.Difference);
    }

    [Fact]
    public void Both_columns_add_up_to_the_difference_to_the_cent()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true);
        Check.One(config, Prop.ForAll(Arb.From(Cases(8)), c =>
        {
            var waterfall = Attribution.Waterfall(c.Groups, c.V);
            var shapley = Shapley(c);
            Assert.Equal(c.Difference, waterfall.Sum());
            Assert.Equal(c.Difference, shapley.Sum());
            // Every figure is a whole number of cents.
            Assert.All(shapley, s => Assert.Equal(s, Math.Round(s, 2)));
            // And each is its exact value rounded down or up by less than a cent.
            var (numerators, denominator) = Attribution.ShapleyExact(c.Groups, c.V);
            for (int i = 0; i < c.Groups; i++)
            {
                Assert.True(Math.Abs(shapley[i] - numerators[i] / denominator) < 0.01m, $"{c}: group {i}");
            }
        }));
    }

    [Fact]
    public void Sampled_Shapley_values_add_up_to_the_difference_too()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(100).WithQuietOnSuccess(true);
        Check.One(config, Prop.ForAll(Arb.From(Cases(8)), c =>
        {
            var random = new Random(7);
            var orders = Enumerable.Range(0, 13).Select(_ =>
            {
                var order = Enumerable.Range(0, c.Groups).ToArray();
                random.Shuffle(order);
                return order;
            }).ToList();
            var (numerators, denominator) = Attribution.ShapleySampled(c.Groups, orders, c.V);
            Assert.Equal(13m, denominator);
            Assert.Equal(c.Difference, Attribution.ToCents(numerators, denominator, c.Difference).Sum());
        }));
    }

    [Fact]
    public void Two_changes_that_do_the_same_get_the_same_Shapley_value()
    {
        // Symmetry: v does not tell groups 0 and 1 apart (swapping their bits leaves every total as it is).
        var config = Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true);
        Check.One(config, Prop.ForAll(Arb.From(Cases(6).Where(c => c.Groups >= 2)), c =>
        {
            long Swap(long m) => (m & ~3L) | ((m & 1) << 1) | ((m & 2) >> 1);
            var symmetric = c with { Totals = c.Totals.Select((t, m) => Math.Min(t, c.Totals[Swap(m)])).ToArray() };
            var (numerators, _) = Attribution.ShapleyExact(symmetric.Groups, symmetric.V);
            Assert.Equal(numerators[0], numerators[1]);
        }));
    }

    [Fact]
    public void A_change_that_moves_nothing_gets_nothing()
    {
        // The null-change rule: group 0 never changes a total (v(S + 0) = v(S)), so both columns give it $0.00.
        var config = Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true);
        Check.One(config, Prop.ForAll(Arb.From(Cases(7).Where(c => c.Groups >= 2)), c =>
        {
            var nullFirst = c with { Totals = c.Totals.Select((_, m) => c.Totals[m & ~1L]).ToArray() };
            Assert.Equal(0m, Shapley(nullFirst)[0]);
            Assert.Equal(0m, Attribution.Waterfall(nullFirst.Groups, nullFirst.V)[0]);
        }));
    }

    [Fact]
    public void The_columns_differ_where_changes_interact_and_agree_where_they_do_not()
    {
        // Interaction: $100.00 is paid only when both changes are applied (a rate that matters only above a new cap).
        var both = new Case(2, new[] { 0m, 0m, 0m, 100m });
        Assert.Equal(new[] { 0m, 100m }, Attribution.Waterfall(2, both.V));
        Assert.Equal(new[] { 50m, 50m }, Shapley(both));

        // No interaction: each change adds its own amount whatever else is applied; both columns are that amount.
        var additive = new Case(3, Enumerable.Range(0, 8).Select(m => ((m & 1) != 0 ? 10.01m : 0) + ((m & 2) != 0 ? -3.50m : 0) + ((m & 4) != 0 ? 7m : 0)).ToArray());
        Assert.Equal(new[] { 10.01m, -3.50m, 7m }, Attribution.Waterfall(3, additive.V));
        Assert.Equal(new[] { 10.01m, -3.50m, 7m }, Shapley(additive));
    }

    [Fact]
    public void Cents_left_over_go_to_the_largest_remainders_ties_first_in_the_text()
    {
        // $0.01 shared by three equal changes: 1/3 of a cent each; the one cent goes to the first.
        Assert.Equal(new[] { 0.01m, 0m, 0m }, Attribution.ToCents(new[] { 0.01m, 0.01m, 0.01m }, 3m, 0.01m));
        // $1.00 as 0.335 + 0.335 + 0.33: floors 0.33, 0.33, 0.33; the cent left goes to the first of the two largest remainders.
        Assert.Equal(new[] { 0.34m, 0.33m, 0.33m }, Attribution.ToCents(new[] { 0.335m, 0.335m, 0.33m }, 1m, 1.00m));
        // Negative amounts round down too (-$0.005 is -$0.01 before the cents left over are handed out).
        Assert.Equal(new[] { 0m, -0.01m }, Attribution.ToCents(new[] { -0.005m, -0.005m }, 1m, -0.01m));
    }
}
