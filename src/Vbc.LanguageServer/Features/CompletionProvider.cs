using Vbc.Clauses;
using Vbc.Navigation;
using Vbc.Semantics;
using Vbc.Syntax;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.LanguageServer.Features;

/// <summary>
/// Completion from the position's context: clause keywords where a block may start, the settings of the enclosing
/// clause (with their docs) where a key may be written, option words, declared names and functions after a key's
/// colon, and type words in <c>data</c> and <c>inputs</c>. Everything comes from the clause registry and the binder.
/// </summary>
public static class CompletionProvider
{
    public static Lsp.CompletionList Complete(DocumentAnalysis analysis, Lsp.Position position)
    {
        var items = Items(analysis, position).ToArray();
        return new Lsp.CompletionList(false, items);
    }

    private static IEnumerable<Lsp.CompletionItem> Items(DocumentAnalysis analysis, Lsp.Position position)
    {
        int offset = analysis.OffsetOf(position);
        var location = analysis.Source.GetPosition(offset);
        string line = analysis.Source.LineCount >= location.Line ? analysis.Source.GetLineText(location.Line) : "";
        string before = line[..Math.Min(line.Length, location.Column - 1)];
        if (InCommentOrText(before) || analysis.Parsed.Comments.Any(c => offset > c.Span.Start && offset < c.Span.End))
        {
            return Array.Empty<Lsp.CompletionItem>();
        }

        var blocks = SyntaxLocator.EnclosingBlocks(analysis.Parsed.Root, offset);
        var inner = blocks.Count > 0 ? blocks[^1] : null;
        int colon = before.IndexOf(':');
        // Inside a table's braces a line is a row ("up to 25%: 100%"), not a setting: its key is a value or a range
        // written by hand, and after its colon comes a value.
        if (InTableRows(analysis, inner, offset))
        {
            return colon < 0 ? Array.Empty<Lsp.CompletionItem>() : Names(analysis, columnsOnly: false);
        }
        if (colon < 0)
        {
            return Keys(analysis, inner);
        }
        if (inner is null)
        {
            return Array.Empty<Lsp.CompletionItem>();
        }
        string key = Normalize(before[..colon]);
        return inner.Header.Text switch
        {
            "data" or "inputs" => DeclaredTypes.ByName.Keys.Order(StringComparer.Ordinal)
                .Select(t => new Lsp.CompletionItem(t, Lsp.CompletionItemKind.TypeParameter, "type", Lsp.MarkupContent.Markdown(Describe.TypeWord(t)))),
            "values" => Names(analysis, columnsOnly: false),
            _ => SettingValues(analysis, inner, key),
        };
    }

    /// <summary>At the start of a line: block keywords at the top, settings and nested clauses inside a clause.</summary>
    private static IEnumerable<Lsp.CompletionItem> Keys(DocumentAnalysis analysis, BlockSyntax? inner)
    {
        var registry = analysis.Registry;
        if (inner is null)
        {
            return registry.Kinds.Where(k => k.TopLevel).Select(Keyword)
                .Concat(Binder.DeclarationBlocks.Select(b => new Lsp.CompletionItem(b, Lsp.CompletionItemKind.Keyword, "declarations",
                    Lsp.MarkupContent.Markdown(Describe.Declarations(b)), SortText: "1" + b)))
                .OrderBy(i => i.SortText ?? i.Label, StringComparer.Ordinal);
        }
        if (Binder.DeclarationBlocks.Contains(inner.Header.Text) || analysis.KindOf(inner) is not { } kind)
        {
            return Array.Empty<Lsp.CompletionItem>();
        }
        var present = inner.Items.OfType<EntrySyntax>().Select(e => e.Key.Text).ToHashSet(StringComparer.Ordinal);
        var settings = kind.Parameters
            .Where(p => p.Repeatable || !present.Contains(p.Key))
            .Select(p => new Lsp.CompletionItem(p.Key, Lsp.CompletionItemKind.Property, (p.Required ? "required setting: " : "setting: ") + Describe.Takes(p),
                Lsp.MarkupContent.Markdown(Describe.Setting(kind, p)), InsertText: p.Key + ": ", SortText: (p.Required ? "0" : "1") + p.Key));
        var nested = kind.IsLevel()
            ? registry.Kinds.Where(k => k.AllowedInLevel && k.TopLevel)
            : kind.ChildKinds.Select(registry.Find).OfType<IClauseKind>();
        return settings.Concat(nested.Select(Keyword));
    }

    private static Lsp.CompletionItem Keyword(IClauseKind kind) =>
        new(kind.Keyword, Lsp.CompletionItemKind.Class, "clause", Lsp.MarkupContent.Markdown(Describe.Clause(kind)), SortText: "2" + kind.Keyword);

    private static IEnumerable<Lsp.CompletionItem> SettingValues(DocumentAnalysis analysis, BlockSyntax inner, string key)
    {
        var spec = analysis.KindOf(inner)?.Parameters.FirstOrDefault(p => p.Key == key);
        if (spec is null)
        {
            return Names(analysis, columnsOnly: false);
        }
        if (spec.Shape == ParameterShape.Option)
        {
            return (spec.Options ?? Array.Empty<string>()).Select(o => new Lsp.CompletionItem(o, Lsp.CompletionItemKind.Value, $"option of '{spec.Key}'",
                Lsp.MarkupContent.Markdown(spec.Doc)));
        }
        return Names(analysis, spec.Type.ColumnsOnly);
    }

    /// <summary>The names a value may use: columns, inputs, values, the values clauses compute, and the functions.</summary>
    private static IEnumerable<Lsp.CompletionItem> Names(DocumentAnalysis analysis, bool columnsOnly)
    {
        var symbols = ReferenceIndex.AllSymbols(analysis.Contract).Where(s => !columnsOnly || s is ColumnSymbol);
        var items = symbols.Select(s => new Lsp.CompletionItem(s.Name, s switch
            {
                ColumnSymbol => Lsp.CompletionItemKind.Field,
                InputSymbol => Lsp.CompletionItemKind.Variable,
                ValueSymbol => Lsp.CompletionItemKind.Constant,
                _ => Lsp.CompletionItemKind.Value,
            }, $"{Describe.Role(s)}: {Describe.TypeOf(s)}", Lsp.MarkupContent.Markdown(Describe.Symbol(s, null)),
            SortText: (s switch { ColumnSymbol => "0", InputSymbol => "1", ValueSymbol => "2", OutputSymbol => "3", _ => "4" }) + s.Name));
        if (columnsOnly)
        {
            return items;
        }
        return items.Concat(LanguageFacts.Functions.Select(f => new Lsp.CompletionItem(f, Lsp.CompletionItemKind.Function, "function", InsertText: f + "(", SortText: "5" + f)));
    }

    /// <summary>Whether the offset is on a row line of a table: after the line that opens it, before its closing brace.</summary>
    private static bool InTableRows(DocumentAnalysis analysis, BlockSyntax? inner, int offset)
    {
        if (inner is null)
        {
            return false;
        }
        int line = analysis.Source.GetPosition(offset).Line;
        foreach (var table in SyntaxLocator.DescendantsAndSelf(inner).OfType<TableSyntax>())
        {
            int first = analysis.Source.GetPosition(table.Span.Start).Line;
            int last = analysis.Source.GetPosition(table.Span.End).Line;
            if (line > first && (line < last || (line == last && offset < table.Span.End - 1)))
            {
                return true;
            }
        }
        return false;
    }

    private static bool InCommentOrText(string before)
    {
        bool inText = false;
        for (int i = 0; i < before.Length; i++)
        {
            char c = before[i];
            if (c is '"' or '“' or '”')
            {
                inText = !inText;
            }
            else if (!inText && c == '/' && i + 1 < before.Length && before[i + 1] is '/' or '*')
            {
                return true;
            }
        }
        return inText;
    }

    private static string Normalize(string key) => string.Join(' ', key.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
