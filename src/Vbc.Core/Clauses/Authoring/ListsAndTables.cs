using System.Globalization;
using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Text;

namespace Vbc.Clauses.Authoring;

/// <summary>
/// What vbc checks of a plug-in's list and table settings beyond each value's unit and range (which the binder checks
/// as for any setting): how many items or rows, keys written as one value, and the order the plug-in declared. Values
/// known from the text are checked when the contract is checked; values that depend on inputs, when it is settled.
/// </summary>
internal static class ListsAndTables
{
    public static void Check(PluginClause kind, BoundClause clause, ClauseCheckContext context)
    {
        string keyword = ((IClauseKind)kind).Keyword;
        foreach (var setting in kind.Settings)
        {
            switch (setting)
            {
                case ListSetting list when clause.Setting(list.Key) is BoundListSetting written:
                    if (CountProblem(written.Items.Count, list.MinItems, list.MaxItems, "value") is { } items)
                    {
                        context.Report(PluginDiagnostics.WrongCount(Location.In(context.Source, written.Syntax.Span), list.Key, keyword, items));
                    }
                    break;
                case TableSetting table when clause.Setting(table.Key) is BoundTableSetting written:
                    if (CountProblem(written.Table.Rows.Count, table.MinRows, table.MaxRows, "row") is { } rows)
                    {
                        context.Report(PluginDiagnostics.WrongCount(Location.In(context.Source, written.Syntax.Span), table.Key, keyword, rows));
                    }
                    foreach (var row in written.Table.Rows.Where(r => r.KeyRange is not null))
                    {
                        context.Report(PluginDiagnostics.RowKeyIsRange(Location.In(context.Source, row.Span), table.Key, keyword));
                    }
                    var constant = written.Table.Rows
                        .Select(r => (Key: Constant(r.KeyValue), Result: Constant(r.Result), r.Span))
                        .ToList();
                    // Only rows whose values the text fixes; the others are checked when the contract is settled.
                    if (constant.All(r => r.Key is not null && r.Result is not null)
                        && OrderProblem(table, constant.Select(r => new TableRow(r.Key!.Value, r.Result!.Value)).ToList()) is { } order)
                    {
                        context.Report(PluginDiagnostics.RowsOutOfOrder(Location.In(context.Source, constant[order.Row].Span), table.Key, keyword, order.Message));
                    }
                    break;
            }
        }
    }

    // A number, or a percentile's rank, fixed by the text.
    private static decimal? Constant(BoundExpression? expression) =>
        expression is not null && Evaluation.Evaluator.TryConstant(expression) is { Kind: ValueKind.Number or ValueKind.Percentile } v ? v.Number : null;

    private static string? CountProblem(int count, int min, int max, string what)
    {
        if (count >= min && count <= max)
        {
            return null;
        }
        string takes = min == max ? $"exactly {min}" : max == int.MaxValue ? $"at least {min}" : $"{min} to {max}";
        return $"it has {count} {what}{(count == 1 ? "" : "s")}, and takes {takes}";
    }

    /// <summary>
    /// The rows as the plug-in reads them: sorted by key when it declared a key order (the order rows are written in
    /// carries no meaning, as in every table of the language), else as written; each with the index it was written at.
    /// </summary>
    public static IReadOnlyList<(TableRow Row, int Written)> Ordered(TableSetting table, IReadOnlyList<TableRow> rows)
    {
        var indexed = rows.Select((row, i) => (Row: row, Written: i));
        return (table.KeyOrder switch
        {
            RowOrder.Ascending => indexed.OrderBy(r => r.Row.Key),
            RowOrder.Descending => indexed.OrderByDescending(r => r.Row.Key),
            _ => indexed,
        }).ToList();
    }

    /// <summary>The first row (its written index) that breaks the declared orders once the rows are sorted, and why; null when none does.</summary>
    public static (int Row, string Message)? OrderProblem(TableSetting table, IReadOnlyList<TableRow> written)
    {
        var rows = Ordered(table, written);
        for (int i = 1; i < rows.Count; i++)
        {
            var (before, after) = (rows[i - 1].Row, rows[i].Row);
            if (table.KeyOrder != RowOrder.Any && after.Key == before.Key)
            {
                return (rows[i].Written, $"two rows have the key {Units.Show(after.Key, table.Keys)}");
            }
            if (Breaks(table.ResultOrder, before.Result, after.Result))
            {
                string by = table.KeyOrder == RowOrder.Any ? "row after row" : $"from the {(table.KeyOrder == RowOrder.Ascending ? "lowest" : "highest")} key";
                return (rows[i].Written, $"the results go in {(table.ResultOrder == RowOrder.Ascending ? "ascending" : "descending")} order {by}, but the result of " +
                    $"{Units.Show(after.Key, table.Keys)} ({Units.Show(after.Result, table.Results)}) is not {(table.ResultOrder == RowOrder.Ascending ? "above" : "below")} " +
                    $"that of {Units.Show(before.Key, table.Keys)} ({Units.Show(before.Result, table.Results)})");
            }
        }
        return null;
    }

    private static bool Breaks(RowOrder order, decimal before, decimal after) => order switch
    {
        RowOrder.Ascending => after <= before,
        RowOrder.Descending => after >= before,
        _ => false,
    };
}
