using Vbc.Data;
using Vbc.Diagnostics;

namespace Vbc.Settlement;

/// <summary>
/// Member-level data for the member-level stage: a CSV file (with optional claims), or rows built in memory by
/// tests and benchmarks. The source is opened for the columns the contract declares and yields batches in order.
/// </summary>
public interface IMemberSource
{
    /// <summary>The name used in messages and on the statement (the file path).</summary>
    string Name { get; }

    /// <summary>Checks the header against the declared columns; errors here stop the run before any row is read.</summary>
    IReadOnlyList<Diagnostic> Open(IReadOnlyList<ColumnSpec> columns);

    IEnumerable<ColumnBatch> Batches();

    /// <summary>Problems found in rows, known after <see cref="Batches"/> is read to the end.</summary>
    IReadOnlyList<Diagnostic> RowProblems { get; }

    /// <summary>Rows left out as unreadable (only when bad rows are excluded rather than failing the run).</summary>
    IReadOnlyList<ExcludedRow> UnreadableRows { get; }

    /// <summary>Columns in the data the contract does not declare (ignored, and listed on the statement).</summary>
    IReadOnlyList<string> IgnoredColumns { get; }

    /// <summary>The claims file the money columns came from, if any.</summary>
    string? ClaimsFile => null;

    /// <summary>Claims read but not counted (unknown members, categories the contract does not declare).</summary>
    IReadOnlyList<ClaimsNote> ClaimsNotes => Array.Empty<ClaimsNote>();

    /// <summary>
    /// The SHA-256 (lower-case hex) of the file's bytes, computed while the source read them, once
    /// <see cref="Batches"/> has been read to the end; null when the source does not compute it, or did not read the
    /// whole file (the caller then hashes the file itself, as the statement records every input's hash).
    /// </summary>
    string? ContentSha256 => null;

    /// <summary>
    /// How many data rows the source holds, when it knows before reading them (a Parquet file's metadata), once
    /// <see cref="Open"/> has succeeded; null when it does not (a CSV file). The member stage sizes its per-member
    /// arrays from it.
    /// </summary>
    long? RowCount => null;

    /// <summary>
    /// About how many data rows the source holds, once the first batch has been read (a CSV file: its length over
    /// the first rows' length, plus a tenth), or <see cref="RowCount"/>; null when it cannot say. The member stage
    /// sizes its per-member arrays from it: an array allocated longer than needed is not resident past what is
    /// written, while doubling into fresh arrays faults in and copies every smaller one (at 10M members, 240 MB more).
    /// </summary>
    long? RowEstimate => RowCount;
}
