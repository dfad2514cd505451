using System.Text.RegularExpressions;
using StreamJsonRpc;
using Vbc.Navigation;
using Vbc.Semantics;
using Vbc.Text;
using Lsp = Vbc.LanguageServer.Protocol;

namespace Vbc.LanguageServer.Features;

/// <summary>Go to definition, find references and rename, all from the binder's reference index.</summary>
public static partial class NavigationProvider
{
    /// <summary>The LSP error code for a request the server cannot carry out as asked (RequestFailed).</summary>
    public const int RequestFailed = -32803;

    public static Lsp.Location[] Definition(DocumentAnalysis analysis, Lsp.Position position)
    {
        if (analysis.Index.At(analysis.OffsetOf(position)) is not { } found || analysis.Index.DeclarationName(found.Symbol) is not { } declared)
        {
            return Array.Empty<Lsp.Location>();
        }
        return new[] { new Lsp.Location(analysis.Uri, analysis.RangeOf(declared)) };
    }

    public static Lsp.Location[] References(DocumentAnalysis analysis, Lsp.Position position, bool includeDeclaration)
    {
        if (analysis.Index.At(analysis.OffsetOf(position)) is not { } found)
        {
            return Array.Empty<Lsp.Location>();
        }
        return Spans(analysis, found.Symbol, includeDeclaration).Select(s => new Lsp.Location(analysis.Uri, analysis.RangeOf(s))).ToArray();
    }

    public static Lsp.PrepareRenameResult? PrepareRename(DocumentAnalysis analysis, Lsp.Position position)
    {
        if (analysis.Index.At(analysis.OffsetOf(position)) is not { } found || !ReferenceIndex.IsRenamable(found.Symbol))
        {
            return null;
        }
        return new Lsp.PrepareRenameResult(analysis.RangeOf(found.Span), analysis.Source.GetText(found.Span));
    }

    /// <summary>
    /// Renames a column, input, value or measure at its declaration and every use. A new name that is not a valid
    /// name or is taken is refused with a message, never applied half-way.
    /// </summary>
    public static Lsp.WorkspaceEdit Rename(DocumentAnalysis analysis, Lsp.Position position, string newName)
    {
        if (analysis.Index.At(analysis.OffsetOf(position)) is not { } found)
        {
            throw new LocalRpcException("There is no name here to rename: put the cursor on a column, input, value or measure.") { ErrorCode = RequestFailed };
        }
        var symbol = found.Symbol;
        if (!ReferenceIndex.IsRenamable(symbol))
        {
            throw new LocalRpcException($"'{symbol.Name}' is {Describe.Role(symbol)} that the language defines: only columns, inputs, values and measures can be renamed.") { ErrorCode = RequestFailed };
        }
        if (!NamePattern().IsMatch(newName))
        {
            throw new LocalRpcException($"'{newName}' is not a valid name: use one word of letters, digits and underscores, starting with a letter or an underscore.") { ErrorCode = RequestFailed };
        }
        if (LanguageFacts.Functions.Contains(newName.ToLowerInvariant()))
        {
            throw new LocalRpcException($"'{newName}' is the name of a function: choose another name.") { ErrorCode = RequestFailed };
        }
        if (analysis.Index.Find(newName) is { } taken && !ReferenceEquals(taken, symbol))
        {
            throw new LocalRpcException($"'{newName}' is already used in this contract, as the {Describe.Role(taken)} '{taken.Name}': choose another name.") { ErrorCode = RequestFailed };
        }
        var spans = Spans(analysis, symbol, includeDeclaration: true).ToList();
        if (symbol is InputSymbol)
        {
            spans.AddRange(HeaderCommandInputs(analysis, symbol.Name));
        }
        var edits = spans.OrderBy(s => s.Start).Select(s => new Lsp.TextEdit(analysis.RangeOf(s), newName)).ToArray();
        return new Lsp.WorkspaceEdit(new Dictionary<string, Lsp.TextEdit[]> { [analysis.Uri] = edits });
    }

    private static IEnumerable<TextSpan> Spans(DocumentAnalysis analysis, Symbol symbol, bool includeDeclaration)
    {
        var spans = analysis.Index.UsesOf(symbol).ToList();
        if (includeDeclaration && analysis.Index.DeclarationName(symbol) is { } declared)
        {
            spans.Add(declared);
        }
        return spans.Distinct().OrderBy(s => s.Start);
    }

    /// <summary>
    /// The input's name in the header comment's settle command (<c>--input quality_score=92%</c>): renamed with the
    /// input, or the example command and the live amounts would stop working.
    /// </summary>
    private static IEnumerable<TextSpan> HeaderCommandInputs(DocumentAnalysis analysis, string name)
    {
        foreach (var comment in analysis.Parsed.Comments.Where(c => !c.IsBlock && c.Text.Contains("vbc settle ", StringComparison.Ordinal)))
        {
            string text = analysis.Source.GetText(comment.Span);
            foreach (Match m in HeaderInput().Matches(text))
            {
                if (m.Groups[1].Value.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    yield return new TextSpan(comment.Span.Start + m.Groups[1].Index, m.Groups[1].Length);
                }
            }
        }
    }

    [GeneratedRegex(@"--input\s+([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex HeaderInput();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex NamePattern();
}
