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

    public static Diagnostic UnknownInput(string name, string declared) =>
        Error("VBC4006", new Location("<command line>", 0, 0), $"The contract declares no input '{name}'. Its inputs: {declared}.");

    public static Diagnostic NoYear(Location at, string period) =>
        Error("VBC4007", at, $"The contract period ({period}) spans more than one year: say which performance year to settle with --year.");

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

    public static Diagnostic YearOutsidePeriod(Location at, int year, string period) =>
        Error("VBC4012", at, $"The performance year {year} lies outside the contract period {period}.");
}
