using Vbc.Diagnostics;

namespace Vbc.Data;

/// <summary>What the reader does with a row that has a problem.</summary>
public enum BadRowPolicy
{
    /// <summary>Every problem is an error (the run must fail); reading stops after 200 problems.</summary>
    Fail,

    /// <summary>
    /// A row with any problem is left out of the batches and recorded as a <see cref="BadRow"/> with its dollars;
    /// its problems are warnings. A later row with the id of an earlier row is left out the same way (the first is
    /// kept). Problems that make the file unreadable past a point (an unclosed quote, a row too long) stay errors.
    /// </summary>
    ExcludeBadRows,
}

/// <summary>How <see cref="CsvMemberReader"/> reads a file.</summary>
public sealed record MemberReadOptions
{
    public const int DefaultBatchSize = 65_536;

    /// <summary>
    /// A batch size whose decimal arrays (64 KB) stay below the runtime's large-object threshold, so the garbage
    /// collector reuses their memory instead of faulting in fresh pages. Measured on a 2-core machine, it reads
    /// the same file with about half the CPU and a quarter of the memory of <see cref="DefaultBatchSize"/>; prefer
    /// it unless the consumer needs large batches.
    /// </summary>
    public const int RecommendedBatchSize = 4_096;

    /// <summary>Rows per <see cref="ColumnBatch"/> (the last batch, and batches with excluded rows, hold fewer).</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    public BadRowPolicy BadRows { get; init; } = BadRowPolicy.Fail;

    /// <summary>
    /// Claims aggregated by <see cref="ClaimsAggregator"/>: money columns the member file lacks are filled from them
    /// (0 for a member with no claim in the category). A money column in both sources is an error (VBC3017).
    /// </summary>
    public ClaimsTotals? Claims { get; init; }

    /// <summary>How many chunks are parsed at once; also bounds the batches in flight (memory).</summary>
    public int MaxParallelism { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>A row longer than this stops reading (VBC3010): it is almost always a quote left open.</summary>
    public int MaxRowBytes { get; init; } = 4 << 20;

    /// <summary>The file name shown in messages; by default the path as given.</summary>
    public string? DisplayName { get; init; }

    /// <summary>
    /// Reuse the arrays of a batch for a later batch once the caller asks for the next one. Faster (far less for
    /// the garbage collector to do), but only for callers that never keep a batch, or its arrays, after
    /// processing it. Off by default.
    /// </summary>
    public bool RecycleBatches { get; init; }

    /// <summary>
    /// Read the common row in one pass (CsvMemberReader.PlainRows.cs), the exact path only for rows that are not
    /// plain. Off only in tests that compare the two paths.
    /// </summary>
    internal bool PlainRows { get; init; } = true;
}

/// <summary>A row left out of the batches, with every problem found in it and the dollars it carried.</summary>
/// <param name="Line">The line in the file where the row starts.</param>
/// <param name="DataRow">1-based number of the row among data rows (the header is not a data row).</param>
/// <param name="MemberId">The member id, when it could be read.</param>
/// <param name="Problems">Each problem of the row, in column order.</param>
/// <param name="Dollars">The sum of the row's money columns that could be read (claims included).</param>
/// <param name="UnreadMoneyColumns">Money columns of the row that could not be read, so are not in <see cref="Dollars"/>.</param>
public sealed record BadRow(long Line, long DataRow, string? MemberId, IReadOnlyList<Diagnostic> Problems, decimal Dollars, IReadOnlyList<string> UnreadMoneyColumns);

/// <summary>A count and dollar total of claims, by category.</summary>
public sealed record CategoryTotal(string Category, long Claims, decimal Dollars);

/// <summary>Claims not counted for a reason (members absent from the member file).</summary>
public sealed record ClaimsLeftOver(int Members, long Claims, decimal Dollars, IReadOnlyList<CategoryTotal> ByCategory);

/// <summary>What reading a member file found: available from <see cref="CsvMemberReader.Result"/> once the batches are read.</summary>
public sealed class MemberReadResult
{
    internal MemberReadResult(
        string file,
        long rowsRead,
        long rowsDelivered,
        IReadOnlyList<BadRow> badRows,
        IReadOnlyList<Diagnostic> diagnostics,
        IReadOnlyList<string> ignoredColumns,
        IReadOnlyList<string> columnsFromClaims,
        ClaimsLeftOver? claimsWithoutMember,
        bool complete)
    {
        File = file;
        RowsRead = rowsRead;
        RowsDelivered = rowsDelivered;
        BadRows = badRows;
        Diagnostics = diagnostics;
        IgnoredColumns = ignoredColumns;
        ColumnsFromClaims = columnsFromClaims;
        ClaimsWithoutMember = claimsWithoutMember;
        Complete = complete;
        BadRowDollars = badRows.Sum(b => b.Dollars);
        HasErrors = diagnostics.Any(d => d.IsError);
    }

    public string File { get; }

    /// <summary>Data rows read (blank lines are not rows).</summary>
    public long RowsRead { get; }

    /// <summary>Rows delivered in batches: <see cref="RowsRead"/> less <see cref="BadRows"/>.</summary>
    public long RowsDelivered { get; }

    /// <summary>Every row left out of the batches, in file order.</summary>
    public IReadOnlyList<BadRow> BadRows { get; }

    /// <summary>The sum of <see cref="BadRow.Dollars"/>.</summary>
    public decimal BadRowDollars { get; }

    /// <summary>Errors and warnings, sorted by line; at most 200, then a VBC0001 note.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    /// <summary>True when the run must fail.</summary>
    public bool HasErrors { get; }

    /// <summary>Columns of the file the contract does not use, in file order (an unnamed one as "(column N)").</summary>
    public IReadOnlyList<string> IgnoredColumns { get; }

    /// <summary>Money columns filled from the claims file, in the order of the specs.</summary>
    public IReadOnlyList<string> ColumnsFromClaims { get; }

    /// <summary>With claims: claims for member ids that have no row in the member file (not counted anywhere else).</summary>
    public ClaimsLeftOver? ClaimsWithoutMember { get; }

    /// <summary>False when reading stopped before the end of the file (too many problems, an unreadable part, or the caller stopped).</summary>
    public bool Complete { get; }
}
