using Vbc.Diagnostics;
using Vbc.Semantics;

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
/// rounded payment of a component line.
/// </summary>
public sealed record StatementLine(
    string Id,
    string Clause,
    string Label,
    LineKind Kind,
    decimal? Value,
    string? Unit,
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

/// <summary>An input value as the run used it.</summary>
public sealed record InputValue(string Name, string Type, string Value);

/// <summary>A row of the data left out of the settlement because it could not be read or computed.</summary>
public sealed record ExcludedRow(long Line, long DataRow, string? MemberId, string Problem, decimal Dollars)
{
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
    IReadOnlyList<ClaimsNote>? ClaimsNotes = null);

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
    public IEnumerable<StatementLine> Components => Lines.Where(l => l.Kind == LineKind.Component);
}

/// <summary>The rounding the domain states: payment lines to cents, half away from zero.</summary>
public static class Rounding
{
    public static decimal ToCents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero);
}
