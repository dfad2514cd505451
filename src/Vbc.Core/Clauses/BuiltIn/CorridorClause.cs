using Vbc.Clauses.Authoring;

namespace Vbc.Clauses.BuiltIn;

/// <summary>What corridor bands measure: the words of the <c>basis</c> option.</summary>
internal enum CorridorBasis
{
    SavingsRate,
    ActualToTarget,
}

/// <summary>The words of the <c>applies to</c> option.</summary>
internal enum CorridorAppliesTo
{
    SavingsAndLosses,
    Savings,
    Losses,
}

/// <summary>The words of the <c>party</c> option: whose share the bands give.</summary>
internal enum CorridorParty
{
    Provider,
    Payer,
}

/// <summary>
/// <c>corridor "Name" { basis: ... bands: { ... } party: ... }</c>: sharing in bands. The amount is the sum over bands
/// of (the part of the savings or losses inside the band) x (the band's share).
/// With basis "savings rate" the bands are measured on the size of r = G / B from 0% (and mirrored for losses unless
/// 'loss bands' are given); with basis "actual to target" they are measured on A / B around 100%.
/// Written on the author API, as a plug-in would be.
/// </summary>
public sealed class CorridorClause : PluginClause
{
    private readonly OptionSetting<CorridorBasis> _basis;
    private readonly BandsSetting _bands;
    private readonly BandsSetting _lossBands;
    private readonly OptionSetting<CorridorAppliesTo> _appliesTo;
    private readonly OptionSetting<CorridorParty> _party;
    private readonly ValueRead _benchmark;
    private readonly ValueRead _savings;
    private readonly ValueRead _actual;

    public CorridorClause()
    {
        _basis = OptionSetting<CorridorBasis>("basis",
            "What the bands measure: 'savings rate' (the size of G / B, from 0%) or 'actual to target' (A / B, around 100%). Default savings rate.");
        _bands = BandsSetting("bands",
            "The bands and their shares, one per line: 'up to 25%: 100%', '25% to 35%: 50%', 'above 50%: 10%'. With basis 'savings rate' they apply to savings and, mirrored, to losses.",
            "{ up to 25%: 100% } (one band per line)", keys: Unit.Percent, results: Unit.Percent, min: 0, max: 1);
        _lossBands = BandsSetting("loss bands",
            "Bands for losses when they differ from the savings bands (basis 'savings rate' only), measured on the size of the loss rate.",
            "{ up to 5%: 50% } (one band per line)", keys: Unit.Percent, results: Unit.Percent, required: false, min: 0, max: 1);
        _appliesTo = OptionSetting<CorridorAppliesTo>("applies to", "Whether the corridor shares savings, losses, or both. Default both.");
        _party = OptionSetting<CorridorParty>("party",
            "Whose share the bands give. 'provider' (default): the provider keeps its share of savings and bears its share of losses (ACO REACH). 'payer': the payer bears its share of losses and takes its share of gains (ACA risk corridors).");
        _benchmark = ReadsValue("benchmark", Unit.Money, "The benchmark (target) B.");
        _savings = ReadsValue("savings", Unit.Money, "The gross savings G = B - A (below zero, losses).");
        ReadsValue("savings_rate", Unit.Percent, "The savings rate r = G / B.");
        _actual = ReadsValue("actual", Unit.Money, "The actual cost A.");
        RequiresClause("benchmark");
    }

    public override string Keyword => "corridor";

    public override string Summary =>
        "Risk corridors: the savings (or losses) are cut into bands of the savings rate (or of actual to target), each band shared at its own rate; bands must be contiguous.";

    public override string CodePrefix => "VBC";

    public override bool Repeatable => true;

    private static string Money(decimal value) => SettleContext.Show(value, Unit.Money);

    private static string Percent(decimal value) => SettleContext.Show(value, Unit.Percent);

    protected override void Check(CheckContext check)
    {
        bool ratioBasis = check.Get(_basis) == CorridorBasis.ActualToTarget;
        if (ratioBasis && check.Has(_lossBands))
        {
            check.Conflict(_lossBands, "With basis 'actual to target' the bands above 100% are the loss side: put them in 'bands' and remove 'loss bands'.");
        }
        foreach (var bands in new[] { _bands, _lossBands })
        {
            if (ratioBasis)
            {
                check.BandsMustHold(bands, 1m, "With basis 'actual to target' the bands must reach 100% (actual equal to target), where the corridor starts.");
            }
            else
            {
                check.BandsStartAt(bands, 0m,
                    "With basis 'savings rate' bands measure the size of the savings or loss rate: write them from 0% upward (use 'loss bands' for losses).");
            }
        }
    }

    protected override void Settle(SettleContext s)
    {
        decimal b = s.Get(_benchmark);
        decimal g = s.Get(_savings);
        decimal a = s.Get(_actual);
        bool savings = g > 0;
        var appliesTo = s.Get(_appliesTo);
        bool payer = s.Get(_party) == CorridorParty.Payer;
        string label = $"Corridor{(s.Label is null ? "" : " " + s.Label)}";

        if (g == 0 || (savings && appliesTo == CorridorAppliesTo.Losses) || (!savings && appliesTo == CorridorAppliesTo.Savings))
        {
            s.Note("none", "Corridor", g == 0 ? "no savings and no losses" : $"applies to {_appliesTo.WordOf(appliesTo)} only: {(savings ? "savings" : "losses")} are not shared here");
            s.Component("amount", label, 0, "nothing shared");
            return;
        }

        var bands = !savings && s.Has(_lossBands) ? s.Get(_lossBands) : s.Get(_bands);
        bool ratio = s.Get(_basis) == CorridorBasis.ActualToTarget;
        string basis = ratio ? "actual / target" : (savings ? "savings rate" : "loss rate");
        s.Step("basis", ratio ? "Actual to target" : (savings ? "Savings rate" : "Loss rate"), ratio ? a / b : Math.Abs(g) / b,
            Unit.Percent, ratio ? $"A / B = {Money(a)} / {Money(b)}" : $"|G| / B = {Money(Math.Abs(g))} / {Money(b)}");

        // The bands are cut in dollars, not in rates: a band edge times the benchmark is exact, where G / B is not
        // (dividing first would lose the last digits, and with them a half cent). The stretch to cut runs from the
        // neutral point (no savings; actual equal to target) to where this year ended.
        decimal from = ratio ? Math.Min(b, a) : 0m;
        decimal to = ratio ? Math.Max(b, a) : Math.Abs(g);
        decimal amount = 0;
        int n = 0;
        foreach (var band in bands)
        {
            decimal low = band.Low is { } l ? Math.Max(l * b, from) : from;
            decimal high = band.High is { } h ? Math.Min(h * b, to) : to;
            if (high <= low)
            {
                continue;
            }
            decimal share = band.Result;
            decimal part = (high - low) * share;
            amount += part;
            n++;
            string What(decimal edge) => ratio ? $"{Percent(edge / b)} of B" : edge == Math.Abs(g) ? "|G|" : $"{Percent(edge / b)} of B";
            s.Step($"band{n}", $"Band {band.Description}", part, Unit.Money,
                $"({Money(high)} - {Money(low)}) x {Percent(share)}: the part from {(ratio && low == from ? (a < b ? "A" : "B") : What(low))} to {(ratio && high == to ? (a > b ? "A" : "B") : What(high))}");
        }

        // Provider party: savings paid to the provider, losses paid by it. Payer party: the reverse.
        decimal sign = (savings ? 1 : -1) * (payer ? -1 : 1);
        decimal payment = sign * amount;
        string who = payer
            ? (savings ? "the payer's share of gains, paid back by the provider" : "the payer's share of losses, paid to the provider")
            : (savings ? "the provider's share of savings" : "the provider's share of losses, paid by the provider");
        s.Component("amount", label, payment, $"sum of {n} band{(n == 1 ? "" : "s")} of the {basis} = {Money(amount)}: {who}");
    }
}
