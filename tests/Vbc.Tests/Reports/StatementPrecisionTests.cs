using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Vbc.Reports;
using Vbc.Semantics;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Reports;

/// <summary>
/// Issue 6, items 15 and 17: statements state one display rule and keep it (a shown value without ~ is exact),
/// the JSON carries every input's exact value, a contract without a cost clause never shows dollars it did not
/// measure, and every statement says how to reproduce it (vbc version, SHA-256 of each file read, the command).
/// </summary>
public class StatementPrecisionTests
{
    private static readonly string[] MsspA =
        { "settle", "contracts/mssp-basic-a.vbc", "--data", "seeds/members.csv", "--input", "quality_score=92%", "--input", "assigned_beneficiaries=9139" };

    private static readonly string[] PayForPerformance = { "settle", "contracts/pay-for-performance.vbc", "--data", "seeds/members.csv" };

    [Theory]
    [InlineData("45309930.855", "$45,309,930.855")]
    [InlineData("2136621.791832", "~$2,136,621.7918")]
    [InlineData("786276.82", "$786,276.82")]
    [InlineData("-1000.005", "-$1,000.005")]
    [InlineData("-0.00001", "~$0.00")]
    public void Money_is_shown_exactly_or_marked_rounded(string exact, string shown) =>
        Assert.Equal(shown, Display.Money(decimal.Parse(exact, CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("47446552.646832", "~$47,446,552.65")]
    [InlineData("-45309930.855", "~-$45,309,930.86")]
    [InlineData("786276.82", "$786,276.82")]
    public void Chart_amounts_are_to_the_cent_and_marked_when_rounded(string exact, string shown) =>
        Assert.Equal(shown, Display.Cents(decimal.Parse(exact, CultureInfo.InvariantCulture)));

    [Fact]
    public void Every_value_shown_without_the_mark_is_the_exact_value()
    {
        var json = Json(MsspA);
        int exactShown = 0, rounded = 0;
        foreach (var line in json.RootElement.GetProperty("lines").EnumerateArray())
        {
            if (line.GetProperty("kind").GetString() != "step" || line.GetProperty("unit").GetString() != "money")
            {
                continue;
            }
            decimal exact = decimal.Parse(line.GetProperty("value").GetString()!, CultureInfo.InvariantCulture);
            string shown = Display.Money(exact);
            if (shown.StartsWith(Display.RoundedMark, StringComparison.Ordinal))
            {
                rounded++;
                Assert.NotEqual(exact, ParseMoney(shown[1..]));
            }
            else
            {
                exactShown++;
                Assert.Equal(exact, ParseMoney(shown));
            }
        }
        Assert.True(exactShown > 0 && rounded > 0, "the example has both exact and rounded money steps");
    }

    [Fact]
    public void Text_and_html_state_the_rule_they_apply()
    {
        var text = CliRunner.Run(MsspA).Output;
        Assert.Contains("$45,309,930.855", text);   // exact, with three decimals: allowed by the rule, and not marked
        Assert.Contains("~$2,136,621.7918", text);  // rounded at the 4th decimal: marked
        Assert.DoesNotContain("shown rounded (money to the cent", text);
        Assert.Contains("a value without ~ is exact", text);

        var html = CliRunner.Run(MsspA.Append("--format").Append("html").ToArray()).Output;
        Assert.Contains("a value without ~ is exact", html);
        Assert.DoesNotContain("money to the cent, or to 4 decimals", html);
    }

    [Fact]
    public void Json_carries_each_input_exactly_under_schema_2()
    {
        var json = Json(MsspA);
        Assert.Equal("vbc-statement/2", json.RootElement.GetProperty("schema").GetString());
        var inputs = json.RootElement.GetProperty("inputs").EnumerateArray().ToDictionary(i => i.GetProperty("name").GetString()!);
        Assert.Equal("92%", inputs["quality_score"].GetProperty("value").GetString());
        Assert.Equal(0.92m, decimal.Parse(inputs["quality_score"].GetProperty("exact").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(9139m, decimal.Parse(inputs["assigned_beneficiaries"].GetProperty("exact").GetString()!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Money_input_keeps_digits_the_display_rounds()
    {
        var json = Json(new[] { "settle", "contracts/aca-risk-corridor.vbc", "--data", "seeds/members-commercial.csv", "--input", "target_amount=13065000.123456", "--format", "json" });
        var input = json.RootElement.GetProperty("inputs").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "target_amount");
        Assert.Equal("~$13,065,000.1235", input.GetProperty("value").GetString());
        Assert.Equal("13065000.123456", input.GetProperty("exact").GetString());
    }

    [Fact]
    public void Without_a_cost_clause_no_unmeasured_dollars_are_shown()
    {
        var text = CliRunner.Run(PayForPerformance);
        Assert.Equal(0, text.ExitCode);
        string population = Between(text.Output, "POPULATION", "SETTLEMENT\n");
        Assert.DoesNotContain("$", population);
        Assert.Contains("Not measured: the contract has no cost clause", population);
        Assert.Contains("not included: attributed", population);

        var json = Json(PayForPerformance);
        var p = json.RootElement.GetProperty("population");
        Assert.False(p.GetProperty("costMeasured").GetBoolean());
        Assert.Equal(JsonValueKind.Null, p.GetProperty("dollars").ValueKind);
        Assert.All(p.GetProperty("exclusions").EnumerateArray(), e => Assert.Equal(JsonValueKind.Null, e.GetProperty("cost").ValueKind));

        // With a cost clause the dollars are measured and shown.
        var measured = Json(MsspA).RootElement.GetProperty("population");
        Assert.True(measured.GetProperty("costMeasured").GetBoolean());
        Assert.Equal("54470417.04", measured.GetProperty("dollars").GetProperty("input").GetString());
    }

    [Fact]
    public void Statements_say_how_to_reproduce_them_with_the_hashes_of_the_files_read()
    {
        var json = Json(MsspA);
        var r = json.RootElement.GetProperty("reproduce");
        Assert.Equal(Provenance.VbcVersion, r.GetProperty("vbcVersion").GetString());
        Assert.DoesNotContain("+", Provenance.VbcVersion);
        var files = r.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(new[] { "contract", "data" }, files.Select(f => f.GetProperty("role").GetString()));
        foreach (var f in files)
        {
            string expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Golden.PathOf(f.GetProperty("path").GetString()!))));
            Assert.Equal(expected, f.GetProperty("sha256").GetString());
        }
        Assert.Equal("vbc " + string.Join(' ', MsspA) + " --format json", r.GetProperty("command").GetString());

        var text = CliRunner.Run(MsspA).Output;
        Assert.Contains("REPRODUCE", text);
        Assert.Contains(files[1].GetProperty("sha256").GetString()!, text);
        Assert.Contains("vbc version     " + Provenance.VbcVersion, text);

        var html = CliRunner.Run(MsspA.Append("--format").Append("html").ToArray()).Output;
        Assert.Contains("id=\"reproduce\"", html);
        Assert.Contains(files[0].GetProperty("sha256").GetString()!, html);
    }

    [Fact]
    public void Command_arguments_are_quoted_for_a_shell_and_a_missing_file_has_no_hash()
    {
        Assert.Equal("vbc settle 'my contract.vbc' --input 'name=it'\\''s'", Provenance.CommandLine(new[] { "settle", "my contract.vbc", "--input", "name=it's" }));
        Assert.Null(Provenance.Sha256(Golden.PathOf("no-such-file.csv")));
    }

    private static JsonDocument Json(string[] args)
    {
        var run = CliRunner.Run(args.Contains("--format") ? args : args.Append("--format").Append("json").ToArray());
        Assert.True(run.ExitCode == 0, run.Error);
        return JsonDocument.Parse(run.Output);
    }

    private static decimal ParseMoney(string shown) =>
        decimal.Parse(shown.Replace("$", "").Replace(",", ""), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    private static string Between(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.Ordinal);
        int to = text.IndexOf(end, from, StringComparison.Ordinal);
        return text[from..to];
    }
}

/// <summary>
/// Issue 6, item 17: the HTML statement printed or saved as PDF. Checked by eye in headless Chromium (print to PDF,
/// then the pages as images); these tests keep what made it right, without Chromium in the suite.
/// </summary>
public class HtmlPrintTests
{
    [Fact]
    public void Printed_pages_are_numbered_and_named()
    {
        string html = CliRunner.Run("settle", "contracts/reach-professional.vbc", "--data", "seeds/members.csv", "--input", "quality_score=90%", "--format", "html").Output;
        string style = html[html.IndexOf("<style>", StringComparison.Ordinal)..html.IndexOf("</style>", StringComparison.Ordinal)];
        Assert.Matches(@"@page \{[^@]*@bottom-right \{\s*content: ""Page "" counter\(page\) "" of "" counter\(pages\);", style);
        Assert.Contains("@bottom-left {\n    content: \"ACO REACH Professional (example DCE), performance year 2024\";", style);
    }

    [Fact]
    public void The_chart_prints_whole_with_its_panels_side_by_side()
    {
        string css = Vbc.Reports.Html.StatementStyle.Css;
        string print = css[css.IndexOf("@media print", StringComparison.Ordinal)..];
        Assert.Contains("figure.waterfall { break-inside: avoid;", print);
        Assert.Contains(".panels { flex-wrap: nowrap;", print);
        Assert.Contains(".panels svg { flex: 0 1 auto; min-width: 0;", print);
        Assert.Contains("#chart h2 { break-after: avoid;", print);
    }

    [Theory]
    [InlineData("Plain name, 2024", "\"Plain name, 2024\"")]
    [InlineData("A \"quoted\" name", "\"A \\22 quoted\\22  name\"")]
    [InlineData("</style><script>&", "\"\\3C /style\\3E \\3C script\\3E \\26 \"")]
    [InlineData("line\nbreak\\", "\"line\\FFFD break\\5C \"")]
    public void Names_in_the_page_margin_cannot_break_out_of_the_style(string name, string css) =>
        Assert.Equal(css, Vbc.Reports.Html.HtmlText.CssString(name));
}
