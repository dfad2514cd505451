using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vbc.Diagnostics;
using Vbc.Text;
using Vbc.Versions;
using static Vbc.Reports.Html.HtmlText;

namespace Vbc.Reports;

/// <summary>
/// A diff between two versions of a contract for people and machines: text for the terminal, JSON (schema
/// "vbc-diff/1", docs/diff.md) and a self-contained HTML redline. The same diff gives the same bytes.
/// </summary>
public static class DiffReports
{
    public const string Schema = "vbc-diff/1";

    /// <summary>The word for a direction in text and JSON: favours-provider, favours-payer, neutral, depends, unclassified.</summary>
    public static string Word(ChangeDirection d) => d switch
    {
        ChangeDirection.FavoursProvider => "favours-provider",
        ChangeDirection.FavoursPayer => "favours-payer",
        ChangeDirection.Neutral => "neutral",
        ChangeDirection.Depends => "depends",
        _ => "unclassified",
    };

    private static string Phrase(ChangeDirection d) => d switch
    {
        ChangeDirection.FavoursProvider => "favours the provider",
        ChangeDirection.FavoursPayer => "favours the payer",
        ChangeDirection.Neutral => "neutral",
        ChangeDirection.Depends => "depends on the data",
        _ => "unclassified",
    };

    private static readonly ChangeDirection[] Directions =
        { ChangeDirection.FavoursProvider, ChangeDirection.FavoursPayer, ChangeDirection.Neutral, ChangeDirection.Depends, ChangeDirection.Unclassified };

    public static string Summary(ContractDiff diff)
    {
        if (diff.IsEmpty)
        {
            return "No change in meaning: the two versions settle alike on any data.";
        }
        int n = diff.Changes.Count;
        return $"{n} change{(n == 1 ? "" : "s")}: " + string.Join(", ", Directions.Select(d => $"{diff.Count(d)} {Phrase(d)}")) + ".";
    }

    public static string Text(ContractDiff diff, Scenarios.DiffScenarios? scenarios = null, DiffPricing? pricing = null)
    {
        var o = new StringBuilder();
        o.Append($"vbc diff: {diff.Old.Contract.Source.Path} -> {diff.New.Contract.Source.Path}\n");
        o.Append(Summary(diff)).Append('\n');
        foreach (var c in diff.Changes)
        {
            o.Append('\n');
            o.Append($"{Word(c.Direction),-16} {c.Id}\n");
            o.Append($"{"",-16} {c.Sentence}\n");
            if (c.Old is not null)
            {
                o.Append($"{"",-16} old: {c.Old}{(c.OldAt is null ? "" : $"   at {c.OldAt}")}\n");
            }
            if (c.New is not null)
            {
                o.Append($"{"",-16} new: {c.New}{(c.NewAt is null ? "" : $"   at {c.NewAt}")}\n");
            }
        }
        if (pricing is not null)
        {
            PriceReports.Text(o, pricing);
        }
        if (scenarios is not null)
        {
            o.Append($"\nSCENARIOS of {scenarios.File}, settled on both versions (payment lines in cents; payer to provider positive)\n");
            foreach (var r in scenarios.Results)
            {
                o.Append($"\n  {(r.Changed ? "CHANGED" : "same   ")}  {r.Scenario.Name}\n");
                foreach (var (side, problems) in new[] { ("old", r.OldProblems), ("new", r.NewProblems) })
                {
                    if (problems.Count > 0)
                    {
                        o.Append($"    the {side} version cannot settle it:\n");
                        foreach (var d in problems)
                        {
                            o.Append($"      {d}\n");
                        }
                    }
                }
                o.Append($"    {"line",-44} {"old",18} {"new",18} {"new - old",16}\n");
                foreach (var l in r.Lines)
                {
                    string change = l.DifferenceShown;
                    o.Append($"    {l.Id,-44} {Amount(l.Old),18} {Amount(l.New),18} {change,16}".TrimEnd()).Append('\n');
                }
            }
        }
        return o.ToString();
    }

    private static string Amount(decimal? amount) => amount is { } a ? Vbc.Semantics.Display.Money(a) : "(no line)";

    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Json(ContractDiff diff, Scenarios.DiffScenarios? scenarios = null, DiffPricing? pricing = null)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Options))
        {
            w.WriteStartObject();
            w.WriteString("schema", Schema);
            w.WriteStartObject("summary");
            w.WriteNumber("changes", diff.Changes.Count);
            w.WriteNumber("favoursProvider", diff.Count(ChangeDirection.FavoursProvider));
            w.WriteNumber("favoursPayer", diff.Count(ChangeDirection.FavoursPayer));
            w.WriteNumber("neutral", diff.Count(ChangeDirection.Neutral));
            w.WriteNumber("depends", diff.Count(ChangeDirection.Depends));
            w.WriteNumber("unclassified", diff.Count(ChangeDirection.Unclassified));
            w.WriteBoolean("kindsDiffer", diff.KindsDiffer);
            w.WriteEndObject();
            Version(w, "old", diff.Old);
            Version(w, "new", diff.New);
            w.WriteStartArray("changes");
            foreach (var c in diff.Changes)
            {
                w.WriteStartObject();
                w.WriteString("id", c.Id);
                w.WriteString("rule", c.Rule);
                w.WriteString("kind", c.Kind.ToString().ToLowerInvariant());
                w.WriteString("direction", Word(c.Direction));
                w.WriteString("sentence", c.Sentence);
                Side(w, "old", c.Old, c.OldAt);
                Side(w, "new", c.New, c.NewAt);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (pricing is not null)
            {
                // Added within vbc-diff/1: present only for a diff priced on data (--data).
                PriceReports.Json(w, pricing);
            }
            if (scenarios is not null)
            {
                // Added within vbc-diff/1: present only when the old version has a scenario file.
                w.WriteStartObject("scenarios");
                w.WriteString("file", scenarios.File);
                w.WriteStartArray("results");
                foreach (var r in scenarios.Results)
                {
                    w.WriteStartObject();
                    w.WriteString("name", r.Scenario.Name);
                    w.WriteBoolean("changed", r.Changed);
                    w.WriteStartArray("lines");
                    foreach (var l in r.Lines)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", l.Id);
                        Money(w, "old", l.Old);
                        Money(w, "new", l.New);
                        Money(w, "expected", l.Expected);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    foreach (var (side, problems) in new[] { ("oldProblems", r.OldProblems), ("newProblems", r.NewProblems) })
                    {
                        w.WriteStartArray(side);
                        problems.Select(d => d.ToString()).ToList().ForEach(w.WriteStringValue);
                        w.WriteEndArray();
                    }
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n") + "\n";
    }

    private static void Money(Utf8JsonWriter w, string name, decimal? amount)
    {
        if (amount is { } a)
        {
            w.WriteString(name, a.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Version(Utf8JsonWriter w, string name, ContractModel model)
    {
        var info = model.Contract.Info;
        w.WriteStartObject(name);
        w.WriteString("file", model.Contract.Source.Path);
        w.WriteString("name", info.Name);
        w.WriteString("version", info.Version);
        w.WriteEndObject();
    }

    private static void Side(Utf8JsonWriter w, string name, string? value, Location? at)
    {
        if (value is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartObject(name);
        w.WriteString("value", value);
        if (at is null)
        {
            w.WriteNull("file");
            w.WriteNull("line");
            w.WriteNull("column");
        }
        else
        {
            w.WriteString("file", at.File);
            w.WriteNumber("line", at.Line);
            w.WriteNumber("column", at.Column);
        }
        w.WriteEndObject();
    }

    // ---- HTML redline ------------------------------------------------------------------------------------------------

    public static string Html(ContractDiff diff, Scenarios.DiffScenarios? scenarios = null, DiffPricing? pricing = null)
    {
        var o = new StringBuilder();
        string title = $"Changes from {diff.Old.Contract.Info.Name ?? diff.Old.Contract.Source.Path} to {diff.New.Contract.Info.Name ?? diff.New.Contract.Source.Path}";
        o.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
        o.Append($"<title>{Escape(title)}</title>\n<style>\n{Style}</style>\n</head>\n<body>\n<main>\n");
        o.Append($"<p class=\"kicker\">Contract redline ({Schema})</p>\n<h1>{Escape(title)}</h1>\n");
        o.Append($"<p class=\"summary\">{Escape(Summary(diff))}</p>\n");
        o.Append("<ul class=\"counts\">\n");
        foreach (var d in Directions)
        {
            o.Append($"<li class=\"{Word(d)}\"><span class=\"n\">{diff.Count(d)}</span> {Escape(Phrase(d))}</li>\n");
        }
        o.Append("</ul>\n");

        o.Append("<h2>Changes</h2>\n");
        if (diff.IsEmpty)
        {
            o.Append("<p>No change in meaning: layout, comments, the order of blocks and the spelling of equal values may differ, nothing else.</p>\n");
        }
        else
        {
            o.Append("<table class=\"changes\">\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Direction</th><th scope=\"col\">Change</th><th scope=\"col\">Old</th><th scope=\"col\">New</th></tr></thead>\n<tbody>\n");
            int i = 0;
            foreach (var c in diff.Changes)
            {
                i++;
                o.Append($"<tr id=\"change-{i}\" class=\"{Word(c.Direction)}\"><td class=\"num\">{i}</td><td><span class=\"badge\">{Escape(Phrase(c.Direction))}</span></td>");
                o.Append($"<td><p>{Escape(c.Sentence)}</p><p class=\"id\"><code>{Escape(c.Id)}</code> · {Escape(c.Rule)}</p></td>");
                o.Append($"<td>{Cell(c.Old, c.OldAt, "old", i)}</td><td>{Cell(c.New, c.NewAt, "new", i)}</td></tr>\n");
            }
            o.Append("</tbody>\n</table>\n");
        }

        if (pricing is not null)
        {
            PriceReports.Html(o, pricing);
        }
        if (scenarios is not null)
        {
            o.Append($"<h2>Scenarios of {Escape(scenarios.File)}, settled on both versions</h2>\n");
            foreach (var r in scenarios.Results)
            {
                o.Append($"<h3>{Escape(r.Scenario.Name)}{(r.Changed ? " (changed)" : " (same)")}</h3>\n");
                foreach (var (side, problems) in new[] { ("old", r.OldProblems), ("new", r.NewProblems) })
                {
                    if (problems.Count > 0)
                    {
                        o.Append($"<p>The {side} version cannot settle it: {Escape(string.Join("; ", problems.Select(d => d.ToString())))}</p>\n");
                    }
                }
                o.Append("<table class=\"changes\">\n<thead><tr><th scope=\"col\">Line</th><th scope=\"col\">Old</th><th scope=\"col\">New</th><th scope=\"col\">New - old</th></tr></thead>\n<tbody>\n");
                foreach (var l in r.Lines)
                {
                    string change = l.DifferenceShown;
                    o.Append($"<tr><td><code>{Escape(l.Id)}</code></td><td class=\"num\">{Escape(Amount(l.Old))}</td><td class=\"num\">{Escape(Amount(l.New))}</td><td class=\"num\">{Escape(change)}</td></tr>\n");
                }
                o.Append("</tbody>\n</table>\n");
            }
        }

        o.Append("<h2>The two versions side by side</h2>\n<div class=\"sides\">\n");
        Pane(o, "old", "Old version", diff.Old.Contract.Source, diff.Changes.Select((c, i) => (c.OldAt, i + 1, c.Direction)));
        Pane(o, "new", "New version", diff.New.Contract.Source, diff.Changes.Select((c, i) => (c.NewAt, i + 1, c.Direction)));
        o.Append("</div>\n</main>\n</body>\n</html>\n");
        return o.ToString();
    }

    private static string Cell(string? value, Location? at, string side, int change) =>
        value is null ? "<span class=\"none\">(none)</span>"
        : $"<code>{Escape(value)}</code>" + (at is null || at.Line == 0 ? "" : $"<br/><a href=\"#{side}-{at.Line}\">line {at.Line}</a>");

    private static void Pane(StringBuilder o, string side, string heading, SourceText source, IEnumerable<(Location? At, int Change, ChangeDirection Direction)> marks)
    {
        // Each line a change touches is marked with the change's number and its direction.
        var marked = new Dictionary<int, List<(int Change, ChangeDirection Direction)>>();
        foreach (var (at, change, direction) in marks)
        {
            if (at?.Span is not { } span || at.Line == 0)
            {
                continue;
            }
            int first = at.Line;
            int last = source.GetPosition(Math.Max(span.Start, span.End - 1)).Line;
            for (int line = first; line <= last; line++)
            {
                if (!marked.TryGetValue(line, out var list))
                {
                    marked[line] = list = new();
                }
                list.Add((change, direction));
            }
        }
        o.Append($"<section class=\"pane {side}\">\n<h3>{Escape(heading)}: <code>{Escape(source.Path)}</code></h3>\n<pre>");
        var lines = source.Text.Replace("\r\n", "\n").Split('\n');
        int count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        for (int i = 0; i < count; i++)
        {
            int line = i + 1;
            if (marked.TryGetValue(line, out var changes))
            {
                string refs = string.Join(" ", changes.Select(c => c.Change).Distinct().Select(c => $"<a href=\"#change-{c}\">{c}</a>"));
                o.Append($"<span id=\"{side}-{line}\" class=\"line mark {Word(changes[0].Direction)}\"><span class=\"no\">{line}</span><span class=\"refs\">{refs}</span>{Escape(lines[i])}</span>");
            }
            else
            {
                o.Append($"<span id=\"{side}-{line}\" class=\"line\"><span class=\"no\">{line}</span><span class=\"refs\"></span>{Escape(lines[i])}</span>");
            }
        }
        // Each line is a block of its own: no newline between them, or the page would show every other line empty.
        o.Append("</pre>\n</section>\n");
    }

    private const string Style = """
body { font-family: system-ui, sans-serif; color: #1b1b1b; margin: 0; background: #fafafa; }
main { max-width: 1400px; margin: 0 auto; padding: 24px; }
.kicker { text-transform: uppercase; letter-spacing: .08em; color: #666; font-size: 12px; margin: 0; }
h1 { font-size: 22px; margin: 4px 0 8px; }
.summary { font-size: 15px; }
.counts { list-style: none; padding: 0; display: flex; gap: 12px; flex-wrap: wrap; }
.counts li { padding: 6px 10px; border-radius: 6px; background: #eee; }
.counts .n { font-weight: 700; }
table.changes { border-collapse: collapse; width: 100%; background: #fff; }
table.changes th, table.changes td { border-bottom: 1px solid #ddd; padding: 6px 8px; text-align: left; vertical-align: top; font-size: 14px; }
table.changes p { margin: 0 0 4px; }
.id { color: #666; font-size: 12px; }
.num { text-align: right; }
.badge { padding: 2px 6px; border-radius: 4px; font-size: 12px; white-space: nowrap; }
.none { color: #999; }
.favours-provider .badge, .counts li.favours-provider, .line.favours-provider { background: #dff3e4; }
.favours-payer .badge, .counts li.favours-payer, .line.favours-payer { background: #fde2e1; }
.neutral .badge, .counts li.neutral, .line.neutral { background: #e8eef7; }
.depends .badge, .counts li.depends, .line.depends { background: #fff1c7; }
.unclassified .badge, .counts li.unclassified, .line.unclassified { background: #ead9f5; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.pane { background: #fff; border: 1px solid #ddd; border-radius: 6px; overflow: auto; }
.pane h3 { font-size: 14px; margin: 0; padding: 8px; border-bottom: 1px solid #ddd; }
pre { margin: 0; font-size: 12px; line-height: 1.45; }
.line { display: block; padding-right: 8px; white-space: pre; }
.line .no { display: inline-block; width: 3em; color: #999; text-align: right; margin-right: 4px; }
.line .refs { display: inline-block; width: 3.5em; font-size: 10px; }
.line.mark { border-left: 3px solid #888; }
.notes { font-size: 13px; color: #444; }
figure.curves { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 0; padding: 8px; }
figure.curves svg { max-width: 100%; height: auto; }
@media print { .sides { grid-template-columns: 1fr; } .pane { overflow: visible; } }

""";
}
