using System.Globalization;
using System.Text;
using System.Text.Json;
using Vbc.Pricing;
using Vbc.Semantics;
using Vbc.Versions;
using static Vbc.Reports.Html.HtmlText;

namespace Vbc.Reports;

/// <summary>
/// What a priced diff ran on (the data, year, inputs) and what it found: the prices, or the failures of a version that
/// cannot settle; and, for the HTML page, the payout curves of both versions as an SVG chart.
/// </summary>
public sealed record DiffPricing(string Data, int? Year, IReadOnlyDictionary<string, string> Inputs, string? InputsFile, DiffPrices? Prices,
    IReadOnlyList<PricingFailure> Failures)
{
    /// <summary>The payout curves of both versions (the chart of <c>vbc curve OLD --vs NEW --format svg</c>), or why there are none.</summary>
    public string? CurvesSvg { get; init; }

    public string? CurvesProblem { get; init; }
}

/// <summary>The "prices" part of a diff's reports: text, JSON (the <c>prices</c> section of vbc-diff/1) and HTML.</summary>
public static class PriceReports
{
    public const string CentsRule =
        "Each column adds up to the difference to the cent. Waterfall: each group applied after those above it, in the order of the text; "
        + "each step is a difference of two statement totals, so already in cents. Shapley: each group's marginal effect averaged over every "
        + "order of applying the groups, an exact fraction, rounded down to the cent; the cents left over go one each to the largest remainders, "
        + "ties to the group first in the text.";

    private static string Money(decimal amount) => Display.Money(amount);

    private static string Runs(DiffPricing p) =>
        $"on {p.Data}" + (p.Year is { } y ? $", year {y}" : "")
        + (p.Inputs.Count > 0 ? ", inputs " + string.Join(", ", p.Inputs.OrderBy(i => i.Key, StringComparer.OrdinalIgnoreCase).Select(i => $"{i.Key}={i.Value}")) : "")
        + (p.InputsFile is null ? "" : $", one row per organisation of {p.InputsFile}");

    /// <summary>Whom a group favours as the report shows it: the kind's word, or "depends" refined by the price ("depends: favours the payer on this data").</summary>
    public static string Direction(DiffPrices prices, int group)
    {
        var changes = prices.Groups[group].Changes;
        // A neutral change in a group (an input declared for the clause that reads it) does not colour the group.
        var words = changes.Where(c => c.Direction != ChangeDirection.Neutral).Select(c => DiffReports.Word(c.Direction)).Distinct().ToList();
        string word = words.Count == 0 ? "neutral" : words.Count == 1 ? words[0] : "mixed";
        return prices.Priced(group) is { } priced ? $"depends: {DiffReports.Word(priced)} here" : word;
    }

    public static void Text(StringBuilder o, DiffPricing p)
    {
        o.Append($"\nPRICES {Runs(p)} (payer to provider positive)\n");
        if (p.Prices is not { } prices)
        {
            foreach (var f in p.Failures)
            {
                o.Append($"  {Who(f)} cannot settle on this data:\n");
                foreach (var d in f.Diagnostics)
                {
                    o.Append($"    {d}\n");
                }
            }
            o.Append("  The changes are not priced.\n");
            return;
        }
        o.Append($"  old version pays {Money(prices.TotalOld)}; new version pays {Money(prices.TotalNew)}; difference {Money(prices.TotalNew - prices.TotalOld)}\n");
        if (prices.Problem is not null)
        {
            o.Append($"  {prices.Problem}\n");
        }
        o.Append('\n');
        Table(o, prices, prices.TotalWaterfall, prices.TotalShapley, "  ");
        if (prices.Organisations.Count > 1)
        {
            foreach (var org in prices.Organisations)
            {
                o.Append($"\n  organisation {org.Organisation}: old {Money(org.Old)}, new {Money(org.New)}, difference {Money(org.Difference)}\n");
                Table(o, prices, org.Waterfall, org.Shapley, "    ");
            }
        }
        o.Append('\n');
        foreach (var line in Notes(prices))
        {
            o.Append($"  {line}\n");
        }
    }

    private static string Who(PricingFailure f) =>
        (f.Version switch { "old" => "the old version", "new" => "the new version", _ => f.Version }) + (f.Organisation is null ? "" : $" (organisation {f.Organisation})");

    private static void Table(StringBuilder o, DiffPrices prices, IReadOnlyList<decimal> waterfall, IReadOnlyList<decimal> shapley, string indent)
    {
        o.Append($"{indent}{"#",-3} {"change",-44} {"direction",-28} {"waterfall",16} {"Shapley",16}\n");
        for (int g = 0; g < prices.Groups.Count; g++)
        {
            var group = prices.Groups[g];
            string mark = waterfall[g] != shapley[g] ? "  *" : "";
            o.Append($"{indent}{g + 1,-3} {group.Changes[0].Id,-44} {Direction(prices, g),-28} {Money(waterfall[g]),16} {Money(shapley[g]),16}{mark}\n");
            foreach (var extra in group.Changes.Skip(1))
            {
                o.Append($"{indent}{"",-3} + {extra.Id}\n");
            }
            foreach (var c in group.Changes)
            {
                o.Append($"{indent}{"",-3}   {c.Sentence}\n");
            }
        }
        o.Append($"{indent}{"",-3} {"total",-44} {"",-28} {Money(waterfall.Sum()),16} {Money(shapley.Sum()),16}\n");
    }

    private static IEnumerable<string> Notes(DiffPrices prices)
    {
        if (prices.Groups.Count == 0 && prices.NotPriced.Count == 0)
        {
            yield return "No change to price: both versions settle alike.";
            yield break;
        }
        yield return CentsRule;
        yield return prices.ShapleyExact
            ? $"Shapley values are exact: all {1L << prices.Groups.Count} combinations of the {prices.Groups.Count} groups were settled."
            : $"Shapley values are sampled: {prices.Permutations} random orders of the {prices.Groups.Count} groups (seed {prices.Seed}), so they are estimates; the waterfall is exact.";
        yield return $"{prices.VersionsSettled} settlements of versions; the member-level stage ran {prices.MemberPasses} time{(prices.MemberPasses == 1 ? "" : "s")} "
            + "(once per distinct member-level plan and organisation; the others reused its totals).";
        var interacting = Enumerable.Range(0, prices.Groups.Count).Where(prices.Interacts).Select(g => $"#{g + 1}").ToList();
        yield return interacting.Count == 0
            ? "The two columns agree: no change's worth depends on which others are applied."
            : $"* The columns differ for {string.Join(", ", interacting)}: these changes interact (a change's worth depends on which others are applied first).";
        foreach (var (group, g) in prices.Groups.Select((x, i) => (x, i)).Where(x => x.x.Why is not null))
        {
            yield return $"#{g + 1} is priced as one: {group.Why}.";
        }
        if (Enumerable.Range(0, prices.Groups.Count).Any(g => prices.Priced(g) is not null))
        {
            yield return "'depends: ... here': the kind of the change cannot tell whom it favours; on this data both columns agree in sign.";
        }
        foreach (var c in prices.NotPriced)
        {
            yield return $"Not priced: {c.Id} ({c.Sentence})";
        }
    }

    public static void Json(Utf8JsonWriter w, DiffPricing p)
    {
        w.WriteStartObject("prices");
        w.WriteString("data", p.Data);
        if (p.Year is { } year)
        {
            w.WriteNumber("year", year);
        }
        else
        {
            w.WriteNull("year");
        }
        w.WriteStartObject("inputs");
        foreach (var (name, value) in p.Inputs.OrderBy(i => i.Key, StringComparer.OrdinalIgnoreCase))
        {
            w.WriteString(name, value);
        }
        w.WriteEndObject();
        w.WriteString("inputsFile", p.InputsFile);
        w.WriteStartArray("failures");
        foreach (var f in p.Failures)
        {
            w.WriteStartObject();
            w.WriteString("version", f.Version);
            w.WriteString("organisation", f.Organisation);
            w.WriteStartArray("diagnostics");
            f.Diagnostics.Select(d => d.ToString()).ToList().ForEach(w.WriteStringValue);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (p.Prices is { } prices)
        {
            Amount(w, "old", prices.TotalOld);
            Amount(w, "new", prices.TotalNew);
            Amount(w, "difference", prices.TotalNew - prices.TotalOld);
            w.WriteString("shapley", prices.ShapleyExact ? "exact" : "sampled");
            w.WriteNumber("permutations", prices.Permutations);
            w.WriteNumber("seed", prices.Seed);
            w.WriteNumber("versionsSettled", prices.VersionsSettled);
            w.WriteNumber("memberPasses", prices.MemberPasses);
            w.WriteString("cents", CentsRule);
            w.WriteString("problem", prices.Problem);
            w.WriteStartArray("groups");
            for (int g = 0; g < prices.Groups.Count; g++)
            {
                w.WriteStartObject();
                w.WriteStartArray("changes");
                prices.Groups[g].Changes.Select(c => c.Id).ToList().ForEach(w.WriteStringValue);
                w.WriteEndArray();
                w.WriteString("why", prices.Groups[g].Why);
                w.WriteString("direction", Direction(prices, g));
                Amount(w, "waterfall", prices.TotalWaterfall[g]);
                Amount(w, "shapley", prices.TotalShapley[g]);
                w.WriteBoolean("interacts", prices.Interacts(g));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("notPriced");
            prices.NotPriced.Select(c => c.Id).ToList().ForEach(w.WriteStringValue);
            w.WriteEndArray();
            w.WriteStartArray("organisations");
            if (prices.Organisations.Count > 1)
            {
                foreach (var org in prices.Organisations)
                {
                    w.WriteStartObject();
                    w.WriteString("organisation", org.Organisation);
                    Amount(w, "old", org.Old);
                    Amount(w, "new", org.New);
                    w.WriteStartArray("waterfall");
                    org.Waterfall.Select(Invariant).ToList().ForEach(w.WriteStringValue);
                    w.WriteEndArray();
                    w.WriteStartArray("shapley");
                    org.Shapley.Select(Invariant).ToList().ForEach(w.WriteStringValue);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static string Invariant(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);

    private static void Amount(Utf8JsonWriter w, string name, decimal amount) => w.WriteString(name, Invariant(amount));

    public static void Html(StringBuilder o, DiffPricing p)
    {
        o.Append($"<h2>Prices {Escape(Runs(p))}</h2>\n");
        if (p.Prices is not { } prices)
        {
            foreach (var f in p.Failures)
            {
                o.Append($"<p>{Escape(Who(f))} cannot settle on this data: {Escape(string.Join("; ", f.Diagnostics.Select(d => d.ToString())))}</p>\n");
            }
            o.Append("<p>The changes are not priced.</p>\n");
        }
        else
        {
            o.Append($"<p class=\"summary\">The old version pays {Escape(Money(prices.TotalOld))}; the new version pays {Escape(Money(prices.TotalNew))}; "
                + $"the difference is {Escape(Money(prices.TotalNew - prices.TotalOld))} (payer to provider positive).</p>\n");
            if (prices.Problem is not null)
            {
                o.Append($"<p>{Escape(prices.Problem)}</p>\n");
            }
            o.Append("<table class=\"changes prices\">\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Change</th><th scope=\"col\">Direction</th><th scope=\"col\">Waterfall</th><th scope=\"col\">Shapley</th></tr></thead>\n<tbody>\n");
            var waterfall = prices.TotalWaterfall;
            var shapley = prices.TotalShapley;
            for (int g = 0; g < prices.Groups.Count; g++)
            {
                var group = prices.Groups[g];
                o.Append($"<tr><td class=\"num\">{g + 1}</td><td>");
                foreach (var c in group.Changes)
                {
                    o.Append($"<p>{Escape(c.Sentence)}</p><p class=\"id\"><code>{Escape(c.Id)}</code></p>");
                }
                o.Append($"</td><td>{Escape(Direction(prices, g))}</td><td class=\"num\">{Escape(Money(waterfall[g]))}</td><td class=\"num\">{Escape(Money(shapley[g]))}{(prices.Interacts(g) ? " *" : "")}</td></tr>\n");
            }
            o.Append($"<tr><td></td><td><strong>Total</strong></td><td></td><td class=\"num\"><strong>{Escape(Money(waterfall.Sum()))}</strong></td><td class=\"num\"><strong>{Escape(Money(shapley.Sum()))}</strong></td></tr>\n");
            o.Append("</tbody>\n</table>\n<ul class=\"notes\">\n");
            foreach (var note in Notes(prices))
            {
                o.Append($"<li>{Escape(note)}</li>\n");
            }
            o.Append("</ul>\n");
        }
        if (p.CurvesSvg is not null)
        {
            o.Append("<h2>Payout curves of both versions</h2>\n<figure class=\"curves\">\n");
            // The chart of vbc curve --vs, inline: the page stays self-contained.
            string svg = p.CurvesSvg;
            int start = svg.IndexOf("<svg", StringComparison.Ordinal);
            o.Append(start >= 0 ? svg[start..].TrimEnd() : svg.TrimEnd()).Append("\n</figure>\n");
        }
        else if (p.CurvesProblem is not null)
        {
            o.Append($"<h2>Payout curves of both versions</h2>\n<p>{Escape(p.CurvesProblem)}</p>\n");
        }
    }
}
