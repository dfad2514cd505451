using Vbc.Text;

namespace Vbc.Syntax;

// Our own syntax tree: immutable records, each with the span of text it came from. It is made once from the ANTLR
// parse tree (Parsing/ParseTreeMapper.cs); the binder, formatter, diff and editor tools read only this tree.
// Spans take part in equality: two texts that differ only in layout give trees that differ in spans alone.

public abstract record SyntaxNode(TextSpan Span);

/// <summary>A whole contract file: its top-level blocks in order.</summary>
public sealed record ContractSyntax(EquatableArray<BlockSyntax> Blocks, TextSpan Span) : SyntaxNode(Span);

/// <summary>One or more words, as a block keyword ("shared savings") or an entry key ("minimum savings rate").</summary>
public sealed record WordsSyntax(EquatableArray<string> Words, TextSpan Span) : SyntaxNode(Span)
{
    /// <summary>The words in lower case joined by single spaces: the form clause kinds and keys are looked up by.</summary>
    public string Text => string.Join(' ', Words.Select(w => w.ToLowerInvariant()));

    public override string ToString() => Text;
}

public abstract record BlockItemSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary>
/// <c>words "label" { items }</c>. The words name the clause kind and, for some kinds, a name
/// (<c>measure diabetes_control { ... }</c>). <paramref name="IsClosed"/> is false when the closing brace is missing.
/// </summary>
public sealed record BlockSyntax(
    WordsSyntax Header,
    StringLiteralSyntax? Label,
    EquatableArray<BlockItemSyntax> Items,
    TextSpan OpenBrace,
    bool IsClosed,
    TextSpan Span) : BlockItemSyntax(Span);

/// <summary><c>key: value, value, ...</c>, optionally ending with a <see cref="PinSyntax"/>.</summary>
public sealed record EntrySyntax(WordsSyntax Key, EquatableArray<ValueSyntax> Values, TextSpan Span) : BlockItemSyntax(Span)
{
    /// <summary>The pin after the values (<c>sha256 "3f5a..."</c>), or null. Only a plug-in's script may carry one.</summary>
    public PinSyntax? Pin { get; init; }
}

/// <summary>
/// A word and a string after an entry's values: <c>sha256 "3f5a..."</c> pins a plug-in's script to the hash of its
/// source (<c>aggregate_stop_loss: "plugins/aggregate-stop-loss.csx" sha256 "3f5a..."</c>). The grammar accepts any
/// word here; Semantics/PluginReferences decides which word and where.
/// </summary>
public sealed record PinSyntax(WordsSyntax Kind, StringLiteralSyntax Value, TextSpan Span) : SyntaxNode(Span);

/// <summary>What may stand after a key's colon: an expression, a range, a table or a phrase.</summary>
public abstract record ValueSyntax(TextSpan Span) : SyntaxNode(Span);

public enum RangeForm
{
    /// <summary><c>low to high</c></summary>
    Between,
    /// <summary><c>up to high</c> (includes high)</summary>
    UpTo,
    /// <summary><c>below high</c> (or <c>under high</c>)</summary>
    Below,
    /// <summary><c>above low</c> (or <c>over low</c>)</summary>
    Above,
    /// <summary><c>low and above</c> (or <c>low and over</c>)</summary>
    AndAbove,
}

/// <summary>A range of values: <c>2024-01-01 to 2024-12-31</c>, <c>up to 25%</c>, <c>60,000 and over</c>.</summary>
public sealed record RangeSyntax(RangeForm Form, ExpressionSyntax? Low, ExpressionSyntax? High, TextSpan Span) : ValueSyntax(Span);

/// <summary>Rows of <c>key: result</c>, optionally looked up <c>by</c> an expression.</summary>
public sealed record TableSyntax(ExpressionSyntax? By, EquatableArray<TableRowSyntax> Rows, TextSpan Span) : ValueSyntax(Span);

/// <summary>One row of a table. Key and result are each an expression or a range.</summary>
public sealed record TableRowSyntax(ValueSyntax Key, ValueSyntax Result, TextSpan Span) : SyntaxNode(Span);

/// <summary>Plain words used as an option: <c>first dollar</c>, <c>weighted mean</c>.</summary>
public sealed record PhraseSyntax(WordsSyntax Words, TextSpan Span) : ValueSyntax(Span);

/// <summary>A rate that compounds once a year from a base year: <c>3.1% per year from 2023</c>.</summary>
public sealed record PerYearSyntax(ExpressionSyntax Rate, ExpressionSyntax From, TextSpan Span) : ValueSyntax(Span);

// ---- expressions ---------------------------------------------------------------------------------------------------

public abstract record ExpressionSyntax(TextSpan Span) : ValueSyntax(Span);

/// <summary>The unit written on a number literal.</summary>
public enum LiteralUnit
{
    /// <summary><c>1.05</c>, <c>5,000</c></summary>
    None,
    /// <summary><c>$1,250.00</c></summary>
    Money,
    /// <summary><c>3.5%</c> (the value is stored as a fraction, 0.035)</summary>
    Percent,
    /// <summary><c>$450.00 PMPM</c></summary>
    Pmpm,
}

/// <summary>A number as written (<see cref="Text"/>) and its exact value. A percent's value is the fraction.</summary>
public sealed record NumberLiteralSyntax(decimal Value, LiteralUnit Unit, string Text, TextSpan Span) : ExpressionSyntax(Span);

public sealed record DateLiteralSyntax(DateOnly Value, TextSpan Span) : ExpressionSyntax(Span);

public sealed record StringLiteralSyntax(string Value, TextSpan Span) : ExpressionSyntax(Span);

public sealed record BooleanLiteralSyntax(bool Value, string Text, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>99th percentile</c>: <see cref="Rank"/> is 99.</summary>
public sealed record PercentileLiteralSyntax(decimal Rank, string Text, TextSpan Span) : ExpressionSyntax(Span);

/// <summary>A name: a column, an input, a named value, or a value a clause produces (<c>benchmark</c>).</summary>
public sealed record NameSyntax(string Name, TextSpan Span) : ExpressionSyntax(Span);

public enum UnaryOperator
{
    Negate,
    Plus,
    Not,
}

public sealed record UnarySyntax(UnaryOperator Operator, ExpressionSyntax Operand, TextSpan Span) : ExpressionSyntax(Span);

public enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    /// <summary><c>10% of benchmark</c>: a multiplication written as the contract says it.</summary>
    Of,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    And,
    Or,
}

public sealed record BinarySyntax(BinaryOperator Operator, ExpressionSyntax Left, ExpressionSyntax Right, TextSpan Span) : ExpressionSyntax(Span);

public sealed record IfSyntax(ExpressionSyntax Condition, ExpressionSyntax WhenTrue, ExpressionSyntax WhenFalse, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>min(a, b)</c>, <c>clamp(x, 40%, 75%)</c>.</summary>
public sealed record CallSyntax(string Function, TextSpan FunctionSpan, EquatableArray<ExpressionSyntax> Arguments, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>lesser of a and b</c> / <c>greater of a and b</c>.</summary>
public sealed record LesserGreaterSyntax(bool Greater, ExpressionSyntax Left, ExpressionSyntax Right, TextSpan Span) : ExpressionSyntax(Span);

/// <summary>Parentheses the author wrote; kept so the formatter can write them back.</summary>
public sealed record ParenthesizedSyntax(ExpressionSyntax Inner, TextSpan Span) : ExpressionSyntax(Span);

/// <summary>Stands where the text had a syntax error; its diagnostic has been reported already.</summary>
public sealed record MissingExpressionSyntax(TextSpan Span) : ExpressionSyntax(Span);

/// <summary>A comment, kept beside the tree for the formatter.</summary>
public sealed record CommentSyntax(string Text, bool IsBlock, TextSpan Span) : SyntaxNode(Span);
