using Vbc.Data;

namespace Vbc.Benchmarks;

/// <summary>What the hand-written loop computed: the numbers the statement shows, to compare with the engine's.</summary>
internal sealed record HandWrittenResult(
    long Rows,
    long Members,
    decimal MemberMonths,
    decimal InputCost,
    decimal Threshold,
    long MembersTruncated,
    decimal TruncatedExcess,
    decimal Actual,
    decimal Benchmark,
    decimal Savings,
    decimal SharedSavings,
    decimal SharedLosses,
    decimal Total);

/// <summary>
/// The settlement of <c>contracts/mssp-basic-e.vbc</c> written out by hand over the reader's column arrays: no
/// expressions, kernels or clauses, only indexes, decimals and a percentile by selection. It is the floor the engine
/// is measured against, and a second computation whose result must equal the engine's exactly. The contract's terms
/// are constants here, copied from the contract text; if the contract changes, the equality check fails.
/// </summary>
internal sealed class HandWrittenSettlement
{
    // The terms of contracts/mssp-basic-e.vbc.
    private const decimal Percentile = 0.99m;           // truncate at: 99th percentile (PERCENTILE.INC)
    private const decimal BasePmpm = 812.00m;           // base: $812.00 PMPM
    private const decimal Trend = 0.031m;               // trend: 3.1%
    private const decimal ReferenceRisk = 1.000m;       // reference risk: 1.000
    private const decimal RiskRatioCap = 0.03m;         // risk ratio cap: 3%
    private const decimal MinimumSavingsRate = 0.02m;   // minimum savings rate: 2%
    private const decimal SharingRate = 0.50m;          // rate: 50% * quality_score
    private const decimal SavingsCap = 0.10m;           // cap: 10% of benchmark
    private const decimal MinimumLossRate = 0.02m;      // minimum loss rate: 2%
    private const decimal LossRate = 0.30m;             // rate: 30%
    private const decimal LossCapOfRevenue = 0.08m;     // cap: lesser of 8% of participant_revenue
    private const decimal LossCapOfBenchmark = 0.04m;   //      and 4% of benchmark

    private readonly int _months;
    private readonly int _risk;
    private readonly int _attributed;
    private readonly int _esrd;
    private readonly int[] _categories;

    private long _rows;
    private decimal _inputCost;
    private decimal _memberMonths;
    private decimal _riskMonths;
    private decimal[] _costs = new decimal[1 << 16];
    private int _members;

    public HandWrittenSettlement(IReadOnlyList<ColumnSpec> specs)
    {
        int At(string name)
        {
            for (int i = 0; i < specs.Count; i++)
            {
                if (specs[i].Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }
            throw new ArgumentException($"The batches have no column '{name}'.");
        }

        _months = At("member_months");
        _risk = At("risk_score");
        _attributed = At("attributed");
        _esrd = At("esrd");
        _categories = new[] { "inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health" }.Select(At).ToArray();
    }

    /// <summary>One pass over a batch: each row's cost, the population filter, and the sums.</summary>
    public void Add(ColumnBatch batch)
    {
        int n = batch.RowCount;
        var months = batch.Decimals(_months);
        var risk = batch.Decimals(_risk);
        var attributed = batch.Flags(_attributed);
        var esrd = batch.Flags(_esrd);
        var c0 = batch.Decimals(_categories[0]);
        var c1 = batch.Decimals(_categories[1]);
        var c2 = batch.Decimals(_categories[2]);
        var c3 = batch.Decimals(_categories[3]);
        var c4 = batch.Decimals(_categories[4]);
        var c5 = batch.Decimals(_categories[5]);

        decimal inputCost = _inputCost, memberMonths = _memberMonths, riskMonths = _riskMonths;
        var costs = _costs;
        int members = _members;
        for (int i = 0; i < n; i++)
        {
            decimal cost = c0[i] + c1[i] + c2[i] + c3[i] + c4[i] + c5[i];
            inputCost += cost;
            decimal mm = months[i];
            if (!attributed[i] || esrd[i] || mm <= 0)
            {
                continue;
            }
            memberMonths += mm;
            riskMonths += risk[i] * mm;
            if (members == costs.Length)
            {
                Array.Resize(ref costs, costs.Length * 2);
            }
            costs[members++] = cost;
        }
        _rows += n;
        _inputCost = inputCost;
        _memberMonths = memberMonths;
        _riskMonths = riskMonths;
        _costs = costs;
        _members = members;
    }

    /// <summary>Truncation, benchmark, sharing and the rounded payment lines, once every row has been added.</summary>
    public HandWrittenResult Finish(decimal qualityScore, decimal participantRevenue)
    {
        int n = _members;
        var costs = _costs;

        // Truncation at the 99th percentile of member costs, PERCENTILE.INC.
        decimal threshold = n > 0 ? PercentileInc(costs, n, Percentile) : 0;
        decimal actual = 0, excess = 0;
        long truncated = 0;
        for (int i = 0; i < n; i++)
        {
            decimal cost = costs[i];
            if (cost > threshold)
            {
                excess += cost - threshold;
                truncated++;
                actual += threshold;
            }
            else
            {
                actual += cost;
            }
        }

        // Benchmark: base x (1 + trend) x risk ratio (capped) x member months.
        decimal mm = _memberMonths;
        decimal factor = 1m;
        factor *= 1 + Trend;
        decimal populationRisk = mm == 0 ? 0 : _riskMonths / mm;
        decimal ratio = populationRisk / ReferenceRisk;
        if (ratio > 1 + RiskRatioCap)
        {
            ratio = 1 + RiskRatioCap;
        }
        decimal pmpm = BasePmpm;
        pmpm *= factor;
        pmpm *= ratio;
        decimal benchmark = pmpm * mm;
        decimal savings = benchmark - actual;
        decimal rate = benchmark == 0 ? 0 : savings / benchmark;

        // Shared savings, first dollar, capped; shared losses, first dollar, capped.
        decimal earned = 0, owed = 0;
        if (savings > 0 && rate >= MinimumSavingsRate)
        {
            earned = savings * (SharingRate * qualityScore);
            decimal cap = SavingsCap * benchmark;
            if (earned > cap)
            {
                earned = cap;
            }
        }
        if (savings < 0 && -rate >= MinimumLossRate)
        {
            owed = -savings * LossRate;
            decimal cap = Math.Min(LossCapOfRevenue * participantRevenue, LossCapOfBenchmark * benchmark);
            if (owed > cap)
            {
                owed = cap;
            }
        }
        decimal total = Cents(earned) + Cents(-owed);
        return new HandWrittenResult(_rows, n, mm, _inputCost, threshold, truncated, excess, actual, benchmark, savings, earned, owed, total);
    }

    /// <summary>
    /// PERCENTILE.INC of the first <paramref name="n"/> values: rank h = (n - 1) x p, interpolated linearly between
    /// the values at ranks floor(h) and floor(h) + 1. Reorders the values.
    /// </summary>
    internal static decimal PercentileInc(decimal[] costs, int n, decimal p)
    {
        decimal h = (n - 1) * p;
        int lo = (int)decimal.Floor(h);
        decimal fraction = h - lo;
        decimal threshold = KthSmallest(costs, n, lo);
        if (fraction != 0 && lo + 1 < n)
        {
            // After selection, every value right of position lo is >= the value there: the next rank is their minimum.
            decimal next = costs[lo + 1];
            for (int i = lo + 2; i < n; i++)
            {
                if (costs[i] < next)
                {
                    next = costs[i];
                }
            }
            threshold += fraction * (next - threshold);
        }
        return threshold;
    }

    private static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary>
    /// The k-th smallest of the first <paramref name="count"/> values (0-based), by quickselect with a three-way
    /// partition (many members share a cost, such as $0.00). Leaves every value after position k at least as large.
    /// </summary>
    private static decimal KthSmallest(decimal[] a, int count, int k)
    {
        int left = 0, right = count - 1;
        while (left < right)
        {
            decimal x = a[left], y = a[left + ((right - left) >> 1)], z = a[right];
            decimal pivot = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
            int less = left, i = left, greater = right;
            while (i <= greater)
            {
                decimal v = a[i];
                if (v < pivot)
                {
                    a[i] = a[less];
                    a[less] = v;
                    less++;
                    i++;
                }
                else if (v > pivot)
                {
                    a[i] = a[greater];
                    a[greater] = v;
                    greater--;
                }
                else
                {
                    i++;
                }
            }
            if (k < less)
            {
                right = less - 1;
            }
            else if (k > greater)
            {
                left = greater + 1;
            }
            else
            {
                return pivot;
            }
        }
        return a[k];
    }
}
