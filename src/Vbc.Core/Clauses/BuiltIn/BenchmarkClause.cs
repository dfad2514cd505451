using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;
using static Vbc.Clauses.BuiltIn.SettleHelpers;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.BuiltIn;

/// <summary>
/// <c>benchmark { base: ... trend: ... risk score: ... discount: ... }</c> or <c>benchmark { total: input }</c>:
/// the expected cost B the actual cost is measured against, and from it the savings G = B - A and rate r = G / B.
/// </summary>
public sealed class BenchmarkClause : ClauseKind
{
    public override string Keyword => "benchmark";

    public override ClauseCapabilities Capabilities => ClauseCapabilities.SetsUp;

    public override string Summary =>
        "The benchmark B: base PMPM x trend x risk ratio x (1 - discount) x member months, or a total given as an input. Defines savings G = B - A and the savings rate r = G / B.";

    public override IReadOnlyList<string> Requires { get; } = new[] { "cost" };

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec("base", ParameterShape.Expression, TypeExpectation.Pmpm,
            "The base cost per member per month, before trend, risk adjustment and discount.", "$1,020.00 PMPM", Min: 0),
        new ParameterSpec("trend", ParameterShape.List, TypeExpectation.Percent,
            "Trend rates applied to the base: each multiplies it by (1 + rate). Several rates compound. A rate written 'per year from YEAR' compounds once a year from that base year to the performance year.",
            "4.2%, 1.5%", Min: -1, Max: 10, CompoundsByYear: true),
        new ParameterSpec("risk score", ParameterShape.Expression, TypeExpectation.Ratio,
            "Each member's risk score; the population risk is its mean weighted by member months.", "risk_score", Level: EvaluationLevel.Member),
        new ParameterSpec("reference risk", ParameterShape.Expression, TypeExpectation.Ratio,
            "The risk score the base PMPM was set at: the risk ratio is population risk / reference risk.", "1.000", Min: 0),
        new ParameterSpec("risk ratio cap", ParameterShape.Expression, TypeExpectation.Percent,
            "The most the risk ratio may rise: it is capped at 1 + this (MSSP caps risk growth at 3%).", "3%", Min: 0, Max: 10),
        new ParameterSpec("risk ratio floor", ParameterShape.Expression, TypeExpectation.Percent,
            "The most the risk ratio may fall: it is at least 1 - this.", "3%", Min: 0, Max: 1),
        new ParameterSpec("discount", ParameterShape.Expression, TypeExpectation.Percent,
            "A discount taken off the benchmark: benchmark x (1 - discount).", "3%", Min: 0, Max: 1),
        new ParameterSpec("total", ParameterShape.Expression, TypeExpectation.Money,
            "The benchmark as a total, when the payer sets it (an input).", "benchmark_total", Min: 0),
    };

    public override IEnumerable<OutputSpec> DeclareOutputs(BlockSyntax block, string? name)
    {
        yield return new OutputSpec("benchmark", ValueType.Money, "The benchmark B in dollars.");
        yield return new OutputSpec("savings", ValueType.Money, "Gross savings G = B - A (negative when there are losses).");
        yield return new OutputSpec("savings_rate", ValueType.Percent, "The savings rate r = G / B (negative when there are losses).");
        if (HasKey(block, "base"))
        {
            yield return new OutputSpec("benchmark_pmpm", ValueType.Pmpm, "The benchmark per member per month.");
        }
        if (HasKey(block, "risk score"))
        {
            yield return new OutputSpec("population_risk", ValueType.Ratio, "The population's risk score: mean of member risk scores weighted by member months.");
            yield return new OutputSpec("risk_ratio", ValueType.Ratio, "Population risk / reference risk, after any cap or floor.");
        }
    }

    public override IEnumerable<string> ReadsImplicitly(BoundClause clause)
    {
        yield return "actual";
        if (clause.Has("base"))
        {
            yield return WellKnownValues.TotalMemberMonths;
        }
    }

    public override void Check(BoundClause clause, ClauseCheckContext context)
    {
        var header = clause.Syntax.Header.Span;
        bool hasBase = clause.Has("base"), hasTotal = clause.Has("total");
        if (hasBase == hasTotal)
        {
            context.Report(BindingDiagnostics.SettingsConflict(context.Source, header, hasBase
                ? "'benchmark' takes either 'base' (a PMPM built up by trend and risk) or 'total' (a total given), not both."
                : "'benchmark' needs 'base' (for example base: $1,020.00 PMPM) or 'total' (for example total: benchmark_total)."));
        }
        if (hasTotal)
        {
            foreach (var key in new[] { "trend", "risk score", "reference risk", "risk ratio cap", "risk ratio floor", "discount" })
            {
                if (clause.Setting(key) is { } s)
                {
                    context.Report(BindingDiagnostics.SettingsConflict(context.Source, s.Syntax.Key.Span, $"'{key}' adjusts a base PMPM; with 'total' the benchmark is taken as given. Remove it, or use 'base'."));
                }
            }
        }
        if (clause.Has("risk score") != clause.Has("reference risk"))
        {
            context.Report(BindingDiagnostics.SettingsConflict(context.Source, header,
                "Risk adjustment needs both 'risk score' (the members' column) and 'reference risk' (the risk the base was set at)."));
        }
        foreach (var key in new[] { "risk ratio cap", "risk ratio floor" })
        {
            if (clause.Setting(key) is { } s && !clause.Has("risk score"))
            {
                context.Report(BindingDiagnostics.SettingsConflict(context.Source, s.Syntax.Key.Span, $"'{key}' limits the risk ratio, but there is no 'risk score'."));
            }
        }
        CheckBaseYears(clause, context);
        if (hasBase && !context.HasMemberMonths)
        {
            context.Report(BindingDiagnostics.NeedsMemberMonths(context.Source, header, "A benchmark built from a PMPM base"));
        }
    }

    /// <summary>
    /// A trend compounding from a base year after a year the contract settles has no factor for that year.
    /// </summary>
    private static void CheckBaseYears(BoundClause clause, ClauseCheckContext context)
    {
        if (clause.Setting("trend") is not BoundListSetting trend || trend.FromYears.All(y => y is null))
        {
            return;
        }
        if (LevelClause.YearsSettled(clause, context.Clauses) is not { Count: > 0 } settled)
        {
            return;
        }
        var e = (First: settled[0].Year, settled[0].Where);
        for (int i = 0; i < trend.Items.Count; i++)
        {
            if (trend.FromYear(i) is { } from && from > e.First)
            {
                var at = trend.Syntax.Values.OfType<PerYearSyntax>().FirstOrDefault(p => p.Rate.Span == trend.Items[i].Syntax.Span);
                context.Report(BindingDiagnostics.BaseYearAfterPerformanceYear(context.Source, at?.From.Span ?? trend.Items[i].Syntax.Span, from, e.First, e.Where));
            }
        }
    }

    private const string RiskMonths = "risk-months";

    public override void PlanMembers(BoundClause clause, IMemberPlan plan)
    {
        if (clause.Expression("risk score") is { } risk && plan.Contract.MonthsColumn is { } months)
        {
            var weighted = new BoundBinary(BinaryOperator.Multiply, risk, new BoundName(months, risk.Syntax),
                ValueType.MemberMonths, EvaluationLevel.Member, risk.Syntax);
            plan.Sum(clause, RiskMonths, weighted, "risk score x member months");
            // A risk score of 0 or below would make the benchmark 0 or negative, and the savings rate nonsense.
            plan.RequirePositive(risk, $"the risk score ({plan.Contract.Source.GetText(risk.Span)})");
        }
    }

    public override void Settle(BoundClause clause, ISettlement settlement)
    {
        string id = IdOf(clause);
        decimal a = settlement.OutputNumber("actual");
        decimal b;
        if (clause.Expression("total") is { } total)
        {
            b = settlement.Number(clause, "total", 0);
            settlement.Step(clause, id + ".total", "Benchmark (B)", b, ValueType.Money, $"B = {settlement.Explain(total)}");
        }
        else if (BuildUp(clause, settlement, id) is { } built)
        {
            b = built;
        }
        else
        {
            return; // reported: there is no benchmark to measure against
        }
        settlement.SetOutput("benchmark", Value.Of(b));

        decimal g = b - a;
        settlement.Step(clause, id + ".savings", "Gross savings (G)", g, ValueType.Money, $"G = B - A = {Money(b)} - {Money(a)}");
        settlement.SetOutput("savings", Value.Of(g));
        if (b <= 0)
        {
            // No savings rate exists: a rate over 100% (or of a negative benchmark) must never be printed as if fine.
            var where = clause.Expression("total") ?? clause.Expression("base");
            settlement.Report(SettlementDiagnostics.BenchmarkNotPositive(Location.In(settlement.Contract.Source, where?.Span ?? clause.Syntax.Header.Span),
                Money(b), where is null ? "B" : $"B from {settlement.Explain(where)}"));
            return;
        }
        decimal r = g / b;
        settlement.Step(clause, id + ".savings-rate", "Savings rate (r)", r, ValueType.Percent, $"r = G / B = {Money(g)} / {Money(b)}");
        settlement.SetOutput("savings_rate", Value.Of(r));
    }

    private decimal? BuildUp(BoundClause clause, ISettlement settlement, string id)
    {
        decimal basePmpm = settlement.Number(clause, "base", 0);
        settlement.Step(clause, id + ".base", "Base PMPM", basePmpm, ValueType.Pmpm, settlement.Explain(clause.Expression("base")!));
        decimal mm = settlement.OutputNumber("total_member_months");

        // Everything but the risk ratio: base x trend factors x (1 - discount).
        decimal factors = basePmpm;
        var shown = new List<string> { Show(basePmpm, ValueType.Pmpm) };
        var trends = clause.List("trend");
        if (trends.Count > 0)
        {
            decimal trend = 1m;
            var parts = new List<string>();
            var setting = (BoundListSetting)clause.Setting("trend")!;
            for (int i = 0; i < trends.Count; i++)
            {
                decimal rate = settlement.Evaluate(trends[i]).Number;
                if (setting.FromYear(i) is not { } from)
                {
                    trend *= 1 + rate;
                    parts.Add($"(1 + {Percent(rate)})");
                    continue;
                }
                // Compounded once a year from the base year: (1 + rate)^(year - base), multiplied out in decimal.
                int year = settlement.PerformanceYear, years = year - from;
                if (years < 0)
                {
                    // VBC2082 refuses this when checking; kept so that no caller of the engine gets a made-up factor.
                    settlement.Report(SettlementDiagnostics.EvaluationFailed(Location.In(settlement.Contract.Source, trends[i].Syntax.Span),
                        $"The trend compounds from {from}, but the performance year is {year}, before it: there is no factor for {year}."));
                    return null;
                }
                for (int n = 0; n < years; n++)
                {
                    trend *= 1 + rate;
                }
                parts.Add($"(1 + {Percent(rate)})^({year} - {from})");
            }
            settlement.Step(clause, id + ".trend", "Trend factor", trend, ValueType.Ratio, string.Join(" x ", parts));
            factors *= trend;
            shown.Add(Display.Trimmed(trend, 6, 1, false));
        }
        decimal? discount = settlement.OptionalNumber(clause, "discount");
        if (discount is { } d)
        {
            factors *= 1 - d;
        }

        // B = factors x risk ratio x M. With the risk ratio neither capped nor floored, that is
        // factors x sum(risk x months) / reference: M cancels, and dividing last keeps every digit (dividing by M
        // and multiplying by M again would cut the quotient at 28 digits and could move a half cent).
        decimal b = factors * mm;
        string how = "";
        if (clause.Expression("risk score") is not null)
        {
            decimal riskMonths = settlement.Total(clause, RiskMonths);
            decimal population = mm == 0 ? 0 : riskMonths / mm;
            settlement.Step(clause, id + ".population-risk", "Population risk score", population, ValueType.Ratio,
                $"sum(risk score x member months) / M = {Display.Trimmed(riskMonths, 4, 0, true)} / {Display.Trimmed(mm, 4, 0, true)}");
            settlement.SetOutput("population_risk", Value.Of(population));

            decimal reference = settlement.Number(clause, "reference risk", 1);
            if (reference == 0)
            {
                settlement.Report(SettlementDiagnostics.EvaluationFailed(Location.In(settlement.Contract.Source, clause.Expression("reference risk")!.Span),
                    "The reference risk is 0, so there is no risk ratio."));
                return 0;
            }
            decimal ratio = population / reference;
            string ratioFormula = $"{Display.Trimmed(population, 6, 1, false)} / {Display.Trimmed(reference, 6, 1, false)}";
            b = factors * riskMonths / reference;
            how = " (computed as base x factors x sum(risk score x member months) / reference risk, dividing last)";
            // Tested without dividing: ratio > 1 + cap exactly when sum(risk x months) > (1 + cap) x M x reference.
            if (settlement.OptionalNumber(clause, "risk ratio cap") is { } cap && riskMonths > (1 + cap) * mm * reference)
            {
                ratioFormula += $" = {Display.Trimmed(ratio, 6, 1, false)}, capped at 1 + {Percent(cap)}";
                ratio = 1 + cap;
                b = factors * ratio * mm;
                how = "";
            }
            if (settlement.OptionalNumber(clause, "risk ratio floor") is { } floor && riskMonths < (1 - floor) * mm * reference)
            {
                ratioFormula += $" = {Display.Trimmed(ratio, 6, 1, false)}, raised to 1 - {Percent(floor)}";
                ratio = 1 - floor;
                b = factors * ratio * mm;
                how = "";
            }
            settlement.Step(clause, id + ".risk-ratio", "Risk ratio", ratio, ValueType.Ratio, ratioFormula);
            settlement.SetOutput("risk_ratio", Value.Of(ratio));
            shown.Add(Display.Trimmed(ratio, 6, 1, false));
        }
        if (discount is { } shownDiscount)
        {
            shown.Add($"(1 - {Percent(shownDiscount)})");
        }

        decimal pmpm = mm == 0 ? 0 : b / mm;
        settlement.Step(clause, id + ".pmpm", "Benchmark PMPM", pmpm, ValueType.Pmpm, string.Join(" x ", shown));
        settlement.SetOutput("benchmark_pmpm", Value.Of(pmpm));
        settlement.Step(clause, id + ".total", "Benchmark (B)", b, ValueType.Money,
            $"B = benchmark PMPM x M = {Show(pmpm, ValueType.Pmpm)} x {Display.Trimmed(mm, 4, 0, true)}{how}");
        return b;
    }
}
