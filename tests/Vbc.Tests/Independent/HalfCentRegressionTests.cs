using Vbc.MemberStage;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Tests.Independent;

/// <summary>
/// Half cents that an engine dividing too early rounds the wrong way. These were found as engine faults by the
/// independent checks (and fixed in commit c007cb1); they stay as regression tests.
///
/// The domain says intermediate values stay exact and payment lines are rounded to cents half away from zero. A
/// decimal quotient is cut at 28 digits, so any division before the end can leave an exact half cent just below
/// itself, and the line then rounds down: a cent lost. The engine used to divide first in two places: corridors cut
/// the savings into bands through the ratio r = G / B (or A / B), and the benchmark went through the PMPM
/// base x trend x (sum of risk x months / M) before it was multiplied back by M.
/// </summary>
public class HalfCentRegressionTests
{
    private static Statement Settle(string text, IReadOnlyDictionary<string, string> inputs, params Dictionary<string, object>[] rows)
    {
        var contract = Binder.Bind(ContractParser.Parse(text));
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        var result = SettlementEngine.Settle(contract, new SettlementRequest { Inputs = inputs, Data = BatchListSource.FromRows(contract, rows) });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Statement!;
    }

    private const string Head = """
        contract "half cent" {
          period: 2024-01-01 to 2024-12-31
        }

        data {
          member_id: id
          member_months: member_months
          risk_score: ratio
          cost: money
        }
        """;

    [Fact]
    public void SavingsRateCorridorKeepsTheHalfCent()
    {
        // B = $300,000 (input), A = $269,999.99, so G = $30,000.01 and r = 10.0000033...%.
        // Bands: up to 10%: 100%, above 10%: 50%. Exactly: 10% x 300,000 x 100% = 30,000 plus
        // (30,000.01 - 30,000) x 50% = 0.005, so the corridor pays 30,000.005 -> $30,000.01 (half away from zero).
        // Through the rate, (r - 10%) x B x 50% with r = 0.1000000333333333333333333333 (cut at 28 digits) gives
        // 0.0049999999999999999999950000, so the line was 30,000.004999... -> $30,000.00.
        var s = Settle(Head + """

            inputs {
              benchmark_total: money
            }

            cost {
              categories: cost
            }

            benchmark {
              total: benchmark_total
            }

            corridor "C" {
              basis: savings rate
              bands: {
                up to 10%: 100%
                above 10%: 50%
              }
            }
            """,
            new Dictionary<string, string> { ["benchmark_total"] = "300000" },
            new Dictionary<string, object> { ["member_id"] = "M1", ["member_months"] = 12m, ["risk_score"] = 1m, ["cost"] = 269_999.99m });

        Assert.Equal(30_000.005m, s.Value("corridor.c.amount"));
        Assert.Equal(30_000.01m, s.Amount("corridor.c.amount"));
        Assert.Equal(30_000.01m, s.Total);
    }

    [Fact]
    public void ActualToTargetCorridorKeepsTheHalfCent()
    {
        // Target $300,000, A = $309,000.01: 103% of target is 309,000.00, so the 103%-108% band holds $0.01 of cost,
        // of which the payer pays 50% = 0.005 -> $0.01. Through the ratio, (A / B - 103%) x B x 50% with
        // A / B = 1.0300000333333333333333333333 gives 0.00499999999999999999999999995 -> $0.00.
        var s = Settle(Head + """

            inputs {
              target_amount: money
            }

            cost {
              categories: cost
            }

            benchmark {
              total: target_amount
            }

            corridor "ACA" {
              basis: actual to target
              bands: {
                below 92%: 80%
                92% to 97%: 50%
                97% to 103%: 0%
                103% to 108%: 50%
                above 108%: 80%
              }
              party: payer
            }
            """,
            new Dictionary<string, string> { ["target_amount"] = "300000" },
            new Dictionary<string, object> { ["member_id"] = "M1", ["member_months"] = 12m, ["risk_score"] = 1m, ["cost"] = 309_000.01m });

        Assert.Equal(0.005m, s.Value("corridor.aca.amount"));
        Assert.Equal(0.01m, s.Amount("corridor.aca.amount"));
    }

    [Fact]
    public void RiskAdjustedBenchmarkKeepsTheHalfCent()
    {
        // Two members without cost: 2 months at risk 1.000 and 1 month at risk 1.004. M = 3, sum(risk x months) =
        // 3.004, population risk R = 3.004 / 3 = 1.001333... Base $1.25 PMPM: B = 1.25 x R x 3 = 1.25 x 3.004 = 3.755
        // exactly, G = 3.755, and 100% of it shared (no minimum, no cap) pays 3.755 -> $3.76.
        // Cutting R at 28 digits, multiplying by the base (the PMPM) and then by M gives B = 3.7549999999999999999999999998,
        // and the line rounded to $3.75.
        var s = Settle(Head + """

            cost {
              categories: cost
            }

            benchmark {
              base: $1.25 PMPM
              risk score: risk_score
              reference risk: 1.000
            }

            shared savings {
              rate: 100%
            }
            """,
            new Dictionary<string, string>(),
            new Dictionary<string, object> { ["member_id"] = "M1", ["member_months"] = 2m, ["risk_score"] = 1.000m, ["cost"] = 0m },
            new Dictionary<string, object> { ["member_id"] = "M2", ["member_months"] = 1m, ["risk_score"] = 1.004m, ["cost"] = 0m });

        Assert.Equal(3.755m, s.Value("benchmark.total"));
        Assert.Equal(3.76m, s.Amount("shared-savings.earned"));
    }
}
