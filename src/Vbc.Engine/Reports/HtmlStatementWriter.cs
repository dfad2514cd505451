using System.Text;
using Vbc.Reports.Html;
using Vbc.Semantics;
using Vbc.Settlement;
using static Vbc.Reports.Html.HtmlText;

namespace Vbc.Reports;

/// <summary>
/// The statement as one self-contained HTML5 page for people who review and forward it: inline CSS and inline SVG,
/// no scripts, no fonts or images fetched. It holds the content of the text statement, in the same order (header,
/// inputs, population, dollars in and out, the arithmetic by clause, payments, data notes), plus the total in
/// words and a waterfall chart from the benchmark to the settlement. The markup is XHTML-compatible (every element
/// closed, attributes quoted, all text escaped) and depends on nothing but the statement: same statement, same bytes.
/// </summary>
public static class HtmlStatementWriter
{
    public static string Write(Statement statement)
    {
        var o = new StringBuilder();
        var c = statement.Contract;
        o.Append("<!DOCTYPE html>\n");
        o.Append("<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        o.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n");
        o.Append($"<title>{Escape($"Settlement statement: {c.Name}, performance year {statement.PerformanceYear}")}</title>\n");
        o.Append("<style>\n").Append(StatementStyle.Css);
        // Printed pages name the statement in the bottom margin, so that a loose page says what it belongs to.
        o.Append($"\n@page {{\n  @bottom-left {{\n    content: {CssString($"{c.Name}, performance year {statement.PerformanceYear.ToString(Invariant)}")};\n");
        o.Append("    font: 8pt system-ui, \"Liberation Sans\", sans-serif;\n    color: #525c6a;\n  }\n}\n");
        o.Append("</style>\n");
        o.Append("</head>\n<body>\n<main class=\"page\">\n");
        Body(o, statement);
        o.Append("<footer>\n<p>Written by <code>vbc settle</code> from the contract file and the data named above. ");
        o.Append("The same contract, inputs and data give this same page, byte for byte; the JSON statement (<code>--format json</code>) carries every value exactly.</p>\n</footer>\n");
        o.Append("</main>\n</body>\n</html>\n");
        return o.ToString();
    }

    /// <summary>The statement's sections, from its header to how to reproduce it: the page's content, also embedded in a portfolio's page.</summary>
    internal static void Body(StringBuilder o, Statement statement)
    {
        Header(o, statement);
        Chart(o, statement);
        Inputs(o, statement);
        if (statement.Population is { } p)
        {
            Population(o, statement, p);
            Dollars(o, p);
        }
        Arithmetic(o, statement);
        Payments(o, statement);
        if (statement.Data is { } data)
        {
            DataNotes(o, data);
        }

        if (statement.Plugins.Count > 0)
        {
            Plugins(o, statement.Plugins);
        }

        if (statement.Reproduce is { } reproduce)
        {
            Reproduce(o, reproduce);
        }
    }

    private static void Header(StringBuilder o, Statement s)
    {
        var c = s.Contract;
        o.Append("<header>\n<p class=\"kicker\">Settlement statement</p>\n");
        o.Append($"<h1>{Escape(c.Name)}</h1>\n");
        o.Append("<dl class=\"facts\">\n");
        if (c.Version is not null)
        {
            Fact(o, "Version", Escape(c.Version));
        }
        if (c.Payer is not null || c.Provider is not null)
        {
            Fact(o, "Parties", $"{Escape(c.Payer ?? "not named")} (payer) and {Escape(c.Provider ?? "not named")} (provider)");
        }
        if (c.PeriodStart is { } start && c.PeriodEnd is { } end)
        {
            Fact(o, "Contract period", $"{Date(start)} to {Date(end)}");
        }
        Fact(o, "Performance year", s.PerformanceYear.ToString(Invariant) + (s.Level is null ? "" : $" (level {Escape(s.Level)})"));
        if (s.Organisation is not null)
        {
            Fact(o, "Organisation", Escape(s.Organisation));
        }
        Fact(o, "Contract file", $"<code>{Escape(s.ContractFile)}</code>");
        if (s.Data is { } data)
        {
            Fact(o, "Data file", $"<code>{Escape(data.File)}</code>");
            if (data.ClaimsFile is not null)
            {
                Fact(o, "Claims file", $"<code>{Escape(data.ClaimsFile)}</code>");
            }
        }
        o.Append("</dl>\n");

        string payer = c.Payer ?? "the payer";
        string provider = c.Provider ?? "the provider";
        string amount = Display.Money(Math.Abs(s.Total));
        string direction = s.Total > 0
            ? $"Payer pays provider: {payer} pays {provider} {amount}."
            : s.Total < 0
                ? $"Provider pays payer: {provider} pays {payer} {amount}."
                : "Nothing to pay: neither party owes the other anything.";
        o.Append("<div class=\"total-box\">\n");
        o.Append($"<p class=\"label\">Total settlement, performance year {s.PerformanceYear.ToString(Invariant)}</p>\n");
        o.Append($"<p class=\"amount\">{Escape(Display.Money(s.Total))}</p>\n");
        o.Append($"<p class=\"direction\">{Escape(direction)}</p>\n");
        o.Append($"<p class=\"rounding\">Rounding: {Escape(Display.Rule)} ");
        o.Append("Amounts are signed payer to provider: positive is paid to the provider, negative is paid to the payer.</p>\n");
        o.Append("</div>\n</header>\n");
    }

    private static void Fact(StringBuilder o, string name, string html) => o.Append($"<dt>{Escape(name)}</dt><dd>{html}</dd>\n");

    private static void Chart(StringBuilder o, Statement s)
    {
        var panels = Waterfall.Panels(s);
        bool split = panels.Count > 1;
        o.Append("<section id=\"chart\">\n");
        o.Append(split ? "<h2>From benchmark to settlement</h2>\n" : "<h2>Payments to the settlement</h2>\n");
        o.Append("<figure class=\"waterfall\">\n<div class=\"panels\">\n");
        foreach (var panel in panels)
        {
            o.Append(Waterfall.Svg(panel));
        }
        o.Append("</div>\n<ul class=\"legend\">\n");
        Swatch(o, "Total or subtotal", $"<rect x=\"0.5\" y=\"0.5\" width=\"17\" height=\"11\" fill=\"{Waterfall.TotalFill}\" stroke=\"{Waterfall.TotalFill}\"/>");
        Swatch(o, "Increase: paid to the provider", $"<rect x=\"0.5\" y=\"0.5\" width=\"17\" height=\"11\" fill=\"{Waterfall.IncreaseFill}\" stroke=\"{Waterfall.IncreaseStroke}\"/>");
        Swatch(o, split ? "Decrease: paid to the payer, or cost subtracted" : "Decrease: paid to the payer",
            $"<defs><pattern id=\"legend-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{Waterfall.DecreaseFill}\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{Waterfall.DecreaseStroke}\" stroke-width=\"2.4\"/></pattern></defs>" +
            $"<rect x=\"0.5\" y=\"0.5\" width=\"17\" height=\"11\" fill=\"url(#legend-hatch)\" stroke=\"{Waterfall.DecreaseStroke}\"/>");
        o.Append("</ul>\n<figcaption>");
        o.Append(split
            ? "Panel 1 subtracts the actual cost from the benchmark to give the gross savings or losses; panel 2 starts again from $0 and adds each payment line, up when the payer pays the provider and down when the provider pays the payer, to reach the total. The payments are a small fraction of the benchmark and would be a sliver on its axis, so each panel has its own scale; every bar is labelled with its amount to the cent (marked ~ where that is rounded; the arithmetic below has more digits)."
            : "Each payment line is a step from $0: up when the payer pays the provider, down when the provider pays the payer. The last bar is the total. Every bar is labelled with its amount to the cent (marked ~ where that is rounded).");
        o.Append("</figcaption>\n</figure>\n");

        o.Append("<table class=\"narrow keep\">\n<caption>The chart in numbers</caption>\n");
        o.Append("<thead><tr><th scope=\"col\">Bar</th><th scope=\"col\" class=\"num\">Amount</th><th scope=\"col\" class=\"num\">Level after</th></tr></thead>\n");
        foreach (var panel in panels)
        {
            o.Append($"<tbody>\n<tr><th colspan=\"3\" scope=\"rowgroup\">{Escape(panel.Title)}</th></tr>\n");
            foreach (var bar in panel.Bars)
            {
                string css = bar.Kind == BarKind.Subtotal ? " class=\"sum\"" : "";
                o.Append($"<tr{css}><td class=\"text\">{Escape(bar.Label)}</td><td class=\"num\">{Escape(bar.AmountText)}</td><td class=\"num\">{Escape(Display.Cents(bar.To))}</td></tr>\n");
            }
            o.Append("</tbody>\n");
        }
        o.Append("</table>\n</section>\n");
    }

    private static void Swatch(StringBuilder o, string label, string shape) =>
        o.Append($"<li><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"18\" height=\"12\" viewBox=\"0 0 18 12\" aria-hidden=\"true\">{shape}</svg>{Escape(label)}</li>\n");

    private static void Inputs(StringBuilder o, Statement s)
    {
        o.Append("<section id=\"inputs\">\n<h2>Inputs</h2>\n");
        if (s.Inputs.Count == 0)
        {
            o.Append("<p>The contract takes no inputs: everything is computed from the contract and the data.</p>\n</section>\n");
            return;
        }
        o.Append("<table class=\"narrow keep\">\n<thead><tr><th scope=\"col\">Input</th><th scope=\"col\">Type</th><th scope=\"col\" class=\"num\">Value used</th></tr></thead>\n<tbody>\n");
        foreach (var input in s.Inputs)
        {
            o.Append($"<tr><td class=\"text\"><code>{Escape(input.Name)}</code></td><td>{Escape(input.DeclaredType)}</td><td class=\"num\">{Escape(input.Shown)}</td></tr>\n");
        }
        o.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void Population(StringBuilder o, Statement s, PopulationSummary p)
    {
        o.Append("<section id=\"population\">\n<h2>Population</h2>\n");
        bool cost = p.CostMeasured;
        o.Append("<table class=\"keep\">\n<thead><tr><th scope=\"col\"></th><th scope=\"col\">Rule</th><th scope=\"col\" class=\"num\">Rows</th>");
        o.Append(cost ? "<th scope=\"col\" class=\"num\">Cost</th></tr></thead>\n<tbody>\n" : "</tr></thead>\n<tbody>\n");
        string CostCell(decimal amount) => cost ? $"<td class=\"num\">{Escape(Display.Money(amount))}</td>" : "";
        string empty = cost ? "<td></td>" : "";
        o.Append($"<tr><td>Rows read</td><td></td><td class=\"num\">{Count(p.RowsRead)}</td>{CostCell(p.InputCost)}</tr>\n");
        foreach (var e in p.Exclusions.Where(e => e.Rows > 0))
        {
            o.Append($"<tr><td class=\"text\">\u2212 {Escape(e.Reason)}</td><td class=\"text\"><code>{Escape(e.Source)}</code></td><td class=\"num\">{Count(e.Rows)}</td>{CostCell(e.Cost)}</tr>\n");
        }
        o.Append($"<tr class=\"sum\"><td>= Members in the population</td><td></td><td class=\"num\">{Count(p.Members)}</td>{empty}</tr>\n");
        o.Append($"<tr><td>Member months</td><td></td><td class=\"num\">{Escape(Display.Trimmed(p.MemberMonths, 4, 0, true))}</td>{empty}</tr>\n");
        o.Append("</tbody>\n</table>\n");
        if (s.Data is { ExcludedRows.Count: > 0 } d)
        {
            o.Append($"<p>Rows left out as unreadable or not computable: {Count(d.ExcludedRows.Count)} (each is listed under <a href=\"#notes\">Data notes</a>).</p>\n");
        }
        o.Append("</section>\n");
    }

    private static void Dollars(StringBuilder o, PopulationSummary p)
    {
        o.Append("<section id=\"dollars\">\n<h2>Dollars in and out</h2>\n");
        if (!p.CostMeasured)
        {
            o.Append("<p>Not measured: the contract has no cost clause, so no member&#39;s cost is computed and the population&#39;s dollars (in, excluded, counted) are not part of this settlement.</p>\n</section>\n");
            return;
        }
        o.Append("<p class=\"small muted\">Every dollar of cost in the data is accounted for: left out with an excluded member, carved out, cut off by truncation, or counted.</p>\n");
        o.Append("<table class=\"narrow keep\">\n<tbody>\n");
        DollarRow(o, "Input cost (cost categories, all rows)", p.InputCost, "");
        DollarRow(o, "\u2212 Excluded members", p.ExcludedCost, "");
        DollarRow(o, "\u2212 Carved out", p.CarvedOut, "");
        DollarRow(o, "\u2212 Truncated excess", p.TruncatedExcess, "");
        DollarRow(o, "= Counted cost", p.CountedCost, " class=\"sum\"");
        o.Append("</tbody>\n</table>\n");
        if (p.TruncationRule is not null)
        {
            o.Append($"<p>Truncation: {Escape(p.TruncationRule)}; {Count(p.MembersTruncated)} members capped.</p>\n");
        }
        else
        {
            o.Append("<p>Truncation: none; each member&#39;s cost is counted in full.</p>\n");
        }
        if (p.Conserved)
        {
            o.Append("<p class=\"check ok\">\u2713 Check passed: input = excluded + carved out + truncated + counted, exactly.</p>\n");
        }
        else
        {
            decimal accounted = p.ExcludedCost + p.CarvedOut + p.TruncatedExcess + p.CountedCost;
            o.Append($"<p class=\"check failed\">\u2717 CHECK FAILED: the dollars do not add up. Input {Escape(Display.Money(p.InputCost))}; excluded + carved out + truncated + counted {Escape(Display.Money(accounted))}; difference {Escape(Display.Money(p.InputCost - accounted))}. Do not rely on this statement until the difference is explained.</p>\n");
        }
        o.Append("</section>\n");
    }

    private static void DollarRow(StringBuilder o, string label, decimal amount, string css) =>
        o.Append($"<tr{css}><td>{Escape(label)}</td><td class=\"num\">{Escape(Display.Money(amount))}</td></tr>\n");

    private static void Arithmetic(StringBuilder o, Statement s)
    {
        o.Append("<section id=\"arithmetic\" class=\"page-break\">\n<h2>Settlement arithmetic</h2>\n");
        o.Append("<p class=\"small muted\">Every line of the settlement, grouped by the clause it comes from, with the place the clause is written (file(line,column)). ");
        o.Append("Values are shown by the rounding rule stated at the top: a value marked ~ is rounded for display, any other value is exact. ");
        o.Append("Lines marked \u21d2 are payments, rounded to the cent.</p>\n");
        o.Append("<table class=\"arithmetic\">\n<thead><tr><th scope=\"col\">Line</th><th scope=\"col\" class=\"num\">Value</th><th scope=\"col\">Formula</th></tr></thead>\n");
        string? clause = null;
        bool open = false;
        foreach (var line in s.Lines)
        {
            if (!open || line.Clause != clause)
            {
                if (open)
                {
                    o.Append("</tbody>\n");
                }
                clause = line.Clause;
                open = true;
                string where = line.Source is { } src ? $"<span class=\"src mono\">{Escape(src.ToString())}</span>" : "";
                o.Append($"<tbody class=\"clause\">\n<tr><th colspan=\"3\" scope=\"rowgroup\">{Escape(clause)}{where}</th></tr>\n");
            }
            string css = line.Kind switch
            {
                LineKind.Component => " class=\"component\"",
                LineKind.Note => " class=\"note\"",
                _ => "",
            };
            string label = line.Kind == LineKind.Component ? "\u21d2 " + line.Label : line.Label;
            o.Append($"<tr{css}><td class=\"text\">{Escape(label)}</td><td class=\"num value\">{Escape(Value(line))}</td><td class=\"formula\">{Escape(line.Formula)}</td></tr>\n");
        }
        if (open)
        {
            o.Append("</tbody>\n");
        }
        o.Append("</table>\n</section>\n");
    }

    private static void Payments(StringBuilder o, Statement s)
    {
        o.Append("<section id=\"payments\">\n<h2>Payments</h2>\n");
        o.Append("<p class=\"small muted\">Payer to provider positive; each line rounded to the cent, half away from zero; the total is the sum of the rounded lines.</p>\n");
        o.Append("<table class=\"narrow keep\">\n<thead><tr><th scope=\"col\">Payment</th><th scope=\"col\">Clause</th><th scope=\"col\" class=\"num\">Amount</th></tr></thead>\n<tbody>\n");
        foreach (var line in s.Components)
        {
            o.Append($"<tr><td class=\"text\">{Escape(line.Label)}</td><td class=\"text\">{Escape(line.Clause)}</td><td class=\"num\">{Escape(Display.Money(AmountOf(line)))}</td></tr>\n");
        }
        o.Append($"<tr class=\"total\"><td colspan=\"2\">Total ({Escape(Waterfall.Direction(s.Total))})</td><td class=\"num\">{Escape(Display.Money(s.Total))}</td></tr>\n");
        o.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void Plugins(StringBuilder o, IReadOnlyList<PluginPin> plugins)
    {
        o.Append("<section id=\"plugins\">\n<h2>Plug-ins</h2>\n");
        o.Append("<p class=\"small muted\">Clauses of these kinds were settled by C# scripts; a contract that pins a script's SHA-256 refuses any other source.</p>\n");
        o.Append("<table class=\"keep\">\n<thead><tr><th scope=\"col\">Plug-in</th><th scope=\"col\">Clause</th><th scope=\"col\">Version</th><th scope=\"col\">SHA-256 of the source</th></tr></thead>\n<tbody>\n");
        foreach (var p in plugins)
        {
            o.Append($"<tr><td><code>{Escape(p.Name)}</code></td><td class=\"text\">{Escape(p.Keyword)}</td><td>{Escape(p.Version)}</td><td class=\"text\"><code class=\"hash\">{Escape(p.Sha256)}</code></td></tr>\n");
        }
        o.Append("</tbody>\n</table>\n</section>\n");
    }

    private static void Reproduce(StringBuilder o, Reproduction r)
    {
        o.Append("<section id=\"reproduce\">\n<h2>Reproduce this statement</h2>\n");
        o.Append("<p class=\"small muted\">The same command, with the same vbc version and files with these SHA-256 hashes, gives this statement again, byte for byte. ");
        o.Append("The other party can check a file with <code>sha256sum FILE</code>.</p>\n");
        o.Append("<table class=\"keep\">\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Path</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n");
        foreach (var file in r.Files)
        {
            string hash = file.Sha256 is null ? "not computed: not a regular file" : $"<code class=\"hash\">{Escape(file.Sha256)}</code>";
            o.Append($"<tr><td>{Escape(file.Role)}</td><td class=\"text\"><code>{Escape(file.Path)}</code></td><td class=\"text\">{hash}</td></tr>\n");
        }
        o.Append("</tbody>\n</table>\n");
        o.Append($"<dl class=\"facts\">\n<dt>vbc version</dt><dd><code>{Escape(r.VbcVersion)}</code></dd>\n<dt>Command</dt><dd><code>{Escape(r.Command)}</code></dd>\n</dl>\n");
        o.Append("</section>\n");
    }

    private static void DataNotes(StringBuilder o, DataSource data)
    {
        bool longList = data.ExcludedRows.Count > 15;
        o.Append($"<section id=\"notes\"{(longList ? " class=\"page-break\"" : "")}>\n<h2>Data notes</h2>\n");
        o.Append($"<p>Member-level data: <code>{Escape(data.File)}</code>");
        if (data.ClaimsFile is not null)
        {
            o.Append($"; claims: <code>{Escape(data.ClaimsFile)}</code>");
        }
        o.Append(".</p>\n");
        if (data.Tables.Count > 0)
        {
            o.Append("<h3>Tables</h3>\n<table>\n<thead><tr><th scope=\"col\">Table</th><th scope=\"col\">File</th><th scope=\"col\" class=\"num\">Rows</th><th scope=\"col\" class=\"num\">Dollars</th><th scope=\"col\" class=\"num\">Rows matching no joined row</th><th scope=\"col\" class=\"num\">Their dollars</th><th scope=\"col\">Dollars in = out</th></tr></thead>\n<tbody>\n");
            foreach (var t in data.Tables)
            {
                o.Append($"<tr><td class=\"text\">{Escape(t.Table)}</td><td class=\"text\"><code>{Escape(t.File)}</code></td><td class=\"num\">{Count(t.Rows)}</td><td class=\"num\">{Escape(t.Shown(t.Dollars))}</td><td class=\"num\">{Count(t.UnmatchedRows)}</td><td class=\"num\">{Escape(t.Shown(t.UnmatchedDollars))}</td><td class=\"text\">{(t.Conserved ? "yes" : "NO")}</td></tr>\n");
            }
            o.Append("</tbody>\n</table>\n");
        }

        o.Append("<h3>Columns the contract does not use</h3>\n");
        o.Append(data.IgnoredColumns.Count == 0
            ? "<p>None: the contract uses every column of the data.</p>\n"
            : $"<p>{string.Join(", ", data.IgnoredColumns.Select(c => $"<code>{Escape(c)}</code>"))}</p>\n");

        o.Append($"<h3>Rows left out as unreadable or not computable ({Count(data.ExcludedRows.Count)})</h3>\n");
        if (data.ExcludedRows.Count == 0)
        {
            o.Append("<p>None: every row was read and computed.</p>\n");
        }
        else
        {
            o.Append("<table>\n<thead><tr><th scope=\"col\" class=\"num\">File line</th><th scope=\"col\" class=\"num\">Data row</th><th scope=\"col\">Member</th><th scope=\"col\">Problem</th><th scope=\"col\" class=\"num\">Dollars</th></tr></thead>\n<tbody>\n");
            foreach (var row in data.ExcludedRows)
            {
                o.Append($"<tr><td class=\"num\">{(row.File is null ? "" : Escape(row.File) + " ")}{(row.Line > 0 ? Count(row.Line) : "")}</td><td class=\"num\">{(row.Line > 0 ? Count(row.DataRow) : "")}</td><td class=\"text\">{Escape(row.Table is null ? row.MemberId ?? "" : $"{row.Table} {row.MemberId}")}</td><td class=\"text\">{Escape(row.Problem)}</td><td class=\"num\">{Escape(row.DollarsShown)}</td></tr>\n");
            }
            o.Append($"<tr class=\"sum\"><td colspan=\"4\">Total dollars on rows left out</td><td class=\"num\">{Escape(Display.Money(data.ExcludedRows.Sum(r => r.Dollars)))}</td></tr>\n");
            o.Append("</tbody>\n</table>\n");
        }

        var notes = data.ClaimsNotes ?? Array.Empty<ClaimsNote>();
        if (data.ClaimsFile is not null || notes.Count > 0)
        {
            o.Append("<h3>Claims not counted</h3>\n");
            if (notes.Count == 0)
            {
                o.Append("<p>None: every claim read was counted in a member's cost.</p>\n");
            }
            else
            {
                o.Append("<table class=\"keep\">\n<thead><tr><th scope=\"col\">Reason</th><th scope=\"col\" class=\"num\">Claims</th><th scope=\"col\" class=\"num\">Dollars</th></tr></thead>\n<tbody>\n");
                foreach (var note in notes)
                {
                    o.Append($"<tr><td class=\"text\">{Escape(note.Reason)}</td><td class=\"num\">{Count(note.Claims)}</td><td class=\"num\">{Escape(Display.Money(note.Dollars))}</td></tr>\n");
                }
                o.Append("</tbody>\n</table>\n");
            }
        }
        o.Append("</section>\n");
    }
}
