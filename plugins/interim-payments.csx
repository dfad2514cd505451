// Interim payments: amounts the payer paid during the performance year (quarterly advances on what the contract is
// expected to earn) are netted at settlement, so the statement's total is what is still owed. A total below zero means
// the interim payments exceeded what the year earned: the provider pays the difference back.
// A clause kind for vbc, written as a plug-in (docs/plugins.md).
//
//   interim payments {
//     first quarter: $20,000.00     // paid after the quarter, on account
//     second quarter: $20,000.00
//     third quarter: $20,000.00
//     fourth quarter: $0.00
//   }
using System;
using Vbc.Clauses.Authoring;

public sealed class InterimPayments : PluginClause
{
    private readonly Setting<decimal> _first;
    private readonly Setting<decimal> _second;
    private readonly Setting<decimal> _third;
    private readonly Setting<decimal> _fourth;
    private readonly Output _paid;
    private readonly PluginCode _nothingPaid;

    public InterimPayments()
    {
        _first = MoneySetting("first quarter", "What the payer paid on account for the first quarter of the year.", "$20,000.00");
        _second = MoneySetting("second quarter", "What the payer paid on account for the second quarter of the year.", "$20,000.00");
        _third = MoneySetting("third quarter", "What the payer paid on account for the third quarter of the year.", "$20,000.00");
        _fourth = MoneySetting("fourth quarter", "What the payer paid on account for the fourth quarter ($0.00 when the year is settled instead).", "$0.00");
        _paid = MoneyOutput("interim_paid", "The interim payments of the year, all quarters: deducted from what the year earned.");
        _nothingPaid = WarningCode(1, "no interim payment",
            "Every quarter is $0.00, so nothing is netted: leave the clause out, or write the amounts the payer paid.");
    }

    public override string Keyword => "interim payments";

    public override string Summary =>
        "Interim payments: quarterly amounts paid on account during the year, deducted at settlement from what the year earned.";

    public override string Version => "1.0.0";

    public override string CodePrefix => "INT";

    protected override void Check(CheckContext check)
    {
        if (check.Constant(_first) == 0m && check.Constant(_second) == 0m && check.Constant(_third) == 0m && check.Constant(_fourth) == 0m)
        {
            check.Report(_nothingPaid, _first, "No quarter has an interim payment.");
        }
    }

    protected override void Settle(SettleContext s)
    {
        decimal q1 = Quarter(s, _first, "q1", "Paid for the first quarter");
        decimal q2 = Quarter(s, _second, "q2", "Paid for the second quarter");
        decimal q3 = Quarter(s, _third, "q3", "Paid for the third quarter");
        decimal q4 = Quarter(s, _fourth, "q4", "Paid for the fourth quarter");
        decimal paid = q1 + q2 + q3 + q4;
        s.Step("paid", "Interim payments of the year", paid, Unit.Money,
            $"{SettleContext.Show(q1, Unit.Money)} + {SettleContext.Show(q2, Unit.Money)} + {SettleContext.Show(q3, Unit.Money)} + {SettleContext.Show(q4, Unit.Money)}");
        s.Set(_paid, paid);
        s.Component("netted", "Less interim payments already paid", -paid, $"-({SettleContext.Show(paid, Unit.Money)})");
    }

    private static decimal Quarter(SettleContext s, Setting<decimal> quarter, string id, string label)
    {
        decimal amount = s.Get(quarter);
        s.Step(id, label, amount, Unit.Money, s.Explain(quarter));
        return amount;
    }
}
