namespace Vbc.Semantics;

/// <summary>What kind of value an expression has.</summary>
public enum ValueKind
{
    Number,
    Flag,
    Text,
    Date,
    /// <summary>A percentile rank written as <c>99th percentile</c>; only meaningful where a clause accepts it.</summary>
    Percentile,
    /// <summary>The expression had an error already reported; checks on it are skipped to avoid repeated messages.</summary>
    Error,
}

/// <summary>
/// How a number is meant and shown. The dimension (<see cref="Dimension"/>) decides what may be added or compared;
/// the flavour only decides how a value is written in messages and statements (50% vs 0.5).
/// </summary>
public enum NumberFlavor
{
    Plain,
    Percent,
    Ratio,
    Count,
    Year,
    Money,
    Pmpm,
    MemberMonths,
}

/// <summary>
/// The physical dimension of a number: the power of dollars and the power of member-months.
/// money = $^1, PMPM = $^1 mm^-1, member months = mm^1, percent/ratio/count = dimensionless.
/// Multiplying adds powers, dividing subtracts them: PMPM x member months = money follows from the rule.
/// </summary>
public readonly record struct Dimension(int Money, int MemberMonths)
{
    public static readonly Dimension None = new(0, 0);
    public static readonly Dimension Dollars = new(1, 0);
    public static readonly Dimension Months = new(0, 1);
    public static readonly Dimension PerMemberMonth = new(1, -1);

    public bool IsNone => Money == 0 && MemberMonths == 0;

    /// <summary>The dimensions a contract can mean: anything else (dollars squared) is reported as an error.</summary>
    public bool IsMeaningful => this == None || this == Dollars || this == Months || this == PerMemberMonth || this == new Dimension(0, -1);

    public Dimension Times(Dimension other) => new(Money + other.Money, MemberMonths + other.MemberMonths);

    public Dimension Over(Dimension other) => new(Money - other.Money, MemberMonths - other.MemberMonths);
}

/// <summary>The type of a value: its kind and, for numbers, its dimension and flavour.</summary>
public sealed record ValueType(ValueKind Kind, Dimension Dimension, NumberFlavor Flavor)
{
    public static readonly ValueType Error = new(ValueKind.Error, Dimension.None, NumberFlavor.Plain);
    public static readonly ValueType Flag = new(ValueKind.Flag, Dimension.None, NumberFlavor.Plain);
    public static readonly ValueType Text = new(ValueKind.Text, Dimension.None, NumberFlavor.Plain);
    public static readonly ValueType Date = new(ValueKind.Date, Dimension.None, NumberFlavor.Plain);
    public static readonly ValueType Percentile = new(ValueKind.Percentile, Dimension.None, NumberFlavor.Plain);
    public static readonly ValueType Number = new(ValueKind.Number, Dimension.None, NumberFlavor.Plain);
    public static readonly ValueType Percent = new(ValueKind.Number, Dimension.None, NumberFlavor.Percent);
    public static readonly ValueType Ratio = new(ValueKind.Number, Dimension.None, NumberFlavor.Ratio);
    public static readonly ValueType Count = new(ValueKind.Number, Dimension.None, NumberFlavor.Count);
    public static readonly ValueType Year = new(ValueKind.Number, Dimension.None, NumberFlavor.Year);
    public static readonly ValueType Money = new(ValueKind.Number, Dimension.Dollars, NumberFlavor.Money);
    public static readonly ValueType Pmpm = new(ValueKind.Number, Dimension.PerMemberMonth, NumberFlavor.Pmpm);
    public static readonly ValueType MemberMonths = new(ValueKind.Number, Dimension.Months, NumberFlavor.MemberMonths);

    public bool IsError => Kind == ValueKind.Error;

    public bool IsNumber => Kind == ValueKind.Number;

    /// <summary>A number of the given dimension, with the flavour that dimension is usually shown in.</summary>
    public static ValueType OfDimension(Dimension dimension, NumberFlavor flavorIfNone = NumberFlavor.Plain)
    {
        if (dimension == Dimension.Dollars)
        {
            return Money;
        }
        if (dimension == Dimension.PerMemberMonth)
        {
            return Pmpm;
        }
        if (dimension == Dimension.Months)
        {
            return MemberMonths;
        }
        return new ValueType(ValueKind.Number, dimension, dimension.IsNone ? flavorIfNone : NumberFlavor.Plain);
    }

    /// <summary>How the type is named in messages and documentation.</summary>
    public string DisplayName => Kind switch
    {
        ValueKind.Flag => "yes/no",
        ValueKind.Text => "text",
        ValueKind.Date => "date",
        ValueKind.Percentile => "percentile",
        ValueKind.Error => "(error)",
        _ => Dimension switch
        {
            { Money: 1, MemberMonths: 0 } => "money",
            { Money: 1, MemberMonths: -1 } => "PMPM",
            { Money: 0, MemberMonths: 1 } => "member months",
            { IsNone: true } => Flavor switch
            {
                NumberFlavor.Percent => "percent",
                NumberFlavor.Ratio => "ratio",
                NumberFlavor.Count => "count",
                NumberFlavor.Year => "year",
                _ => "number",
            },
            _ => string.Join(" x ", new[] { Power("money", Dimension.Money), Power("member months", Dimension.MemberMonths) }.Where(p => p.Length > 0)),
        },
    };

    public override string ToString() => DisplayName;

    private static string Power(string unit, int power) => power switch
    {
        0 => "",
        1 => unit,
        2 => $"{unit} squared",
        -1 => $"per {unit}",
        _ => $"{unit}^{power}",
    };
}

/// <summary>The column and input types a contract may declare, by the word used in the contract.</summary>
public static class DeclaredTypes
{
    public static readonly IReadOnlyDictionary<string, ValueType> ByName = new Dictionary<string, ValueType>(StringComparer.OrdinalIgnoreCase)
    {
        ["money"] = ValueType.Money,
        ["pmpm"] = ValueType.Pmpm,
        ["percent"] = ValueType.Percent,
        ["ratio"] = ValueType.Ratio,
        ["number"] = ValueType.Number,
        ["count"] = ValueType.Count,
        ["year"] = ValueType.Year,
        ["member_months"] = ValueType.MemberMonths,
        ["flag"] = ValueType.Flag,
        ["text"] = ValueType.Text,
        ["id"] = ValueType.Text,
        ["date"] = ValueType.Date,
    };

    public static string NameOf(ValueType type)
    {
        foreach (var (name, t) in ByName)
        {
            if (t == type && name != "id")
            {
                return name;
            }
        }
        return type.DisplayName;
    }
}
