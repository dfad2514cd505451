using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using static Vbc.Tests.Properties.Harness;

namespace Vbc.Tests.Properties;

/// <summary>
/// Risk corridors over generated bands: the payment is continuous at every band edge (the jump across an edge
/// shrinks with the step and is bounded by step x the larger share), monotone in the cost, and equal to the sum
/// over bands of the part of the savings (or of the costs) inside the band times its share.
/// </summary>
public class CorridorProperties
{
    /// <summary>Savings-rate bands: edges in percent (ascending), one share more than edges; optional loss bands.</summary>
    public sealed record RateBands(int[] Edges, int[] Shares, int[]? LossEdges, int[]? LossShares, bool Payer, decimal Benchmark)
    {
        public override string ToString() =>
            $"edges [{string.Join(", ", Edges)}] shares [{string.Join(", ", Shares)}] loss edges [{string.Join(", ", LossEdges ?? Array.Empty<int>())}] loss shares [{string.Join(", ", LossShares ?? Array.Empty<int>())}] payer {Payer} B {Benchmark}";
    }

    private static string BandLines(int[] edges, int[] shares)
    {
        var lines = new List<string> { $"    up to {edges[0]}%: {shares[0]}%" };
        for (int i = 1; i < edges.Length; i++)
        {
            lines.Add($"    {edges[i - 1]}% to {edges[i]}%: {shares[i]}%");
        }
        lines.Add($"    above {edges[^1]}%: {shares[^1]}%");
        return string.Join("\n", lines);
    }

    private static string RateContract(RateBands t) => $$"""
        {{Header("corridor")}}
        {{DataBlock}}
        inputs {
          benchmark_total: money
        }

        cost {
          categories: inpatient, outpatient, professional
        }

        benchmark {
          total: benchmark_total
        }

        corridor "Generated" {
          basis: savings rate
          bands: {
        {{BandLines(t.Edges, t.Shares)}}
          }
        {{(t.LossEdges is null ? "" : $"  loss bands: {{\n{BandLines(t.LossEdges, t.LossShares!)}\n  }}")}}
          party: {{(t.Payer ? "payer" : "provider")}}
        }
        """;

    private static Gen<(int[] Edges, int[] Shares)> Bands(int maxEdge) =>
        from count in Gen.Choose(1, 4)
        from edges in Gen.ArrayOf(Gen.Choose(1, maxEdge), count)
        let distinct = edges.Distinct().OrderBy(e => e).ToArray()
        from shares in Gen.ArrayOf(Gen.Choose(0, 100), distinct.Length + 1)
        select (distinct, shares);

    private static Gen<Case<RateBands>> RateCases() =>
        from bands in Bands(60)
        from hasLoss in Gen.Elements(false, true)
        from loss in Bands(60)
        from payer in Gen.Elements(false, true)
        from benchmark in Gen.Choose(100_000, 10_000_000).Select(b => (decimal)b)
        let terms = new RateBands(bands.Edges, bands.Shares, hasLoss ? loss.Edges : null, hasLoss ? loss.Shares : null, payer, benchmark)
        select new Case<RateBands>(RateContract(terms), new Dictionary<string, string> { ["benchmark_total"] = P(benchmark) },
            new[] { new GenMember(1, 12, 1, true, false, 0, 0, 0, 0, 0) }, terms);

    /// <summary>One member carrying the whole actual cost A.</summary>
    private static GenMember[] Carrying(decimal actual) => new[] { new GenMember(1, 12, 1, true, false, actual, 0, 0, 0, 0) };

    private static decimal Pay<T>(Case<T> c, decimal actual) =>
        Settle(c, Carrying(actual)).Components.Single().Value!.Value;

    /// <summary>The corridor's exact payment at each actual cost, settled once per cost.</summary>
    private static Func<decimal, decimal> Payments<T>(Case<T> c)
    {
        var settled = new Dictionary<decimal, decimal>();
        return a => settled.TryGetValue(a, out var pay) ? pay : settled[a] = Pay(c, a);
    }

    /// <summary>The corridor written out: sum over bands of (the part of |G| inside the band) x share, signed.</summary>
    private static decimal Expected(RateBands t, decimal actual)
    {
        decimal b = t.Benchmark, g = b - actual, size = Math.Abs(g);
        bool savings = g > 0;
        var (edges, shares) = !savings && t.LossEdges is not null ? (t.LossEdges, t.LossShares!) : (t.Edges, t.Shares);
        decimal amount = 0;
        for (int i = 0; i < shares.Length; i++)
        {
            decimal low = i == 0 ? 0 : edges[i - 1] / 100m * b;
            decimal high = i < edges.Length ? Math.Min(size, edges[i] / 100m * b) : size;
            if (high > low)
            {
                amount += (high - low) * (shares[i] / 100m);
            }
        }
        decimal sign = (savings ? 1 : -1) * (t.Payer ? -1 : 1);
        return g == 0 ? 0 : sign * amount;
    }

    /// <summary>No slack: the bands are cut in dollars, so every figure here is exact.</summary>
    private const decimal Noise = 0m;

    [Fact]
    public void SavingsRateCorridorIsContinuousAtEveryEdgeAndMatchesItsBands()
    {
        Check(RateCases(), _ => Array.Empty<Case<RateBands>>(), c =>
        {
            var pay = Payments(c);
            var t = c.Parameters;
            decimal b = t.Benchmark;
            decimal maxShare = t.Shares.Concat(t.LossShares ?? Array.Empty<int>()).Max() / 100m;
            // Edges as actual costs: savings edges at B x (1 - e), loss edges at B x (1 + e), and G = 0 at B.
            var edges = t.Edges.Select(e => b * (1 - e / 100m))
                .Concat((t.LossEdges ?? t.Edges).Select(e => b * (1 + e / 100m)))
                .Append(b);
            foreach (decimal edge in edges)
            {
                decimal previous = decimal.MaxValue;
                foreach (decimal step in new[] { b / 1_000m, b / 1_000_000m, 0.01m })
                {
                    decimal below = pay(edge - step), above = pay(edge + step);
                    decimal jump = Math.Abs(above - below);
                    Require(jump <= 2 * step * maxShare + Noise, c,
                        $"at the edge A = {edge}: A - {step} pays {below}, A + {step} pays {above}; the jump {jump} exceeds 2 x step x max share {2 * step * maxShare}");
                    Require(jump <= previous + Noise, c, $"at the edge A = {edge} the jump grew from {previous} to {jump} as the step shrank to {step}");
                    previous = jump;
                    foreach (var a in new[] { edge - step, edge, edge + step })
                    {
                        Require(Math.Abs(pay(a) - Expected(t, a)) <= Noise, c, $"at A = {a} the corridor pays {pay(a)}; its bands give {Expected(t, a)}");
                    }
                }
            }
        }, tests: 25);
    }

    [Fact]
    public void SavingsRateCorridorIsMonotoneInCost()
    {
        var gen = from c in RateCases()
                  from costs in Gen.ArrayOf(Gen.Choose(0, 2_000_000), 25)
                  select (Case: c, Actuals: costs.Select(k => c.Parameters.Benchmark * k / 1_000_000m).ToArray());
        Check(gen, _ => Array.Empty<(Case<RateBands>, decimal[])>(), x =>
        {
            var (c, actuals) = x;
            var t = c.Parameters;
            var points = actuals
                .Concat(t.Edges.Select(e => t.Benchmark * (1 - e / 100m)))
                .Concat((t.LossEdges ?? t.Edges).Select(e => t.Benchmark * (1 + e / 100m)))
                .Append(t.Benchmark)
                .Distinct().OrderBy(a => a).ToArray();
            decimal? last = null;
            decimal lastActual = 0;
            foreach (var a in points)
            {
                decimal pay = Pay(c, a);
                if (last is { } previous)
                {
                    // Provider party: more cost never pays the provider more. Payer party: the reverse.
                    bool ok = t.Payer ? pay >= previous - Noise : pay <= previous + Noise;
                    Require(ok, c, $"not monotone: A = {lastActual} pays {previous}, A = {a} pays {pay}");
                }
                last = pay;
                lastActual = a;
            }
        }, tests: 40);
    }

    /// <summary>Actual-to-target bands around 100%: below L2, L2-L1, L1-U1 (holding 100%), U1-U2, above U2.</summary>
    public sealed record TargetBands(int L2, int L1, int U1, int U2, int[] Shares, bool Payer, decimal Target);

    private static string TargetContract(TargetBands t) => $$"""
        {{Header("aca-style")}}
        {{DataBlock}}
        inputs {
          target_amount: money
        }

        cost {
          categories: inpatient, outpatient, professional
        }

        benchmark {
          total: target_amount
        }

        corridor "Generated" {
          basis: actual to target
          bands: {
            below {{t.L2}}%: {{t.Shares[0]}}%
            {{t.L2}}% to {{t.L1}}%: {{t.Shares[1]}}%
            {{t.L1}}% to {{t.U1}}%: {{t.Shares[2]}}%
            {{t.U1}}% to {{t.U2}}%: {{t.Shares[3]}}%
            above {{t.U2}}%: {{t.Shares[4]}}%
          }
          party: {{(t.Payer ? "payer" : "provider")}}
        }
        """;

    private static decimal Expected(TargetBands t, decimal actual)
    {
        decimal b = t.Target;
        decimal from = Math.Min(b, actual), to = Math.Max(b, actual);
        var edges = new decimal?[] { null, t.L2 / 100m * b, t.L1 / 100m * b, t.U1 / 100m * b, t.U2 / 100m * b, null };
        decimal amount = 0;
        for (int i = 0; i < 5; i++)
        {
            decimal low = Math.Max(edges[i] ?? decimal.MinValue, from), high = Math.Min(edges[i + 1] ?? decimal.MaxValue, to);
            if (high > low)
            {
                amount += (high - low) * (t.Shares[i] / 100m);
            }
        }
        bool savings = actual < b;
        return actual == b ? 0 : (savings ? 1 : -1) * (t.Payer ? -1 : 1) * amount;
    }

    [Fact]
    public void ActualToTargetCorridorIsContinuousAndMonotone()
    {
        var gen =
            from l2 in Gen.Choose(50, 95)
            from l1 in Gen.Choose(l2 + 1, 100)
            from u1 in Gen.Choose(100, 120)
            from u2 in Gen.Choose(u1 + 1, 160)
            from shares in Gen.ArrayOf(Gen.Choose(0, 100), 5)
            from payer in Gen.Elements(false, true)
            from target in Gen.Choose(100_000, 10_000_000).Select(b => (decimal)b)
            from costs in Gen.ArrayOf(Gen.Choose(0, 2_000), 15)
            let terms = new TargetBands(l2, l1, u1, u2, shares, payer, target)
            select (Case: new Case<TargetBands>(TargetContract(terms), new Dictionary<string, string> { ["target_amount"] = P(target) },
                new[] { new GenMember(1, 12, 1, true, false, 0, 0, 0, 0, 0) }, terms), Actuals: costs.Select(k => target * k / 1_000m).ToArray());

        Check(gen, _ => Array.Empty<(Case<TargetBands>, decimal[])>(), x =>
        {
            var (c, actuals) = x;
            var pay = Payments(c);
            var t = c.Parameters;
            decimal b = t.Target;
            decimal maxShare = t.Shares.Max() / 100m;
            var edges = new[] { t.L2, t.L1, t.U1, t.U2, 100 }.Select(e => b * e / 100m).Distinct().ToArray();
            foreach (var edge in edges)
            {
                foreach (var step in new[] { b / 1_000m, 0.01m })
                {
                    decimal below = pay(edge - step), above = pay(edge + step);
                    Require(Math.Abs(above - below) <= 2 * step * maxShare + Noise, c,
                        $"at the edge A = {edge} ({edge / b:P2} of target): A - {step} pays {below}, A + {step} pays {above}");
                }
            }
            var points = actuals.Concat(edges).Distinct().OrderBy(a => a).ToArray();
            decimal? last = null;
            foreach (var a in points)
            {
                decimal paid = pay(a);
                Require(Math.Abs(paid - Expected(t, a)) <= Noise, c, $"at A = {a} the corridor pays {paid}; its bands give {Expected(t, a)}");
                if (last is { } previous)
                {
                    // Payer party: the payer pays more as costs rise. Provider party: the provider keeps less.
                    Require(t.Payer ? paid >= previous - Noise : paid <= previous + Noise, c, $"not monotone at A = {a.ToString(CultureInfo.InvariantCulture)}: {previous} then {paid}");
                }
                last = paid;
            }
        }, tests: 40);
    }
}
