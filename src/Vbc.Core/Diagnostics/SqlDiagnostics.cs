namespace Vbc.Diagnostics;

/// <summary>Why a run's member-level IR cannot be compiled to SQL (vbc sql, docs/sql.md). Codes VBC4041-VBC4044 (VBC4040, several tables, retired: they compile).</summary>
public static class SqlDiagnostics
{
    private static Diagnostic Error(string code, Location at, string message) => new(code, Severity.Error, at, message);

    public static Diagnostic NotCompiled(Location at, string what) =>
        Error("VBC4041", at, $"vbc sql cannot compute {what} exactly as the language does, so it writes no query rather than one that could differ by a cent. Settle this contract with vbc settle.");

    public static Diagnostic GroupByNotText(Location at, string column, string type) =>
        Error("VBC4043", at, $"--group-by {column}: the column is {type}, not text. Group by a text column of the data naming each row's organisation (declare it as 'text' in the data block).");

    public static Diagnostic GroupByNotDeclared(Location at, string column, string textColumns) =>
        Error("VBC4043", at, $"--group-by {column}: the data declares no column '{column}'. Declare the column naming each row's organisation as 'text' in the data block{(textColumns.Length == 0 ? "" : $" (text columns declared: {textColumns})")}.");

    public static Diagnostic GroupBySeveralTables(Location at, string tables) =>
        Error("VBC4044", at, $"--group-by with several tables ({tables}): vbc sql groups one table by organisation only for now. Write one query per organisation over views of its rows in each table, or settle each organisation with vbc settle.");

    public static Diagnostic NoData(Location at) =>
        Error("VBC4042", at, "The contract reads no member data (it settles from totals given as inputs), so it has no member-level stage to write as SQL. Settle it with vbc settle and its inputs.");
}
