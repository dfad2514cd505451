// Aggregate stop-loss: the payer covers a share of the population's cost above an attachment point set as a percent
// of expected cost. A clause kind for vbc, written as a plug-in (docs/plugins.md).
//
//   aggregate stop loss {
//     cost: inpatient + outpatient + professional   // per member, summed over the population
//     expected cost: $5,600,000.00                  // or an input, or another clause's value
//     attachment: 110%                              // of expected cost
//     coinsurance: 90%                              // share of the excess the payer covers
//     limit: $1,000,000.00                          // optional cap on the reimbursement
//   }
using System;
using Vbc.Clauses.Authoring;

public sealed class AggregateStopLoss : PluginClause
{
    private readonly MemberSetting _cost;
    private readonly Setting<decimal> _expected;
    private readonly Setting<decimal> _attachment;
    private readonly Setting<decimal> _coinsurance;
    private readonly Setting<decimal> _limit;
    private readonly MemberSum _actual;
    private readonly Output _reimbursement;
    private readonly PluginCode _attachmentBelowExpected;
    private readonly PluginCode _noExpectedCost;

    public AggregateStopLoss()
    {
        _cost = PerMemberMoney("cost", "Each member's cost that counts toward the aggregate (money columns, summed).", "inpatient + outpatient + professional");
        _expected = MoneySetting("expected cost", "The population's expected cost for the year, on which the attachment point is set.", "$5,600,000.00");
        _attachment = PercentSetting("attachment", "The attachment point, as a percent of expected cost: the payer covers cost above it.", "110%", min: 0m, max: 10m);
        _coinsurance = PercentSetting("coinsurance", "The share of the cost above the attachment point that the payer covers.", "90%", min: 0m, max: 1m);
        _limit = MoneySetting("limit", "The most the payer reimburses in a year (no cap when left out).", "$1,000,000.00", required: false);
        _actual = SumOverMembers(_cost, "members' cost toward the aggregate");
        _reimbursement = MoneyOutput("aggregate_stop_loss", "The aggregate stop-loss reimbursement paid to the provider.");
        _attachmentBelowExpected = WarningCode(1, "attachment point below expected cost",
            "An attachment point below 100% makes the payer cover ordinary cost: check that this is what the contract says.");
        _noExpectedCost = ErrorCode(2, "no expected cost",
            "Give the expected cost of the year as an amount above $0.");
    }

    public override string Keyword => "aggregate stop loss";

    public override string Summary =>
        "Aggregate stop-loss: the payer covers a share of the population's cost above an attachment point set as a percent of expected cost.";

    public override string Version => "1.0.0";

    public override string CodePrefix => "ASL";

    protected override void Check(CheckContext check)
    {
        if (check.Constant(_attachment) is decimal attachment && attachment < 1m)
        {
            check.Report(_attachmentBelowExpected, _attachment, $"The attachment point is {SettleContext.Show(attachment, Unit.Percent)} of expected cost.");
        }
    }

    protected override void Settle(SettleContext s)
    {
        decimal expected = s.Get(_expected);
        if (expected <= 0m)
        {
            s.Fail(_noExpectedCost, _expected, $"The expected cost is {SettleContext.Show(expected, Unit.Money)}.");
        }
        decimal attachmentRate = s.Get(_attachment);
        decimal coinsurance = s.Get(_coinsurance);
        decimal actual = s.Total(_actual);

        decimal attachmentPoint = attachmentRate * expected;
        s.Step("actual", "Population cost", actual, Unit.Money, $"sum over members of {s.Explain(_cost)}");
        s.Step("attachment", "Attachment point", attachmentPoint, Unit.Money,
            $"{SettleContext.Show(attachmentRate, Unit.Percent)} x {s.Explain(_expected)}");

        decimal excess = Math.Max(0m, actual - attachmentPoint);
        s.Step("excess", "Cost above the attachment point", excess, Unit.Money,
            $"max(0, {SettleContext.Show(actual, Unit.Money)} - {SettleContext.Show(attachmentPoint, Unit.Money)})");

        decimal reimbursement = excess * coinsurance;
        string formula = $"{SettleContext.Show(excess, Unit.Money)} x {SettleContext.Show(coinsurance, Unit.Percent)}";
        if (s.GetOptional(_limit) is decimal limit && reimbursement > limit)
        {
            formula += $", capped at the limit {SettleContext.Show(limit, Unit.Money)}";
            reimbursement = limit;
        }
        s.Set(_reimbursement, reimbursement);
        s.Component("reimbursement", "Aggregate stop-loss reimbursement", reimbursement, formula);
    }
}
