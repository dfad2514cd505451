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
        _columns = columns;
    }

    private readonly Array[] _columns;
    private Utf8TextColumn? _utf8;

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

    /// <summary>
    /// One array per column, of length at least <see cref="RowCount"/>: decimal[], bool[], string[] or DateOnly[].
    /// A text column the reader held as UTF-8 (<see cref="Utf8Text"/>) is turned into strings first.
    /// </summary>
    public Array[] Columns
    {
        get
        {
            MakeStrings();
            return _columns;
        }
    }

    /// <summary>The column arrays as they are, without making strings of a <see cref="Utf8Text"/> column (the reader recycles them).</summary>
    internal Array[] ColumnArrays => _columns;

    /// <summary>
    /// A text column whose values the reader left as the file's UTF-8 bytes (the member id: the member-level stage needs
    /// it only to name a row in a problem, so a string per member would be made for nothing). Its string[] is filled
    /// the first time anything asks for the column (<see cref="Texts"/>, <see cref="Columns"/>); <see cref="TextAt"/>
    /// makes the one string asked for.
    /// </summary>
    internal Utf8TextColumn? Utf8Text
    {
        get => _utf8;
        init => _utf8 = value;
    }

    public decimal[] Decimals(int column) => (decimal[])_columns[column];

    public bool[] Flags(int column) => (bool[])_columns[column];

    public string[] Texts(int column)
    {
        if (_utf8 is { } utf8 && utf8.Column == column)
        {
            MakeStrings();
        }
        return (string[])_columns[column];
    }

    /// <summary>The text of one row of a text column (the id of a row named in a problem), without making the column's other strings.</summary>
    public string TextAt(int column, int row) =>
        _utf8 is { } utf8 && utf8.Column == column ? utf8.StringAt(row) : ((string[])_columns[column])[row];

    public DateOnly[] Dates(int column) => (DateOnly[])_columns[column];

    private void MakeStrings()
    {
        if (_utf8 is { } utf8)
        {
            var strings = (string[])_columns[utf8.Column];
            for (int i = 0; i < RowCount; i++)
            {
                strings[i] = utf8.StringAt(i);
            }
            _utf8 = null;
        }
    }
}

/// <summary>
/// The values of one text column of a batch as UTF-8 bytes, one after another: row r's value is
/// <c>Bytes[Ends[r - 1]..Ends[r]]</c> (from 0 for the first row).
/// </summary>
internal sealed class Utf8TextColumn
{
    public Utf8TextColumn(int column, byte[] bytes, int[] ends)
    {
        Column = column;
        Bytes = bytes;
        Ends = ends;
    }

    /// <summary>The column's index in the batch.</summary>
    public int Column { get; }

    public byte[] Bytes { get; }

    public int[] Ends { get; }

    public ReadOnlySpan<byte> At(int row) => Bytes.AsSpan(row == 0 ? 0 : Ends[row - 1], Ends[row] - (row == 0 ? 0 : Ends[row - 1]));

    public string StringAt(int row) => System.Text.Encoding.UTF8.GetString(At(row));
}
