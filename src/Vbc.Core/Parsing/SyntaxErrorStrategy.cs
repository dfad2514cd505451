using Antlr4.Runtime;
using Antlr4.Runtime.Misc;
using Vbc.Diagnostics;
using Vbc.Parsing.Generated;
using Vbc.Text;

namespace Vbc.Parsing;

/// <summary>
/// ANTLR's default recovery (skip or conjure one token, then resynchronise) with our own messages: every syntax
/// error becomes a diagnostic in words a contract manager understands, and parsing goes on, so one run reports
/// every error in the file. Nothing is printed and nothing throws.
/// </summary>
internal sealed class SyntaxErrorStrategy : DefaultErrorStrategy
{
    private readonly SourceText _source;
    private readonly List<(Diagnostic Diagnostic, IToken Token)> _errors;
    private readonly IReadOnlyDictionary<int, (int Line, string Operator)> _continuations;

    public SyntaxErrorStrategy(SourceText source, List<(Diagnostic, IToken)> errors, IReadOnlyDictionary<int, (int Line, string Operator)> continuations)
    {
        _source = source;
        _errors = errors;
        _continuations = continuations;
    }

    protected override void ReportNoViableAlternative(Parser recognizer, NoViableAltException e)
    {
        var token = e.OffendingToken;
        Add(token, Unexpected(recognizer, token, recognizer.GetExpectedTokens()));
    }

    protected override void ReportInputMismatch(Parser recognizer, InputMismatchException e)
    {
        var token = e.OffendingToken;
        Add(token, Unexpected(recognizer, token, e.GetExpectedTokens()));
    }

    protected override void ReportFailedPredicate(Parser recognizer, FailedPredicateException e)
    {
        Add(e.OffendingToken, Unexpected(recognizer, e.OffendingToken, recognizer.GetExpectedTokens()));
    }

    protected override void ReportUnwantedToken(Parser recognizer)
    {
        if (InErrorRecoveryMode(recognizer))
        {
            return;
        }
        BeginErrorCondition(recognizer);
        var token = recognizer.CurrentToken;
        Add(token, Unexpected(recognizer, token, GetExpectedTokens(recognizer)));
    }

    protected override void ReportMissingToken(Parser recognizer)
    {
        if (InErrorRecoveryMode(recognizer))
        {
            return;
        }
        BeginErrorCondition(recognizer);
        var token = recognizer.CurrentToken;
        if (recognizer.Context is VbcParser.PinContext pin)
        {
            Add(pin.Start, InPin(recognizer, pin));
            return;
        }
        var expected = GetExpectedTokens(recognizer);
        Add(token, SyntaxDiagnostics.Missing(_source, SpanAt(token), TokenNames.DescribeExpected(expected), TokenNames.DescribeFound(token)));
    }

    private Diagnostic Unexpected(Parser recognizer, IToken token, IntervalSet expected)
    {
        if (recognizer.Context is VbcParser.PinContext pin)
        {
            return InPin(recognizer, pin);
        }
        if (MissingPiece((ITokenStream)recognizer.InputStream, token) is { } missing)
        {
            return SyntaxDiagnostics.Unexpected(_source, SpanAt(token), TokenNames.DescribeFound(token), missing);
        }
        // A complete entry followed by more text on the same line: say so rather than list what could follow.
        if (expected.Contains(VbcLexer.NEWLINE) && token.Type != VbcLexer.NEWLINE && token.Type != TokenConstants.EOF
            && recognizer.Context is not null && token.TokenIndex > 0)
        {
            var previous = ((ITokenStream)recognizer.InputStream).Get(token.TokenIndex - 1);
            if (previous.Type != VbcLexer.NEWLINE && previous.Line == token.Line && expected.Contains(VbcLexer.RBRACE))
            {
                return NaturalPhrase((ITokenStream)recognizer.InputStream, previous, token) ?? SyntaxDiagnostics.OneEntryPerLine(_source, SpanAt(token), TokenNames.DescribeFound(token));
            }
        }
        return SyntaxDiagnostics.Unexpected(_source, SpanAt(token), TokenNames.DescribeFound(token), TokenNames.DescribeExpected(expected));
    }

    /// <summary>
    /// A word after an entry's values that is not followed by a string. The parser took it for the start of a pin (its
    /// only use of a word there): 'sha256' is a pin without its hash; any other word is what it was before pins existed,
    /// more text after a complete entry, said in the same words.
    /// </summary>
    private Diagnostic InPin(Parser recognizer, VbcParser.PinContext pin)
    {
        var word = pin.Start;
        if (word.Text.Equals(Semantics.PluginReferences.PinKind, StringComparison.OrdinalIgnoreCase))
        {
            return PluginDiagnostics.PinWithoutValue(_source, SpanAt(word), word.Text);
        }
        var tokens = (ITokenStream)recognizer.InputStream;
        var previous = tokens.Get(word.TokenIndex - 1);
        return NaturalPhrase(tokens, previous, word) ?? SyntaxDiagnostics.OneEntryPerLine(_source, SpanAt(word), TokenNames.DescribeFound(word));
    }

    /// <summary>
    /// Words people write after a number that the language spells another way: '50 percent' is '50%', and
    /// '$200,000 per member' is '$200,000' (each setting says whether it is per member; a rate per member per month
    /// is '$450.00 PMPM'). Said as such, rather than as a second entry on the line.
    /// </summary>
    private Diagnostic? NaturalPhrase(ITokenStream tokens, IToken previous, IToken found)
    {
        if (found.Type == VbcLexer.COLON && previous.Type == VbcLexer.IDENT && previous.TokenIndex > 0 && tokens.Get(previous.TokenIndex - 1).Type == VbcLexer.COMMA)
        {
            // 'minimum savings rate: 2%, rate: 50%': the comma made 'rate' an item of the first entry's list.
            return SyntaxDiagnostics.TwoEntriesJoinedByComma(_source, TextSpan.FromBounds(previous.StartIndex, found.StopIndex + 1), previous.Text);
        }
        if (found.Type != VbcLexer.IDENT)
        {
            return null;
        }
        string word = found.Text.ToLowerInvariant();
        if (word == Semantics.PluginReferences.PinKind && tokens.Get(found.TokenIndex + 1).Type != VbcLexer.STRING)
        {
            // 'name: "plugins/x.csx" sha256': a pin with its hash left out (the grammar's pin needs the string).
            return PluginDiagnostics.PinWithoutValue(_source, SpanAt(found), found.Text);
        }
        if (previous.Type == VbcLexer.NUMBER && word is "percent" or "pct")
        {
            return SyntaxDiagnostics.NaturalPhrase(_source, TextSpan.FromBounds(previous.StartIndex, found.StopIndex + 1),
                $"'{previous.Text} {found.Text}' is written '{previous.Text}%' in a contract.");
        }
        if (previous.Type is VbcLexer.MONEY or VbcLexer.NUMBER && word is "per" or "each" or "a")
        {
            // The rest of the line ('per member', 'per member per year'), up to a comment.
            var text = _source.Text;
            int end = text.IndexOfAny(new[] { '\r', '\n' }, found.StartIndex);
            string rest = text[found.StartIndex..(end < 0 ? text.Length : end)].Split("//")[0].TrimEnd();
            return SyntaxDiagnostics.NaturalPhrase(_source, TextSpan.FromBounds(found.StartIndex, found.StartIndex + rest.Length),
                $"'{rest}' is not part of an amount: write '{previous.Text}' alone. Each setting says whether it applies per member or to the whole contract (docs/language.md); an amount per member per month is written with PMPM, for example '$450.00 PMPM'.");
        }
        return null;
    }

    /// <summary>
    /// What the entry being read still lacks, found by looking back over it: an 'if' without 'else', a '(' not
    /// closed, 'lesser of a' without 'and', or key words followed by a value without a ':' between them. ANTLR's
    /// expected-token set at such a point is often just "a value", which does not help.
    /// </summary>
    private static string? MissingPiece(ITokenStream tokens, IToken offending)
    {
        var entry = new List<IToken>();
        for (int i = offending.TokenIndex - 1; i >= 0; i--)
        {
            var t = tokens.Get(i);
            if (t.Channel != TokenConstants.DefaultChannel)
            {
                continue;
            }
            if (t.Type is VbcLexer.NEWLINE or VbcLexer.LBRACE or VbcLexer.RBRACE)
            {
                break;
            }
            entry.Insert(0, t);
        }
        if (entry.Count == 0)
        {
            return null;
        }
        bool keyOnly = entry.All(t => TokenNames.IsWord(t.Type));
        if (keyOnly && entry.Count >= 1 && TokenNames.StartsValue(offending.Type) && offending.Type != VbcLexer.IDENT)
        {
            return "':' between the key and its value";
        }
        int colon = entry.FindIndex(t => t.Type == VbcLexer.COLON);
        var value = colon >= 0 ? entry.Skip(colon + 1).ToList() : entry;
        int parens = value.Count(t => t.Type == VbcLexer.LPAREN) - value.Count(t => t.Type == VbcLexer.RPAREN);
        if (parens > 0)
        {
            return "')' to close the '('";
        }
        int ifs = value.Count(t => t.Type == VbcLexer.IF), elses = value.Count(t => t.Type == VbcLexer.ELSE);
        if (ifs > elses && value.Any(t => t.Type == VbcLexer.THEN))
        {
            return "'else' and the value to use when the condition does not hold";
        }
        if (ifs > value.Count(t => t.Type == VbcLexer.THEN))
        {
            return "'then' after the condition";
        }
        int lesser = value.FindLastIndex(t => t.Type is VbcLexer.LESSER or VbcLexer.GREATER);
        if (lesser >= 0 && !value.Skip(lesser).Any(t => t.Type == VbcLexer.AND))
        {
            return $"'and' between the two values of '{value[lesser].Text} of'";
        }
        return null;
    }

    private void Add(IToken token, Diagnostic diagnostic)
    {
        // The real mistake is often the line before: it ended with an operator, so this line was read as its continuation.
        if (_continuations.TryGetValue(token.Line, out var previous))
        {
            diagnostic = diagnostic with
            {
                Message = diagnostic.Message + $" (Line {previous.Line} ends with '{previous.Operator}', so line {token.Line} was read as its continuation: complete or remove the '{previous.Operator}'.)",
            };
        }
        _errors.Add((diagnostic, token));
    }

    private TextSpan SpanAt(IToken token)
    {
        if (token.Type == TokenConstants.EOF)
        {
            return new TextSpan(_source.Text.Length, 0);
        }
        return LayoutTokenSource.SpanOf(token);
    }
}

/// <summary>How tokens are named in messages: by what they are to the reader, not by grammar symbol names.</summary>
internal static class TokenNames
{
    private static readonly int[] ValueStarts =
    {
        VbcLexer.NUMBER, VbcLexer.MONEY, VbcLexer.PERCENT, VbcLexer.IDENT, VbcLexer.LPAREN, VbcLexer.MINUS,
    };

    public static string DescribeFound(IToken token) => token.Type switch
    {
        TokenConstants.EOF => "the end of the file",
        VbcLexer.NEWLINE => "the end of the line",
        VbcLexer.IDENT => $"name '{token.Text}'",
        VbcLexer.NUMBER or VbcLexer.MONEY or VbcLexer.PERCENT or VbcLexer.ORDINAL => $"number '{token.Text}'",
        VbcLexer.DATE => $"date '{token.Text}'",
        VbcLexer.STRING => $"text {Shorten(token.Text)}",
        _ => $"'{token.Text}'",
    };

    public static string DescribeExpected(IntervalSet expected)
    {
        var types = expected.ToArray();
        var names = new List<string>();
        bool value = ValueStarts.All(t => types.Contains(t));
        if (value)
        {
            names.Add("a value");
        }
        else if (types.Contains(VbcLexer.IDENT))
        {
            names.Add("a name");
        }

        foreach (int type in types)
        {
            if (value && (ValueStarts.Contains(type) || IsValueToken(type)))
            {
                continue;
            }
            if (type == VbcLexer.IDENT || (types.Contains(VbcLexer.IDENT) && IsKeyword(type)))
            {
                continue;
            }
            string? name = Describe(type);
            if (name is not null && !names.Contains(name))
            {
                names.Add(name);
            }
        }

        // Operators are always possible after a value; listing them only hides what matters.
        if (names.Count > 6)
        {
            names = names.Take(5).Append("...").ToList();
        }
        return names.Count switch
        {
            0 => "something else",
            1 => names[0],
            _ => string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1],
        };
    }

    /// <summary>A token that can be a word of a key or block header.</summary>
    public static bool IsWord(int type) => type == VbcLexer.IDENT || IsKeyword(type);

    /// <summary>A token that can start a value.</summary>
    public static bool StartsValue(int type) => ValueStarts.Contains(type) || type is VbcLexer.DATE or VbcLexer.STRING
        or VbcLexer.TRUE or VbcLexer.FALSE or VbcLexer.ORDINAL or VbcLexer.NOT or VbcLexer.IF or VbcLexer.LBRACE;

    private static bool IsValueToken(int type) => type is VbcLexer.NUMBER or VbcLexer.MONEY or VbcLexer.PERCENT
        or VbcLexer.DATE or VbcLexer.STRING or VbcLexer.TRUE or VbcLexer.FALSE or VbcLexer.ORDINAL or VbcLexer.PLUS
        or VbcLexer.NOT or VbcLexer.IF or VbcLexer.LESSER or VbcLexer.GREATER or VbcLexer.UP or VbcLexer.BELOW
        or VbcLexer.ABOVE or VbcLexer.BY or VbcLexer.LBRACE || IsOperator(type);

    private static bool IsOperator(int type) => type is VbcLexer.PLUS or VbcLexer.MINUS or VbcLexer.STAR
        or VbcLexer.SLASH or VbcLexer.OF or VbcLexer.LT or VbcLexer.LE or VbcLexer.GT or VbcLexer.GE or VbcLexer.EQ
        or VbcLexer.NE or VbcLexer.AND or VbcLexer.OR;

    private static bool IsKeyword(int type) => type is >= VbcLexer.AND and <= VbcLexer.PERCENTILE;

    private static string? Describe(int type) => type switch
    {
        TokenConstants.EOF => "the end of the file",
        VbcLexer.NEWLINE => "the end of the line",
        VbcLexer.IDENT => "a name",
        VbcLexer.STRING => "text in double quotes",
        VbcLexer.NUMBER or VbcLexer.MONEY or VbcLexer.PERCENT => "a number",
        VbcLexer.DATE => "a date",
        _ when IsOperator(type) => "an operator",
        _ => VbcLexer.DefaultVocabulary.GetLiteralName(type) is { } literal ? literal : null,
    };

    private static string Shorten(string text) => text.Length <= 24 ? text : text[..20] + "...\"";
}
