using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;
using static Vbc.Clauses.BuiltIn.SettleHelpers;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.BuiltIn;

/// <summary>Settings shared by shared savings and shared losses: the minimum rate and first- or second-dollar sharing.</summary>
internal static class SharingSpecs
{
    public static readonly TableSpec ByPopulation = new(
        By: TypeExpectation.Count, ByLevel: EvaluationLevel.Total, ByRequired: true,
        Keys: TypeExpectation.Count, KeysAreRanges: true,
        Results: TypeExpectation.Percent, ResultsMayInterpolate: true);

    // A higher minimum savings rate shares savings less often (favours the payer); a higher minimum loss rate shares
    // losses less often (favours the provider).
    public static ParameterSpec MinimumRate(string key, string what) => new(key, ParameterShape.ExpressionOrTable, TypeExpectation.Percent,
        $"The {what} rate r must reach before anything is shared: a fixed rate, or a table by population size whose rows may fall linearly across a band ('5,000 to 5,999: 3.9% to 3.6%'). Default 0%.",
        "2%", Min: 0, Max: 1, Table: ByPopulation)
    {
        HigherFavours = what == "loss" ? Party.Provider : Party.Payer,
        Default = 0m,
    };

    public static readonly ParameterSpec Sharing = new("sharing", ParameterShape.Option, TypeExpectation.Text,
        "First dollar: once the minimum rate is met, all of it is shared. Second dollar: only the part beyond the minimum rate. Default first dollar.",
        "first dollar", Options: new[] { "first dollar", "second dollar" });

    /// <summary>
    /// The minimum rate test and the amount open to sharing, with their statement lines.
    /// Returns null when nothing is shared (the reason is written as a note).
    /// </summary>
    /// <param name="kindOfAmount">"savings" or "loss": names the rate ("loss rate") and the amount ("shareable losses").</param>
    public static decimal? Shareable(BoundClause clause, ISettlement settlement, string id, string minimumKey, string kindOfAmount,
        decimal amount, decimal rate, decimal benchmark, string outputName)
    {
        string amountName = kindOfAmount == "loss" ? "losses" : kindOfAmount;
        decimal minimum = settlement.Number(clause, minimumKey, 0);
        var minimumExpression = clause.Expression(minimumKey);
        string minimumLabel = char.ToUpperInvariant(minimumKey[0]) + minimumKey[1..];
        settlement.Step(clause, id + ".minimum-rate", minimumLabel, minimum, ValueType.Percent,
            minimumExpression is null ? "not set: 0%" : settlement.Explain(minimumExpression));
        settlement.SetOutput(outputName, Value.Of(minimum));

        // r >= minimum, tested as amount >= minimum x B: the same test without the digits a division would cut.
        if (amount < minimum * benchmark)
        {
            settlement.Note(clause, id + ".minimum-test", "Minimum rate test",
                $"{kindOfAmount} rate {Percent(rate)} is below the {minimumKey} {Percent(minimum)}: nothing is shared");
            return null;
        }
        bool secondDollar = clause.Option("sharing") == "second dollar";
        settlement.Note(clause, id + ".minimum-test", "Minimum rate test",
            $"{kindOfAmount} rate {Percent(rate)} >= {minimumKey} {Percent(minimum)}: {(secondDollar ? "second-dollar sharing (beyond the minimum)" : "first-dollar sharing (all of it)")}");
        if (!secondDollar)
        {
            settlement.Step(clause, id + ".shareable", $"Shareable {amountName}", amount, ValueType.Money, $"first dollar: all {Money(amount)}");
            return amount;
        }
        decimal shareable = amount - minimum * benchmark;
        settlement.Step(clause, id + ".shareable", $"Shareable {amountName}", shareable, ValueType.Money,
            $"second dollar: {Money(amount)} - {Percent(minimum)} x {Money(benchmark)}");
        return shareable;
    }
}

/// <summary>
/// <c>shared savings { minimum savings rate: ... sharing: ... rate: ... cap: ... }</c>: the provider's share of savings.
/// earned = min(shareable x rate x (1 - sequestration), cap); nothing when savings fall short of the minimum or a
/// condition fails.
/// </summary>
public sealed class SharedSavingsClause : ClauseKind
{
    public override string Keyword => "shared savings";

    public override string Summary =>
        "The provider's share of savings: earned = min(shareable savings x sharing rate x (1 - sequestration), cap), once the savings rate reaches the minimum savings rate.";

    public override IReadOnlyList<string> Requires { get; } = new[] { "benchmark" };

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        SharingSpecs.MinimumRate("minimum savings rate", "savings"),
        SharingSpecs.Sharing,
        new ParameterSpec("rate", ParameterShape.Expression, TypeExpectation.Percent,
            "The sharing rate: the provider's share of shareable savings. May be scaled by quality ('50% * quality_score').", "50%", Required: true, Min: 0, Max: 1)
        { HigherFavours = Party.Provider },
        new ParameterSpec("cap", ParameterShape.Expression, TypeExpectation.Money,
            "The most that can be earned, usually a share of the benchmark ('10% of benchmark').", "10% of benchmark", Min: 0)
        { HigherFavours = Party.Provider, AbsentIsUnlimited = true },
        new ParameterSpec("sequestration", ParameterShape.Expression, TypeExpectation.Percent,
            "A reduction applied to the payment before the cap (Medicare's 2% sequestration).", "2%", Min: 0, Max: 1)
        { HigherFavours = Party.Payer, Default = 0m },
        new ParameterSpec("only if", ParameterShape.Expression, TypeExpectation.Flag,
            "A condition for any savings to be paid, such as a quality gate; when it fails, savings are forfeited.", "quality_gate_met"),
    };

    public override IEnumerable<OutputSpec> DeclareOutputs(BlockSyntax block, string? name)
    {
        yield return new OutputSpec("shared_savings", ValueType.Money, "The shared savings earned by the provider.");
        yield return new OutputSpec("minimum_savings_rate", ValueType.Percent, "The minimum savings rate that applied.");
    }

    public override IEnumerable<string> ReadsImplicitly(BoundClause clause) => new[] { "benchmark", "savings", "savings_rate" };

    public override void Settle(BoundClause clause, ISettlement settlement)
    {
        string id = IdOf(clause);
        decimal g = settlement.OutputNumber("savings");
        decimal r = settlement.OutputNumber("savings_rate");
        decimal b = settlement.OutputNumber("benchmark");
        decimal earned = Earned(clause, settlement, id, g, r, b);
        settlement.SetOutput("shared_savings", Value.Of(earned));
        settlement.Component(clause, id + ".earned", "Shared savings", earned, earned == 0 ? "nothing earned" : $"{Money(earned)} earned by the provider");
    }

    private static decimal Earned(BoundClause clause, ISettlement settlement, string id, decimal g, decimal r, decimal b)
    {
        if (g <= 0)
        {
            settlement.Note(clause, id + ".no-savings", "Savings", $"G = {Money(g)}: there are no savings to share");
            settlement.SetOutput("minimum_savings_rate", Value.Of(settlement.Number(clause, "minimum savings rate", 0)));
            return 0;
        }
        var shareable = SharingSpecs.Shareable(clause, settlement, id, "minimum savings rate", "savings", g, r, b, "minimum_savings_rate");
        if (shareable is not { } s)
        {
            return 0;
        }
        if (clause.Expression("only if") is { } condition)
        {
            bool holds = settlement.Evaluate(condition).Flag;
            settlement.Note(clause, id + ".condition", "Condition", $"only if {settlement.Explain(condition)}: {(holds ? "met" : "NOT met, savings are forfeited")}");
            if (!holds)
            {
                return 0;
            }
        }

        decimal rate = settlement.Number(clause, "rate", 0);
        settlement.Step(clause, id + ".rate", "Sharing rate", rate, ValueType.Percent, settlement.Explain(clause.Expression("rate")!));
        decimal earned = s * rate;
        string formula = $"{Money(s)} x {Percent(rate)}";
        if (settlement.OptionalNumber(clause, "sequestration") is { } sequestration)
        {
            earned *= 1 - sequestration;
            formula += $" x (1 - {Percent(sequestration)})";
        }
        settlement.Step(clause, id + ".before-cap", "Earned before cap", earned, ValueType.Money, formula);

        if (clause.Expression("cap") is { } capExpression)
        {
            decimal cap = settlement.Number(clause, "cap", 0);
            settlement.Step(clause, id + ".cap", "Savings cap", cap, ValueType.Money, settlement.Explain(capExpression));
            if (earned > cap)
            {
                settlement.Note(clause, id + ".capped", "Cap applied", $"{Money(earned)} is above the cap: {Money(cap)} is paid");
                earned = cap;
            }
        }
        return earned;
    }
}

/// <summary>
/// <c>shared losses { minimum loss rate: ... rate: ... rate floor: ... rate ceiling: ... cap: ... }</c>: the provider's
/// share of losses in a two-sided contract. owed = min(shareable losses x loss rate, cap), less any reduction.
/// </summary>
public sealed class SharedLossesClause : ClauseKind
{
    public override string Keyword => "shared losses";

    public override string Summary =>
        "The provider's share of losses (two-sided risk): owed = min(shareable losses x loss rate, cap) less any reduction, once the loss rate reaches the minimum loss rate. Paid by the provider.";

    public override IReadOnlyList<string> Requires { get; } = new[] { "benchmark" };

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        SharingSpecs.MinimumRate("minimum loss rate", "loss"),
        SharingSpecs.Sharing,
        new ParameterSpec("rate", ParameterShape.Expression, TypeExpectation.Percent,
            "The loss rate: the provider's share of shareable losses. May be derived from quality ('1 - 75% * quality_score').", "30%", Required: true)
        { HigherFavours = Party.Payer },
        new ParameterSpec("rate floor", ParameterShape.Expression, TypeExpectation.Percent, "The lowest the loss rate may be.", "40%", Min: 0, Max: 1)
        { HigherFavours = Party.Payer },
        new ParameterSpec("rate ceiling", ParameterShape.Expression, TypeExpectation.Percent, "The highest the loss rate may be.", "75%", Min: 0, Max: 1)
        { HigherFavours = Party.Payer, AbsentIsUnlimited = true },
        new ParameterSpec("cap", ParameterShape.Expression, TypeExpectation.Money,
            "The most the provider can owe: a share of the benchmark, of revenue, or the lesser of the two.", "lesser of 8% of revenue and 4% of benchmark", Min: 0)
        { HigherFavours = Party.Payer, AbsentIsUnlimited = true },
        new ParameterSpec("reduction", ParameterShape.Expression, TypeExpectation.Money,
            "An amount taken off the losses owed after the cap (a disaster adjustment); owed never goes below zero.", "disaster_adjustment", Min: 0)
        { HigherFavours = Party.Provider, Default = 0m },
    };

    public override IEnumerable<OutputSpec> DeclareOutputs(BlockSyntax block, string? name)
    {
        yield return new OutputSpec("shared_losses", ValueType.Money, "The shared losses the provider owes (a positive amount).");
        yield return new OutputSpec("loss_rate", ValueType.Percent, "The loss rate that applied.");
        yield return new OutputSpec("minimum_loss_rate", ValueType.Percent, "The minimum loss rate that applied.");
    }

    public override IEnumerable<string> ReadsImplicitly(BoundClause clause) => new[] { "benchmark", "savings", "savings_rate" };

    public override void Check(BoundClause clause, ClauseCheckContext context)
    {
        if (ClauseCheckContext.Constant(clause.Expression("rate floor")) is { } floor
            && ClauseCheckContext.Constant(clause.Expression("rate ceiling")) is { } ceiling && floor > ceiling)
        {
            context.Report(BindingDiagnostics.OutOfRange(context.Source, clause.Expression("rate floor")!.Span, "The rate floor", Display.Percent(floor),
                $"at most the rate ceiling ({Display.Percent(ceiling)})"));
        }
        if (ClauseCheckContext.Constant(clause.Expression("rate")) is { } rate && (rate < 0 || rate > 1))
        {
            context.Report(BindingDiagnostics.OutOfRange(context.Source, clause.Expression("rate")!.Span, "'rate'", Display.Percent(rate), "between 0% and 100%"));
        }
    }

    public override void Settle(BoundClause clause, ISettlement settlement)
    {
        string id = IdOf(clause);
        decimal g = settlement.OutputNumber("savings");
        decimal r = settlement.OutputNumber("savings_rate");
        decimal b = settlement.OutputNumber("benchmark");
        decimal owed = Owed(clause, settlement, id, g, r, b);
        settlement.SetOutput("shared_losses", Value.Of(owed));
        settlement.Component(clause, id + ".owed", "Shared losses", -owed, owed == 0 ? "nothing owed" : $"{Money(owed)} owed by the provider");
    }

    private static decimal Owed(BoundClause clause, ISettlement settlement, string id, decimal g, decimal r, decimal b)
    {
        if (g >= 0)
        {
            settlement.Note(clause, id + ".no-losses", "Losses", $"G = {Money(g)}: there are no losses to share");
            settlement.SetOutput("minimum_loss_rate", Value.Of(settlement.Number(clause, "minimum loss rate", 0)));
            settlement.SetOutput("loss_rate", Value.Of(0m));
            return 0;
        }
        decimal losses = -g;
        var shareable = SharingSpecs.Shareable(clause, settlement, id, "minimum loss rate", "loss", losses, -r, b, "minimum_loss_rate");
        if (shareable is not { } s)
        {
            settlement.SetOutput("loss_rate", Value.Of(0m));
            return 0;
        }

        var rateExpression = clause.Expression("rate")!;
        decimal rate = settlement.Evaluate(rateExpression).Number;
        string formula = settlement.Explain(rateExpression);
        if (settlement.OptionalNumber(clause, "rate floor") is { } floor && rate < floor)
        {
            formula += $" = {Percent(rate)}, raised to the floor {Percent(floor)}";
            rate = floor;
        }
        if (settlement.OptionalNumber(clause, "rate ceiling") is { } ceiling && rate > ceiling)
        {
            formula += $" = {Percent(rate)}, lowered to the ceiling {Percent(ceiling)}";
            rate = ceiling;
        }
        if (rate < 0 || rate > 1)
        {
            settlement.Report(SettlementDiagnostics.OutOfRange(Location.In(settlement.Contract.Source, rateExpression.Span), $"The loss rate of {clause.Title}",
                Percent(rate), "between 0% and 100%"));
        }
        settlement.Step(clause, id + ".rate", "Loss rate", rate, ValueType.Percent, formula);
        settlement.SetOutput("loss_rate", Value.Of(rate));

        decimal owed = s * rate;
        settlement.Step(clause, id + ".before-cap", "Owed before cap", owed, ValueType.Money, $"{Money(s)} x {Percent(rate)}");
        if (clause.Expression("cap") is { } capExpression)
        {
            decimal cap = settlement.Number(clause, "cap", 0);
            settlement.Step(clause, id + ".cap", "Loss cap", cap, ValueType.Money, settlement.Explain(capExpression));
            if (owed > cap)
            {
                settlement.Note(clause, id + ".capped", "Cap applied", $"{Money(owed)} is above the cap: {Money(cap)} is owed");
                owed = cap;
            }
        }
        if (clause.Expression("reduction") is { } reductionExpression)
        {
            decimal reduction = settlement.Number(clause, "reduction", 0);
            decimal reduced = Math.Max(0, owed - reduction);
            settlement.Step(clause, id + ".reduction", "After reduction", reduced, ValueType.Money,
                $"max(0, {Money(owed)} - {settlement.Explain(reductionExpression)})");
            owed = reduced;
        }
        return owed;
    }
}
