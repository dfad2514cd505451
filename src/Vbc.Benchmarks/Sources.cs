using System.Diagnostics;
using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.Settlement;

namespace Vbc.Benchmarks;

/// <summary>
/// Batches already parsed and held in memory, yielded <c>repeat</c> times over: the "engine alone" source. At 10M
/// members the parsed columns of the whole file would not fit the memory budget, so the 1M file's batches are
/// replayed ten times (10M rows through the member stage, the same arrays each time).
/// </summary>
internal sealed class ReplaySource : IMemberSource
{
    private readonly IReadOnlyList<ColumnBatch> _batches;
    private readonly int _repeat;

    public ReplaySource(string name, IReadOnlyList<ColumnBatch> batches, int repeat)
    {
        Name = repeat == 1 ? name : $"{name} (x{repeat})";
        _batches = batches;
        _repeat = repeat;
    }

    public string Name { get; }

    public long Rows => _batches.Sum(b => (long)b.RowCount) * _repeat;

    public IReadOnlyList<Diagnostic> Open(IReadOnlyList<ColumnSpec> columns) => Array.Empty<Diagnostic>();

    public IEnumerable<ColumnBatch> Batches()
    {
        for (int r = 0; r < _repeat; r++)
        {
            foreach (var batch in _batches)
            {
                yield return batch;
            }
        }
    }

    public IReadOnlyList<Diagnostic> RowProblems => Array.Empty<Diagnostic>();

    public IReadOnlyList<ExcludedRow> UnreadableRows => Array.Empty<ExcludedRow>();

    public IReadOnlyList<string> IgnoredColumns => Array.Empty<string>();
}

/// <summary>Where the consumer thread's time went while a settlement ran over a stream of batches.</summary>
internal sealed class BatchTimings
{
    /// <summary>From the start of the run to the request for the first batch (open, header, plan, kernel compile).</summary>
    public long SetupTicks;

    /// <summary>Waiting for the next batch (the reader's time not hidden behind the consumer's work).</summary>
    public long WaitTicks;

    /// <summary>Between receiving a batch and asking for the next (the member stage's, or the loop's, work).</summary>
    public long ConsumeTicks;

    /// <summary>The end of the last batch request, to compute the finish (percentile, truncation, clauses).</summary>
    public long LastBatchEnd;

    public int Batches;

    public static double Seconds(long ticks) => (double)ticks / Stopwatch.Frequency;
}

/// <summary>
/// Wraps a source and times the consumer's side of its batch stream with two clock reads per batch. Everything
/// else passes through unchanged.
/// </summary>
internal sealed class TimedSource : IMemberSource
{
    private readonly IMemberSource _inner;
    private readonly long _start;

    public TimedSource(IMemberSource inner, long start)
    {
        _inner = inner;
        _start = start;
    }

    public BatchTimings Timings { get; } = new();

    public string Name => _inner.Name;

    public IReadOnlyList<Diagnostic> Open(IReadOnlyList<ColumnSpec> columns) => _inner.Open(columns);

    public IEnumerable<ColumnBatch> Batches() => Timed(_inner.Batches(), Timings, _start);

    public IReadOnlyList<Diagnostic> RowProblems => _inner.RowProblems;

    public IReadOnlyList<ExcludedRow> UnreadableRows => _inner.UnreadableRows;

    public IReadOnlyList<string> IgnoredColumns => _inner.IgnoredColumns;

    public string? ClaimsFile => _inner.ClaimsFile;

    public IReadOnlyList<ClaimsNote> ClaimsNotes => _inner.ClaimsNotes;

    /// <summary>Times a stream of batches as its consumer sees it.</summary>
    public static IEnumerable<ColumnBatch> Timed(IEnumerable<ColumnBatch> batches, BatchTimings timings, long start)
    {
        using var e = batches.GetEnumerator();
        long returned = -1;
        while (true)
        {
            long before = Stopwatch.GetTimestamp();
            if (returned < 0)
            {
                timings.SetupTicks = before - start;
            }
            else
            {
                timings.ConsumeTicks += before - returned;
            }
            bool more = e.MoveNext();
            long after = Stopwatch.GetTimestamp();
            timings.WaitTicks += after - before;
            if (!more)
            {
                timings.LastBatchEnd = after;
                yield break;
            }
            timings.Batches++;
            returned = after;
            yield return e.Current;
        }
    }
}

/// <summary>
/// A member file read with given reader options (no claims): an experiment, to compare the reader's settings with
/// those the engine's <see cref="CsvMemberSource"/> uses.
/// </summary>
internal sealed class ConfiguredCsvSource : IMemberSource, IDisposable
{
    private readonly string _path;
    private readonly MemberReadOptions _options;
    private CsvMemberReader? _reader;

    public ConfiguredCsvSource(string path, MemberReadOptions options)
    {
        _path = path;
        _options = options;
    }

    public string Name => _path;

    public IReadOnlyList<Diagnostic> Open(IReadOnlyList<ColumnSpec> columns)
    {
        _reader = CsvMemberReader.Open(_path, columns, _options);
        return _reader.HeaderDiagnostics;
    }

    public IEnumerable<ColumnBatch> Batches() => _reader?.ReadBatches() ?? throw new InvalidOperationException("Open the source first.");

    public IReadOnlyList<Diagnostic> RowProblems => _reader?.Result.Diagnostics ?? Array.Empty<Diagnostic>();

    public IReadOnlyList<ExcludedRow> UnreadableRows => Array.Empty<ExcludedRow>();

    public IReadOnlyList<string> IgnoredColumns => _reader?.Result.IgnoredColumns ?? Array.Empty<string>();

    public void Dispose() => _reader?.Dispose();
}
