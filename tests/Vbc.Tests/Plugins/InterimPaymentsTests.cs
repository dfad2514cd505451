using Vbc.Tests.Independent;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Plugins;

/// <summary>contracts/pay-for-performance-interim.vbc, whose interim payments are netted by plugins/interim-payments.csx, checked by arithmetic written out here.</summary>
public class InterimPaymentsTests
{
    private static readonly (string, Func<SeedRow, bool>)[] Attributed = { ("attributed", r => r.Flag("attributed")) };

    private static decimal Rate(PopulationFigures p, string measure) =>
        p.Members.Sum(m => m.Number(measure + "_num")) / p.Members.Sum(m => m.Number(measure + "_den"));

    [Fact]
    public void The_interim_payments_are_deducted_from_what_the_bonuses_earned()
    {
        // population { include: attributed }
        var p = PopulationFigures.Compute(SeedFile.Read("members.csv"), Attributed, Array.Empty<(string, Func<SeedRow, bool>)>(),
            Array.Empty<string>(), Array.Empty<string>(), null);
        var s = Example.Settle("pay-for-performance-interim.vbc", "members.csv");
        p.AssertMatches(s.Population!, costClause: false);

        // The bonuses of pay-for-performance.vbc, each paid in full when its measure meets the threshold.
        decimal m = p.MemberMonths;
        decimal earned = (Rate(p, "hba1c") >= 0.70m ? 1.50m * m : 0m)
            + (Rate(p, "bcs") >= 0.75m ? 0.75m * m : 0m)
            + (Rate(p, "cbp") >= 0.70m ? 1.00m * m : 0m)
            + (Rate(p, "fuh") >= 0.50m ? 25_000.00m : 0m);

        // interim payments { quarters: $20,000.00, $20,000.00, $20,000.00, $0.00 }
        Assert.Equal(20_000.00m, s.Value("interim-payments.q1"));
        Assert.Equal(0.00m, s.Value("interim-payments.q4"));
        decimal paid = 20_000.00m + 20_000.00m + 20_000.00m + 0.00m;
        Assert.Equal(paid, s.Value("interim-payments.paid"));
        s.AssertComponent("interim-payments.netted", -paid);
        s.AssertTotal(earned - paid);

        // Pinned by hand: $1.50 x 54,088 member months = $81,132.00, plus $25,000.00 = $106,132.00 earned; less $60,000.00 = $46,132.00.
        Assert.Equal(106_132.00m, earned);
        s.AssertTotal(46_132.00m);
        var pin = Assert.Single(s.Plugins);
        Assert.Equal(PluginTestKit.Sha256(Golden.PathOf("plugins", "interim-payments.csx")), pin.Sha256);
    }

    [Fact]
    public void The_quarters_are_a_list_of_exactly_four_amounts()
    {
        var dir = PluginTestKit.Folder("interim-three");
        var contract = Path.Combine(dir, "three.vbc");
        File.WriteAllText(contract, File.ReadAllText(Golden.PathOf("contracts", "pay-for-performance-interim.vbc"))
            .Replace("quarters: $20,000.00, $20,000.00, $20,000.00, $0.00", "quarters: $20,000.00, $20,000.00, -$20,000.00", StringComparison.Ordinal));
        var result = CliRunner.Run("check", contract, "--plugins", Golden.PathOf("plugins"), "--plugin-cache", PluginTestKit.SharedCache);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error VBC7018: 'quarters' of 'interim payments': it has 3 values, and takes exactly 4.", result.Output, StringComparison.Ordinal);
        // Each item is checked as a money setting is: never below $0.00.
        Assert.Contains("error VBC2009", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_clause_with_nothing_paid_gets_the_plugins_warning()
    {
        var dir = PluginTestKit.Folder("interim-zero");
        var contract = Path.Combine(dir, "zero.vbc");
        File.WriteAllText(contract, File.ReadAllText(Golden.PathOf("contracts", "pay-for-performance-interim.vbc")).Replace("$20,000.00", "$0.00", StringComparison.Ordinal));
        var result = CliRunner.Run("check", contract, "--plugins", Golden.PathOf("plugins"), "--plugin-cache", PluginTestKit.SharedCache);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning INT001: No quarter has an interim payment.", result.Output, StringComparison.Ordinal);
    }
}
