using Vbc.Data;
using Vbc.Diagnostics;

namespace Vbc.Settlement;

/// <summary>
/// The rows of another source that belong to one organisation (a text column equal to a value), for settling one
/// contract for many organisations from one member file. Rows of other organisations are not part of this
/// settlement at all: they are neither counted nor reported as excluded.
/// </summary>
public sealed class FilteredMemberSource : IMemberSource
{
    private readonly IMemberSource _inner;
    private readonly string _column;
    private readonly string _value;
    private int _columnIndex = -1;

    public FilteredMemberSource(IMemberSource inner, string column, string value)
    {
        _inner = inner;
        _column = column;
        _value = value;
    }

    public string Name => $"{_inner.Name} (rows where {_column} = {_value})";

    public IReadOnlyList<Diagnostic> RowProblems => _inner.RowProblems;

    public IReadOnlyList<ExcludedRow> UnreadableRows => _inner.UnreadableRows;

    public IReadOnlyList<string> IgnoredColumns => _inner.IgnoredColumns;

    public string? ClaimsFile => _inner.ClaimsFile;

    public IReadOnlyList<ClaimsNote> ClaimsNotes => _inner.ClaimsNotes;

    public IReadOnlyList<Diagnostic> Open(IReadOnlyList<ColumnSpec> columns)
    {
        _columnIndex = columns.ToList().FindIndex(c => c.Name.Equals(_column, StringComparison.OrdinalIgnoreCase) && c.Storage == ColumnStorage.Text);
        if (_columnIndex < 0)
        {
            throw new ArgumentException($"The column '{_column}' is not a declared text column.");
        }
        return _inner.Open(columns);
    }

    public IEnumerable<ColumnBatch> Batches()
    {
        int index = 0;
        foreach (var batch in _inner.Batches())
        {
            var keys = batch.Texts(_columnIndex);
            var keep = new List<int>();
            for (int i = 0; i < batch.RowCount; i++)
            {
                if (string.Equals(keys[i], _value, StringComparison.Ordinal))
                {
                    keep.Add(i);
                }
            }
            if (keep.Count == 0)
            {
                continue;
            }
            var columns = new Array[batch.Columns.Length];
            for (int c = 0; c < columns.Length; c++)
            {
                columns[c] = batch.Columns[c] switch
                {
                    decimal[] values => Pick(values, keep),
                    bool[] values => Pick(values, keep),
                    string[] values => Pick(values, keep),
                    DateOnly[] values => Pick(values, keep),
                    _ => throw new InvalidOperationException($"Unexpected column storage {batch.Columns[c].GetType()}."),
                };
            }
            var lines = Pick(batch.Lines, keep);
            // Data row numbers stay those of the file, so messages point at the right rows.
            yield return new ColumnBatch(index++, keep.Count, batch.DataRowAt(keep[0]), lines, columns)
            {
                DataRows = keep.Select(batch.DataRowAt).ToArray(),
            };
        }
    }

    /// <summary>The values at the kept rows, in order (typed: no boxing per value).</summary>
    private static T[] Pick<T>(T[] values, List<int> keep)
    {
        var picked = new T[keep.Count];
        for (int k = 0; k < picked.Length; k++)
        {
            picked[k] = values[keep[k]];
        }
        return picked;
    }
}
