using System.Globalization;
using System.Text;
using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Versions;

/// <summary>
/// The meaning of a bound expression as text: literals by value and dimension (<c>50%</c> and <c>0.5</c> are both
/// <c>0.5</c>; <c>$1,000</c> and <c>$1000.00</c> are both <c>1000$</c>), names through a naming function (so that a
/// renamed value reads the same), operators fully bracketed. No span, spelling or layout takes part.
/// </summary>
public static class CanonicalExpression
{
    public static string Of(BoundExpression expression, Func<Symbol, string> name)
    {
        var text = new StringBuilder();
        Write(expression, name, text);
        return text.ToString();
    }

    /// <summary>A number without trailing zeros: 1000.00 and 1000 are the same number.</summary>
    public static string Number(decimal value)
    {
        string text = value.ToString("0.############################", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    public static string Literal(Value value, ValueType type) => value.Kind switch
    {
        ValueKind.Number => Number(value.Number) + Unit(type.Dimension),
        ValueKind.Percentile => "p" + Number(value.Number),
        ValueKind.Flag => value.Flag ? "yes" : "no",
        ValueKind.Text => "\"" + value.Text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
        ValueKind.Date => value.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => "(error)",
    };

    // The dimension, not the flavour: a percent and a plain number of the same value mean the same.
    private static string Unit(Dimension d) => d.IsNone ? "" : $"[${d.Money} mm{d.MemberMonths}]";

    private static void Write(BoundExpression e, Func<Symbol, string> name, StringBuilder text)
    {
        switch (e)
        {
            case BoundLiteral l:
                text.Append(Literal(l.Value, l.Type));
                break;
            case BoundName n:
                text.Append(name(n.Symbol));
                break;
            case BoundUnary u:
                text.Append('(').Append(u.Operator).Append(' ');
                Write(u.Operand, name, text);
                text.Append(')');
                break;
            case BoundBinary b:
                text.Append('(').Append(b.Operator).Append(' ');
                Write(b.Left, name, text);
                text.Append(' ');
                Write(b.Right, name, text);
                text.Append(')');
                break;
            case BoundIf i:
                text.Append("(if ");
                Write(i.Condition, name, text);
                text.Append(' ');
                Write(i.WhenTrue, name, text);
                text.Append(' ');
                Write(i.WhenFalse, name, text);
                text.Append(')');
                break;
            case BoundCall c:
                text.Append('(').Append(c.Function);
                foreach (var a in c.Arguments)
                {
                    text.Append(' ');
                    Write(a, name, text);
                }
                text.Append(')');
                break;
            case BoundTableLookup t:
                // The rows are compared one by one (by their keys); here only what the table is looked up by.
                text.Append("(table by ");
                Write(t.Key, name, text);
                text.Append(')');
                break;
            default:
                text.Append("(error)");
                break;
        }
    }
}
