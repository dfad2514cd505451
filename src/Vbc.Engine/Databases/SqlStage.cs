using System.Data.Common;
using System.Globalization;
using Vbc.Diagnostics;
using Vbc.MemberLevel;
using Vbc.MemberStage;
using Vbc.Settlement;
using Vbc.Sql;
using Vbc.Syntax;

namespace Vbc.Databases;

/// <summary>One row of the compiled query's result (docs/sql.md, "The result"), its amount still as the database wrote it.</summary>
internal sealed record FigureRow(string Figure, string? Clause, string? Key, string? Group, long? Rows, string? Amount);

/// <summary>
/// The part every database backend shares: the member-level program compiled by <see cref="SqlCompiler"/> (its one
/// public entry), the query run on a connection, and its figures read back exactly into the result the settlement
/// stage reads, in the shape the in-memory runner gives (the same exclusions with the same reasons, the same keys).
/// </summary>
internal static class SqlStage
{
    /// <summary>The query for one table's program; or the compiler's refusal (VBC4040-VBC4042).</summary>
    public static SqlCompilation Compile(LoweredTable table, SqlDialect dialect, Location at) =>
        SqlCompiler.Compile(new MemberLevelIr(new[] { table.Program }.ToEquatableArray()), dialect, at);

    /// <summary>The query for one table's program grouped by the organisation column (one set of figures per organisation).</summary>
    public static SqlCompilation CompileGrouped(LoweredTable table, SqlDialect dialect, Location at, IrColumn column) =>
        SqlCompiler.Compile(new MemberLevelIr(new[] { table.Program }.ToEquatableArray()), dialect, at, column);

    /// <summary>
    /// The one query of a contract with several tables (docs/sql.md, "Several tables"): each table's program, in the
    /// order given (each after the tables it joins to); the result's first column names the table.
    /// </summary>
    public static SqlCompilation CompileTables(IReadOnlyList<LoweredTable> tables, SqlDialect dialect, Location at) =>
        SqlCompiler.Compile(new MemberLevelIr(tables.Select(t => t.Program).ToEquatableArray()), dialect, at);

    /// <summary>
    /// A table's rows and dollars as vbc's table summary counts them: every row, and the sum of its DECLARED money
    /// columns (the compiled query's 'table dollars' sums the money columns the contract reads, which may be fewer).
    /// </summary>
    public static (long Rows, decimal Dollars) TableDollars(DbConnection connection, string relation, IReadOnlyList<string> moneyColumns, string textType)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*), CAST(COALESCE(SUM({RowDollars(moneyColumns)}), 0) AS {textType}) FROM {relation}";
        command.CommandTimeout = 0;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Exact("table dollars", reader.GetString(1)));
    }

    /// <summary>A row's dollars: the sum of the money columns (quoted), 0 for none.</summary>
    public static string RowDollars(IReadOnlyList<string> moneyColumns) =>
        moneyColumns.Count == 0 ? "0" : "(" + string.Join(" + ", moneyColumns.Select(c => "\"" + c.Replace("\"", "\"\"") + "\"")) + ")";

    /// <summary>A grouped query's figures by organisation (its first column).</summary>
    public static Dictionary<string, List<FigureRow>> RunGrouped(DbConnection connection, string query)
    {
        var rows = new Dictionary<string, List<FigureRow>>(StringComparer.Ordinal);
        foreach (var (organisation, row) in Read(connection, query, 1))
        {
            if (!rows.TryGetValue(organisation!, out var list))
            {
                rows[organisation!] = list = new List<FigureRow>();
            }
            list.Add(row);
        }
        return rows;
    }

    public static List<FigureRow> Run(DbConnection connection, string query) => Read(connection, query, 0).Select(r => r.Row).ToList();

    /// <summary>The figures of a query, after <paramref name="skip"/> leading columns (the organisation, whose text is given).</summary>
    private static List<(string? Organisation, FigureRow Row)> Read(DbConnection connection, string query, int skip)
    {
        var rows = new List<(string?, FigureRow)>();
        using var command = connection.CreateCommand();
        command.CommandText = query;
        command.CommandTimeout = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i + skip) ? null : Convert.ToString(reader.GetValue(i + skip), CultureInfo.InvariantCulture);
            rows.Add((skip > 0 ? reader.IsDBNull(0) ? "" : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture) : null,
                new FigureRow(Text(0)!, Text(1), Text(2), Text(3), reader.IsDBNull(4 + skip) ? null : Convert.ToInt64(reader.GetValue(4 + skip), CultureInfo.InvariantCulture), Text(5))));
        }
        return rows;
    }

    /// <summary>Rows read and their cost in scope, from a set of figures.</summary>
    public static (long Rows, decimal InputCost) RowsAndCost(List<FigureRow> figures)
    {
        var read = figures.Single(f => f.Figure == "rows read");
        var cost = figures.Single(f => f.Figure == "input cost");
        return (read.Rows ?? 0, cost.Amount is null ? 0m : Exact("input cost", cost.Amount));
    }

    /// <summary>Rows with a row problem (what the run refuses, VBC4013): their count and cost in scope.</summary>
    public static (long Rows, FigureRow? First) ProblemRows(List<FigureRow> figures)
    {
        var all = figures.Single(f => f.Figure == "problem rows");
        long rows = all.Rows ?? 0;
        var first = figures.Where(f => f.Figure == "problem").OrderBy(f => int.Parse(f.Key!, CultureInfo.InvariantCulture)).FirstOrDefault();
        return (rows, first);
    }

    /// <summary>
    /// The figures as the member-level stage's result. Only for a run without problem rows: a backend that finds
    /// some reports them itself. Throws <see cref="FigureException"/> for an amount decimal cannot hold exactly.
    /// </summary>
    public static MemberStageResult ToResult(LoweredTable table, List<FigureRow> figures)
    {
        var program = table.Program;
        FigureRow One(string figure, string? clause = null, string? key = null) =>
            figures.Single(r => r.Figure == figure && r.Clause == clause && r.Key == key);
        long Rows(FigureRow row) => row.Rows ?? 0;
        decimal Amount(FigureRow row) => row.Amount is null ? 0m : Exact(row.Figure, row.Amount);

        var exclusions = new List<Exclusion>();
        for (int k = 0; k < program.Population.Count; k++)
        {
            var step = One("left out", key: (k + 1).ToString(CultureInfo.InvariantCulture));
            exclusions.Add(new Exclusion(table.Map.Steps[k].Reason, table.Map.Steps[k].Where, Rows(step), Amount(step)));
        }
        decimal? threshold = null;
        string? rule = null;
        switch (program.Truncation)
        {
            case TruncateAtAmount amount:
                threshold = amount.Amount;
                rule = MemberStageRunner.AmountRule(amount.Amount);
                break;
            case TruncateAtPercentile percentile:
                threshold = Amount(One("truncation threshold"));
                rule = MemberStageRunner.PercentileRule(percentile.Percent, threshold.Value);
                break;
        }
        var truncated = One("truncated");
        var population = new PopulationSummary(Rows(One("rows read")), Rows(One("members")), Amount(One("member months")), exclusions,
            Amount(One("input cost")), Amount(One("carved out")), threshold, rule, Rows(truncated), Amount(truncated), Amount(One("counted cost")))
        {
            CostMeasured = program.Cost.Categories.Count > 0,
        };

        var totals = new Dictionary<(Vbc.Semantics.BoundClause, string), decimal>();
        for (int k = 0; k < program.Totals.Count; k++)
        {
            var total = program.Totals[k];
            totals[(table.Map.Totals[k].Owner, total.Key)] = Amount(One("total", total.Clause, total.Key));
        }
        var groups = new Dictionary<(Vbc.Semantics.BoundClause, string), IReadOnlyList<(string Group, decimal Sum, long Count)>>();
        for (int k = 0; k < program.Groups.Count; k++)
        {
            var group = program.Groups[k];
            groups[(table.Map.Groups[k].Owner, group.Key)] = figures
                .Where(r => r.Figure == "group" && r.Clause == group.Clause && r.Key == group.Key)
                .Select(r => (r.Group ?? "", Amount(r), Rows(r)))
                .OrderBy(g => g.Item1, StringComparer.Ordinal)
                .ToList();
        }
        return new MemberStageResult
        {
            Population = population,
            Totals = totals,
            Groups = groups,
            Problems = Array.Empty<Diagnostic>(),
            RowsLeftOut = Array.Empty<ExcludedRow>(),
        };
    }

    /// <summary>
    /// An amount written by the database as text, read exactly: trailing zeros after the point carry no value (the
    /// database's scale is the column's), and a value with more significant digits than decimal holds is refused.
    /// </summary>
    public static decimal Exact(string figure, string text)
    {
        string trimmed = text.Contains('.') ? text.TrimEnd('0').TrimEnd('.') : text;
        if (trimmed is "" or "-")
        {
            trimmed = "0";
        }
        if (!decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || Normal(value.ToString(CultureInfo.InvariantCulture)) != Normal(trimmed))
        {
            throw new FigureException(figure, text);
        }
        return value;
    }

    private static string Normal(string text)
    {
        string t = text.Contains('.') ? text.TrimEnd('0').TrimEnd('.') : text;
        bool negative = t.StartsWith('-');
        t = t.TrimStart('-');
        if (t.Contains('.'))
        {
            t = t.TrimStart('0');
            if (t.StartsWith('.'))
            {
                t = "0" + t;
            }
        }
        else
        {
            t = t.TrimStart('0');
            if (t.Length == 0)
            {
                t = "0";
            }
        }
        return negative && t != "0" ? "-" + t : t;
    }
}

/// <summary>A figure the database returned that decimal cannot hold exactly (VBC4052).</summary>
internal sealed class FigureException(string figure, string text) : Exception($"{figure} = {text}")
{
    public string Figure { get; } = figure;

    public string Text { get; } = text;
}
