// Interim payments: amounts the payer paid during the performance year (quarterly advances on what the contract is
// expected to earn) are netted at settlement, so the statement's total is what is still owed. A total below zero means
// the interim payments exceeded what the year earned: the provider pays the difference back.
// A clause kind for vbc, written as a plug-in (docs/plugins.md).
//
//   interim payments {
//     quarters: $20,000.00, $20,000.00, $20,000.00, $0.00   // paid after each quarter, on account
//   }
using System;
using System.Collections.Generic;
using Vbc.Clauses.Authoring;

public sealed class InterimPayments : PluginClause
{
    private readonly ListSetting _quarters;
    private readonly Output _paid;
    private readonly PluginCode _nothingPaid;

    public InterimPayments()
    {
        _quarters = ListSetting("quarters", Unit.Money,
            "What the payer paid on account for each quarter of the year, first to fourth ($0.00 for a quarter settled instead).",
            "$20,000.00, $20,000.00, $20,000.00, $0.00", minItems: 4, maxItems: 4);
        _paid = MoneyOutput("interim_paid", "The interim payments of the year, all quarters: deducted from what the year earned.");
        _nothingPaid = WarningCode(1, "no interim payment",
            "Every quarter is $0.00, so nothing is netted: leave the clause out, or write the amounts the payer paid.");
    }

    public override string Keyword => "interim payments";

    public override string Summary =>
        "Interim payments: quarterly amounts paid on account during the year, deducted at settlement from what the year earned.";

    public override string Version => "2.0.0";

    public override string CodePrefix => "INT";

    protected override void Check(CheckContext check)
    {
        var quarters = check.Constants(_quarters);
        bool allZero = quarters.Count > 0;
        foreach (var quarter in quarters)
        {
            allZero = allZero && quarter == 0m;
        }
        if (allZero)
        {
            check.Report(_nothingPaid, _quarters, "No quarter has an interim payment.");
        }
    }

    protected override void Settle(SettleContext s)
    {
        IReadOnlyList<decimal> quarters = s.Get(_quarters);
        decimal paid = 0m;
        var shown = new List<string>();
        for (int i = 0; i < quarters.Count; i++)
        {
            s.Step($"q{i + 1}", $"Paid for the {Ordinal(i)} quarter", quarters[i], Unit.Money, s.Explain(_quarters, i));
            paid += quarters[i];
            shown.Add(SettleContext.Show(quarters[i], Unit.Money));
        }
        s.Step("paid", "Interim payments of the year", paid, Unit.Money, string.Join(" + ", shown));
        s.Set(_paid, paid);
        s.Component("netted", "Less interim payments already paid", -paid, $"-({SettleContext.Show(paid, Unit.Money)})");
    }

    private static string Ordinal(int index) => index switch
    {
        0 => "first",
        1 => "second",
        2 => "third",
        _ => "fourth",
    };
}
