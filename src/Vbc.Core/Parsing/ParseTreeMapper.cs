using System.Collections.Immutable;
using System.Globalization;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Vbc.Diagnostics;
using Vbc.Syntax;
using Vbc.Text;
using static Vbc.Parsing.Generated.VbcParser;

namespace Vbc.Parsing;

/// <summary>
/// Maps the ANTLR parse tree into our syntax tree, once. After a syntax error parts of the parse tree are missing;
/// they become <see cref="MissingExpressionSyntax"/> or are left out, never null references, so that the binder and
/// editor tools can still work on the rest of the file.
/// </summary>
internal sealed class ParseTreeMapper
{
    private readonly SourceText _source;
    private readonly DiagnosticBag _diagnostics;

    public ParseTreeMapper(SourceText source, DiagnosticBag diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
    }

    public ContractSyntax Map(ContractFileContext context)
    {
        var blocks = context.block().Select(MapBlock).ToEquatableArray();
        return new ContractSyntax(blocks, new TextSpan(0, _source.Text.Length));
    }

    private BlockSyntax MapBlock(BlockContext context)
    {
        var header = MapWords(context.words());
        var label = context.label is { } labelToken ? MapString(labelToken) : null;
        var items = context.blockItem().Select(MapBlockItem).OfType<BlockItemSyntax>().ToEquatableArray();
        var open = context.LBRACE() is { } brace ? SpanOf(brace.Symbol) : header.Span;
        var close = context.RBRACE();
        bool closed = close is not null && close.Symbol.TokenIndex >= 0 && close.Symbol.StartIndex >= 0 && close.Symbol.Text == "}";
        return new BlockSyntax(header, label, items, open, closed, SpanOf(context));
    }

    private BlockItemSyntax? MapBlockItem(BlockItemContext context)
    {
        if (context.entry() is { } entry)
        {
            var key = MapWords(entry.words());
            var values = entry.value().Select(MapValue).ToEquatableArray();
            return new EntrySyntax(key, values, SpanOf(entry)) { Pin = MapPin(entry.pin()) };
        }
        if (context.block() is { } block)
        {
            return MapBlock(block);
        }
        return null;
    }

    private PinSyntax? MapPin(PinContext? context)
    {
        if (context?.IDENT() is not { } word || context.STRING() is not { } value || value.Symbol.TokenIndex < 0)
        {
            return null;
        }
        var kind = new WordsSyntax(new[] { word.GetText() }.ToEquatableArray(), SpanOf(word.Symbol));
        return new PinSyntax(kind, MapString(value.Symbol), SpanOf(context));
    }

    private WordsSyntax MapWords(WordsContext? context)
    {
        if (context is null)
        {
            return new WordsSyntax(EquatableArray<string>.Empty, default);
        }
        var words = context.word().Select(w => w.GetText()).ToEquatableArray();
        return new WordsSyntax(words, SpanOf(context));
    }

    private ValueSyntax MapValue(ValueContext context)
    {
        if (context.range() is { } range)
        {
            return MapRange(range);
        }
        if (context.table() is { } table)
        {
            return MapTable(table);
        }
        if (context.PMPM() is { } pmpm)
        {
            return new NameSyntax(pmpm.GetText(), SpanOf(pmpm.Symbol));
        }
        if (context.perYear() is { } perYear)
        {
            return new PerYearSyntax(MapExpression(perYear.rate), MapExpression(perYear.start), SpanOf(perYear));
        }
        if (context.phrase() is { } phrase)
        {
            var words = phrase.IDENT().Select(t => t.GetText()).ToEquatableArray();
            return new PhraseSyntax(new WordsSyntax(words, SpanOf(phrase)), SpanOf(phrase));
        }
        return MapExpression(context.expression());
    }

    private RangeSyntax MapRange(RangeContext context) => context switch
    {
        BoundedRangeContext c => new RangeSyntax(RangeForm.Between, MapExpression(c.low), MapExpression(c.high), SpanOf(c)),
        UpToRangeContext c => new RangeSyntax(RangeForm.UpTo, null, MapExpression(c.high), SpanOf(c)),
        BelowRangeContext c => new RangeSyntax(RangeForm.Below, null, MapExpression(c.high), SpanOf(c)),
        AboveRangeContext c => new RangeSyntax(RangeForm.Above, MapExpression(c.low), null, SpanOf(c)),
        AndAboveRangeContext c => new RangeSyntax(RangeForm.AndAbove, MapExpression(c.low), null, SpanOf(c)),
        _ => new RangeSyntax(RangeForm.Between, null, null, SpanOf(context)),
    };

    private TableSyntax MapTable(TableContext context)
    {
        var by = context.by is null ? null : MapExpression(context.by);
        var rows = context.tableRow()
            .Select(r => new TableRowSyntax(MapRowValue(r.key), MapRowValue(r.result), SpanOf(r)))
            .ToEquatableArray();
        return new TableSyntax(by, rows, SpanOf(context));
    }

    private ValueSyntax MapRowValue(RowValueContext? context)
    {
        if (context is null)
        {
            return new MissingExpressionSyntax(default);
        }
        return context.range() is { } range ? MapRange(range) : MapExpression(context.expression());
    }

    // ---- expressions -----------------------------------------------------------------------------------------------

    private ExpressionSyntax MapExpression(ExpressionContext? context) => context switch
    {
        IfExpressionContext c => new IfSyntax(MapExpression(c.cond), MapExpression(c.whenTrue), MapExpression(c.whenFalse), SpanOf(c)),
        PlainExpressionContext c => MapOr(c.orExpression()),
        _ => Missing(context),
    };

    private ExpressionSyntax MapOr(OrExpressionContext? context)
    {
        if (context is null)
        {
            return Missing(null);
        }
        return FoldLeft(context.andExpression().Select(MapAnd).ToList(), _ => BinaryOperator.Or);
    }

    private ExpressionSyntax MapAnd(AndExpressionContext context) =>
        FoldLeft(context.notExpression().Select(MapNot).ToList(), _ => BinaryOperator.And);

    private ExpressionSyntax MapNot(NotExpressionContext context) => context switch
    {
        NegationContext c => new UnarySyntax(UnaryOperator.Not, MapNot(c.notExpression()), SpanOf(c)),
        PlainNotContext c => MapComparison(c.comparison()),
        _ => Missing(context),
    };

    private ExpressionSyntax MapComparison(ComparisonContext? context)
    {
        if (context is null)
        {
            return Missing(null);
        }
        var operands = context.additive();
        var left = MapAdditive(operands.Length > 0 ? operands[0] : null);
        if (context.op is null || operands.Length < 2)
        {
            return left;
        }
        var op = context.op.Type switch
        {
            LT => BinaryOperator.Less,
            LE => BinaryOperator.LessOrEqual,
            GT => BinaryOperator.Greater,
            GE => BinaryOperator.GreaterOrEqual,
            NE => BinaryOperator.NotEqual,
            _ => BinaryOperator.Equal,
        };
        var right = MapAdditive(operands[1]);
        return new BinarySyntax(op, left, right, left.Span.Union(right.Span));
    }

    private ExpressionSyntax MapAdditive(AdditiveContext? context)
    {
        if (context is null)
        {
            return Missing(null);
        }
        var ops = context._op;
        var result = FoldLeft(context.multiplicative().Select(MapMultiplicative).ToList(),
            i => i < ops.Count && ops[i].Type == MINUS ? BinaryOperator.Subtract : BinaryOperator.Add);
        // '2025-2026' (two years and a hyphen, no spaces) is meant as a range, not as minus one.
        if (result is BinarySyntax { Operator: BinaryOperator.Subtract, Left: NumberLiteralSyntax a, Right: NumberLiteralSyntax b } minus
            && IsYear(a) && IsYear(b) && a.Span.End + 1 == b.Span.Start)
        {
            _diagnostics.Add(SyntaxDiagnostics.YearRangeAsSubtraction(_source, minus.Span, a.Text, b.Text));
            return new MissingExpressionSyntax(minus.Span);
        }
        return result;
    }

    private static bool IsYear(NumberLiteralSyntax n) => n.Unit == LiteralUnit.None && n.Text.Length == 4 && n.Value is >= 1900 and <= 2200;

    private ExpressionSyntax MapMultiplicative(MultiplicativeContext context)
    {
        var ops = context._op;
        return FoldLeft(context.unary().Select(MapUnary).ToList(), i => i < ops.Count
            ? ops[i].Type switch
            {
                SLASH => BinaryOperator.Divide,
                OF => BinaryOperator.Of,
                _ => BinaryOperator.Multiply,
            }
            : BinaryOperator.Multiply);
    }

    /// <summary>Left-associative chain: a - b - c is (a - b) - c.</summary>
    private static ExpressionSyntax FoldLeft(List<ExpressionSyntax> operands, Func<int, BinaryOperator> operatorAt)
    {
        if (operands.Count == 0)
        {
            return new MissingExpressionSyntax(default);
        }
        var result = operands[0];
        for (int i = 1; i < operands.Count; i++)
        {
            var right = operands[i];
            result = new BinarySyntax(operatorAt(i - 1), result, right, result.Span.Union(right.Span));
        }
        return result;
    }

    private ExpressionSyntax MapUnary(UnaryContext? context) => context switch
    {
        SignedContext c => new UnarySyntax(c.op.Type == MINUS ? UnaryOperator.Negate : UnaryOperator.Plus, MapUnary(c.unary()), SpanOf(c)),
        PlainUnaryContext c => MapPrimary(c.primary()),
        _ => Missing(context),
    };

    private ExpressionSyntax MapPrimary(PrimaryContext? context)
    {
        switch (context)
        {
            case NumberLiteralContext c:
                return MapNumber(c.NUMBER().Symbol, c.PMPM() is null ? LiteralUnit.None : LiteralUnit.Pmpm, SpanOf(c));
            case MoneyLiteralContext c:
                return MapNumber(c.MONEY().Symbol, c.PMPM() is null ? LiteralUnit.Money : LiteralUnit.Pmpm, SpanOf(c));
            case PercentLiteralContext c:
                return MapNumber(c.PERCENT().Symbol, LiteralUnit.Percent, SpanOf(c));
            case DateLiteralContext c:
                return MapDate(c.DATE().Symbol);
            case StringLiteralContext c:
                return MapString(c.STRING().Symbol);
            case BooleanLiteralContext c:
                return new BooleanLiteralSyntax(c.TRUE() is not null, c.GetText(), SpanOf(c));
            case PercentileLiteralContext c:
                {
                    string text = c.ORDINAL().GetText();
                    decimal rank = ParseDecimal(text[..^2], SpanOf(c.ORDINAL().Symbol), text);
                    return new PercentileLiteralSyntax(rank, text, SpanOf(c));
                }
            case LesserGreaterContext c:
                {
                    var operands = c.additive();
                    return new LesserGreaterSyntax(c.kind.Type == GREATER,
                        MapAdditive(operands.Length > 0 ? operands[0] : null),
                        MapAdditive(operands.Length > 1 ? operands[1] : null), SpanOf(c));
                }
            case CallContext c:
                return new CallSyntax(c.IDENT().GetText(), SpanOf(c.IDENT().Symbol),
                    c.expression().Select(MapExpression).ToEquatableArray(), SpanOf(c));
            case NameContext c:
                return new NameSyntax(c.IDENT().GetText(), SpanOf(c));
            case ParenthesizedContext c:
                return new ParenthesizedSyntax(MapExpression(c.expression()), SpanOf(c));
            default:
                return Missing(context);
        }
    }

    private ExpressionSyntax MapNumber(IToken token, LiteralUnit unit, TextSpan span)
    {
        string text = token.Text;
        string digits = text.TrimStart('$').TrimEnd('%');
        decimal value = ParseDecimal(digits, SpanOf(token), text);
        if (unit == LiteralUnit.Percent)
        {
            value /= 100m;
        }
        string written = _source.GetText(span);
        return new NumberLiteralSyntax(value, unit, written, span);
    }

    private decimal ParseDecimal(string digits, TextSpan span, string text)
    {
        if (decimal.TryParse(digits.Replace(",", ""), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        _diagnostics.Add(SyntaxDiagnostics.NumberOutOfRange(_source, span, text));
        return 0m;
    }

    private ExpressionSyntax MapDate(IToken token)
    {
        var span = SpanOf(token);
        if (DateOnly.TryParseExact(token.Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new DateLiteralSyntax(date, span);
        }
        _diagnostics.Add(SyntaxDiagnostics.InvalidDate(_source, span, token.Text));
        return new MissingExpressionSyntax(span);
    }

    private StringLiteralSyntax MapString(IToken token)
    {
        string text = token.Text;
        string inner = text.Length >= 2 ? text[1..^1] : "";
        if (text.StartsWith('"'))
        {
            inner = UnescapeString(inner);
        }
        return new StringLiteralSyntax(inner, SpanOf(token));
    }

    private static string UnescapeString(string inner)
    {
        if (!inner.Contains('\\'))
        {
            return inner;
        }
        var builder = new System.Text.StringBuilder(inner.Length);
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
                builder.Append(inner[i] switch { 'n' => '\n', 't' => '\t', _ => inner[i] });
            }
            else
            {
                builder.Append(inner[i]);
            }
        }
        return builder.ToString();
    }

    private MissingExpressionSyntax Missing(ParserRuleContext? context) =>
        new(context is null ? new TextSpan(0, 0) : SpanOf(context));

    private static TextSpan SpanOf(IToken token) => LayoutTokenSource.SpanOf(token);

    private static TextSpan SpanOf(ParserRuleContext context)
    {
        int start = context.Start?.StartIndex ?? 0;
        if (start < 0)
        {
            start = 0;
        }
        int stop = context.Stop is { StopIndex: >= 0 } s ? s.StopIndex + 1 : start;
        return TextSpan.FromBounds(start, Math.Max(start, stop));
    }

    internal static ImmutableArray<CommentSyntax> Comments(IEnumerable<IToken> tokens) =>
        tokens
            .Where(t => t.Type is Generated.VbcLexer.LINE_COMMENT or Generated.VbcLexer.BLOCK_COMMENT)
            .Select(t => new CommentSyntax(t.Text, t.Type == Generated.VbcLexer.BLOCK_COMMENT, SpanOf(t)))
            .ToImmutableArray();
}
