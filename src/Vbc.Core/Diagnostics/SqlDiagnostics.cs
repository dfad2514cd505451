namespace Vbc.Diagnostics;

/// <summary>Why a run's member-level IR cannot be compiled to SQL (vbc sql, docs/sql.md). Codes VBC4040-VBC4044.</summary>
public static class SqlDiagnostics
{
    private static Diagnostic Error(string code, Location at, string message) => new(code, Severity.Error, at, message);

    public static Diagnostic SeveralTables(Location at, string tables) =>
        Error("VBC4040", at, $"The contract reads several tables ({tables}); vbc sql compiles contracts with one table only for now. Settle it with vbc settle, or compile a contract with one 'data' block.");

    public static Diagnostic NotCompiled(Location at, string what) =>
        Error("VBC4041", at, $"vbc sql cannot compute {what} exactly as the language does, so it writes no query rather than one that could differ by a cent. Settle this contract with vbc settle.");

    public static Diagnostic GroupByNotText(Location at, string column, string type) =>
        Error("VBC4043", at, $"--group-by {column}: the column is {type}, not text. Group by a text column of the data naming each row's organisation (declare it as 'text' in the data block).");

    public static Diagnostic GroupByNotDeclared(Location at, string column, string textColumns) =>
        Error("VBC4043", at, $"--group-by {column}: the data declares no column '{column}'. Declare the column naming each row's organisation as 'text' in the data block{(textColumns.Length == 0 ? "" : $" (text columns declared: {textColumns})")}.");

    public static Diagnostic NoData(Location at) =>
        Error("VBC4042", at, "The contract reads no member data (it settles from totals given as inputs), so it has no member-level stage to write as SQL. Settle it with vbc settle and its inputs.");
}
