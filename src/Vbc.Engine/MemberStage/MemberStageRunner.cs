using System.Runtime.CompilerServices;
using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.MemberLevel;
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

    /// <summary>Why each row left out with --exclude-bad-rows went (warnings), for when no member is left.</summary>
    public IReadOnlyList<Diagnostic> LeftOutWarnings { get; init; } = Array.Empty<Diagnostic>();
}

/// <summary>
/// Runs one table's member-level program (the IR, <see cref="MemberProgram"/>) over batches of rows: the population
/// steps in their order, each member's cost (categories less carve-outs), its truncation, the row checks in their
/// order, and the sums clauses asked for. Every order and rule is the program's; this class only executes it.
/// Batches are consumed in order; all sums are exact decimals, so the result does not depend on how the work is split.
/// </summary>
internal sealed partial class MemberStageRunner
{
    private const int MaxProblems = 200;

    private readonly MemberProgram _program;
    private readonly MemberSourceMap _map;
    private readonly SourceText _contract;
    private readonly string _dataFile;
    private readonly bool _leaveOutBadRows;

    private readonly int[] _categories;

    // Without a cost basis (a bundle over episodes), a row left out is listed with the money columns the program reads,
    // as the statement's tables count a table's dollars; with one, with its cost in scope.
    private readonly int[] _listedMoney;
    private readonly int[] _carveOuts;
    private readonly int _months;
    private readonly int _id;
    // Every distinct per-row expression of the program is compiled once and evaluated once per batch.
    private readonly Kernel[] _kernels;
    private Vector[] _vectors = Array.Empty<Vector>();
    private Vector[] _totalVectors = Array.Empty<Vector>();
    private Vector[] _groupKeyVectors = Array.Empty<Vector>();
    private Vector?[] _groupValueVectors = Array.Empty<Vector?>();
    private readonly Step[] _steps;
    private readonly Check[] _checks;
    private readonly int[] _totals;
    private readonly decimal[] _thresholds;
    private readonly bool[] _sumKinds;
    private readonly int[] _groupKeys;
    private readonly int[] _groupValues;
    // Row problems the runner words itself: a carve-out's columns, a required-positive value's kernel and name.
    private readonly Dictionary<int, (int Part, int Category)> _carveOutOfProblem = new();
    private readonly Dictionary<int, (int Slot, string What)> _positiveOfProblem = new();

    /// <summary>A population step: what it tests (a kernel's slot, or the member months column) and when a row goes.</summary>
    private readonly record struct Step(int Slot, bool LeaveOutWhen, bool NoMonths);

    private enum CheckKind
    {
        Computes,
        CarveOuts,
        AboveZero,
    }

    /// <summary>A row check, flattened for the row loop.</summary>
    private readonly record struct Check(CheckKind Kind, int Slot, int Category, int[] Parts, int[] Problems);

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
    // Each member's cost, kept only when truncation is at a percentile (known once every member is seen), in one
    // array (MemberArrays): no copy for the percentile, sized from the source's row count when it is known.
    private decimal[] _costs = Array.Empty<decimal>();
    // The same costs as whole units of one scale (_costScale) while every member's cost has that scale (columns held as
    // units, ColumnBatch.TryGetUnits); from the first cost that does not, they are decimals in _costs.
    private long[] _costUnits = Array.Empty<long>();
    private int _costScale = -1;
    private bool _costsAsDecimals;
    private int[][] _groupIds;
    private readonly Dictionary<string, int>[] _groupIndex;
    private decimal[] _rowCost = Array.Empty<decimal>();
    private decimal[] _rowCarved = Array.Empty<decimal>();
    // The same per-row sums as units of one scale, when every column summed is held as units (see RowSums).
    private RowSums _rowCostUnits = new();
    private RowSums _rowCarvedUnits = new();
    private readonly List<Diagnostic> _problems = new();
    private readonly List<ExcludedRow> _leftOut = new();
    private long _problemRows;

    /// <param name="sharesEvaluationWith">
    /// A stage of an equal program over the same columns whose evaluation of each batch this one reads (its kernels,
    /// row sums and population marks), or null: this stage evaluates batches itself.
    /// </param>
    public MemberStageRunner(LoweredTable lowered, IReadOnlyList<ColumnSpec> batchColumns, string dataFile, bool leaveOutBadRows,
        MemberStageRunner? sharesEvaluationWith = null)
    {
        if (sharesEvaluationWith is not null && (!sharesEvaluationWith._program.Equals(lowered.Program) || !sharesEvaluationWith._batchColumns.SequenceEqual(batchColumns)))
        {
            throw new ArgumentException("Only a stage of an equal program over the same columns can share another's evaluation.", nameof(sharesEvaluationWith));
        }
        _evaluator = sharesEvaluationWith?._evaluator ?? this;
        _program = lowered.Program;
        _map = lowered.Map;
        _contract = _map.Source;
        _dataFile = dataFile;
        _leaveOutBadRows = leaveOutBadRows;
        _batchColumns = batchColumns;

        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int c = 0; c < batchColumns.Count; c++)
        {
            index.TryAdd(batchColumns[c].Name, c);
        }
        var compiler = new KernelCompiler(index);
        var slots = new Dictionary<IrExpression, int>();
        var kernels = new List<Kernel>();
        int Slot(IrExpression e)
        {
            if (!slots.TryGetValue(e, out int slot))
            {
                slots[e] = slot = kernels.Count;
                // An equal program numbers its expressions alike: a shared evaluation's kernel is this slot's.
                kernels.Add(_evaluator == this ? compiler.Compile(e) : _evaluator._kernels[slot]);
            }
            return slot;
        }

        var p = _program;
        _categories = p.Cost.Categories.Select(c => index[c.Name]).ToArray();
        _listedMoney = _categories.Length > 0 ? _categories
            : p.Reads.Where(c => c.Type.IsNumber && c.Type.Dimension == Dimension.Dollars && index.ContainsKey(c.Name)).Select(c => index[c.Name]).ToArray();
        _carveOuts = p.Cost.CarvedOut.Select(c => index[c.Name]).ToArray();
        _months = p.MemberMonths is { } m ? index[m.Name] : -1;
        _id = p.Id is { } id && index.TryGetValue(id.Name, out var idAt) ? idAt : -1;
        _steps = p.Population.Select(step => step switch
        {
            IncludeWhen i => new Step(Slot(i.Condition), LeaveOutWhen: false, NoMonths: false),
            ExcludeWhen x => new Step(Slot(x.Condition), LeaveOutWhen: true, NoMonths: false),
            ExcludeWithoutMonths w => new Step(index[w.Months.Name], LeaveOutWhen: true, NoMonths: true),
            _ => throw new InvalidOperationException($"No population step {step.GetType().Name}."),
        }).ToArray();
        _totals = p.Totals.Select(t => Slot(t.PerMember)).ToArray();
        _thresholds = p.Totals.Select(t => t.ExcessOver ?? 0m).ToArray();
        _sumKinds = p.Totals.Select(t => t.ExcessOver is null).ToArray();
        _groupKeys = p.Groups.Select(g => Slot(g.By)).ToArray();
        _groupValues = p.Groups.Select(g => g.Sum is null ? -1 : Slot(g.Sum)).ToArray();
        _checks = p.RowChecks.Select(check =>
        {
            switch (check)
            {
                case Computes c:
                    return new Check(CheckKind.Computes, Slot(c.Expression), -1, Array.Empty<int>(), Array.Empty<int>());
                case CarveOutCheck c:
                    {
                        int category = index[c.Category.Name];
                        var parts = c.Parts.Select(x => index[x.Part.Name]).ToArray();
                        var problems = c.Parts.Select(x => x.Problem.Number).ToArray();
                        for (int k = 0; k < parts.Length; k++)
                        {
                            _carveOutOfProblem.TryAdd(problems[k], (parts[k], category));
                        }
                        return new Check(CheckKind.CarveOuts, -1, category, parts, problems);
                    }
                case AboveZero a:
                    {
                        int slot = Slot(a.Value);
                        _positiveOfProblem[a.Problem.Number] = (slot, _map.Problem(a.Problem).Subject ?? "the value");
                        return new Check(CheckKind.AboveZero, slot, -1, Array.Empty<int>(), new[] { a.Problem.Number });
                    }
                default:
                    throw new InvalidOperationException($"No row check {check.GetType().Name}.");
            }
        }).ToArray();
        _kernels = kernels.ToArray();

        switch (p.Truncation)
        {
            case TruncateAtPercentile { Method: PercentileMethod.Inclusive } q:
                _percentile = q.Percent;
                break;
            case TruncateAtAmount a:
                _fixedThreshold = a.Amount;
                break;
            case null:
                break;
            default:
                throw new InvalidOperationException($"No truncation {p.Truncation}.");
        }

        _excludedRows = new long[_steps.Length];
        _excludedCost = new decimal[_steps.Length];
        _totalSums = new decimal[_totals.Length];
        _groupSums = p.Groups.Select(_ => new Dictionary<string, (decimal, long)>(StringComparer.Ordinal)).ToArray();
        _groupIds = p.Groups.Select(_ => Array.Empty<int>()).ToArray();
        _groupIndex = p.Groups.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
    }

    private bool StoresCosts => _percentile is not null;

    /// <summary>The member-level program this stage runs.</summary>
    public MemberProgram Program => _program;

    /// <summary>
    /// Reserves room for the members of <paramref name="rows"/> rows before the first batch, when the source knows
    /// how many it holds (a Parquet file's metadata): the per-member arrays are allocated once at that length
    /// instead of doubling as members arrive (at 10M rows the costs doubled from 8M to 16M entries, 384 MB held
    /// during the copy). More rows than reserved still grow the arrays.
    /// </summary>
    public void ReserveRows(long rows)
    {
        if (!StoresCosts || rows <= Math.Max(_costs.Length, _costUnits.Length) || rows > Array.MaxLength || _members > 0)
        {
            return;
        }
        _costUnits = MemberArrays<long>.Take(rows);
        for (int k = 0; k < _groupIds.Length; k++)
        {
            if (_program.Groups[k].Sum is null)
            {
                _groupIds[k] = MemberArrays<int>.Take(rows);
            }
        }
    }

    /// <summary>Runs the stage over every row of the batch.</summary>
    public void Add(ColumnBatch batch)
    {
        if (_failed)
        {
            return;
        }
        Evaluate(batch);
        AddSelected(batch, null, 0, batch.RowCount);
    }

    /// <summary>
    /// The stage whose per-row work (<see cref="Evaluate"/>) this one reads: itself, or the first stage of an equal
    /// program (a portfolio's organisations whose inputs give the same program evaluate each batch once, together).
    /// </summary>
    public MemberStageRunner Evaluator => _evaluator;

    private readonly MemberStageRunner _evaluator;
    // The batch this stage's per-row work was last evaluated over (only a stage that is its own evaluator).
    private ColumnBatch? _evaluated;

    /// <summary>
    /// Evaluates the program's per-row work over every row of a batch, once for every stage that shares this
    /// evaluator: the kernels, each row's cost in scope and carve-outs, and why each row leaves the population. Rows
    /// are then added to each stage through its selection (<see cref="AddSelected"/>). Nothing here fails: a row
    /// whose sums are not exact is noted, and fails only the stage that adds it.
    /// </summary>
    public void Evaluate(ColumnBatch batch)
    {
        if (_evaluator != this)
        {
            throw new InvalidOperationException("A stage that shares another's evaluation does not evaluate batches itself.");
        }
        // The batch's vectors, in arrays reused from batch to batch (a portfolio's stages take many small batches).
        if (_vectors.Length != _kernels.Length)
        {
            _vectors = new Vector[_kernels.Length];
        }
        for (int k = 0; k < _kernels.Length; k++)
        {
            _vectors[k] = _kernels[k].Evaluate(batch);
        }
        _notExact.Clear();
        _monthsBatch = null;
        SumColumns(batch, _categories, ref _rowCost, _rowCostUnits);
        SumColumns(batch, _carveOuts, ref _rowCarved, _rowCarvedUnits);
        Population(batch, _vectors);
        _evaluated = batch;
    }

    /// <summary>
    /// Adds the rows <paramref name="rows"/>[<paramref name="from"/>..<paramref name="to"/>] of a batch (in file order;
    /// null: the rows from..to themselves) to this stage, reading the per-row work its <see cref="Evaluator"/> did over
    /// the batch. A portfolio's organisation reads the reader's batch through the row indexes of its own rows.
    /// </summary>
    public void AddSelected(ColumnBatch batch, int[]? rows, int from, int to)
    {
        if (_failed || from >= to)
        {
            return;
        }
        if (_evaluator._evaluated != batch)
        {
            throw new InvalidOperationException("The batch was not evaluated before its rows were added.");
        }
        try
        {
            AddExactly(batch, rows, from, to);
        }
        catch (SumNotExact e)
        {
            // Stop here: every later sum would be wrong. The run fails with the row and the sum named.
            _failed = true;
            _problems.Add(SettlementDiagnostics.SumNotExact(new Location(_dataFile, (int)Math.Min(int.MaxValue, batch.Lines[e.Row]), 1),
                batch.DataRowAt(e.Row), _id >= 0 ? batch.TextAt(_id, e.Row) : null, e.What));
        }
    }

    private bool _failed;
    private readonly IReadOnlyList<ColumnSpec> _batchColumns;

    /// <summary>A sum over the data that cannot be held exactly, at a row of the batch.</summary>
    private sealed class SumNotExact(int row, string what) : Exception
    {
        public int Row { get; } = row;

        public string What { get; } = what;
    }

    private static void Add(ref decimal sum, decimal value, int row, string what)
    {
        if (!Exact.TryAdd(ref sum, value))
        {
            throw new SumNotExact(row, what);
        }
    }

    private string Names(IEnumerable<int> columns) => string.Join(" + ", columns.Select(c => _batchColumns[c].Name));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddExactly(ColumnBatch batch, int[]? rows, int from, int to)
    {
        var evaluator = _evaluator;
        int count = to - from;
        if (evaluator._notExact.Count > 0)
        {
            // A row sum that is not exact fails the stage that adds its row before any of the batch's rows are added
            // (the first by column, then by row, as summing column by column meets them).
            var selected = rows is null ? null : new HashSet<int>(rows[from..to]);
            foreach (var (row, what) in evaluator._notExact)
            {
                if (selected is null ? row >= from && row < to : selected.Contains(row))
                {
                    throw new SumNotExact(row, what);
                }
            }
        }
        _rows += count;
        var vectors = evaluator._vectors;
        if (_totalVectors.Length != _totals.Length || _groupKeyVectors.Length != _groupKeys.Length)
        {
            _totalVectors = new Vector[_totals.Length];
            _groupKeyVectors = new Vector[_groupKeys.Length];
            _groupValueVectors = new Vector?[_groupValues.Length];
        }
        var totals = _totalVectors;
        for (int k = 0; k < _totals.Length; k++)
        {
            totals[k] = vectors[_totals[k]];
        }
        var groupKeys = _groupKeyVectors;
        var groupValues = _groupValueVectors;
        for (int k = 0; k < _groupKeys.Length; k++)
        {
            groupKeys[k] = vectors[_groupKeys[k]];
            groupValues[k] = _groupValues[k] < 0 ? null : vectors[_groupValues[k]];
        }
        bool anyRowErrors = false;
        foreach (var check in _checks)
        {
            anyRowErrors |= check.Kind != CheckKind.Computes || vectors[check.Slot].Errors is not null;
        }
        if (TryAddUnits(batch, rows, from, to, anyRowErrors))
        {
            return;
        }
        var months = _months >= 0 ? batch.Decimals(_months) : null;

        // Each row's cost in scope and carved out, and why each row is left out, if it is: the evaluator's, per batch row.
        var rowCosts = evaluator._rowCostUnits.Decimals(ref evaluator._rowCost, batch.RowCount);
        var rowCarved = evaluator._rowCarvedUnits.Decimals(ref evaluator._rowCarved, batch.RowCount);
        var reasons = evaluator._reasons;
        var problems = evaluator._rowProblems;
        if (StoresCosts)
        {
            CostsAsDecimals();
            if (_costs.Length < _members + count)
            {
                _costs = MemberArrays<decimal>.Grow(_costs, (int)_members, _members + count);
            }
        }

        // Accumulate in locals: fields cannot stay in registers across the loop. Every sum is exact or fails.
        decimal inputCost = 0, carvedOut = 0, memberMonths = 0, counted = 0, excess = 0;
        long members = _members, truncated = 0;
        var costs = _costs;
        bool storeCosts = StoresCosts;
        bool fixedThreshold = _fixedThreshold is not null;
        decimal threshold = _fixedThreshold ?? 0;
        // What each sum is, for the message if one is not exact: built once (a portfolio's stages take many small
        // batches), never per row.
        string inputWhat = _inputWhat ??= $"the cost in scope ({Names(_categories)}) over all rows";
        string carvedWhat = _carvedWhat ??= $"the carve-outs ({Names(_carveOuts)})";
        string monthsWhat = _monthsWhat ??= _months >= 0 ? $"the member months ({_batchColumns[_months].Name})" : "";
        var totalWhat = _totalWhat ??= _map.Totals.Select(t => $"the sum of {t.Description}").ToArray();
        for (int j = from; j < to; j++)
        {
            int i = rows is null ? j : rows[j];
            decimal rowCost = rowCosts[i];
            Add(ref inputCost, rowCost, i, inputWhat);
            int reason = reasons[i];
            if (reason >= 0)
            {
                _excludedRows[reason]++;
                Add(ref _excludedCost[reason], rowCost, i, "the cost of the rows left out");
                continue;
            }
            int problem = problems[i];
            if (anyRowErrors && problem == 0)
            {
                problem = RowCheck(batch, i, vectors);
            }
            if (problem != 0)
            {
                RowProblem(batch, i, problem, rowCost);
                continue;
            }

            decimal carved = rowCarved[i];
            decimal cost = rowCost - carved;
            long member = members++;
            Add(ref carvedOut, carved, i, carvedWhat);
            if (months is not null)
            {
                Add(ref memberMonths, months[i], i, monthsWhat);
            }

            if (storeCosts)
            {
                costs[member] = cost;
            }
            else if (fixedThreshold && cost > threshold)
            {
                Add(ref excess, cost - threshold, i, "the truncated excess");
                Add(ref counted, threshold, i, "the counted cost");
                truncated++;
                cost = threshold;
            }
            else
            {
                Add(ref counted, cost, i, "the counted cost");
            }

            for (int k = 0; k < totals.Length; k++)
            {
                decimal v = totals[k].NumberAt(i);
                Add(ref _totalSums[k], _sumKinds[k] ? v : Math.Max(0, v - _thresholds[k]), i, totalWhat[k]);
            }
            for (int k = 0; k < groupKeys.Length; k++)
            {
                AddToGroup(k, GroupKey(groupKeys[k], i), groupValues[k], i, cost, member);
            }
        }
        // The batch's sums join the run's only when the whole batch was exact.
        int last = rows is null ? to - 1 : rows[to - 1];
        Add(ref _inputCost, inputCost, last, inputWhat);
        Add(ref _carvedOut, carvedOut, last, "the carve-outs");
        Add(ref _memberMonths, memberMonths, last, "the member months");
        Add(ref _counted, counted, last, "the counted cost");
        Add(ref _excess, excess, last, "the truncated excess");
        _truncatedMembers += truncated;
        _members = members;
    }

    /// <summary>
    /// The program's row checks, in its order, on a row of the population: an expression's first problem, a carve-out
    /// outside its category (alone or with the category's parts before it), a value not above 0. Returns a problem or 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int RowCheck(ColumnBatch batch, int i, Vector[] vectors)
    {
        for (int c = 0; c < _checks.Length; c++)
        {
            ref readonly var check = ref _checks[c];
            switch (check.Kind)
            {
                case CheckKind.Computes:
                    if (vectors[check.Slot].ErrorAt(i) is int e and not 0)
                    {
                        return e;
                    }
                    break;
                case CheckKind.CarveOuts:
                    {
                        if (CarveOutInUnits(batch, i, check) is int inUnits)
                        {
                            if (inUnits != 0)
                            {
                                return inUnits;
                            }
                            break;
                        }
                        decimal whole = batch.Decimals(check.Category)[i];
                        decimal low = Math.Min(0, whole), high = Math.Max(0, whole);
                        decimal together = 0;
                        for (int k = 0; k < check.Parts.Length; k++)
                        {
                            decimal value = batch.Decimals(check.Parts[k])[i];
                            if (value < low || value > high || !Exact.TryAdd(ref together, value) || together < low || together > high)
                            {
                                return check.Problems[k];
                            }
                        }
                        break;
                    }
                default:
                    {
                        var value = vectors[check.Slot];
                        if (value.ErrorAt(i) is int error and not 0)
                        {
                            return error;
                        }
                        if (value.NumberAt(i) <= 0)
                        {
                            return check.Problems[0];
                        }
                        break;
                    }
            }
        }
        return 0;
    }

    /// <summary>
    /// Per row, into <see cref="_reasons"/> and <see cref="_rowProblems"/>: the index of the first population step that
    /// leaves it out, or -1; and the number of a problem met in a step's condition on the row (later steps are not
    /// tried), or 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Population(ColumnBatch batch, Vector[] vectors)
    {
        int n = batch.RowCount;
        var reasons = Reuse(ref _reasons, n);
        var problems = Reuse(ref _rowProblems, n);
        Array.Fill(reasons, -1, 0, n);
        Array.Clear(problems, 0, n);
        for (int k = 0; k < _steps.Length; k++)
        {
            var step = _steps[k];
            if (!step.NoMonths)
            {
                Mark(vectors[step.Slot], k, step.LeaveOutWhen, reasons, problems, n);
                continue;
            }
            if (batch.TryGetUnits(step.Slot, out var monthUnits, out _))
            {
                for (int i = 0; i < n; i++)
                {
                    if (reasons[i] < 0 && problems[i] == 0 && monthUnits[i] <= 0)
                    {
                        reasons[i] = k;
                    }
                }
                continue;
            }
            var months = batch.Decimals(step.Slot);
            for (int i = 0; i < n; i++)
            {
                if (reasons[i] < 0 && problems[i] == 0 && months[i] <= 0)
                {
                    reasons[i] = k;
                }
            }
        }
    }

    /// <summary>Gives rows where the condition is <paramref name="whenTrue"/> this reason, unless they already have one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Mark(Vector condition, int reason, bool whenTrue, int[] reasons, int[] problems, int n)
    {
        if (!condition.IsScalar && condition.Errors is null)
        {
            var flags = condition.Flags!;
            for (int i = 0; i < n; i++)
            {
                if (flags[i] == whenTrue && reasons[i] < 0 && problems[i] == 0)
                {
                    reasons[i] = reason;
                }
            }
            return;
        }
        for (int i = 0; i < n; i++)
        {
            if (reasons[i] >= 0 || problems[i] != 0)
            {
                continue;
            }
            int problem = condition.ErrorAt(i);
            if (problem != 0)
            {
                problems[i] = problem;
            }
            else if (condition.FlagAt(i) == whenTrue)
            {
                reasons[i] = reason;
            }
        }
    }

    private void AddToGroup(int k, string key, Vector? values, int i, decimal cost, long member)
    {
        if (StoresCosts && values is null)
        {
            // Counted cost is known only after truncation: remember the member's group for then.
            if (!_groupIndex[k].TryGetValue(key, out int gid))
            {
                _groupIndex[k][key] = gid = _groupIndex[k].Count;
            }
            if (_groupIds[k].Length <= member)
            {
                _groupIds[k] = MemberArrays<int>.Grow(_groupIds[k], (int)member, Math.Max(Math.Max(_costs.Length, _costUnits.Length), member + 1));
            }
            _groupIds[k][member] = gid;
            return;
        }
        decimal value = values is not null ? values.NumberAt(i) : cost;
        var current = _groupSums[k].GetValueOrDefault(key);
        decimal sum = current.Sum;
        Add(ref sum, value, i, (_groupWhat ??= _map.Groups.Select(g => $"the sum of {g.Description}").ToArray())[k]);
        _groupSums[k][key] = (sum, current.Count + 1);
    }

    // What each group's sum is, for the message if one is not exact: built once, never per row.
    private string[]? _groupWhat;
    private string? _inputWhat;
    private string? _carvedWhat;
    private string? _monthsWhat;
    private string[]? _totalWhat;

    private static T[] Reuse<T>(ref T[] buffer, int n)
    {
        if (buffer.Length < n)
        {
            buffer = new T[Math.Max(n, 4096)];
        }
        return buffer;
    }

    private int[] _reasons = Array.Empty<int>();
    private int[] _rowProblems = Array.Empty<int>();

    private static string GroupKey(Vector v, int i) =>
        v.IsScalar ? KernelCompiler.Format(v.Scalar) : v.Texts is not null ? v.Texts[i] : v.Flags is not null ? (v.Flags[i] ? "yes" : "no") : v.Numbers is not null ? v.Numbers[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : v.Dates![i].ToString("yyyy-MM-dd");

    /// <summary>
    /// The sum, per row of the batch, of some decimal columns (into a reused buffer). Each row is summed in a local,
    /// the columns in their order; when a sum is not exact, the column-by-column pass notes the rows
    /// (<see cref="_notExact"/>, column by column, then row by row), and such a row fails the stage that adds it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SumColumns(ColumnBatch batch, int[] columns, ref decimal[] buffer, RowSums units)
    {
        if (units.TrySum(batch, columns))
        {
            return;
        }
        int n = batch.RowCount;
        if (buffer.Length < n)
        {
            buffer = new decimal[Math.Max(n, 4096)];
        }
        var sums = buffer;
        if (columns.Length == 0)
        {
            Array.Clear(sums, 0, n);
            return;
        }
        var arrays = new decimal[columns.Length][];
        for (int c = 0; c < columns.Length; c++)
        {
            arrays[c] = batch.Decimals(columns[c]);
        }
        for (int i = 0; i < n; i++)
        {
            decimal sum = 0;
            foreach (var column in arrays)
            {
                if (!Exact.TryAdd(ref sum, column[i]))
                {
                    SumColumnByColumn(batch, columns, sums);
                    return;
                }
            }
            sums[i] = sum;
        }
    }

    /// <summary>The same sums column by column, noting each row whose sum is not exact, in that order.</summary>
    private void SumColumnByColumn(ColumnBatch batch, int[] columns, decimal[] sums)
    {
        int n = batch.RowCount;
        Array.Clear(sums, 0, n);
        foreach (int c in columns)
        {
            var column = batch.Decimals(c);
            for (int i = 0; i < n; i++)
            {
                if (!Exact.TryAdd(ref sums[i], column[i]))
                {
                    _notExact.Add((i, $"the row's {Names(columns)}"));
                }
            }
        }
    }

    // The rows of the evaluated batch whose cost in scope or carve-outs cannot be summed exactly, in the order met.
    private readonly List<(int Row, string What)> _notExact = new();

    private void RowProblem(ColumnBatch batch, int i, int problem, decimal rowCost)
    {
        var kernelProblem = _map.Problems[problem - 1];
        long dataRow = batch.DataRowAt(i);
        // The id names the row; the reader may hold ids as bytes, so only this row's becomes a string.
        string? id = _id >= 0 ? batch.TextAt(_id, i) : null;
        var row = new Location(_dataFile, (int)Math.Min(int.MaxValue, batch.Lines[i]), 1);
        var contractAt = Location.In(_contract, kernelProblem.Span);
        string shortProblem = kernelProblem.Message;
        Diagnostic diagnostic;
        if (_carveOutOfProblem.TryGetValue(problem, out var carveOut))
        {
            string part = _batchColumns[carveOut.Part].Name, category = _batchColumns[carveOut.Category].Name;
            string partValue = Display.Money(batch.Decimals(carveOut.Part)[i]), categoryValue = Display.Money(batch.Decimals(carveOut.Category)[i]);
            shortProblem = $"the carve-out {part} ({partValue}) is not part of {category} ({categoryValue})";
            diagnostic = SettlementDiagnostics.CarveOutExceedsCategory(row, dataRow, id, part, partValue, category, categoryValue, contractAt);
        }
        else if (_positiveOfProblem.TryGetValue(problem, out var positive))
        {
            string value = Display.Trimmed(_evaluator._vectors[positive.Slot].NumberAt(i), 6, 0, false);
            shortProblem = $"{positive.What} is {value}, not above 0";
            diagnostic = SettlementDiagnostics.NotPositive(row, dataRow, id, positive.What, value, contractAt);
        }
        else
        {
            diagnostic = SettlementDiagnostics.RowProblem(row, dataRow, id, kernelProblem.Message, contractAt);
        }
        _problemRows++;
        _problemCost = Exact.Add(_problemCost, rowCost);
        if (_leaveOutBadRows)
        {
            decimal listed = rowCost;
            if (_categories.Length == 0)
            {
                listed = 0;
                foreach (int column in _listedMoney)
                {
                    listed = Exact.Add(listed, batch.Decimals(column)[i]);
                }
            }
            _leftOut.Add(new ExcludedRow(batch.Lines[i], dataRow, id, shortProblem, listed));
            // Shown only if nothing is left to settle: the user must see why every row went.
            if (_leftOutWarnings.Count < MaxProblems)
            {
                _leftOutWarnings.Add(diagnostic with { Severity = Severity.Warning });
            }
            return;
        }
        if (_problems.Count < MaxProblems)
        {
            _problems.Add(diagnostic);
        }
        else if (_unlistedProblems++ == 0)
        {
            _firstUnlisted = diagnostic.Location;
        }
    }

    // Row problems beyond MaxProblems: counted and noted once, never silently dropped.
    private long _unlistedProblems;

    private Location? _firstUnlisted;

    private readonly List<Diagnostic> _leftOutWarnings = new();

    private decimal _problemCost;

    /// <summary>
    /// <see cref="Finish"/>, or null with the diagnostic that stops the run when a sum over the whole population
    /// (counted cost after truncation, a total by group) cannot be held exactly. Row sums are checked row by row as
    /// rows are added (VBC3040 names the row); this is the one check left for the end. <paramref name="file"/> names
    /// the data in the diagnostic.
    /// </summary>
    public MemberStageResult? TryFinish(string file, out Diagnostic? failure)
    {
        try
        {
            failure = null;
            return Finish();
        }
        catch (ArithmeticException)
        {
            failure = SettlementDiagnostics.PopulationSumNotExact(new Location(file, 1, 1),
                "the population's totals (counted cost after truncation, or a total by group)");
            return null;
        }
    }

    public MemberStageResult Finish()
    {
        decimal? threshold = _fixedThreshold;
        string? rule = _fixedThreshold is { } f ? AmountRule(f) : null;
        if (_percentile is { } percent && !_costsAsDecimals)
        {
            // The costs are units of one scale: selected as integers, no copy into decimals.
            int n = (int)_members;
            bool keepOrder = _program.Groups.Any(g => g.Sum is null);
            var selected = keepOrder ? MemberArrays<long>.Take(n) : _costUnits;
            if (keepOrder)
            {
                Array.Copy(_costUnits, selected, n);
            }
            threshold = n == 0 ? 0 : PercentileOfUnits(selected, n, percent / 100m, _costScale);
            if (keepOrder)
            {
                MemberArrays<long>.Return(selected);
            }
            rule = PercentileRule(percent, threshold.Value);
            ApplyPercentileTruncation(threshold.Value);
            ReturnArrays();
        }
        else if (_percentile is { } p)
        {
            int n = (int)_members;
            // Selection reorders the costs; a copy is needed only when per-group costs must stay in member order.
            bool keepOrder = _program.Groups.Any(g => g.Sum is null);
            var selected = keepOrder ? MemberArrays<decimal>.Take(n) : _costs;
            if (keepOrder)
            {
                Array.Copy(_costs, selected, n);
            }
            threshold = n == 0 ? 0 : PercentileInc(selected, n, p / 100m);
            if (keepOrder)
            {
                MemberArrays<decimal>.Return(selected);
            }
            rule = PercentileRule(p, threshold.Value);
            ApplyPercentileTruncation(threshold.Value);
            ReturnArrays();
        }

        var exclusions = new List<Exclusion>();
        for (int k = 0; k < _steps.Length; k++)
        {
            exclusions.Add(new Exclusion(_map.Steps[k].Reason, _map.Steps[k].Where, _excludedRows[k], _excludedCost[k]));
        }
        if (_leftOut.Count > 0)
        {
            exclusions.Add(new Exclusion("left out: could not be computed (--exclude-bad-rows)", "data", _problemRows, _problemCost));
        }
        else if (_problemRows > 0)
        {
            exclusions.Add(new Exclusion(ProblemRowsFail, "data", _problemRows, _problemCost));
        }

        var population = new PopulationSummary(_rows, _members, _memberMonths, exclusions, _inputCost, _carvedOut,
            threshold, rule, _truncatedMembers, _excess, _counted)
        {
            CostMeasured = _program.Cost.Categories.Count > 0,
        };

        var totals = new Dictionary<(BoundClause, string), decimal>();
        for (int k = 0; k < _program.Totals.Count; k++)
        {
            totals[(_map.Totals[k].Owner, _program.Totals[k].Key)] = _totalSums[k];
        }
        var groups = new Dictionary<(BoundClause, string), IReadOnlyList<(string, decimal, long)>>();
        for (int k = 0; k < _program.Groups.Count; k++)
        {
            groups[(_map.Groups[k].Owner, _program.Groups[k].Key)] = _groupSums[k]
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Value.Sum, g.Value.Count))
                .ToList();
        }
        return new MemberStageResult
        {
            Population = population,
            Totals = totals,
            Groups = groups,
            Problems = _unlistedProblems == 0 ? _problems
                : _problems.Append(SettlementDiagnostics.MoreRowProblems(_firstUnlisted!, MaxProblems, _unlistedProblems)).ToList(),
            RowsLeftOut = _leftOut,
            LeftOutWarnings = _leftOutWarnings,
        };
    }

    /// <summary>The statement's words for a truncation at a fixed amount (every backend writes them alike).</summary>
    internal static string AmountRule(decimal amount) => $"each member's cost capped at {Display.Money(amount)}";

    /// <summary>The statement's words for a truncation at a percentile of member costs, with the cap found.</summary>
    internal static string PercentileRule(decimal percent, decimal threshold) =>
        $"each member's cost capped at the {Display.Ordinal(percent)} percentile of member costs in the population (PERCENTILE.INC), {Display.Money(threshold)}";

    /// <summary>The statement's reason for rows left out because of a problem, with --exclude-bad-rows or without.</summary>
    internal const string ProblemRowsFail = "rows with errors (the run fails)";

    private void ReturnArrays()
    {
        if (_costUnits.Length > 0)
        {
            MemberArrays<long>.Return(_costUnits);
            _costUnits = Array.Empty<long>();
        }
        if (_costs.Length > 0)
        {
            MemberArrays<decimal>.Return(_costs);
            _costs = Array.Empty<decimal>();
        }
        for (int k = 0; k < _groupIds.Length; k++)
        {
            if (_groupIds[k].Length > 0)
            {
                MemberArrays<int>.Return(_groupIds[k]);
                _groupIds[k] = Array.Empty<int>();
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ApplyPercentileTruncation(decimal threshold)
    {
        var groupNames = _groupIndex.Select(index => index.OrderBy(g => g.Value).Select(g => g.Key).ToArray()).ToArray();
        int n = (int)_members;
        if (!_costsAsDecimals && n > 0 && !TruncateUnits(_costUnits, n, _costScale, threshold))
        {
            CostsAsDecimals(); // a sum that does not fit in 64 bits: the exact decimal sums below
        }
        var costs = _costs;
        decimal counted = 0, excess = 0;
        long truncated = 0;
        for (int i = 0; i < n && _costsAsDecimals; i++)
        {
            decimal cost = costs[i];
            if (cost > threshold)
            {
                excess = Exact.Add(excess, cost - threshold);
                truncated++;
                cost = threshold;
            }
            counted = Exact.Add(counted, cost);
        }
        _counted = Exact.Add(_counted, counted);
        _excess = Exact.Add(_excess, excess);
        _truncatedMembers += truncated;

        // Per-group counted cost, in member order (the costs were not reordered when groups need them).
        for (int k = 0; k < _program.Groups.Count; k++)
        {
            if (_program.Groups[k].Sum is not null)
            {
                continue;
            }
            var ids = _groupIds[k];
            var sums = new decimal[groupNames[k].Length];
            var counts = new long[groupNames[k].Length];
            for (int i = 0; i < n; i++)
            {
                decimal cost = _costsAsDecimals ? costs[i] : ColumnBatch.FromUnits(_costUnits[i], _costScale);
                sums[ids[i]] = Exact.Add(sums[ids[i]], Math.Min(cost, threshold));
                counts[ids[i]]++;
            }
            for (int g = 0; g < sums.Length; g++)
            {
                var current = _groupSums[k].GetValueOrDefault(groupNames[k][g]);
                _groupSums[k][groupNames[k][g]] = (Exact.Add(current.Sum, sums[g]), current.Count + counts[g]);
            }
        }
    }

    /// <summary>
    /// Excel's PERCENTILE.INC: the value at rank h = (n - 1) x p, interpolated linearly between the closest ranks.
    /// Exact in decimals. Reorders <paramref name="values"/>.
    /// </summary>
    internal static decimal PercentileInc(decimal[] values, int n, decimal p)
    {
        decimal h = (n - 1) * p;
        int lo = (int)Math.Floor(h);
        decimal fraction = h - lo;
        decimal low, next;
        // Costs of one scale (cents) whose digits fit in 64 bits are selected as integers: the same values, without
        // a decimal comparison per step. Converted back at their scale, the two ranks are the very decimals selected.
        var units = n > 0 ? UnitPool.Rent(n) : Array.Empty<long>();
        try
        {
            if (n > 0 && AsUnits(values, n, units) is int scale)
            {
                return PercentileOfUnits(units, n, p, scale);
            }
        }
        finally
        {
            if (units.Length > 0)
            {
                UnitPool.Return(units);
            }
        }
        low = Select(values, n, lo);
        if (fraction == 0 || lo + 1 >= n)
        {
            return low;
        }
        // After selection everything right of lo is >= values[lo]; the next rank is their minimum.
        next = decimal.MaxValue;
        for (int i = lo + 1; i < n; i++)
        {
            if (values[i] < next)
            {
                next = values[i];
            }
        }
        return low + fraction * (next - low);
    }

    /// <summary><see cref="PercentileInc"/> of costs held as units of one scale (reordered): the same decimal.</summary>
    internal static decimal PercentileOfUnits(long[] units, int n, decimal p, int scale)
    {
        decimal h = (n - 1) * p;
        int lo = (int)Math.Floor(h);
        decimal fraction = h - lo;
        // Converted back at their scale, the two ranks are the very decimals a selection of the decimals gives.
        decimal low = FromUnits(Select(units, n, lo), scale);
        if (fraction == 0 || lo + 1 >= n)
        {
            return low;
        }
        long nextUnits = long.MaxValue;
        for (int i = lo + 1; i < n; i++)
        {
            nextUnits = Math.Min(nextUnits, units[i]);
        }
        decimal next = FromUnits(nextUnits, scale);
        return low + fraction * (next - low);
    }

    private static readonly System.Buffers.ArrayPool<long> UnitPool = System.Buffers.ArrayPool<long>.Create(1 << 30, 2);

    /// <summary>The values as integers at their common scale (the scale), or null when they have no common scale or one does not fit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int? AsUnits(decimal[] values, int n, long[] units)
    {
        if (!Exact.TryGetUnits(values[0], out units[0], out int scale))
        {
            return null;
        }
        for (int i = 1; i < n; i++)
        {
            if (!Exact.TryGetUnits(values[i], out units[i], out int s) || s != scale)
            {
                return null;
            }
        }
        return scale;
    }

    private static decimal FromUnits(long units, int scale) => ColumnBatch.FromUnits(units, scale);

    /// <summary>The k-th smallest value (0-based), by quickselect with median-of-three pivots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T Select<T>(T[] a, int count, int k)
        where T : struct, System.Numerics.IComparisonOperators<T, T, bool>
    {
        int left = 0, right = count - 1;
        while (right > left)
        {
            int mid = left + (right - left) / 2;
            if (a[mid] < a[left]) (a[mid], a[left]) = (a[left], a[mid]);
            if (a[right] < a[left]) (a[right], a[left]) = (a[left], a[right]);
            if (a[right] < a[mid]) (a[right], a[mid]) = (a[mid], a[right]);
            T pivot = a[mid];
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
