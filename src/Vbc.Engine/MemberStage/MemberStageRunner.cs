using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Text;

namespace Vbc.MemberStage;

/// <summary>What the member-level stage hands to settlement: the population summary and the totals clauses asked for.</summary>
internal sealed class MemberStageResult
{
    public required PopulationSummary Population { get; init; }

    public required Dictionary<(BoundClause, string), decimal> Totals { get; init; }

    public required Dictionary<(BoundClause, string), IReadOnlyList<(string Group, decimal Sum, long Count)>> Groups { get; init; }

    public required IReadOnlyList<Diagnostic> Problems { get; init; }

    public required IReadOnlyList<ExcludedRow> RowsLeftOut { get; init; }
}

/// <summary>
/// Runs a member plan over batches of rows: filters the population, works out each member's cost (categories less
/// carve-outs), truncates it, and sums what clauses asked for. Batches are consumed in order; all sums are exact
/// decimals, so the result does not depend on how the work is split.
/// </summary>
internal sealed class MemberStageRunner
{
    private const int MaxProblems = 200;

    private readonly MemberPlan _plan;
    private readonly SourceText _contract;
    private readonly string _dataFile;
    private readonly bool _leaveOutBadRows;
    private readonly List<KernelProblem> _kernelProblems = new();

    private readonly int[] _categories;
    private readonly int[] _carveOuts;
    private readonly int _months;
    private readonly int _id;
    private readonly Kernel[] _includes;
    private readonly Kernel[] _excludes;
    private readonly Kernel[] _totals;
    private readonly decimal[] _thresholds;
    private readonly Kernel[] _groupKeys;
    private readonly Kernel?[] _groupValues;

    // Truncation: at a fixed amount (known now) or at a percentile (known after all members are seen).
    private readonly decimal? _fixedThreshold;
    private readonly decimal? _percentile;

    // Accumulators.
    private long _rows;
    private long _members;
    private decimal _memberMonths;
    private decimal _inputCost;
    private decimal _carvedOut;
    private decimal _counted;
    private decimal _excess;
    private long _truncatedMembers;
    private readonly long[] _excludedRows;
    private readonly decimal[] _excludedCost;
    private readonly decimal[] _totalSums;
    private readonly Dictionary<string, (decimal Sum, long Count)>[] _groupSums;
    private readonly List<decimal[]> _costChunks = new();
    private readonly List<int[]>[] _groupIds;
    private readonly Dictionary<string, int>[] _groupIndex;
    private int _chunkFill;
    private readonly List<Diagnostic> _problems = new();
    private readonly List<ExcludedRow> _leftOut = new();
    private long _problemRows;

    private const int ChunkSize = 1 << 16;

    public MemberStageRunner(MemberPlan plan, IReadOnlyList<ColumnSpec> batchColumns, Func<Symbol, Value> runValue, string dataFile, bool leaveOutBadRows)
    {
        _plan = plan;
        _contract = plan.Contract.Source;
        _dataFile = dataFile;
        _leaveOutBadRows = leaveOutBadRows;

        var index = new Dictionary<ColumnSymbol, int>();
        foreach (var column in plan.Contract.Columns)
        {
            int at = batchColumns.ToList().FindIndex(c => c.Name.Equals(column.Name, StringComparison.OrdinalIgnoreCase));
            if (at >= 0)
            {
                index[column] = at;
            }
        }
        var compiler = new KernelCompiler(index, runValue, _kernelProblems, plan.Contract.Source);
        _categories = plan.Categories.Select(c => index[c]).ToArray();
        _carveOuts = plan.CarveOuts.Select(c => index[c]).ToArray();
        _months = plan.Contract.MonthsColumn is { } m ? index[m] : -1;
        _id = plan.Contract.IdColumn is { } id && index.TryGetValue(id, out var idAt) ? idAt : -1;
        _includes = plan.Includes.Select(compiler.Compile).ToArray();
        _excludes = plan.Excludes.Select(x => compiler.Compile(x.Condition)).ToArray();
        _totals = plan.Totals.Select(t => compiler.Compile(t.PerMember)).ToArray();
        _thresholds = plan.Totals.Select(t => t.Threshold is null ? 0m : Evaluator.Evaluate(t.Threshold, runValue).Number).ToArray();
        _groupKeys = plan.Groups.Select(g => compiler.Compile(g.GroupKey)).ToArray();
        _groupValues = plan.Groups.Select(g => g.PerMember is null ? null : compiler.Compile(g.PerMember)).ToArray();

        if (plan.Truncation is { } truncation)
        {
            var value = Evaluator.Evaluate(truncation, runValue);
            if (value.Kind == ValueKind.Percentile)
            {
                _percentile = value.Number;
            }
            else
            {
                _fixedThreshold = value.Number;
            }
        }

        int reasons = _includes.Length + _excludes.Length + 1;
        _excludedRows = new long[reasons];
        _excludedCost = new decimal[reasons];
        _totalSums = new decimal[_totals.Length];
        _groupSums = plan.Groups.Select(_ => new Dictionary<string, (decimal, long)>(StringComparer.Ordinal)).ToArray();
        _groupIds = plan.Groups.Select(_ => new List<int[]>()).ToArray();
        _groupIndex = plan.Groups.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
    }

    private bool StoresCosts => _percentile is not null;

    public void Add(ColumnBatch batch)
    {
        int n = batch.RowCount;
        _rows += n;
        var includes = _includes.Select(k => k.Evaluate(batch)).ToArray();
        var excludes = _excludes.Select(k => k.Evaluate(batch)).ToArray();
        var totals = _totals.Select(k => k.Evaluate(batch)).ToArray();
        var groupKeys = _groupKeys.Select(k => k.Evaluate(batch)).ToArray();
        var groupValues = _groupValues.Select(k => k?.Evaluate(batch)).ToArray();
        var categories = _categories.Select(batch.Decimals).ToArray();
        var carveOuts = _carveOuts.Select(batch.Decimals).ToArray();
        var months = _months >= 0 ? batch.Decimals(_months) : null;
        var ids = _id >= 0 ? batch.Texts(_id) : null;
        int noMonths = _includes.Length + _excludes.Length;

        for (int i = 0; i < n; i++)
        {
            decimal rowCost = 0;
            foreach (var column in categories)
            {
                rowCost += column[i];
            }
            _inputCost += rowCost;

            // The population: include conditions, then exclude conditions, then member months; the first reason counts.
            int reason = -1;
            int problem = 0;
            for (int k = 0; k < includes.Length && reason < 0 && problem == 0; k++)
            {
                problem = includes[k].ErrorAt(i);
                if (problem == 0 && !includes[k].FlagAt(i))
                {
                    reason = k;
                }
            }
            for (int k = 0; k < excludes.Length && reason < 0 && problem == 0; k++)
            {
                problem = excludes[k].ErrorAt(i);
                if (problem == 0 && excludes[k].FlagAt(i))
                {
                    reason = includes.Length + k;
                }
            }
            if (reason < 0 && problem == 0 && months is not null && months[i] <= 0)
            {
                reason = noMonths;
            }
            if (reason >= 0)
            {
                _excludedRows[reason]++;
                _excludedCost[reason] += rowCost;
                continue;
            }

            for (int k = 0; k < totals.Length && problem == 0; k++)
            {
                problem = totals[k].ErrorAt(i);
            }
            for (int k = 0; k < groupKeys.Length && problem == 0; k++)
            {
                problem = groupKeys[k].ErrorAt(i);
                if (problem == 0 && groupValues[k] is { } v)
                {
                    problem = v.ErrorAt(i);
                }
            }
            if (problem != 0)
            {
                RowProblem(batch, i, ids, problem, rowCost);
                continue;
            }

            decimal carved = 0;
            foreach (var column in carveOuts)
            {
                carved += column[i];
            }
            decimal cost = rowCost - carved;
            _members++;
            _carvedOut += carved;
            if (months is not null)
            {
                _memberMonths += months[i];
            }

            if (StoresCosts)
            {
                StoreCost(cost);
            }
            else if (_fixedThreshold is { } t && cost > t)
            {
                _excess += cost - t;
                _counted += t;
                _truncatedMembers++;
                cost = t;
            }
            else
            {
                _counted += cost;
            }

            for (int k = 0; k < totals.Length; k++)
            {
                decimal v = totals[k].NumberAt(i);
                _totalSums[k] += _plan.Totals[k].Kind == TotalKind.Sum ? v : Math.Max(0, v - _thresholds[k]);
            }
            for (int k = 0; k < groupKeys.Length; k++)
            {
                string key = GroupKey(groupKeys[k], i);
                if (StoresCosts && groupValues[k] is null)
                {
                    if (!_groupIndex[k].TryGetValue(key, out int gid))
                    {
                        _groupIndex[k][key] = gid = _groupIndex[k].Count;
                    }
                    StoreGroupId(k, gid);
                    continue;
                }
                decimal value = groupValues[k] is { } gv ? gv.NumberAt(i) : cost;
                var current = _groupSums[k].GetValueOrDefault(key);
                _groupSums[k][key] = (current.Sum + value, current.Count + 1);
            }
        }
    }

    private static string GroupKey(Vector v, int i) =>
        v.IsScalar ? KernelCompiler.Format(v.Scalar) : v.Texts is not null ? v.Texts[i] : v.Flags is not null ? (v.Flags[i] ? "yes" : "no") : v.Numbers is not null ? v.Numbers[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : v.Dates![i].ToString("yyyy-MM-dd");

    private void StoreCost(decimal cost)
    {
        if (_costChunks.Count == 0 || _chunkFill == ChunkSize)
        {
            _costChunks.Add(new decimal[ChunkSize]);
            _chunkFill = 0;
        }
        _costChunks[^1][_chunkFill++] = cost;
    }

    private void StoreGroupId(int request, int id)
    {
        var chunks = _groupIds[request];
        // Group ids are stored in step with costs: the cost just stored is at the same position.
        long position = (long)(_costChunks.Count - 1) * ChunkSize + _chunkFill - 1;
        int chunk = (int)(position / ChunkSize);
        while (chunks.Count <= chunk)
        {
            chunks.Add(new int[ChunkSize]);
        }
        chunks[chunk][position % ChunkSize] = id;
    }

    private void RowProblem(ColumnBatch batch, int i, string[]? ids, int problem, decimal rowCost)
    {
        var kernelProblem = _kernelProblems[problem - 1];
        long dataRow = batch.FirstDataRow + i;
        string? id = ids?[i];
        if (_leaveOutBadRows)
        {
            _leftOut.Add(new ExcludedRow(batch.Lines[i], dataRow, id, kernelProblem.Message, rowCost));
            _problemRows++;
            _problemCost += rowCost;
            return;
        }
        if (_problems.Count < MaxProblems)
        {
            _problems.Add(SettlementDiagnostics.RowProblem(new Location(_dataFile, (int)Math.Min(int.MaxValue, batch.Lines[i]), 1), dataRow, id,
                kernelProblem.Message, Location.In(_contract, kernelProblem.Span)));
        }
        _problemRows++;
        _problemCost += rowCost;
    }

    private decimal _problemCost;

    public MemberStageResult Finish()
    {
        decimal? threshold = _fixedThreshold;
        string? rule = _fixedThreshold is { } f ? $"each member's cost capped at {Display.Money(f)}" : null;
        if (_percentile is { } p)
        {
            var costs = CollectCosts();
            threshold = costs.Length == 0 ? 0 : PercentileInc(costs, p / 100m);
            rule = $"each member's cost capped at the {Display.Ordinal(p)} percentile of member costs in the population (PERCENTILE.INC), {Display.Money(threshold.Value)}";
            ApplyPercentileTruncation(threshold.Value);
        }

        var exclusions = new List<Exclusion>();
        for (int k = 0; k < _plan.Includes.Count; k++)
        {
            exclusions.Add(new Exclusion($"not included: {Text(_plan.Includes[k])}", Where(_plan.Includes[k].Span), _excludedRows[k], _excludedCost[k]));
        }
        for (int k = 0; k < _plan.Excludes.Count; k++)
        {
            var (condition, reason) = _plan.Excludes[k];
            int at = _plan.Includes.Count + k;
            exclusions.Add(new Exclusion($"excluded: {reason}", Where(condition.Span), _excludedRows[at], _excludedCost[at]));
        }
        if (_months >= 0)
        {
            exclusions.Add(new Exclusion("no member months", _plan.Contract.MonthsColumn!.Name, _excludedRows[^1], _excludedCost[^1]));
        }
        if (_leftOut.Count > 0)
        {
            exclusions.Add(new Exclusion("left out: could not be computed (--exclude-bad-rows)", "data", _problemRows, _problemCost));
        }
        else if (_problemRows > 0)
        {
            exclusions.Add(new Exclusion("rows with errors (the run fails)", "data", _problemRows, _problemCost));
        }

        var population = new PopulationSummary(_rows, _members, _memberMonths, exclusions, _inputCost, _carvedOut,
            threshold, rule, _truncatedMembers, _excess, _counted);

        var totals = new Dictionary<(BoundClause, string), decimal>();
        for (int k = 0; k < _plan.Totals.Count; k++)
        {
            totals[(_plan.Totals[k].Owner, _plan.Totals[k].Key)] = _totalSums[k];
        }
        var groups = new Dictionary<(BoundClause, string), IReadOnlyList<(string, decimal, long)>>();
        for (int k = 0; k < _plan.Groups.Count; k++)
        {
            groups[(_plan.Groups[k].Owner, _plan.Groups[k].Key)] = _groupSums[k]
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Value.Sum, g.Value.Count))
                .ToList();
        }
        return new MemberStageResult
        {
            Population = population,
            Totals = totals,
            Groups = groups,
            Problems = _problems,
            RowsLeftOut = _leftOut,
        };
    }

    private string Text(BoundExpression e) => _contract.GetText(e.Span);

    private string Where(TextSpan span) => Location.In(_contract, span).ToString();

    private decimal[] CollectCosts()
    {
        long count = _members;
        var all = new decimal[count];
        long at = 0;
        foreach (var chunk in _costChunks)
        {
            int take = (int)Math.Min(ChunkSize, count - at);
            Array.Copy(chunk, 0, all, at, take);
            at += take;
        }
        return all;
    }

    private void ApplyPercentileTruncation(decimal threshold)
    {
        var groupNames = _groupIndex.Select(index => index.OrderBy(g => g.Value).Select(g => g.Key).ToArray()).ToArray();
        long at = 0;
        for (int c = 0; c < _costChunks.Count; c++)
        {
            var chunk = _costChunks[c];
            int take = (int)Math.Min(ChunkSize, _members - at);
            for (int i = 0; i < take; i++)
            {
                decimal cost = chunk[i];
                if (cost > threshold)
                {
                    _excess += cost - threshold;
                    _truncatedMembers++;
                    cost = threshold;
                }
                _counted += cost;
                for (int k = 0; k < _plan.Groups.Count; k++)
                {
                    if (_plan.Groups[k].CountedCost)
                    {
                        int gid = _groupIds[k][c][i];
                        string key = groupNames[k][gid];
                        var current = _groupSums[k].GetValueOrDefault(key);
                        _groupSums[k][key] = (current.Sum + cost, current.Count + 1);
                    }
                }
            }
            at += take;
        }
    }

    /// <summary>
    /// Excel's PERCENTILE.INC: the value at rank h = (n - 1) x p, interpolated linearly between the closest ranks.
    /// Exact in decimals. Reorders <paramref name="values"/>.
    /// </summary>
    internal static decimal PercentileInc(decimal[] values, decimal p)
    {
        int n = values.Length;
        decimal h = (n - 1) * p;
        int lo = (int)Math.Floor(h);
        decimal fraction = h - lo;
        decimal low = Select(values, lo);
        if (fraction == 0 || lo + 1 >= n)
        {
            return low;
        }
        // After selection everything right of lo is >= values[lo]; the next rank is their minimum.
        decimal next = decimal.MaxValue;
        for (int i = lo + 1; i < n; i++)
        {
            if (values[i] < next)
            {
                next = values[i];
            }
        }
        return low + fraction * (next - low);
    }

    /// <summary>The k-th smallest value (0-based), by quickselect with median-of-three pivots.</summary>
    private static decimal Select(decimal[] a, int k)
    {
        int left = 0, right = a.Length - 1;
        while (right > left)
        {
            int mid = left + (right - left) / 2;
            if (a[mid] < a[left]) (a[mid], a[left]) = (a[left], a[mid]);
            if (a[right] < a[left]) (a[right], a[left]) = (a[left], a[right]);
            if (a[right] < a[mid]) (a[right], a[mid]) = (a[mid], a[right]);
            decimal pivot = a[mid];
            int i = left, j = right;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return a[k];
            }
        }
        return a[k];
    }
}
