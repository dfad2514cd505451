using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Vbc.MemberStage;
using Vbc.Settlement;
using Vbc.Tests.Independent;
using static Vbc.Tests.Properties.Harness;

namespace Vbc.Tests.Properties;

/// <summary>
/// Where the dollars go, over generated members: conservation (with exclusions, carve-outs, zero-month members and
/// truncation), truncation never raising a member's cost, rounding of payment lines half away from zero with the
/// total their sum, and the stop-gain / stop-loss bounds of bundles.
/// </summary>
public class DollarProperties
{
    private static readonly string[] Truncations =
    {
        "", "truncate at: 99th percentile", "truncate at: 95th percentile", "truncate at: 75th percentile", "truncate at: 50th percentile",
        "truncate at: 1st percentile", "truncate at: 100th percentile", "truncate at: $20,000.00", "truncate at: $0.00",
    };

    public sealed record CostTerms(string Truncation, bool Population, bool CarveOuts);

    private static string CostContract(CostTerms t) => $$"""
        {{Header("cost")}}
        {{DataBlock.Replace("  dialysis: money\n", "  dialysis: money\n  grp: text\n  zero: money\n")}}
        {{(t.Population ? "population {\n  include: attributed\n  exclude: esrd\n}" : "")}}

        cost {
          categories: inpatient, outpatient, professional
          {{(t.CarveOuts ? "carve out: transplant from inpatient, dialysis from outpatient" : "")}}
          {{t.Truncation}}
        }

        bundle "each member" {
          episode type: grp
          target price: zero
        }
        """;

    private static Gen<Case<CostTerms>> CostCases() =>
        from members in Members()
        from truncation in Gen.Elements(Truncations)
        from population in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from carveOuts in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        let terms = new CostTerms(truncation, population, carveOuts)
        select new Case<CostTerms>(CostContract(terms), new Dictionary<string, string>(), members, terms);

    private static decimal? Threshold(CostTerms t, IEnumerable<decimal> costs)
    {
        var words = t.Truncation.Split(' ');
        if (words.Length < 3)
        {
            return null;
        }
        if (words[2].StartsWith('$'))
        {
            return decimal.Parse(words[2].TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture);
        }
        decimal rank = decimal.Parse(new string(words[2].TakeWhile(char.IsDigit).ToArray()), CultureInfo.InvariantCulture);
        return Arithmetic.PercentileInc(costs, rank / 100m);
    }

    [Fact]
    public void DollarsAreConservedAndTruncationNeverRaisesACost()
    {
        Check(CostCases(), ShrinkMembers, c =>
        {
            var t = c.Parameters;
            var s = Settle(c);
            var p = s.Population!;

            // Independently: who is in, who is out and why (first reason wins), and each member's cost.
            bool included(GenMember m) => !t.Population || m.Attributed;
            bool excluded(GenMember m) => t.Population && included(m) && m.Esrd;
            var members = c.Members.Where(m => included(m) && !excluded(m) && m.Months > 0).ToList();
            decimal Cost(GenMember m) => m.Gross - (t.CarveOuts ? m.Carved : 0);
            decimal? threshold = Threshold(t, members.Select(Cost));

            Require(p.RowsRead == c.Members.Length && p.Members == members.Count && p.MemberMonths == members.Sum(m => m.Months), c,
                $"rows {p.RowsRead}, members {p.Members}, member months {p.MemberMonths}");
            Require(p.InputCost == c.Members.Sum(m => m.Gross), c, $"input cost {p.InputCost}");
            var notIncluded = c.Members.Where(m => !included(m)).ToList();
            var esrd = c.Members.Where(excluded).ToList();
            var noMonths = c.Members.Where(m => included(m) && !excluded(m) && m.Months <= 0).ToList();
            foreach (var (reason, rows) in new[] { ("not included: attributed", notIncluded), ("excluded: esrd", esrd), ("no member months", noMonths) })
            {
                var e = p.Exclusions.SingleOrDefault(x => x.Reason == reason);
                long count = e?.Rows ?? 0;
                decimal cost = e?.Cost ?? 0;
                Require(count == rows.Count && cost == rows.Sum(m => m.Gross), c, $"'{reason}': {count} rows and {cost}, expected {rows.Count} and {rows.Sum(m => m.Gross)}");
            }
            Require(p.CarvedOut == (t.CarveOuts ? members.Sum(m => m.Carved) : 0), c, $"carved out {p.CarvedOut}");
            Require(p.TruncationThreshold == threshold, c, $"truncation threshold {p.TruncationThreshold}, PERCENTILE.INC (or the dollar cap) gives {threshold}");
            decimal counted = members.Sum(m => threshold is { } th ? Math.Min(Cost(m), th) : Cost(m));
            decimal excess = members.Sum(m => threshold is { } th ? Math.Max(0, Cost(m) - th) : 0);
            Require(p.CountedCost == counted && p.TruncatedExcess == excess, c, $"counted {p.CountedCost} (expected {counted}), truncated excess {p.TruncatedExcess} (expected {excess})");
            Require(p.MembersTruncated == members.Count(m => threshold is { } th && Cost(m) > th), c, $"members truncated {p.MembersTruncated}");
            Require(p.TruncatedExcess >= 0, c, "negative truncated excess");
            // Step 4: input = excluded + carved out + truncated excess + counted, exactly.
            Require(p.InputCost == p.ExcludedCost + p.CarvedOut + p.TruncatedExcess + p.CountedCost && p.Conserved, c,
                $"not conserved: {p.InputCost} != {p.ExcludedCost} + {p.CarvedOut} + {p.TruncatedExcess} + {p.CountedCost}");

            // Each member's counted cost, read from the bundle's per-group lines (target $0 - counted cost).
            foreach (var m in members)
            {
                decimal countedCost = -s.Value($"bundle.each-member.type.g{m.Index:0000}");
                Require(countedCost <= Cost(m), c, $"truncation raised {m.Id}'s cost from {Cost(m)} to {countedCost}");
                Require(countedCost == (threshold is { } th ? Math.Min(Cost(m), th) : Cost(m)), c, $"{m.Id} counted {countedCost}, expected min({Cost(m)}, {threshold})");
            }
        });
    }

    /// <summary>
    /// Issue 6 item 1: counted cost per member is never negative unless the data is. Members are generated with
    /// non-negative dollars; some have a carve-out larger than its category (or below $0). Such a member must stop
    /// the run with VBC3041 (or, with --exclude-bad-rows, be left out with its dollars); every member counted has a
    /// cost of $0 or more, and dollars are conserved.
    /// </summary>
    [Fact]
    public void CountedCostPerMemberIsNeverNegativeUnlessTheDataIs()
    {
        var gen =
            from members in Members()
            from corrupt in Gen.Choose(0, 3)
            from extra in Dollars(5000)
            let broken = members.Select((m, k) => k % 7 == corrupt && corrupt < 3
                ? m with { Transplant = m.Inpatient + extra + 0.01m }
                : corrupt == 3 && k % 11 == 0 ? m with { Dialysis = -extra - 0.01m } : m).ToArray()
            select new Case<CostTerms>(CostContract(new CostTerms("", false, true)), new Dictionary<string, string>(), broken, new CostTerms("", false, true));
        Check(gen, ShrinkMembers, c =>
        {
            var contract = Bind(c.Contract);
            bool Bad(GenMember m) => m.Months > 0 && (m.Transplant > m.Inpatient || m.Transplant < 0 || m.Dialysis > m.Outpatient || m.Dialysis < 0);
            foreach (bool leaveOut in new[] { false, true })
            {
                var result = SettlementEngine.Settle(contract, new SettlementRequest
                {
                    Data = BatchListSource.FromRows(contract, c.Members.Select(m => m.Row()), 64),
                    ExcludeBadRows = leaveOut,
                });
                var bad = c.Members.Where(Bad).ToList();
                if (!leaveOut && bad.Count > 0)
                {
                    Require(!result.Succeeded && result.Diagnostics.Any(d => d.Code == "VBC3041"), c, "a carve-out larger than its category was subtracted anyway");
                    continue;
                }
                if (!result.Succeeded)
                {
                    Require(result.Diagnostics.Any(d => d.Code == "VBC4011"), c, $"settlement failed: {string.Join("\n", result.Diagnostics)}");
                    continue;
                }
                var s = result.Statement!;
                foreach (var m in c.Members.Where(m => m.Months > 0 && !Bad(m)))
                {
                    decimal counted = -s.Value($"bundle.each-member.type.g{m.Index:0000}");
                    Require(counted >= 0, c, $"{m.Id} counted {counted} from non-negative data");
                }
                Require(s.Population!.Conserved, c, "not conserved");
                Require(s.Data!.ExcludedRows.Count == bad.Count, c, $"{s.Data.ExcludedRows.Count} rows left out, {bad.Count} bad");
            }
        });
    }

    public sealed record PaymentTerms(decimal Rate, decimal Withhold, decimal Returned, decimal Attachment, decimal Coinsurance, decimal Lump);

    private static string PaymentContract(PaymentTerms t) => $$"""
        {{Header("payments")}}
        {{DataBlock}}
        inputs {
          quality_score: percent
        }

        population {
          include: attributed
        }

        capitation {
          rate: ${{P(t.Rate)}} PMPM
          services: outpatient, professional
          carve out: dialysis from outpatient
          stop loss {
            attachment: ${{P(t.Attachment)}}
            coinsurance: {{P(t.Coinsurance)}}%
          }
        }

        withhold {
          rate: {{P(t.Withhold)}}%
          of: capitation
          returned: quality_score
        }

        bonus "lump sum" {
          when: quality_score >= 50%
          amount: ${{P(t.Lump)}}
        }
        """;

    [Fact]
    public void TotalIsTheSumOfLinesRoundedHalfAwayFromZero()
    {
        int positiveHalves = 0, negativeHalves = 0;
        var gen =
            from members in Members(20, 60)
            from rate in Gen.Choose(1, 500_000).Select(x => x / 1000m)
            from withhold in Gen.Elements(2m, 2.5m, 5m, 10m, 12.5m, 20m, 25m, 50m)
            from returned in Gen.Choose(0, 100).Select(x => (decimal)x)
            from attachment in Gen.Choose(0, 100_000).Select(x => (decimal)x)
            from coinsurance in Gen.Choose(0, 1000).Select(x => x / 10m)
            from lump in Gen.Choose(0, 10_000_000).Select(x => x / 1000m)
            let terms = new PaymentTerms(rate, withhold, returned, attachment, coinsurance, lump)
            select new Case<PaymentTerms>(PaymentContract(terms), new Dictionary<string, string> { ["quality_score"] = P(returned) + "%" }, members, terms);

        Check(gen, ShrinkMembers, c =>
        {
            var s = Settle(c);
            foreach (var line in s.Components)
            {
                decimal exact = line.Value!.Value, amount = line.Amount!.Value;
                Require(amount == Arithmetic.Cents(exact), c, $"'{line.Id}' {exact} is shown as {amount}, half away from zero gives {Arithmetic.Cents(exact)}");
                Require(amount * 100 == decimal.Truncate(amount * 100), c, $"'{line.Id}' amount {amount} is not in cents");
                if (Math.Abs(exact) * 1000 % 10 == 5 && exact * 1000 == decimal.Truncate(exact * 1000))
                {
                    if (exact > 0)
                    {
                        positiveHalves++;
                    }
                    else
                    {
                        negativeHalves++;
                    }
                }
            }
            Require(s.Total == s.Components.Sum(l => l.Amount!.Value), c, $"total {s.Total} is not the sum of the rounded lines {s.Components.Sum(l => l.Amount!.Value)}");
        }, tests: 150);
        // The generated terms put lines exactly on half cents, both positive (capitation, bonus) and negative (withhold).
        Assert.True(positiveHalves > 0 && negativeHalves > 0, $"half-cent lines: {positiveHalves} positive, {negativeHalves} negative");
    }

    [Fact]
    public void HalfCentsRoundAwayFromZero()
    {
        // One member, one month, quality 100%, stop-loss attaching above any cost.
        //   capitation $0.005 PMPM x 1 = 0.005 -> 0.01
        //   withhold 100% of it: held back -0.005 -> -0.01 (away from zero), returned 0.005 -> 0.01
        //   bonus $0.025 -> 0.03 (banker's rounding would give 0.02)
        //   with a 50% withhold: held back -0.0025 -> 0.00, returned 0.0025 -> 0.00; bonus $0.015 -> 0.02
        foreach (var (withhold, lump, held, returned, bonus) in new[]
        {
            (100m, 0.025m, -0.01m, 0.01m, 0.03m),
            (50m, 0.015m, 0.00m, 0.00m, 0.02m),
        })
        {
            var terms = new PaymentTerms(0.005m, withhold, 100, 1_000_000, 0, lump);
            var member = new GenMember(1, 1, 1, true, false, 0, 0, 0, 0, 0);
            var c = new Case<PaymentTerms>(PaymentContract(terms), new Dictionary<string, string> { ["quality_score"] = "100%" }, new[] { member }, terms);
            var s = Settle(c);
            decimal Amount(string id) => s.Components.Single(l => l.Id == id).Amount!.Value;
            Assert.Equal(0.01m, Amount("capitation.payment"));
            Assert.Equal(0.00m, Amount("capitation.stop-loss"));
            Assert.Equal(held, Amount("withhold.held"));
            Assert.Equal(returned, Amount("withhold.returned"));
            Assert.Equal(bonus, Amount("bonus.lump-sum.amount"));
            Assert.Equal(0.01m + held + returned + bonus, s.Total);
        }
    }

    public sealed record BundleTerms(decimal[] Targets, int StopGain, int StopLoss, int Quality);

    private static string BundleContract(BundleTerms t) => $$"""
        {{Header("bundle")}}
        data {
          member_id: id
          episode_type: text
          inpatient: money
          outpatient: money
        }

        inputs {
          quality_score: percent
        }

        bundle "Episodes" {
          episode type: episode_type
          target price: by episode_type {
        {{string.Join("\n", t.Targets.Select((x, i) => $"    \"T{i}\": ${P(x)}"))}}
          }
          actual cost: inpatient + outpatient
          stop gain: {{t.StopGain}}%
          stop loss: {{t.StopLoss}}%
          quality adjustment: 10% * (100% - quality_score)
        }
        """;

    [Fact]
    public void BundleReconciliationStaysWithinStopGainAndStopLoss()
    {
        var gen =
            from members in Members(20, 200)
            from targets in Gen.ArrayOf(Gen.Choose(1_000_000, 6_000_000).Select(x => x / 100m), 4)
            from gain in Gen.Choose(0, 40)
            from loss in Gen.Choose(0, 40)
            from quality in Gen.Choose(0, 100)
            let terms = new BundleTerms(targets, gain, loss, quality)
            select new Case<BundleTerms>(BundleContract(terms), new Dictionary<string, string> { ["quality_score"] = quality + "%" }, members, terms);

        int gains = 0, losses = 0, stopped = 0;
        Check(gen, ShrinkMembers, c =>
        {
            var t = c.Parameters;
            var s = Settle(c);
            decimal target = c.Members.Sum(m => t.Targets[m.Index % 4]);
            decimal actual = c.Members.Sum(m => m.Inpatient + m.Outpatient);
            decimal adjustment = 0.10m * (1 - t.Quality / 100m);
            decimal amount = s.Value("bundle.episodes.reconciliation");
            decimal upper = t.StopGain / 100m * target * (1 - adjustment), lower = -t.StopLoss / 100m * target * (1 - adjustment);
            Require(amount <= upper, c, $"reconciliation {amount} above the stop-gain {t.StopGain}% of {target} (after quality: {upper})");
            Require(amount >= lower, c, $"reconciliation {amount} below the stop-loss {t.StopLoss}% of {target} (after quality: {lower})");
            decimal expected = Math.Clamp(target - actual, -t.StopLoss / 100m * target, t.StopGain / 100m * target) * (1 - adjustment);
            Require(amount == expected, c, $"reconciliation {amount}, expected clamp(target {target} - actual {actual}) x (1 - {adjustment}) = {expected}");
            Require(Math.Sign(amount) == Math.Sign(target - actual) || amount == 0, c, "the reconciliation has the wrong sign");
            if (target > actual) gains++; else losses++;
            if (amount == upper || amount == lower) stopped++;
        });
        Assert.True(gains > 0 && losses > 0 && stopped > 0, $"coverage: {gains} gains, {losses} losses, {stopped} at a stop");
    }
}
