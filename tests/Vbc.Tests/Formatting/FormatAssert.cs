using Vbc.Syntax;
using Vbc.Formatting;
using Vbc.Parsing;
using Vbc.Semantics;

namespace Vbc.Tests.Formatting;

/// <summary>Formats text and checks the formatter's promises on the result.</summary>
internal static class FormatAssert
{
    /// <summary>
    /// Formats <paramref name="input"/> and compares with <paramref name="expected"/> plus the one final newline
    /// (so that expected texts can be written as raw string literals). Then checks every invariant.
    /// </summary>
    public static void FormatsTo(string input, string expected)
    {
        var parsed = Parse(input);
        string actual = ContractFormatter.Format(parsed);
        Assert.Equal(expected + "\n", actual);
        Invariants(parsed, actual);
    }

    /// <summary>Formats text that must parse without errors.</summary>
    public static string Format(string input) => ContractFormatter.Format(Parse(input));

    /// <summary>
    /// What must hold for any formatted text: the canonical layout basics, the same meaning (same diagnostics-free
    /// parse, same tree without spans), the same comments in the same order, and idempotence. The one change of tree the
    /// formatter makes: a plug-in's block form in the <c>plugins</c> block becomes the one-line form, so the plug-ins
    /// are compared by what they name (script and pin) and the rest of the tree as it is.
    /// </summary>
    public static void Invariants(ParsedContract original, string formatted)
    {
        Assert.DoesNotContain('\r', formatted);
        Assert.EndsWith("\n", formatted);
        Assert.False(formatted.EndsWith("\n\n", StringComparison.Ordinal), "The file must end with exactly one newline.");
        Assert.False(formatted.StartsWith('\n'), "The file must not start with a blank line.");
        var lines = formatted[..^1].Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.False(lines[i].Length > 0 && char.IsWhiteSpace(lines[i][^1]), $"Line {i + 1} has trailing white space: '{lines[i]}'");
            Assert.False(i > 0 && lines[i].Length == 0 && lines[i - 1].Length == 0, $"Two blank lines in a row at line {i + 1}.");
        }

        var reparsed = ContractParser.Parse(formatted, original.Source.Path);
        if (original.Diagnostics.IsEmpty)
        {
            Assert.True(reparsed.Diagnostics.IsEmpty,
                "The formatted text has diagnostics:\n" + string.Join('\n', reparsed.Diagnostics) + "\n---\n" + formatted);
        }
        Assert.False(reparsed.HasErrors);
        Assert.Equal(TreeWithoutPlugins(original), TreeWithoutPlugins(reparsed));
        Assert.Equal(PluginsNamed(original), PluginsNamed(reparsed));
        Assert.Equal(CommentTexts(original), CommentTexts(reparsed));

        string again = ContractFormatter.Format(reparsed);
        Assert.Equal(formatted, again);
    }

    private static string TreeWithoutPlugins(ParsedContract parsed) =>
        SyntaxDump.Of(parsed.Root with { Blocks = parsed.Root.Blocks.Where(b => b.Header.Text != PluginReferences.Keyword).ToEquatableArray() });

    private static IReadOnlyList<string> PluginsNamed(ParsedContract parsed)
    {
        var (references, diagnostics) = PluginReferences.Read(parsed);
        return references.Select(r => $"{r.Name}: {r.Script} {r.Sha256}").Concat(diagnostics.Select(d => d.Code)).ToList();
    }

    /// <summary>
    /// The comments' texts in order. Line breaks inside block comments compare as LF and white space at line ends is
    /// ignored: the formatter writes LF line endings and no trailing spaces, even inside comments.
    /// </summary>
    public static IReadOnlyList<string> CommentTexts(ParsedContract parsed) =>
        parsed.Comments
            .OrderBy(c => c.Span.Start)
            .Select(c => string.Join('\n', c.Text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n').Select(l => l.TrimEnd())))
            .ToList();

    public static ParsedContract Parse(string input)
    {
        var parsed = ContractParser.Parse(input);
        Assert.False(parsed.HasErrors, "The test input has syntax errors:\n" + string.Join('\n', parsed.Diagnostics));
        return parsed;
    }
}
