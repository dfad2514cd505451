using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Data;

/// <summary>How a column's values are held in memory.</summary>
public enum ColumnStorage
{
    /// <summary><see cref="decimal"/>[]: money, counts, ratios, percents (as fractions), member months, years.</summary>
    Decimal,
    /// <summary><see cref="bool"/>[]: flags.</summary>
    Flag,
    /// <summary><see cref="string"/>[]: ids and text.</summary>
    Text,
    /// <summary><see cref="DateOnly"/>[]: dates.</summary>
    Date,
}

/// <summary>A column the contract declares and the data must have, with its type.</summary>
public sealed record ColumnSpec(string Name, ValueType Type, bool IsId)
{
    public ColumnStorage Storage => Type.Kind switch
    {
        ValueKind.Flag => ColumnStorage.Flag,
        ValueKind.Text => ColumnStorage.Text,
        ValueKind.Date => ColumnStorage.Date,
        _ => ColumnStorage.Decimal,
    };

    public static ColumnSpec From(ColumnSymbol column) => new(column.Name, column.Type, column.IsId);
}

/// <summary>
/// A batch of rows of member-level data, held by column (one typed array per declared column, in the order of the
/// specs given to the reader). The member-level stage runs its compiled evaluators over whole columns.
/// Batches are numbered in file order; <see cref="Lines"/> gives each row's line in the file, for messages.
/// </summary>
public sealed class ColumnBatch
{
    public ColumnBatch(int index, int rowCount, long firstDataRow, long[] lines, Array[] columns)
    {
        Index = index;
        RowCount = rowCount;
        FirstDataRow = firstDataRow;
        Lines = lines;
        Columns = columns;
    }

    /// <summary>0-based position of the batch in the file.</summary>
    public int Index { get; }

    public int RowCount { get; }

    /// <summary>1-based number of the batch's first data row (the header is not a data row).</summary>
    public long FirstDataRow { get; }

    /// <summary>The 1-based line in the file where each row starts.</summary>
    public long[] Lines { get; }

    /// <summary>
    /// Each row's data row, when rows were taken out of the batch (rows left out as unreadable, another organisation's
    /// rows): then they are no longer consecutive. Null when they are (<see cref="FirstDataRow"/> + i).
    /// </summary>
    public long[]? DataRows { get; init; }

    /// <summary>The 1-based data row of row <paramref name="i"/> of the batch, as messages name it.</summary>
    public long DataRowAt(int i) => DataRows is { } rows ? rows[i] : FirstDataRow + i;

    /// <summary>
    /// Keeps the rows marked in <paramref name="keep"/> (the readers take rows left out of a batch this way): each column
    /// and the lines are replaced by arrays of the kept rows. Returns how many were kept.
    /// </summary>
    internal static int Compact(Array[] columns, ref long[] lines, bool[] keep)
    {
        int kept = 0;
        foreach (bool k in keep)
        {
            kept += k ? 1 : 0;
        }
        for (int c = 0; c < columns.Length; c++)
        {
            columns[c] = columns[c] switch
            {
                decimal[] a => Kept(a, keep, kept),
                bool[] a => Kept(a, keep, kept),
                string[] a => Kept(a, keep, kept),
                DateOnly[] a => Kept(a, keep, kept),
                _ => throw new InvalidOperationException("Unknown column storage."),
            };
        }
        lines = Kept(lines, keep, kept);
        return kept;
    }

    private static T[] Kept<T>(T[] source, bool[] keep, int kept)
    {
        var result = new T[kept];
        int w = 0;
        for (int i = 0; i < keep.Length; i++)
        {
            if (keep[i])
            {
                result[w++] = source[i];
            }
        }
        return result;
    }

    /// <summary>One array per column, of length at least <see cref="RowCount"/>: decimal[], bool[], string[] or DateOnly[].</summary>
    public Array[] Columns { get; }

    public decimal[] Decimals(int column) => (decimal[])Columns[column];

    public bool[] Flags(int column) => (bool[])Columns[column];

    public string[] Texts(int column) => (string[])Columns[column];

    public DateOnly[] Dates(int column) => (DateOnly[])Columns[column];
}
