using System.Text.Json;
using System.Xml.Linq;
using Vbc.Parsing;
using Vbc.Pricing;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Infrastructure;
using Vbc.Tests.Versions;
using Vbc.Versions;

namespace Vbc.Tests.Pricing;

/// <summary>
/// <c>vbc diff OLD NEW --data FILE</c>: the old version with a subset of the changes applied is a contract of its own
/// (the empty subset is the old version, the full one means and settles as the new version); the example pairs priced
/// on their seed data as golden text, JSON and HTML; the worked example of docs/diff.md; member passes; failures.
/// </summary>
public class PricedDiffTests
{
    /// <summary>The inputs the example pairs are priced with (each version is given those it declares).</summary>
    public static readonly IReadOnlyDictionary<string, string> Inputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["quality_score"] = "92%",
        ["assigned_beneficiaries"] = "9139",
        ["participant_revenue"] = "$20,000,000.00",
    };

    private static BoundContract Bind(string text, string path) =>
        Vbc.Plugins.PluginHost.Bind(ContractParser.Parse(text, path), new Vbc.Plugins.PluginOptions { PluginsDirectory = Golden.PathOf("plugins") });

    private static BoundContract Read(string file) => Bind(File.ReadAllText(Golden.PathOf(file)), file);

    private static decimal Total(BoundContract contract)
    {
        var data = MemberFiles.Open(Golden.PathOf("seeds", "members.csv"));
        using var lifetime = data as IDisposable;
        var own = Inputs.Where(i => contract.Inputs.Any(d => d.Name == i.Key)).ToDictionary(i => i.Key, i => i.Value);
        var result = SettlementEngine.Settle(contract, new SettlementRequest { Inputs = own, Data = data });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Statement!.Total;
    }

    private static string[] Arguments(string oldFile, string newFile, params string[] more)
    {
        var old = Read(oldFile);
        var @new = Read(newFile);
        var inputs = Inputs.Where(i => old.Inputs.Concat(@new.Inputs).Any(d => d.Name == i.Key)).OrderBy(i => i.Key, StringComparer.Ordinal)
            .SelectMany(i => new[] { "--input", $"{i.Key}={i.Value}" });
        return new[] { "diff", oldFile, newFile, "--data", "seeds/members.csv" }.Concat(inputs).Concat(more).ToArray();
    }

    [Theory]
    [MemberData(nameof(DiffTests.Pairs), MemberType = typeof(DiffTests))]
    public void No_change_applied_is_the_old_version_and_every_change_applied_is_the_new_one(string name, string oldFile, string newFile)
    {
        var old = Read(oldFile);
        var @new = Read(newFile);
        var diff = ContractDiff.Compare(old, @new);
        Assert.Equal(old.Source.Text, AppliedChanges.Text(old.Source.Text, Array.Empty<ContractChange>()));
        var all = Bind(AppliedChanges.Text(old.Source.Text, diff.Changes), oldFile);
        Assert.False(all.HasErrors, $"{name}: {string.Join("\n", all.Diagnostics)}");
        Assert.True(ContractDiff.Compare(all, @new).IsEmpty, name);
        Assert.Equal(Total(@new), Total(all));
        // Each change can be written into the old version on its own or with the others (its edits never cross another's).
        Assert.All(diff.Changes.Where(c => c.Rule != "contract-kind-changed"), c => Assert.NotEmpty(c.Edits));
    }

    [Theory]
    [MemberData(nameof(DiffTests.Pairs), MemberType = typeof(DiffTests))]
    public void Example_pair_priced_on_its_seed_data_gives_its_golden_reports(string name, string oldFile, string newFile)
    {
        var text = CliRunner.Run(Arguments(oldFile, newFile));
        Assert.Equal(name == "mssp-restyled" ? 0 : 1, text.ExitCode);
        Assert.Equal("", text.Error);
        Golden.Verify($"tests/baselines/diffs/{name}.priced.txt", text.Output);

        var json = CliRunner.Run(Arguments(oldFile, newFile, "--format", "json"));
        Golden.Verify($"tests/baselines/diffs/{name}.priced.json", json.Output);
        using var doc = JsonDocument.Parse(json.Output);
        var prices = doc.RootElement.GetProperty("prices");
        decimal difference = decimal.Parse(prices.GetProperty("difference").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        decimal Sum(string column) => prices.GetProperty("groups").EnumerateArray()
            .Sum(g => decimal.Parse(g.GetProperty(column).GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(difference, Sum("waterfall"));
        Assert.Equal(difference, Sum("shapley"));
        Assert.Equal(Total(Read(newFile)) - Total(Read(oldFile)), difference);

        var html = CliRunner.Run(Arguments(oldFile, newFile, "--format", "html"));
        Golden.Verify($"tests/baselines/diffs/{name}.priced.html", html.Output);
        Assert.DoesNotContain("<script", html.Output);
        Assert.DoesNotContain("<link", html.Output);
        Assert.DoesNotContain("src=", html.Output);
        Assert.Contains("<h2>Payout curves of both versions</h2>", html.Output);
        XDocument.Parse(html.Output.Replace("<!DOCTYPE html>", ""));
    }

    [Fact]
    public void The_worked_example_of_the_docs_checks_by_hand()
    {
        // docs/diff.md, "Priced on data": the capitation amendment on seeds/members.csv.
        var old = Read("contracts/partial-capitation.vbc");
        var @new = Read("contracts/partial-capitation-amendment.vbc");
        var diff = ContractDiff.Compare(old, @new);
        var (prices, failures) = Price(diff, old, @new);
        Assert.Empty(failures);
        Assert.Equal(new[] { "contract.version", "capitation.rate", "stop-loss.attachment", "stop-loss.coinsurance" }, prices!.Groups.Select(g => g.Id).ToArray());
        // The rate: $13.00 more PMPM over 53,458 member months, whatever else is applied.
        Assert.Equal(13m * 53_458m, prices.TotalWaterfall[1]);
        Assert.Equal(13m * 53_458m, prices.TotalShapley[1]);
        // The stop-loss: 80% of the excess over $50,000 paid $105,358.54; no member's covered cost reaches $75,000, so
        // the attachment alone takes it all away; at 75% coinsurance (attachment still $50,000) it would pay $98,773.64
        // (75% of the same excess, $131,698.18 and a fraction, rounded to the cent as the statement line is).
        decimal oldStopLoss = 105_358.54m, at75 = StopLossAt75(old, diff);
        Assert.Equal(98_773.64m, at75);
        // Waterfall (text order: attachment, then coinsurance): -$105,358.54 then $0.00.
        Assert.Equal(-oldStopLoss, prices.TotalWaterfall[2]);
        Assert.Equal(0m, prices.TotalWaterfall[3]);
        // Shapley: in half the orders the coinsurance comes first. Attachment: (-105,358.54 + -98,773.64) / 2 = -102,066.09;
        // coinsurance: ($0.00 + (98,773.64 - 105,358.54)) / 2 = -3,292.45. Both whole cents: no cent left over to hand out.
        Assert.Equal(-102_066.09m, prices.TotalShapley[2]);
        Assert.Equal(-3_292.45m, prices.TotalShapley[3]);
        Assert.Equal(0m, prices.TotalShapley[0]);
        Assert.Equal(2, prices.MemberPasses);
        Assert.Equal(16, prices.VersionsSettled);
    }

    private static decimal StopLossAt75(BoundContract old, ContractDiff diff)
    {
        var coinsurance = diff.Changes.Single(c => c.Id == "stop-loss.coinsurance");
        var contract = Bind(AppliedChanges.Text(old.Source.Text, new[] { coinsurance }), "x.vbc");
        var data = MemberFiles.Open(Golden.PathOf("seeds", "members.csv"));
        using var lifetime = data as IDisposable;
        var statement = SettlementEngine.Settle(contract, new SettlementRequest { Data = data }).Statement!;
        return statement.Components.Where(l => l.Id == "capitation.stop-loss").Sum(l => l.Amount!.Value);
    }

    private static (DiffPrices? Prices, IReadOnlyList<PricingFailure> Failures) Price(ContractDiff diff, BoundContract old, BoundContract @new,
        IReadOnlyDictionary<string, string>? inputs = null, int exactUpTo = PricedDiff.ExactUpTo)
    {
        inputs ??= Inputs;
        var run = new PricingRun(null, (contract, withData) => new SettlementRequest
        {
            Inputs = inputs.Where(i => contract.Inputs.Any(d => d.Name == i.Key)).ToDictionary(i => i.Key, i => i.Value),
            Data = withData ? MemberFiles.Open(Golden.PathOf("seeds", "members.csv")) : null,
        });
        return PricedDiff.Price(diff, old, @new, text => Bind(text, old.Source.Path), new[] { run }, exactUpTo);
    }

    [Fact]
    public void Subsets_that_change_only_the_settlement_stage_reuse_one_member_pass()
    {
        // REACH Professional to Global: base, discount, the corridor's label and bands: none touches the member-level stage.
        var old = Read("contracts/reach-professional.vbc");
        var @new = Read("contracts/reach-global.vbc");
        var (prices, _) = Price(ContractDiff.Compare(old, @new), old, @new);
        Assert.Equal(1, prices!.MemberPasses);
        Assert.Equal(32, prices.VersionsSettled);
        // The eight bands cannot be applied apart (a band removed alone leaves a gap): one group, which says why.
        var bands = prices.Groups.Single(g => g.Changes.Count == 8);
        Assert.NotNull(bands.Why);
    }

    [Fact]
    public void Above_the_exact_limit_Shapley_values_are_sampled_with_a_fixed_seed_and_still_add_up()
    {
        var old = Read("contracts/partial-capitation.vbc");
        var @new = Read("contracts/partial-capitation-amendment.vbc");
        var diff = ContractDiff.Compare(old, @new);
        var (sampled, _) = Price(diff, old, @new, exactUpTo: 2);
        var (again, _) = Price(diff, old, @new, exactUpTo: 2);
        Assert.False(sampled!.ShapleyExact);
        Assert.Equal(PricedDiff.SampledPermutations, sampled.Permutations);
        Assert.Equal(sampled.TotalNew - sampled.TotalOld, sampled.TotalShapley.Sum());
        Assert.Equal(sampled.TotalShapley, again!.TotalShapley);
        // The waterfall does not sample: it is the same as when every subset is settled.
        var (exact, _) = Price(diff, old, @new);
        Assert.Equal(exact!.TotalWaterfall, sampled.TotalWaterfall);
    }

    [Fact]
    public void A_version_that_cannot_settle_gives_its_diagnostics_the_static_diff_and_exit_2()
    {
        // The new version needs participant_revenue, which is not given.
        var run = CliRunner.Run("diff", "contracts/mssp-basic-a.vbc", "contracts/mssp-basic-e.vbc", "--data", "seeds/members.csv",
            "--input", "quality_score=92%", "--input", "assigned_beneficiaries=9139");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("favours-provider shared-savings.rate", run.Output);
        Assert.Contains("the new version cannot settle on this data:", run.Output);
        Assert.Contains("error VBC4001", run.Error);
    }

    [Fact]
    public void Pricing_options_without_data_are_a_usage_error()
    {
        var run = CliRunner.Run("diff", "contracts/partial-capitation.vbc", "contracts/partial-capitation-amendment.vbc", "--year", "2024");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("give the data with --data FILE", run.Error);
    }

    private static string Temp(string name, string text)
    {
        var dir = Path.Combine(Path.GetTempPath(), "vbc-priced-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void With_an_inputs_file_each_organisation_is_priced_on_its_own_rows_and_the_total_adds_them_up()
    {
        string Split(string file) => File.ReadAllText(Golden.PathOf(file)).Replace("data {\n  member_id: id\n", "data {\n  member_id: id\n  organisation_id: text\n");
        var old = Temp("old.vbc", Split("contracts/reach-professional.vbc"));
        var @new = Temp("new.vbc", Split("contracts/reach-global.vbc"));
        var inputs = Temp("organisations.csv", "organisation_id,quality_score\nACO-01,95%\nACO-02,80%\nACO-03,0.9\n");
        var json = CliRunner.Run("diff", old, @new, "--data", "seeds/members.csv", "--inputs", inputs, "--format", "json");
        Assert.True(json.ExitCode == 1, json.Error);
        using var doc = JsonDocument.Parse(json.Output);
        var prices = doc.RootElement.GetProperty("prices");
        static decimal D(JsonElement e) => decimal.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var organisations = prices.GetProperty("organisations").EnumerateArray().ToList();
        Assert.Equal(new[] { "ACO-01", "ACO-02", "ACO-03" }, organisations.Select(o => o.GetProperty("organisation").GetString()).ToArray());
        var groups = prices.GetProperty("groups").EnumerateArray().ToList();
        foreach (var column in new[] { "waterfall", "shapley" })
        {
            // Each organisation's column adds up to its own difference, and the total's column is the sum of theirs.
            foreach (var o in organisations)
            {
                Assert.Equal(D(o.GetProperty("new")) - D(o.GetProperty("old")), o.GetProperty(column).EnumerateArray().Sum(D));
            }
            for (int g = 0; g < groups.Count; g++)
            {
                Assert.Equal(D(groups[g].GetProperty(column)), organisations.Sum(o => D(o.GetProperty(column)[g])));
            }
        }
        Assert.Equal(organisations.Sum(o => D(o.GetProperty("new")) - D(o.GetProperty("old"))), D(prices.GetProperty("difference")));
        // One member-level pass per organisation: no change touches the member-level stage.
        Assert.Equal(3, prices.GetProperty("memberPasses").GetInt32());
        var text = CliRunner.Run("diff", old, @new, "--data", "seeds/members.csv", "--inputs", inputs);
        Assert.Contains("organisation ACO-02: old ", text.Output);
    }

    [Fact]
    public void A_change_inside_a_node_another_change_rewrites_is_priced_with_it()
    {
        // The table's key changes (the whole setting is rewritten) and one of its rows changes: the row's edit lies inside
        // the setting's, so the two go together, and applying both writes the new setting once.
        var oldText = File.ReadAllText(Golden.PathOf("contracts", "mssp-basic-a.vbc"));
        var newText = oldText.Replace("by assigned_beneficiaries {", "by assigned_beneficiaries + 1 {").Replace("9,000 to 9,999: 3.1% to 3.0%", "9,000 to 9,999: 3.1% to 2.9%");
        var old = Bind(oldText, "old.vbc");
        var @new = Bind(newText, "new.vbc");
        var diff = ContractDiff.Compare(old, @new);
        Assert.Equal(2, diff.Changes.Count);
        var all = Bind(AppliedChanges.Text(old.Source.Text, diff.Changes), "old.vbc");
        Assert.True(ContractDiff.Compare(all, @new).IsEmpty);
        var (prices, failures) = Price(diff, old, @new);
        Assert.Empty(failures);
        var group = Assert.Single(prices!.Groups);
        Assert.Equal(2, group.Changes.Count);
        Assert.Equal(prices.TotalNew - prices.TotalOld, prices.TotalShapley.Sum());
    }
}
