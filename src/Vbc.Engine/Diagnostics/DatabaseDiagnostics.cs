using Vbc.Semantics;

namespace Vbc.Diagnostics;

/// <summary>
/// Problems of the member-level stage run in a database (<c>vbc settle --engine duckdb|postgres</c>): codes
/// VBC4050-VBC4059, documented in docs/diagnostics.md. A database engine either gives the in-memory engine's figures
/// exactly or stops with one of these; it never settles on a value it read differently.
/// </summary>
public static class DatabaseDiagnostics
{
    private static Diagnostic Error(string code, Location at, string message) => new(code, Severity.Error, at, message);

    public static Diagnostic ValueNotRead(string file, long line, long dataRow, string column, string text, string why, string engine) =>
        Error("VBC4050", new Location(file, (int)Math.Clamp(line, 0, int.MaxValue), 0),
            $"Data row {dataRow:#,##0}, column '{column}': the {engine} engine does not read the value '{text}' ({why}), though vbc's own reader does. "
            + "Nothing was settled. Settle this file without --engine (the in-memory engine reads it), or write the value in the plain form.");

    public static Diagnostic DatabaseFailed(string source, string engine, string message) =>
        Error("VBC4051", Location.OfFile(source),
            $"The {engine} engine could not run the member-level stage over {source}: {message.TrimEnd('.')}. Nothing was settled. "
            + "Settle without --engine, which reads the file itself and names any problem in it.");

    public static Diagnostic FigureTooPrecise(string source, string engine, string figure, string text) =>
        Error("VBC4052", Location.OfFile(source),
            $"The {engine} engine returned '{figure}' = {text}, which has more significant digits than vbc's decimals hold (28), so cents could be lost. "
            + "Nothing was settled. Check the data for amounts far too large or with too many decimals.");

    public static Diagnostic ExcludeBadRowsNotSupported(Location at, string engine) =>
        Error("VBC4053", at,
            $"--exclude-bad-rows is not available with --engine {engine}: the rows left out are listed by vbc's own reader. "
            + "Settle without --engine to leave bad rows out, or correct the rows.");

    public static Diagnostic ProblemRows(string source, long rows, decimal cost, string problem, string contractAt) =>
        Error("VBC4054", Location.OfFile(source),
            $"{rows:#,##0} rows of {source} (cost in scope {Display.Money(cost)}) cannot be computed; the first kind: {problem} ({contractAt}). "
            + "A run with such rows is not settled. Find them with the query vbc sql prints (figure 'problem'), correct them, "
            + "or export the table to CSV and settle it without --engine to list each row.");

    public static Diagnostic ColumnType(string source, string column, string declared, string stored, string accepted) =>
        Error("VBC4055", Location.OfFile(source),
            $"Column '{column}' of {source} is declared {declared} in the contract but stored as {stored}: it must be {accepted}, "
            + "so that every value is read exactly (a floating-point column cannot hold cents exactly). Change the column's type, or give a view that casts it.");

    public static Diagnostic BadValues(string source, string column, long rows, string firstId, string firstValue, string expected) =>
        Error("VBC4056", Location.OfFile(source),
            $"Column '{column}' of {source}: {rows:#,##0} rows hold a value vbc's reader refuses (the first: id '{firstId}', value '{firstValue}'); expected {expected}. "
            + "Nothing was settled. Correct the rows.");

    public static Diagnostic MissingColumn(string source, string column, string declared, string existing) =>
        Error("VBC4057", Location.OfFile(source),
            $"{source} has no column '{column}' ({declared}), which the contract declares. Its columns: {existing}. "
            + "Rename the column, or give a view with the contract's names.");

    public static Diagnostic CannotConnect(string source, string engine, string message) =>
        Error("VBC4058", Location.OfFile(source),
            $"The {engine} engine cannot reach {source}: {message.TrimEnd('.')}. Check --connection and --table.");

    /// <summary>A table of a contract with several tables that the database engine was not told where to read.</summary>
    public static Diagnostic TableNotGiven(Location at, string engine, string table, string how) =>
        Error("VBC4059", at,
            $"The contract reads the table '{table}', which --engine {engine} was not given: {how.TrimEnd('.')}. Nothing was settled.");

    /// <summary>Rows of a database table whose join id is in no row of the table joined (a file's rows are warned one by one: VBC3060).</summary>
    public static Diagnostic RowsJoinNothing(string source, string table, string column, long rows, decimal dollars, string firstKey, string firstValue,
        string other, string otherSource) =>
        new("VBC4047", Severity.Warning, Location.OfFile(source),
            $"{rows:#,##0} rows of the table '{table}' ({source}, {Display.Money(dollars)}) hold a {column} that is not an id of the table '{other}' ({otherSource}); "
            + $"the first by its key: '{firstKey}' ({column} '{firstValue}'). The rows are still counted in the clauses over '{table}', but nothing of '{other}' applies to them. "
            + $"Correct the ids, or add the rows of '{other}' they belong to (SELECT * FROM the table WHERE {column} NOT IN the ids of '{other}' lists them).");
}
