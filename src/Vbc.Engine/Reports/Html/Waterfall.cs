using System.Text;
using Vbc.Semantics;
using Vbc.Settlement;
using static Vbc.Reports.Html.HtmlText;

namespace Vbc.Reports.Html;

internal enum BarKind
{
    /// <summary>A level drawn from zero: the benchmark, the gross savings or losses, the total.</summary>
    Subtotal,
    /// <summary>A step up from the running level (a payment to the provider).</summary>
    Increase,
    /// <summary>A step down from the running level (a payment to the payer, or the actual cost subtracted).</summary>
    Decrease,
}

/// <summary>One bar: drawn from <see cref="From"/> to <see cref="To"/>, labelled with <see cref="Amount"/>.
/// Labels (and "The chart in numbers" table) are to the cent, marked ~ when rounded: a chart is read at a glance, and
/// the arithmetic section shows the statement's usual digits.</summary>
internal sealed record WaterfallBar(string Label, BarKind Kind, decimal From, decimal To, decimal Amount)
{
    public string AmountText => Display.Cents(Amount);
}

/// <summary>A panel of the chart, with its own money axis.</summary>
internal sealed record WaterfallPanel(string Id, string Title, string Description, IReadOnlyList<WaterfallBar> Bars);

/// <summary>
/// The waterfall from the benchmark to the settlement, as inline SVG.
///
/// Scale: the benchmark and the actual cost are usually tens of millions, while the payments are a few percent of
/// them (a $57M benchmark next to a $300k payment). On one axis the payment bars would be a pixel high, and a
/// broken axis makes bars that cross the break hard to read honestly. So when the statement has a benchmark and an
/// actual cost, the chart has two panels, each on its own linear axis starting from the same kind of zero line:
/// (1) benchmark, less actual cost, = gross savings or losses; (2) the payment lines from $0, each a step up or
/// down, ending at the total. Both panels say "own scale" in their titles, and every bar carries its amount, so no
/// one has to read a value off the axis. Without a benchmark (capitation, bundles, pay-for-performance) only the
/// payments panel is drawn. Within a panel the scale is linear: a small payment beside a large one is a thin bar,
/// but its label is printed in full.
///
/// Colours are chosen to stay apart in greyscale: totals dark solid, increases mid-tone solid, decreases light
/// with dark hatching. Geometry is computed in decimals and printed with the invariant culture, so the same
/// statement gives the same bytes.
/// </summary>
internal static class Waterfall
{
    private const decimal MinSlotWidth = 112m;
    private const decimal MaxSlotWidth = 170m;
    private const decimal BarWidth = 62m;
    private const decimal AxisWidth = 64m;
    private const decimal InnerPad = 12m;
    private const decimal RightPad = 10m;
    private const decimal TitleY = 20m;
    private const decimal TitleSize = 13m;
    private const decimal PlotTop = 52m;
    private const decimal PlotBottom = 262m;
    private const decimal CategoryY = 294m;
    private const decimal CategoryLineHeight = 14m;
    private const int CategoryLines = 4;
    private const decimal Height = 350m;
    private const decimal AmountSize = 12m;

    public const string TotalFill = "#26323f";
    public const string IncreaseFill = "#5b8fc7";
    public const string DecreaseStroke = "#9e2f27";
    public const string DecreaseFill = "#f7e4e1";
    public const string IncreaseStroke = "#2f5f93";

    /// <summary>The panels for a statement: benchmark and payments, or payments alone.</summary>
    public static IReadOnlyList<WaterfallPanel> Panels(Statement s)
    {
        var panels = new List<WaterfallPanel>();
        var benchmark = s.Lines.FirstOrDefault(l => l.Kind == LineKind.Step && l.Value is not null && l.Id.EndsWith("benchmark.total", StringComparison.Ordinal));
        var actual = s.Lines.FirstOrDefault(l => l.Kind == LineKind.Step && l.Value is not null && l.Id.EndsWith("cost.actual", StringComparison.Ordinal));
        if (benchmark is not null && actual is not null)
        {
            decimal b = benchmark.Value!.Value;
            decimal a = actual.Value!.Value;
            var savingsLine = s.Lines.FirstOrDefault(l => l.Kind == LineKind.Step && l.Value is not null && l.Id.EndsWith("benchmark.savings", StringComparison.Ordinal));
            decimal g = savingsLine?.Value ?? b - a;
            string gross = g < 0 ? "Gross losses" : "Gross savings";
            var bars = new List<WaterfallBar>
            {
                new("Benchmark", BarKind.Subtotal, 0m, b, b),
                new("less Actual cost", BarKind.Decrease, b, b - a, -a),
                new("= " + gross, BarKind.Subtotal, 0m, g, g),
            };
            panels.Add(new WaterfallPanel("wf1", "1. Benchmark against actual cost (own scale)",
                $"Benchmark {Display.Cents(b)}, less actual cost {Display.Cents(a)}, gives {gross.ToLowerInvariant()} of {Display.Cents(g)}.",
                bars));
        }

        var payments = new List<WaterfallBar>();
        decimal level = 0m;
        foreach (var line in s.Components)
        {
            decimal amount = AmountOf(line);
            payments.Add(new WaterfallBar(line.Label, amount < 0 ? BarKind.Decrease : BarKind.Increase, level, level + amount, amount));
            level += amount;
        }
        payments.Add(new WaterfallBar("= Total", BarKind.Subtotal, 0m, s.Total, s.Total));
        string steps = string.Join("; ", s.Components.Select(c => $"{c.Label} {Display.Money(AmountOf(c))}"));
        panels.Add(new WaterfallPanel(panels.Count == 0 ? "wf1" : "wf2",
            panels.Count == 0 ? "Payments, from $0 to the total" : "2. Payments, from $0 to the total (own scale)",
            (steps.Length == 0 ? "No payment lines" : "Payments: " + steps) + $"; total {Display.Money(s.Total)} ({Direction(s.Total)}).",
            payments));
        return panels;
    }

    public static string Direction(decimal total) =>
        total > 0 ? "payer pays provider" : total < 0 ? "provider pays payer" : "nothing to pay";

    /// <summary>One panel as an SVG element with a title, a description, a money axis and labelled bars.</summary>
    public static string Svg(WaterfallPanel panel)
    {
        var bars = panel.Bars;
        // Each slot is wide enough for the widest amount, so neighbouring labels at the same height never touch;
        // past the widest slot allowed, the labels' font shrinks instead.
        decimal slot = Math.Clamp(Math.Ceiling(bars.Max(b => TextWidth(b.AmountText, AmountSize)) + 16m), MinSlotWidth, MaxSlotWidth);
        decimal SlotX(int i) => AxisWidth + InnerPad + i * slot;
        decimal width = Math.Max(SlotX(bars.Count) + RightPad, Math.Ceiling(panel.Title.Length * 0.64m * TitleSize + 12m));
        decimal plotRight = width - RightPad;
        var (min, max, ticks) = Axis(bars.SelectMany(b => new[] { b.From, b.To }).Append(0m));
        decimal Y(decimal v) => PlotBottom - (v - min) / (max - min) * (PlotBottom - PlotTop);

        var o = new StringBuilder();
        string id = panel.Id;
        o.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"waterfall\" width=\"{Coord(width)}\" height=\"{Coord(Height)}\" viewBox=\"0 0 {Coord(width)} {Coord(Height)}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n");
        o.Append($"<title id=\"{id}-title\">{Escape(panel.Title)}</title>\n");
        o.Append($"<desc id=\"{id}-desc\">{Escape(panel.Description)}</desc>\n");
        o.Append("<defs>\n");
        o.Append($"<pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">");
        o.Append($"<rect width=\"6\" height=\"6\" fill=\"{DecreaseFill}\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{DecreaseStroke}\" stroke-width=\"2.4\"/></pattern>\n");
        o.Append("</defs>\n");
        o.Append($"<rect x=\"0\" y=\"0\" width=\"{Coord(width)}\" height=\"{Coord(Height)}\" fill=\"#ffffff\"/>\n");
        o.Append($"<text class=\"wf-title\" x=\"4\" y=\"{Coord(TitleY)}\" font-size=\"{Coord(TitleSize)}\" font-weight=\"700\" fill=\"#1c2430\">{Escape(panel.Title)}</text>\n");

        // Axis: gridlines and money ticks; the zero line is darker.
        o.Append("<g class=\"wf-axis\" font-size=\"11\" fill=\"#4a5361\" text-anchor=\"end\">\n");
        foreach (var t in ticks)
        {
            string y = Coord(Y(t));
            string stroke = t == 0 ? "#1c2430" : "#d5dae1";
            string strokeWidth = t == 0 ? "1.2" : "1";
            o.Append($"<line x1=\"{Coord(AxisWidth)}\" y1=\"{y}\" x2=\"{Coord(plotRight)}\" y2=\"{y}\" stroke=\"{stroke}\" stroke-width=\"{strokeWidth}\"/>");
            o.Append($"<text x=\"{Coord(AxisWidth - 6)}\" y=\"{Coord(Y(t) + 4)}\">{Escape(ShortMoney(t))}</text>\n");
        }
        o.Append("</g>\n");

        // Connectors: a dashed line at the running level from each bar to the next.
        o.Append("<g class=\"wf-connectors\" stroke=\"#6b7480\" stroke-width=\"1\" stroke-dasharray=\"3 2\">\n");
        for (int i = 0; i + 1 < bars.Count; i++)
        {
            decimal x1 = SlotX(i) + (slot + BarWidth) / 2;
            decimal x2 = SlotX(i + 1) + (slot - BarWidth) / 2;
            string y = Coord(Y(bars[i].To));
            o.Append($"<line x1=\"{Coord(x1)}\" y1=\"{y}\" x2=\"{Coord(x2)}\" y2=\"{y}\"/>\n");
        }
        o.Append("</g>\n");

        // Bars, their amounts and their names.
        for (int i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            decimal x = SlotX(i) + (slot - BarWidth) / 2;
            decimal centre = SlotX(i) + slot / 2;
            decimal top = Y(Math.Max(bar.From, bar.To));
            decimal bottom = Y(Math.Min(bar.From, bar.To));
            decimal height = bottom - top;
            if (height < 1.5m)
            {
                // Zero or nearly zero: a visible stroke at the level.
                decimal mid = (top + bottom) / 2;
                top = mid - 0.75m;
                height = 1.5m;
            }
            string fill = bar.Kind switch
            {
                BarKind.Subtotal => TotalFill,
                BarKind.Increase => IncreaseFill,
                _ => $"url(#{id}-hatch)",
            };
            string stroke = bar.Kind == BarKind.Decrease ? DecreaseStroke : bar.Kind == BarKind.Subtotal ? TotalFill : IncreaseStroke;
            o.Append($"<g class=\"wf-bar wf-{bar.Kind.ToString().ToLowerInvariant()}\">\n");
            o.Append($"<rect x=\"{Coord(x)}\" y=\"{Coord(top)}\" width=\"{Coord(BarWidth)}\" height=\"{Coord(height)}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1\">");
            o.Append($"<title>{Escape(bar.Label)}: {Escape(bar.AmountText)}</title></rect>\n");

            // The amount sits past the end the bar moves to: above a rise or a positive level, below a fall.
            bool below = bar.Kind == BarKind.Decrease || (bar.Kind == BarKind.Subtotal && bar.To < 0);
            decimal labelY = below ? Y(Math.Min(bar.From, bar.To)) + 15 : Y(Math.Max(bar.From, bar.To)) - 6;
            decimal fontSize = FitFontSize(bar.AmountText, AmountSize, slot - 4);
            string weight = bar.Kind == BarKind.Subtotal ? "700" : "600";
            o.Append($"<text class=\"wf-amount\" x=\"{Coord(centre)}\" y=\"{Coord(labelY)}\" font-size=\"{Coord(fontSize)}\" font-weight=\"{weight}\" text-anchor=\"middle\" fill=\"#1c2430\" stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">{Escape(bar.AmountText)}</text>\n");

            var lines = Wrap(bar.Label, (int)(slot / 6.6m), CategoryLines);
            o.Append($"<text class=\"wf-label\" x=\"{Coord(centre)}\" y=\"{Coord(CategoryY)}\" font-size=\"11.5\" text-anchor=\"middle\" fill=\"#1c2430\"{(bar.Kind == BarKind.Subtotal ? " font-weight=\"700\"" : "")}>");
            for (int k = 0; k < lines.Count; k++)
            {
                o.Append($"<tspan x=\"{Coord(centre)}\" dy=\"{(k == 0 ? "0" : Coord(CategoryLineHeight))}\">{Escape(lines[k])}</tspan>");
            }
            o.Append("</text>\n</g>\n");
        }
        o.Append("</svg>\n");
        return o.ToString();
    }

    /// <summary>
    /// The estimated width of a bold label: wide enough for the common sans-serif faces (DejaVu Sans, which
    /// Linux falls back to, is the widest); digits, $ and letters about 0.68em, separators and spaces 0.32em.
    /// </summary>
    internal static decimal TextWidth(string text, decimal size) =>
        text.Sum(c => c is ',' or '.' or ' ' or '-' or 'i' or 'l' or 't' or 'f' or 'r' or '(' or ')' ? 0.34m : 0.68m) * size;

    /// <summary>Shrinks a label's font until its estimated width fits (amounts in the billions with 4 decimals).</summary>
    private static decimal FitFontSize(string text, decimal size, decimal room)
    {
        decimal width = TextWidth(text, size);
        return width <= room ? size : Math.Max(8m, Math.Floor(room / width * size * 2) / 2);
    }

    /// <summary>
    /// A linear axis through zero with round ticks (1, 2 or 5 times a power of ten, about five intervals); the
    /// domain is widened to whole ticks. All zero gives a single tick at $0, in the middle.
    /// </summary>
    internal static (decimal Min, decimal Max, IReadOnlyList<decimal> Ticks) Axis(IEnumerable<decimal> values)
    {
        var all = values.ToList();
        decimal lo = Math.Min(0m, all.Min());
        decimal hi = Math.Max(0m, all.Max());
        if (lo == hi)
        {
            // Nothing but zeros: the zero line in the middle, with room for the labels on either side.
            return (-1m, 1m, new[] { 0m });
        }
        decimal raw = Math.Max((hi - lo) / 5m, 0.01m);
        decimal power = 1m;
        while (power <= raw / 10m)
        {
            power *= 10m;
        }
        while (power > raw)
        {
            power /= 10m;
        }
        decimal step = new[] { 1m, 2m, 5m, 10m }.Select(f => f * power).First(c => c >= raw);
        decimal min = Math.Floor(lo / step) * step;
        decimal max = Math.Ceiling(hi / step) * step;
        var ticks = new List<decimal>();
        for (decimal t = min; t <= max; t += step)
        {
            ticks.Add(t);
        }
        return (min, max, ticks);
    }
}
