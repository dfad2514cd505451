using System.Globalization;
using System.Text;
using System.Text.Json;
using Vbc.Curves;
using Vbc.Semantics;

namespace Vbc.Reports;

/// <summary>Payout curves as text (a table, the kinks, the properties), JSON (<c>vbc-curve/1</c>) and a self-contained SVG chart.</summary>
public static class CurveWriters
{
    public static string Text(IReadOnlyList<(string Path, PayoutCurve Curve)> curves)
    {
        var o = new StringBuilder();
        var first = curves[0].Curve;
        o.Append($"Payout curve by {first.DriverName}, from {Pct(first.Points[0].Driver)} to {Pct(first.Points[^1].Driver)} ({first.Points.Count:N0} points)\n");
        foreach (var (path, curve) in curves)
        {
            o.Append($"\n{path}\n");
            o.Append($"  moves {curve.Moves}; everything else is the data's\n");
            o.Append("  kinks:\n");
            if (curve.Kinks.Count == 0)
            {
                o.Append("    none: the payment is a straight line over the range\n");
            }
            foreach (var k in curve.Kinks)
            {
                o.Append($"    at {Pct(k.At),10}  {Money(k.Left)} -> {Money(k.Right)}{(k.Jump ? "  (a jump)" : "")}  {string.Join(", ", k.Why)}\n");
            }
            var p = curve.Properties;
            o.Append("  properties:\n");
            o.Append($"    monotone: {YesNo(p.Monotone)}{(p.Monotone ? $" (the payment never moves against the {curve.DriverName})" : "")}\n");
            o.Append($"    continuous: {YesNo(p.Continuous)}{(p.Continuous ? "" : " (jumps at " + string.Join(", ", curve.Kinks.Where(k => k.Jump).Select(k => Pct(k.At))) + ")")}\n");
            if (p.Highest == p.Lowest)
            {
                o.Append($"    flat: the payment is {Money(p.Highest)} whatever the {curve.DriverName}: it does not depend on what this curve moves\n");
            }
            else
            {
                o.Append($"    highest: {Money(p.Highest)}{(p.HighestIsFlat ? " (held over a range: a cap)" : " (at the end of the range)")}\n");
                o.Append($"    lowest: {Money(p.Lowest)}{(p.LowestIsFlat ? " (held over a range: a floor)" : " (at the end of the range)")}\n");
            }
            o.Append($"    never negative: {YesNo(p.NeverNegative)}{(p.NeverNegative ? " (the provider never pays)" : "")}\n");
        }
        o.Append('\n');
        // The table: every 20th grid point and the kinks' two sides, for each version side by side.
        int step = Math.Max(1, (first.Points.Count - 1) / 20);
        int width = Math.Max(22, curves.Max(c => Short(c.Path).Length));
        o.Append($"  {Capitalize(first.DriverName),14}").Append(string.Concat(curves.Select(c => "  " + Short(c.Path).PadLeft(width)))).Append('\n');
        for (int i = 0; i < first.Points.Count; i += step)
        {
            o.Append($"  {Pct(first.Points[i].Driver),14}");
            foreach (var (_, curve) in curves)
            {
                o.Append("  " + Money(curve.Points[i].Total).PadLeft(width));
            }
            o.Append('\n');
        }
        return o.ToString();
    }

    public static string Json(IReadOnlyList<(string Path, PayoutCurve Curve)> curves)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("schema", "vbc-curve/1");
            w.WriteString("driver", curves[0].Curve.Driver == CurveDriver.SavingsRate ? "savings-rate" : "quality");
            w.WriteStartArray("curves");
            foreach (var (path, c) in curves)
            {
                w.WriteStartObject();
                w.WriteString("contract", path);
                w.WriteString("moves", c.Moves);
                w.WriteString("benchmark", Num(c.Benchmark));
                w.WriteStartObject("properties");
                w.WriteBoolean("monotone", c.Properties.Monotone);
                w.WriteBoolean("continuous", c.Properties.Continuous);
                w.WriteString("highest", Num(c.Properties.Highest));
                w.WriteBoolean("highestIsCap", c.Properties.HighestIsFlat);
                w.WriteString("lowest", Num(c.Properties.Lowest));
                w.WriteBoolean("lowestIsFloor", c.Properties.LowestIsFlat);
                w.WriteBoolean("neverNegative", c.Properties.NeverNegative);
                w.WriteEndObject();
                w.WriteStartArray("kinks");
                foreach (var k in c.Kinks)
                {
                    w.WriteStartObject();
                    w.WriteString("at", Num(k.At));
                    w.WriteString("left", Num(k.Left));
                    w.WriteString("right", Num(k.Right));
                    w.WriteBoolean("jump", k.Jump);
                    w.WriteStartArray("lines");
                    k.Why.ToList().ForEach(w.WriteStringValue);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("points");
                foreach (var p in c.Points)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(Num(p.Driver));
                    w.WriteStringValue(Num(p.Total));
                    w.WriteEndArray();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>A chart of every version on the same axes, the kinks marked, the properties stated under it.</summary>
    public static string Svg(IReadOnlyList<(string Path, PayoutCurve Curve)> curves)
    {
        const int width = 720, height = 420, left = 110, right = 20, top = 30, bottom = 70;
        var all = curves.SelectMany(c => c.Curve.Points).ToList();
        decimal x0 = all.Min(p => p.Driver), x1 = all.Max(p => p.Driver);
        decimal y0 = Math.Min(0m, all.Min(p => p.Total)), y1 = Math.Max(0m, all.Max(p => p.Total));
        if (y1 == y0)
        {
            y1 = y0 + 1;
        }
        double X(decimal x) => left + (double)((x - x0) / (x1 - x0)) * (width - left - right);
        double Y(decimal y) => top + (double)((y1 - y) / (y1 - y0)) * (height - top - bottom);
        string[] colours = { "#1f5fa8", "#c2410c" };
        var o = new StringBuilder();
        o.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height + 18 * curves.Count}\" viewBox=\"0 0 {width} {height + 18 * curves.Count}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        o.Append($"<title>Payout curve by {Esc(curves[0].Curve.DriverName)}</title>\n");
        o.Append($"<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
        for (int i = 0; i <= 4; i++)
        {
            decimal y = y0 + (y1 - y0) * i / 4;
            o.Append($"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{F(Y(y))}\" y2=\"{F(Y(y))}\" stroke=\"#e5e7eb\"/><text x=\"{left - 6}\" y=\"{F(Y(y) + 4)}\" text-anchor=\"end\">{Esc(Money(Math.Round(y, 0)))}</text>\n");
            decimal x = x0 + (x1 - x0) * i / 4;
            o.Append($"<text x=\"{F(X(x))}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{Esc(Pct(x))}</text>\n");
        }
        o.Append($"<line x1=\"{left}\" x2=\"{width - right}\" y1=\"{F(Y(0))}\" y2=\"{F(Y(0))}\" stroke=\"#6b7280\"/>\n");
        o.Append($"<text x=\"{(left + width - right) / 2}\" y=\"{height - bottom + 34}\" text-anchor=\"middle\">{Esc(Capitalize(curves[0].Curve.DriverName))}</text>\n");
        for (int c = 0; c < curves.Count; c++)
        {
            var curve = curves[c].Curve;
            string points = string.Join(" ", curve.Points.Select(p => $"{F(X(p.Driver))},{F(Y(p.Total))}"));
            o.Append($"<polyline fill=\"none\" stroke=\"{colours[c % 2]}\" stroke-width=\"2\" points=\"{points}\"/>\n");
            foreach (var k in curve.Kinks)
            {
                o.Append($"<circle cx=\"{F(X(k.At))}\" cy=\"{F(Y(k.Right))}\" r=\"3.5\" fill=\"{colours[c % 2]}\"><title>{Esc($"{Pct(k.At)}: {string.Join(", ", k.Why)}")}</title></circle>\n");
            }
            var p = curve.Properties;
            string facts = $"{Short(curves[c].Path)}: monotone {YesNo(p.Monotone)}; continuous {YesNo(p.Continuous)}; highest {Money(p.Highest)}{(p.HighestIsFlat ? " (cap)" : "")}; lowest {Money(p.Lowest)}{(p.LowestIsFlat ? " (floor)" : "")}; never negative {YesNo(p.NeverNegative)}";
            o.Append($"<rect x=\"{left}\" y=\"{height - 22 + 18 * c}\" width=\"10\" height=\"10\" fill=\"{colours[c % 2]}\"/><text x=\"{left + 16}\" y=\"{height - 13 + 18 * c}\">{Esc(facts)}</text>\n");
        }
        o.Append("</svg>\n");
        return o.ToString();
    }

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Num(decimal v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Money(decimal v) => Display.Money(v);

    private static string Pct(decimal v) => Display.Percent(v);

    private static string YesNo(bool b) => b ? "yes" : "no";

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private static string Short(string path) => Path.GetFileName(path);

    private static string Esc(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
