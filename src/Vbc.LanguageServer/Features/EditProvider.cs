using System.Text.RegularExpressions;
using Vbc.Formatting;
using Vbc.Syntax;
using Vbc.Text;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.LanguageServer.Features;

/// <summary>Formatting (the same text as <c>vbc fmt</c>) and code actions (a "did you mean" fix, a missing required setting).</summary>
public static partial class EditProvider
{
    /// <summary>The whole text in canonical layout, or no edit when it already is or has syntax errors (as <c>vbc fmt</c> leaves it).</summary>
    public static Lsp.TextEdit[] Format(DocumentAnalysis analysis)
    {
        if (analysis.Parsed.HasErrors)
        {
            return Array.Empty<Lsp.TextEdit>();
        }
        string formatted = ContractFormatter.Format(analysis.Parsed);
        return formatted == analysis.Source.Text
            ? Array.Empty<Lsp.TextEdit>()
            : new[] { new Lsp.TextEdit(analysis.WholeRange, formatted) };
    }

    public static Lsp.CodeAction[] CodeActions(DocumentAnalysis analysis, Lsp.Range range)
    {
        int start = analysis.OffsetOf(range.Start), end = analysis.OffsetOf(range.End);
        var actions = new List<Lsp.CodeAction>();
        foreach (var diagnostic in analysis.Contract.Diagnostics)
        {
            if (diagnostic.Location.Span is not { } span || span.End < start || span.Start > end)
            {
                continue;
            }
            var lsp = DiagnosticMapper.ToLsp(analysis, diagnostic);
            if (DidYouMean().Match(diagnostic.Message) is { Success: true } match)
            {
                string suggestion = match.Groups[1].Value;
                actions.Add(new Lsp.CodeAction($"Change '{analysis.Source.GetText(span)}' to '{suggestion}'", "quickfix", new[] { lsp },
                    Edit(analysis, new Lsp.TextEdit(analysis.RangeOf(span), suggestion)), IsPreferred: true));
            }
            if (diagnostic.Code == "VBC2004" && MissingSetting(analysis, span, diagnostic.Message) is { } add)
            {
                actions.Add(add with { Diagnostics = new[] { lsp } });
            }
        }
        return actions.ToArray();
    }

    /// <summary>Adds <c>key: example</c> as the last line of the clause whose header the diagnostic points at.</summary>
    private static Lsp.CodeAction? MissingSetting(DocumentAnalysis analysis, TextSpan header, string message)
    {
        var block = Navigation.SyntaxLocator.DescendantsAndSelf(analysis.Parsed.Root).OfType<BlockSyntax>().FirstOrDefault(b => b.Header.Span == header);
        if (block is null || !block.IsClosed || analysis.KindOf(block) is not { } kind)
        {
            return null;
        }
        var present = block.Items.OfType<EntrySyntax>().Select(e => e.Key.Text).ToHashSet(StringComparer.Ordinal);
        var spec = kind.Parameters.FirstOrDefault(p => p.Required && !present.Contains(p.Key) && message.Contains($"needs '{p.Key}'", StringComparison.Ordinal));
        var source = analysis.Source;
        int close = block.Span.End - 1;
        if (spec is null || close < 0 || source.Text[close] != '}')
        {
            return null;
        }
        var open = source.GetPosition(block.OpenBrace.Start);
        var closing = source.GetPosition(close);
        if (closing.Line == open.Line)
        {
            return null; // a one-line block: adding a line would need the block re-laid out; vbc fmt does that
        }
        string indent = new(source.GetLineText(open.Line).TakeWhile(char.IsWhiteSpace).ToArray());
        int lineStart = source.GetOffset(closing.Line, 1);
        string text = $"{indent}  {spec.Key}: {spec.Example}\n";
        var at = analysis.PositionOf(lineStart);
        return new Lsp.CodeAction($"Add '{spec.Key}: {spec.Example}'", "quickfix", null,
            Edit(analysis, new Lsp.TextEdit(new Lsp.Range(at, at), text)), IsPreferred: true);
    }

    private static Lsp.WorkspaceEdit Edit(DocumentAnalysis analysis, params Lsp.TextEdit[] edits) =>
        new(new Dictionary<string, Lsp.TextEdit[]> { [analysis.Uri] = edits });

    [GeneratedRegex(@"Did you mean '([^']+)'\?")]
    private static partial Regex DidYouMean();
}
