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

    private readonly string _name;
    private readonly string? _claimsName;

    /// <param name="path">The member file.</param>
    /// <param name="claimsPath">A long claims file, or null.</param>
    /// <param name="excludeBadRows">Leave out bad rows instead of failing.</param>
    /// <param name="name">The member file as named in messages (default: the path).</param>
    /// <param name="claimsName">The claims file as named in messages (default: its path).</param>
    public CsvMemberSource(string path, string? claimsPath = null, bool excludeBadRows = false, string? name = null, string? claimsName = null)
    {
        _path = path;
        _claimsPath = claimsPath;
        _excludeBadRows = excludeBadRows;
        _name = name ?? path;
        _claimsName = claimsName ?? claimsPath;
    }

    public string Name => _name;

    public string? ClaimsFile => _claimsName;

    public IReadOnlyList<Diagnostic> Open(IReadOnlyList<ColumnSpec> columns)
    {
        var policy = _excludeBadRows ? BadRowPolicy.ExcludeBadRows : BadRowPolicy.Fail;
        var problems = new List<Diagnostic>();
        if (_claimsPath is not null)
        {
            _claims = ClaimsAggregator.Aggregate(_claimsPath, columns, new ClaimsOptions { BadRows = policy, DisplayName = _claimsName });
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
            DisplayName = _name,
            Claims = _claims,
            BatchSize = MemberReadOptions.RecommendedBatchSize,
            RecycleBatches = true,
        });
        return _reader.HeaderDiagnostics;
    }

    public long? RowEstimate => _reader?.RowEstimate;

    public IEnumerable<ColumnBatch> Batches() => _reader?.ReadBatches() ?? throw new InvalidOperationException("Open the source first.");

    public IReadOnlyList<Diagnostic> RowProblems => _reader?.Result.Diagnostics ?? Array.Empty<Diagnostic>();

    public IReadOnlyList<Settlement.ExcludedRow> UnreadableRows =>
        (_reader?.Result.BadRows ?? Array.Empty<BadRow>()).Select(b => Excluded(b, null))
            .Concat((_claims?.BadRows ?? Array.Empty<BadRow>()).Select(b => Excluded(b, _claimsName)))
            .ToList();

    /// <summary>
    /// A left-out row as the statement lists it. A row of the claims file says so (its line is in that file), and the
    /// money columns that could not be read go along, so the statement never shows their unknown dollars as $0.00.
    /// </summary>
    private static Settlement.ExcludedRow Excluded(BadRow b, string? claimsFile)
    {
        string problem = string.Join("; ", b.Problems.Select(p => p.Message));
        if (claimsFile is not null)
        {
            problem = $"in the claims file {claimsFile}: {problem}";
        }
        return new Settlement.ExcludedRow(b.Line, b.DataRow, b.MemberId, problem, b.Dollars) { UnreadMoney = b.UnreadMoneyColumns };
    }

    /// <summary>Known once the header is read (the database engines take them from it without reading rows).</summary>
    public IReadOnlyList<string> IgnoredColumns => _reader?.IgnoredColumns ?? Array.Empty<string>();

    /// <summary>The member file's hash, computed by the reader as it read the file (no second pass).</summary>
    public string? ContentSha256 => _reader?.ContentSha256;

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
