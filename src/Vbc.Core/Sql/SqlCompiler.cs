using System.Globalization;
using System.Text;
using Vbc.Diagnostics;
using Vbc.MemberLevel;
using Vbc.Semantics;
using Vbc.Syntax;

namespace Vbc.Sql;

/// <summary>The SQL dialects the member-level IR compiles to.</summary>
public enum SqlDialect
{
    DuckDb,
    Postgres,
    /// <summary>Spark SQL: written for the place the claims live; not executed here (docs/sql.md).</summary>
    Spark,
}

/// <summary>The query, or why the run cannot be compiled (diagnostics VBC4041-VBC4044).</summary>
public sealed record SqlCompilation(string? Sql, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>
/// Compiles the member-level IR of a run (<see cref="MemberLevelIr"/>) to ONE SQL query over the relation
/// <c>members</c> that returns every figure the settlement stage reads from the member-level stage, as the in-memory
/// runner (src/Vbc.Engine/MemberStage) computes them: the same population steps in the same order, the same row
/// problems numbered as in the IR, the same cost basis and truncation (PERCENTILE.INC exactly, from the sorted costs),
/// the same totals and groups. docs/sql.md documents the result's columns and what differs by dialect.
///
/// <para>Arithmetic stays in exact decimals: SQL's + - * on DECIMAL are exact, and so is C#'s decimal as long as a
/// result has at most 28 significant digits. A division is worked out digit by digit with exact integers to the
/// language's rounding (docs/language.md, "Arithmetic"), never with the database's own; Spark SQL refuses it
/// (VBC4041).</para>
/// </summary>
public static class SqlCompiler
{
    /// <summary>The largest magnitude a decimal holds: a result above it is the Overflow row problem.</summary>
    private const string DecimalMax = "79228162514264337593543950335";

    /// <param name="groupBy">
    /// A text column of the data naming each row's organisation: the query then returns the figures once per
    /// organisation (a leading column <c>organisation</c>), each as if that organisation were settled alone: its own
    /// population steps, problems, percentile threshold, totals and groups. Null: one set of figures for every row.
    /// </param>
    public static SqlCompilation Compile(MemberLevelIr ir, SqlDialect dialect, Location at, IrColumn? groupBy = null)
    {
        if (groupBy is not null && groupBy.Type.Kind != ValueKind.Text)
        {
            return new SqlCompilation(null, new[] { SqlDiagnostics.GroupByNotText(at, groupBy.Name, groupBy.Type.DisplayName) });
        }
        if (ir.Tables.Count == 0)
        {
            return new SqlCompilation(null, new[] { SqlDiagnostics.NoData(at) });
        }
        if (ir.Tables.Count != 1)
        {
            if (groupBy is not null)
            {
                return new SqlCompilation(null, new[] { SqlDiagnostics.GroupBySeveralTables(at, string.Join(", ", ir.Tables.Select(t => t.Table))) });
            }
            try
            {
                return new SqlCompilation(SeveralTables(ir, dialect), Array.Empty<Diagnostic>());
            }
            catch (NotCompiledException e)
            {
                return new SqlCompilation(null, new[] { SqlDiagnostics.NotCompiled(at, e.Message) });
            }
        }
        var writer = new Writer(dialect, groupBy?.Name, "members");
        try
        {
            return new SqlCompilation(writer.Program(ir.Tables[0]), Array.Empty<Diagnostic>());
        }
        catch (NotCompiledException e)
        {
            return new SqlCompilation(null, new[] { SqlDiagnostics.NotCompiled(at, e.Message) });
        }
    }

    /// <summary>
    /// One per-row expression as a query over <c>members</c>: per row, in the order of the column
    /// <paramref name="orderBy"/>, its value as text (<c>value</c>) and the number of its first row problem
    /// (<c>problem</c>, NULL when none). The expression test files run through it (tests/expressions).
    /// </summary>
    public static SqlCompilation CompileExpression(IrExpression expression, SqlDialect dialect, string orderBy, Location at)
    {
        var writer = new Writer(dialect, null, "members");
        try
        {
            return new SqlCompilation(writer.ExpressionQuery(expression, orderBy), Array.Empty<Diagnostic>());
        }
        catch (NotCompiledException e)
        {
            return new SqlCompilation(null, new[] { SqlDiagnostics.NotCompiled(at, e.Message) });
        }
    }

    /// <summary>
    /// Several tables (members and the episodes or claims joined to them by id): each table's figures as its own query
    /// over the relation named as the table, with a first column <c>table_name</c>, in the order the IR reads the
    /// tables; a table with joins adds, per join, its rows whose id is in no row of the table joined (VBC3060 in vbc
    /// settle: reported, still counted) and the dollars of all its rows, as vbc settle's table summary.
    /// </summary>
    private static string SeveralTables(MemberLevelIr ir, SqlDialect dialect)
    {
        var parts = new List<string>();
        foreach (var program in ir.Tables)
        {
            var writer = new Writer(dialect, null, program.Table);
            string query = writer.Program(program);
            // The table's query without its ORDER BY, as a derived table; its join figures after it.
            string body = query[..query.LastIndexOf("\nORDER BY", StringComparison.Ordinal)];
            var figures = new List<string> { $"  SELECT {Writer.Literal(program.Table)} AS table_name, t.* FROM (\n{body}\n) t" };
            figures.AddRange(program.Joins.Select(join => writer.Unmatched(program, join, ir.Tables.FirstOrDefault(t => string.Equals(t.Table, join.JoinsTo, StringComparison.OrdinalIgnoreCase)))));
            if (program.Joins.Count > 0)
            {
                figures.Add(writer.TableDollars(program));
            }
            parts.AddRange(figures);
        }
        return string.Join("\nUNION ALL\n", parts) + "\nORDER BY 1, 2, 3, 4, 5;\n";
    }

    /// <summary>A construct the SQL backend does not compute exactly yet: the compilation is refused with its name.</summary>
    private sealed class NotCompiledException(string what) : Exception(what);

    /// <summary>An expression in SQL: its value, and the number of its first row problem on the row (or NULL).</summary>
    private readonly record struct Sql(string Value, string? Problem);

    private sealed class Writer(SqlDialect dialect, string? groupBy, string relation)
    {
        /// <summary>The text type of casts.</summary>
        private string Text => dialect switch
        {
            SqlDialect.Postgres => "TEXT",
            SqlDialect.Spark => "STRING",
            _ => "VARCHAR",
        };

        /// <summary>
        /// Per-row values some expressions need before they can be written (a quotient's digits): each layer is one
        /// <c>SELECT *, ...</c> over the previous one, from <c>members</c>; <c>rows_in</c> reads the last.
        /// </summary>
        private readonly List<string> _layers = new();

        /// <summary>Whether the figures are per organisation (the column <c>organisation</c> of every CTE).</summary>
        private bool Grouped => groupBy is not null;

        private readonly Dictionary<IrBinary, Sql> _quotients = new();

        private int _divisions;

        /// <summary>The relation per-row expressions read: members, or the last layer of helper values.</summary>
        private string Source => _layers.Count == 0 ? Relation : $"vbc_step_{_layers.Count}";

        /// <summary>The source relation: <c>members</c> for one table, else the table's own name.</summary>
        private string Relation => relation == "members" ? "members" : Column(relation);

        /// <summary>The layers as CTEs, each ending with a comma and a line break.</summary>
        private string Layers()
        {
            var sb = new StringBuilder();
            for (int i = 0; i < _layers.Count; i++)
            {
                string from = i == 0 ? Relation : $"vbc_step_{i}";
                sb.Append($"vbc_step_{i + 1} AS (\n  SELECT *,\n    {_layers[i]}\n  FROM {from}\n),\n");
            }
            return sb.ToString();
        }

        private void Layer(params string[] columns)
        {
            if (_layers.Count == 0)
            {
                // Powers of ten as exact integers, read by the quotients' digits (vbc_p10[k + 1] = 10^k).
                var first = new List<string> { $"{Powers()} AS vbc_p10" };
                if (dialect == SqlDialect.Postgres)
                {
                    first.Add("ARRAY[" + string.Join(", ", Enumerable.Range(0, 29).Select(k => k == 0 ? "1" : "0." + new string('0', k - 1) + "1")) + "]::NUMERIC[] AS vbc_p10_neg");
                }
                _layers.Add(string.Join(",\n    ", first));
            }
            _layers.Add(string.Join(",\n    ", columns));
        }

        private string Powers()
        {
            var powers = Enumerable.Range(0, 39).Select(k => "1" + new string('0', k));
            return dialect == SqlDialect.Postgres
                ? "ARRAY[" + string.Join(", ", powers) + "]::NUMERIC[]"
                : "CAST([" + string.Join(", ", powers.Select(p => $"'{p}'")) + "] AS HUGEINT[])";
        }

        public string ExpressionQuery(IrExpression expression, string orderBy)
        {
            var sql = Expression(expression);
            var sb = new StringBuilder("WITH ");
            sb.Append(Layers());
            sb.Append($"result AS (\n  SELECT {Column(orderBy)} AS row_order, CAST({sql.Value} AS {Text}) AS value, {sql.Problem ?? "CAST(NULL AS INTEGER)"} AS problem FROM {Source}\n)\n");
            sb.Append("SELECT value, problem FROM result ORDER BY row_order;\n");
            return sb.ToString();
        }

        public string Program(MemberProgram program)
        {
            string months = program.MemberMonths is { } m ? Column(m.Name) : "0";
            string cost = Sum(program.Cost.Categories);
            string carved = Sum(program.Cost.CarvedOut);

            // 1. Each row: its cost in scope, carved-out amount, the step that leaves it out (0: none) and its problem.
            var reason = new StringBuilder("CASE");
            var problem = new StringBuilder("CASE");
            for (int k = 0; k < program.Population.Count; k++)
            {
                var (holds, stepProblem) = program.Population[k] switch
                {
                    IncludeWhen include => Condition(include.Condition, leaveOutWhenTrue: false),
                    ExcludeWhen exclude => Condition(exclude.Condition, leaveOutWhenTrue: true),
                    ExcludeWithoutMonths without => ($"{Column(without.Months.Name)} <= 0", null),
                    var other => throw new NotCompiledException($"the population step {other.GetType().Name}"),
                };
                if (stepProblem is not null)
                {
                    reason.Append($"\n      WHEN {stepProblem} IS NOT NULL THEN 0");
                    problem.Append($"\n      WHEN {stepProblem} IS NOT NULL THEN {stepProblem}");
                }
                reason.Append($"\n      WHEN {holds} THEN {k + 1}");
                problem.Append($"\n      WHEN {holds} THEN NULL");
            }
            var checks = Coalesce(program.RowChecks.Select(CheckProblem)) ?? "NULL";
            if (program.Population.Count == 0)
            {
                // Every row is in the population: only the row checks can set it apart.
                reason.Clear().Append('0');
                problem.Clear().Append(checks == "NULL" ? "CAST(NULL AS INTEGER)" : checks);
            }
            else
            {
                reason.Append("\n      ELSE 0 END");
                problem.Append($"\n      ELSE {checks} END");
            }

            var rows = new StringBuilder();
            rows.Append("rows_in AS (\n  SELECT\n");
            if (groupBy is not null)
            {
                // An organisation without a name is the empty text, as the CSV reader reads an empty cell.
                rows.Append($"    COALESCE({Column(groupBy)}, '') AS organisation,\n");
            }
            rows.Append($"    {cost} AS cost_in_scope,\n");
            rows.Append($"    {carved} AS carved_out,\n");
            rows.Append($"    {months} AS member_months,\n");
            rows.Append($"    {reason} AS reason,\n");
            rows.Append($"    {problem} AS problem");
            for (int k = 0; k < program.Totals.Count; k++)
            {
                var total = program.Totals[k];
                string value = Expression(total.PerMember).Value;
                if (total.ExcessOver is { } over)
                {
                    value = $"GREATEST(0, {value} - {Number(over)})";
                }
                rows.Append($",\n    {value} AS total_{k + 1}");
            }
            for (int k = 0; k < program.Groups.Count; k++)
            {
                var group = program.Groups[k];
                if (group.By.Type.Kind != ValueKind.Text)
                {
                    throw new NotCompiledException($"a group by a {group.By.Type.Kind.ToString().ToLowerInvariant()} (groups by text only: numbers and dates are written as text differently by each database)");
                }
                rows.Append($",\n    {Expression(group.By).Value} AS group_{k + 1}_by");
                if (group.Sum is { } sum)
                {
                    rows.Append($",\n    {Expression(sum).Value} AS group_{k + 1}_sum");
                }
            }
            rows.Append($"\n  FROM {Source}\n),\n");

            var sb = new StringBuilder("WITH ");
            sb.Append(Layers());
            sb.Append(rows);
            if (Grouped)
            {
                sb.Append("organisations AS (\n  SELECT DISTINCT organisation FROM rows_in\n),\n");
            }

            // 2. The population: rows no step left out and without a problem; a member's cost is less its carve-outs.
            sb.Append("population AS (\n  SELECT *, cost_in_scope - carved_out AS cost FROM rows_in WHERE reason = 0 AND problem IS NULL\n),\n");

            // 3. The cap: a fixed amount, the exact PERCENTILE.INC of the members' costs, or none.
            string threshold = program.Truncation switch
            {
                null => "NULL",
                TruncateAtAmount amount => Number(amount.Amount),
                TruncateAtPercentile { Method: PercentileMethod.Inclusive } p => "(SELECT threshold FROM percentile)",
                var other => throw new NotCompiledException($"the truncation {other}"),
            };
            if (program.Truncation is TruncateAtPercentile percentile)
            {
                // Rank h = (n - 1) x p, 0-based, on the costs sorted; interpolated exactly between ranks floor(h) and
                // floor(h) + 1 (the last rank when there is none), as PERCENTILE.INC and the in-memory runner do.
                // Per organisation when grouped: each its own ranks and threshold.
                string org = Grouped ? "organisation, " : "";
                sb.Append($"ranked AS (\n  SELECT {org}cost, ROW_NUMBER() OVER ({(Grouped ? "PARTITION BY organisation " : "")}ORDER BY cost) - 1 AS rank_0 FROM population\n),\n");
                sb.Append($"rank_h AS (\n  SELECT {org}(COUNT(*) - 1) * {Number(percentile.Percent / 100m)} AS h, COUNT(*) AS n FROM population{(Grouped ? " GROUP BY organisation" : "")}\n),\n");
                sb.Append($"percentile AS (\n  SELECT {(Grouped ? "rank_h.organisation, " : "")}CASE WHEN rank_h.n = 0 THEN 0 ELSE\n");
                sb.Append("    MAX(CASE WHEN ranked.rank_0 = FLOOR(rank_h.h) THEN ranked.cost END)\n");
                sb.Append("    + (rank_h.h - FLOOR(rank_h.h)) * (MAX(CASE WHEN ranked.rank_0 = LEAST(FLOOR(rank_h.h) + 1, rank_h.n - 1) THEN ranked.cost END)\n");
                sb.Append("      - MAX(CASE WHEN ranked.rank_0 = FLOOR(rank_h.h) THEN ranked.cost END)) END AS threshold\n");
                sb.Append(Grouped
                    ? "  FROM rank_h LEFT JOIN ranked ON ranked.organisation = rank_h.organisation GROUP BY rank_h.organisation, rank_h.h, rank_h.n\n),\n"
                    : "  FROM rank_h LEFT JOIN ranked ON TRUE GROUP BY rank_h.h, rank_h.n\n),\n");
            }
            string members = "population";
            string cap = threshold;
            if (Grouped && program.Truncation is TruncateAtPercentile)
            {
                sb.Append("capped AS (\n  SELECT population.*, percentile.threshold AS vbc_cap FROM population LEFT JOIN percentile ON percentile.organisation = population.organisation\n),\n");
                members = "capped";
                cap = "vbc_cap";
            }
            string counted = cap == "NULL" ? "cost" : $"LEAST(cost, {cap})";
            sb.Append($"counted AS (\n  SELECT *, {counted} AS counted_cost, {(cap == "NULL" ? "0" : $"GREATEST(cost - {cap}, 0)")} AS excess FROM {members}\n)\n");

            // 4. The figures, one row each: (figure, clause, key, grp, rows, amount). Amounts are text: exact whatever
            // their scale, and read back as decimals.
            var figures = new List<string>
            {
                Figure("rows read", "COUNT(*)", "NULL", "rows_in"),
                Figure("input cost", "COUNT(*)", "SUM(cost_in_scope)", "rows_in"),
            };
            for (int k = 0; k < program.Population.Count; k++)
            {
                figures.Add(Figure("left out", "COUNT(*)", "SUM(cost_in_scope)", $"rows_in WHERE reason = {k + 1}", key: (k + 1).ToString(CultureInfo.InvariantCulture)));
            }
            figures.Add(Figure("problem rows", "COUNT(*)", "SUM(cost_in_scope)", "rows_in WHERE reason = 0 AND problem IS NOT NULL"));
            figures.Add($"  SELECT {Org}'problem' AS figure, NULL AS clause, CAST(problem AS {Text}) AS sum_key, NULL AS group_value, COUNT(*) AS row_count, NULL AS amount FROM rows_in WHERE reason = 0 AND problem IS NOT NULL GROUP BY {Org}problem");
            figures.Add(Figure("members", "COUNT(*)", "NULL", "counted"));
            figures.Add(Figure("member months", "COUNT(*)", "SUM(member_months)", "counted"));
            figures.Add(Figure("carved out", "COUNT(*)", "SUM(carved_out)", "counted"));
            if (threshold != "NULL")
            {
                figures.Add(Grouped && program.Truncation is TruncateAtPercentile
                    ? Figure("truncation threshold", "NULL", "MAX(threshold)", "percentile")
                    : Figure("truncation threshold", "NULL", threshold, Grouped ? "rows_in" : null));
            }
            figures.Add(Figure("truncated", threshold == "NULL" ? "0" : $"COUNT(*) FILTER (WHERE cost > {cap})", "SUM(excess)", "counted"));
            figures.Add(Figure("counted cost", "COUNT(*)", "SUM(counted_cost)", "counted"));
            for (int k = 0; k < program.Totals.Count; k++)
            {
                var total = program.Totals[k];
                figures.Add(Figure("total", "COUNT(*)", $"SUM(total_{k + 1})", "counted", clause: total.Clause, key: total.Key));
            }
            for (int k = 0; k < program.Groups.Count; k++)
            {
                var group = program.Groups[k];
                string sum = group.Sum is null ? "counted_cost" : $"group_{k + 1}_sum";
                figures.Add($"  SELECT {Org}'group' AS figure, {Literal(group.Clause)} AS clause, {Literal(group.Key)} AS sum_key, group_{k + 1}_by AS group_value, COUNT(*) AS row_count, {Amount($"SUM({sum})")} AS amount FROM counted GROUP BY {Org}group_{k + 1}_by");
            }
            sb.Append(string.Join("\nUNION ALL\n", figures));
            sb.Append(Grouped ? "\nORDER BY 1, 2, 3, 4, 5;\n" : "\nORDER BY 1, 2, 3, 4;\n");
            return sb.ToString();
        }

        /// <summary>The organisation as the first column of a figure grouped by it, or nothing.</summary>
        private string Org => Grouped ? "organisation, " : "";

        /// <summary>
        /// One figure: a count and an amount over <paramref name="from"/>. Grouped, once per organisation (every
        /// organisation, with 0 where it has no such row, as the in-memory stage has for it alone).
        /// </summary>
        private string Figure(string figure, string rows, string amount, string? from, string? clause = null, string? key = null) => Grouped
            ? $"  SELECT organisations.organisation, {Literal(figure)} AS figure, {(clause is null ? "NULL" : Literal(clause))} AS clause, {(key is null ? "NULL" : Literal(key))} AS sum_key, NULL AS group_value, "
              + $"{(rows == "NULL" ? "NULL" : "COALESCE(f.r, 0)")} AS row_count, {(amount == "NULL" ? "NULL" : Amount("f.a"))} AS amount "
              + $"FROM organisations LEFT JOIN (SELECT organisation, {rows} AS r, {amount} AS a FROM {from} GROUP BY organisation) f ON f.organisation = organisations.organisation"
            : $"  SELECT {Literal(figure)} AS figure, {(clause is null ? "NULL" : Literal(clause))} AS clause, {(key is null ? "NULL" : Literal(key))} AS sum_key, NULL AS group_value, {rows} AS row_count, {Amount(amount)} AS amount"
            + (from is null ? "" : $" FROM {from}");

        /// <summary>An amount as exact text; a sum over no rows is 0, as in the in-memory runner.</summary>
        private string Amount(string amount) => amount == "NULL" ? "NULL" : $"CAST(COALESCE({amount}, 0) AS {Text})";

        private string Sum(EquatableArray<IrColumn> columns) =>
            columns.Count == 0 ? "0" : "(" + string.Join(" + ", columns.Select(c => Column(c.Name))) + ")";

        /// <summary>When a population step leaves a row out, and the step condition's first problem.</summary>
        private (string Holds, string? Problem) Condition(IrExpression condition, bool leaveOutWhenTrue)
        {
            var sql = Expression(condition);
            // 'not included unless C' leaves out every row where C is not true.
            return (leaveOutWhenTrue ? sql.Value : $"NOT ({sql.Value})", sql.Problem);
        }

        private string? CheckProblem(RowCheck check) => check switch
        {
            Computes computes => Expression(computes.Expression).Problem,
            AboveZero above => Coalesce(new[] { Expression(above.Value).Problem, $"CASE WHEN {Expression(above.Value).Value} <= 0 THEN {above.Problem.Number} END" }),
            CarveOutCheck carve => CarveOut(carve),
            _ => throw new NotCompiledException($"the row check {check.GetType().Name}"),
        };

        /// <summary>Each part, and the running sum of the parts in order, lies between 0 and the category's amount.</summary>
        private string CarveOut(CarveOutCheck check)
        {
            string whole = Column(check.Category.Name);
            string low = $"LEAST(0, {whole})", high = $"GREATEST(0, {whole})";
            var sb = new StringBuilder("CASE");
            var together = new List<string>();
            foreach (var part in check.Parts)
            {
                string value = Column(part.Part.Name);
                together.Add(value);
                string running = "(" + string.Join(" + ", together) + ")";
                sb.Append($" WHEN {value} < {low} OR {value} > {high} OR {running} < {low} OR {running} > {high} THEN {part.Problem.Number}");
            }
            return sb.Append(" END").ToString();
        }

        private static string? Coalesce(IEnumerable<string?> problems)
        {
            var list = problems.Where(p => p is not null).ToList();
            return list.Count switch
            {
                0 => null,
                1 => list[0],
                _ => "COALESCE(" + string.Join(", ", list) + ")",
            };
        }

        private Sql Expression(IrExpression expression)
        {
            switch (expression)
            {
                case IrLiteral literal:
                    return new Sql(Literal(literal.Value), null);
                case IrColumn column:
                    return new Sql(Column(column.Name), null);
                case IrUnary unary:
                    {
                        var operand = Expression(unary.Operand);
                        return unary.Operator switch
                        {
                            UnaryOperator.Negate => new Sql($"(-{operand.Value})", operand.Problem),
                            UnaryOperator.Plus => operand,
                            _ => new Sql($"(NOT {operand.Value})", operand.Problem),
                        };
                    }
                case IrBinary binary:
                    return Binary(binary);
                case IrIf conditional:
                    {
                        var c = Expression(conditional.Condition);
                        var t = Expression(conditional.WhenTrue);
                        var f = Expression(conditional.WhenFalse);
                        string? branch = t.Problem is null && f.Problem is null ? null
                            : $"CASE WHEN {c.Value} THEN {t.Problem ?? "NULL"} ELSE {f.Problem ?? "NULL"} END";
                        return new Sql($"(CASE WHEN {c.Value} THEN {t.Value} ELSE {f.Value} END)", Coalesce(new[] { c.Problem, branch }));
                    }
                case IrCall call:
                    return Call(call);
                case IrLookup lookup:
                    return Lookup(lookup);
                default:
                    throw new NotCompiledException($"the expression {expression.GetType().Name}");
            }
        }

        private Sql Binary(IrBinary binary)
        {
            var left = Expression(binary.Left);
            var right = Expression(binary.Right);
            string? op = binary.Operator switch
            {
                BinaryOperator.Add => "+",
                BinaryOperator.Subtract => "-",
                BinaryOperator.Multiply or BinaryOperator.Of => "*",
                BinaryOperator.Less => "<",
                BinaryOperator.LessOrEqual => "<=",
                BinaryOperator.Greater => ">",
                BinaryOperator.GreaterOrEqual => ">=",
                BinaryOperator.Equal => "=",
                BinaryOperator.NotEqual => "<>",
                BinaryOperator.And => "AND",
                BinaryOperator.Or => "OR",
                _ => null,
            };
            if (op is null)
            {
                return Quotient(binary, left, right);
            }
            string value = $"({left.Value} {op} {right.Value})";
            // 'and' and 'or' short-circuit: a problem on the right counts only where the right decides.
            string? rightProblem = right.Problem is null ? null : binary.Operator switch
            {
                BinaryOperator.And => $"CASE WHEN {left.Value} THEN {right.Problem} END",
                BinaryOperator.Or => $"CASE WHEN NOT ({left.Value}) THEN {right.Problem} END",
                _ => right.Problem,
            };
            string? own = binary.Overflow is { } overflow ? $"CASE WHEN CAST(ROUND(ABS({value}), 0) AS DECIMAL(38, 0)) > {DecimalMax} THEN {overflow.Number} END" : null;
            return new Sql(value, Coalesce(new[] { left.Problem, rightProblem, own }));
        }

        /// <summary>
        /// a / b as the language states it (docs/language.md, "Arithmetic"; <c>Operators.Arithmetic.Divide</c>): the exact
        /// quotient rounded to the most decimal places, at most 28, whose digits fit in 96 bits, ties to even; 0 and the
        /// division-by-zero problem when b = 0; the overflow problem beyond decimal. Neither database divides so (DuckDB
        /// divides DECIMALs in DOUBLE, PostgreSQL picks the scale of a NUMERIC quotient itself), so the digits are worked
        /// out with exact integers: the quotient's scale s from its whole digits, then floor(|a| x 10^s / |b|) and the
        /// remainder, which decides the rounding. Spark has no exact integer wider than DECIMAL(38, 0) with which to do
        /// so, and is not executed here: the division is refused there (docs/sql.md).
        /// </summary>
        private Sql Quotient(IrBinary binary, Sql left, Sql right)
        {
            if (_quotients.TryGetValue(binary, out var known))
            {
                return known;
            }
            var q = Divide(left.Value, right.Value);
            string own = $"CASE WHEN {q.ByZero} THEN {binary.DivisionByZero!.Number} WHEN {q.Overflow} THEN {binary.Overflow!.Number} END";
            var sql = new Sql(q.Value, Coalesce(new[] { left.Problem, right.Problem, own }));
            _quotients[binary] = sql;
            return sql;
        }

        /// <summary>The quotient's value, and when b is 0 and when the quotient is beyond decimal (both then give 0).</summary>
        private readonly record struct Division(string Value, string ByZero, string Overflow);

        private Division Divide(string a, string b)
        {
            if (dialect == SqlDialect.Spark)
            {
                throw new NotCompiledException("a division in a per-member expression in Spark SQL (Spark has no exact integer wider than DECIMAL(38, 0) to work out the language's digits, and vbc does not run Spark to prove a query; DuckDB and PostgreSQL compile it; docs/sql.md)");
            }
            string p = $"vbc_d{++_divisions}_";
            bool pg = dialect == SqlDialect.Postgres;
            string IntDiv(string x, string y) => pg ? $"div({x}, {y})" : $"({x} // {y})";
            string Mod(string x, string y) => pg ? $"mod({x}, {y})" : $"({x} % {y})";
            string Pow(string k) => $"vbc_p10[({k}) + 1]";
            if (pg)
            {
                // NUMERIC is exact at any size: |a| and |b| are the integers' own values, scaled by 10^s.
                Layer($"{a} AS {p}n", $"{b} AS {p}d");
                Layer($"ABS({p}n) AS {p}an", $"CASE WHEN {p}d = 0 THEN 1 ELSE ABS({p}d) END AS {p}den", $"({p}n < 0) <> ({p}d < 0) AS {p}neg", $"{p}d = 0 AS {p}zero");
                Layer($"div({p}an, {p}den) AS {p}whole");
                // s = 28, or 29 less the whole part's digits: the mantissa then has 29 digits, which may not fit (below).
                Layer($"CASE WHEN {p}whole = 0 THEN 28 ELSE LEAST(28, 29 - length(CAST(trunc({p}whole) AS TEXT))) END AS {p}s");
                Layer($"{p}s < 0 AS {p}over", $"CASE WHEN {p}s < 0 THEN 0 ELSE {p}an * {Pow($"{p}s")} END AS {p}scaled");
                Layer($"div({p}scaled, {p}den) AS {p}f");
                Layer($"{p}scaled - {p}f * {p}den AS {p}r");
            }
            else
            {
                // DuckDB: a DECIMAL's digits as a HUGEINT and its scale, read from its exact text (whatever its type).
                Layer($"CAST({a} AS VARCHAR) AS {p}ta", $"CAST({b} AS VARCHAR) AS {p}tb");
                Layer($"CAST(replace({p}ta, '.', '') AS HUGEINT) AS {p}ma", $"CASE WHEN strpos({p}ta, '.') > 0 THEN length({p}ta) - strpos({p}ta, '.') ELSE 0 END AS {p}sa",
                    $"CAST(replace({p}tb, '.', '') AS HUGEINT) AS {p}mb", $"CASE WHEN strpos({p}tb, '.') > 0 THEN length({p}tb) - strpos({p}tb, '.') ELSE 0 END AS {p}sb");
                // |a / b| = (an / bn) x 10^e; lead: the power of ten of an / bn's first digit.
                Layer($"ABS({p}ma) AS {p}an", $"CASE WHEN {p}mb = 0 THEN 1 ELSE ABS({p}mb) END AS {p}bn", $"({p}ma < 0) <> ({p}mb < 0) AS {p}neg", $"{p}mb = 0 AS {p}zero", $"{p}sb - {p}sa AS {p}e");
                Layer($"length(CAST({p}an AS VARCHAR)) AS {p}la", $"length(CAST({p}bn AS VARCHAR)) AS {p}lb");
                Layer($"{p}la - {p}lb - CASE WHEN {p}la >= {p}lb THEN CAST({p}an < {p}bn * {Pow($"{p}la - {p}lb")} AS INTEGER) ELSE CAST({p}an * {Pow($"{p}lb - {p}la")} < {p}bn AS INTEGER) END AS {p}lead");
                // s = 28, or 28 less the power of the first digit: 29 digits, which may not fit (below).
                Layer($"CASE WHEN {p}an = 0 THEN 28 ELSE LEAST(28, 28 - {p}lead - {p}e) END AS {p}s");
                // floor(|a / b| x 10^s) = floor(an x 10^k / den): k = s + e, and a negative k goes to the divisor.
                Layer($"{p}s < 0 AS {p}over", $"CASE WHEN {p}s < 0 THEN 0 ELSE {p}an END AS {p}num",
                    $"CASE WHEN {p}s >= 0 AND {p}s + {p}e < 0 THEN {p}bn * {Pow($"-({p}s + {p}e)")} ELSE {p}bn END AS {p}den",
                    $"CASE WHEN {p}s < 0 THEN 0 ELSE GREATEST({p}s + {p}e, 0) END AS {p}k");
                Layer($"{p}num // {p}den AS {p}f0", $"{p}num % {p}den AS {p}r0");
                // Long division, nine digits at a time: a remainder below den (< 2^96) times 10^9 stays within HUGEINT.
                // k is at most 28 + 38, so eight steps.
                for (int j = 1; j <= 8; j++)
                {
                    string c = $"LEAST(GREATEST({p}k - {9 * (j - 1)}, 0), 9)";
                    Layer($"{p}f{j - 1} * {Pow(c)} + ({p}r{j - 1} * {Pow(c)}) // {p}den AS {p}f{j}", $"({p}r{j - 1} * {Pow(c)}) % {p}den AS {p}r{j}");
                }
                Layer($"{p}f8 AS {p}f", $"{p}r8 AS {p}r");
            }
            // Round the last digit to the nearest, ties to even; when that does not fit in 96 bits, one digit fewer,
            // rounded from the same exact digits (never rounded twice).
            Layer($"{p}f + CASE WHEN 2 * {p}r > {p}den OR (2 * {p}r = {p}den AND {Mod($"{p}f", "2")} = 1) THEN 1 ELSE 0 END AS {p}m1");
            Layer($"{p}m1 <= {DecimalMax} AS {p}fits");
            Layer($"CASE WHEN {p}fits THEN {p}m1 ELSE {IntDiv($"{p}f", "10")} + CASE WHEN {Mod($"{p}f", "10")} > 5 OR ({Mod($"{p}f", "10")} = 5 AND ({p}r > 0 OR {Mod(IntDiv($"{p}f", "10"), "2")} = 1)) THEN 1 ELSE 0 END END AS {p}m",
                $"CASE WHEN {p}fits THEN {p}s ELSE {p}s - 1 END AS {p}scale",
                $"NOT {p}zero AND ({p}over OR (NOT {p}fits AND {p}s = 0)) AS {p}overflow");
            string signed = $"(CASE WHEN {p}neg THEN -{p}m ELSE {p}m END)";
            string value = pg
                ? $"{signed} * vbc_p10_neg[{p}scale + 1]"
                // DuckDB holds the quotient as DECIMAL(38, 28): every digit the language keeps, up to 9,999,999,999.99...
                // (a larger quotient stops the query with DuckDB's overflow error, never a rounded value).
                : $"CAST({signed} * {Pow($"28 - {p}scale")} AS DECIMAL(38, 0)) * CAST('0.0000000000000000000000000001' AS DECIMAL(28, 28))";
            Layer($"CASE WHEN {p}zero OR {p}overflow THEN 0 ELSE {value} END AS {p}q");
            return new Division($"{p}q", $"{p}zero", $"{p}overflow");
        }

        private Sql Call(IrCall call)
        {
            var args = call.Arguments.Select(Expression).ToList();
            string Arg(int i) => args[i].Value;
            string value = call.Function switch
            {
                BuiltInFunction.Min => $"LEAST({string.Join(", ", args.Select(a => a.Value))})",
                BuiltInFunction.Max => $"GREATEST({string.Join(", ", args.Select(a => a.Value))})",
                BuiltInFunction.Clamp => $"LEAST(GREATEST({Arg(0)}, {Arg(1)}), {Arg(2)})",
                BuiltInFunction.Abs => $"ABS({Arg(0)})",
                // Both databases round a DECIMAL's halves away from zero, as round() does.
                BuiltInFunction.Round => call.Arguments.Count == 2 && call.Arguments[1] is IrLiteral places
                    ? $"ROUND({Arg(0)}, {decimal.ToInt32(places.Value.Number).ToString(CultureInfo.InvariantCulture)})"
                    : throw new NotCompiledException("round() with places that depend on the row"),
                BuiltInFunction.Floor => $"FLOOR({Arg(0)})",
                _ => $"CEIL({Arg(0)})",
            };
            string? own = call.BoundsReversed is { } reversed ? $"CASE WHEN {Arg(1)} > {Arg(2)} THEN {reversed.Number} END" : null;
            return new Sql(value, Coalesce(args.Select(a => a.Problem).Append(own)));
        }

        private Sql Lookup(IrLookup lookup)
        {
            var key = Expression(lookup.Key);
            var conditions = new List<string>();
            var value = new StringBuilder("(CASE");
            foreach (var row in lookup.Rows)
            {
                string holds;
                if (row.Key is { } exact)
                {
                    holds = $"{key.Value} = {Literal(exact)}";
                }
                else
                {
                    var bounds = new List<string>();
                    if (row.Low is { } low)
                    {
                        bounds.Add($"{key.Value} {(row.LowInclusive ? ">=" : ">")} {Number(low)}");
                    }
                    if (row.High is { } high)
                    {
                        bounds.Add($"{key.Value} {(row.HighInclusive ? "<=" : "<")} {Number(high)}");
                    }
                    holds = bounds.Count == 0 ? "TRUE" : string.Join(" AND ", bounds);
                }
                conditions.Add($"({holds})");
                value.Append($" WHEN {holds} THEN {(row.Result is { } result ? Literal(result) : Interpolated(key.Value, row))}");
            }
            // No row: the lookup's value is 0 meanwhile, and the row has the NoTableRow problem.
            value.Append(" ELSE 0 END)");
            string noRow = conditions.Count == 0 ? $"{lookup.NoRow.Number}" : $"CASE WHEN {string.Join(" OR ", conditions)} THEN NULL ELSE {lookup.NoRow.Number} END";
            return new Sql(value.ToString(), Coalesce(new[] { key.Problem, noRow }));
        }

        /// <summary>
        /// An interpolated row's result at the key, as <c>Operators.Arithmetic.Interpolate</c> works it out: atLow +
        /// (atHigh - atLow) x (x - low) / (high - low), each operation rounded as the language does (the difference of the
        /// results is computed here, the quotient as every division). The key is held within the row's range first, so
        /// rows the row does not hold cannot meet a problem in it; on the rows it holds that changes nothing.
        /// </summary>
        private string Interpolated(string key, IrTableRow row)
        {
            if (row is not { Low: { } low, High: { } high, ResultAtLow: { } atLow, ResultAtHigh: { } atHigh })
            {
                throw new NotCompiledException("a table row interpolated across a range without both ends");
            }
            if (high == low)
            {
                return Number(atLow);
            }
            decimal rise = Operators.Arithmetic.Subtract(atHigh, atLow);
            decimal run = Operators.Arithmetic.Subtract(high, low);
            string within = $"LEAST(GREATEST({key}, {Number(low)}), {Number(high)})";
            var quotient = Divide($"({Number(rise)} * ({within} - {Number(low)}))", Number(run));
            return $"({Number(atLow)} + {quotient.Value})";
        }

        private string Literal(Value value) => value.Kind switch
        {
            ValueKind.Number => Number(value.Number),
            ValueKind.Flag => value.Flag ? "TRUE" : "FALSE",
            ValueKind.Text => Literal(value.Text),
            ValueKind.Date => $"DATE '{value.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'",
            _ => throw new NotCompiledException($"a value of kind {value.Kind}"),
        };

        public static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

        /// <summary>A row's dollars: the sum of the money columns the program reads (0 when it reads none).</summary>
        private string Dollars(MemberProgram program) => Sum(program.Reads.Where(c => c.Type.Kind == ValueKind.Number && c.Type.Flavor == NumberFlavor.Money).ToEquatableArray());

        /// <summary>
        /// The rows of the table whose join column holds an id that is in no row of the table joined, and their dollars
        /// (figure <c>unmatched</c>, key: the join column).
        /// </summary>
        public string Unmatched(MemberProgram program, IrJoin join, MemberProgram? joined)
        {
            if (joined?.Id is not { } id)
            {
                throw new NotCompiledException($"the join of {program.Table}.{join.Column.Name} to {join.JoinsTo}, a table without an id column");
            }
            string other = Column(joined.Table);
            return $"  SELECT {Literal(program.Table)} AS table_name, 'unmatched' AS figure, NULL AS clause, {Literal(join.Column.Name)} AS sum_key, NULL AS group_value, COUNT(*) AS row_count, {Amount("SUM(vbc_dollars)")} AS amount "
                + $"FROM (SELECT {Column(join.Column.Name)} AS vbc_id, {Dollars(program)} AS vbc_dollars FROM {Relation}) j WHERE NOT EXISTS (SELECT 1 FROM {other} WHERE {other}.{Column(id.Name)} = j.vbc_id)";
        }

        /// <summary>Every row of the table and their dollars (figure <c>table dollars</c>).</summary>
        public string TableDollars(MemberProgram program) =>
            $"  SELECT {Literal(program.Table)} AS table_name, 'table dollars' AS figure, NULL AS clause, NULL AS sum_key, NULL AS group_value, COUNT(*) AS row_count, {Amount($"SUM({Dollars(program)})")} AS amount FROM {Relation}";

        /// <summary>A decimal literal, exact: both databases type 1234.50 as a DECIMAL of its digits.</summary>
        private static string Number(decimal number)
        {
            string digits = number.ToString(CultureInfo.InvariantCulture);
            return number < 0 ? $"({digits})" : digits;
        }

        /// <summary>A column's name, quoted: Spark quotes names with backticks (a double-quoted word is a string there).</summary>
        private string Column(string name) => dialect == SqlDialect.Spark
            ? "`" + name.Replace("`", "``") + "`"
            : "\"" + name.Replace("\"", "\"\"") + "\"";
    }
}
