using Vbc.Clauses.Authoring;
using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;
using static Vbc.Clauses.BuiltIn.SettleHelpers;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.BuiltIn;

/// <summary>
/// <c>capitation { rate: $450.00 PMPM  services: ...  carve out: ...  stop loss { ... } }</c>: a fixed payment per
/// member per month for the services in scope. Covered cost and the surplus are reported; specific stop-loss pays
/// back a share of each member's covered cost above the attachment point.
/// </summary>
public sealed class CapitationClause : ClauseKind
{
    public override string Keyword => "capitation";

    public override string Summary =>
        "A fixed payment per member per month (global or for listed services), with carve-outs taken out of scope and optional specific stop-loss.";

    public override IReadOnlyList<string> ChildKinds { get; } = new[] { "stop loss" };

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec("rate", ParameterShape.Expression, TypeExpectation.Pmpm, "The capitation rate per member per month.", "$450.00 PMPM", Required: true, Min: 0)
        { HigherFavours = Party.Provider },
        new ParameterSpec("services", ParameterShape.List, TypeExpectation.MoneyColumn,
            "The services the capitation covers (money columns); their cost, less carve-outs, is the covered cost. Leave out for global capitation reported without covered cost.",
            "professional, outpatient, pharmacy", Level: EvaluationLevel.Member),
        new ParameterSpec("carve out", ParameterShape.CarveOuts, TypeExpectation.MoneyColumn,
            "Services excluded from the capitated scope, each written with the listed service it is part of ('dialysis from outpatient'): the payer keeps paying them separately. On every row a carve-out must lie between $0 and its service.",
            "specialty_rx from pharmacy, dialysis from outpatient", Level: EvaluationLevel.Member),
    };

    public override IEnumerable<OutputSpec> DeclareOutputs(BlockSyntax block, string? name)
    {
        yield return new OutputSpec("capitation", ValueType.Money, "The capitation payment: rate x member months.");
        if (HasKey(block, "services"))
        {
            yield return new OutputSpec("covered_cost", ValueType.Money, "The cost of the capitated services, less carve-outs.");
            yield return new OutputSpec("capitation_surplus", ValueType.Money, "Capitation payment less covered cost.");
        }
    }

    public override void Check(BoundClause clause, ClauseCheckContext context)
    {
        if (!context.HasMemberMonths)
        {
            context.Report(BindingDiagnostics.NeedsMemberMonths(context.Source, clause.Syntax.Header.Span, "Capitation"));
        }
        if (clause.Has("services") && context.Columns.Count == 0)
        {
            context.Report(BindingDiagnostics.NeedsMemberData(context.Source, clause.Setting("services")!.Syntax.Key.Span, "Capitation with 'services' (covered cost)"));
        }
        if (clause.Has("carve out") && !clause.Has("services"))
        {
            context.Report(BindingDiagnostics.SettingsConflict(context.Source, clause.Setting("carve out")!.Syntax.Key.Span,
                "Carve-outs are taken out of the listed services: add 'services'."));
        }
        if (clause.Has("services"))
        {
            CarveOuts.Check(clause, "services", context);
        }
        if (clause.Children.Count > 0 && !clause.Has("services"))
        {
            context.Report(BindingDiagnostics.SettingsConflict(context.Source, clause.Syntax.Header.Span,
                "Stop-loss applies to each member's covered cost: list the capitated 'services'."));
        }
    }

    // The payment is the rate times the population's member months (given as a total, from the cost clause).
    public override IEnumerable<string> ReadsImplicitly(BoundClause clause) => new[] { WellKnownValues.TotalMemberMonths };

    private static BoundExpression? CoveredCost(BoundClause clause) =>
        MemberExpressions.SumOfColumns(clause.List("services"), CarveOuts.Names(clause), clause.Setting("services")?.Syntax.Values[0] as ExpressionSyntax
            ?? new MissingExpressionSyntax(clause.Syntax.Header.Span));

    public override void PlanMembers(BoundClause clause, IMemberPlan plan)
    {
        if (CoveredCost(clause) is not { } covered)
        {
            return;
        }
        plan.Sum(clause, "covered", covered, "capitated services less carve-outs");
        plan.CheckCarveOuts(CarveOuts.Of(clause));
        foreach (var stopLoss in clause.Children)
        {
            if (stopLoss.Expression("attachment") is { } attachment)
            {
                plan.SumExcess(clause, "excess", covered, attachment, "covered cost above the attachment point");
            }
        }
    }

    public override void Settle(BoundClause clause, ISettlement settlement)
    {
        string id = IdOf(clause);
        decimal rate = settlement.Number(clause, "rate", 0);
        decimal months = MemberMonthsOf(settlement);
        decimal payment = rate * months;
        settlement.SetOutput("capitation", Value.Of(payment));
        settlement.Component(clause, id + ".payment", "Capitation", payment,
            $"rate x member months = {Show(rate, ValueType.Pmpm)} x {Display.Trimmed(months, 4, 0, true)}");

        if (!clause.Has("services"))
        {
            return;
        }
        decimal covered = settlement.Total(clause, "covered");
        settlement.Step(clause, id + ".covered", "Covered cost", covered, ValueType.Money,
            $"sum over members of {MemberExpressions.Describe(clause.List("services"), CarveOuts.Names(clause))}");
        settlement.SetOutput("covered_cost", Value.Of(covered));
        settlement.Step(clause, id + ".surplus", "Capitation surplus", payment - covered, ValueType.Money, $"{Money(payment)} - {Money(covered)} (reported, not paid)");
        settlement.SetOutput("capitation_surplus", Value.Of(payment - covered));

        foreach (var stopLoss in clause.Children)
        {
            decimal attachment = settlement.Number(stopLoss, "attachment", 0);
            decimal coinsurance = settlement.Number(stopLoss, "coinsurance", 0);
            decimal excess = settlement.Total(clause, "excess");
            settlement.Step(stopLoss, id + ".stop-loss.excess", "Covered cost above attachment", excess, ValueType.Money,
                $"sum over members of max(0, covered cost - {Money(attachment)})");
            decimal reimbursement = excess * coinsurance;
            settlement.Component(stopLoss, id + ".stop-loss", "Stop-loss reimbursement", reimbursement, $"{Money(excess)} x {Percent(coinsurance)}");
        }
    }
}

/// <summary><c>stop loss { attachment: $100,000  coinsurance: 80% }</c> inside <c>capitation</c>.</summary>
public sealed class StopLossClause : ClauseKind
{
    public override string Keyword => "stop loss";

    public override string Summary => "Specific stop-loss: the payer reimburses a share (coinsurance) of each member's covered cost above the attachment point.";

    public override bool TopLevel => false;

    public override bool AllowedInLevel => false;

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec("attachment", ParameterShape.Expression, TypeExpectation.Money, "The attachment point: covered cost per member above which stop-loss pays.", "$100,000", Required: true, Min: 0)
        { HigherFavours = Party.Payer },
        new ParameterSpec("coinsurance", ParameterShape.Expression, TypeExpectation.Percent, "The share of the cost above the attachment point the payer reimburses.", "80%", Required: true, Min: 0, Max: 1)
        { HigherFavours = Party.Provider },
    };
}

/// <summary>
/// <c>withhold { rate: 2%  of: capitation  returned: quality_composite }</c>: a share held back and returned by quality.
/// Written on the author API, as a plug-in would be.
/// </summary>
public sealed class WithholdClause : PluginClause
{
    private readonly Setting<decimal> _rate;
    private readonly Setting<decimal> _of;
    private readonly Setting<decimal> _returned;
    private readonly Output _held;
    private readonly Output _heldReturned;

    public WithholdClause()
    {
        _rate = PercentSetting("rate", "The share held back.", "2%", min: 0, max: 1, favours: Party.Payer);
        _of = MoneySetting("of", "The amount the withhold is taken from (capitation, the benchmark, ...).", "capitation", min: 0, favours: Party.Payer);
        _returned = PercentSetting("returned",
            "The share of the withhold returned, usually a quality score ('quality_composite', or 'if quality_gate_met then 100% else 0%').", "quality_composite",
            min: 0, max: 1, favours: Party.Provider);
        _held = MoneyOutput("withhold", "The amount held back.");
        _heldReturned = MoneyOutput("withhold_returned", "The amount of the withhold returned.");
    }

    public override string Keyword => "withhold";

    public override string Summary => "A share of a payment held back and returned in proportion to quality: held back = rate x amount; returned = held back x returned share.";

    public override string CodePrefix => "VBC";

    protected override void Settle(SettleContext s)
    {
        decimal rate = s.Get(_rate);
        decimal amount = s.Get(_of);
        decimal held = rate * amount;
        s.Set(_held, held);
        s.Component("held", "Withhold held back", -held, $"{SettleContext.Show(rate, Unit.Percent)} x {s.Explain(_of)}");
        decimal share = s.Get(_returned);
        s.Step("share", "Share returned", share, Unit.Percent, s.Explain(_returned));
        decimal returned = held * share;
        s.Set(_heldReturned, returned);
        s.Component("returned", "Withhold returned", returned, $"{SettleContext.Show(held, Unit.Money)} x {SettleContext.Show(share, Unit.Percent)}");
    }
}

/// <summary><c>bonus "Name" { when: ... amount: ... }</c>: pay-for-performance. Written on the author API, as a plug-in would be.</summary>
public sealed class BonusClause : PluginClause
{
    private readonly Setting<bool> _when;
    private readonly MoneyOrPmpmSetting _amount;

    public BonusClause()
    {
        _when = ConditionSetting("when", "The condition for the bonus, usually a measure meeting a threshold.", "hba1c_control >= 70%");
        _amount = MoneyOrPmpmSetting("amount", "The bonus: a lump sum, or an amount PMPM paid on the population's member months.", "$2.00 PMPM", min: 0,
            favours: Party.Provider);
    }

    public override string Keyword => "bonus";

    public override string Summary => "Pay-for-performance: an amount (lump sum, or PMPM x member months) paid when a condition on quality holds.";

    public override string CodePrefix => "VBC";

    public override bool Repeatable => true;

    // An amount PMPM is paid on the population's member months: MoneyOrPmpmSetting has vbc check that the contract has them.
    protected override void Settle(SettleContext s)
    {
        string label = s.Label is null ? "Bonus" : $"Bonus {s.Label}";
        bool met = s.Get(_when);
        s.Note("condition", "Condition", $"{s.Explain(_when)}: {(met ? "met" : "not met")}");
        var amount = s.Get(_amount);
        decimal paid = amount.Value;
        string formula = s.Explain(_amount);
        if (amount.IsPmpm)
        {
            decimal months = s.MemberMonths;
            formula = $"{SettleContext.Show(amount.Value, Unit.Pmpm)} x {SettleContext.Show(months, Unit.MemberMonths)}";
            paid *= months;
        }
        s.Component("amount", label, met ? paid : 0, met ? formula : "condition not met: nothing paid");
    }
}
