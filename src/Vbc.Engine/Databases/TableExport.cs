using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using Vbc.Data;
using Vbc.Diagnostics;
using Vbc.MemberStage;
using Vbc.Settlement;

namespace Vbc.Databases;

/// <summary>
/// <c>--exclude-bad-rows</c> over a database table that holds bad rows: the contract's columns written out as the CSV
/// text vbc's reader reads (NULL as an empty cell, numbers as the database writes them, yes/no as 1 and 0), in the order
/// of the id, and settled by the in-memory stage, which leaves out and lists each bad row exactly as it does a file's.
/// A table has no lines: each row left out, and each warning about one, is then named by its id.
/// </summary>
internal sealed partial class TableExport(string source)
{
    /// <summary>Each declared column: its name and the SQL that writes its value as text (NULL: none).</summary>
    public List<(string Name, string Text)> Columns { get; } = new();

    /// <summary>The contract's id column (a run over a table leaves rows out only when the contract declares one).</summary>
    public string? IdColumn { get; set; }

    /// <summary>The table as its schema-qualified, quoted name.</summary>
    public string Relation { get; set; } = "";

    /// <summary>With --exclude-bad-rows: a value vbc's reader refuses leaves its row out instead of stopping the run.</summary>
    public bool LeaveOut { get; init; }

    /// <summary>The table as named in messages.</summary>
    public string Source => source;

    /// <summary>Whether a value of the table is one vbc's reader refuses (looked for only with <see cref="LeaveOut"/>).</summary>
    public bool BadValues { get; set; }

    /// <summary>A column's value as text, as a CSV cell would hold it.</summary>
    public static string AsText(PlanKind kind, string quoted) => kind switch
    {
        PlanKind.Flag => $"CASE WHEN {quoted} THEN '1' WHEN NOT {quoted} THEN '0' END",
        PlanKind.Text => $"btrim({quoted}, ' ' || chr(9))",
        _ => $"CAST({quoted} AS TEXT)",
    };

    /// <summary>
    /// The table's rows (and a claims table's, summed per member by the claims reader) through vbc's reader and kernels,
    /// bad rows left out with --exclude-bad-rows; rows and warnings named by their id.
    /// </summary>
    public StageRun Settle(NpgsqlConnection connection, StageJob job, IReadOnlyList<string> ignored, TableExport? claims = null)
    {
        DirectoryInfo folder;
        try
        {
            folder = Directory.CreateTempSubdirectory("vbc-postgres-rows-");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CannotWrite(e);
        }
        try
        {
            string path = Path.Combine(folder.FullName, "rows.csv");
            Write(connection, path);
            string? claimsPath = null;
            if (claims is not null)
            {
                claimsPath = Path.Combine(folder.FullName, "claims.csv");
                claims.Write(connection, claimsPath);
            }
            var reader = new CsvMemberSource(path, claimsPath, job.ExcludeBadRows, source, claims?.Source);
            var run = MemberStageBackend.InMemory.Run(job with { Source = reader });
            return Named(run, ignored, claims?.Source);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CannotWrite(e);
        }
        finally
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A temporary folder left behind does not change the settlement.
            }
        }
    }

    /// <summary>The rows could not be written out for vbc's reader (a temporary folder that cannot be written, a full disk).</summary>
    private StageRun CannotWrite(Exception e) =>
        StageRun.Failed(GeneralDiagnostics.CannotRead(source,
            $"its rows are written to a temporary folder ({Path.GetTempPath()}) for vbc's own reader, and that failed: {e.Message.TrimEnd('.')}. " +
            "Set TMPDIR to a folder vbc can write, with room for the table."));

    private void Write(NpgsqlConnection connection, string path)
    {
        // Ids given twice are refused before this, so the order is the id's; rows without an id follow, by their text.
        // A table without an id (claims) is in the order of its values.
        string order = IdColumn is null
            ? string.Join(", ", Columns.Select(c => $"{c.Text} COLLATE \"C\" NULLS LAST"))
            : $"{Columns.First(c => c.Name == IdColumn).Text} COLLATE \"C\" NULLS LAST, CAST(t AS TEXT) COLLATE \"C\"";
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", Columns.Select(c => c.Text))} FROM {Relation} t ORDER BY {order}";
        command.CommandTimeout = 0;
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write(string.Join(",", Columns.Select(c => Cell(c.Name))));
        writer.Write('\n');
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            for (int i = 0; i < Columns.Count; i++)
            {
                if (i > 0)
                {
                    writer.Write(',');
                }
                if (!reader.IsDBNull(i))
                {
                    writer.Write(Cell(reader.GetString(i)));
                }
            }
            writer.Write('\n');
        }
    }

    private static string Cell(string text) =>
        text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;

    /// <summary>The run with rows named by their id instead of the line and row of the text written out.</summary>
    private StageRun Named(StageRun run, IReadOnlyList<string> ignored, string? claimsSource)
    {
        var ids = new Dictionary<long, string?>();
        foreach (var row in (run.Data?.UnreadableRows ?? Array.Empty<ExcludedRow>()).Concat(run.Result?.RowsLeftOut ?? Array.Empty<ExcludedRow>()))
        {
            ids[row.DataRow] = row.MemberId;
        }
        ExcludedRow Row(ExcludedRow row) => row with { Line = 0, DataRow = 0, Problem = Message(row.Problem, ids) };
        // A claims table's rows have no key: a warning about one names the table.
        Diagnostic Warning(Diagnostic d) => d.Location.File == source ? d with { Location = Location.OfFile(source), Message = Message(d.Message, ids) }
            : d.Location.File == claimsSource ? d with { Location = Location.OfFile(claimsSource) }
            : d;
        var result = run.Result is null ? null : new MemberStageResult
        {
            Population = run.Result.Population,
            Totals = run.Result.Totals,
            Groups = run.Result.Groups,
            RowsLeftOut = run.Result.RowsLeftOut.Select(Row).ToList(),
            Problems = run.Result.Problems.Select(Warning).ToList(),
            LeftOutWarnings = run.Result.LeftOutWarnings.Select(Warning).ToList(),
        };
        var data = run.Data is null ? null : run.Data with
        {
            IgnoredColumns = ignored,
            UnreadableRows = run.Data.UnreadableRows.Select(Row).ToList(),
            RowProblems = run.Data.RowProblems.Select(Warning).ToList(),
        };
        return new StageRun(result, run.Failure.Select(Warning).ToList(), data);
    }

    /// <summary>A message that names a row by its number ("Row 12, ...", "Data row 12 (member M1): ...") named by its id instead.</summary>
    private string Message(string message, Dictionary<long, string?> ids)
    {
        message = message.Replace("(each listed with its line)", $"(each listed by its {IdColumn})", StringComparison.Ordinal);
        var match = RowNumber().Match(message);
        if (!match.Success || !long.TryParse(match.Groups[1].Value.Replace(",", ""), out long row) || !ids.TryGetValue(row, out var id))
        {
            return message;
        }
        string named = id is null ? $"A row of {source} without a {IdColumn}" : $"The row of {IdColumn} '{id}'";
        return named + message[match.Length..];
    }

    [GeneratedRegex(@"^(?:Data row|Row) ([0-9]{1,3}(?:,[0-9]{3})*|[0-9]+)(?: \(member [^)]*\))?")]
    private static partial Regex RowNumber();
}
