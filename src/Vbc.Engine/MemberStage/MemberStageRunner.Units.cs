using System.Runtime.CompilerServices;
using Vbc.Data;
using Vbc.Evaluation;

namespace Vbc.MemberStage;

/// <summary>
/// The member stage over number columns held as 64-bit units of one scale (<see cref="ColumnBatch.TryGetUnits"/>).
/// Every value of such a column in a batch has the column's scale, so a sum of any of them has that scale too: summed
/// as integers and turned back into a decimal at that scale, it is the very decimal (value and scale) the decimal
/// path gives. Each path here checks first that its integers cannot overflow, or takes the decimal path: never another
/// result.
/// </summary>
internal sealed partial class MemberStageRunner
{
    private static readonly long[] PowersOf10 =
    {
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000,
    };

    /// <summary>
    /// The sum per row of some columns of the evaluated batch, as units of one scale (the largest of the columns',
    /// which is the scale of every decimal row sum), when every column is held as units and no sum overflows; else
    /// <see cref="Scale"/> is -1 and the decimal sums are in the stage's decimal buffer.
    /// </summary>
    private sealed class RowSums
    {
        public long[] Units = Array.Empty<long>();
        public int Scale = -1;
        /// <summary>At least the largest magnitude of a sum (the OR of all of them).</summary>
        public ulong Bound;
        private bool _decimalsMade;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool TrySum(ColumnBatch batch, int[] columns)
        {
            Scale = -1;
            _decimalsMade = false;
            int n = batch.RowCount;
            var arrays = new long[columns.Length][];
            var scales = new int[columns.Length];
            int scale = 0;
            for (int c = 0; c < columns.Length; c++)
            {
                if (!batch.TryGetUnits(columns[c], out arrays[c], out scales[c]))
                {
                    return false;
                }
                scale = Math.Max(scale, scales[c]);
            }
            if (Units.Length < n)
            {
                Units = new long[Math.Max(n, 4096)];
            }
            // A sum of values of both signs may be decimal's negative zero (-5 + 5 is -0, 0 + 0 is 0), which units do
            // not hold: such a batch's sums are decimals. Negative amounts in member files are rare.
            foreach (var column in arrays)
            {
                if (NegativeAmong(column, n))
                {
                    return false;
                }
            }
            var sums = Units;
            ulong bound = 0;
            try
            {
                Array.Clear(sums, 0, n);
                for (int c = 0; c < arrays.Length; c++)
                {
                    var column = arrays[c];
                    int up = scale - scales[c];
                    if (up == 0)
                    {
                        for (int i = 0; i < n; i++)
                        {
                            sums[i] = checked(sums[i] + column[i]);
                        }
                    }
                    else
                    {
                        if (up >= PowersOf10.Length)
                        {
                            return false;
                        }
                        long factor = PowersOf10[up];
                        for (int i = 0; i < n; i++)
                        {
                            sums[i] = checked(sums[i] + checked(column[i] * factor));
                        }
                    }
                }
            }
            catch (OverflowException)
            {
                return false; // the decimal sums note the rows that are not exact
            }
            for (int i = 0; i < n; i++)
            {
                bound |= Magnitude(sums[i]);
            }
            Bound = bound;
            Scale = scale;
            return true;
        }

        /// <summary>The sums as decimals (made once per batch from the units, if they are units).</summary>
        public decimal[] Decimals(ref decimal[] buffer, int n)
        {
            if (Scale < 0 || _decimalsMade)
            {
                return buffer;
            }
            if (buffer.Length < n)
            {
                buffer = new decimal[Math.Max(n, 4096)];
            }
            for (int i = 0; i < n; i++)
            {
                buffer[i] = ColumnBatch.FromUnits(Units[i], Scale);
            }
            _decimalsMade = true;
            return buffer;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Magnitude(long value) => value < 0 ? (ulong)-(value + 1) + 1 : (ulong)value;

    private static bool NegativeAmong(long[] values, int n)
    {
        long or = 0;
        for (int i = 0; i < n; i++)
        {
            or |= values[i];
        }
        return or < 0;
    }

    /// <summary>The OR of the magnitudes of the first <paramref name="n"/> values: at least the largest.</summary>
    private static ulong Bound(long[] values, int n)
    {
        ulong bound = 0;
        for (int i = 0; i < n; i++)
        {
            bound |= Magnitude(values[i]);
        }
        return bound;
    }

    /// <summary>The members' costs kept for the percentile become decimals (a cost of another scale arrived).</summary>
    private void CostsAsDecimals()
    {
        if (_costsAsDecimals)
        {
            return;
        }
        _costsAsDecimals = true;
        int n = (int)_members;
        if (_costUnits.Length == 0)
        {
            return;
        }
        if (_costs.Length < _costUnits.Length)
        {
            if (_costs.Length > 0)
            {
                MemberArrays<decimal>.Return(_costs);
            }
            _costs = MemberArrays<decimal>.Take(_costUnits.Length);
        }
        for (int i = 0; i < n; i++)
        {
            _costs[i] = ColumnBatch.FromUnits(_costUnits[i], _costScale);
        }
        MemberArrays<long>.Return(_costUnits);
        _costUnits = Array.Empty<long>();
    }

    // The evaluated batch's member months: the bound of their magnitudes, and whether they can be summed as units.
    private ColumnBatch? _monthsBatch;
    private (ulong Bound, bool Usable) _monthsBound;

    /// <summary>
    /// The bound of the evaluated batch's member months (held as units) and whether they can be summed as units (none
    /// negative, none beyond a long): worked out once per batch by the evaluator, for every stage that shares it (a
    /// portfolio's organisations each add a few of the batch's rows; each working it out over the whole batch took
    /// 15% of a 100-organisation run).
    /// </summary>
    private (ulong Bound, bool Usable) MonthsBound(ColumnBatch batch, long[] months)
    {
        if (_monthsBatch != batch)
        {
            ulong bound = Bound(months, batch.RowCount);
            _monthsBound = (bound, bound <= long.MaxValue && !NegativeAmong(months, batch.RowCount));
            _monthsBatch = batch;
        }
        return _monthsBound;
    }

    /// <summary>
    /// <see cref="AddExactly"/> over the rows of a batch whose costs, carve-outs and member months are held as units:
    /// the population's sums as integers. False (nothing done) when one is not held as units or a sum could overflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryAddUnits(ColumnBatch batch, int[]? rows, int from, int to, bool anyRowErrors)
    {
        var evaluator = _evaluator;
        var rowCost = evaluator._rowCostUnits;
        var rowCarved = evaluator._rowCarvedUnits;
        if (rowCost.Scale < 0 || rowCarved.Scale < 0)
        {
            return false;
        }
        long[]? months = null;
        int monthScale = 0;
        ulong monthBound = 0;
        if (_months >= 0)
        {
            if (!batch.TryGetUnits(_months, out var m, out monthScale))
            {
                return false;
            }
            months = m;
            (monthBound, bool usable) = evaluator.MonthsBound(batch, m);
            if (!usable)
            {
                return false; // a negative value (see RowSums), or one beyond a long
            }
        }
        // A member's cost (in scope less carved out) has the larger of the two scales; a fixed truncation compares it
        // with the threshold at the larger of that and the threshold's own scale (the excess has that scale).
        int costScale = Math.Max(rowCost.Scale, rowCarved.Scale);
        int workScale = costScale, thresholdScale = 0;
        long thresholdUnits = 0;
        bool fixedThreshold = !StoresCosts && _fixedThreshold is not null;
        if (fixedThreshold && !Exact.TryGetUnits(_fixedThreshold!.Value, out thresholdUnits, out thresholdScale))
        {
            return false;
        }
        workScale = Math.Max(costScale, thresholdScale);
        if (costScale - rowCost.Scale >= PowersOf10.Length || costScale - rowCarved.Scale >= PowersOf10.Length
            || workScale - costScale >= PowersOf10.Length || workScale - thresholdScale >= PowersOf10.Length)
        {
            return false;
        }
        long costFactor = PowersOf10[costScale - rowCost.Scale], carvedFactor = PowersOf10[costScale - rowCarved.Scale];
        long workFactor = PowersOf10[workScale - costScale];
        int count = to - from;
        // Every sum of the batch fits in 64 bits (checked once, so the loop adds without checks and nothing is undone).
        try
        {
            checked
            {
                UInt128 cost = (UInt128)rowCost.Bound * (ulong)costFactor + (UInt128)rowCarved.Bound * (ulong)carvedFactor;
                UInt128 cap = (UInt128)(ulong)Math.Abs(thresholdUnits) * (ulong)PowersOf10[workScale - thresholdScale];
                UInt128 perRow = cost * (ulong)workFactor + cap;
                UInt128 largest = UInt128.Max(UInt128.Max(perRow, rowCost.Bound), UInt128.Max(rowCarved.Bound, monthBound));
                if (largest * (ulong)count > long.MaxValue)
                {
                    return false;
                }
                thresholdUnits *= PowersOf10[workScale - thresholdScale];
            }
        }
        catch (OverflowException)
        {
            return false;
        }

        var vectors = evaluator._vectors;
        var costUnits = rowCost.Units;
        var carvedUnits = rowCarved.Units;
        var reasons = evaluator._reasons;
        var problems = evaluator._rowProblems;
        bool storeUnits = false, storeDecimals = false;
        if (StoresCosts)
        {
            if (!_costsAsDecimals && (_members == 0 || _costScale == costScale))
            {
                storeUnits = true;
                if (_costUnits.Length < _members + count)
                {
                    _costUnits = MemberArrays<long>.Grow(_costUnits, (int)_members, _members + count);
                }
            }
            else
            {
                storeDecimals = true;
            }
        }
        var storedUnits = _costUnits;

        // First pass, without side effects (costs are written only past the members counted so far): the sums, and
        // each row's problem. A sum of zero with a negative term may be decimal's negative zero (-5 + 5 is -0): that
        // batch takes the decimal path, which gives it.
        var rowProblems = Reuse(ref _unitRowProblems, count);
        long inputCost = 0, carvedOut = 0, memberMonths = 0, counted = 0, excess = 0;
        long members = _members, truncated = 0, untruncated = 0;
        for (int j = from; j < to; j++)
        {
            int i = rows is null ? j : rows[j];
            long rc = costUnits[i];
            inputCost += rc;
            if (reasons[i] >= 0)
            {
                continue;
            }
            int problem = problems[i];
            if (anyRowErrors && problem == 0)
            {
                problem = RowCheck(batch, i, vectors);
            }
            rowProblems[j - from] = problem;
            if (problem != 0)
            {
                continue;
            }
            long cost = rc * costFactor - carvedUnits[i] * carvedFactor;
            long member = members++;
            carvedOut += carvedUnits[i];
            if (months is not null)
            {
                memberMonths += months[i];
            }
            if (StoresCosts)
            {
                if (storeUnits)
                {
                    storedUnits[member] = cost;
                }
            }
            else if (fixedThreshold && cost * workFactor > thresholdUnits)
            {
                excess += cost * workFactor - thresholdUnits;
                counted += thresholdUnits;
                truncated++;
            }
            else
            {
                counted += cost * workFactor;
                untruncated++;
            }
        }
        // A counted cost of zero may be decimal's negative zero even when no term is negative (a case generated by
        // UnitsProperties, kept as its units-counted-zero.csv). Only a zero sum can differ in sign from the integers',
        // so such a batch takes the decimal path, which gives it.
        if (!StoresCosts && counted == 0 && truncated + untruncated > 0)
        {
            return false;
        }
        if (storeUnits)
        {
            _costScale = costScale;
        }
        else if (storeDecimals)
        {
            CostsAsDecimals();
            if (_costs.Length < _members + count)
            {
                _costs = MemberArrays<decimal>.Grow(_costs, (int)_members, _members + count);
            }
        }

        // Second pass, in row order as the decimal path: what goes beyond the sums (rows left out, problems, totals,
        // groups, costs kept as decimals).
        var totals = _totalVectors;
        var groupKeys = _groupKeyVectors;
        var groupValues = _groupValueVectors;
        bool perMember = totals.Length > 0 || groupKeys.Length > 0 || storeDecimals;
        decimal threshold = _fixedThreshold ?? 0;
        string inputWhat = _inputWhat ??= $"the cost in scope ({Names(_categories)}) over all rows";
        var totalWhat = _totalWhat ??= _map.Totals.Select(t => $"the sum of {t.Description}").ToArray();
        long next = _members;
        for (int j = from; j < to; j++)
        {
            int i = rows is null ? j : rows[j];
            int reason = reasons[i];
            if (reason >= 0)
            {
                _excludedRows[reason]++;
                Add(ref _excludedCost[reason], ColumnBatch.FromUnits(costUnits[i], rowCost.Scale), i, "the cost of the rows left out");
                continue;
            }
            int problem = rowProblems[j - from];
            if (problem != 0)
            {
                RowProblem(batch, i, problem, ColumnBatch.FromUnits(costUnits[i], rowCost.Scale));
                continue;
            }
            long member = next++;
            if (!perMember)
            {
                continue;
            }
            long cost = costUnits[i] * costFactor - carvedUnits[i] * carvedFactor;
            if (storeDecimals)
            {
                _costs[member] = ColumnBatch.FromUnits(cost, costScale);
            }
            for (int k = 0; k < totals.Length; k++)
            {
                decimal v = totals[k].NumberAt(i);
                Add(ref _totalSums[k], _sumKinds[k] ? v : Math.Max(0, v - _thresholds[k]), i, totalWhat[k]);
            }
            if (groupKeys.Length > 0)
            {
                bool capped = fixedThreshold && cost * workFactor > thresholdUnits;
                decimal groupCost = capped ? threshold : ColumnBatch.FromUnits(cost, costScale);
                for (int k = 0; k < groupKeys.Length; k++)
                {
                    AddToGroup(k, GroupKey(groupKeys[k], i), groupValues[k], i, groupCost, member);
                }
            }
        }
        // As decimals: a sum has the largest scale of what was added to it (0 when nothing was).
        bool anyMember = members > _members;
        int last = rows is null ? to - 1 : rows[to - 1];
        Add(ref _inputCost, ColumnBatch.FromUnits(inputCost, rowCost.Scale), last, inputWhat);
        Add(ref _carvedOut, anyMember ? ColumnBatch.FromUnits(carvedOut, rowCarved.Scale) : 0m, last, "the carve-outs");
        Add(ref _memberMonths, anyMember && months is not null ? ColumnBatch.FromUnits(memberMonths, monthScale) : 0m, last, "the member months");
        Add(ref _counted, Rescaled(counted, workScale, Math.Max(untruncated > 0 ? costScale : 0, truncated > 0 ? thresholdScale : 0)), last, "the counted cost");
        Add(ref _excess, truncated > 0 ? ColumnBatch.FromUnits(excess, workScale) : 0m, last, "the truncated excess");
        _truncatedMembers += truncated;
        _members = members;
        return true;
    }

    private int[] _unitRowProblems = Array.Empty<int>();

    /// <summary>
    /// A sum held in units of <paramref name="scale"/> as the decimal of <paramref name="target"/> (not above it): every
    /// term had a scale of at most <paramref name="target"/>, so the division is exact.
    /// </summary>
    private static decimal Rescaled(long units, int scale, int target) =>
        units == 0 ? ColumnBatch.FromUnits(0, target) : ColumnBatch.FromUnits(units / PowersOf10[scale - target], target);

    /// <summary>
    /// Truncation at a percentile over the costs held as units: the counted cost, the excess and the members truncated,
    /// added to the stage's. False (nothing added) when the threshold has no units or a sum could overflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TruncateUnits(long[] costs, int n, int scale, decimal threshold)
    {
        if (!Exact.TryGetUnits(threshold, out long thresholdUnits, out int thresholdScale))
        {
            return false;
        }
        int work = Math.Max(scale, thresholdScale);
        if (work - scale >= PowersOf10.Length || work - thresholdScale >= PowersOf10.Length)
        {
            return false;
        }
        long factor = PowersOf10[work - scale];
        long counted = 0, excess = 0, truncated = 0, negative = 0;
        try
        {
            checked
            {
                long t = thresholdUnits * PowersOf10[work - thresholdScale];
                for (int i = 0; i < n; i++)
                {
                    long cost = factor == 1 ? costs[i] : costs[i] * factor;
                    negative |= cost;
                    if (cost > t)
                    {
                        excess += cost - t;
                        counted += t;
                        truncated++;
                    }
                    else
                    {
                        counted += cost;
                    }
                }
            }
        }
        catch (OverflowException)
        {
            return false;
        }
        if (negative < 0 && counted == 0)
        {
            return false; // perhaps decimal's negative zero: the decimal sums give it
        }
        long untruncated = n - truncated;
        _counted = Exact.Add(_counted, Rescaled(counted, work, Math.Max(untruncated > 0 ? scale : 0, truncated > 0 ? thresholdScale : 0)));
        _excess = Exact.Add(_excess, truncated > 0 ? ColumnBatch.FromUnits(excess, work) : 0m);
        _truncatedMembers += truncated;
        return true;
    }

    /// <summary>
    /// A carve-out check on a row whose category and parts are held as units: the check's problem, 0, or null when
    /// they are not all units or a value does not fit at their common scale (the decimal check decides).
    /// </summary>
    private static int? CarveOutInUnits(ColumnBatch batch, int i, in Check check)
    {
        if (!batch.TryGetUnits(check.Category, out var category, out int categoryScale))
        {
            return null;
        }
        int scale = categoryScale;
        foreach (int part in check.Parts)
        {
            if (!batch.TryGetUnits(part, out _, out int partScale))
            {
                return null;
            }
            scale = Math.Max(scale, partScale);
        }
        try
        {
            checked
            {
                long whole = category[i] * Factor(scale - categoryScale);
                long low = Math.Min(0, whole), high = Math.Max(0, whole);
                long together = 0;
                for (int k = 0; k < check.Parts.Length; k++)
                {
                    batch.TryGetUnits(check.Parts[k], out var part, out int partScale);
                    long value = part[i] * Factor(scale - partScale);
                    if (value < low || value > high)
                    {
                        return check.Problems[k];
                    }
                    together += value;
                    if (together < low || together > high)
                    {
                        return check.Problems[k];
                    }
                }
                return 0;
            }
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static long Factor(int up) => up < PowersOf10.Length ? PowersOf10[up] : throw new OverflowException();
}
