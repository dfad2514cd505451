using System.Text.Json;
using System.Xml.Linq;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Examples;
using Vbc.Tests.Infrastructure;
using Vbc.Versions;

namespace Vbc.Tests.Versions;

/// <summary>
/// <c>vbc diff</c>: the example version pairs (contracts/version-pairs.txt) as golden text, JSON and HTML; renames,
/// relabels, defaults, the exit codes and --fail-on; contracts of different kinds.
/// </summary>
public class DiffTests
{
    [Fact]
    public void The_old_versions_scenarios_are_settled_on_both_versions()
    {
        // partial-capitation.scenarios expects $17,318,834.54; the amendment settles the same data and inputs itself.
        var json = CliRunner.Run("diff", "contracts/partial-capitation.vbc", "contracts/partial-capitation-amendment.vbc", "--format", "json");
        Assert.Equal(1, json.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Output);
        var scenarios = doc.RootElement.GetProperty("scenarios");
        Assert.EndsWith("partial-capitation.scenarios", scenarios.GetProperty("file").GetString(), StringComparison.Ordinal);
        var result = Assert.Single(scenarios.GetProperty("results").EnumerateArray().ToList());
        Assert.True(result.GetProperty("changed").GetBoolean());
        var total = result.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("id").GetString() == "total");
        Assert.Equal("17318834.54", total.GetProperty("old").GetString());
        Assert.Equal("17318834.54", total.GetProperty("expected").GetString());
        var settled = CliRunner.Run(ExampleContractTests.SettleCommandOf("contracts/partial-capitation.vbc")
            .Select(a => a == "contracts/partial-capitation.vbc" ? "contracts/partial-capitation-amendment.vbc" : a).Concat(new[] { "--format", "json" }).ToArray());
        using var statement = System.Text.Json.JsonDocument.Parse(settled.Output);
        Assert.Equal(statement.RootElement.GetProperty("total").GetString(), total.GetProperty("new").GetString());
        Assert.Empty(result.GetProperty("newProblems").EnumerateArray());
    }

    public static TheoryData<string, string, string> Pairs()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var line in File.ReadAllLines(Golden.PathOf("contracts", "version-pairs.txt")))
        {
            if (line.Trim().Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            data.Add(parts[0], parts[1], parts[2]);
        }
        return data;
    }

    [Fact]
    public void The_example_pairs_are_the_four_of_the_issue()
    {
        Assert.Equal(new[] { "mssp-renewal-a-to-e", "reach-professional-to-global", "capitation-amendment", "mssp-restyled" },
            Pairs().Select(p => (string)p[0]).ToArray());
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Example_pair_gives_its_golden_diffs(string name, string oldFile, string newFile)
    {
        var text = CliRunner.Run("diff", oldFile, newFile);
        bool same = name == "mssp-restyled";
        Assert.Equal(same ? 0 : 1, text.ExitCode);
        Assert.Equal("", text.Error);
        Golden.Verify($"tests/baselines/diffs/{name}.txt", text.Output);

        var json = CliRunner.Run("diff", oldFile, newFile, "--format", "json");
        Assert.Equal(text.ExitCode, json.ExitCode);
        Golden.Verify($"tests/baselines/diffs/{name}.json", json.Output);
        using var doc = JsonDocument.Parse(json.Output);
        Assert.Equal("vbc-diff/1", doc.RootElement.GetProperty("schema").GetString());
        // The summary comes first after the schema, and its counts add up to the changes listed.
        // Every example pair's old version has a scenario file, so its scenarios follow the changes.
        Assert.Equal(new[] { "schema", "summary", "old", "new", "changes", "scenarios" }, doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
        var summary = doc.RootElement.GetProperty("summary");
        int listed = doc.RootElement.GetProperty("changes").GetArrayLength();
        Assert.Equal(listed, summary.GetProperty("changes").GetInt32());
        Assert.Equal(listed, new[] { "favoursProvider", "favoursPayer", "neutral", "depends", "unclassified" }.Sum(k => summary.GetProperty(k).GetInt32()));

        var html = CliRunner.Run("diff", oldFile, newFile, "--format", "html");
        Assert.Equal(text.ExitCode, html.ExitCode);
        Golden.Verify($"tests/baselines/diffs/{name}.html", html.Output);
        // Self-contained (no link, script or image to fetch) and well formed, as the HTML statement is.
        Assert.DoesNotContain("<script", html.Output);
        Assert.DoesNotContain("<link", html.Output);
        Assert.DoesNotContain("src=", html.Output);
        XDocument.Parse(html.Output.Replace("<!DOCTYPE html>", ""));
    }

    [Fact]
    public void The_renewal_grades_each_change_from_what_the_kinds_know()
    {
        var diff = Diff("contracts/mssp-basic-a.vbc", "contracts/mssp-basic-e.vbc");
        var byId = diff.Changes.ToDictionary(c => c.Id);
        Assert.Equal(ChangeDirection.FavoursProvider, byId["shared-savings.rate"].Direction);
        Assert.Equal("The rate of shared savings rises from 40% * quality_score to 50% * quality_score.", byId["shared-savings.rate"].Sentence);
        // Every row of the old table (3.9% down to 2.0%) is at or above the new 2%: the rate never rises.
        Assert.Equal(ChangeDirection.FavoursProvider, byId["shared-savings.minimum-savings-rate"].Direction);
        Assert.Equal(ChangeDirection.Depends, byId["shared-losses"].Direction);
        Assert.Equal(ChangeDirection.Neutral, byId["contract.name"].Direction);
        // 'sharing: first dollar' in the old version is what its absence means in the new one: no change.
        Assert.DoesNotContain("shared-savings.sharing", byId.Keys);
        Assert.Equal((64, 3), (byId["shared-savings.rate"].OldAt!.Line, byId["shared-savings.rate"].OldAt!.Column));
        Assert.Equal((53, 3), (byId["shared-savings.rate"].NewAt!.Line, byId["shared-savings.rate"].NewAt!.Column));
    }

    [Fact]
    public void A_relabelled_corridor_is_one_rename_and_its_bands_are_known_by_their_bounds()
    {
        var diff = Diff("contracts/reach-professional.vbc", "contracts/reach-global.vbc");
        var relabel = Assert.Single(diff.Changes, c => c.Rule == "clause-relabelled");
        Assert.Equal("corridor.global", relabel.Id);
        Assert.Contains(diff.Changes, c => c.Id == "corridor.global.bands[25%..35%]" && c.Kind == ChangeKind.Added);
        Assert.Contains(diff.Changes, c => c.Id == "corridor.global.bands[..5%]" && c.Kind == ChangeKind.Removed);
        Assert.True(diff.KindsDiffer is false);
    }

    [Fact]
    public void Inserting_a_band_does_not_rename_the_others()
    {
        string old = Corridor("up to 5%: 50%\n    5% to 10%: 35%\n    above 10%: 5%");
        string @new = Corridor("up to 5%: 50%\n    5% to 8%: 35%\n    8% to 10%: 30%\n    above 10%: 5%");
        var diff = Compare(old, @new);
        // The band split is the old band removed where it stood and the two new ones added; 'up to 5%' and 'above 10%' keep their ids.
        Assert.Equal(new[] { "corridor.c.bands[5%..10%]", "corridor.c.bands[5%..8%]", "corridor.c.bands[8%..10%]" }, diff.Changes.Select(c => c.Id).ToArray());
        Assert.Equal(new[] { ChangeKind.Removed, ChangeKind.Added, ChangeKind.Added }, diff.Changes.Select(c => c.Kind).ToArray());
    }

    [Fact]
    public void A_changed_band_share_is_one_change_graded_depends()
    {
        var diff = Compare(Corridor("up to 5%: 50%\n    above 5%: 5%"), Corridor("up to 5%: 60%\n    above 5%: 5%"));
        var change = Assert.Single(diff.Changes);
        Assert.Equal("corridor.c.bands[..5%]", change.Id);
        Assert.Equal("row-changed", change.Rule);
        // A corridor shares savings and, mirrored, losses: a higher share is not better for one side whatever the data.
        Assert.Equal(ChangeDirection.Depends, change.Direction);
    }

    [Fact]
    public void A_renamed_value_is_one_rename_not_a_removal_and_an_addition()
    {
        string old = Capitation("values {\n  base_rate: $300.00 PMPM\n}\n", "base_rate");
        string @new = Capitation("values {\n  core_rate: $300.00 PMPM\n}\n", "core_rate");
        var diff = Compare(old, @new);
        var change = Assert.Single(diff.Changes);
        Assert.Equal("name-renamed", change.Rule);
        Assert.Equal("values.core_rate", change.Id);
        Assert.Equal(ChangeDirection.Neutral, change.Direction);
        Assert.Equal("Renames the value base_rate to core_rate; its definition and uses are unchanged.", change.Sentence);
    }

    [Fact]
    public void A_renamed_value_with_a_new_definition_is_a_removal_an_addition_and_changed_uses()
    {
        string old = Capitation("values {\n  base_rate: $300.00 PMPM\n}\n", "base_rate");
        string @new = Capitation("values {\n  core_rate: $310.00 PMPM\n}\n", "core_rate");
        var diff = Compare(old, @new);
        Assert.Contains(diff.Changes, c => c.Id == "values.core_rate" && c.Kind == ChangeKind.Added);
        Assert.Contains(diff.Changes, c => c.Id == "values.base_rate" && c.Kind == ChangeKind.Removed);
        Assert.Contains(diff.Changes, c => c.Id == "capitation.rate" && c.Kind == ChangeKind.Changed);
    }

    [Fact]
    public void A_renamed_column_is_one_rename_even_where_it_names_a_carve_out()
    {
        string text = File.ReadAllText(Golden.PathOf("contracts", "partial-capitation.vbc"));
        var diff = Compare(text, text.Replace("dialysis", "dialysis_cost"));
        var change = Assert.Single(diff.Changes);
        Assert.Equal(("name-renamed", "data.dialysis_cost"), (change.Rule, change.Id));
        Assert.Equal("Renames the column dialysis to dialysis_cost; its definition and uses are unchanged.", change.Sentence);
    }

    [Fact]
    public void A_rewritten_population_condition_is_one_change()
    {
        string text = File.ReadAllText(Golden.PathOf("contracts", "partial-capitation.vbc"));
        var diff = Compare(text, text.Replace("exclude: hospice", "exclude: hospice or not attributed"));
        var change = Assert.Single(diff.Changes);
        Assert.Equal("item-changed", change.Rule);
        Assert.StartsWith("population.exclude[", change.Id);
        Assert.Equal("The exclude of population changes from hospice to hospice or not attributed.", change.Sentence);
        Assert.Equal(ChangeDirection.Depends, change.Direction);

        // Two conditions added at once are two additions.
        var two = Compare(text, text.Replace("exclude: hospice", "exclude: hospice, not attributed, dialysis > $100,000"));
        Assert.Equal(2, two.Changes.Count);
        Assert.All(two.Changes, c => Assert.Equal("item-added", c.Rule));
    }

    [Fact]
    public void A_cap_added_favours_the_payer_and_a_minimum_savings_rate_of_zero_is_no_change()
    {
        string Savings(string extra) => $$"""
            contract "S" {
              period: 2024-01-01 to 2024-12-31
            }

            benchmark {
              total: $1,000,000.00
            }

            cost {
              actual: $900,000.00
            }

            shared savings {
              rate: 50%
            {{extra}}}
            """;
        var capped = Compare(Savings(""), Savings("  cap: $50,000.00\n"));
        Assert.Equal(ChangeDirection.FavoursPayer, Assert.Single(capped.Changes).Direction);
        Assert.True(Compare(Savings(""), Savings("  minimum savings rate: 0%\n")).IsEmpty);
        var msr = Assert.Single(Compare(Savings(""), Savings("  minimum savings rate: 2%\n")).Changes);
        Assert.Equal(ChangeDirection.FavoursPayer, msr.Direction);
        Assert.Equal("setting-added", msr.Rule);
    }

    [Fact]
    public void Contracts_of_different_kinds_give_a_diff_that_says_so()
    {
        var result = CliRunner.Run("diff", "contracts/bundle-bpci.vbc", "contracts/mssp-basic-a.vbc");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("contract.kind", result.Output);
        Assert.Contains("The versions are contracts of different kinds: bundle in the old, shared savings in the new.", result.Output);
        var diff = Diff("contracts/bundle-bpci.vbc", "contracts/mssp-basic-a.vbc");
        Assert.True(diff.KindsDiffer);
        Assert.Equal("contract.kind", diff.Changes[0].Id);
        Assert.Contains(diff.Changes, c => c.Id == "bundle.clinical-episodes" && c.Rule == "clause-removed");
    }

    [Fact]
    public void Fail_on_counts_only_the_changes_that_matter_to_that_side()
    {
        // The capitation amendment: rate up (provider), stop-loss attachment up and coinsurance down (payer), version (neutral).
        string old = "contracts/partial-capitation.vbc", amended = "contracts/partial-capitation-amendment.vbc";
        Assert.Equal(1, CliRunner.Run("diff", old, amended, "--fail-on", "payer").ExitCode);
        Assert.Equal(1, CliRunner.Run("diff", old, amended, "--fail-on", "provider").ExitCode);
        Assert.Equal(1, CliRunner.Run("diff", old, amended, "--fail-on", "any").ExitCode);

        // Only a version and a name changed: neutral, so a review pipeline passes with any --fail-on, but the diff still lists them.
        string dir = Directory.CreateTempSubdirectory("vbc-diff-").FullName;
        try
        {
            string text = File.ReadAllText(Golden.PathOf(old));
            File.WriteAllText(Path.Combine(dir, "old.vbc"), text);
            File.WriteAllText(Path.Combine(dir, "new.vbc"), text.Replace("version: \"2024.2\"", "version: \"2024.9\""));
            var plain = CliRunner.RunIn(dir, "diff", "old.vbc", "new.vbc");
            Assert.Equal(1, plain.ExitCode);
            Assert.Contains("neutral          contract.version", plain.Output);
            foreach (var side in new[] { "payer", "provider", "any" })
            {
                Assert.Equal(0, CliRunner.RunIn(dir, "diff", "old.vbc", "new.vbc", "--fail-on", side).ExitCode);
            }

            // A rate cut alone: the payer's reviewers are asked, the provider's are not... except that provider reviewers
            // are asked about changes that favour the provider, and this one favours the payer.
            File.WriteAllText(Path.Combine(dir, "cut.vbc"), text.Replace("$322.00 PMPM", "$300.00 PMPM"));
            Assert.Equal(1, CliRunner.RunIn(dir, "diff", "old.vbc", "cut.vbc", "--fail-on", "payer").ExitCode);
            Assert.Equal(0, CliRunner.RunIn(dir, "diff", "old.vbc", "cut.vbc", "--fail-on", "provider").ExitCode);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Out_writes_the_diff_to_a_file_and_the_summary_to_the_terminal()
    {
        string dir = Directory.CreateTempSubdirectory("vbc-diff-").FullName;
        try
        {
            string path = Path.Combine(dir, "redline.html");
            var result = CliRunner.Run("diff", "contracts/partial-capitation.vbc", "contracts/partial-capitation-amendment.vbc", "--format", "html", "--out", path);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal("", result.Output);
            Assert.Contains("4 changes: 1 favours the provider, 2 favours the payer, 1 neutral, 0 depends on the data, 0 unclassified.", result.Error);
            Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_contract_with_errors_is_reported_and_exits_2()
    {
        string dir = Directory.CreateTempSubdirectory("vbc-diff-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "bad.vbc"), "contract \"x\" {\n  period: 2024-01-01 to 2024-12-31\n}\n\nshared savings {\n  rate: 50\n}\n");
            File.Copy(Golden.PathOf("contracts", "partial-capitation.vbc"), Path.Combine(dir, "good.vbc"));
            var result = CliRunner.RunIn(dir, "diff", "good.vbc", "bad.vbc");
            Assert.Equal(2, result.ExitCode);
            Assert.Equal("", result.Output);
            Assert.Matches(@"bad\.vbc\(\d+,\d+\): error VBC\d{4}", result.Error);
            Assert.Contains("a contract is compared only once it checks clean", result.Error);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// Every example against every example: no crash; a contract against itself is empty; any two different examples
    /// differ; and the diff read backwards has as many changes, with the provider's and the payer's counts swapped.
    /// </summary>
    [Fact]
    public void Every_pair_of_examples_compares_and_reads_the_same_backwards()
    {
        var contracts = Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => Vbc.Plugins.PluginHost.Bind(ContractParser.ParseFile(p))).ToList();
        foreach (var a in contracts)
        {
            Assert.True(ContractDiff.Compare(a, a).IsEmpty, a.Source.Path);
            foreach (var b in contracts.Where(b => b != a))
            {
                var forward = ContractDiff.Compare(a, b);
                var backward = ContractDiff.Compare(b, a);
                string pair = $"{a.Source.Path} -> {b.Source.Path}";
                if (Path.GetFileName(b.Source.Path) != "mssp-basic-a-restyled.vbc" && Path.GetFileName(a.Source.Path) != "mssp-basic-a-restyled.vbc")
                {
                    Assert.False(forward.IsEmpty, pair);
                }
                Assert.True(forward.Changes.Count == backward.Changes.Count, $"{pair}: {forward.Changes.Count} forward, {backward.Changes.Count} backward");
                Assert.Equal(forward.Count(ChangeDirection.FavoursProvider), backward.Count(ChangeDirection.FavoursPayer));
                Assert.Equal(forward.Count(ChangeDirection.FavoursPayer), backward.Count(ChangeDirection.FavoursProvider));
                Assert.Equal(forward.Count(ChangeDirection.Neutral), backward.Count(ChangeDirection.Neutral));
                Assert.Equal(forward.KindsDiffer, backward.KindsDiffer);
            }
        }
    }

    /// <summary>A setting of a shape the model does not know (a plug-in's) is kept by its text: its change is listed as unclassified, never dropped.</summary>
    [Fact]
    public void A_setting_of_an_unknown_shape_is_reported_unclassified()
    {
        string text = File.ReadAllText(Golden.PathOf("contracts", "partial-capitation.vbc"));
        var old = Binder.Bind(ContractParser.Parse(text, "old.vbc"));
        var @new = Binder.Bind(ContractParser.Parse(text.Replace("$322.00 PMPM", "$335.00 PMPM"), "new.vbc"));
        var capitation = @new.Clauses.Single(c => c.Kind.Keyword == "capitation");
        var rate = capitation.Setting("rate")!;
        capitation.AddSetting("rate", new UnknownShape(rate.Spec, rate.Syntax));
        var change = Assert.Single(ContractDiff.Compare(old, @new).Changes);
        Assert.Equal(("capitation.rate", ChangeDirection.Unclassified), (change.Id, change.Direction));
        Assert.Equal("$335.00 PMPM", change.New);
        Assert.True(ContractDiff.Compare(@new, @new).IsEmpty);
    }

    private sealed record UnknownShape(Vbc.Clauses.ParameterSpec Spec, Vbc.Syntax.EntrySyntax Syntax) : BoundSetting(Spec, Syntax);

    [Fact]
    public void A_file_that_cannot_be_read_exits_2_and_says_which()
    {
        var result = CliRunner.Run("diff", "contracts/no-such-contract.vbc", "contracts/mssp-basic-a.vbc");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Output);
        Assert.Contains("cannot read the contract file 'contracts/no-such-contract.vbc': it does not exist", result.Error);
    }

    internal static ContractDiff Diff(string oldFile, string newFile) =>
        ContractDiff.Compare(Vbc.Plugins.PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf(oldFile))), Vbc.Plugins.PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf(newFile))));

    internal static ContractDiff Compare(string oldText, string newText)
    {
        var old = Binder.Bind(ContractParser.Parse(oldText, "old.vbc"));
        var @new = Binder.Bind(ContractParser.Parse(newText, "new.vbc"));
        Assert.False(old.HasErrors, string.Join("\n", old.Diagnostics));
        Assert.False(@new.HasErrors, string.Join("\n", @new.Diagnostics));
        return ContractDiff.Compare(old, @new);
    }

    private static string Corridor(string bands) => $$"""
        contract "C" {
          period: 2024-01-01 to 2024-12-31
        }

        benchmark {
          total: $1,000,000.00
        }

        cost {
          actual: $900,000.00
        }

        corridor "C" {
          bands: {
            {{bands}}
          }
        }
        """;

    private static string Capitation(string values, string rateName) => $$"""
        contract "Cap" {
          period: 2024-01-01 to 2024-12-31
        }

        data {
          member_id: id
          member_months: member_months
          professional: money
        }

        {{values}}
        capitation {
          rate: {{rateName}}
          services: professional
        }
        """;
}
