using System.Text;

namespace Vbc.Semantics;

/// <summary>
/// The binder's symbols as text, one a line (<c>vbc check --dump bound</c> and the per-stage goldens): each table's
/// columns, the inputs, the named values and what each clause computes, with type, unit and level (when the value is
/// known: constant, run, total, member). No positions, so layout and comments do not move it.
/// </summary>
public static class SymbolDump
{
    public static string Of(BoundContract contract)
    {
        var b = new StringBuilder();
        foreach (var table in contract.Tables)
        {
            var joins = table.Joins.Select(j => $"{j.Name} -> {j.JoinsTo}").ToList();
            b.Append($"table {table.Name}{(joins.Count > 0 ? $" (joins {string.Join(", ", joins)})" : "")}\n");
            foreach (var column in table.Columns)
            {
                Line(b, 1, "column", column, $"; declared {column.DeclaredType}{(column.IsId ? ", the table's id" : "")}");
            }
        }
        b.Append("inputs\n");
        foreach (var input in contract.Inputs)
        {
            Line(b, 1, "input", input, $"; declared {input.DeclaredType}");
        }
        b.Append("built-in\n");
        Line(b, 1, "built-in", contract.PerformanceYear, "");
        b.Append("values\n");
        foreach (var value in contract.Values)
        {
            Line(b, 1, "value", value, "");
        }
        b.Append("clauses\n");
        foreach (var clause in contract.Clauses)
        {
            Clause(b, clause, 1);
        }
        return b.ToString();
    }

    private static void Clause(StringBuilder b, BoundClause clause, int depth)
    {
        b.Append(' ', depth * 2).Append($"{clause.Title}{(clause.DataTable is { } t ? $" (reads table {t})" : "")}\n");
        foreach (var output in clause.Outputs)
        {
            Line(b, depth + 1, "computes", output, "");
        }
        foreach (var child in clause.Children)
        {
            Clause(b, child, depth + 1);
        }
    }

    private static void Line(StringBuilder b, int depth, string role, Symbol symbol, string more) =>
        b.Append(' ', depth * 2).Append($"{role} {symbol.Name}: {symbol.Type.DisplayName}{Unit(symbol.Type)}; known {Level(symbol.Level)}{more}\n");

    private static string Level(EvaluationLevel level) => level switch
    {
        EvaluationLevel.Constant => "from the text (constant)",
        EvaluationLevel.Run => "when the run starts (run)",
        EvaluationLevel.Total => "after the member-level stage (total)",
        _ => "per row (member)",
    };

    /// <summary>The dimension and flavour behind the display name, when they say more than it does.</summary>
    private static string Unit(ValueType type) =>
        type.Kind == ValueKind.Number ? $" [dollars^{type.Dimension.Money} member-months^{type.Dimension.MemberMonths}, shown as {type.Flavor.ToString().ToLowerInvariant()}]" : "";
}
