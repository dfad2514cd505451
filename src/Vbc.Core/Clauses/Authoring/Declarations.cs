using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.Authoring;

/// <summary>The author API's version: part of a compiled plug-in's cache key, raised whenever this surface changes.</summary>
public static class AuthorApi
{
    public const string Version = "2";
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
}

/// <summary>A setting a plug-in declared once: its key, unit and checks. The clause reads its value with it, typed.</summary>
public abstract class SettingDeclaration
{
    private protected SettingDeclaration(ParameterSpec spec) => Spec = spec;

    /// <summary>The key written in the contract: <c>attachment point</c>.</summary>
    public string Key => Spec.Key;

    public bool Required => Spec.Required;

    internal ParameterSpec Spec { get; }
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

/// <summary>A sum over the population of a per-member setting, computed by the member-level stage and read while settling.</summary>
public sealed class MemberSum
{
    internal MemberSum(string key, MemberSetting of, string description)
    {
        Key = key;
        Of = of;
        Description = description;
    }

    internal string Key { get; }

    public MemberSetting Of { get; }

    public string Description { get; }
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
        _ => ValueType.Number,
    };

    public static TypeExpectation ExpectationOf(Unit unit) => unit switch
    {
        Unit.Money => TypeExpectation.Money,
        Unit.Percent => TypeExpectation.Percent,
        Unit.Count => TypeExpectation.Count,
        Unit.Pmpm => TypeExpectation.Pmpm,
        _ => TypeExpectation.Number,
    };

    public static string Show(decimal value, Unit unit) => Display.Format(value, TypeOf(unit));
}
