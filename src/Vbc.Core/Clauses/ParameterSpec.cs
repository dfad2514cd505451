using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses;

/// <summary>What a setting's value must look like.</summary>
public enum ParameterShape
{
    /// <summary>One expression: <c>rate: 50% * quality_score</c>.</summary>
    Expression,
    /// <summary>One or more expressions separated by commas: <c>categories: inpatient, outpatient</c>.</summary>
    List,
    /// <summary>One of a fixed set of words: <c>sharing: first dollar</c>.</summary>
    Option,
    /// <summary>A range: <c>period: 2024-01-01 to 2024-12-31</c>; a single value means a range of one.</summary>
    Range,
    /// <summary>A table of rows: <c>bands: { up to 25%: 100% ... }</c>.</summary>
    Table,
    /// <summary>An expression or a table: <c>minimum savings rate: 2%</c> or <c>... : by assigned { ... }</c>.</summary>
    ExpressionOrTable,
    /// <summary>Columns, each part of a column in scope: <c>carve out: transplant from inpatient, dialysis from outpatient</c>.</summary>
    CarveOuts,
}

/// <summary>Which types a setting accepts, with the words used for it in messages.</summary>
public sealed class TypeExpectation
{
    private readonly Func<ValueType, bool> _accepts;

    public TypeExpectation(string description, Func<ValueType, bool> accepts, bool columnsOnly = false, bool wholeNumber = false, bool nonNegative = false)
    {
        Description = description;
        _accepts = accepts;
        ColumnsOnly = columnsOnly;
        WholeNumber = wholeNumber;
        NonNegative = nonNegative;
    }

    /// <summary>Only whole numbers make sense (a year, a count of people): 2024.5 is an error, not a value to round.</summary>
    public bool WholeNumber { get; }

    /// <summary>An amount of money that cannot be negative: a setting of this type is 0 or more unless its spec says otherwise.</summary>
    public bool NonNegative { get; }

    /// <summary>"money", "a percent", "a money column": completes "expected ...".</summary>
    public string Description { get; }

    /// <summary>Only a column name is accepted (cost categories): not an expression.</summary>
    public bool ColumnsOnly { get; }

    public bool Accepts(ValueType type) => type.IsError || _accepts(type);

    private static bool Dimensionless(ValueType t) => t.IsNumber && t.Dimension.IsNone;

    public static readonly TypeExpectation Money = new("money (for example $1,000.00)", t => t.IsNumber && t.Dimension == Dimension.Dollars, nonNegative: true);
    public static readonly TypeExpectation Percent = new("a percent (for example 50%)", Dimensionless);
    public static readonly TypeExpectation Ratio = new("a ratio (for example 1.02)", Dimensionless);
    public static readonly TypeExpectation Count = new("a count (for example 5,000)", Dimensionless, wholeNumber: true);
    public static readonly TypeExpectation Year = new("a year (for example 2024)", Dimensionless, wholeNumber: true);
    public static readonly TypeExpectation Number = new("a number", Dimensionless);
    public static readonly TypeExpectation Pmpm = new("an amount per member per month (for example $450.00 PMPM)", t => t.IsNumber && t.Dimension == Dimension.PerMemberMonth, nonNegative: true);
    public static readonly TypeExpectation MoneyOrPmpm = new("money or an amount PMPM (for example $25,000 or $2.00 PMPM)",
        t => t.IsNumber && (t.Dimension == Dimension.Dollars || t.Dimension == Dimension.PerMemberMonth), nonNegative: true);
    public static readonly TypeExpectation MoneyOrPercentile = new("money or a percentile (for example $250,000 or 99th percentile)",
        t => (t.IsNumber && t.Dimension == Dimension.Dollars) || t.Kind == ValueKind.Percentile, nonNegative: true);
    public static readonly TypeExpectation Flag = new("a yes/no condition (for example risk_score > 0)", t => t.Kind == ValueKind.Flag);
    public static readonly TypeExpectation Text = new("text in double quotes", t => t.Kind == ValueKind.Text);
    public static readonly TypeExpectation Date = new("a date (for example 2024-01-01)", t => t.Kind == ValueKind.Date);
    public static readonly TypeExpectation TextOrNumber = new("text or a number", t => t.Kind == ValueKind.Text || t.IsNumber);
    public static readonly TypeExpectation MoneyColumn = new("a money column declared in 'data'", t => t.IsNumber && t.Dimension == Dimension.Dollars, columnsOnly: true);
    public static readonly TypeExpectation NumberColumn = new("a number column declared in 'data'", Dimensionless, columnsOnly: true);
    public static readonly TypeExpectation MoneyOrRate = new("money or a percent", t => t.IsNumber && (t.Dimension == Dimension.Dollars || t.Dimension.IsNone));
}

/// <summary>What a table setting accepts: the lookup expression, the row keys and the row results.</summary>
public sealed record TableSpec(
    TypeExpectation? By,
    EvaluationLevel ByLevel,
    bool ByRequired,
    TypeExpectation Keys,
    bool KeysAreRanges,
    TypeExpectation Results,
    bool ResultsMayInterpolate);

/// <summary>
/// One setting of a clause kind: its key, the shape and type of its value, whether it is per member or a total,
/// whether it is required, its allowed range, and the text that documents it. The binder checks contracts
/// against these specs; docs/language.md and editor completion read them.
/// </summary>
public sealed record ParameterSpec(
    string Key,
    ParameterShape Shape,
    TypeExpectation Type,
    string Doc,
    string Example,
    bool Required = false,
    EvaluationLevel Level = EvaluationLevel.Total,
    decimal? Min = null,
    decimal? Max = null,
    IReadOnlyList<string>? Options = null,
    TableSpec? Table = null,
    bool Repeatable = false,
    bool ReadsOwnOutputs = false,
    bool CompoundsByYear = false)
{
    // CompoundsByYear: a list item may be written 'rate per year from YEAR' (a benchmark's trend).

    // ReadsOwnOutputs: the setting is evaluated after its clause has computed its own values, and may use them
    // (a quality gate reads quality_composite). Any other setting that reads its clause's values is a circle.

    /// <summary>The lowest value allowed: as the spec says, or 0 for an amount of money (no setting takes a negative amount).</summary>
    public decimal? Min { get; init; } = Min ?? (Type.NonNegative ? 0m : null);

    /// <summary>
    /// The setting applies to the amount its clause has worked out (a bundle's quality adjustment), and may read the
    /// built-in <c>gain</c>: whether that amount is a gain to the provider. The clause says the amount before it
    /// evaluates the setting (<see cref="Settlement.ISettlement.OwnAmount"/>).
    /// </summary>
    public bool SeesOwnAmount { get; init; }

    /// <summary>A per-member setting (a condition on a row); otherwise a value computed once per settlement.</summary>
    public bool IsPerMember => Level == EvaluationLevel.Member;

    /// <summary>
    /// The party a higher value of this setting favours, when the settlement is monotonic in it whatever the data
    /// (a higher sharing rate never pays the provider less): <c>vbc diff</c> grades a change by it. Null when the
    /// effect depends on the data or on other settings; the diff then says "depends".
    /// </summary>
    public Party? HigherFavours { get; init; }

    /// <summary>
    /// The value an absent setting stands for (a minimum savings rate not written is 0%): writing it changes nothing, and
    /// adding or removing another value is graded against it. An option not written means the first of <see cref="Options"/>.
    /// </summary>
    public decimal? Default { get; init; }

    /// <summary>
    /// Written, the setting makes each member's cost (the cost clause's categories, which the clause plans as the
    /// member-level cost basis): a clause that needs each member's cost (a bundle without its own 'actual cost') may rely on it.
    /// </summary>
    public bool DefinesCostBasis { get; init; }

    /// <summary>An absent setting means no limit (a cap not written caps nothing): adding it lowers the limit from unlimited.</summary>
    public bool AbsentIsUnlimited { get; init; }
}

/// <summary>A side of a contract: the one who pays and the one who is paid.</summary>
public enum Party
{
    Provider,
    Payer,
}

/// <summary>A value a clause makes available to others by name.</summary>
public sealed record OutputSpec(string Name, ValueType Type, string Description);
