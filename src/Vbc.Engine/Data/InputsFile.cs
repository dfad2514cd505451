using System.Text;
using System.Text.Unicode;
using Vbc.Diagnostics;

namespace Vbc.Data;

/// <summary>
/// One row of an inputs file: the line where it starts, its (column name, text) pairs in file order, and the
/// 1-based character column where each cell starts (for messages that point at the cell).
/// </summary>
public sealed record InputRow(long Line, IReadOnlyList<KeyValuePair<string, string>> Values, IReadOnlyList<int> CellColumns)
{
    /// <summary>The character column where the named column's cell starts, or 1 when there is no such column.</summary>
    public int ColumnOf(string name)
    {
        for (int i = 0; i < Values.Count; i++)
        {
            if (string.Equals(Values[i].Key, name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i < CellColumns.Count ? CellColumns[i] : 1;
            }
        }
        return 1;
    }

    /// <summary>The text under a column (names compare ignoring case), or null when there is no such column.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var (key, value) in Values)
            {
                if (string.Equals(key, name.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
            return null;
        }
    }
}

/// <summary>What <see cref="InputsFile.Read"/> found.</summary>
public sealed class InputsFileResult
{
    internal InputsFileResult(string file, IReadOnlyList<string> columns, IReadOnlyList<InputRow> rows, IReadOnlyList<Diagnostic> diagnostics)
    {
        File = file;
        Columns = columns;
        Rows = rows;
        Diagnostics = diagnostics;
        HasErrors = diagnostics.Any(d => d.IsError);
    }

    /// <summary>The SHA-256 (lower-case hex) of the bytes read, for the statement's reproduce section.</summary>
    public string? Sha256 { get; internal set; }

    public string File { get; }

    /// <summary>The header names (trimmed), in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows that could be read whole, in file order. A row with a problem is not here; its problem is in <see cref="Diagnostics"/>.</summary>
    public IReadOnlyList<InputRow> Rows { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public bool HasErrors { get; }
}

/// <summary>
/// Reads a CSV with one row per provider organisation: a header of input names (and any id or name columns),
/// then one row each. A faithful reader: it returns each cell's text (unquoted, spaces around it trimmed) and leaves
/// conversion to typed inputs to the caller. Same CSV rules and diagnostics as the member reader.
/// </summary>
public static class InputsFile
{
    public static InputsFileResult Read(string path, string? displayName = null)
    {
        string file = displayName ?? path;
        byte[] bytes;
        try
        {
            bytes = DataFile.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new InputsFileResult(file, Array.Empty<string>(), Array.Empty<InputRow>(), new[] { GeneralDiagnostics.CannotRead(file, e.Message) });
        }
        var result = Parse(bytes, file);
        result.Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        return result;
    }

    internal static InputsFileResult Parse(byte[] bytes, string file)
    {
        var bag = new DiagnosticBag();
        var columns = new List<string>();
        var rows = new List<InputRow>();
        InputsFileResult Done() => new(file, columns, rows, bag.ToList());

        int nul = CsvSyntax.FindNul(bytes.AsSpan(0, Math.Min(bytes.Length, 8192)));
        if (nul >= 0)
        {
            bag.Add(DataDiagnostics.NotText(file, nul));
            return Done();
        }
        var data = bytes.AsSpan();
        int pos = CsvSyntax.HasUtf8Bom(data) ? 3 : 0;
        long line = 1;
        bool header = true;
        long headerLine = 1;
        long dataRow = 0;
        var fields = new FieldRef[64];
        byte[]? scratch = null;
        while (pos < data.Length)
        {
            bool found = CsvSyntax.FindRowEnd(data, pos, isFinal: true, out int term, out int newlines, out int openQuote);
            int next = found ? term + 1 : data.Length;
            int end = found ? term : data.Length;
            if (end > pos && data[end - 1] == CsvSyntax.Cr && (found || openQuote < 0))
            {
                end--;
            }
            int rowStart = pos;
            var row = data.Slice(pos, end - pos);
            long rowLine = line;
            line += (found ? 1 : 0) + newlines;
            pos = next;
            if (row.IsEmpty)
            {
                continue;
            }
            if (!header)
            {
                dataRow++;
            }
            if (openQuote >= 0)
            {
                bag.Add(DataDiagnostics.UnclosedQuote(file, rowLine, CsvSyntax.CharColumn(row, openQuote - rowStart), dataRow));
                break;
            }
            int n = CsvSyntax.SplitFields(row, fields);
            if (n > fields.Length)
            {
                fields = new FieldRef[n];
                CsvSyntax.SplitFields(row, fields);
            }
            if (header)
            {
                if (CsvSyntax.FindBareCr(row) is int cr and >= 0)
                {
                    bag.Add(DataDiagnostics.CrLineEnds(file, rowLine, CsvSyntax.CharColumn(row, cr)));
                    return Done();
                }
                header = false;
                headerLine = rowLine;
                var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                for (int i = 0; i < n; i++)
                {
                    string name = Text(row, fields[i], ref scratch, file, rowLine, 0, (i + 1).ToString(), bag) ?? "";
                    columns.Add(name);
                    if (name.Length == 0)
                    {
                        continue;
                    }
                    if (seen.TryGetValue(name, out int first))
                    {
                        bag.Add(DataDiagnostics.DuplicateHeader(file, rowLine, CsvSyntax.CharColumn(row, fields[i].RawStart), name, first + 1, i + 1));
                    }
                    else
                    {
                        seen.Add(name, i);
                    }
                }
                continue;
            }
            if (n != columns.Count)
            {
                bag.Add(DataDiagnostics.RaggedRow(file, rowLine, dataRow, columns.Count, n));
                continue;
            }
            var values = new List<KeyValuePair<string, string>>(n);
            var cellColumns = new int[n];
            bool ok = true;
            for (int i = 0; i < n; i++)
            {
                cellColumns[i] = CsvSyntax.CharColumn(row, fields[i].RawStart);
                string column = columns[i].Length > 0 ? columns[i] : $"(column {i + 1})";
                string? text = Text(row, fields[i], ref scratch, file, rowLine, dataRow, column, bag);
                ok &= text is not null;
                values.Add(new KeyValuePair<string, string>(columns[i], text ?? ""));
            }
            if (ok)
            {
                rows.Add(new InputRow(rowLine, values, cellColumns));
            }
        }
        if (header)
        {
            bag.Add(DataDiagnostics.EmptyFile(file));
        }
        else if (dataRow == 0 && !bag.HasErrors)
        {
            bag.Add(DataDiagnostics.NoDataRows(file, headerLine));
        }
        return Done();
    }

    /// <summary>
    /// Errors for an organisation that has two rows for the same performance year (or two rows at all, when the file
    /// has no year column): each names both lines. Organisation names compare exactly, as the settlement keys them.
    /// </summary>
    public static IReadOnlyList<Diagnostic> RepeatedOrganisations(InputsFileResult file, string organisationColumn, string? yearColumn)
    {
        var problems = new List<Diagnostic>();
        var first = new Dictionary<(string Organisation, string Year), InputRow>();
        foreach (var row in file.Rows)
        {
            string organisation = row[organisationColumn] ?? "";
            string? year = yearColumn is null ? null : row[yearColumn]?.Trim();
            if (!first.TryAdd((organisation, year ?? ""), row))
            {
                problems.Add(DataDiagnostics.OrganisationTwice(file.File, row.Line, row.ColumnOf(organisationColumn), organisation, year, first[(organisation, year ?? "")].Line));
            }
        }
        return problems;
    }

    private static string? Text(ReadOnlySpan<byte> row, in FieldRef field, ref byte[]? scratch, string file, long line, long dataRow, string column, DiagnosticBag bag)
    {
        int col = CsvSyntax.CharColumn(row, field.RawStart);
        if ((field.Flags & FieldFlags.BadQuote) != 0)
        {
            bag.Add(DataDiagnostics.BadQuote(file, line, col, dataRow, column));
            return null;
        }
        var content = CsvSyntax.Trim(CsvSyntax.Content(row, field, ref scratch));
        if (!Utf8.IsValid(content))
        {
            bag.Add(DataDiagnostics.NotUtf8(file, line, col, dataRow, column));
            return null;
        }
        return Encoding.UTF8.GetString(content);
    }
}
