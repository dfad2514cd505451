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
}

/// <summary>The query, or why the run cannot be compiled (diagnostics VBC4040-VBC4042).</summary>
public sealed record SqlCompilation(string? Sql, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>
/// Compiles the member-level IR of a run (<see cref="MemberLevelIr"/>) to ONE SQL query over the relation
/// <c>members</c> that returns every figure the settlement stage reads from the member-level stage, as the in-memory
/// runner (src/Vbc.Engine/MemberStage) computes them: the same population steps in the same order, the same row
/// problems numbered as in the IR, the same cost basis and truncation (PERCENTILE.INC exactly, from the sorted costs),
/// the same totals and groups. docs/sql.md documents the result's columns and what differs by dialect.
///
/// <para>Arithmetic stays in exact decimals: SQL's + - * on DECIMAL are exact, and so is C#'s decimal as long as a
/// result has at most 28 significant digits. A division is refused (VBC4041) rather than computed with the database's
/// own rounding, which is not the language's (docs/language.md, "Arithmetic").</para>
/// </summary>
public static class SqlCompiler
{
    /// <summary>The largest magnitude a decimal holds: a result above it is the Overflow row problem.</summary>
    private const string DecimalMax = "79228162514264337593543950335";

    public static SqlCompilation Compile(MemberLevelIr ir, SqlDialect dialect, Location at)
    {
        if (ir.Tables.Count == 0)
        {
            return new SqlCompilation(null, new[] { SqlDiagnostics.NoData(at) });
        }
        if (ir.Tables.Count != 1)
        {
            return new SqlCompilation(null, new[] { SqlDiagnostics.SeveralTables(at, string.Join(", ", ir.Tables.Select(t => t.Table))) });
        }
        var writer = new Writer(dialect);
        try
        {
            return new SqlCompilation(writer.Program(ir.Tables[0]), Array.Empty<Diagnostic>());
        }
        catch (NotCompiledException e)
        {
            return new SqlCompilation(null, new[] { SqlDiagnostics.NotCompiled(at, e.Message) });
        }
    }

    /// <summary>A construct the SQL backend does not compute exactly yet: the compilation is refused with its name.</summary>
    private sealed class NotCompiledException(string what) : Exception(what);

    /// <summary>An expression in SQL: its value, and the number of its first row problem on the row (or NULL).</summary>
    private readonly record struct Sql(string Value, string? Problem);

    private sealed class Writer(SqlDialect dialect)
    {
        private string Text => dialect == SqlDialect.Postgres ? "TEXT" : "VARCHAR";

        public string Program(MemberProgram program)
        {
            var sb = new StringBuilder();
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

            sb.Append("WITH rows_in AS (\n  SELECT\n");
            sb.Append($"    {cost} AS cost_in_scope,\n");
            sb.Append($"    {carved} AS carved_out,\n");
            sb.Append($"    {months} AS member_months,\n");
            sb.Append($"    {reason} AS reason,\n");
            sb.Append($"    {problem} AS problem");
            for (int k = 0; k < program.Totals.Count; k++)
            {
                var total = program.Totals[k];
                string value = Expression(total.PerMember).Value;
                if (total.ExcessOver is { } over)
                {
                    value = $"GREATEST(0, {value} - {Number(over)})";
                }
                sb.Append($",\n    {value} AS total_{k + 1}");
            }
            for (int k = 0; k < program.Groups.Count; k++)
            {
                var group = program.Groups[k];
                if (group.By.Type.Kind != ValueKind.Text)
                {
                    throw new NotCompiledException($"a group by a {group.By.Type.Kind.ToString().ToLowerInvariant()} (groups by text only: numbers and dates are written as text differently by each database)");
                }
                sb.Append($",\n    {Expression(group.By).Value} AS group_{k + 1}_by");
                if (group.Sum is { } sum)
                {
                    sb.Append($",\n    {Expression(sum).Value} AS group_{k + 1}_sum");
                }
            }
            sb.Append("\n  FROM members\n),\n");

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
                sb.Append("ranked AS (\n  SELECT cost, ROW_NUMBER() OVER (ORDER BY cost) - 1 AS rank_0 FROM population\n),\n");
                sb.Append($"rank_h AS (\n  SELECT (COUNT(*) - 1) * {Number(percentile.Percent / 100m)} AS h, COUNT(*) AS n FROM population\n),\n");
                sb.Append("percentile AS (\n  SELECT CASE WHEN rank_h.n = 0 THEN 0 ELSE\n");
                sb.Append("    MAX(CASE WHEN ranked.rank_0 = FLOOR(rank_h.h) THEN ranked.cost END)\n");
                sb.Append("    + (rank_h.h - FLOOR(rank_h.h)) * (MAX(CASE WHEN ranked.rank_0 = LEAST(FLOOR(rank_h.h) + 1, rank_h.n - 1) THEN ranked.cost END)\n");
                sb.Append("      - MAX(CASE WHEN ranked.rank_0 = FLOOR(rank_h.h) THEN ranked.cost END)) END AS threshold\n");
                sb.Append("  FROM rank_h LEFT JOIN ranked ON TRUE GROUP BY rank_h.h, rank_h.n\n),\n");
            }
            string counted = threshold == "NULL" ? "cost" : $"LEAST(cost, {threshold})";
            sb.Append($"counted AS (\n  SELECT *, {counted} AS counted_cost, {(threshold == "NULL" ? "0" : $"GREATEST(cost - {threshold}, 0)")} AS excess FROM population\n)\n");

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
            figures.Add($"  SELECT 'problem' AS figure, NULL AS clause, CAST(problem AS {Text}) AS sum_key, NULL AS group_value, COUNT(*) AS row_count, NULL AS amount FROM rows_in WHERE reason = 0 AND problem IS NOT NULL GROUP BY problem");
            figures.Add(Figure("members", "COUNT(*)", "NULL", "counted"));
            figures.Add(Figure("member months", "COUNT(*)", "SUM(member_months)", "counted"));
            figures.Add(Figure("carved out", "COUNT(*)", "SUM(carved_out)", "counted"));
            if (threshold != "NULL")
            {
                figures.Add(Figure("truncation threshold", "NULL", threshold, null));
            }
            figures.Add(Figure("truncated", threshold == "NULL" ? "0" : $"COUNT(*) FILTER (WHERE cost > {threshold})", "SUM(excess)", "counted"));
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
                figures.Add($"  SELECT 'group' AS figure, {Literal(group.Clause)} AS clause, {Literal(group.Key)} AS sum_key, group_{k + 1}_by AS group_value, COUNT(*) AS row_count, {Amount($"SUM({sum})")} AS amount FROM counted GROUP BY group_{k + 1}_by");
            }
            sb.Append(string.Join("\nUNION ALL\n", figures));
            sb.Append("\nORDER BY 1, 2, 3, 4;\n");
            return sb.ToString();
        }

        private string Figure(string figure, string rows, string amount, string? from, string? clause = null, string? key = null) =>
            $"  SELECT {Literal(figure)} AS figure, {(clause is null ? "NULL" : Literal(clause))} AS clause, {(key is null ? "NULL" : Literal(key))} AS sum_key, NULL AS group_value, {rows} AS row_count, {Amount(amount)} AS amount"
            + (from is null ? "" : $" FROM {from}");

        /// <summary>An amount as exact text; a sum over no rows is 0, as in the in-memory runner.</summary>
        private string Amount(string amount) => amount == "NULL" ? "NULL" : $"CAST(COALESCE({amount}, 0) AS {Text})";

        private static string Sum(EquatableArray<IrColumn> columns) =>
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
        private static string CarveOut(CarveOutCheck check)
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
                throw new NotCompiledException("a division in a per-member expression (each database rounds a quotient its own way, not as the language states; docs/sql.md)");
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
                if (row.Result is null)
                {
                    throw new NotCompiledException("a table row interpolated across a range (a division; docs/sql.md)");
                }
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
                value.Append($" WHEN {holds} THEN {Literal(row.Result.GetValueOrDefault())}");
            }
            // No row: the lookup's value is 0 meanwhile, and the row has the NoTableRow problem.
            value.Append(" ELSE 0 END)");
            string noRow = conditions.Count == 0 ? $"{lookup.NoRow.Number}" : $"CASE WHEN {string.Join(" OR ", conditions)} THEN NULL ELSE {lookup.NoRow.Number} END";
            return new Sql(value.ToString(), Coalesce(new[] { key.Problem, noRow }));
        }

        private string Literal(Value value) => value.Kind switch
        {
            ValueKind.Number => Number(value.Number),
            ValueKind.Flag => value.Flag ? "TRUE" : "FALSE",
            ValueKind.Text => Literal(value.Text),
            ValueKind.Date => $"DATE '{value.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'",
            _ => throw new NotCompiledException($"a value of kind {value.Kind}"),
        };

        private static string Literal(string text) => "'" + text.Replace("'", "''") + "'";

        /// <summary>A decimal literal, exact: both databases type 1234.50 as a DECIMAL of its digits.</summary>
        private static string Number(decimal number)
        {
            string digits = number.ToString(CultureInfo.InvariantCulture);
            return number < 0 ? $"({digits})" : digits;
        }

        private static string Column(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";
    }
}
