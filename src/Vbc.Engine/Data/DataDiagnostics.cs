using System.Globalization;
using System.Text;
using Vbc.Diagnostics;

namespace Vbc.Data;

/// <summary>
/// Problems in member-level data, claims files and inputs files: codes VBC3xxx, documented in
/// docs/diagnostics.md. Every message about a value names the column by its header, the data row and the text
/// found, and says what form is expected. The location is the file, the line where the row starts and the
/// 1-based character column where the field starts. Reading problems (the file cannot be opened) use
/// <see cref="GeneralDiagnostics.CannotRead"/> (VBC0002) and the cut-off note is VBC0001.
/// </summary>
public static class DataDiagnostics
{
    private static Diagnostic Make(string code, Severity severity, Location at, string message) => new(code, severity, at, message);

    private static Location At(string file, long line, int column) =>
        new(file, (int)Math.Clamp(line, 0, int.MaxValue), column);

    public static Diagnostic NotText(string file, long byteOffset) =>
        Make("VBC3001", Severity.Error, At(file, 1, 1),
            $"The file is not a text file: it holds a zero byte at byte {byteOffset}. Data files must be CSV text in UTF-8; "
            + "if this is a spreadsheet, export it as 'CSV UTF-8'; if it is UTF-16 text, save it again as UTF-8.");

    public static Diagnostic NotUtf8(string file, long line, int column, long dataRow, string columnName, Severity severity = Severity.Error) =>
        Make("VBC3002", severity, At(file, line, column),
            $"{Where(dataRow, columnName)}: the text is not valid UTF-8. Save the file as UTF-8 (in Excel: 'CSV UTF-8'), or fix the characters in this cell.");

    public static Diagnostic EmptyFile(string file) =>
        Make("VBC3003", Severity.Error, At(file, 1, 1),
            "The file is empty. It must start with a header row naming the columns, then one row per record.");

    public static Diagnostic NoDataRows(string file, long headerLine) =>
        Make("VBC3004", Severity.Error, At(file, headerLine, 1),
            "The file has a header row but no data rows. Check that you passed the right file and that it was exported completely.");

    public static Diagnostic DuplicateHeader(string file, long line, int column, string name, int firstPosition, int secondPosition) =>
        Make("VBC3005", Severity.Error, At(file, line, column),
            $"The header names the column '{name}' twice (columns {firstPosition} and {secondPosition}; names are compared ignoring case and spaces around them). "
            + "Rename or remove one of them so that each column has one meaning.");

    public static Diagnostic MissingColumn(string file, long headerLine, string name, string typeName, string? nearest, IReadOnlyList<string> existing, bool claimsGiven) =>
        Make("VBC3006", Severity.Error, At(file, headerLine, 1),
            $"The contract needs the column '{name}' ({typeName}), but the file has no such column."
            + (nearest is null ? "" : $" Did you mean '{nearest}'?")
            + $" The file's columns: {ListNames(existing)}."
            + (claimsGiven ? " It is not a category of the claims file either." : "")
            + " Add the column, or rename it in the file or in the contract.");

    public static Diagnostic RaggedRow(string file, long line, long dataRow, int expected, int found, Severity severity = Severity.Error) =>
        Make("VBC3007", severity, At(file, line, 1),
            $"Row {dataRow} has {found} {Plural(found, "field", "fields")} but the header has {expected}. "
            + "Check for a missing or extra comma; a value that holds a comma must be between double quotes, like \"1,234.56\".");

    public static Diagnostic UnclosedQuote(string file, long line, int column, long dataRow) =>
        Make("VBC3008", Severity.Error, At(file, line, column),
            $"{RowLabel(dataRow)}: a double quote opens a quoted value here and is never closed, so the rest of the file cannot be split into rows. "
            + "Add the closing quote, or write a quote inside a quoted value as two quotes (\"\").");

    public static Diagnostic BadQuote(string file, long line, int column, long dataRow, string columnName, Severity severity = Severity.Error) =>
        Make("VBC3009", severity, At(file, line, column),
            $"{Where(dataRow, columnName)}: a double quote is misplaced. A value that holds a quote must be quoted as a whole, with inner quotes doubled: "
            + "write \"say \"\"hi\"\"\" for say \"hi\"; nothing may follow the closing quote but a comma or the end of the line.");

    public static Diagnostic RowTooLong(string file, long line, long dataRow, int maxBytes) =>
        Make("VBC3010", Severity.Error, At(file, line, 1),
            $"{RowLabel(dataRow)} is longer than {maxBytes:N0} bytes, so reading stopped here. This usually means a double quote opened a value and was never closed: "
            + "check the quotes on this line. A real row that long is not supported: split its text values or leave them out of the file.");

    /// <param name="isNull">A null of a Parquet file, which is its empty cell.</param>
    public static Diagnostic EmptyValue(string file, long line, int column, long dataRow, string columnName, string typeName, string expected, Severity severity = Severity.Error, bool isNull = false) =>
        Make("VBC3011", severity, At(file, line, column),
            isNull
                ? $"{Where(dataRow, columnName)}: the value is null, but this {typeName} column needs a value; a null is never read as zero or no. Write {expected}."
                : $"{Where(dataRow, columnName)}: the value is empty, but this {typeName} column needs a value; an empty cell is never read as zero or no. "
                    + $"Write {expected}.");

    public static Diagnostic InvalidValue(string file, long line, int column, long dataRow, string columnName, string text, string typeName, string expected, Severity severity = Severity.Error) =>
        Make("VBC3012", severity, At(file, line, column),
            $"{Where(dataRow, columnName)}: {Quote(text)} is not a valid {typeName} value. Write {expected}.");

    public static Diagnostic TooManyDigits(string file, long line, int column, long dataRow, string columnName, string text, Severity severity = Severity.Error) =>
        Make("VBC3013", severity, At(file, line, column),
            $"{Where(dataRow, columnName)}: {Quote(text)} has more digits than can be held exactly (at most 28 significant digits and 28 decimals). "
            + "Round the value in the source data to the precision you mean.");

    public static Diagnostic AmbiguousPercent(string file, long line, int column, long dataRow, string columnName, string text, Severity severity = Severity.Error) =>
        Make("VBC3014", severity, At(file, line, column),
            $"{Where(dataRow, columnName)}: {Quote(text)} is ambiguous in a percent column: a plain number is read as a fraction (0.92 means 92%), "
            + $"and a fraction above 1 is almost always a percentage written without its sign. Write {Quote(text + "%")} if you mean {text} percent"
            + (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal v)
                ? $", or {Quote((v / 100m).ToString(CultureInfo.InvariantCulture))} if you mean the fraction."
                : ", or the fraction it stands for."));

    public static Diagnostic OutOfRange(string file, long line, int column, long dataRow, string columnName, string text, string typeName, string bounds, Severity severity = Severity.Error) =>
        Make("VBC3015", severity, At(file, line, column),
            $"{Where(dataRow, columnName)}: {Quote(text)} is outside the range of a {typeName} value, which must be {bounds}. Correct the value in the source data.");

    /// <param name="rowsOnly">A file without lines (Parquet): the first row is named by its data row only.</param>
    public static Diagnostic DuplicateId(string file, long line, int column, long dataRow, string columnName, string id, long firstLine, long firstDataRow, Severity severity = Severity.Error, bool rowsOnly = false) =>
        Make("VBC3016", severity, At(file, line, column),
            $"{Where(dataRow, columnName)}: the member id {Quote(id)} already appears {(rowsOnly ? $"in row {firstDataRow}" : $"on line {firstLine} (row {firstDataRow})")}. Each member must have exactly one row: "
            + "merge the two rows or remove one."
            + (severity == Severity.Error ? "" : " This row is left out; the first is kept unless it has problems of its own."));

    public static Diagnostic ColumnInBothSources(string file, long headerLine, string name, string claimsFile, long claims, decimal dollars) =>
        Make("VBC3017", Severity.Error, At(file, headerLine, 1),
            $"The money column '{name}' is in the member file and the claims file {Quote(claimsFile)} also has {claims:N0} {Plural(claims, "claim", "claims")} "
            + $"({Dollars(dollars)}) in the category '{name}'. Choose one source: remove the column from the member file, or the category from the claims file.");

    public static Diagnostic RowsExcluded(string file, long rows, decimal dollars, IReadOnlyList<string> moneyColumns, long rowsWithUnreadMoney = 0) =>
        Make("VBC3018", Severity.Warning, Location.OfFile(file),
            $"{rows:N0} {Plural(rows, "row was", "rows were")} left out because of problems in {Plural(rows, "it", "them")} (each listed with its line), carrying {Dollars(dollars)}"
            + (moneyColumns.Count == 0 ? " (the contract declares no money column)" : $" in the money columns that could be read ({ListNames(moneyColumns)})")
            + (rowsWithUnreadMoney == 0 ? "" : $"; {rowsWithUnreadMoney:N0} of them also {Plural(rowsWithUnreadMoney, "has", "have")} money that could not be read, so their dollars are unknown and not in that amount")
            + ". The statement lists each excluded row; fix them to count them.");

    public static Diagnostic UnknownClaimCategories(string file, long claims, decimal dollars, IReadOnlyList<(string Category, long Claims, decimal Dollars)> categories, IReadOnlyList<string> declared) =>
        Make("VBC3019", Severity.Warning, Location.OfFile(file),
            $"{claims:N0} {Plural(claims, "claim", "claims")} ({Dollars(dollars)}) {Plural(claims, "is", "are")} in categories the contract does not declare as money columns, so they are not counted: "
            + string.Join(", ", categories.Take(20).Select(c => $"'{c.Category}' ({c.Claims:N0}, {Dollars(c.Dollars)})"))
            + (categories.Count > 20 ? $" and {categories.Count - 20} more" : "")
            + $". Declared categories: {ListNames(declared)}. Declare the category in the contract if it should count, or check its spelling.");

    public static Diagnostic ClaimsForUnknownMembers(string claimsFile, int members, long claims, decimal dollars, string memberFile) =>
        Make("VBC3020", Severity.Warning, Location.OfFile(claimsFile),
            $"{claims:N0} {Plural(claims, "claim", "claims")} ({Dollars(dollars)}) for {members:N0} member {Plural(members, "id", "ids")} that {Plural(members, "has", "have")} no row in the member file {Quote(memberFile)}, so they are not counted. "
            + "Check that both files cover the same members and use the same ids.");

    public static Diagnostic TooManyRows(string file, long line, long dataRow) =>
        Make("VBC3021", Severity.Error, At(file, line, 1),
            $"Row {dataRow}: the file has more rows than the duplicate-id check can track (4,294,967,294). Split the file.");

    public static Diagnostic ClaimsNeedId(string file, long headerLine, IReadOnlyList<string> columns) =>
        Make("VBC3022", Severity.Error, At(file, headerLine, 1),
            $"The money {Plural(columns.Count, "column", "columns")} {ListNames(columns)} would come from the claims file, but claims can only be matched to members "
            + "through the member id column, and the member file has no member id column to match them by. Add the member id column (the contract's column of type id) to the member file, or put the money columns in the member file.");

    public static Diagnostic SumTooLarge(string file, long line, string columnName) =>
        Make("VBC3023", Severity.Error, At(file, line, 1),
            $"The claim on line {line}, column '{columnName}': adding this amount makes a total too large to hold exactly (beyond 79,228,162,514,264,337,593,543,950,335). "
            + "Check the amounts in the file for a misplaced decimal point.");

    public static Diagnostic CrLineEnds(string file, long line, int column) =>
        Make("VBC3024", Severity.Error, At(file, line, column),
            "The lines of this file end with a carriage return alone (CR, as some old Mac programs write), so the whole file reads as one line. "
            + "Save it again with ordinary line ends (LF or CR LF; in Excel choose 'CSV UTF-8'), or convert it with: tr '\\r' '\\n' < old.csv > new.csv.");

    public static Diagnostic OrganisationTwice(string file, long line, int column, string organisation, string? year, long firstLine) =>
        Make("VBC3025", Severity.Error, At(file, line, column),
            $"The organisation {Quote(organisation)} appears on line {firstLine} and again on line {line}"
            + (year is null ? "" : $" for the same performance year {Quote(year)}")
            + ", so it would be settled twice. Keep one row for it (merge the two rows or remove one)"
            + (year is null ? ", or add a performance_year column if the rows are for different years." : "."));

    /// <param name="line">The line of the organisation's first row; 0 for a database table, which has no lines (the table is named instead).</param>
    public static Diagnostic OrganisationNotListed(string file, long line, string column, string organisation, long rows, decimal? dollars, string inputsFile) =>
        Make("VBC3026", Severity.Warning, line > 0 ? At(file, line, 1) : Location.OfFile(file),
            $"{rows:N0} {Plural(rows, "row", "rows")}{(dollars is { } d ? $" ({Dollars(d)})" : "")} of {(line > 0 ? "the member file, from this line on," : file)} {Plural(rows, "has", "have")} {column} {Quote(organisation)}, "
            + $"which has no row in the inputs file {Quote(inputsFile)}: {Plural(rows, "it is", "they are")} not settled for any organisation. Add a row for {Quote(organisation)} to the inputs file, or check how the two files spell it.");

    public static Diagnostic MoreOrganisationsNotListed(string file, long line, int organisations, long rows, decimal? dollars, string inputsFile) =>
        Make("VBC3027", Severity.Warning, line > 0 ? At(file, line, 1) : Location.OfFile(file),
            $"{organisations:N0} more organisations of {(line > 0 ? "the member file" : file)} ({rows:N0} rows{(dollars is { } d ? $", {Dollars(d)}" : "")}) have no row in the inputs file {Quote(inputsFile)} and are not settled; only the first 20 are listed. "
            + "Many such organisations usually mean the organisation column or the inputs file is the wrong one.");

    // ---------------------------------------------------------------------------------------------------------
    // Parquet files (VBC3070-VBC3089). A Parquet file has no lines: a value's position is its data row and the
    // 1-based number of its column in the file's schema; a problem with a whole column names the file only.

    public static Diagnostic FloatingPointMoney(string file, int columnNumber, string name, string stored) =>
        Make("VBC3070", Severity.Error, At(file, 0, columnNumber),
            $"The money column '{name}' is stored as {stored} (binary floating point), which cannot hold most amounts in cents exactly, so vbc does not read it. "
            + $"Write the column as DECIMAL (for example DECIMAL(18,2); precision up to 28), or as whole cents in an integer column named '{name}_cents'.");

    public static Diagnostic WrongParquetType(string file, int columnNumber, string name, string stored, string typeName, string accepted) =>
        Make("VBC3071", Severity.Error, At(file, 0, columnNumber),
            $"The column '{name}' is stored as {stored}, which cannot hold a {typeName} value. Write it as {accepted}.");

    public static Diagnostic DecimalTooPrecise(string file, int columnNumber, string name, int precision, int scale) =>
        Make("VBC3072", Severity.Error, At(file, 0, columnNumber),
            $"The column '{name}' is DECIMAL({precision},{scale}): a precision above 28 digits cannot be held exactly in vbc's decimals. "
            + "Cast the column to DECIMAL(28, scale) or less where it is written (DuckDB: CAST(x AS DECIMAL(18,2)); pyarrow: pa.decimal128(18, 2)).");

    public static Diagnostic MoneyWithoutUnit(string file, int columnNumber, string name, string stored) =>
        Make("VBC3073", Severity.Error, At(file, 0, columnNumber),
            $"The money column '{name}' is stored as whole numbers ({stored}), which does not say whether they are dollars or cents. "
            + $"If they are cents, name the column '{name}_cents'; if they are dollars, write the column as DECIMAL (for example DECIMAL(18,2)).");

    public static Diagnostic CentsAndDollars(string file, int columnNumber, string name, string centsName) =>
        Make("VBC3074", Severity.Error, At(file, 0, columnNumber),
            $"The file has both '{name}' and '{centsName}' (the same money in cents), so the contract's column '{name}' has two sources. Keep one of them.");

    public static Diagnostic NotParquet(string file, string reason) =>
        Make("VBC3075", Severity.Error, Location.OfFile(file),
            $"The file starts as a Parquet file does (the bytes 'PAR1') but cannot be read as one: {reason.TrimEnd('.')}. "
            + "It may be cut short or damaged: write it again, or give the data as CSV.");

    public static Diagnostic ParquetWithClaims(string file, string claimsFile) =>
        Make("VBC3076", Severity.Error, Location.OfFile(file),
            $"The member file is a Parquet file and a claims file ({Quote(claimsFile)}) is given too: claims fill in money columns of CSV member files only. "
            + "Put the money columns in the Parquet file, or give the member data as CSV.");

    // ---------------------------------------------------------------------------------------------------------
    // Shared wording.

    private static string Where(long dataRow, string columnName) =>
        dataRow == 0 ? $"The header, column {columnName}" : $"Row {dataRow}, column '{columnName}'";

    private static string RowLabel(long dataRow) => dataRow == 0 ? "The header row" : $"Row {dataRow}";

    private static string Plural(long n, string one, string many) => n == 1 ? one : many;

    internal static string ListNames(IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return "(none)";
        }
        const int shown = 40;
        string list = string.Join(", ", names.Take(shown).Select(n => $"'{n}'"));
        return names.Count > shown ? $"{list} and {names.Count - shown} more" : list;
    }

    /// <summary>A value from the file, quoted, shortened and with control characters made visible.</summary>
    internal static string Quote(string text)
    {
        const int max = 60;
        var sb = new StringBuilder(Math.Min(text.Length, max) + 8);
        sb.Append('\'');
        int count = 0;
        foreach (char c in text)
        {
            if (count++ >= max)
            {
                sb.Append("...");
                break;
            }
            if (char.IsControl(c))
            {
                sb.Append($"\\u{(int)c:X4}");
            }
            else
            {
                sb.Append(c);
            }
        }
        sb.Append('\'');
        return sb.ToString();
    }

    /// <summary>Dollars with thousands separators and at least two decimals, never rounded: -$1,234.5678.</summary>
    public static string Dollars(decimal amount)
    {
        string digits = Math.Abs(amount).ToString("#,##0.00##########################", CultureInfo.InvariantCulture);
        return amount < 0 ? "-$" + digits : "$" + digits;
    }
}
