using Vbc.Data;
using Vbc.Diagnostics;

namespace Vbc.Settlement;

/// <summary>Member-level data from a CSV file, optionally with money columns summed from a long claims file.</summary>
public sealed class CsvMemberSource : IMemberSource, IDisposable
{
    private readonly string _path;
    private readonly string? _claimsPath;
    private readonly bool _excludeBadRows;
    private CsvMemberReader? _reader;
    private ClaimsTotals? _claims;

    public CsvMemberSource(string path, string? claimsPath = null, bool excludeBadRows = false)
    {
        _path = path;
        _claimsPath = claimsPath;
        _excludeBadRows = excludeBadRows;
    }

    public string Name => _path;

    public string? ClaimsFile => _claimsPath;

    public IReadOnlyList<Diagnostic> Open(IReadOnlyList<ColumnSpec> columns)
    {
        var policy = _excludeBadRows ? BadRowPolicy.ExcludeBadRows : BadRowPolicy.Fail;
        var problems = new List<Diagnostic>();
        if (_claimsPath is not null)
        {
            _claims = ClaimsAggregator.Aggregate(_claimsPath, columns, new ClaimsOptions { BadRows = policy });
            problems.AddRange(_claims.Diagnostics.Where(d => d.IsError));
            if (problems.Count > 0)
            {
                return problems;
            }
        }
        // Small batches whose arrays are reused: the member-level stage is done with a batch before it asks for the
        // next one, and 64 KB arrays stay off the large-object heap (the reader's measurements: several times faster).
        _reader = CsvMemberReader.Open(_path, columns, new MemberReadOptions
        {
            BadRows = policy,
            Claims = _claims,
            BatchSize = MemberReadOptions.RecommendedBatchSize,
            RecycleBatches = true,
        });
        return _reader.HeaderDiagnostics;
    }

    public IEnumerable<ColumnBatch> Batches() => _reader?.ReadBatches() ?? throw new InvalidOperationException("Open the source first.");

    public IReadOnlyList<Diagnostic> RowProblems => _reader?.Result.Diagnostics ?? Array.Empty<Diagnostic>();

    public IReadOnlyList<Settlement.ExcludedRow> UnreadableRows =>
        (_reader?.Result.BadRows ?? Array.Empty<BadRow>())
            .Concat(_claims?.BadRows ?? Array.Empty<BadRow>())
            .Select(b => new Settlement.ExcludedRow(b.Line, b.DataRow, b.MemberId, string.Join("; ", b.Problems.Select(p => p.Message)), b.Dollars))
            .ToList();

    public IReadOnlyList<string> IgnoredColumns => _reader?.Result.IgnoredColumns ?? Array.Empty<string>();

    public IReadOnlyList<ClaimsNote> ClaimsNotes
    {
        get
        {
            var notes = new List<ClaimsNote>();
            if (_claims is not null)
            {
                notes.AddRange(_claims.UnknownCategories.Select(c => new ClaimsNote($"claims in category '{c.Category}', which the contract does not declare", c.Claims, c.Dollars)));
            }
            if (_reader?.Result.ClaimsWithoutMember is { } orphans && orphans.Claims > 0)
            {
                notes.Add(new ClaimsNote($"claims for {orphans.Members} member ids that have no row in the member file", orphans.Claims, orphans.Dollars));
            }
            return notes;
        }
    }

    public void Dispose() => _reader?.Dispose();
}
