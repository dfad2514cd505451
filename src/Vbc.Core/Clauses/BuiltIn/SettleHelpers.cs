using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.BuiltIn;

/// <summary>Reading a clause's settings while settling, with the range checks that could not be made on the text.</summary>
internal static partial class SettleHelpers
{
    public static decimal Number(this ISettlement settlement, BoundClause clause, string key, decimal fallback) =>
        settlement.OptionalNumber(clause, key) ?? fallback;

    public static decimal? OptionalNumber(this ISettlement settlement, BoundClause clause, string key)
    {
        var setting = clause.Setting(key);
        if (setting is not BoundExpressionSetting e)
        {
            return null;
        }
        decimal value = settlement.Evaluate(e.Expression).Number;
        var spec = setting.Spec;
        if (value < spec.Min || value > spec.Max)
        {
            settlement.Report(SettlementDiagnostics.OutOfRange(
                Location.In(settlement.Contract.Source, e.Expression.Span),
                $"'{key}' of {clause.Title}",
                Display.Format(value, e.Expression.Type),
                Display.Bounds(spec.Min, spec.Max, e.Expression.Type)));
        }
        return value;
    }

    public static bool? OptionalFlag(this ISettlement settlement, BoundClause clause, string key) =>
        clause.Expression(key) is { } e ? settlement.Evaluate(e).Flag : null;

    public static decimal OutputNumber(this ISettlement settlement, string name) => settlement.Output(name).Number;

    /// <summary>
    /// The population's member months: from the data, or the total the cost clause was given. A kind that calls this
    /// declares <see cref="WellKnownValues.TotalMemberMonths"/> among the values it reads, so that it settles after the cost clause.
    /// </summary>
    public static decimal MemberMonthsOf(ISettlement settlement) =>
        settlement.TryOutput(WellKnownValues.TotalMemberMonths, out var months) ? months.Number : settlement.Population?.MemberMonths ?? 0;

    /// <summary>"$1,234.00" / "3.5%": a value written the way its type is shown.</summary>
    public static string Show(decimal value, ValueType type) => Display.Format(value, type);

    public static string Money(decimal value) => Display.Money(value);

    public static string Percent(decimal value) => Display.Percent(value);

    // Generated at build time, as every settlement names its lines with it.
    [System.Text.RegularExpressions.GeneratedRegex("[^a-z0-9]+")]
    private static partial System.Text.RegularExpressions.Regex NotSlug();

    /// <summary>"shared-savings" / "corridor.reach-global": a stable id prefix for a clause's statement lines.</summary>
    public static string IdOf(BoundClause clause)
    {
        static string Slug(string s) => NotSlug().Replace(s.ToLowerInvariant(), "-").Trim('-');
        var id = Slug(clause.Kind.Keyword);
        if (clause.Name is not null)
        {
            id += "." + Slug(clause.Name);
        }
        else if (clause.Label is not null)
        {
            id += "." + Slug(clause.Label);
        }
        return id;
    }
}
