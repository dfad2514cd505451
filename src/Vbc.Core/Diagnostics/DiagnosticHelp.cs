using System.Reflection;
using System.Text;

namespace Vbc.Diagnostics;

/// <summary>
/// Where each diagnostic code is explained: its section of docs/diagnostics.md ("## VBC2005: a name is not
/// defined"). The titles are read from the copy of that document built into this assembly, so a new section is
/// linked as soon as it is written. Links go to the copy shipped next to vbc (a file: URI, which works offline and
/// matches this version), or to the published document when vbc is built with VbcDocsUrl set.
/// </summary>
public static class DiagnosticHelp
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Sections = new(ReadSections);

    /// <summary>The address of docs/diagnostics.md that links point into.</summary>
    public static string DocumentUri { get; } = FindDocument();

    /// <summary>The section's title ("a name is not defined"), or null for a code the document does not explain.</summary>
    public static string? Title(string code) => Sections.Value.TryGetValue(code, out var title) ? title : null;

    /// <summary>The link to the code's section: the document's address and the section's anchor.</summary>
    public static string Link(string code) => $"{DocumentUri}#{Anchor(code)}";

    /// <summary>The heading's anchor as Markdown renderers make it: lower case, punctuation dropped, spaces as hyphens.</summary>
    public static string Anchor(string code)
    {
        string heading = Title(code) is { } title ? $"{code}: {title}" : code;
        var o = new StringBuilder();
        foreach (char c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                o.Append(c);
            }
            else if (c == ' ')
            {
                o.Append('-');
            }
        }
        return o.ToString();
    }

    private static IReadOnlyDictionary<string, string> ReadSections()
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = typeof(DiagnosticHelp).Assembly.GetManifestResourceStream("Vbc.docs.diagnostics.md");
        if (stream is null)
        {
            return sections;
        }
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            // "## VBC2005: a name is not defined"
            if (line.StartsWith("## VBC", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is > 3 and var colon)
            {
                sections[line[3..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }
        return sections;
    }

    private static string FindDocument()
    {
        var configured = typeof(DiagnosticHelp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "VbcDocsUrl")?.Value;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim();
        }
        return new Uri(Path.Combine(AppContext.BaseDirectory, "docs", "diagnostics.md")).AbsoluteUri;
    }
}
