using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Data.Synthetic;

/// <summary>
/// The types of the generators' columns, for writing them as Parquet (<see cref="ParquetMemberWriter"/>). Columns of
/// 0 and 1 are whole numbers, not BOOLEAN, so that a contract may declare them as a flag or as a count, as it may
/// for the same CSV text.
/// </summary>
public static class GeneratedColumns
{
    public static IReadOnlyList<ColumnSpec> Members { get; } = MemberDataGenerator.Columns.Select(name => new ColumnSpec(name, name switch
    {
        "member_id" => ValueType.Text,
        "organisation_id" or "sex" => ValueType.Text,
        "member_months" => ValueType.MemberMonths,
        "risk_score" => ValueType.Ratio,
        "inpatient" or "outpatient" or "professional" or "pharmacy" or "snf" or "home_health" or "behavioral"
            or "transplant" or "dialysis" or "specialty_rx" => ValueType.Money,
        _ => ValueType.Count,
    }, name == "member_id")).ToList();

    public static IReadOnlyList<ColumnSpec> Episodes { get; } = EpisodeDataGenerator.Columns.Select(name => new ColumnSpec(name, name switch
    {
        "episode_id" or "member_id" or "organisation_id" or "episode_type" => ValueType.Text,
        "anchor_date" => ValueType.Date,
        "episode_cost" => ValueType.Money,
        _ => ValueType.Count,
    }, name == "episode_id")).ToList();
}
