using Vbc.Semantics;

namespace Vbc.Diagnostics;

/// <summary>Problems met while settling: missing or invalid inputs, values out of range. Codes VBC4xxx.</summary>
public static class SettlementDiagnostics
{
    private static Diagnostic Error(string code, Location at, string message) => new(code, Severity.Error, at, message);

    public static Diagnostic MissingInput(Location at, string name, string type, string example) =>
        Error("VBC4001", at, $"The contract needs the input '{name}' ({type}). Give it with --input {name}={example}, or as a column of the --inputs file.");

    public static Diagnostic InvalidInput(Location at, string name, string type, string text, string example) =>
        Error("VBC4002", at, $"The input '{name}' is '{text}', which is not {type}. Write it like {example}.");

    public static Diagnostic OutOfRange(Location at, string what, string value, string bounds) =>
        Error("VBC4003", at, $"{what} comes to {value} in this run, but it must be {bounds}. Check the inputs it depends on.");

    public static Diagnostic NoLevelForYear(Location at, int year, string levels) =>
        Error("VBC4004", at, $"No level of the contract applies in {year}. Levels: {levels}. Settle another year, or add a level for {year}.");

    public static Diagnostic EvaluationFailed(Location at, string problem) =>
        Error("VBC4005", at, problem);

    public static Diagnostic UnknownInput(string name, string declared, Location? at = null) =>
        Error("VBC4006", at ?? new Location("<command line>", 0, 0), $"The contract declares no input '{name}'. Its inputs: {declared}.");

    public static Diagnostic NoYear(Location at, string period) =>
        Error("VBC4007", at, $"The contract period ({period}) spans more than one year: say which performance year to settle with --year.");

    public static Diagnostic SeveralTablesNotSettled(Location at, string clause, string table, string root) =>
        Error("VBC4045", at, $"'{clause}' reads the table '{table}' and sets who is in the population or which costs count, but with several tables only the table the others join to ('{root}') has a population and a cost basis. Give that setting to a clause over '{root}', or settle '{table}' in a contract of its own with one 'data' block.");

    public static Diagnostic NoTableData(Location at, string table) =>
        Error("VBC4046", at, $"The contract reads the table '{table}': give its file with --data {table}=FILE (one --data per table).");


    public static Diagnostic RowJoinsNothing(Location row, long dataRow, string table, string column, string id, string other, string otherFile, decimal dollars) =>
        new("VBC3060", Severity.Warning, row, $"Data row {dataRow} of the table '{table}': {column} '{id}' is not an id of the table '{other}' ({otherFile}). The row ({Display.Money(dollars)}) is still counted in the clauses over '{table}', but nothing of '{other}' applies to it. Correct the id, or add the row of '{other}' it belongs to.");

    public static Diagnostic MoreRowsJoinNothing(Location firstUnlisted, string table, string other, long rows, decimal dollars) =>
        new("VBC3061", Severity.Warning, firstUnlisted, $"{rows:#,##0} more rows of the table '{table}', from this row on, hold an id that is not in the table '{other}' ({Display.Money(dollars)} in all); only the first are listed. Many such rows usually mean the two files are of different populations or periods.");

    public static Diagnostic NoData(Location at) =>
        Error("VBC4008", at, "The contract reads member-level data: give the data file with --data FILE.");

    public static Diagnostic EmptyMeasure(Location at, string measure) =>
        Error("VBC4009", at, $"The measure '{measure}' has no eligible members in this population (its denominator sums to 0), so it has no rate.");

    public static Diagnostic ConservationBroken(Location at, string detail) =>
        Error("VBC4010", at, $"Dollars in do not equal dollars out ({detail}). This is a defect in vbc: please report it with the contract and data.");

    public static Diagnostic NoPopulation(Location at) =>
        Error("VBC4011", at, "No member is left in the population after the include and exclude conditions, so there is nothing to settle. Check the conditions and the data.");

    public static Diagnostic RowProblem(Location row, long dataRow, string? memberId, string problem, Location contractAt) =>
        Error("VBC4013", row, $"Data row {dataRow}{(memberId is null ? "" : $" (member {memberId})")}: {problem}, in the expression at {contractAt}. Correct the row, or leave such rows out with --exclude-bad-rows.");

    public static Diagnostic InputTooManyDigits(Location at, string name, string text) =>
        Error("VBC4014", at, $"The input '{name}' is '{text}', which has more digits than can be held exactly (at most 28 significant digits and 28 decimals); "
            + "vbc never rounds an input to fit. Round it to the precision you mean.");

    public static Diagnostic TooLargeToCompute(Location at, string clause, string values) =>
        Error("VBC4020", at, $"{clause} cannot be worked out exactly: a result is larger than 79,228,162,514,264,337,593,543,950,335 or needs more than 28 significant digits. The values it used: {values}. Check these values: one of them is far too large or too small (a mistyped amount, a rate written as a whole number).");

    public static Diagnostic BenchmarkNotPositive(Location at, string benchmark, string formula) =>
        Error("VBC4021", at, $"The benchmark comes to {benchmark} ({formula}): it must be above $0.00, or there is no savings rate and any rate printed would be meaningless. Check the base, the risk scores and the inputs it depends on.");

    // Data problems the member-level stage finds (VBC3040-VBC3059): each names the data file's line, the data row and the column.

    public static Diagnostic SumNotExact(Location row, long dataRow, string? memberId, string what) =>
        Error("VBC3040", row, $"Data row {dataRow}{Member(memberId)}: adding this row to {what} gives a sum that decimal arithmetic cannot hold exactly (above 79,228,162,514,264,337,593,543,950,335, or more than 28 significant digits), so cents would be lost. A value on this row is far too large or has too many decimals: correct it, or leave the row out with --exclude-bad-rows.");

    public static Diagnostic PopulationSumNotExact(Location file, string what) =>
        Error("VBC3040", file, $"Adding up {what} over the population gives a sum that decimal arithmetic cannot hold exactly (above 79,228,162,514,264,337,593,543,950,335, or more than 28 significant digits), so cents would be lost. Some rows hold amounts far too large or with too many decimals: correct them, or leave them out with --exclude-bad-rows.");

    public static Diagnostic CarveOutExceedsCategory(Location row, long dataRow, string? memberId, string part, string partValue, string category, string categoryValue, Location contractAt) =>
        Error("VBC3041", row, $"Data row {dataRow}{Member(memberId)}: the carve-out '{part}' ({partValue}) is not part of '{category}' ({categoryValue}), the category it is carved out from at {contractAt}: a carve-out must lie between $0.00 and its category's amount on every row. Correct the row (or the contract's 'from' category), or leave such rows out with --exclude-bad-rows.");

    public static Diagnostic NotPositive(Location row, long dataRow, string? memberId, string what, string value, Location contractAt) =>
        Error("VBC3042", row, $"Data row {dataRow}{Member(memberId)}: {what} is {value}, but it must be above 0 (used at {contractAt}). Correct the row, or leave such rows out with --exclude-bad-rows.");

    public static Diagnostic MoreRowProblems(Location firstUnlisted, int listed, long unlisted) =>
        new("VBC4022", Severity.Info, firstUnlisted,
            $"{unlisted:#,##0} more rows with problems, from this row on, are not listed (only the first {listed:#,##0} are). Many rows with the same problem usually mean one cause: a wrong column, or a contract term that does not fit the data.");

    // A portfolio: one contract settled for the organisations of an inputs file over one member file (VBC4060-VBC4069).

    public static Diagnostic OrganisationWithoutRows(Location cell, string organisation, string dataFile, string column) =>
        Error("VBC4060", cell, $"The organisation '{organisation}' has no row in the member file {dataFile} (no row has {column} = '{organisation}'), so it has no population to settle. "
            + $"Check that the inputs file and the member file name the organisation the same way (names compare exactly, case and spaces included), or remove its row from the inputs file.");

    private static string Member(string? memberId) => memberId is null ? "" : $" (member {memberId})";

    public static Diagnostic YearOutsidePeriod(Location at, int year, string period) =>
        Error("VBC4012", at, $"The performance year {year} lies outside the contract period {period}.");
}
