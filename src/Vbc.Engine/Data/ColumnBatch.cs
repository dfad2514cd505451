using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Data;

/// <summary>How a column's values are held in memory.</summary>
public enum ColumnStorage
{
    /// <summary>
    /// <see cref="decimal"/>[]: money, counts, ratios, percents (as fractions), member months, years. A batch may hold
    /// such a column as <see cref="long"/>[] units of one scale instead (<see cref="ColumnBatch.TryGetUnits"/>).
    /// </summary>
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
    /// <param name="unitScales">
    /// Per column, the scale of a number column held as <see cref="long"/>[] units (see <see cref="TryGetUnits"/>), or
    /// -1; null when no column is.
    /// </param>
    public ColumnBatch(int index, int rowCount, long firstDataRow, long[] lines, Array[] columns, int[]? unitScales = null)
    {
        Index = index;
        RowCount = rowCount;
        FirstDataRow = firstDataRow;
        Lines = lines;
        _columns = columns;
        for (int c = 0; c < columns.Length; c++)
        {
            bool units = columns[c] is long[];
            int scale = unitScales is null || c >= unitScales.Length ? -1 : unitScales[c];
            if (units != scale >= 0 || scale > MaxUnitScale)
            {
                throw new ArgumentException($"Column {c}: a long[] column needs its scale (0-{MaxUnitScale}), and only a long[] column has one.", nameof(unitScales));
            }
        }
        _scales = unitScales;
    }

    /// <summary>The largest scale of a column held as units (decimal's).</summary>
    public const int MaxUnitScale = 28;

    private readonly Array[] _columns;
    private readonly int[]? _scales;
    // The decimals of a column held as units, made the first time a consumer asks for them.
    private decimal[]?[]? _decimalsOfUnits;
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
                long[] a => Kept(a, keep, kept),
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
    /// A text column the reader held as UTF-8 (<see cref="Utf8Text"/>) is turned into strings first, and a number
    /// column held as units into decimals.
    /// </summary>
    public Array[] Columns
    {
        get
        {
            MakeStrings();
            if (_scales is null)
            {
                return _columns;
            }
            var columns = (Array[])_columns.Clone();
            for (int c = 0; c < columns.Length; c++)
            {
                if (columns[c] is long[])
                {
                    columns[c] = Decimals(c);
                }
            }
            return columns;
        }
    }

    /// <summary>
    /// The column arrays as they are (the reader recycles them): a <see cref="Utf8Text"/> column without its strings,
    /// a column held as units as its long[].
    /// </summary>
    internal Array[] ColumnArrays => _columns;

    /// <summary>The columns with a <see cref="Utf8Text"/> column's strings made, and number columns as they are held (long[] units or decimal[]).</summary>
    internal Array[] ColumnsKeepingUnits
    {
        get
        {
            MakeStrings();
            return _columns;
        }
    }

    /// <summary>The scale of each column held as units, or -1 (null: none is); what the constructor takes.</summary>
    internal int[]? UnitScales => _scales;

    /// <summary>
    /// A number column whose every value in this batch has one scale and fits in 64 bits may be held as whole units of
    /// that scale (<c>1935.34</c>: 193534 at scale 2). Then any sum of its values has that scale too, so a consumer
    /// that adds units and turns the sum back into a decimal at <paramref name="scale"/> gets the very decimal (value
    /// and scale) adding the decimals gives. False for a column held as decimals.
    /// </summary>
    public bool TryGetUnits(int column, out long[] units, out int scale)
    {
        if (_columns[column] is long[] held)
        {
            units = held;
            scale = _scales![column];
            return true;
        }
        units = Array.Empty<long>();
        scale = -1;
        return false;
    }

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

    /// <summary>A number column's values as decimals (made once from its units, if it is held as units).</summary>
    public decimal[] Decimals(int column)
    {
        if (_columns[column] is not long[] units)
        {
            return (decimal[])_columns[column];
        }
        _decimalsOfUnits ??= new decimal[_columns.Length][];
        if (_decimalsOfUnits[column] is { } made)
        {
            return made;
        }
        var values = s_madeDecimals.TryTake(out var reused) && reused.Length == units.Length ? reused : new decimal[units.Length];
        int scale = _scales![column];
        for (int i = 0; i < RowCount; i++)
        {
            values[i] = FromUnits(units[i], scale);
        }
        return _decimalsOfUnits[column] = values;
    }

    // Decimals made from units, given back by a reader when the caller is done with the batch (ReturnMadeDecimals) for
    // a later batch's: a column a kernel reads as decimals (a risk score) then costs no allocation per batch.
    private static readonly System.Collections.Concurrent.ConcurrentBag<decimal[]> s_madeDecimals = new();

    /// <summary>The caller is done with the batch (a reader recycles it): the decimals made from its units serve a later batch.</summary>
    internal void ReturnMadeDecimals()
    {
        if (_decimalsOfUnits is not { } made)
        {
            return;
        }
        _decimalsOfUnits = null;
        foreach (var decimals in made)
        {
            if (decimals is not null && s_madeDecimals.Count < 32)
            {
                s_madeDecimals.Add(decimals);
            }
        }
    }

    /// <summary>The decimal of <paramref name="units"/> units of <paramref name="scale"/> (its value and its scale).</summary>
    public static decimal FromUnits(long units, int scale)
    {
        ulong magnitude = units < 0 ? (ulong)-(units + 1) + 1 : (ulong)units;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, units < 0, (byte)scale);
    }

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
