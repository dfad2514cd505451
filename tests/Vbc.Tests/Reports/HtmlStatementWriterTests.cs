using System.Text.RegularExpressions;
using System.Xml.Linq;
using Vbc.Diagnostics;
using Vbc.Parsing;
using Vbc.Reports;
using Vbc.Reports.Html;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Infrastructure;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Reports;

/// <summary>
/// The HTML statement: a self-contained page that parses as XML, holds every payment line and the total as the
/// text statement prints them, draws the waterfall with labelled bars, escapes everything it prints, and is the
/// same bytes for the same statement. One example is a golden file (tests/baselines/statements/*.html).
/// </summary>
public class HtmlStatementWriterTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Example contracts with the data and inputs they settle on (benchmark, loss, capitation, bundle, corridor, P4P, zero).</summary>
    public static TheoryData<string, string?, string[]> Examples() => new()
    {
        { "contracts/reach-professional.vbc", "seeds/members.csv", new[] { "quality_score=90%" } },
        { "contracts/mssp-basic-a.vbc", "seeds/members.csv", new[] { "quality_score=92%", "assigned_beneficiaries=9139" } },
        { "contracts/mssp-basic-e.vbc", "seeds/members.csv", new[] { "quality_score=92%", "participant_revenue=4000000" } },
        { "contracts/partial-capitation.vbc", "seeds/members.csv", Array.Empty<string>() },
        { "contracts/bundle-bpci.vbc", "seeds/episodes.csv", new[] { "quality_score=85%" } },
        { "contracts/aca-risk-corridor.vbc", "seeds/members-commercial.csv", new[] { "target_amount=13065000" } },
        { "contracts/pay-for-performance.vbc", "seeds/members.csv", Array.Empty<string>() },
        { "contracts/ny-vbp-level-1.vbc", "seeds/members.csv", Array.Empty<string>() },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_page_is_well_formed_self_contained_and_complete(string contract, string? data, string[] inputs)
    {
        var statement = Settle(contract, data, inputs);
        string html = HtmlStatementWriter.Write(statement);
        var page = Load(html);

        AssertSelfContained(html);

        // Every payment line and the total, exactly as Display.Money prints them, in the payments table.
        var payments = Section(page, "payments");
        var rows = payments.Descendants("tr").Select(r => r.Elements("td").Select(td => td.Value).ToList()).Where(r => r.Count > 0).ToList();
        foreach (var line in statement.Components)
        {
            Assert.Contains(HtmlText.Escape(line.Label), html);
            Assert.Contains(rows, r => r[0] == line.Label && r[^1] == Display.Money(line.Amount!.Value));
        }
        Assert.Equal(Display.Money(statement.Total), rows[^1][^1]);
        Assert.Contains(Display.Money(statement.Total), Header(page));

        // Every line of the arithmetic, under its clause with the clause's source location.
        var arithmetic = Section(page, "arithmetic").Value;
        foreach (var line in statement.Lines)
        {
            Assert.Contains(line.Label, arithmetic);
            Assert.Contains(line.Formula, arithmetic);
            if (line.Source is { } source)
            {
                Assert.Contains(source.ToString(), arithmetic);
            }
        }

        // The population and the dollars in and out.
        if (statement.Population is { CostMeasured: true } p)
        {
            Assert.Contains(Display.Money(p.InputCost), Section(page, "population").Value);
            Assert.Contains(Display.Money(p.CountedCost), Section(page, "dollars").Value);
            Assert.Contains("Check passed", Section(page, "dollars").Value);
        }
        else if (statement.Population is not null)
        {
            // No cost clause: no dollars are measured, so none are shown (a $0.00 there would not be zero).
            Assert.DoesNotContain("$", Section(page, "population").Value);
            Assert.Contains("Not measured", Section(page, "dollars").Value);
            Assert.DoesNotContain("$", Section(page, "dollars").Value);
        }

        // Same statement, same bytes.
        Assert.Equal(html, HtmlStatementWriter.Write(statement));
        Assert.Equal(html, HtmlStatementWriter.Write(Settle(contract, data, inputs)));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Waterfall_labels_every_bar_with_its_amount(string contract, string? data, string[] inputs)
    {
        var statement = Settle(contract, data, inputs);
        var page = Load(HtmlStatementWriter.Write(statement));
        var svgs = page.Descendants(Svg + "svg").Where(s => (string?)s.Attribute("class") == "waterfall").ToList();
        Assert.NotEmpty(svgs);
        foreach (var svg in svgs)
        {
            Assert.False(string.IsNullOrWhiteSpace(svg.Element(Svg + "title")?.Value), "each panel has a title");
            Assert.False(string.IsNullOrWhiteSpace(svg.Element(Svg + "desc")?.Value), "each panel has a description");
        }
        var amounts = AmountLabels(svgs);

        var benchmark = statement.Lines.FirstOrDefault(l => l.Id.EndsWith("benchmark.total", StringComparison.Ordinal));
        var actual = statement.Lines.FirstOrDefault(l => l.Id.EndsWith("cost.actual", StringComparison.Ordinal));
        if (benchmark is not null && actual is not null)
        {
            Assert.Equal(2, svgs.Count);
            decimal b = benchmark.Value!.Value;
            decimal a = actual.Value!.Value;
            var savings = statement.Lines.Single(l => l.Id.EndsWith("benchmark.savings", StringComparison.Ordinal));
            // Chart labels are to the cent, marked ~ where that rounds the exact value.
            Assert.Equal(new[] { Display.Cents(b), Display.Cents(-a), Display.Cents(savings.Value!.Value) }, AmountLabels(svgs.Take(1)));
            var names = Categories(svgs[0]);
            Assert.Equal(new[] { "Benchmark", "less Actual cost", savings.Value < 0 ? "= Gross losses" : "= Gross savings" }, names);
        }
        else
        {
            Assert.Single(svgs);
        }

        // The payments panel: each component, then the total.
        var expected = statement.Components.Select(c => Display.Money(c.Amount!.Value)).Append(Display.Money(statement.Total));
        Assert.Equal(expected, AmountLabels(svgs.TakeLast(1)));
        Assert.Equal("= Total", Categories(svgs[^1]).Last());
        Assert.Contains(Display.Money(statement.Total), amounts);

        // The accessible table holds the same numbers as the bars.
        var table = Section(page, "chart").Descendants("table").Single();
        var tableAmounts = table.Descendants("tr").Select(r => r.Elements("td").ToList()).Where(c => c.Count == 3).Select(c => c[1].Value).ToList();
        Assert.Equal(amounts, tableAmounts);
    }

    [Fact]
    public void Payments_bars_step_from_zero_to_the_total()
    {
        var statement = Settle("contracts/reach-professional.vbc", "seeds/members.csv", new[] { "quality_score=90%" });
        var panels = Waterfall.Panels(statement);
        Assert.Equal(2, panels.Count);
        var payments = panels[1].Bars;
        decimal level = 0m;
        foreach (var bar in payments.Take(payments.Count - 1))
        {
            Assert.Equal(level, bar.From);
            Assert.Equal(bar.Amount < 0 ? BarKind.Decrease : BarKind.Increase, bar.Kind);
            level = bar.To;
        }
        Assert.Equal(statement.Total, level);
        Assert.Equal((BarKind.Subtotal, 0m, statement.Total), (payments[^1].Kind, payments[^1].From, payments[^1].To));

        // Panel 1 ends where it should: benchmark - actual = gross savings.
        var savings = panels[0].Bars;
        Assert.Equal(savings[1].To, savings[2].To);
    }

    [Fact]
    public void Axis_ticks_are_round_and_include_zero()
    {
        var (min, max, ticks) = Waterfall.Axis(new[] { 56_985_891.99m, 4_574_954.62m });
        Assert.Equal(0m, min);
        Assert.Equal(60_000_000m, max);
        Assert.Equal(new[] { 0m, 20_000_000m, 40_000_000m, 60_000_000m }, ticks);

        (min, max, ticks) = Waterfall.Axis(new[] { -320_000m, 0m });
        Assert.Equal(-400_000m, min);
        Assert.Equal(0m, max);
        Assert.Contains(0m, ticks);

        (min, max, ticks) = Waterfall.Axis(new[] { 0m, 0m });
        Assert.Equal(new[] { 0m }, ticks);
        Assert.True(min < 0 && max > 0, "all zero: the zero line in the middle");

        Assert.Equal("$2.5M", HtmlText.ShortMoney(2_500_000m));
        Assert.Equal("-$300k", HtmlText.ShortMoney(-300_000m));
        Assert.Equal("$0", HtmlText.ShortMoney(0m));
    }

    [Fact]
    public void Everything_printed_is_escaped()
    {
        const string nasty = "Evil <script>alert('x')</script> & \"Co\"";
        var statement = HandMade() with
        {
            Contract = new ContractInfo(nasty, "Payer <b>&amp;</b>", "Provider \"quoted\" & 'single'", "v<1>", new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)),
            ContractFile = "dir/<odd> & \"name\".vbc",
            Organisation = "Org <&>",
            Level = "A&B",
        };
        string html = HtmlStatementWriter.Write(statement);
        var page = Load(html);
        AssertSelfContained(html);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("Evil &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;", html);
        Assert.Contains("Payer &lt;b&gt;&amp;amp;&lt;/b&gt;", html);

        // Read back, the texts are exactly what the statement holds.
        Assert.Equal(nasty, page.Descendants("h1").Single().Value);
        Assert.Equal($"Settlement statement: {nasty}, performance year 2024", page.Descendants("title").First().Value);
        string all = page.Root!.Value;
        foreach (var text in new[] { "dir/<odd> & \"name\".vbc", "Org <&>", "level A&B", "Provider \"quoted\" & 'single'", "x < 1 & y > \"2\"", "label <i>", "<member&>" })
        {
            Assert.Contains(text, all);
        }
        // The chart's labels are escaped too (the component label is in a bar name and its title).
        Assert.Contains(page.Descendants(Svg + "title"), t => t.Value.StartsWith("Bonus <b>\"A&B\"</b>", StringComparison.Ordinal));
    }

    [Fact]
    public void Characters_xml_cannot_hold_are_replaced()
    {
        var statement = HandMade() with { Contract = HandMade().Contract with { Name = "bell\u0007 and lone \ud800 surrogate, pair \U0001F600 kept" } };
        string html = HtmlStatementWriter.Write(statement);
        var page = Load(html);
        Assert.Equal("bell\uFFFD and lone \uFFFD surrogate, pair \U0001F600 kept", page.Descendants("h1").Single().Value);
    }

    [Fact]
    public void Statement_without_benchmark_or_population_shows_data_notes_and_a_failed_check()
    {
        var statement = HandMade();
        string html = HtmlStatementWriter.Write(statement);
        var page = Load(html);

        // No benchmark: one panel, from $0 to the total.
        Assert.Single(page.Descendants(Svg + "svg"), s => (string?)s.Attribute("class") == "waterfall");
        Assert.Contains("Provider pays payer", Header(page));
        Assert.Contains(Display.Money(statement.Total), Header(page));
        Assert.Contains("rounded to the cent, half away from zero", Header(page));

        // The dollars do not add up: the page says so, loudly.
        var dollars = Section(page, "dollars").Value;
        Assert.Contains("CHECK FAILED", dollars);
        Assert.Contains(Display.Money(1m), dollars);
        Assert.DoesNotContain("Check passed", dollars);

        // Data notes: ignored columns, each excluded row with its problem and dollars, claims not counted.
        var notes = Section(page, "notes").Value;
        Assert.Contains("spare_column", notes);
        Assert.Contains("amount 'abc' is not a number", notes);
        Assert.Contains(Display.Money(1234.5m), notes);
        Assert.Contains("claims for 3 member ids that have no row in the member file", notes);
        Assert.Contains(Display.Money(999.99m), notes);
        Assert.Contains("claims.csv", notes);
    }

    [Fact]
    public void Golden_page_for_reach_professional()
    {
        var statement = Settle("contracts/reach-professional.vbc", "seeds/members.csv", new[] { "quality_score=90%" });
        // What the command below records: the same files, hashed, and the same command.
        statement = statement with
        {
            Reproduce = new Reproduction(Provenance.VbcVersion,
                new[]
                {
                    new InputFile("contract", "contracts/reach-professional.vbc", Provenance.Sha256(Golden.PathOf("contracts", "reach-professional.vbc"))),
                    new InputFile("data", "seeds/members.csv", Provenance.Sha256(Golden.PathOf("seeds", "members.csv"))),
                },
                Provenance.CommandLine(new[] { "settle", "contracts/reach-professional.vbc", "--data", "seeds/members.csv", "--input", "quality_score=90%", "--format", "html" })),
        };
        Golden.Verify("tests/baselines/statements/reach-professional.html", HtmlStatementWriter.Write(statement));
    }

    [Fact]
    public void Command_line_html_is_the_golden_page()
    {
        var run = CliRunner.Run("settle", "contracts/reach-professional.vbc", "--data", "seeds/members.csv", "--input", "quality_score=90%", "--format", "html");
        Assert.True(run.ExitCode == 0, run.Error);
        Golden.Verify("tests/baselines/statements/reach-professional.html", run.Output);
    }

    // ---------------------------------------------------------------------------------------------------------

    /// <summary>Settles an example through the public API, with file names relative to the repository root.</summary>
    private static Statement Settle(string contract, string? data, string[] inputs)
    {
        var bound = Binder.Bind(ContractParser.Parse(File.ReadAllText(Golden.PathOf(contract)), contract));
        Assert.False(bound.HasErrors, string.Join("\n", bound.Diagnostics));
        using var source = data is null ? null : new CsvMemberSource(Golden.PathOf(data));
        var result = SettlementEngine.Settle(bound, new SettlementRequest
        {
            Data = source,
            Inputs = inputs.Select(i => i.Split('=', 2)).ToDictionary(p => p[0], p => p[1]),
        });
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var statement = result.Statement!;
        return statement.Data is null ? statement : statement with { Data = statement.Data with { File = data! } };
    }

    /// <summary>A statement made by hand: no benchmark, a loss, excluded rows, claims notes, dollars that do not add up.</summary>
    private static Statement HandMade()
    {
        var at = new Location("hand.vbc", 3, 1);
        var lines = new List<StatementLine>
        {
            new("bonus.a.condition", "bonus", "Condition", LineKind.Note, null, null, "x < 1 & y > \"2\"", at, null),
            new("bonus.a.amount", "bonus", "Bonus <b>\"A&B\"</b>", LineKind.Component, 250m, ValueType.Money, "label <i>", at, 250m),
            new("penalty.amount", "penalty", "Penalty", LineKind.Component, -1000.005m, ValueType.Money, "1,000.005 owed", new Location("hand.vbc", 9, 3), -1000.01m),
        };
        var population = new PopulationSummary(10, 8, 90m,
            new[] { new Exclusion("not included: attributed", "hand.vbc(2,12)", 2, 500m) },
            InputCost: 10_001m, CarvedOut: 0m, TruncationThreshold: null, TruncationRule: null, MembersTruncated: 0, TruncatedExcess: 0m, CountedCost: 9_500m);
        var data = new DataSource("members.csv", new[] { "spare_column" },
            new[] { new ExcludedRow(12, 11, "<member&>", "amount 'abc' is not a number", 1234.5m) },
            "claims.csv",
            new[] { new ClaimsNote("claims for 3 member ids that have no row in the member file", 4, 999.99m) });
        return new Statement(
            new ContractInfo("Hand-made", "Payer", "Provider", "1", new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31)),
            "hand.vbc", 2024, null, null,
            new[] { new InputValue("quality_score", "percent", ValueType.Percent, Value.Of(0.9m)) },
            data, population, lines, 250m - 1000.01m);
    }

    private static XDocument Load(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>\n", html);
        return XDocument.Parse(html["<!DOCTYPE html>".Length..]);
    }

    private static void AssertSelfContained(string html)
    {
        string rest = html.Replace("http://www.w3.org/2000/svg", "");
        Assert.DoesNotContain("http://", rest, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", rest, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", rest, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script", rest, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", rest, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", rest, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@font-face", rest, StringComparison.OrdinalIgnoreCase);
        // The only url(...) references are to patterns in the same page.
        Assert.All(Regex.Matches(rest, @"url\(([^)]*)\)").Select(m => m.Groups[1].Value), target => Assert.StartsWith("#", target));
        Assert.All(Regex.Matches(rest, @"href=""([^""]*)""").Select(m => m.Groups[1].Value), target => Assert.StartsWith("#", target));
    }

    private static XElement Section(XDocument page, string id) =>
        page.Descendants("section").Single(s => (string?)s.Attribute("id") == id);

    private static string Header(XDocument page) => page.Descendants("header").Single().Value;

    private static List<string> AmountLabels(IEnumerable<XElement> svgs) =>
        svgs.SelectMany(s => s.Descendants(Svg + "text")).Where(t => (string?)t.Attribute("class") == "wf-amount").Select(t => t.Value).ToList();

    private static List<string> Categories(XElement svg) =>
        svg.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "wf-label")
            .Select(t => string.Join(" ", t.Elements(Svg + "tspan").Select(s => s.Value))).ToList();
}
