using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Vbc.Syntax;

/// <summary>
/// A dump of a syntax tree without spans, one node a line, for comparing trees whose positions differ (the text
/// before and after formatting). It keeps every value and structure the tree holds, and leaves out only what the
/// formatter changes on purpose without changing the meaning:
/// <list type="bullet">
/// <item>the case of key and block words (compared by <see cref="WordsSyntax.Text"/>, the form keys are looked up by),</item>
/// <item>the case of written booleans and percentile ordinals,</item>
/// <item>the spelling of the PMPM unit in a literal's written text (case, spacing).</item>
/// </list>
/// Spellings that map to the same node (<c>under</c>/<c>below</c>, <c>×</c>/<c>*</c>, curly/straight quotes) are one
/// node already, so they compare equal by construction.
/// </summary>
public static partial class SyntaxDump
{
    public static string Of(ContractSyntax root)
    {
        var builder = new StringBuilder();
        foreach (var block in root.Blocks)
        {
            Block(builder, block, 0);
        }
        return builder.ToString();
    }

    private static void Block(StringBuilder builder, BlockSyntax block, int depth)
    {
        Line(builder, depth, $"block [{block.Header.Text}] label={Quote(block.Label?.Value)} closed={block.IsClosed}");
        foreach (var item in block.Items)
        {
            switch (item)
            {
                case BlockSyntax nested:
                    Block(builder, nested, depth + 1);
                    break;
                case EntrySyntax entry:
                    Line(builder, depth + 1, $"entry [{entry.Key.Text}]");
                    foreach (var value in entry.Values)
                    {
                        Value(builder, value, depth + 2);
                    }
                    if (entry.Pin is { } pin)
                    {
                        Line(builder, depth + 2, $"pin [{pin.Kind.Text}] {Quote(pin.Value.Value)}");
                    }
                    break;
                default:
                    Line(builder, depth + 1, $"?{item.GetType().Name}");
                    break;
            }
        }
    }

    private static void Value(StringBuilder builder, ValueSyntax? value, int depth)
    {
        switch (value)
        {
            case null:
                Line(builder, depth, "(none)");
                break;
            case RangeSyntax range:
                Line(builder, depth, $"range {range.Form}");
                Value(builder, range.Low, depth + 1);
                Value(builder, range.High, depth + 1);
                break;
            case TableSyntax table:
                Line(builder, depth, "table by");
                Value(builder, table.By, depth + 1);
                foreach (var row in table.Rows)
                {
                    Line(builder, depth + 1, "row");
                    Value(builder, row.Key, depth + 2);
                    Value(builder, row.Result, depth + 2);
                }
                break;
            case PhraseSyntax phrase:
                Line(builder, depth, $"phrase [{string.Join(' ', phrase.Words.Words)}]");
                break;
            case PerYearSyntax perYear:
                Line(builder, depth, "per year from");
                Value(builder, perYear.Rate, depth + 1);
                Value(builder, perYear.From, depth + 1);
                break;
            case NumberLiteralSyntax number:
                Line(builder, depth, $"number {number.Value.ToString(CultureInfo.InvariantCulture)} {number.Unit} {Quote(NumberText(number))}");
                break;
            case DateLiteralSyntax date:
                Line(builder, depth, $"date {date.Value:yyyy-MM-dd}");
                break;
            case StringLiteralSyntax text:
                Line(builder, depth, $"string {Quote(text.Value)}");
                break;
            case BooleanLiteralSyntax boolean:
                Line(builder, depth, $"boolean {boolean.Value} {boolean.Text.ToLowerInvariant()}");
                break;
            case PercentileLiteralSyntax percentile:
                Line(builder, depth, $"percentile {percentile.Rank.ToString(CultureInfo.InvariantCulture)} {percentile.Text.ToLowerInvariant()}");
                break;
            case NameSyntax name:
                Line(builder, depth, $"name {name.Name}");
                break;
            case UnarySyntax unary:
                Line(builder, depth, $"unary {unary.Operator}");
                Value(builder, unary.Operand, depth + 1);
                break;
            case BinarySyntax binary:
                Line(builder, depth, $"binary {binary.Operator}");
                Value(builder, binary.Left, depth + 1);
                Value(builder, binary.Right, depth + 1);
                break;
            case IfSyntax conditional:
                Line(builder, depth, "if");
                Value(builder, conditional.Condition, depth + 1);
                Value(builder, conditional.WhenTrue, depth + 1);
                Value(builder, conditional.WhenFalse, depth + 1);
                break;
            case LesserGreaterSyntax lesserGreater:
                Line(builder, depth, lesserGreater.Greater ? "greater of" : "lesser of");
                Value(builder, lesserGreater.Left, depth + 1);
                Value(builder, lesserGreater.Right, depth + 1);
                break;
            case CallSyntax call:
                Line(builder, depth, $"call {call.Function} ({call.Arguments.Count})");
                foreach (var argument in call.Arguments)
                {
                    Value(builder, argument, depth + 1);
                }
                break;
            case ParenthesizedSyntax parenthesized:
                Line(builder, depth, "parentheses");
                Value(builder, parenthesized.Inner, depth + 1);
                break;
            case MissingExpressionSyntax:
                Line(builder, depth, "missing");
                break;
            default:
                Line(builder, depth, $"?{value.GetType().Name}");
                break;
        }
    }

    /// <summary>The written text; for a PMPM literal without the comments, spaces and case around the unit.</summary>
    private static string NumberText(NumberLiteralSyntax number) =>
        number.Unit == LiteralUnit.Pmpm
            ? Whitespace().Replace(BlockComment().Replace(number.Text, ""), "").ToLowerInvariant()
            : number.Text;

    /// <summary>A text in double quotes, its quotes, backslashes and line breaks escaped; "(none)" for none.</summary>
    public static string Quote(string? text) =>
        text is null ? "(none)" : "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

    private static void Line(StringBuilder builder, int depth, string text) =>
        builder.Append(' ', depth * 2).Append(text).Append('\n');

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
