using System.Globalization;
using System.Text;
using Vbc.Syntax;

namespace Vbc.Formatting;

/// <summary>
/// Prints keys, values and expressions of the syntax tree in their canonical spelling, on one line. The layout of
/// blocks, tables and comments is <see cref="ContractFormatter"/>'s job.
/// </summary>
internal static class SyntaxPrinter
{
    /// <summary>Block keywords and entry keys: the words in lower case, single spaces.</summary>
    public static string Words(WordsSyntax words) => words.Text;

    /// <summary>A string in straight double quotes; curly-quoted strings come out straight-quoted.</summary>
    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                // A straight-quoted string cannot hold a line break; a tab is written as its escape too.
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
        builder.Append('"');
        return builder.ToString();
    }

    /// <summary>A value that is not a table (tables span lines; the formatter lays them out).</summary>
    public static string Value(ValueSyntax value)
    {
        var builder = new StringBuilder();
        AppendValue(builder, value);
        return builder.ToString();
    }

    public static string Expression(ExpressionSyntax expression)
    {
        var builder = new StringBuilder();
        AppendExpression(builder, expression);
        return builder.ToString();
    }

    private static void AppendValue(StringBuilder builder, ValueSyntax value)
    {
        switch (value)
        {
            case RangeSyntax range:
                AppendRange(builder, range);
                break;
            case PhraseSyntax phrase:
                builder.AppendJoin(' ', phrase.Words.Words);
                break;
            case PerYearSyntax perYear:
                AppendExpression(builder, perYear.Rate);
                builder.Append(" per year from ");
                AppendExpression(builder, perYear.From);
                break;
            case ExpressionSyntax expression:
                AppendExpression(builder, expression);
                break;
            case TableSyntax:
                throw new InvalidOperationException("A table spans several lines; ContractFormatter lays it out.");
            default:
                throw new ArgumentException($"Cannot format a value of kind {value.GetType().Name}.", nameof(value));
        }
    }

    private static void AppendRange(StringBuilder builder, RangeSyntax range)
    {
        switch (range.Form)
        {
            case RangeForm.Between:
                AppendExpression(builder, Required(range.Low));
                builder.Append(" to ");
                AppendExpression(builder, Required(range.High));
                break;
            case RangeForm.UpTo:
                builder.Append("up to ");
                AppendExpression(builder, Required(range.High));
                break;
            case RangeForm.Below:
                builder.Append("below ");
                AppendExpression(builder, Required(range.High));
                break;
            case RangeForm.Above:
                builder.Append("above ");
                AppendExpression(builder, Required(range.Low));
                break;
            case RangeForm.AndAbove:
                AppendExpression(builder, Required(range.Low));
                builder.Append(" and above");
                break;
            default:
                throw new ArgumentException($"Unknown range form {range.Form}.", nameof(range));
        }
    }

    private static ExpressionSyntax Required(ExpressionSyntax? bound) =>
        bound ?? throw new ArgumentException("A range is missing a bound: the contract has a syntax error.", nameof(bound));

    private static void AppendExpression(StringBuilder builder, ExpressionSyntax expression)
    {
        switch (expression)
        {
            case NumberLiteralSyntax number:
                builder.Append(Number(number));
                break;
            case DateLiteralSyntax date:
                // The only way to write a date is yyyy-mm-dd, so this is the date as written.
                builder.Append(date.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case StringLiteralSyntax text:
                builder.Append(String(text.Value));
                break;
            case BooleanLiteralSyntax boolean:
                builder.Append(boolean.Text.ToLowerInvariant());
                break;
            case PercentileLiteralSyntax percentile:
                builder.Append(percentile.Text.ToLowerInvariant()).Append(" percentile");
                break;
            case NameSyntax name:
                builder.Append(name.Name);
                break;
            case UnarySyntax unary:
                builder.Append(unary.Operator switch
                {
                    UnaryOperator.Negate => "-",
                    UnaryOperator.Plus => "+",
                    UnaryOperator.Not => "not ",
                    _ => throw new ArgumentException($"Unknown unary operator {unary.Operator}.", nameof(expression)),
                });
                AppendExpression(builder, unary.Operand);
                break;
            case BinarySyntax binary:
                // The tree keeps the author's parentheses and the grammar's precedence decides the rest, so printing
                // the operands flat gives back the same tree: no parentheses are added or removed.
                AppendExpression(builder, binary.Left);
                builder.Append(' ').Append(Operator(binary.Operator)).Append(' ');
                AppendExpression(builder, binary.Right);
                break;
            case IfSyntax conditional:
                builder.Append("if ");
                AppendExpression(builder, conditional.Condition);
                builder.Append(" then ");
                AppendExpression(builder, conditional.WhenTrue);
                builder.Append(" else ");
                AppendExpression(builder, conditional.WhenFalse);
                break;
            case LesserGreaterSyntax lesserGreater:
                builder.Append(lesserGreater.Greater ? "greater of " : "lesser of ");
                AppendExpression(builder, lesserGreater.Left);
                builder.Append(" and ");
                AppendExpression(builder, lesserGreater.Right);
                break;
            case CallSyntax call:
                builder.Append(call.Function).Append('(');
                for (int i = 0; i < call.Arguments.Count; i++)
                {
                    if (i > 0)
                    {
                        builder.Append(", ");
                    }
                    AppendExpression(builder, call.Arguments[i]);
                }
                builder.Append(')');
                break;
            case ParenthesizedSyntax parenthesized:
                builder.Append('(');
                AppendExpression(builder, parenthesized.Inner);
                builder.Append(')');
                break;
            case MissingExpressionSyntax:
                throw new ArgumentException("The contract has a syntax error; it cannot be formatted.", nameof(expression));
            default:
                throw new ArgumentException($"Cannot format an expression of kind {expression.GetType().Name}.", nameof(expression));
        }
    }

    /// <summary>
    /// A number as written. A PMPM literal's text holds the unit as the author wrote it (any case, any spacing, even a
    /// comment in between): only that part is normalised, to a single space and <c>PMPM</c>.
    /// </summary>
    private static string Number(NumberLiteralSyntax number)
    {
        if (number.Unit != LiteralUnit.Pmpm)
        {
            return number.Text;
        }
        int end = 0;
        while (end < number.Text.Length && (char.IsAsciiDigit(number.Text[end]) || number.Text[end] is '$' or ',' or '.'))
        {
            end++;
        }
        return number.Text[..end] + " PMPM";
    }

    // The operator as the language writes it: its one definition's name.
    private static string Operator(BinaryOperator op) => Vbc.Operators.Definitions.Binary(op).Name;
}
