using System.Text;
using Vbc.Text;

namespace Vbc.Diagnostics;

/// <summary>
/// Writes a contract with each diagnostic under the line it is about, marking the span:
/// <code>
///   12 |   rate: 150%
///      |         ^^^^ error VBC2009: 'rate' is 150%, but it must be between 0% and 100%.
/// </code>
/// Used by golden files and by <c>vbc check --show-source</c>.
/// </summary>
public static class DiagnosticAnnotator
{
    public static string Annotate(SourceText source, IEnumerable<Diagnostic> diagnostics)
    {
        var byLine = diagnostics
            .Where(d => d.Location.Line > 0)
            .GroupBy(d => d.Location.Line)
            .ToDictionary(g => g.Key, g => g.ToList());
        var fileLevel = diagnostics.Where(d => d.Location.Line <= 0).ToList();
        int width = Math.Max(3, source.LineCount.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var o = new StringBuilder();
        foreach (var d in fileLevel)
        {
            o.Append($"{new string(' ', width)} | {Level(d)} {d.Code}: {d.Message}\n");
        }
        int lines = source.Text.Length == 0 ? 0 : source.LineCount;
        for (int line = 1; line <= lines; line++)
        {
            string text = source.GetLineText(line).Replace('\t', ' ');
            o.Append(line.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width)).Append(" | ").Append(text).Append('\n');
            if (!byLine.TryGetValue(line, out var here))
            {
                continue;
            }
            foreach (var d in here)
            {
                int column = Math.Max(1, d.Location.Column);
                int length = 1;
                if (d.Location.Span is { } span)
                {
                    var end = source.GetPosition(span.End);
                    length = end.Line == line ? Math.Max(1, end.Column - column) : Math.Max(1, text.Length - column + 1);
                }
                o.Append(new string(' ', width)).Append(" | ").Append(new string(' ', column - 1)).Append(new string('^', length))
                    .Append(' ').Append(Level(d)).Append(' ').Append(d.Code).Append(": ").Append(d.Message).Append('\n');
            }
        }
        // Problems reported past the last line (at the end of the file).
        foreach (var d in byLine.Where(kv => kv.Key > lines).SelectMany(kv => kv.Value))
        {
            o.Append($"{new string(' ', width)} | {Level(d)} {d.Code}: {d.Message} (at the end of the file)\n");
        }
        return o.ToString();
    }

    private static string Level(Diagnostic d) => d.Severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };
}
