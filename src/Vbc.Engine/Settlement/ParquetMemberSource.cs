using Vbc.Data;
using Vbc.Diagnostics;

namespace Vbc.Settlement;

/// <summary>Member-level data from a Parquet file (<see cref="ParquetMemberReader"/>): the same batches, checks and diagnostics as a CSV file.</summary>
public sealed class ParquetMemberSource : IMemberSource, IDisposable
{
    private readonly string _path;
    private readonly bool _excludeBadRows;
    private readonly string? _claimsName;
    private ParquetMemberReader? _reader;

    /// <param name="path">The Parquet file.</param>
    /// <param name="excludeBadRows">Leave out bad rows instead of failing.</param>
    /// <param name="name">The file as named in messages (default: the path).</param>
    /// <param name="claimsName">A claims file given with it: refused (VBC3076), claims fill CSV member files only.</param>
    public ParquetMemberSource(string path, bool excludeBadRows = false, string? name = null, string? claimsName = null)
    {
        _path = path;
        _excludeBadRows = excludeBadRows;
        Name = name ?? path;
        _claimsName = claimsName;
    }

    public string Name { get; }

    public IReadOnlyList<Diagnostic> Open(IReadOnlyList<ColumnSpec> columns)
    {
        if (_claimsName is not null)
        {
            return new[] { DataDiagnostics.ParquetWithClaims(Name, _claimsName) };
        }
        _reader = ParquetMemberReader.Open(_path, columns, new MemberReadOptions
        {
            BadRows = _excludeBadRows ? BadRowPolicy.ExcludeBadRows : BadRowPolicy.Fail,
            DisplayName = Name,
            BatchSize = MemberReadOptions.RecommendedBatchSize,
            // The member-level stage is done with a batch before it asks for the next one (as for CSV).
            RecycleBatches = true,
        });
        return _reader.HeaderDiagnostics;
    }

    public IEnumerable<ColumnBatch> Batches() => _reader?.ReadBatches() ?? throw new InvalidOperationException("Open the source first.");

    public IReadOnlyList<Diagnostic> RowProblems => _reader?.Result.Diagnostics ?? Array.Empty<Diagnostic>();

    public IReadOnlyList<ExcludedRow> UnreadableRows =>
        (_reader?.Result.BadRows ?? Array.Empty<BadRow>())
            .Select(b => new ExcludedRow(b.Line, b.DataRow, b.MemberId, string.Join("; ", b.Problems.Select(p => p.Message)), b.Dollars) { UnreadMoney = b.UnreadMoneyColumns })
            .ToList();

    public IReadOnlyList<string> IgnoredColumns => _reader?.IgnoredColumns ?? Array.Empty<string>();

    /// <summary>The file's hash, computed on the side while its row groups were decoded.</summary>
    public string? ContentSha256 => _reader?.ContentSha256;

    /// <summary>The file's row count, from its metadata.</summary>
    public long? RowCount => _reader is { CanRead: true } reader ? reader.RowCount : null;

    public void Dispose() => _reader?.Dispose();
}

/// <summary>Opens a member file with the reader its first bytes call for (CSV or Parquet).</summary>
public static class MemberFiles
{
    /// <param name="path">The file to read (a pipe's copy, or the file itself).</param>
    /// <param name="claimsPath">A long claims file, or null.</param>
    /// <param name="excludeBadRows">Leave out bad rows instead of failing.</param>
    /// <param name="name">The file as named in messages.</param>
    /// <param name="claimsName">The claims file as named in messages.</param>
    public static IMemberSource Open(string path, string? claimsPath = null, bool excludeBadRows = false, string? name = null, string? claimsName = null) =>
        DataFormats.Detect(path) == DataFormat.Parquet
            ? new ParquetMemberSource(path, excludeBadRows, name, claimsPath is null ? null : claimsName ?? claimsPath)
            : new CsvMemberSource(path, claimsPath, excludeBadRows, name, claimsName);
}
