using Vbc.Diagnostics;
using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Settlement;

public enum LineKind
{
    /// <summary>A step of the arithmetic: an exact value with its formula.</summary>
    Step,
    /// <summary>A statement without a number: a test and its outcome, a choice the contract made.</summary>
    Note,
    /// <summary>A payment, signed payer-to-provider positive, rounded to cents; the total is their sum.</summary>
    Component,
}

/// <summary>
/// One line of a settlement statement: what it is, the clause it comes from and where that clause is written,
/// the formula with the actual numbers, and the value. <see cref="Value"/> is exact; <see cref="Amount"/> is the
/// rounded payment of a component line. <see cref="Unit"/> is the value's type (null for notes): every writer shows
/// the value with <see cref="Display"/> from it, so no writer maps unit names back to types.
/// </summary>
public sealed record StatementLine(
    string Id,
    string Clause,
    string Label,
    LineKind Kind,
    decimal? Value,
    ValueType? Unit,
    string Formula,
    Location? Source,
    decimal? Amount);

public sealed record ContractInfo(
    string Name,
    string? Payer,
    string? Provider,
    string? Version,
    DateOnly? PeriodStart,
    DateOnly? PeriodEnd);

/// <summary>
/// An input value as the run used it: exact (<see cref="Value"/>, typed by <see cref="Type"/>), with the type word
/// the contract declared (<c>percent</c>, <c>money</c>...). <see cref="Shown"/> is how statements display it.
/// </summary>
public sealed record InputValue(string Name, string DeclaredType, ValueType Type, Value? Value)
{
    /// <summary>How statements show it; an input the contract never uses may be left out (<see cref="Value"/> is null).</summary>
    public string Shown => Value is { } v ? Display.Format(v, Type) : "not given (never used)";
}

/// <summary>A row of the data left out of the settlement because it could not be read or computed.</summary>
public sealed record ExcludedRow(long Line, long DataRow, string? MemberId, string Problem, decimal Dollars)
{
    /// <summary>With several tables: the table the row is of (its <see cref="MemberId"/> is that table's id); null for the contract's one table.</summary>
    public string? Table { get; init; }

    /// <summary>With several tables: the file the row is in, as the statement names it; null for the contract's one data file.</summary>
    public string? File { get; init; }

    /// <summary>
    /// Where the row is, as statements write it: "line 12 (row 11, member M1)", or with several tables "episodes.csv
    /// line 12 (row 11, episodes id E7)"; a database table's row (line 0: a table has no lines) by its id alone: "member M1".
    /// </summary>
    public string Where => Line > 0
        ? $"{(File is null ? "" : File + " ")}line {Line} (row {DataRow}{(MemberId is null ? "" : Table is null ? ", member " + MemberId : $", {Table} id {MemberId}")})"
        : $"{(File is null ? "" : File + " ")}{(MemberId is null ? "a row without an id" : Table is null ? "member " + MemberId : $"{Table} id {MemberId}")}";

    /// <summary>Money columns of the row that could not be read: their dollars are unknown, so not in <see cref="Dollars"/>.</summary>
    public IReadOnlyList<string> UnreadMoney { get; init; } = Array.Empty<string>();

    /// <summary>The row's dollars as statements show them: never a $0.00 that hides money that could not be read.</summary>
    public string DollarsShown =>
        UnreadMoney.Count == 0 ? Display.Money(Dollars)
        : Dollars == 0 ? $"dollars unknown ({string.Join(", ", UnreadMoney)} unreadable)"
        : $"{Display.Money(Dollars)} + unknown dollars ({string.Join(", ", UnreadMoney)} unreadable)";
}

/// <summary>Claims that were read but not counted in any member's cost, and why (so dollars in equal dollars out).</summary>
public sealed record ClaimsNote(string Reason, long Claims, decimal Dollars);

/// <summary>The member-level data a statement was settled from.</summary>
public sealed record DataSource(
    string File,
    IReadOnlyList<string> IgnoredColumns,
    IReadOnlyList<ExcludedRow> ExcludedRows,
    string? ClaimsFile = null,
    IReadOnlyList<ClaimsNote>? ClaimsNotes = null)
{
    /// <summary>With several tables: each table's file, rows and dollars (File is then the table others join to).</summary>
    public IReadOnlyList<TableSource> Tables { get; init; } = Array.Empty<TableSource>();
}

/// <summary>
/// One table of a contract with several: its file, its rows read and their dollars (the money columns summed),
/// whether its dollars in equal its dollars out, and its rows whose join id is in no row of the table joined.
/// </summary>
public sealed record TableSource(string Table, string File, long Rows, decimal Dollars, bool Conserved, long UnmatchedRows, decimal UnmatchedDollars)
{
    /// <summary>False when the table declares no money column: its dollars are not measured, and never shown as $0.00.</summary>
    public bool MoneyMeasured { get; init; } = true;

    /// <summary>A table's dollars as statements show them.</summary>
    public string Shown(decimal dollars) => MoneyMeasured ? Display.Money(dollars) : "no money columns";
}

/// <summary>
/// The settlement of one contract for one performance year (and one organisation): every line, the population
/// and the dollars in and out, and the total (payer to provider positive).
/// </summary>
public sealed record Statement(
    ContractInfo Contract,
    string ContractFile,
    int PerformanceYear,
    string? Level,
    string? Organisation,
    IReadOnlyList<InputValue> Inputs,
    DataSource? Data,
    PopulationSummary? Population,
    IReadOnlyList<StatementLine> Lines,
    decimal Total)
{
    /// <summary>How to reproduce the statement: vbc's version, each input file with its SHA-256, the command. Null when not known (settled through the API).</summary>
    public Reproduction? Reproduce { get; init; }

    /// <summary>The plug-ins whose clauses the contract uses: name, version and the SHA-256 of each script's source.</summary>
    public IReadOnlyList<PluginPin> Plugins { get; init; } = Array.Empty<PluginPin>();

    public IEnumerable<StatementLine> Components => Lines.Where(l => l.Kind == LineKind.Component);
}

/// <summary>A file the settlement read, by its role (<c>contract</c>, <c>data</c>, <c>claims</c>, <c>inputs</c>), with the SHA-256 of its bytes (lower-case hex), or null when it could not be hashed (a pipe).</summary>
public sealed record InputFile(string Role, string Path, string? Sha256);

/// <summary>What someone needs to settle the same statement again and to check they hold the same files.</summary>
/// <summary>A plug-in a statement was settled with: its name in the contract, its clause keyword, its version and source hash.</summary>
public sealed record PluginPin(string Name, string Keyword, string Version, string Sha256);

public sealed record Reproduction(string VbcVersion, IReadOnlyList<InputFile> Files, string Command);

/// <summary>The rounding the domain states: payment lines to cents, half away from zero.</summary>
public static class Rounding
{
    public static decimal ToCents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);
}
