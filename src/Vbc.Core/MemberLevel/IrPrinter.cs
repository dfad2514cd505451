using System.Globalization;
using System.Text;
using Vbc.Semantics;
using Vbc.Syntax;

namespace Vbc.MemberLevel;

/// <summary>
/// The IR as text, one node a line (`vbc check --dump ir` and the per-stage goldens). It prints the program alone, so
/// two versions with equal programs print the same; row problems are shown as [#n kind].
/// </summary>
public static class IrPrinter
{
    public static string Print(MemberLevelIr ir)
    {
        var builder = new StringBuilder();
        if (ir.Tables.Count == 0)
        {
            builder.Append("no member-level work: the contract reads no data\n");
        }
        foreach (var program in ir.Tables)
        {
            Print(builder, program);
        }
        return builder.ToString();
    }

    private static void Print(StringBuilder b, MemberProgram p)
    {
        b.Append($"table {p.Table}{(p.IsPopulation ? " (the population)" : "")}\n");
        foreach (var join in p.Joins)
        {
            b.Append($"  join: {join.Column.Name} -> id of {join.JoinsTo}\n");
        }
        b.Append($"  reads: {string.Join(", ", p.Reads.Select(c => c.Name))}\n");
        if (p.Id is { } id)
        {
            b.Append($"  id: {id.Name}\n");
        }
        if (p.MemberMonths is { } months)
        {
            b.Append($"  member months: sum of {months.Name}\n");
        }
        b.Append("  population (a row is left out by the first step that holds):\n");
        if (p.Population.Count == 0)
        {
            b.Append("    every row\n");
        }
        int n = 0;
        foreach (var step in p.Population)
        {
            string text = step switch
            {
                IncludeWhen i => $"not included unless {Expression(i.Condition)}",
                ExcludeWhen x => $"excluded when {Expression(x.Condition)}",
                ExcludeWithoutMonths m => $"no member months when {m.Months.Name} <= 0",
                _ => step.GetType().Name,
            };
            b.Append($"    {++n}. {text}\n");
        }
        b.Append(p.Cost.Categories.Count == 0
            ? "  cost: not measured\n"
            : $"  cost: {string.Join(" + ", p.Cost.Categories.Select(c => c.Name))}{string.Concat(p.Cost.CarvedOut.Select(c => " - " + c.Name))}\n");
        b.Append(p.Truncation switch
        {
            null => "  truncation: none\n",
            TruncateAtAmount a => $"  truncation: each member's cost capped at {Number(a.Amount)}\n",
            TruncateAtPercentile q => $"  truncation: each member's cost capped at percentile {Number(q.Percent)} of the population's costs ({q.Method}: PERCENTILE.INC)\n",
            _ => $"  truncation: {p.Truncation}\n",
        });
        b.Append("  row checks (the first problem is the row's):\n");
        if (p.RowChecks.Count == 0)
        {
            b.Append("    none\n");
        }
        n = 0;
        foreach (var check in p.RowChecks)
        {
            string text = check switch
            {
                Computes c => $"computes {Expression(c.Expression)}",
                CarveOutCheck c => $"carve-outs within {c.Category.Name}: {string.Join(", ", c.Parts.Select(x => $"{x.Part.Name} {Problem(x.Problem)}"))}",
                AboveZero a => $"above 0: {Expression(a.Value)} {Problem(a.Problem)}",
                _ => check.GetType().Name,
            };
            b.Append($"    {++n}. {text}\n");
        }
        b.Append("  totals:\n");
        if (p.Totals.Count == 0)
        {
            b.Append("    none\n");
        }
        foreach (var t in p.Totals)
        {
            string what = t.ExcessOver is { } over ? $"sum of max(0, {Expression(t.PerMember)} - {Number(over)})" : $"sum of {Expression(t.PerMember)}";
            b.Append($"    {t.Clause} / {t.Key} = {what}\n");
        }
        if (p.Groups.Count > 0)
        {
            b.Append("  groups:\n");
            foreach (var g in p.Groups)
            {
                string sum = g.Sum is { } s ? Expression(s) : "counted cost";
                b.Append($"    {g.Clause} / {g.Key} = by {Expression(g.By)}: count, sum of {sum}\n");
            }
        }
    }

    /// <summary>An expression on one line, every operation in parentheses.</summary>
    public static string Expression(IrExpression e) => e switch
    {
        IrLiteral l => Literal(l.Value),
        IrColumn c => c.Name,
        IrUnary u => u.Operator switch
        {
            UnaryOperator.Negate => $"-{Expression(u.Operand)}",
            UnaryOperator.Not => $"not {Expression(u.Operand)}",
            _ => $"+{Expression(u.Operand)}",
        },
        IrBinary x => $"({Expression(x.Left)} {Operator(x.Operator)} {Expression(x.Right)}){Problems(x.DivisionByZero, x.Overflow)}",
        IrIf i => $"if({Expression(i.Condition)}, {Expression(i.WhenTrue)}, {Expression(i.WhenFalse)})",
        IrCall c => $"{c.Function.ToString().ToLowerInvariant()}({string.Join(", ", c.Arguments.Select(Expression))}){Problems(c.BoundsReversed)}",
        IrLookup l => $"lookup({Expression(l.Key)} in {{{string.Join("; ", l.Rows.Select(Row))}}}) {Problem(l.NoRow)}",
        _ => e.GetType().Name,
    };

    private static string Row(IrTableRow row)
    {
        string key = row.Key is { } k ? Literal(k)
            : $"{(row.Low is null ? "" : (row.LowInclusive ? "" : "above ") + Number(row.Low.Value))}..{(row.High is null ? "" : (row.HighInclusive ? "" : "below ") + Number(row.High.Value))}";
        string result = row.Result is { } r ? Literal(r) : $"{Number(row.ResultAtLow ?? 0)} to {Number(row.ResultAtHigh ?? 0)} (interpolated)";
        return $"{key}: {result}";
    }

    // The operator as the language writes it: its one definition's name.
    private static string Operator(BinaryOperator op) => Vbc.Operators.Definitions.Binary(op).Name;

    private static string Problems(params RowProblem?[] problems)
    {
        var present = problems.OfType<RowProblem>().ToList();
        return present.Count == 0 ? "" : $"[{string.Join("; ", present.Select(p => $"#{p.Number} {Kind(p.Kind)}"))}]";
    }

    private static string Problem(RowProblem p) => $"[#{p.Number} {Kind(p.Kind)}]";

    private static string Kind(Operators.RowProblem kind) => kind switch
    {
        Operators.RowProblem.DivisionByZero => "division by zero",
        Operators.RowProblem.Overflow => "overflow",
        Operators.RowProblem.ClampReversed => "clamp bounds reversed",
        Operators.RowProblem.NoTableRow => "no table row",
        Operators.RowProblem.CarveOutOutsideCategory => "carve-out outside its category",
        _ => "not above 0",
    };

    private static string Literal(Value v) => v.Kind switch
    {
        ValueKind.Text => SyntaxDump.Quote(v.Text),
        ValueKind.Number or ValueKind.Percentile => Number(v.Number),
        _ => v.ToString(),
    };

    private static string Number(decimal d) => d.ToString(CultureInfo.InvariantCulture);
}
