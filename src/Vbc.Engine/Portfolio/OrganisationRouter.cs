using Vbc.Data;
using Vbc.Evaluation;
using Vbc.MemberStage;

namespace Vbc.Portfolio;

/// <summary>
/// Sends each batch of the data, as it is read, to the member-level stages of the organisations its rows belong to
/// (the value of the organisation column): the file is read once whatever the number of organisations, and no row is
/// copied. The rows of a batch are grouped by organisation (their indexes, by a counting sort); each program evaluates
/// its per-row work over the reader's batch once, and each organisation's stage adds its own rows through their
/// indexes. Rows keep their line and data row in the file, so a stage names a problem row as it would over the whole
/// file. Counts the rows of every organisation, listed or not, and the dollars (the cost in scope) of the rows no stage measures.
/// </summary>
internal sealed class OrganisationRouter
{
    private readonly IReadOnlyList<ColumnSpec> _specs;
    private readonly int _column;
    private readonly int[] _categories;
    private readonly bool _gatherRows;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<Target> _targets = new();
    private readonly Dictionary<string, (long Rows, decimal Dollars, long FirstLine)> _unlisted = new(StringComparer.Ordinal);
    // Each row's organisation (-1: no stage reads it); the rows of the batch grouped by organisation, and where each
    // organisation's rows start in that order.
    private int[] _target = Array.Empty<int>();
    private int[] _grouped = Array.Empty<int>();
    private int[] _runStarts = Array.Empty<int>();
    private Program[]? _programs;

    /// <param name="specs">The batches' columns.</param>
    /// <param name="column">The organisation column of the data; null when every row is the one organisation's.</param>
    /// <param name="categories">The cost categories in scope: a row's dollars are their sum.</param>
    /// <param name="gatherRows">
    /// Gather each program's rows into a batch of their own even when one program serves every organisation (tests:
    /// the path organisations of different programs take).
    /// </param>
    public OrganisationRouter(IReadOnlyList<ColumnSpec> specs, string? column, IReadOnlyList<string> categories, bool gatherRows = false)
    {
        _specs = specs;
        _gatherRows = gatherRows;
        _column = column is null ? -1 : specs.ToList().FindIndex(s => s.Name.Equals(column, StringComparison.OrdinalIgnoreCase));
        _categories = categories.Select(c => specs.ToList().FindIndex(s => s.Name.Equals(c, StringComparison.OrdinalIgnoreCase))).Where(i => i >= 0).ToArray();
    }

    /// <summary>Whether rows are measured in dollars: the contract has a cost basis and every sum was exact.</summary>
    public bool MeasuresCost => _categories.Length > 0 && _exact;

    private bool _exact = true;

    /// <summary>Rows routed (every row the reader delivered).</summary>
    public long Rows { get; private set; }

    /// <summary>Each listed organisation's rows, and its dollars when no stage measured them (null when a stage did).</summary>
    public IEnumerable<(string Organisation, (long Rows, decimal? Dollars) Tally)> Listed =>
        _index.Select(o => (o.Key, (_targets[o.Value].Rows, _targets[o.Value].Runners.Count > 0 ? (decimal?)null : _targets[o.Value].Dollars)));

    /// <summary>Rows whose organisation has no row in the inputs file, by organisation.</summary>
    public IReadOnlyDictionary<string, (long Rows, decimal Dollars, long FirstLine)> Unlisted => _unlisted;

    /// <summary>Lists an organisation, with a stage to feed (null: its rows are counted but its settlement failed before reading).</summary>
    public void Add(string organisation, MemberStageRunner? runner)
    {
        if (_programs is not null)
        {
            throw new InvalidOperationException("Organisations are listed before the first batch.");
        }
        if (!_index.TryGetValue(organisation, out int k))
        {
            _index[organisation] = k = _targets.Count;
            _targets.Add(new Target());
        }
        if (runner is not null)
        {
            _targets[k].Runners.Add(runner);
        }
    }

    /// <summary>Hands each organisation's rows of a batch to its stages; they are done with the batch when this returns.</summary>
    public void Route(ColumnBatch batch)
    {
        var programs = _programs ??= Programs();
        int n = batch.RowCount;
        if (_target.Length < n)
        {
            _target = new int[n];
            _grouped = new int[n];
        }
        var keys = _column >= 0 ? batch.Texts(_column) : null;
        for (int i = 0; i < n; i++)
        {
            _target[i] = Place(keys, i, batch);
        }
        Group(n);
        var starts = _runStarts;
        // One program serves every organisation (the common case): it reads the reader's batch, and each stage its
        // own rows' indexes. Organisations of several programs: each program's rows are gathered into a batch of
        // their own first, so that no program evaluates the rows of the others.
        bool gather = _gatherRows || programs.Length > 1;
        foreach (var program in programs)
        {
            if (!gather)
            {
                if (program.RowsIn(starts) > 0)
                {
                    program.Evaluator.Evaluate(batch);
                    foreach (var (k, stage) in program.Stages)
                    {
                        stage.AddSelected(batch, _grouped, starts[k], starts[k + 1]);
                    }
                }
                continue;
            }
            if (program.Gather(batch, _grouped, starts) is { } own)
            {
                program.Evaluator.Evaluate(own);
                foreach (var (k, stage) in program.Stages)
                {
                    stage.AddSelected(own, null, program.From[k], program.From[k] + starts[k + 1] - starts[k]);
                }
            }
        }
    }

    /// <summary>The distinct programs of the stages (stages that share an evaluator), each with its organisations' stages.</summary>
    private Program[] Programs()
    {
        var programs = new Dictionary<MemberStageRunner, Program>(ReferenceEqualityComparer.Instance);
        for (int k = 0; k < _targets.Count; k++)
        {
            foreach (var runner in _targets[k].Runners)
            {
                if (!programs.TryGetValue(runner.Evaluator, out var program))
                {
                    programs[runner.Evaluator] = program = new Program(runner.Evaluator, _targets.Count);
                }
                program.Stages.Add((k, runner));
            }
        }
        return programs.Values.ToArray();
    }

    /// <summary>
    /// The organisation of row <paramref name="i"/> (-1: no stage reads it), after counting it. A row that goes to a
    /// stage is measured there (its organisation's population summary holds its dollars); only the dollars of rows no
    /// stage sees are added up here.
    /// </summary>
    private int Place(string[]? keys, int i, ColumnBatch batch)
    {
        Rows++;
        int k = 0;
        if (keys is not null && !_index.TryGetValue(keys[i], out k))
        {
            var u = _unlisted.TryGetValue(keys[i], out var seen) ? seen : (0, 0m, batch.Lines[i]);
            _exact &= Exact.TryAdd(ref u.Item2, RowDollars(batch, i));
            _unlisted[keys[i]] = (u.Item1 + 1, u.Item2, u.Item3);
            return -1;
        }
        if (_targets.Count == 0)
        {
            return -1;
        }
        var t = _targets[k];
        t.Rows++;
        if (t.Runners.Count > 0)
        {
            return k;
        }
        _exact &= Exact.TryAdd(ref t.Dollars, RowDollars(batch, i));
        return -1;
    }

    /// <summary>A row's cost in scope: the sum of its cost categories.</summary>
    private decimal RowDollars(ColumnBatch batch, int i)
    {
        decimal dollars = 0;
        foreach (int c in _categories)
        {
            _exact &= Exact.TryAdd(ref dollars, batch.Decimals(c)[i]);
        }
        return dollars;
    }

    /// <summary>
    /// Groups the rows of the batch by organisation (a counting sort, stable: each organisation's rows stay in file
    /// order): organisation k's rows are <c>_grouped[_runStarts[k].._runStarts[k + 1]]</c>.
    /// </summary>
    private void Group(int n)
    {
        if (_runStarts.Length < _targets.Count + 1)
        {
            _runStarts = new int[_targets.Count + 1];
        }
        var starts = _runStarts;
        Array.Clear(starts, 0, _targets.Count + 1);
        for (int i = 0; i < n; i++)
        {
            if (_target[i] >= 0)
            {
                starts[_target[i] + 1]++;
            }
        }
        for (int k = 0; k < _targets.Count; k++)
        {
            starts[k + 1] += starts[k];
        }
        for (int i = 0; i < n; i++)
        {
            if (_target[i] is int k and >= 0)
            {
                _grouped[starts[k]++] = i;
            }
        }
        // starts[k] is now where the next organisation's rows begin: shift back to where each one's begin.
        for (int k = _targets.Count; k > 0; k--)
        {
            starts[k] = starts[k - 1];
        }
        starts[0] = 0;
    }

    /// <summary>One organisation: its stages (one per row of the inputs file), its tally.</summary>
    private sealed class Target
    {
        public List<MemberStageRunner> Runners { get; } = new();

        public long Rows;
        public decimal Dollars;
    }

    /// <summary>
    /// A distinct member-level program: the stage that evaluates batches for it, the stages (with their organisation)
    /// that read its evaluation, and the arrays its rows are gathered into when organisations' programs differ.
    /// </summary>
    private sealed class Program(MemberStageRunner evaluator, int organisations)
    {
        public MemberStageRunner Evaluator { get; } = evaluator;

        public List<(int Organisation, MemberStageRunner Stage)> Stages { get; } = new();

        /// <summary>Where each organisation's rows start in the gathered batch.</summary>
        public int[] From { get; } = new int[organisations];

        private Array[] _columns = Array.Empty<Array>();
        private long[] _lines = Array.Empty<long>();
        private long[] _dataRows = Array.Empty<long>();

        /// <summary>How many rows of the batch go to this program's organisations.</summary>
        public int RowsIn(int[] starts)
        {
            int rows = 0;
            int last = -1;
            foreach (var (k, _) in Stages)
            {
                if (k != last)
                {
                    rows += starts[k + 1] - starts[k];
                    last = k;
                }
            }
            return rows;
        }

        /// <summary>The rows of this program's organisations as a batch of their own, organisation by organisation; null when there are none.</summary>
        public ColumnBatch? Gather(ColumnBatch batch, int[] grouped, int[] starts)
        {
            int count = RowsIn(starts);
            if (count == 0)
            {
                return null;
            }
            // Number columns held as units are gathered as units, with their scales (ColumnBatch.TryGetUnits).
            var source = batch.ColumnsKeepingUnits;
            if (_columns.Length != source.Length)
            {
                _columns = new Array[source.Length];
            }
            for (int c = 0; c < source.Length; c++)
            {
                if (_columns[c] is not { } target || target.Length < count || target.GetType() != source[c].GetType())
                {
                    int length = Math.Max(count, MemberReadOptions.RecommendedBatchSize);
                    // One array of the column's own storage (no Array.CreateInstance: the native vbc has no code for
                    // element types it cannot see at compile time).
                    _columns[c] = source[c] switch
                    {
                        decimal[] => new decimal[length],
                        long[] => new long[length],
                        bool[] => new bool[length],
                        string[] => new string[length],
                        DateOnly[] => new DateOnly[length],
                        _ => throw new InvalidOperationException($"Unexpected column storage {source[c].GetType()}."),
                    };
                }
                switch (source[c])
                {
                    case decimal[] a:
                        Copy(a, (decimal[])_columns[c], grouped, starts);
                        break;
                    case long[] a:
                        Copy(a, (long[])_columns[c], grouped, starts);
                        break;
                    case bool[] a:
                        Copy(a, (bool[])_columns[c], grouped, starts);
                        break;
                    case string[] a:
                        Copy(a, (string[])_columns[c], grouped, starts);
                        break;
                    case DateOnly[] a:
                        Copy(a, (DateOnly[])_columns[c], grouped, starts);
                        break;
                    default:
                        throw new InvalidOperationException($"Unexpected column storage {source[c].GetType()}.");
                }
            }
            if (_lines.Length < count)
            {
                _lines = new long[Math.Max(count, MemberReadOptions.RecommendedBatchSize)];
                _dataRows = new long[_lines.Length];
            }
            Copy(batch.Lines, _lines, grouped, starts);
            int at = 0;
            int last = -1;
            foreach (var (k, _) in Stages)
            {
                if (k == last)
                {
                    continue;
                }
                last = k;
                From[k] = at;
                for (int j = starts[k]; j < starts[k + 1]; j++)
                {
                    _dataRows[at++] = batch.DataRowAt(grouped[j]);
                }
            }
            return new ColumnBatch(batch.Index, count, _dataRows[0], _lines, _columns, batch.UnitScales) { DataRows = _dataRows };
        }

        /// <summary>One column: each organisation's rows, in turn, to consecutive places (as <see cref="Gather"/> numbers them).</summary>
        private void Copy<T>(T[] source, T[] target, int[] grouped, int[] starts)
        {
            int at = 0;
            int last = -1;
            foreach (var (k, _) in Stages)
            {
                if (k == last)
                {
                    continue;
                }
                last = k;
                for (int j = starts[k]; j < starts[k + 1]; j++)
                {
                    target[at++] = source[grouped[j]];
                }
            }
        }
    }
}
