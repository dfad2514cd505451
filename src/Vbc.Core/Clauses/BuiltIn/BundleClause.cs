using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;
using static Vbc.Clauses.BuiltIn.SettleHelpers;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.BuiltIn;

/// <summary>
/// <c>bundle "Name" { episode type: ...  target price: by episode_type { ... }  stop loss: ...  stop gain: ... }</c>:
/// bundled-payment reconciliation. Each row of the data is an episode; the reconciliation amount is the sum of
/// (target - actual), bounded by stop-gain and stop-loss as shares of the total target, then adjusted for quality.
/// </summary>
public sealed class BundleClause : ClauseKind
{
    private static readonly TableSpec TargetTable = new(
        By: TypeExpectation.Text, ByLevel: EvaluationLevel.Member, ByRequired: true,
        Keys: TypeExpectation.Text, KeysAreRanges: false,
        Results: TypeExpectation.Money, ResultsMayInterpolate: false);

    public override string Keyword => "bundle";

    public override string Summary =>
        "Bundled-payment reconciliation: per episode, target price - actual cost; summed, bounded by stop-loss and stop-gain (shares of the total target), then adjusted by quality.";

    public override bool Repeatable => true;

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec("episode type", ParameterShape.Expression, TypeExpectation.Text, "Each episode's type (a text column).", "episode_type",
            Required: true, Level: EvaluationLevel.Member),
        new ParameterSpec("target price", ParameterShape.ExpressionOrTable, TypeExpectation.Money,
            "Each episode's target price: a table by episode type ('by episode_type { \"LEJR\": $24,500 }') or a money column.",
            "by episode_type { \"LEJR\": $24,500.00 }", Required: true, Level: EvaluationLevel.Member, Min: 0, Table: TargetTable)
        { HigherFavours = Party.Provider },
        new ParameterSpec("actual cost", ParameterShape.Expression, TypeExpectation.Money,
            "Each episode's actual cost. Default: the cost from the 'cost' clause (categories less carve-outs, truncated).", "episode_cost", Level: EvaluationLevel.Member),
        new ParameterSpec("stop gain", ParameterShape.Expression, TypeExpectation.Percent,
            "The most the payer pays, as a share of the total target price.", "20%", Min: 0, Max: 1)
        { HigherFavours = Party.Provider, AbsentIsUnlimited = true },
        new ParameterSpec("stop loss", ParameterShape.Expression, TypeExpectation.Percent,
            "The most the provider repays, as a share of the total target price.", "20%", Min: 0, Max: 1)
        { HigherFavours = Party.Payer, AbsentIsUnlimited = true },
        new ParameterSpec("quality adjustment", ParameterShape.Expression, TypeExpectation.Percent,
            "A reduction of the reconciliation amount (paid or repaid) by quality, for example '10% * (100% - quality_score)'. It may read 'gain' (whether the amount is paid to the provider) to treat the two sides differently: 'if gain then 10% * (100% - quality_score) else 10% * quality_score'.",
            "10% * (100% - quality_score)", Min: 0, Max: 1) { SeesOwnAmount = true },
        new ParameterSpec(GainKey, ParameterShape.Expression, TypeExpectation.Percent,
            "A reduction of a positive reconciliation (the payer pays) by quality; BPCI Advanced: '10% * (100% - quality_score)', so poor quality earns less.", "10% * (100% - quality_score)", Min: 0, Max: 1)
        { HigherFavours = Party.Payer, Default = 0m },
        new ParameterSpec(LossKey, ParameterShape.Expression, TypeExpectation.Percent,
            "A reduction of a repayment (the provider repays) by quality; BPCI Advanced: '10% * quality_score', so good quality repays less.", "10% * quality_score", Min: 0, Max: 1)
        { HigherFavours = Party.Provider, Default = 0m },
    };

    private const string BothKey = "quality adjustment";
    private const string GainKey = "quality adjustment on gain";
    private const string LossKey = "quality adjustment on loss";

    public override void Check(BoundClause clause, ClauseCheckContext context)
    {
        if (clause.Has(BothKey))
        {
            // One adjustment for both directions, or one per direction: both at once would say two things for one side.
            foreach (var key in new[] { GainKey, LossKey })
            {
                if (clause.Setting(key) is { } s)
                {
                    context.Report(BindingDiagnostics.SettingsConflict(context.Source, s.Syntax.Key.Span,
                        $"'{BothKey}' already adjusts both a gain and a repayment. Remove '{key}', or replace '{BothKey}' with '{GainKey}' and '{LossKey}'."));
                }
            }
        }
        if (context.Columns.Count == 0)
        {
            context.Report(BindingDiagnostics.NeedsMemberData(context.Source, clause.Syntax.Header.Span, "A bundle"));
        }
        else if (!clause.Has("actual cost") && !context.Clauses.Any(c => c.Settings.Values.Any(s => s.Spec.DefinesCostBasis)))
        {
            // Without either, every episode would cost $0 and earn its whole target.
            context.Report(BindingDiagnostics.SettingsConflict(context.Source, clause.Syntax.Header.Span,
                "The bundle needs each episode's actual cost: add 'actual cost: <money column>', or a 'cost' clause with the categories in scope."));
        }
    }

    public override IReadOnlyList<string> Requires { get; } = Array.Empty<string>();

    public override void PlanMembers(BoundClause clause, IMemberPlan plan)
    {
        if (clause.Expression("episode type") is not { } type || clause.Expression("target price") is not { } target)
        {
            return;
        }
        plan.SumBy(clause, "target", type, target, "target price by episode type");
        if (clause.Expression("actual cost") is { } actual)
        {
            plan.SumBy(clause, "actual", type, actual, "actual cost by episode type");
        }
        else
        {
            plan.CostBy(clause, "actual", type, "counted cost by episode type");
        }
    }

    public override void Settle(BoundClause clause, ISettlement settlement)
    {
        string id = IdOf(clause);
        var targets = settlement.Groups(clause, "target").ToDictionary(g => g.Group, g => (g.Sum, g.Count));
        var actuals = settlement.Groups(clause, "actual").ToDictionary(g => g.Group, g => g.Sum);
        decimal totalTarget = 0, totalActual = 0;
        long episodes = 0;
        foreach (var (type, (target, count)) in targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            decimal actual = actuals.GetValueOrDefault(type);
            totalTarget += target;
            totalActual += actual;
            episodes += count;
            settlement.Step(clause, $"{id}.type.{type.ToLowerInvariant()}", $"Episodes {type}", target - actual, ValueType.Money,
                $"{count:#,##0} episodes: target {Money(target)} - actual {Money(actual)}");
        }
        settlement.Step(clause, id + ".target", "Total target price", totalTarget, ValueType.Money, $"{episodes:#,##0} episodes");
        settlement.Step(clause, id + ".actual", "Total actual cost", totalActual, ValueType.Money, $"{episodes:#,##0} episodes");
        decimal amount = totalTarget - totalActual;
        settlement.Step(clause, id + ".difference", "Target less actual", amount, ValueType.Money, $"{Money(totalTarget)} - {Money(totalActual)}");

        if (amount > 0 && settlement.OptionalNumber(clause, "stop gain") is { } gain && amount > gain * totalTarget)
        {
            settlement.Note(clause, id + ".stop-gain", "Stop-gain applied", $"{Money(amount)} is above {Percent(gain)} of the target ({Money(gain * totalTarget)})");
            amount = gain * totalTarget;
        }
        if (amount < 0 && settlement.OptionalNumber(clause, "stop loss") is { } loss && -amount > loss * totalTarget)
        {
            settlement.Note(clause, id + ".stop-loss", "Stop-loss applied", $"{Money(-amount)} owed is above {Percent(loss)} of the target ({Money(loss * totalTarget)})");
            amount = -loss * totalTarget;
        }
        string formula = "target less actual, within stop-loss and stop-gain";
        // A gain is adjusted by 'quality adjustment on gain', a repayment by 'quality adjustment on loss', either by
        // 'quality adjustment'; a side without its setting is not adjusted.
        string key = clause.Has(BothKey) ? BothKey : amount > 0 ? GainKey : LossKey;
        if ((key == BothKey || amount != 0) && clause.Expression(key) is { } adjustmentExpression)
        {
            settlement.OwnAmount(amount);
            decimal adjustment = settlement.Number(clause, key, 0);
            string label = key == BothKey ? "Quality adjustment" : amount > 0 ? "Quality adjustment of a gain" : "Quality adjustment of a repayment";
            settlement.Step(clause, id + ".quality", label, adjustment, ValueType.Percent, settlement.Explain(adjustmentExpression));
            formula = $"{Money(amount)} x (1 - {Percent(adjustment)})";
            amount *= 1 - adjustment;
        }
        settlement.Component(clause, id + ".reconciliation", clause.Label is null ? "Bundle reconciliation" : $"Reconciliation {clause.Label}", amount, formula);
    }
}
