using System.Text.Json;
using System.Text.RegularExpressions;
using Vbc.Diagnostics;
using Vbc.Reports;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Reports;

/// <summary>
/// Issue 6, item 16: "did you mean" for a mistyped command; <c>vbc check --format json|sarif</c>; every diagnostic
/// linked to its section of docs/diagnostics.md.
/// </summary>
public class CheckOutputTests
{
    private const string Invalid = "tests/invalid/wrong-units.vbc";

    [Theory]
    [InlineData("setle", "Did you mean 'settle'?")]
    [InlineData("chek", "Did you mean 'check'?")]
    [InlineData("conformence", "Did you mean 'conformance'?")]
    [InlineData("frobnicate", "'frobnicate' is not a vbc command. Commands: check, fmt, settle, diff, sql, generate, conformance, test, curve, lsp, doc.")]
    public void A_mistyped_command_gets_a_suggestion(string typed, string expected)
    {
        var run = CliRunner.Run(typed, "contracts/mssp-basic-a.vbc");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public void Check_json_lists_each_diagnostic_with_its_position_and_help_link()
    {
        var run = CliRunner.Run("check", Invalid, "contracts/mssp-basic-a.vbc", "--format", "json");
        Assert.Equal(1, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var root = doc.RootElement;
        Assert.Equal("vbc-diagnostics/1", root.GetProperty("schema").GetString());
        var diagnostics = root.GetProperty("diagnostics").EnumerateArray().ToList();
        Assert.Equal(7, diagnostics.Count);
        Assert.Equal(7, root.GetProperty("errors").GetInt32());
        Assert.Equal(new[] { 7, 0 }, root.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("errors").GetInt32()));
        var first = diagnostics[0];
        Assert.Equal("VBC2007", first.GetProperty("code").GetString());
        Assert.Equal("error", first.GetProperty("severity").GetString());
        Assert.Equal(Invalid, first.GetProperty("file").GetString());
        Assert.Equal(21, first.GetProperty("line").GetInt32());
        Assert.Equal(9, first.GetProperty("column").GetInt32());
        Assert.All(diagnostics, d => AssertLinksToItsSection(d.GetProperty("code").GetString()!, d.GetProperty("help").GetString()!));
    }

    [Fact]
    public void Check_sarif_has_the_shape_ci_systems_read()
    {
        var run = CliRunner.Run("check", Invalid, "contracts/no-such-contract.vbc", "--format", "sarif");
        Assert.Equal(2, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Output);
        var root = doc.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        Assert.Contains("sarif-schema-2.1.0.json", root.GetProperty("$schema").GetString());
        var sarifRun = root.GetProperty("runs").EnumerateArray().Single();
        var driver = sarifRun.GetProperty("tool").GetProperty("driver");
        Assert.Equal("vbc", driver.GetProperty("name").GetString());
        Assert.Equal(Provenance.VbcVersion, driver.GetProperty("version").GetString());

        var rules = driver.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(new[] { "VBC0002", "VBC2007", "VBC2008" }, rules.Select(r => r.GetProperty("id").GetString()));
        foreach (var rule in rules)
        {
            string id = rule.GetProperty("id").GetString()!;
            Assert.Equal(DiagnosticHelp.Title(id), rule.GetProperty("shortDescription").GetProperty("text").GetString());
            string help = rule.GetProperty("helpUri").GetString()!;
            Assert.True(Uri.TryCreate(help, UriKind.Absolute, out _), $"helpUri must be absolute: {help}");
            AssertLinksToItsSection(id, help);
        }

        string root0 = sarifRun.GetProperty("originalUriBaseIds").GetProperty("SRCROOT").GetProperty("uri").GetString()!;
        Assert.EndsWith("/", root0);
        var results = sarifRun.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(8, results.Count);
        foreach (var result in results)
        {
            string ruleId = result.GetProperty("ruleId").GetString()!;
            Assert.Equal(ruleId, rules[result.GetProperty("ruleIndex").GetInt32()].GetProperty("id").GetString());
            Assert.Contains(result.GetProperty("level").GetString(), new[] { "error", "warning", "note" });
            Assert.False(string.IsNullOrWhiteSpace(result.GetProperty("message").GetProperty("text").GetString()));
            var physical = result.GetProperty("locations").EnumerateArray().Single().GetProperty("physicalLocation");
            var artifact = physical.GetProperty("artifactLocation");
            Assert.Equal("SRCROOT", artifact.GetProperty("uriBaseId").GetString());
            var file = new Uri(new Uri(root0), artifact.GetProperty("uri").GetString()!);
            if (ruleId == "VBC0002")
            {
                // The unreadable file: the location names it, with no region.
                Assert.EndsWith("contracts/no-such-contract.vbc", file.AbsolutePath);
                Assert.False(physical.TryGetProperty("region", out _));
                continue;
            }
            Assert.True(File.Exists(file.LocalPath), $"the location points at the file: {file}");
            var region = physical.GetProperty("region");
            int line = region.GetProperty("startLine").GetInt32();
            int column = region.GetProperty("startColumn").GetInt32();
            Assert.InRange(line, 1, File.ReadAllLines(file.LocalPath).Length);
            Assert.InRange(column, 1, File.ReadAllLines(file.LocalPath)[line - 1].Length + 1);
        }
        // The first result is the text diagnostic's position: 1-based line and column, as printed.
        var firstRegion = results[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        Assert.Equal((21, 9), (firstRegion.GetProperty("startLine").GetInt32(), firstRegion.GetProperty("startColumn").GetInt32()));
    }

    [Fact]
    public void Text_output_stays_one_line_per_diagnostic_and_says_once_where_codes_are_explained()
    {
        var run = CliRunner.Run("check", Invalid);
        Assert.Equal(1, run.ExitCode);
        Assert.All(run.Output.TrimEnd('\n').Split('\n'), l => Assert.Matches(@"^tests/invalid/wrong-units\.vbc\(\d+,\d+\): error VBC\d{4}: ", l));
        var hint = run.Error.Split('\n').Single(l => l.StartsWith("Each code is explained in ", StringComparison.Ordinal));
        Assert.Contains("VBC2007 (#vbc2007-a-value-of-the-wrong-type-or-unit)", hint);
        Assert.DoesNotContain("Each code", CliRunner.Run("check", "contracts/mssp-basic-a.vbc").Error);
    }

    [Fact]
    public void Every_documented_code_has_a_title_and_an_anchor_that_matches_its_heading()
    {
        var headings = File.ReadAllLines(Golden.PathOf("docs", "diagnostics.md")).Where(l => Regex.IsMatch(l, @"^## VBC\d{4}: ")).ToList();
        Assert.NotEmpty(headings);
        foreach (var heading in headings)
        {
            string code = heading[3..10];
            Assert.Equal(heading[12..].Trim(), DiagnosticHelp.Title(code));
            Assert.StartsWith(code.ToLowerInvariant() + "-", DiagnosticHelp.Anchor(code));
            Assert.DoesNotMatch("[^a-z0-9_-]", DiagnosticHelp.Anchor(code));
        }
    }

    /// <summary>The link is the shipped docs/diagnostics.md (or the configured address) and its anchor is the code's heading.</summary>
    private static void AssertLinksToItsSection(string code, string link)
    {
        Assert.Equal(DiagnosticHelp.Link(code), link);
        var uri = new Uri(link);
        if (uri.IsFile)
        {
            Assert.True(File.Exists(uri.LocalPath), $"{uri.LocalPath} ships with vbc");
            Assert.Contains($"## {code}: {DiagnosticHelp.Title(code)}", File.ReadAllText(uri.LocalPath));
        }
        Assert.Equal("#" + DiagnosticHelp.Anchor(code), uri.Fragment);
    }
}
