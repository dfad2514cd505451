using Antlr4.Runtime;
using Vbc.Diagnostics;
using Vbc.Parsing.Generated;
using Vbc.Text;

namespace Vbc.Parsing;

/// <summary>
/// Sits between the lexer and the parser. It decides which line breaks end an entry, and it turns bad tokens into
/// diagnostics so the parser sees a clean stream:
/// - a line break inside parentheses, or after an operator or a comma, continues the entry;
/// - several line breaks in a row count as one;
/// - a bad character or an unclosed comment is reported and dropped; an unclosed text is reported and kept as text.
/// </summary>
internal sealed class LayoutTokenSource : ITokenSource
{
    private readonly VbcLexer _lexer;
    private readonly SourceText _source;
    private readonly DiagnosticBag _diagnostics;
    private int _parenDepth;
    private int _lastType = VbcLexer.NEWLINE;
    private IToken? _last;

    /// <summary>Lines read as the continuation of the line before, because that line ended with an operator or a comma.</summary>
    public Dictionary<int, (int Line, string Operator)> Continuations { get; } = new();

    public LayoutTokenSource(VbcLexer lexer, SourceText source, DiagnosticBag diagnostics)
    {
        _lexer = lexer;
        _source = source;
        _diagnostics = diagnostics;
    }

    public int Line => _lexer.Line;

    public int Column => _lexer.Column;

    public ICharStream InputStream => (ICharStream)_lexer.InputStream;

    public string SourceName => _lexer.SourceName;

    public ITokenFactory TokenFactory
    {
        get => _lexer.TokenFactory;
        set => _lexer.TokenFactory = value;
    }

    public IToken NextToken()
    {
        while (true)
        {
            var token = _lexer.NextToken();
            if (token.Channel != TokenConstants.DefaultChannel)
            {
                return token;
            }

            switch (token.Type)
            {
                case VbcLexer.BAD_CHARACTER:
                    _diagnostics.Add(SyntaxDiagnostics.BadCharacter(_source, SpanOf(token), token.Text));
                    continue;
                case VbcLexer.UNCLOSED_BLOCK_COMMENT:
                    _diagnostics.Add(SyntaxDiagnostics.UnclosedComment(_source, new TextSpan(token.StartIndex, 2)));
                    continue;
                case VbcLexer.UNCLOSED_STRING:
                    _diagnostics.Add(SyntaxDiagnostics.UnclosedString(_source, SpanOf(token)));
                    token = new CommonToken(token) { Type = VbcLexer.STRING, Text = token.Text + "\"" };
                    break;
                case VbcLexer.NEWLINE:
                    if (_parenDepth > 0 || ContinuesOnNextLine(_lastType))
                    {
                        if (_last is not null && _lastType != VbcLexer.NEWLINE && _parenDepth == 0)
                        {
                            Continuations[token.Line + 1] = (_last.Line, _last.Text);
                        }
                        continue;
                    }
                    break;
                case VbcLexer.LPAREN:
                    _parenDepth++;
                    break;
                case VbcLexer.RPAREN:
                    _parenDepth = Math.Max(0, _parenDepth - 1);
                    break;
                case VbcLexer.LBRACE:
                case VbcLexer.RBRACE:
                    // A brace is never inside parentheses: an unclosed '(' must not swallow the rest of the file.
                    _parenDepth = 0;
                    break;
            }

            _lastType = token.Type;
            _last = token;
            return token;
        }
    }

    internal static TextSpan SpanOf(IToken token) =>
        token.StartIndex < 0 ? new TextSpan(0, 0) : TextSpan.FromBounds(token.StartIndex, Math.Max(token.StartIndex, token.StopIndex + 1));

    /// <summary>After these tokens an entry cannot end, so a line break there is only layout.</summary>
    private static bool ContinuesOnNextLine(int type) => type switch
    {
        VbcLexer.NEWLINE or VbcLexer.LPAREN or VbcLexer.COMMA => true,
        VbcLexer.PLUS or VbcLexer.MINUS or VbcLexer.STAR or VbcLexer.SLASH or VbcLexer.OF => true,
        VbcLexer.LT or VbcLexer.LE or VbcLexer.GT or VbcLexer.GE or VbcLexer.EQ or VbcLexer.NE => true,
        VbcLexer.AND or VbcLexer.OR or VbcLexer.NOT or VbcLexer.IF or VbcLexer.THEN or VbcLexer.ELSE => true,
        VbcLexer.TO or VbcLexer.BY => true,
        _ => false,
    };
}
