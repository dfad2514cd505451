using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;
using static Vbc.Clauses.BuiltIn.SettleHelpers;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.BuiltIn;

/// <summary>
/// <c>quality { measure a { ... } measure b { ... } gate: ... }</c>: measure rates from member-level numerators and
/// denominators, a composite score (weighted mean of the rates, or an expression), and a gate.
/// </summary>
public sealed class QualityClause : ClauseKind
{
    public const string CompositeName = "quality_composite";
    public const string GateName = "quality_gate_met";

    public override string Keyword => "quality";

    public override ClauseCapabilities Capabilities => ClauseCapabilities.SetsUp;

    public override string Summary =>
        "Quality measures (rate = sum of numerators / sum of denominators), their composite score (weighted mean of the rates unless written out) and a gate other clauses can test.";

    public override IReadOnlyList<string> ChildKinds { get; } = new[] { "measure" };

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec("composite", ParameterShape.Expression, TypeExpectation.Percent,
            "The composite quality score, written out from the measures' names. Without it, the composite is the mean of the measure rates weighted by their weights.",
            "(hba1c_control + breast_screening) / 2", Min: 0, Max: 1),
        new ParameterSpec("gate", ParameterShape.Expression, TypeExpectation.Flag,
            "The quality standard: a condition on measures or the composite. Other clauses read it as quality_gate_met (for example 'only if: quality_gate_met').",
            "quality_composite >= 30%", ReadsOwnOutputs: true),
    };

    public override IEnumerable<OutputSpec> DeclareOutputs(BlockSyntax block, string? name)
    {
        yield return new OutputSpec(CompositeName, ValueType.Percent, "The composite quality score.");
        if (HasKey(block, "gate"))
        {
            yield return new OutputSpec(GateName, ValueType.Flag, "Whether the quality gate is met.");
        }
    }

    public override void Check(BoundClause clause, ClauseCheckContext context)
    {
        if (!clause.Children.Any() && !clause.Has("composite"))
        {
            context.Report(BindingDiagnostics.SettingsConflict(context.Source, clause.Syntax.Header.Span,
                "'quality' needs measures ('measure name { numerator: ... denominator: ... }') or a 'composite'. For a quality score supplied from a report, declare it in 'inputs' instead."));
        }
    }

    public override void Settle(BoundClause clause, ISettlement settlement)
    {
        string id = IdOf(clause);
        var rates = new List<(BoundClause Measure, decimal Rate, decimal Weight)>();
        foreach (var measure in clause.Children)
        {
            var (rate, weight) = MeasureClause.SettleMeasure(measure, settlement);
            rates.Add((measure, rate, weight));
        }

        decimal composite;
        if (clause.Expression("composite") is { } expression)
        {
            composite = settlement.Number(clause, "composite", 0);
            settlement.Step(clause, id + ".composite", "Composite quality score", composite, ValueType.Percent, settlement.Explain(expression));
        }
        else
        {
            decimal weights = rates.Sum(r => r.Weight);
            composite = weights == 0 ? 0 : rates.Sum(r => r.Rate * r.Weight) / weights;
            string formula = rates.All(r => r.Weight == 1)
                ? $"mean of {rates.Count} measure rates = ({string.Join(" + ", rates.Select(r => Percent(r.Rate)))}) / {rates.Count}"
                : $"weighted mean = ({string.Join(" + ", rates.Select(r => $"{Percent(r.Rate)} x {Display.Trimmed(r.Weight, 4, 0, false)}"))}) / {Display.Trimmed(weights, 4, 0, false)}";
            settlement.Step(clause, id + ".composite", "Composite quality score", composite, ValueType.Percent, formula);
        }
        settlement.SetOutput(CompositeName, Value.Of(composite));

        if (clause.Expression("gate") is { } gate)
        {
            bool met = settlement.Evaluate(gate).Flag;
            settlement.Note(clause, id + ".gate", "Quality gate", $"{settlement.Explain(gate)}: {(met ? "met" : "NOT met")}");
            settlement.SetOutput(GateName, Value.Of(met));
        }
    }
}

/// <summary><c>measure name { numerator: ... denominator: ... weight: ... }</c> inside <c>quality</c>.</summary>
public sealed class MeasureClause : ClauseKind
{
    public override string Keyword => "measure";

    public override ClauseCapabilities Capabilities => ClauseCapabilities.SetsUp;

    public override string Summary => "A quality measure: its rate is the sum of its numerator over the population divided by the sum of its denominator.";

    public override ClauseNaming Naming => ClauseNaming.Name;

    public override bool TopLevel => false;

    public override bool AllowedInLevel => false;

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec("numerator", ParameterShape.Expression, TypeExpectation.Number,
            "Per member: how many times the member met the measure (a column, or a condition written as 'if ... then 1 else 0').", "hba1c_num",
            Required: true, Level: EvaluationLevel.Member),
        new ParameterSpec("denominator", ParameterShape.Expression, TypeExpectation.Number,
            "Per member: how many times the member was eligible for the measure.", "hba1c_den", Required: true, Level: EvaluationLevel.Member),
        new ParameterSpec("weight", ParameterShape.Expression, TypeExpectation.Number,
            "The measure's weight in the composite score (default 1).", "2", Min: 0),
    };

    public override IEnumerable<OutputSpec> DeclareOutputs(BlockSyntax block, string? name)
    {
        if (name is not null)
        {
            yield return new OutputSpec(name, ValueType.Percent, $"The rate of the measure {name}.");
        }
    }

    public override void PlanMembers(BoundClause clause, IMemberPlan plan)
    {
        if (clause.Expression("numerator") is { } n && clause.Expression("denominator") is { } d)
        {
            plan.Sum(clause, "numerator", n, $"{clause.Name} numerator");
            plan.Sum(clause, "denominator", d, $"{clause.Name} denominator");
        }
    }

    internal static (decimal Rate, decimal Weight) SettleMeasure(BoundClause measure, ISettlement settlement)
    {
        decimal numerator = settlement.Total(measure, "numerator");
        decimal denominator = settlement.Total(measure, "denominator");
        decimal weight = settlement.Number(measure, "weight", 1);
        if (denominator == 0)
        {
            settlement.Report(SettlementDiagnostics.EmptyMeasure(Location.In(settlement.Contract.Source, measure.Syntax.Header.Span), measure.Name!));
            return (0, weight);
        }
        decimal rate = numerator / denominator;
        settlement.Step(measure, IdOf(measure) + ".rate", $"Measure {measure.Name}", rate, ValueType.Percent,
            $"{Describe(measure, "numerator")} / {Describe(measure, "denominator")} = {Display.Trimmed(numerator, 4, 0, true)} / {Display.Trimmed(denominator, 4, 0, true)}");
        settlement.SetOutput(measure.Name!, Value.Of(rate));
        return (rate, weight);
    }

    private static string Describe(BoundClause measure, string key) =>
        measure.Expression(key)?.Syntax is NameSyntax n ? $"sum of {n.Name}" : $"sum of {key}";
}
