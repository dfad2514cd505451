using System.Collections.Immutable;
using Antlr4.Runtime;
using Vbc.Diagnostics;
using Vbc.Parsing.Generated;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Parsing;

/// <summary>A parsed contract file: its syntax tree, its comments (for the formatter) and its syntax diagnostics.</summary>
public sealed record ParsedContract(
    SourceText Source,
    ContractSyntax Root,
    ImmutableArray<CommentSyntax> Comments,
    ImmutableArray<Diagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}

/// <summary>The one way text becomes syntax. The CLI, the formatter, the diff and editor tools all call this.</summary>
public static class ContractParser
{
    /// <summary>The deepest nesting of blocks, parentheses, if/else, signs and 'not' a contract may have.</summary>
    public const int MaxNesting = NestingMeter.MaxDepth;

    /// <summary>The most operators one entry (or one table row) may have.</summary>
    public const int MaxOperatorsPerEntry = NestingMeter.MaxOperators;

    public static ParsedContract Parse(string text, string path = "<text>") => Parse(SourceText.From(text, path));

    /// <summary>Reads and parses a file; unreadable, binary or non-UTF-8 files give diagnostics, not exceptions.</summary>
    public static ParsedContract ParseFile(string path)
    {
        byte[] bytes;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            if (stream.CanSeek)
            {
                bytes = File.ReadAllBytes(path);
            }
            else
            {
                // Standard input or a pipe: read once, and noted, since a command handed over reads its files again.
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
                Hosting.UnrepeatableReads.Record(path, bytes);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var empty = SourceText.From("", path);
            return new ParsedContract(empty, new ContractSyntax(EquatableArray<BlockSyntax>.Empty, default),
                ImmutableArray<CommentSyntax>.Empty, ImmutableArray.Create(GeneralDiagnostics.CannotRead(path, e.Message)));
        }

        var source = SourceText.FromBytes(bytes, path, out var problem);
        if (problem is not null)
        {
            return new ParsedContract(source, new ContractSyntax(EquatableArray<BlockSyntax>.Empty, default),
                ImmutableArray<CommentSyntax>.Empty, ImmutableArray.Create(problem));
        }
        return Parse(source);
    }

    public static ParsedContract Parse(SourceText source)
    {
        var diagnostics = new DiagnosticBag();
        var lexer = new VbcLexer(new AntlrInputStream(source.Text));
        lexer.RemoveErrorListeners();
        var layout = new LayoutTokenSource(lexer, source, diagnostics);
        var tokens = new CommonTokenStream(layout);
        var parser = new VbcParser(tokens);
        parser.RemoveErrorListeners();
        var parserErrors = new List<(Diagnostic, IToken)>();
        parser.ErrorHandler = new SyntaxErrorStrategy(source, parserErrors, layout.Continuations);

        // Every token is read (and its nesting measured) before the parser, which recurses, runs: text nested deeper
        // than the limit is reported and not parsed at all, so no pass after this one can overflow the stack.
        tokens.Fill();
        var allTokens = tokens.GetTokens();
        if (layout.TooDeep is { } deep)
        {
            var span = LayoutTokenSource.SpanOf(deep);
            diagnostics.Add(layout.TooManyOperators
                ? SyntaxDiagnostics.TooManyOperators(source, span, NestingMeter.MaxOperators)
                : SyntaxDiagnostics.NestedTooDeeply(source, span, NestingMeter.MaxDepth));
            return new ParsedContract(source, new ContractSyntax(EquatableArray<BlockSyntax>.Empty, new TextSpan(0, source.Text.Length)),
                ParseTreeMapper.Comments(allTokens), diagnostics.ToList().ToImmutableArray());
        }

        var tree = parser.contractFile();

        // Braces are checked on their own: "block X is not closed" says more than whatever the parser expected
        // at the end of the file, so parser errors caused by a brace problem give way to the brace diagnostic.
        var (braceDiagnostics, strayBraces, hasUnclosed) = CheckBraces(source, allTokens);
        diagnostics.AddRange(braceDiagnostics);
        foreach (var (diagnostic, token) in parserErrors)
        {
            if (hasUnclosed && token.Type == TokenConstants.EOF)
            {
                continue;
            }
            if (strayBraces.Contains(token.TokenIndex))
            {
                continue;
            }
            diagnostics.Add(diagnostic);
        }

        var root = new ParseTreeMapper(source, diagnostics).Map(tree);
        if (root.Blocks.Count == 0 && !diagnostics.HasErrors)
        {
            diagnostics.Add(SyntaxDiagnostics.EmptyContract(source));
        }

        return new ParsedContract(source, root, ParseTreeMapper.Comments(allTokens), diagnostics.ToList().ToImmutableArray());
    }

    private static (List<Diagnostic> Diagnostics, HashSet<int> StrayBraces, bool HasUnclosed) CheckBraces(SourceText source, IList<IToken> tokens)
    {
        var diagnostics = new List<Diagnostic>();
        var stray = new HashSet<int>();
        var open = new Stack<(IToken Brace, string Name)>();
        for (int i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Channel != TokenConstants.DefaultChannel)
            {
                continue;
            }
            if (token.Type == VbcLexer.LBRACE)
            {
                open.Push((token, HeaderBefore(tokens, i)));
            }
            else if (token.Type == VbcLexer.RBRACE)
            {
                if (open.Count == 0)
                {
                    diagnostics.Add(SyntaxDiagnostics.UnmatchedCloseBrace(source, LayoutTokenSource.SpanOf(token)));
                    stray.Add(token.TokenIndex);
                }
                else
                {
                    open.Pop();
                }
            }
        }
        bool hasUnclosed = open.Count > 0;
        foreach (var (brace, name) in open)
        {
            diagnostics.Add(SyntaxDiagnostics.UnclosedBlock(source, LayoutTokenSource.SpanOf(brace), name, brace.Line));
        }
        return (diagnostics, stray, hasUnclosed);
    }

    /// <summary>The words before a '{' on its line, to name the block in a message ("shared savings").</summary>
    private static string HeaderBefore(IList<IToken> tokens, int braceIndex)
    {
        var words = new List<string>();
        for (int i = braceIndex - 1; i >= 0; i--)
        {
            var t = tokens[i];
            if (t.Channel != TokenConstants.DefaultChannel)
            {
                continue;
            }
            if (t.Type is VbcLexer.NEWLINE or VbcLexer.LBRACE or VbcLexer.RBRACE or VbcLexer.COLON)
            {
                break;
            }
            words.Insert(0, t.Text);
        }
        return words.Count == 0 ? "{" : string.Join(' ', words);
    }
}
