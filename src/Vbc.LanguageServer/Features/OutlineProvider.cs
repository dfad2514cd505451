using Vbc.Semantics;
using Vbc.Syntax;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.LanguageServer.Features;

/// <summary>The outline (document symbols: blocks, their settings and declarations) and folding ranges.</summary>
public static class OutlineProvider
{
    public static Lsp.DocumentSymbol[] Symbols(DocumentAnalysis analysis) =>
        analysis.Parsed.Root.Blocks.Where(b => b.Header.Words.Count > 0).Select(b => Symbol(analysis, b)).ToArray();

    private static Lsp.DocumentSymbol Symbol(DocumentAnalysis analysis, BlockSyntax block)
    {
        string header = block.Header.Text;
        string name = block.Label is { } label ? $"{header} \"{label.Value}\"" : string.Join(' ', block.Header.Words);
        bool declarations = Binder.DeclarationBlocks.Contains(header);
        var children = new List<Lsp.DocumentSymbol>();
        foreach (var item in block.Items)
        {
            switch (item)
            {
                case BlockSyntax nested when nested.Header.Words.Count > 0:
                    children.Add(Symbol(analysis, nested));
                    break;
                case EntrySyntax entry when entry.Key.Words.Count > 0:
                    int kind = header switch
                    {
                        "data" => Lsp.SymbolKind.Field,
                        "inputs" => Lsp.SymbolKind.Variable,
                        "values" => Lsp.SymbolKind.Constant,
                        _ => Lsp.SymbolKind.Property,
                    };
                    string detail = analysis.Source.GetText(Syntax.TextSpanOfValues(entry)).Trim();
                    children.Add(new Lsp.DocumentSymbol(string.Join(' ', entry.Key.Words), Shorten(detail), kind,
                        analysis.RangeOf(entry.Span), analysis.RangeOf(entry.Key.Span), null));
                    break;
            }
        }
        string? kindDetail = declarations ? "declarations" : analysis.KindOf(block)?.Summary is { } summary ? Shorten(summary) : null;
        return new Lsp.DocumentSymbol(name, kindDetail, declarations ? Lsp.SymbolKind.Namespace : Lsp.SymbolKind.Class,
            analysis.RangeOf(block.Span), analysis.RangeOf(block.Header.Span), children.ToArray());
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    /// <summary>Blocks and tables over several lines, block comments, and runs of line comments.</summary>
    public static Lsp.FoldingRange[] Folding(DocumentAnalysis analysis)
    {
        var source = analysis.Source;
        var ranges = new List<Lsp.FoldingRange>();
        foreach (var node in Navigation.SyntaxLocator.DescendantsAndSelf(analysis.Parsed.Root))
        {
            if (node is BlockSyntax or TableSyntax)
            {
                int start = source.GetPosition(node.Span.Start).Line - 1;
                int end = source.GetPosition(node.Span.End).Line - 1;
                // Keep the closing brace visible: fold up to the line before it.
                bool closed = node is not BlockSyntax b || b.IsClosed;
                int last = closed ? end - 1 : end;
                if (last > start)
                {
                    ranges.Add(new Lsp.FoldingRange(start, last));
                }
            }
        }
        int runStart = -1, runEnd = -1;
        foreach (var comment in analysis.Parsed.Comments)
        {
            int start = source.GetPosition(comment.Span.Start).Line - 1;
            int end = source.GetPosition(comment.Span.End).Line - 1;
            if (comment.IsBlock)
            {
                if (end > start)
                {
                    ranges.Add(new Lsp.FoldingRange(start, end, "comment"));
                }
                continue;
            }
            if (runStart >= 0 && start == runEnd + 1)
            {
                runEnd = start;
                continue;
            }
            if (runEnd > runStart)
            {
                ranges.Add(new Lsp.FoldingRange(runStart, runEnd, "comment"));
            }
            runStart = runEnd = start;
        }
        if (runEnd > runStart)
        {
            ranges.Add(new Lsp.FoldingRange(runStart, runEnd, "comment"));
        }
        return ranges.OrderBy(r => r.StartLine).ThenBy(r => r.EndLine).ToArray();
    }
}

internal static class Syntax
{
    public static Text.TextSpan TextSpanOfValues(EntrySyntax entry) =>
        entry.Values.Count == 0 ? new Text.TextSpan(entry.Span.End, 0) : entry.Values[0].Span.Union(entry.Values[^1].Span);
}
