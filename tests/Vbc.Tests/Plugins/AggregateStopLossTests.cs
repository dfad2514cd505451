using Vbc.Tests.Independent;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Plugins;

/// <summary>contracts/aggregate-stop-loss.vbc, settled by the plug-in plugins/aggregate-stop-loss.csx, checked by arithmetic written out here.</summary>
public class AggregateStopLossTests
{
    private static readonly (string, Func<SeedRow, bool>)[] Attributed = { ("attributed", r => r.Flag("attributed")) };

    [Fact]
    public void Settles_as_the_contract_says()
    {
        // population { include: attributed  exclude: hospice }
        var p = PopulationFigures.Compute(SeedFile.Read("members.csv"), Attributed,
            new (string, Func<SeedRow, bool>)[] { ("hospice", r => r.Flag("hospice")) }, Array.Empty<string>(), Array.Empty<string>(), null);
        var s = Example.Settle("aggregate-stop-loss.vbc", "members.csv");
        p.AssertMatches(s.Population!, costClause: false);

        // aggregate stop loss { cost: inpatient + outpatient + professional  expected cost: $31,000,000.00
        //   attachment: 110%  coinsurance: 90%  limit: $2,000,000.00 }
        decimal actual = p.Members.Sum(m => m.Number("inpatient") + m.Number("outpatient") + m.Number("professional"));
        Assert.Equal(actual, s.Value("aggregate-stop-loss.actual"));
        decimal attachment = 1.10m * 31_000_000.00m;
        Assert.Equal(attachment, s.Value("aggregate-stop-loss.attachment"));
        decimal excess = Math.Max(0, actual - attachment);
        Assert.Equal(excess, s.Value("aggregate-stop-loss.excess"));
        decimal reimbursement = Math.Min(excess * 0.90m, 2_000_000.00m);
        s.AssertComponent("aggregate-stop-loss.reimbursement", reimbursement);

        // Pinned by hand: 35,828,008.55 - 34,100,000.00 = 1,728,008.55; x 90% = 1,555,207.695 -> $1,555,207.70 (under the cap)
        Assert.Equal(35_828_008.55m, actual);
        s.AssertTotal(1_555_207.70m);
        var pin = Assert.Single(s.Plugins);
        Assert.Equal(PluginTestKit.Sha256(Golden.PathOf("plugins", "aggregate-stop-loss.csx")), pin.Sha256);
    }
}
