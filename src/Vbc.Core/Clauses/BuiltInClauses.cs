using Vbc.Clauses.BuiltIn;

namespace Vbc.Clauses;

/// <summary>The clause kinds every contract can use.</summary>
public static class BuiltInClauses
{
    public static IReadOnlyList<IClauseKind> All { get; } = new IClauseKind[]
    {
        new ContractClause(),
        new LevelClause(),
        new PopulationClause(),
        new CostClause(),
        new BenchmarkClause(),
        new QualityClause(),
        new MeasureClause(),
        new SharedSavingsClause(),
        new SharedLossesClause(),
        new CorridorClause(),
        new WithholdClause(),
        new CapitationClause(),
        new StopLossClause(),
        new BundleClause(),
        new BonusClause(),
    };
}
