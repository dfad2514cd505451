using Vbc.Text;

namespace Vbc.Diagnostics;

/// <summary>
/// Problems in what a contract means: unknown names, wrong units, settings out of range, bands with gaps.
/// Codes VBC2xxx, documented in docs/diagnostics.md. Each message says what to do.
/// </summary>
public static class BindingDiagnostics
{
    private static Diagnostic Error(string code, SourceText source, TextSpan span, string message) =>
        new(code, Severity.Error, Location.In(source, span), message);

    private static Diagnostic Warning(string code, SourceText source, TextSpan span, string message) =>
        new(code, Severity.Warning, Location.In(source, span), message);

    private static string DidYouMean(string? suggestion) => suggestion is null ? "" : $" Did you mean '{suggestion}'?";

    internal static string ListOf(IEnumerable<string> names, int max = 12)
    {
        var list = names.Distinct().ToList();
        if (list.Count == 0)
        {
            return "(none)";
        }
        var shown = list.Take(max).Select(n => $"'{n}'");
        return string.Join(", ", shown) + (list.Count > max ? $" and {list.Count - max} more" : "");
    }

    public static Diagnostic UnknownClause(SourceText s, TextSpan span, string words, string? suggestion, IEnumerable<string> known) =>
        Error("VBC2001", s, span, $"'{words}' is not a kind of clause.{DidYouMean(suggestion)} Clauses: {ListOf(known, 30)}.");

    public static Diagnostic UnknownSetting(SourceText s, TextSpan span, string key, string clause, string? suggestion, IEnumerable<string> keys) =>
        Error("VBC2002", s, span, $"'{key}' is not a setting of '{clause}'.{DidYouMean(suggestion)} Its settings: {ListOf(keys, 30)}.");

    public static Diagnostic DuplicateSetting(SourceText s, TextSpan span, string key, int firstLine) =>
        Error("VBC2003", s, span, $"'{key}' is already set on line {firstLine}. Keep one of the two.");

    public static Diagnostic MissingSetting(SourceText s, TextSpan span, string clause, string key, string example) =>
        Error("VBC2004", s, span, $"'{clause}' needs '{key}'. Add a line such as '{key}: {example}'.");

    public static Diagnostic UnknownName(SourceText s, TextSpan span, string name, string? suggestion, string available) =>
        Error("VBC2005", s, span, $"'{name}' is not defined.{DidYouMean(suggestion)} {available}");

    public static Diagnostic DuplicateName(SourceText s, TextSpan span, string name, string firstRole, int firstLine) =>
        Error("VBC2006", s, span, $"'{name}' is already defined as {Article(firstRole)} {firstRole}{(firstLine > 0 ? $" on line {firstLine}" : " by the language")}. Choose another name.");

    private static string Article(string noun) => noun.Length > 0 && "aeiou".Contains(char.ToLowerInvariant(noun[0])) ? "an" : "a";

    public static Diagnostic WrongType(SourceText s, TextSpan span, string what, string expected, string found, string hint = "") =>
        Error("VBC2007", s, span, $"{what} must be {expected}, but this is {found}.{(hint.Length > 0 ? " " + hint : "")}");

    public static Diagnostic OperatorTypes(SourceText s, TextSpan span, string op, string left, string right, string hint) =>
        Error("VBC2008", s, span, $"Cannot {op} {left} and {right}. {hint}");

    public static Diagnostic OutOfRange(SourceText s, TextSpan span, string what, string value, string bounds) =>
        Error("VBC2009", s, span, $"{what} is {value}, but it must be {bounds}.");

    public static Diagnostic BandGap(SourceText s, TextSpan span, string from, string to) =>
        Error("VBC2010", s, span, $"The bands leave a gap from {from} to {to}. Make each band start where the one before it ends.");

    public static Diagnostic BandOverlap(SourceText s, TextSpan span, string from, string to) =>
        Error("VBC2011", s, span, $"This band overlaps the one before it from {from} to {to}. Bands must not overlap: start this band where the previous one ends.");

    public static Diagnostic PeriodEndsBeforeStart(SourceText s, TextSpan span, string start, string end, string what = "period") =>
        Error("VBC2012", s, span, $"The {what} ends ({end}) before it starts ({start}). Swap the two ends or correct them.");

    public static Diagnostic LevelYearsOverlap(SourceText s, TextSpan span, string level, string other, string years) =>
        Error("VBC2013", s, span, $"Level {level} and level {other} both apply in {years}. Each performance year may belong to one level only.");

    public static Diagnostic DuplicateClause(SourceText s, TextSpan span, string clause, int firstLine) =>
        Error("VBC2014", s, span, $"A contract has one '{clause}' clause (or one per level), and one is already on line {firstLine}. Merge the two.");

    public static Diagnostic PerMemberInTotal(SourceText s, TextSpan span, string what, string name) =>
        Error("VBC2015", s, span, $"{what} is settled once for the whole population, but '{name}' is a per-member column. Use a total (such as 'actual' or a measure) instead.");

    public static Diagnostic TotalInPerMember(SourceText s, TextSpan span, string what, string name) =>
        Error("VBC2016", s, span, $"{what} is worked out for each member, but '{name}' is known only for the whole population. Use columns, inputs or values here.");

    public static Diagnostic WrongShape(SourceText s, TextSpan span, string key, string expected) =>
        Error("VBC2017", s, span, $"'{key}' takes {expected}.");

    public static Diagnostic UnknownOption(SourceText s, TextSpan span, string key, string found, IEnumerable<string> options, string? suggestion) =>
        Error("VBC2018", s, span, $"'{found}' is not a choice for '{key}'.{DidYouMean(suggestion)} Choose one of: {ListOf(options)}.");

    public static Diagnostic UnknownType(SourceText s, TextSpan span, string found, string? suggestion, IEnumerable<string> types) =>
        Error("VBC2019", s, span, $"'{found}' is not a type.{DidYouMean(suggestion)} Types: {ListOf(types)}.");

    public static Diagnostic Cycle(SourceText s, TextSpan span, string path) =>
        Error("VBC2020", s, span, $"These definitions depend on each other in a circle: {path}. Break the circle.");

    public static Diagnostic NotAllowedHere(SourceText s, TextSpan span, string clause, string where, string allowed = "") =>
        Error("VBC2021", s, span, $"A '{clause}' clause cannot stand {where}.{(allowed.Length > 0 ? " " + allowed : "")}");

    public static Diagnostic MissingContractBlock(SourceText s, TextSpan span) =>
        Error("VBC2022", s, span, "The file has no 'contract' block. Add one with the contract's name, parties and period: contract \"Name\" { period: 2024-01-01 to 2024-12-31 }.");

    public static Diagnostic UnknownFunction(SourceText s, TextSpan span, string name, string? suggestion, IEnumerable<string> functions) =>
        Error("VBC2023", s, span, $"'{name}' is not a function.{DidYouMean(suggestion)} Functions: {ListOf(functions)}.");

    public static Diagnostic WrongArgumentCount(SourceText s, TextSpan span, string name, string expected, int found) =>
        Error("VBC2024", s, span, $"'{name}' takes {expected}, but is given {found}.");

    public static Diagnostic DivisionByZero(SourceText s, TextSpan span) =>
        Error("VBC2025", s, span, "This divides by zero.");

    public static Diagnostic TableProblem(SourceText s, TextSpan span, string message) =>
        Error("VBC2026", s, span, message);

    public static Diagnostic MissingRequiredClause(SourceText s, TextSpan span, string clause, string required) =>
        Error("VBC2027", s, span, $"'{clause}' needs a '{required}' clause in the contract. Add one; see docs/language.md.");

    public static Diagnostic Unused(SourceText s, TextSpan span, string role, string name) =>
        Warning("VBC2028", s, span, $"The {role} '{name}' is declared but never used. Remove it, or use it.");

    public static Diagnostic LevelOutsidePeriod(SourceText s, TextSpan span, string level, string years, string period) =>
        Warning("VBC2029", s, span, $"Level {level} applies in {years}, outside the contract period {period}.");

    public static Diagnostic NameRequired(SourceText s, TextSpan span, string clause, string example) =>
        Error("VBC2030", s, span, $"A '{clause}' needs a name after its keyword, for example '{example}'.");

    public static Diagnostic NameNotAllowed(SourceText s, TextSpan span, string clause, string extra) =>
        Error("VBC2031", s, span, $"'{extra}' after '{clause}' is not understood. To name the clause in statements, use a label in quotes: {clause} \"{extra}\" {{ ... }}.");

    public static Diagnostic InvalidDeclarationName(SourceText s, TextSpan span, string key) =>
        Error("VBC2032", s, span, $"'{key}' is not a valid name: a name is one word of letters, digits and underscores (for example '{key.Replace(' ', '_')}').");

    public static Diagnostic DataNeedsId(SourceText s, TextSpan span) =>
        Error("VBC2033", s, span, "The data has no member id column. Declare one, for example 'member_id: id', so duplicate rows can be found.");

    // Several data tables in one contract (VBC2090-VBC2099).
    public static Diagnostic TableNamedTwice(SourceText s, TextSpan span, string table, int firstLine) =>
        Error("VBC2090", s, span, $"The table '{table}' is already declared on line {firstLine}. Give each 'data' block its own table name, or put the columns in one block.");

    public static Diagnostic TableNeedsName(SourceText s, TextSpan span) =>
        Error("VBC2091", s, span, "A contract with several tables names each one: write 'data members { ... }', 'data episodes { ... }'.");

    public static Diagnostic TableNotJoined(SourceText s, TextSpan span, string table, string other, string otherId) =>
        Error("VBC2092", s, span, $"The table '{table}' has no column that joins it to another table. Declare the column that holds the member id, for example '{otherId}: id of {other}'.");

    public static Diagnostic JoinTypeMismatch(SourceText s, TextSpan span, string column, string declared, string table, string targetId) =>
        Error("VBC2093", s, span, $"'{column}' joins to '{table}', whose '{targetId}' is an id, but it is declared '{declared}'. Ids of different types never match: write '{column}: id of {table}'.");

    public static Diagnostic UnknownTable(SourceText s, TextSpan span, string table, string? suggestion, IEnumerable<string> tables) =>
        Error("VBC2094", s, span, $"No table is named '{table}'.{DidYouMean(suggestion)} Tables declared: {(tables.Any() ? ListOf(tables, 30) : "none")}.");

    public static Diagnostic ClauseReadsOtherTable(SourceText s, TextSpan span, string clause, string column, string columnTable, string table) =>
        Error("VBC2095", s, span, $"'{clause}' reads the table '{table}', but '{column}' is a column of '{columnTable}'. Read '{column}' in a clause over '{columnTable}' and use the value that clause computes, or declare the column in '{table}'.");

    public static Diagnostic ClauseNeedsTable(SourceText s, TextSpan span, string clause, string first, string second) =>
        Error("VBC2096", s, span, $"'{clause}' reads columns of '{first}' and of '{second}'. Say which table it reads with 'table: {first}' and read the other table's values through the clause that computes them.");

    public static Diagnostic TableNameInQuotes(SourceText s, TextSpan span, string name) =>
        Error("VBC2098", s, span, $"A table's name is a word, not text in quotes: write 'data {name} {{ ... }}'.");

    public static Diagnostic JoinToItself(SourceText s, TextSpan span, string column, string table) =>
        Error("VBC2097", s, span, $"'{column}' joins the table '{table}' to itself. Name the table the ids belong to, for example 'id of members'.");

    public static Diagnostic OneColumnOfType(SourceText s, TextSpan span, string type, string first) =>
        Error("VBC2034", s, span, $"Only one column may be of type '{type}', and '{first}' already is.");

    public static Diagnostic MixedLevels(SourceText s, TextSpan span) =>
        Error("VBC2035", s, span, "This mixes per-member columns with totals for the whole population. Compute per-member values and totals in separate settings.");

    public static Diagnostic ColumnExpected(SourceText s, TextSpan span, string key, string expected) =>
        Error("VBC2036", s, span, $"'{key}' takes column names only: {expected}.");

    public static Diagnostic NeedsMemberData(SourceText s, TextSpan span, string what) =>
        Error("VBC2037", s, span, $"{what} needs member-level data (one row per member or episode), but the contract declares no 'data' block. Declare the data's columns in a 'data' block.");

    public static Diagnostic NeedsMemberMonths(SourceText s, TextSpan span, string what) =>
        Error("VBC2038", s, span, $"{what} needs member months: declare a column of type member_months in 'data' (or, when settling from totals, give 'member months' in the cost clause).");

    public static Diagnostic SettingsConflict(SourceText s, TextSpan span, string message) =>
        Error("VBC2041", s, span, message);

    public static Diagnostic MustBeFixed(SourceText s, TextSpan span, string what, string name) =>
        Error("VBC2042", s, span, $"{what} must be written in the contract, but it uses '{name}', which is known only when the contract is settled. Write the value itself.");

    public static Diagnostic TableGap(SourceText s, TextSpan span, string key, string from, string to) =>
        Warning("VBC2040", s, span, $"No row of '{key}' holds values from {from} to {to}: settling with such a value fails. Add a row, or widen a neighbouring one.");

    public static Diagnostic NotWholeNumber(SourceText s, TextSpan span, string what, string value, string expected, string below, string above) =>
        Error("VBC2043", s, span, $"{what} is {value}, but it must be a whole number: {expected}. Write {below} or {above}.");

    public static Diagnostic ValueTooDeep(SourceText s, TextSpan span, string name, string how) =>
        Error("VBC2044", s, span, $"The value '{name}', with the values it uses written out, reaches {how}: too far to work out. Compute it in fewer steps, with fewer values built on values.");

    public static Diagnostic ConstantCondition(SourceText s, TextSpan span, string value) =>
        Warning("VBC2039", s, span, $"This condition is always {value}.");

    // Values that move with the performance year (VBC2080-VBC2089).

    public static Diagnostic PerYearNotHere(SourceText s, TextSpan span, string key, string rate) =>
        Error("VBC2080", s, span, $"'{key}' does not compound by year: 'per year from' is for a benchmark's 'trend' (trend: 3.1% per year from 2023). Write '{key}: {rate}', or move the compounding rate to the benchmark's trend.");

    public static Diagnostic BaseYearNotAYear(SourceText s, TextSpan span, string found, string rate) =>
        Error("VBC2081", s, span, $"'{found}' is not a year: the rate compounds from a base year written as a whole number from 1900 to 2200, for example '{rate} per year from 2023'.");

    public static Diagnostic BaseYearAfterPerformanceYear(SourceText s, TextSpan span, int from, int year, string where) =>
        Error("VBC2082", s, span, $"The trend compounds from {from}, but {where} settles performance year {year}, before it: there would be nothing to compound. Give the base year of the benchmark's base (at most {year}), or settle later years only.");

    public static Diagnostic YearNotInTable(SourceText s, TextSpan span, string key, IReadOnlyList<int> years, string where)
    {
        string list = years.Count <= 8 ? string.Join(", ", years) : string.Join(", ", years.Take(8)) + $" and {years.Count - 8} more";
        string fix = years.Count == 1 ? $"Add a row '{years[0]}: ...'" : $"Add a row for each, or a range of years such as '{years[0]} to {years[^1]}: ...'";
        return Error("VBC2083", s, span, $"The table of '{key}' by performance year has no row for {list}, which the contract settles ({years[0]}: {where}): settling {(years.Count == 1 ? "it" : "them")} would stop. {fix}.");
    }

    // Operators and functions (VBC2110-VBC2119).

    public static Diagnostic PlacesNotFixed(SourceText s, TextSpan span, string text, Semantics.EvaluationLevel level) =>
        Error("VBC2110", s, span, $"The number of decimal places of 'round' must be fixed in the contract, but '{text}' is {(level == Semantics.EvaluationLevel.Member ? "different on every row of the data" : level == Semantics.EvaluationLevel.Run ? "known only when the contract is settled" : "known only once the clauses are settled")}. Write a whole number from 0 to 28, for example 'round(x, 2)', or a value defined by one.");

    public static Diagnostic ClampReversed(SourceText s, TextSpan span, string low, string high) =>
        Error("VBC2112", s, span, $"clamp's lowest value ({low}) is above its highest ({high}): the result could be neither. Write clamp(value, lowest, highest) with the lowest first, for example 'clamp(x, {high}, {low})'.");

    public static Diagnostic PlacesCannotBeWorkedOut(SourceText s, TextSpan span, string problem) =>
        Error("VBC2111", s, span, $"The number of decimal places of 'round' cannot be worked out: {(problem.Length > 0 ? char.ToLowerInvariant(problem[0]) + problem[1..] : problem)} Write a whole number from 0 to 28, for example 'round(x, 2)'.");
}
