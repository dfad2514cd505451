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
/// It also measures how deeply the text nests (see <see cref="NestingMeter"/>), so that the parser, which recurses,
/// never sees input deep enough to overflow the stack.
/// </summary>
internal sealed class LayoutTokenSource : ITokenSource
{
    private readonly VbcLexer _lexer;
    private readonly SourceText _source;
    private readonly DiagnosticBag _diagnostics;
    private int _parenDepth;
    private int _lastType = VbcLexer.NEWLINE;
    private IToken? _last;
    private readonly NestingMeter _nesting = new();
    private int _lowSurrogateAt = -1;

    /// <summary>The first token that nests deeper than the limits allow, or null. Then the text must not be parsed.</summary>
    public IToken? TooDeep { get; private set; }

    /// <summary>Whether <see cref="TooDeep"/> is about operators in one entry rather than nesting.</summary>
    public bool TooManyOperators { get; private set; }

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

    private IToken? _peeked;
    private bool _inValue;

    private IToken Raw()
    {
        if (_peeked is { } p)
        {
            _peeked = null;
            return p;
        }
        return _lexer.NextToken();
    }

    private IToken Peek() => _peeked ??= _lexer.NextToken();

    /// <summary>
    /// The forms a statement prints and people write, read as the language means them: 'x' between two values is
    /// multiplication (the statement writes 'benchmark PMPM x M'), and 'the' after 'of' is a filler word
    /// ('10% of the benchmark'). The formatter writes the canonical form ('*', '10% of benchmark').
    /// </summary>
    private IToken? Natural(IToken token)
    {
        if (token.Type != VbcLexer.IDENT || !_inValue)
        {
            return token;
        }
        if (token.Text is "x" or "X" && NestingMeter.EndsValue(_lastType) && TokenNames.StartsValue(Peek().Type) && Peek().Type != VbcLexer.LBRACE)
        {
            return new CommonToken(token) { Type = VbcLexer.STAR };
        }
        if (token.Text.Equals("the", StringComparison.OrdinalIgnoreCase) && _lastType == VbcLexer.OF && Peek().Type == VbcLexer.IDENT)
        {
            return null;
        }
        return token;
    }

    public IToken NextToken()
    {
        while (true)
        {
            var token = Raw();
            if (Natural(token) is not { } natural)
            {
                continue;
            }
            token = natural;
            if (token.Channel != TokenConstants.DefaultChannel)
            {
                return token;
            }

            switch (token.Type)
            {
                case VbcLexer.BAD_CHARACTER:
                    {
                        // The lexer reads UTF-16 code units, so a character outside the BMP (an emoji) comes as two
                        // tokens, a high and a low surrogate: report the pair once, as the one character it is.
                        int at = token.StartIndex;
                        if (at == _lowSurrogateAt)
                        {
                            continue;
                        }
                        var span = SpanOf(token);
                        if (char.IsHighSurrogate(_source.Text[at]) && at + 1 < _source.Text.Length && char.IsLowSurrogate(_source.Text[at + 1]))
                        {
                            span = new TextSpan(at, 2);
                            _lowSurrogateAt = at + 1;
                        }
                        if (token.Text == ";" && _inValue && _parenDepth == 0)
                        {
                            // 'rate: 50%; cap: ...': one message, then read as the line break that was meant.
                            _diagnostics.Add(SyntaxDiagnostics.SemicolonBetweenEntries(_source, span));
                            token = new CommonToken(token) { Type = VbcLexer.NEWLINE, Text = "\n" };
                            break;
                        }
                        _diagnostics.Add(SyntaxDiagnostics.BadCharacter(_source, span, _source.GetText(span)));
                        continue;
                    }
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

            _inValue = token.Type switch
            {
                VbcLexer.COLON => true,
                VbcLexer.NEWLINE or VbcLexer.LBRACE or VbcLexer.RBRACE => false,
                _ => _inValue,
            };
            if (TooDeep is null && _nesting.Add(token.Type, _lastType, _parenDepth) is { } exceeded)
            {
                TooDeep = token;
                TooManyOperators = exceeded == NestingMeter.Limit.Operators;
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

/// <summary>
/// Measures, token by token, how deeply the text nests, so that a limit can act before any pass recurses over it
/// (the ANTLR parser, the mapper, the binder, constant folding, the formatter and the evaluator all recurse).
/// Each of these opens one level, until what it opens ends:
/// - a block or table brace, until its '}';
/// - a parenthesis, until its ')';
/// - a sign ('-', '+') or 'not' written before a value, until that value;
/// - 'if' and 'lesser of' / 'greater of', until the parenthesis, value or entry they stand in ends (their last part
///   runs to the end of it, so 'if a then b else if c ...' nests).
/// Separately, the operators of one entry are counted: 'a + b + c' is a chain the syntax tree holds as nested
/// pairs. The measure may count a little more than the parser needs, never less.
/// </summary>
internal sealed class NestingMeter
{
    /// <summary>The deepest nesting accepted. Real contracts nest a handful of levels.</summary>
    public const int MaxDepth = 100;

    /// <summary>The most operators accepted in one entry (or one table row). With the deepest nesting, every recursive pass
    /// still fits in a 1 MB stack in a debug build (tests/Vbc.Tests/Language/NestingLimitTests.cs).</summary>
    public const int MaxOperators = 250;

    public enum Limit
    {
        Depth,
        Operators,
    }

    private readonly Stack<int> _parens = new();
    private int _braces;
    private int _base; // levels opened by the parentheses now open, and what stands before them
    private int _open; // 'if', 'lesser of' and 'greater of' in the current parenthesis level
    private int _signs; // signs and 'not' just before the coming value
    private int _operators;

    /// <summary>Takes the next token the parser will see; says which limit it breaks, if any.</summary>
    public Limit? Add(int type, int previousType, int parenDepth)
    {
        switch (type)
        {
            case VbcLexer.LBRACE:
                _braces++;
                EndEntry();
                break;
            case VbcLexer.RBRACE:
                _braces = Math.Max(0, _braces - 1);
                EndEntry();
                break;
            case VbcLexer.NEWLINE:
            case VbcLexer.COLON:
                EndEntry();
                break;
            case VbcLexer.COMMA when parenDepth == 0:
                EndValue();
                break;
            case VbcLexer.LPAREN:
                _parens.Push(_open + _signs + 1);
                _base += _open + _signs + 1;
                _open = 0;
                _signs = 0;
                break;
            case VbcLexer.RPAREN:
                if (_parens.Count > 0)
                {
                    _base -= _parens.Pop();
                }
                _open = 0;
                _signs = 0;
                break;
            case VbcLexer.NOT:
                _signs++;
                break;
            case VbcLexer.MINUS or VbcLexer.PLUS when !EndsValue(previousType):
                _signs++;
                break;
            case VbcLexer.IF or VbcLexer.LESSER or VbcLexer.GREATER:
                _open++;
                _signs = 0;
                break;
            default:
                _signs = 0;
                break;
        }
        if (IsOperator(type, previousType))
        {
            _operators++;
        }
        if (_braces + _base + _open + _signs > MaxDepth)
        {
            return Limit.Depth;
        }
        return _operators > MaxOperators ? Limit.Operators : null;
    }

    private void EndEntry()
    {
        EndValue();
        _operators = 0;
    }

    private void EndValue()
    {
        _parens.Clear();
        _base = 0;
        _open = 0;
        _signs = 0;
    }

    /// <summary>Tokens after which '-' and '+' are operators between two values, not signs.</summary>
    internal static bool EndsValue(int type) => type is VbcLexer.NUMBER or VbcLexer.MONEY or VbcLexer.PERCENT or VbcLexer.DATE
        or VbcLexer.STRING or VbcLexer.TRUE or VbcLexer.FALSE or VbcLexer.IDENT or VbcLexer.RPAREN or VbcLexer.PMPM
        or VbcLexer.PERCENTILE or VbcLexer.ORDINAL;

    /// <summary>Operators that join two values; each makes the syntax tree one level deeper.</summary>
    private static bool IsOperator(int type, int previousType) => type switch
    {
        VbcLexer.PLUS or VbcLexer.MINUS => EndsValue(previousType),
        VbcLexer.STAR or VbcLexer.SLASH or VbcLexer.OF or VbcLexer.AND or VbcLexer.OR => true,
        VbcLexer.LT or VbcLexer.LE or VbcLexer.GT or VbcLexer.GE or VbcLexer.EQ or VbcLexer.NE => true,
        _ => false,
    };
}
