using Vbc.Data;
using Vbc.Evaluation;
using Vbc.MemberStage;

namespace Vbc.Portfolio;

/// <summary>
/// Sends each row of the data, as it is read, to the member-level stages of its organisation (the value of the
/// organisation column), in batches of that organisation's rows: the file is read once whatever the number of
/// organisations. Rows keep their line and data row in the file, so a stage names a problem row as it would over the
/// whole file. Counts the rows of every organisation, listed or not, and the dollars (the cost in scope) of the rows no stage measures.
/// </summary>
internal sealed class OrganisationRouter
{
    // About this many rows wait in all organisations' buffers together: batches of 160 to 320 rows with a hundred
    // organisations, and buffers small enough (about 7 MB with 14 columns) to stay mostly in the processor's cache
    // while rows are copied in and the stages read them back (1 << 17 rows took 25 MB).
    public const int DefaultRowsBuffered = 1 << 15;

    private readonly int _rowsBuffered;

    private readonly IReadOnlyList<ColumnSpec> _specs;
    private readonly int _column;
    private readonly int[] _categories;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<Target> _targets = new();
    private readonly Dictionary<string, (long Rows, decimal Dollars, long FirstLine)> _unlisted = new(StringComparer.Ordinal);
    private int[] _target = Array.Empty<int>();
    private int[] _position = Array.Empty<int>();
    // The rows of a stretch of the batch grouped by organisation (a counting sort), and where each one's rows start.
    private int[] _grouped = Array.Empty<int>();
    private int[] _runStarts = Array.Empty<int>();
    private int _capacity;

    /// <param name="specs">The batches' columns.</param>
    /// <param name="column">The organisation column of the data; null when every row is the one organisation's.</param>
    /// <param name="categories">The cost categories in scope: a row's dollars are their sum.</param>
    /// <param name="rowsBuffered">About how many rows all buffers hold together (tests make it small, so buffers fill).</param>
    public OrganisationRouter(IReadOnlyList<ColumnSpec> specs, string? column, IReadOnlyList<string> categories, int rowsBuffered = DefaultRowsBuffered)
    {
        _rowsBuffered = rowsBuffered;
        _specs = specs;
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

    /// <summary>Splits a batch among the organisations; a buffer that fills is handed to its stages at once.</summary>
    public void Route(ColumnBatch batch)
    {
        if (_capacity == 0)
        {
            _capacity = Math.Clamp(_rowsBuffered / Math.Max(1, _targets.Count), 128, MemberReadOptions.RecommendedBatchSize);
            foreach (var (organisation, k) in _index)
            {
                var t = _targets[k];
                if (t.Runners.Count == 0)
                {
                    continue;
                }
                t.Allocate(_specs, _capacity);
                if (_column >= 0)
                {
                    // Every row of the buffer is this organisation's: its column holds the one value, never copied.
                    Array.Fill((string[])t.Columns[_column], organisation);
                }
            }
        }
        int n = batch.RowCount;
        if (_target.Length < n)
        {
            _target = new int[n];
            _position = new int[n];
            _grouped = new int[n];
        }
        if (_runStarts.Length < _targets.Count + 1)
        {
            _runStarts = new int[_targets.Count + 1];
        }
        var keys = _column >= 0 ? batch.Texts(_column) : null;
        int start = 0;
        while (start < n)
        {
            // Give rows a place in their organisation's buffer until one fills; copy them column by column; hand on
            // the buffers at least half full, not only the full one (rows arrive evenly, so the others would fill one
            // after the other, each ending a stretch of a few rows, each stretch copied organisation by organisation);
            // go on with the next row.
            int end = start;
            bool full = false;
            while (end < n && !full)
            {
                int i = end++;
                int k = Place(keys, i, batch);
                _target[i] = k;
                if (k >= 0)
                {
                    var t = _targets[k];
                    _position[i] = t.Count++;
                    full = t.Count == _capacity;
                }
            }
            Copy(batch, start, end);
            if (full)
            {
                foreach (var t in _targets)
                {
                    if (t.Count >= _capacity / 2)
                    {
                        t.Flush();
                    }
                }
            }
            start = end;
        }
    }

    /// <summary>Hands every organisation's last rows to its stages.</summary>
    public void Flush()
    {
        foreach (var t in _targets.Where(t => t.Count > 0))
        {
            t.Flush();
        }
    }

    /// <summary>
    /// The buffer row <paramref name="i"/> goes to (-1: none), after counting it. A row that goes to a stage is
    /// measured there (its organisation's population summary holds its dollars); only the dollars of rows no stage
    /// sees are added up here.
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
    /// Copies rows <paramref name="from"/> to <paramref name="to"/> into their organisations' buffers. The rows are
    /// first grouped by organisation, so that each buffer column is written in one run of consecutive places rather
    /// than a hundred buffers being written in turn, row by row (which missed the cache on nearly every value).
    /// </summary>
    private void Copy(ColumnBatch batch, int from, int to)
    {
        var starts = _runStarts;
        Array.Clear(starts, 0, _targets.Count + 1);
        for (int i = from; i < to; i++)
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
        for (int i = from; i < to; i++)
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
        for (int c = 0; c < _specs.Count; c++)
        {
            if (c == _column)
            {
                continue;
            }
            switch (batch.Columns[c])
            {
                case decimal[] a:
                    Copy(a, c, from, to);
                    break;
                case bool[] a:
                    Copy(a, c, from, to);
                    break;
                case string[] a:
                    Copy(a, c, from, to);
                    break;
                case DateOnly[] a:
                    Copy(a, c, from, to);
                    break;
                default:
                    throw new InvalidOperationException($"Unexpected column storage {batch.Columns[c].GetType()}.");
            }
        }
        for (int k = 0; k < _targets.Count; k++)
        {
            int start = starts[k], end = starts[k + 1];
            if (start == end)
            {
                continue;
            }
            var t = _targets[k];
            for (int j = start, at = _position[_grouped[start]]; j < end; j++, at++)
            {
                int i = _grouped[j];
                t.Lines[at] = batch.Lines[i];
                t.DataRows[at] = batch.DataRowAt(i);
            }
        }
    }

    /// <summary>One column of the grouped rows: an organisation's rows go to consecutive places of its buffer.</summary>
    private void Copy<T>(T[] source, int column, int from, int to)
    {
        var starts = _runStarts;
        var grouped = _grouped;
        for (int k = 0; k < _targets.Count; k++)
        {
            int start = starts[k], end = starts[k + 1];
            if (start == end)
            {
                continue;
            }
            var target = (T[])_targets[k].Columns[column];
            for (int j = start, at = _position[grouped[start]]; j < end; j++, at++)
            {
                target[at] = source[grouped[j]];
            }
        }
    }

    /// <summary>One organisation: its stages (one per row of the inputs file), its buffer of rows, its tally.</summary>
    private sealed class Target
    {
        public List<MemberStageRunner> Runners { get; } = new();

        public Array[] Columns = Array.Empty<Array>();
        public long[] Lines = Array.Empty<long>();
        public long[] DataRows = Array.Empty<long>();
        public int Count;
        public long Rows;
        public decimal Dollars;
        private int _batches;

        public void Allocate(IReadOnlyList<ColumnSpec> specs, int capacity)
        {
            Columns = specs.Select(s => s.Storage switch
            {
                ColumnStorage.Decimal => (Array)new decimal[capacity],
                ColumnStorage.Flag => new bool[capacity],
                ColumnStorage.Text => new string[capacity],
                _ => new DateOnly[capacity],
            }).ToArray();
            Lines = new long[capacity];
            DataRows = new long[capacity];
        }

        /// <summary>The buffered rows as one batch to every stage; the stages are done with a batch when Add returns, so the buffer is reused.</summary>
        public void Flush()
        {
            var batch = new ColumnBatch(_batches++, Count, DataRows[0], Lines, Columns) { DataRows = DataRows };
            foreach (var runner in Runners)
            {
                runner.Add(batch);
            }
            Count = 0;
        }
    }
}
