using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.Authoring;

/// <summary>The author API's version: part of a compiled plug-in's cache key, raised whenever this surface changes.</summary>
public static class AuthorApi
{
    public const string Version = "3";
}

/// <summary>The unit of a setting or a value a clause computes: how it is checked, shown and written on statements.</summary>
public enum Unit
{
    /// <summary>Dollars: $1,234.56.</summary>
    Money,
    /// <summary>A share: 12.5%.</summary>
    Percent,
    /// <summary>A plain number: 1.02.</summary>
    Number,
    /// <summary>A whole count: 5,000.</summary>
    Count,
    /// <summary>Dollars per member per month: $450.00 PMPM.</summary>
    Pmpm,
    /// <summary>Member months (a sum of a member_months column): 54,088.</summary>
    MemberMonths,
    /// <summary>A rank among benchmarks: 90th percentile (read as 90).</summary>
    Percentile,
}

/// <summary>A setting a plug-in declared once: its key, unit and checks. The clause reads its value with it, typed.</summary>
public abstract class SettingDeclaration
{
    private protected SettingDeclaration(ParameterSpec spec) => Spec = spec;

    /// <summary>The key written in the contract: <c>attachment point</c>.</summary>
    public string Key => Spec.Key;

    public bool Required => Spec.Required;

    // Settable for the modifiers a declaration may take in the constructor (WhenAbsent, UnlimitedWhenAbsent).
    internal ParameterSpec Spec { get; set; }

    /// <summary>The clause that declared it: modifiers are refused once its declarations are read.</summary>
    internal PluginClause? Owner { get; set; }
}

/// <summary>A setting whose value is one expression computed once per settlement (a total, an input, another clause's value).</summary>
public sealed class Setting<T> : SettingDeclaration
{
    internal Setting(ParameterSpec spec, Unit? unit) : base(spec) => Unit = unit;

    /// <summary>The unit of a number setting; null for a yes/no condition.</summary>
    public Unit? Unit { get; }
}

/// <summary>
/// A setting whose value is a per-member expression written in the contract's own language (<c>inpatient + outpatient</c>),
/// bound and type-checked by vbc. Plug-in code never sees member rows: it declares sums over them with
/// <see cref="PluginClause.SumOverMembers"/>, which the member-level stage computes.
/// </summary>
public sealed class MemberSetting : SettingDeclaration
{
    internal MemberSetting(ParameterSpec spec, Unit unit) : base(spec) => Unit = unit;

    public Unit Unit { get; }
}

/// <summary>A setting written as values separated by commas (<c>quarters: $15,000.00, $15,000.00, $15,000.00, $15,000.00</c>), read back as a list.</summary>
public sealed class ListSetting : SettingDeclaration
{
    internal ListSetting(ParameterSpec spec, Unit unit, int minItems, int maxItems) : base(spec)
    {
        Unit = unit;
        MinItems = minItems;
        MaxItems = maxItems;
    }

    /// <summary>The unit of every item.</summary>
    public Unit Unit { get; }

    public int MinItems { get; }

    public int MaxItems { get; }
}

/// <summary>
/// The order of a table's rows. For keys: the plug-in reads the rows sorted by key (lowest first for Ascending), whatever
/// order the contract writes them in, and no two rows may have the same key. For results: once the rows are in key order,
/// each result must be above (Ascending) or below (Descending) the one before it, else the contract is refused (VBC7020).
/// </summary>
public enum RowOrder
{
    /// <summary>Keys: rows as written. Results: any values.</summary>
    Any,
    /// <summary>Lowest first.</summary>
    Ascending,
    /// <summary>Highest first.</summary>
    Descending,
}

/// <summary>
/// A setting written as a table of rows, <c>key: result</c>, each column with its own unit, read back as rows in the order
/// written: <c>benchmarks: { 30th percentile: 52%  50th percentile: 60% ... }</c>.
/// </summary>
public sealed class TableSetting : SettingDeclaration
{
    internal TableSetting(ParameterSpec spec, Unit keys, Unit results, RowOrder keyOrder, RowOrder resultOrder, int minRows, int maxRows) : base(spec)
    {
        Keys = keys;
        Results = results;
        KeyOrder = keyOrder;
        ResultOrder = resultOrder;
        MinRows = minRows;
        MaxRows = maxRows;
    }

    /// <summary>The unit of each row's key (left of the colon).</summary>
    public Unit Keys { get; }

    /// <summary>The unit of each row's result (right of the colon).</summary>
    public Unit Results { get; }

    public RowOrder KeyOrder { get; }

    public RowOrder ResultOrder { get; }

    public int MinRows { get; }

    public int MaxRows { get; }
}

/// <summary>One row of a table setting, read back typed: its key and its result (a percentile is its rank, 90).</summary>
public sealed class TableRow
{
    internal TableRow(decimal key, decimal result)
    {
        Key = key;
        Result = result;
    }

    public decimal Key { get; }

    public decimal Result { get; }
}

/// <summary>
/// A sum over the population, computed by the member-level stage and read while settling: of a per-member setting
/// (<see cref="PluginClause.SumOverMembers(MemberSetting, string, int)"/>), of a per-member expression, over the members
/// where a condition holds, or a count of those members (<see cref="PluginClause.CountMembers"/>).
/// </summary>
public sealed class MemberSum
{
    internal MemberSum(string key, MemberSetting? of, PerMember expression, PerMember? where, Unit unit, string description, int line)
    {
        Key = key;
        Of = of;
        Expression = expression;
        Where = where;
        Unit = unit;
        Description = description;
        Line = line;
    }

    internal string Key { get; }

    /// <summary>The per-member setting summed, for a sum of a setting; null for a sum of an expression.</summary>
    public MemberSetting? Of { get; }

    /// <summary>What is summed for each member (1 for a count).</summary>
    public PerMember Expression { get; }

    /// <summary>The condition a member must meet to count in the sum; null for every member of the population.</summary>
    public PerMember? Where { get; }

    /// <summary>The unit of the sum.</summary>
    public Unit Unit { get; }

    public string Description { get; }

    /// <summary>The line of the script that declared it.</summary>
    internal int Line { get; }

    /// <summary>A count of members (<see cref="PluginClause.CountMembers"/>) rather than a sum.</summary>
    public bool IsCount { get; init; }

    /// <summary>What the sum is grouped by, for a sum by group (<see cref="PluginClause.SumOverMembersBy"/>); null for one sum over the population.</summary>
    public PerMember? By { get; internal init; }

    /// <summary>"sum over members of max(cost - attachment, $0.00) where cost > attachment", for formulas.</summary>
    public string Formula => (IsCount
        ? $"count of members{(Where is null ? "" : $" where {Where}")}"
        : $"sum over members of {Expression}{(Where is null ? "" : $" where {Where}")}") + (By is null ? "" : $", by {By}");
}

/// <summary>A value the clause computes and other clauses may use by name (<c>aggregate_stop_loss</c>).</summary>
public sealed class Output
{
    internal Output(string name, Unit unit, string description)
    {
        Name = name;
        Unit = unit;
        Description = description;
    }

    public string Name { get; }

    public Unit Unit { get; }

    public string Description { get; }
}

/// <summary>A value another clause computes that this clause reads while settling (<c>benchmark</c>), declared once.</summary>
public sealed class ValueRead
{
    internal ValueRead(string name, Unit unit, string description)
    {
        Name = name;
        Unit = unit;
        Description = description;
    }

    public string Name { get; }

    public Unit Unit { get; }

    public string Description { get; }
}

/// <summary>One of a plug-in's own diagnostics: its code (the plug-in's prefix and a number), what it means, how to fix it.</summary>
public sealed class PluginCode
{
    internal PluginCode(string code, bool isError, string title, string fix)
    {
        Code = code;
        IsError = isError;
        Title = title;
        Fix = fix;
    }

    /// <summary>"ASL001".</summary>
    public string Code { get; }

    public bool IsError { get; }

    public string Title { get; }

    public string Fix { get; }
}

internal static class Units
{
    public static ValueType TypeOf(Unit unit) => unit switch
    {
        Unit.Money => ValueType.Money,
        Unit.Percent => ValueType.Percent,
        Unit.Count => ValueType.Count,
        Unit.Pmpm => ValueType.Pmpm,
        Unit.MemberMonths => ValueType.MemberMonths,
        Unit.Percentile => ValueType.Percentile,
        _ => ValueType.Number,
    };

    public static TypeExpectation ExpectationOf(Unit unit) => unit switch
    {
        Unit.Money => TypeExpectation.Money,
        Unit.Percent => TypeExpectation.Percent,
        Unit.Count => TypeExpectation.Count,
        Unit.Pmpm => TypeExpectation.Pmpm,
        Unit.MemberMonths => MemberMonths,
        Unit.Percentile => Percentile,
        _ => TypeExpectation.Number,
    };

    public static string Show(decimal value, Unit unit) => Display.Format(value, TypeOf(unit));

    private static readonly TypeExpectation Percentile = new("a percentile (for example 90th percentile)", t => t.Kind == ValueKind.Percentile);

    private static readonly TypeExpectation MemberMonths = new("member months", t => t.IsNumber && t.Dimension == Dimension.Months);
}
