using System.Globalization;
using System.Text;
using System.Text.Json;
using Vbc.Portfolio;
using Vbc.Reports.Html;
using Vbc.Semantics;
using Vbc.Settlement;
using static Vbc.Reports.Html.HtmlText;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Reports;

/// <summary>
/// A portfolio's result (one contract settled for many organisations) as CSV, JSON and one HTML page: a row per
/// organisation with its key figures and payment lines, and a TOTAL row. The total row sums what adds up across
/// organisations (members, member months, benchmark, actual, each payment line, the total) over the organisations
/// settled, and leaves blank what does not (performance year, savings rate, minimum savings rate, quality). A figure
/// some settled organisation lacks is left blank in the total too, rather than summed over the others.
/// </summary>
public static class PortfolioWriters
{
    /// <summary>The payment lines of every settled organisation, by id in order of first appearance, with their labels.</summary>
    private static List<(string Id, string Label)> PaymentColumns(PortfolioResult result) =>
        result.Entries.Where(e => e.Result.Succeeded)
            .SelectMany(e => e.Result.Statement!.Components)
            .GroupBy(c => c.Id)
            .Select(g => (g.Key, g.First().Label))
            .ToList();

    /// <summary>The sums of the total row; a null where the figure is not summed.</summary>
    public sealed record Totals(int Settled, int Failed, long? Members, decimal? MemberMonths, decimal? Benchmark, decimal? Actual,
        IReadOnlyList<(string Id, string Label, decimal? Amount)> Payments, decimal Total);

    public static Totals TotalsOf(PortfolioResult result)
    {
        var settled = result.Entries.Where(e => e.Figures is not null).ToList();
        T? Sum<T>(Func<KeyFigures, T?> figure, Func<T, T, T> add) where T : struct =>
            settled.Count > 0 && settled.All(e => figure(e.Figures!) is not null)
                ? settled.Select(e => figure(e.Figures!)!.Value).Aggregate(add)
                : null;
        var payments = PaymentColumns(result).Select(p =>
        {
            // A line an organisation's statement does not have is $0.00 for it (its contract paid nothing on that line).
            decimal amount = settled.Sum(e => e.Result.Statement!.Components.FirstOrDefault(c => c.Id == p.Id)?.Amount ?? 0m);
            return (p.Id, p.Label, (decimal?)amount);
        }).ToList();
        return new Totals(settled.Count, result.Entries.Count - settled.Count,
            Sum(f => f.Members, (a, b) => a + b), Sum(f => f.MemberMonths, (a, b) => a + b),
            Sum(f => f.Benchmark, (a, b) => a + b), Sum(f => f.Actual, (a, b) => a + b),
            payments, settled.Sum(e => e.Result.Statement!.Total));
    }

    // ---------------------------------------------------------------------------------------------------------
    // CSV

    /// <summary>
    /// One row per organisation (its key figures, total and payment lines, exact: money and rates as plain decimals,
    /// rates as fractions), then the TOTAL row (status <c>total</c>).
    /// </summary>
    public static string Csv(PortfolioResult result)
    {
        var payments = PaymentColumns(result);
        var o = new StringBuilder();
        var header = new[] { "organisation", "performance_year", "status", "total", "members", "member_months", "benchmark", "actual", "savings_rate", "minimum_savings_rate", "quality" }
            .Concat(payments.Select(p => CsvText(p.Label))).Append("problem");
        o.Append(string.Join(",", header)).Append('\n');
        foreach (var entry in result.Entries)
        {
            var cells = new List<string> { CsvText(entry.Organisation) };
            if (entry.Result.Statement is { } s && entry.Figures is { } f)
            {
                cells.Add(s.PerformanceYear.ToString(CultureInfo.InvariantCulture));
                cells.Add("settled");
                cells.Add(Number(s.Total));
                cells.AddRange(Figures(f));
                var amounts = s.Components.ToDictionary(c => c.Id, c => c.Amount!.Value);
                cells.AddRange(payments.Select(p => amounts.TryGetValue(p.Id, out var a) ? Number(a) : ""));
                cells.Add("");
            }
            else
            {
                cells.AddRange(new[] { "", "failed", "" });
                cells.AddRange(Enumerable.Repeat("", 7 + payments.Count));
                cells.Add(CsvText(string.Join(" | ", entry.Result.Diagnostics.Select(d => d.ToString()))));
            }
            o.Append(string.Join(",", cells)).Append('\n');
        }
        var t = TotalsOf(result);
        var total = new List<string> { "TOTAL", "", "total", Number(t.Total), t.Members?.ToString(CultureInfo.InvariantCulture) ?? "",
            Number(t.MemberMonths), Number(t.Benchmark), Number(t.Actual), "", "", "" };
        total.AddRange(t.Payments.Select(p => Number(p.Amount)));
        total.Add(CsvText(SumsNote(t)));
        o.Append(string.Join(",", total)).Append('\n');
        return o.ToString();
    }

    /// <summary>What the total row sums over, in words (the CSV's problem cell of the TOTAL row).</summary>
    private static string SumsNote(Totals t)
    {
        string settled = t.Settled == 1 ? "the 1 organisation settled" : $"the {t.Settled} organisations settled";
        return t.Failed == 0 ? $"sums over {settled}" : $"sums over {settled}; {t.Failed} failed {(t.Failed == 1 ? "is" : "are")} not included";
    }

    private static IEnumerable<string> Figures(KeyFigures f) => new[]
    {
        f.Members?.ToString(CultureInfo.InvariantCulture) ?? "", Number(f.MemberMonths), Number(f.Benchmark), Number(f.Actual),
        Number(f.SavingsRate), Number(f.MinimumSavingsRate), Number(f.Quality),
    };

    private static string Number(decimal? value) => value is { } v ? JsonStatementWriter.Exact(v) : "";

    /// <summary>
    /// A text cell of a CSV vbc writes: quoted when needed, and a cell a spreadsheet would run as a formula (starting
    /// with = + - @, a tab or a carriage return) starts with an apostrophe instead (OWASP's rule for CSV injection).
    /// Numbers vbc writes itself do not pass here, so a negative amount stays a number.
    /// </summary>
    public static string CsvText(string text)
    {
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }
        return text.IndexOfAny(new[] { ',', '"', '\n', '\r', '\'' }) >= 0 ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
    }

    // ---------------------------------------------------------------------------------------------------------
    // JSON

    /// <summary>
    /// <c>vbc-statements/2</c>: the statements and failures as before, and (added within the version) <c>portfolio</c>:
    /// each organisation's key figures, the totals, the organisations of the data not listed, and where the dollars went.
    /// </summary>
    public static string Json(PortfolioResult result)
    {
        var statements = result.Entries.Where(e => e.Result.Succeeded).Select(e => e.Result.Statement!).ToList();
        var failures = result.Entries.Where(e => !e.Result.Succeeded).Select(e => (e.Organisation, e.Result.Diagnostics)).ToList();
        return JsonStatementWriter.WriteMany(statements, failures, w => Portfolio(w, result));
    }

    private static void Portfolio(Utf8JsonWriter w, PortfolioResult result)
    {
        w.WriteStartObject("portfolio");
        w.WriteStartArray("organisations");
        foreach (var e in result.Entries)
        {
            w.WriteStartObject();
            w.WriteString("organisation", e.Organisation);
            w.WriteNumber("line", e.Line);
            if (e.Result.Statement is { } s && e.Figures is { } f)
            {
                w.WriteNumber("performanceYear", s.PerformanceYear);
                w.WriteString("status", "settled");
                WriteFigures(w, f.Members, f.MemberMonths, f.Benchmark, f.Actual);
                Decimal(w, "savingsRate", f.SavingsRate);
                Decimal(w, "minimumSavingsRate", f.MinimumSavingsRate);
                Decimal(w, "quality", f.Quality);
                w.WriteStartArray("payments");
                foreach (var c in s.Components)
                {
                    Payment(w, c.Id, c.Label, c.Amount);
                }
                w.WriteEndArray();
                Decimal(w, "total", s.Total);
            }
            else
            {
                w.WriteNull("performanceYear");
                w.WriteString("status", "failed");
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();

        var t = TotalsOf(result);
        w.WriteStartObject("totals");
        w.WriteNumber("settled", t.Settled);
        w.WriteNumber("failed", t.Failed);
        WriteFigures(w, t.Members, t.MemberMonths, t.Benchmark, t.Actual);
        w.WriteStartArray("payments");
        foreach (var p in t.Payments)
        {
            Payment(w, p.Id, p.Label, p.Amount);
        }
        w.WriteEndArray();
        Decimal(w, "total", t.Total);
        w.WriteEndObject();

        w.WriteStartArray("unlisted");
        foreach (var u in result.Unlisted)
        {
            w.WriteStartObject();
            w.WriteString("organisation", u.Organisation);
            w.WriteNumber("rows", u.Rows);
            Decimal(w, "dollars", u.Dollars);
            w.WriteNumber("firstLine", u.FirstLine);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (result.Reconciliation is { } r)
        {
            w.WriteStartObject("reconciliation");
            w.WriteNumber("rows", r.Rows);
            Decimal(w, "dollars", r.Dollars);
            w.WriteNumber("settledRows", r.SettledRows);
            Decimal(w, "settledDollars", r.SettledDollars);
            w.WriteNumber("failedRows", r.FailedRows);
            Decimal(w, "failedDollars", r.FailedDollars);
            w.WriteNumber("unlistedRows", r.UnlistedRows);
            Decimal(w, "unlistedDollars", r.UnlistedDollars);
            w.WriteNumber("unreadableRows", r.UnreadableRows);
            Decimal(w, "unreadableDollars", r.UnreadableDollars);
            w.WriteBoolean("balances", r.Balances);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("reconciliation");
        }
        w.WriteEndObject();
    }

    private static void WriteFigures(Utf8JsonWriter w, long? members, decimal? memberMonths, decimal? benchmark, decimal? actual)
    {
        if (members is { } m)
        {
            w.WriteNumber("members", m);
        }
        else
        {
            w.WriteNull("members");
        }
        Decimal(w, "memberMonths", memberMonths);
        Decimal(w, "benchmark", benchmark);
        Decimal(w, "actual", actual);
    }

    private static void Payment(Utf8JsonWriter w, string id, string label, decimal? amount)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("label", label);
        Decimal(w, "amount", amount);
        w.WriteEndObject();
    }

    private static void Decimal(Utf8JsonWriter w, string name, decimal? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, JsonStatementWriter.Exact(v));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // HTML

    /// <summary>
    /// One self-contained page (inline CSS and SVG, no scripts): the totals, a chart of each organisation's total
    /// payment, the table of organisations with the TOTAL row, where the dollars went, and every organisation's
    /// statement embedded below (each row of the table links to it), or the problems that stopped it.
    /// </summary>
    public static string Html(PortfolioResult result, string contractName)
    {
        var o = new StringBuilder();
        var t = TotalsOf(result);
        var payments = PaymentColumns(result);
        o.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        o.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        o.Append($"<title>{Escape($"Portfolio settlement: {contractName}")}</title>\n");
        o.Append("<style>\n").Append(StatementStyle.Css).Append(PortfolioCss).Append("</style>\n</head>\n<body>\n<main class=\"page\">\n");

        o.Append("<header>\n<p class=\"kicker\">Portfolio settlement</p>\n");
        o.Append($"<h1>{Escape(contractName)}</h1>\n<dl class=\"facts\">\n");
        Fact(o, "Organisations", $"{Count(result.Entries.Count)} in the inputs file: {Count(t.Settled)} settled, {Count(t.Failed)} failed");
        Fact(o, "Total of payments", $"{Escape(Display.Money(t.Total))} ({Escape(Waterfall.Direction(t.Total))}), over the organisations settled");
        if (t.Members is { } m)
        {
            Fact(o, "Members", Count(m));
        }
        if (t.Benchmark is { } b && t.Actual is { } a)
        {
            Fact(o, "Benchmark and actual", $"{Escape(Display.Money(b))} and {Escape(Display.Money(a))}");
        }
        o.Append("</dl>\n</header>\n");

        Chart(o, result);

        o.Append("<section id=\"organisations\">\n<h2>Organisations</h2>\n");
        o.Append("<p class=\"note\">The TOTAL row sums members, member months, benchmark, actual, each payment and the total over the organisations settled; "
            + "the savings rate, minimum savings rate and quality are each organisation's own and are not summed. Quality is the contract's quality composite, or its quality input.</p>\n");
        o.Append("<div class=\"wide\"><table class=\"portfolio\">\n<thead><tr><th>Organisation</th><th>Year</th><th class=\"num\">Members</th><th class=\"num\">Member months</th>"
            + "<th class=\"num\">Benchmark</th><th class=\"num\">Actual</th><th class=\"num\">Savings rate</th><th class=\"num\">MSR</th><th class=\"num\">Quality</th>");
        foreach (var p in payments)
        {
            o.Append($"<th class=\"num\">{Escape(p.Label)}</th>");
        }
        o.Append("<th class=\"num\">Total</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < result.Entries.Count; i++)
        {
            var e = result.Entries[i];
            o.Append($"<tr><td><a href=\"#org-{i + 1}\">{Escape(e.Organisation)}</a></td>");
            if (e.Result.Statement is { } s && e.Figures is { } f)
            {
                o.Append($"<td>{s.PerformanceYear.ToString(Invariant)}</td>");
                o.Append(Num(f.Members is { } fm ? Count(fm) : "")).Append(Num(f.MemberMonths is { } mm ? mm.ToString("#,##0.##", Invariant) : ""));
                o.Append(Num(Money(f.Benchmark))).Append(Num(Money(f.Actual)));
                o.Append(Num(Percent(f.SavingsRate))).Append(Num(Percent(f.MinimumSavingsRate))).Append(Num(Percent(f.Quality)));
                var amounts = s.Components.ToDictionary(c => c.Id, c => c.Amount!.Value);
                foreach (var p in payments)
                {
                    o.Append(Num(amounts.TryGetValue(p.Id, out var amount) ? Display.Money(amount) : ""));
                }
                o.Append(Num(Display.Money(s.Total), "total"));
            }
            else
            {
                o.Append($"<td colspan=\"{9 + payments.Count}\" class=\"failed\">failed: {Escape(e.Result.Diagnostics.FirstOrDefault()?.Message ?? "")}</td>");
            }
            o.Append("</tr>\n");
        }
        o.Append("</tbody>\n<tfoot><tr><th>TOTAL</th><td></td>");
        o.Append(Num(t.Members is { } tm ? Count(tm) : "")).Append(Num(t.MemberMonths is { } tmm ? tmm.ToString("#,##0.##", Invariant) : ""));
        o.Append(Num(Money(t.Benchmark))).Append(Num(Money(t.Actual))).Append("<td></td><td></td><td></td>");
        foreach (var p in t.Payments)
        {
            o.Append(Num(Money(p.Amount)));
        }
        o.Append(Num(Display.Money(t.Total), "total")).Append("</tr></tfoot>\n</table></div>\n</section>\n");

        if (result.Reconciliation is { } r)
        {
            o.Append("<section id=\"reconciliation\">\n<h2>Where the dollars went</h2>\n<table class=\"dollars\">\n");
            Row(o, "Read from the member file", r.Rows, r.Dollars);
            Row(o, "Organisations settled", r.SettledRows, r.SettledDollars);
            Row(o, "Organisations that failed", r.FailedRows, r.FailedDollars);
            Row(o, "Organisations not in the inputs file (not settled)", r.UnlistedRows, r.UnlistedDollars);
            Row(o, "Rows that could not be read (left out)", r.UnreadableRows, r.UnreadableDollars);
            o.Append("</table>\n");
            o.Append($"<p>{(r.Balances ? "Every row and dollar read is in exactly one line below the first: they add up to the cent." : "The rows and dollars do NOT add up: this is a defect in vbc; please report it.")}</p>\n");
            foreach (var u in result.Unlisted)
            {
                o.Append($"<p class=\"note\">Not settled: {Escape(u.Organisation)}, {Count(u.Rows)} rows{(u.Dollars is { } d ? $" ({Escape(Display.Money(d))})" : "")}, the first on line {u.FirstLine.ToString(Invariant)}.</p>\n");
            }
            o.Append("</section>\n");
        }

        for (int i = 0; i < result.Entries.Count; i++)
        {
            var e = result.Entries[i];
            o.Append($"<article class=\"statement\" id=\"org-{i + 1}\">\n<p class=\"kicker\">Organisation {Escape(e.Organisation)} <a href=\"#organisations\">(back to the table)</a></p>\n");
            if (e.Result.Statement is { } s)
            {
                var body = new StringBuilder();
                HtmlStatementWriter.Body(body, s);
                // Ids are unique on the page: each embedded statement's sections and patterns are prefixed.
                o.Append(body.ToString().Replace(" id=\"", $" id=\"org-{i + 1}-").Replace("url(#", $"url(#org-{i + 1}-").Replace("href=\"#", $"href=\"#org-{i + 1}-"));
            }
            else
            {
                o.Append("<h2>Not settled</h2>\n<ul>\n");
                foreach (var d in e.Result.Diagnostics)
                {
                    o.Append($"<li><code>{Escape(d.ToString())}</code></li>\n");
                }
                o.Append("</ul>\n");
            }
            o.Append("</article>\n");
        }
        o.Append("<footer>\n<p>Written by <code>vbc settle --inputs</code>. The same contract, inputs and data give this same page, byte for byte; "
            + "the JSON result (<code>--format json</code>) carries every value exactly.</p>\n</footer>\n");
        o.Append("</main>\n</body>\n</html>\n");
        return o.ToString();
    }

    private const string PortfolioCss = """

.wide { overflow-x: auto; }
table.portfolio { border-collapse: collapse; width: 100%; font-size: 12.5px; }
table.portfolio th, table.portfolio td { padding: 3px 6px; border-bottom: 1px solid var(--rule); text-align: left; white-space: nowrap; }
table.portfolio th.num, table.portfolio td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.portfolio thead th { border-bottom: 2px solid var(--ink); vertical-align: bottom; white-space: normal; }
table.portfolio tfoot th, table.portfolio tfoot td { border-top: 2px solid var(--ink); font-weight: 700; }
table.portfolio td.total { font-weight: 700; }
table.portfolio td.failed { color: var(--bad); white-space: normal; }
p.note { color: var(--muted); font-size: 12.5px; }
article.statement { margin-top: 48px; padding-top: 16px; border-top: 4px double var(--rule); break-before: page; page-break-before: always; }

""";

    private static void Fact(StringBuilder o, string name, string html) => o.Append($"<dt>{Escape(name)}</dt><dd>{html}</dd>\n");

    private static string Num(string text, string? css = null) => $"<td class=\"num{(css is null ? "" : " " + css)}\">{Escape(text)}</td>";

    private static string Money(decimal? v) => v is { } x ? Display.Money(x) : "";

    private static string Percent(decimal? v) => v is { } x ? Display.Format(x, ValueType.Percent) : "";

    private static void Row(StringBuilder o, string label, long rows, decimal dollars) =>
        o.Append($"<tr><th>{Escape(label)}</th><td class=\"num\">{Count(rows)} rows</td><td class=\"num\">{Escape(Display.Money(dollars))}</td></tr>\n");

    /// <summary>A horizontal bar per organisation settled: its total payment, payer to provider to the right.</summary>
    private static void Chart(StringBuilder o, PortfolioResult result)
    {
        var bars = result.Entries.Select((e, i) => (e, i)).Where(x => x.e.Result.Succeeded).Select(x => (x.e.Organisation, Index: x.i, x.e.Result.Statement!.Total)).ToList();
        if (bars.Count == 0)
        {
            return;
        }
        o.Append("<section id=\"chart\">\n<h2>Payments by organisation</h2>\n");
        var (min, max, ticks) = Waterfall.Axis(bars.Select(b => b.Total).Append(0m));
        const decimal left = 150, width = 760, rowHeight = 18, top = 24;
        decimal height = top + rowHeight * bars.Count + 8;
        decimal span = max - min == 0 ? 1 : max - min;
        decimal X(decimal v) => left + (v - min) / span * width;
        o.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Coord(left + width + 110)} {Coord(height)}\" width=\"100%\" role=\"img\" aria-label=\"Total payment by organisation\">\n");
        foreach (var tick in ticks)
        {
            o.Append($"<line x1=\"{Coord(X(tick))}\" y1=\"{Coord(top - 6)}\" x2=\"{Coord(X(tick))}\" y2=\"{Coord(height - 8)}\" stroke=\"#d5dae1\" stroke-width=\"1\"/>");
            o.Append($"<text x=\"{Coord(X(tick))}\" y=\"{Coord(top - 10)}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#525c6a\">{Escape(ShortMoney(tick))}</text>\n");
        }
        for (int k = 0; k < bars.Count; k++)
        {
            var (organisation, index, total) = bars[k];
            decimal y = top + rowHeight * k;
            decimal x0 = X(Math.Min(0, total)), x1 = X(Math.Max(0, total));
            string fill = total >= 0 ? "#2f7a4f" : "#b8473d";
            o.Append($"<a href=\"#org-{index + 1}\"><text x=\"{Coord(left - 6)}\" y=\"{Coord(y + 12.5m)}\" font-size=\"11\" text-anchor=\"end\" fill=\"#1c2430\">{Escape(organisation.Length > 22 ? organisation[..21] + "…" : organisation)}</text>");
            o.Append($"<rect x=\"{Coord(x0)}\" y=\"{Coord(y + 3)}\" width=\"{Coord(Math.Max(0.5m, x1 - x0))}\" height=\"{Coord(rowHeight - 6)}\" fill=\"{fill}\"><title>{Escape($"{organisation}: {Display.Money(total)}")}</title></rect>");
            o.Append($"<text x=\"{Coord(x1 + 4)}\" y=\"{Coord(y + 12.5m)}\" font-size=\"10.5\" fill=\"#525c6a\">{Escape(Display.Money(total))}</text></a>\n");
        }
        o.Append($"<line x1=\"{Coord(X(0))}\" y1=\"{Coord(top - 6)}\" x2=\"{Coord(X(0))}\" y2=\"{Coord(height - 8)}\" stroke=\"#1c2430\" stroke-width=\"1.2\"/>\n");
        o.Append("</svg>\n<p class=\"note\">Each bar is an organisation's total payment: to the right, the payer pays the organisation; to the left, the organisation pays the payer. Click a bar for its statement.</p>\n</section>\n");
    }
}
