using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;
using static Vbc.Clauses.BuiltIn.SettleHelpers;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.BuiltIn;

/// <summary>
/// <c>corridor "Name" { basis: ... bands: { ... } party: ... }</c>: sharing in bands. The amount is the sum over bands
/// of (the part of the savings or losses inside the band) x (the band's share).
/// With basis "savings rate" the bands are measured on the size of r = G / B from 0% (and mirrored for losses unless
/// 'loss bands' are given); with basis "actual to target" they are measured on A / B around 100%.
/// </summary>
public sealed class CorridorClause : ClauseKind
{
    private static readonly TableSpec Bands = new(
        By: null, ByLevel: EvaluationLevel.Constant, ByRequired: false,
        Keys: TypeExpectation.Percent, KeysAreRanges: true,
        Results: TypeExpectation.Percent, ResultsMayInterpolate: false);

    public override string Keyword => "corridor";

    public override string Summary =>
        "Risk corridors: the savings (or losses) are cut into bands of the savings rate (or of actual to target), each band shared at its own rate; bands must be contiguous.";

    public override bool Repeatable => true;

    public override IReadOnlyList<string> Requires { get; } = new[] { "benchmark" };

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec("basis", ParameterShape.Option, TypeExpectation.Text,
            "What the bands measure: 'savings rate' (the size of G / B, from 0%) or 'actual to target' (A / B, around 100%). Default savings rate.",
            "savings rate", Options: new[] { "savings rate", "actual to target" }),
        new ParameterSpec("bands", ParameterShape.Table, TypeExpectation.Percent,
            "The bands and their shares, one per line: 'up to 25%: 100%', '25% to 35%: 50%', 'above 50%: 10%'. With basis 'savings rate' they apply to savings and, mirrored, to losses.",
            "{ up to 25%: 100% } (one band per line)", Required: true, Min: 0, Max: 1, Table: Bands),
        new ParameterSpec("loss bands", ParameterShape.Table, TypeExpectation.Percent,
            "Bands for losses when they differ from the savings bands (basis 'savings rate' only), measured on the size of the loss rate.",
            "{ up to 5%: 50% } (one band per line)", Min: 0, Max: 1, Table: Bands),
        new ParameterSpec("applies to", ParameterShape.Option, TypeExpectation.Text,
            "Whether the corridor shares savings, losses, or both. Default both.", "savings and losses",
            Options: new[] { "savings and losses", "savings", "losses" }),
        new ParameterSpec("party", ParameterShape.Option, TypeExpectation.Text,
            "Whose share the bands give. 'provider' (default): the provider keeps its share of savings and bears its share of losses (ACO REACH). 'payer': the payer bears its share of losses and takes its share of gains (ACA risk corridors).",
            "provider", Options: new[] { "provider", "payer" }),
    };

    public override IEnumerable<string> ReadsImplicitly(BoundClause clause) => new[] { "benchmark", "savings", "savings_rate", "actual" };

    private static bool ActualToTarget(BoundClause clause) => clause.Option("basis") == "actual to target";

    public override void Check(BoundClause clause, ClauseCheckContext context)
    {
        bool ratioBasis = ActualToTarget(clause);
        if (ratioBasis && clause.Setting("loss bands") is { } lossBands)
        {
            context.Report(BindingDiagnostics.SettingsConflict(context.Source, lossBands.Syntax.Key.Span,
                "With basis 'actual to target' the bands above 100% are the loss side: put them in 'bands' and remove 'loss bands'."));
        }
        foreach (var key in new[] { "bands", "loss bands" })
        {
            if (clause.Table(key) is { } table)
            {
                CheckBands(table, context, fromZero: !ratioBasis);
            }
        }
    }

    private static void CheckBands(BoundTable table, ClauseCheckContext context, bool fromZero)
    {
        var bands = new List<(BoundTableRow Row, decimal Low, decimal High)>();
        foreach (var row in table.Rows)
        {
            if (row.KeyRange is not { } range)
            {
                continue;
            }
            decimal? low = range.Low is null ? (fromZero ? 0m : decimal.MinValue) : ClauseCheckContext.Constant(range.Low);
            decimal? high = range.High is null ? decimal.MaxValue : ClauseCheckContext.Constant(range.High);
            if (low is null || high is null)
            {
                context.Report(BindingDiagnostics.TableProblem(context.Source, row.Span, "Band edges must be written as numbers in the contract."));
                return;
            }
            if (range.Form == RangeForm.Between && range.Low == range.High)
            {
                context.Report(BindingDiagnostics.TableProblem(context.Source, row.Span, "A band needs a range: 'up to 25%', '25% to 35%' or 'above 35%'."));
                return;
            }
            if (low > high)
            {
                context.Report(BindingDiagnostics.PeriodEndsBeforeStart(context.Source, row.Span, Display.Percent(low.Value), Display.Percent(high.Value), "band"));
                return;
            }
            if (fromZero && low < 0)
            {
                context.Report(BindingDiagnostics.TableProblem(context.Source, row.Span,
                    "With basis 'savings rate' bands measure the size of the savings or loss rate: write them from 0% upward (use 'loss bands' for losses)."));
                return;
            }
            bands.Add((row, low.Value, high.Value));
        }

        var ordered = bands.OrderBy(b => b.Low).ThenBy(b => b.High).ToList();
        if (fromZero && ordered.Count > 0 && ordered[0].Low > 0)
        {
            context.Report(BindingDiagnostics.BandGap(context.Source, ordered[0].Row.Span, "0%", Display.Percent(ordered[0].Low)));
        }
        for (int i = 1; i < ordered.Count; i++)
        {
            var (previous, current) = (ordered[i - 1], ordered[i]);
            if (current.Low > previous.High)
            {
                context.Report(BindingDiagnostics.BandGap(context.Source, current.Row.Span, Display.Percent(previous.High), Display.Percent(current.Low)));
            }
            else if (current.Low < previous.High)
            {
                context.Report(BindingDiagnostics.BandOverlap(context.Source, current.Row.Span, Display.Percent(current.Low), Display.Percent(Math.Min(previous.High, current.High))));
            }
        }
        if (!fromZero && ordered.Count > 0 && !ordered.Any(b => b.Low <= 1 && 1 <= b.High))
        {
            context.Report(BindingDiagnostics.TableProblem(context.Source, table.Syntax.Span,
                "With basis 'actual to target' the bands must reach 100% (actual equal to target), where the corridor starts."));
        }
    }

    public override void Settle(BoundClause clause, ISettlement settlement)
    {
        string id = IdOf(clause);
        decimal b = settlement.OutputNumber("benchmark");
        decimal g = settlement.OutputNumber("savings");
        decimal a = settlement.OutputNumber("actual");
        bool savings = g > 0;
        string appliesTo = clause.Option("applies to") ?? "savings and losses";
        bool payer = clause.Option("party") == "payer";

        if (g == 0 || (savings && appliesTo == "losses") || (!savings && appliesTo == "savings"))
        {
            settlement.Note(clause, id + ".none", "Corridor", g == 0 ? "no savings and no losses" : $"applies to {appliesTo} only: {(savings ? "savings" : "losses")} are not shared here");
            settlement.Component(clause, id + ".amount", $"Corridor{(clause.Label is null ? "" : " " + clause.Label)}", 0, "nothing shared");
            return;
        }

        var table = !savings && clause.Table("loss bands") is { } lossBands ? lossBands : clause.Table("bands")!;
        var rows = TableLookup.Prepare(table, settlement.Evaluate).Rows;
        bool ratio = ActualToTarget(clause);
        string basis = ratio ? "actual / target" : (savings ? "savings rate" : "loss rate");
        settlement.Step(clause, id + ".basis", ratio ? "Actual to target" : (savings ? "Savings rate" : "Loss rate"), ratio ? a / b : Math.Abs(g) / b,
            ValueType.Percent, ratio ? $"A / B = {Money(a)} / {Money(b)}" : $"|G| / B = {Money(Math.Abs(g))} / {Money(b)}");

        // The bands are cut in dollars, not in rates: a band edge times the benchmark is exact, where G / B is not
        // (dividing first would lose the last digits, and with them a half cent). The stretch to cut runs from the
        // neutral point (no savings; actual equal to target) to where this year ended.
        decimal from = ratio ? Math.Min(b, a) : 0m;
        decimal to = ratio ? Math.Max(b, a) : Math.Abs(g);
        decimal amount = 0;
        int n = 0;
        foreach (var row in rows)
        {
            decimal low = row.Low is { } l ? Math.Max(l * b, from) : from;
            decimal high = row.High is { } h ? Math.Min(h * b, to) : to;
            if (high <= low)
            {
                continue;
            }
            decimal share = row.Result!.Value.Number;
            decimal part = (high - low) * share;
            amount += part;
            n++;
            string What(decimal edge) => ratio ? $"{Percent(edge / b)} of B" : edge == Math.Abs(g) ? "|G|" : $"{Percent(edge / b)} of B";
            settlement.Step(clause, $"{id}.band{n}", $"Band {row.DescribeKey(Percent)}", part, ValueType.Money,
                $"({Money(high)} - {Money(low)}) x {Percent(share)}: the part from {(ratio && low == from ? (a < b ? "A" : "B") : What(low))} to {(ratio && high == to ? (a > b ? "A" : "B") : What(high))}");
        }

        // Provider party: savings paid to the provider, losses paid by it. Payer party: the reverse.
        decimal sign = (savings ? 1 : -1) * (payer ? -1 : 1);
        decimal payment = sign * amount;
        string who = payer
            ? (savings ? "the payer's share of gains, paid back by the provider" : "the payer's share of losses, paid to the provider")
            : (savings ? "the provider's share of savings" : "the provider's share of losses, paid by the provider");
        settlement.Component(clause, id + ".amount", $"Corridor{(clause.Label is null ? "" : " " + clause.Label)}", payment,
            $"sum of {n} band{(n == 1 ? "" : "s")} of the {basis} = {Money(amount)}: {who}");
    }
}
