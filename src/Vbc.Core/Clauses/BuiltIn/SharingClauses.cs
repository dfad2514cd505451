using Vbc.Clauses.Authoring;

namespace Vbc.Clauses.BuiltIn;

/// <summary>First-dollar or second-dollar sharing: the words of the <c>sharing</c> option.</summary>
internal enum DollarSharing
{
    FirstDollar,
    SecondDollar,
}

/// <summary>
/// What shared savings and shared losses have in common, written on the author API as a plug-in would write it: the
/// minimum rate (a fixed rate, or a table by population size), first- or second-dollar sharing, the values they read
/// (benchmark, savings, savings rate), and the minimum rate test with its statement lines.
/// </summary>
public abstract class SharingClause : PluginClause
{
    private readonly Setting<decimal> _minimum;
    private readonly OptionSetting<DollarSharing> _sharing;
    private readonly ValueRead _benchmark;
    private readonly ValueRead _savings;
    private readonly ValueRead _savingsRate;

    /// <param name="minimumKey">"minimum savings rate" or "minimum loss rate".</param>
    /// <param name="what">"savings" or "loss".</param>
    private protected SharingClause(string minimumKey, string what)
    {
        // A higher minimum savings rate shares savings less often (favours the payer); a higher minimum loss rate shares
        // losses less often (favours the provider).
        _minimum = NumberOrTableSetting(minimumKey, Unit.Percent, Unit.Count,
            $"The {what} rate r must reach before anything is shared: a fixed rate, or a table by population size whose rows may fall linearly across a band ('5,000 to 5,999: 3.9% to 3.6%'). Default 0%.",
            "2%", interpolates: true, required: false, min: 0, max: 1, favours: what == "loss" ? Party.Provider : Party.Payer).WhenAbsent(0m);
        _sharing = OptionSetting<DollarSharing>("sharing",
            "First dollar: once the minimum rate is met, all of it is shared. Second dollar: only the part beyond the minimum rate. Default first dollar.");
        _benchmark = ReadsValue("benchmark", Unit.Money, "The benchmark B.");
        _savings = ReadsValue("savings", Unit.Money, "The gross savings G = B - A (below zero, losses).");
        _savingsRate = ReadsValue("savings_rate", Unit.Percent, "The savings rate r = G / B.");
        RequiresClause("benchmark");
    }

    public sealed override string CodePrefix => "VBC";

    private protected Setting<decimal> Minimum => _minimum;

    private protected (decimal G, decimal R, decimal B) Figures(SettleContext s) => (s.Get(_savings), s.Get(_savingsRate), s.Get(_benchmark));

    private protected static string Money(decimal value) => SettleContext.Show(value, Unit.Money);

    private protected static string Percent(decimal value) => SettleContext.Show(value, Unit.Percent);

    /// <summary>
    /// The minimum rate test and the amount open to sharing, with their statement lines. Returns null when nothing is
    /// shared (the reason is written as a note).
    /// </summary>
    /// <param name="kindOfAmount">"savings" or "loss": names the rate ("loss rate") and the amount ("shareable losses").</param>
    private protected decimal? Shareable(SettleContext s, string kindOfAmount, decimal amount, decimal rate, decimal benchmark, Output minimumOutput)
    {
        string amountName = kindOfAmount == "loss" ? "losses" : kindOfAmount;
        string minimumKey = _minimum.Key;
        decimal minimum = s.Get(_minimum);
        s.Step("minimum-rate", char.ToUpperInvariant(minimumKey[0]) + minimumKey[1..], minimum, Unit.Percent, s.Has(_minimum) ? s.Explain(_minimum) : "not set: 0%");
        s.Set(minimumOutput, minimum);

        // r >= minimum, tested as amount >= minimum x B: the same test without the digits a division would cut.
        if (amount < minimum * benchmark)
        {
            s.Note("minimum-test", "Minimum rate test", $"{kindOfAmount} rate {Percent(rate)} is below the {minimumKey} {Percent(minimum)}: nothing is shared");
            return null;
        }
        bool secondDollar = s.Get(_sharing) == DollarSharing.SecondDollar;
        s.Note("minimum-test", "Minimum rate test",
            $"{kindOfAmount} rate {Percent(rate)} >= {minimumKey} {Percent(minimum)}: {(secondDollar ? "second-dollar sharing (beyond the minimum)" : "first-dollar sharing (all of it)")}");
        if (!secondDollar)
        {
            s.Step("shareable", $"Shareable {amountName}", amount, Unit.Money, $"first dollar: all {Money(amount)}");
            return amount;
        }
        decimal shareable = amount - minimum * benchmark;
        s.Step("shareable", $"Shareable {amountName}", shareable, Unit.Money, $"second dollar: {Money(amount)} - {Percent(minimum)} x {Money(benchmark)}");
        return shareable;
    }
}

/// <summary>
/// <c>shared savings { minimum savings rate: ... sharing: ... rate: ... cap: ... }</c>: the provider's share of savings.
/// earned = min(shareable x rate x (1 - sequestration), cap); nothing when savings fall short of the minimum or a
/// condition fails.
/// </summary>
public sealed class SharedSavingsClause : SharingClause
{
    private readonly Setting<decimal> _rate;
    private readonly Setting<decimal> _cap;
    private readonly Setting<decimal> _sequestration;
    private readonly Setting<bool> _onlyIf;
    private readonly Output _earned;
    private readonly Output _minimumRate;

    public SharedSavingsClause() : base("minimum savings rate", "savings")
    {
        _rate = PercentSetting("rate", "The sharing rate: the provider's share of shareable savings. May be scaled by quality ('50% * quality_score').", "50%",
            min: 0, max: 1, favours: Party.Provider);
        _cap = MoneySetting("cap", "The most that can be earned, usually a share of the benchmark ('10% of benchmark').", "10% of benchmark", required: false,
            min: 0, favours: Party.Provider).UnlimitedWhenAbsent();
        _sequestration = PercentSetting("sequestration", "A reduction applied to the payment before the cap (Medicare's 2% sequestration).", "2%",
            required: false, min: 0, max: 1, favours: Party.Payer).WhenAbsent(0m);
        _onlyIf = ConditionSetting("only if", "A condition for any savings to be paid, such as a quality gate; when it fails, savings are forfeited.",
            "quality_gate_met", required: false);
        _earned = MoneyOutput("shared_savings", "The shared savings earned by the provider.");
        _minimumRate = PercentOutput("minimum_savings_rate", "The minimum savings rate that applied.");
    }

    public override string Keyword => "shared savings";

    public override string Summary =>
        "The provider's share of savings: earned = min(shareable savings x sharing rate x (1 - sequestration), cap), once the savings rate reaches the minimum savings rate.";

    protected override void Settle(SettleContext s)
    {
        var (g, r, b) = Figures(s);
        decimal earned = Earned(s, g, r, b);
        s.Set(_earned, earned);
        s.Component("earned", "Shared savings", earned, earned == 0 ? "nothing earned" : $"{Money(earned)} earned by the provider");
    }

    private decimal Earned(SettleContext s, decimal g, decimal r, decimal b)
    {
        if (g <= 0)
        {
            s.Note("no-savings", "Savings", $"G = {Money(g)}: there are no savings to share");
            s.Set(_minimumRate, s.Get(Minimum));
            return 0;
        }
        if (Shareable(s, "savings", g, r, b, _minimumRate) is not { } shareable)
        {
            return 0;
        }
        if (s.Has(_onlyIf))
        {
            bool holds = s.Get(_onlyIf);
            s.Note("condition", "Condition", $"only if {s.Explain(_onlyIf)}: {(holds ? "met" : "NOT met, savings are forfeited")}");
            if (!holds)
            {
                return 0;
            }
        }

        decimal rate = s.Get(_rate);
        s.Step("rate", "Sharing rate", rate, Unit.Percent, s.Explain(_rate));
        decimal earned = shareable * rate;
        string formula = $"{Money(shareable)} x {Percent(rate)}";
        if (s.GetOptional(_sequestration) is { } sequestration)
        {
            earned *= 1 - sequestration;
            formula += $" x (1 - {Percent(sequestration)})";
        }
        s.Step("before-cap", "Earned before cap", earned, Unit.Money, formula);

        if (s.GetOptional(_cap) is { } cap)
        {
            s.Step("cap", "Savings cap", cap, Unit.Money, s.Explain(_cap));
            if (earned > cap)
            {
                s.Note("capped", "Cap applied", $"{Money(earned)} is above the cap: {Money(cap)} is paid");
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
public sealed class SharedLossesClause : SharingClause
{
    private readonly Setting<decimal> _rate;
    private readonly Setting<decimal> _floor;
    private readonly Setting<decimal> _ceiling;
    private readonly Setting<decimal> _cap;
    private readonly Setting<decimal> _reduction;
    private readonly Output _owed;
    private readonly Output _lossRate;
    private readonly Output _minimumRate;

    public SharedLossesClause() : base("minimum loss rate", "loss")
    {
        // No declared range: a rate derived from quality may fall outside 0%-100% before the floor and ceiling apply.
        _rate = PercentSetting("rate", "The loss rate: the provider's share of shareable losses. May be derived from quality ('1 - 75% * quality_score').", "30%",
            favours: Party.Payer);
        _floor = PercentSetting("rate floor", "The lowest the loss rate may be.", "40%", required: false, min: 0, max: 1, favours: Party.Payer);
        _ceiling = PercentSetting("rate ceiling", "The highest the loss rate may be.", "75%", required: false, min: 0, max: 1, favours: Party.Payer)
            .UnlimitedWhenAbsent();
        _cap = MoneySetting("cap", "The most the provider can owe: a share of the benchmark, of revenue, or the lesser of the two.",
            "lesser of 8% of revenue and 4% of benchmark", required: false, min: 0, favours: Party.Payer).UnlimitedWhenAbsent();
        _reduction = MoneySetting("reduction", "An amount taken off the losses owed after the cap (a disaster adjustment); owed never goes below zero.",
            "disaster_adjustment", required: false, min: 0, favours: Party.Provider).WhenAbsent(0m);
        _owed = MoneyOutput("shared_losses", "The shared losses the provider owes (a positive amount).");
        _lossRate = PercentOutput("loss_rate", "The loss rate that applied.");
        _minimumRate = PercentOutput("minimum_loss_rate", "The minimum loss rate that applied.");
    }

    public override string Keyword => "shared losses";

    public override string Summary =>
        "The provider's share of losses (two-sided risk): owed = min(shareable losses x loss rate, cap) less any reduction, once the loss rate reaches the minimum loss rate. Paid by the provider.";

    protected override void Check(CheckContext check)
    {
        if (check.Constant(_floor) is { } floor && check.Constant(_ceiling) is { } ceiling && floor > ceiling)
        {
            check.OutOfRange(_floor, "The rate floor", floor, $"at most the rate ceiling ({Percent(ceiling)})");
        }
        if (check.Constant(_rate) is { } rate && (rate < 0 || rate > 1))
        {
            check.OutOfRange(_rate, "'rate'", rate, "between 0% and 100%");
        }
    }

    protected override void Settle(SettleContext s)
    {
        var (g, r, b) = Figures(s);
        decimal owed = Owed(s, g, r, b);
        s.Set(_owed, owed);
        s.Component("owed", "Shared losses", -owed, owed == 0 ? "nothing owed" : $"{Money(owed)} owed by the provider");
    }

    private decimal Owed(SettleContext s, decimal g, decimal r, decimal b)
    {
        if (g >= 0)
        {
            s.Note("no-losses", "Losses", $"G = {Money(g)}: there are no losses to share");
            s.Set(_minimumRate, s.Get(Minimum));
            s.Set(_lossRate, 0m);
            return 0;
        }
        decimal losses = -g;
        if (Shareable(s, "loss", losses, -r, b, _minimumRate) is not { } shareable)
        {
            s.Set(_lossRate, 0m);
            return 0;
        }

        decimal rate = s.Get(_rate);
        string formula = s.Explain(_rate);
        if (s.GetOptional(_floor) is { } floor && rate < floor)
        {
            formula += $" = {Percent(rate)}, raised to the floor {Percent(floor)}";
            rate = floor;
        }
        if (s.GetOptional(_ceiling) is { } ceiling && rate > ceiling)
        {
            formula += $" = {Percent(rate)}, lowered to the ceiling {Percent(ceiling)}";
            rate = ceiling;
        }
        if (rate < 0 || rate > 1)
        {
            s.OutOfRange(_rate, $"The loss rate of {(s.Label is null ? Keyword : $"{Keyword} \"{s.Label}\"")}", rate, Unit.Percent, "between 0% and 100%");
        }
        s.Step("rate", "Loss rate", rate, Unit.Percent, formula);
        s.Set(_lossRate, rate);

        decimal owed = shareable * rate;
        s.Step("before-cap", "Owed before cap", owed, Unit.Money, $"{Money(shareable)} x {Percent(rate)}");
        if (s.GetOptional(_cap) is { } cap)
        {
            s.Step("cap", "Loss cap", cap, Unit.Money, s.Explain(_cap));
            if (owed > cap)
            {
                s.Note("capped", "Cap applied", $"{Money(owed)} is above the cap: {Money(cap)} is owed");
                owed = cap;
            }
        }
        if (s.Has(_reduction))
        {
            decimal reduced = Math.Max(0, owed - s.Get(_reduction));
            s.Step("reduction", "After reduction", reduced, Unit.Money, $"max(0, {Money(owed)} - {s.Explain(_reduction)})");
            owed = reduced;
        }
        return owed;
    }
}
