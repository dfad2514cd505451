using System.Globalization;
using DuckDB.NET.Data;
using Vbc.Databases;
using Vbc.Evaluation;
using Vbc.MemberLevel;
using Vbc.Semantics;
using Vbc.Sql;
using Vbc.Syntax;
using Vbc.Tests.Expressions;
using Vbc.Tests.Infrastructure;
using RowProblem = Vbc.Operators.RowProblem;

namespace Vbc.Tests.Databases;

/// <summary>
/// The expression test files (tests/expressions) through the DuckDB engine: each case whose names are data columns is
/// lowered as the member-level stage lowers it, made the one total (a number), population step (yes/no) or group (a
/// text) of a program, compiled by <see cref="SqlCompiler"/> and run in DuckDB over one row at a time: the figures
/// must give the file's value or row problem on every row. A case the compiler refuses (VBC4041: a division, an
/// interpolated table row), or a row whose exact SQL result has more digits than decimal holds (the engine's VBC4052),
/// is counted as refused, never as settled differently.
/// </summary>
public class DuckDbExpressionTests
{
    private static string Folder => Golden.PathOf("tests", "expressions");

    public static TheoryData<string> Files() => new(Directory.GetFiles(Folder, "*.txt").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_case_the_compiler_accepts_gives_the_files_values_and_problems_in_duckdb(string file)
    {
        var cases = ExpressionFile.Parse(file, File.ReadAllText(Path.Combine(Folder, file)));
        var failures = new List<string>();
        int run = 0, refused = 0;
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        foreach (var c in cases.Where(c => c.Errors.Count == 0 && !c.IsTable && c.Names.Count > 0))
        {
            var bound = CaseContract.Bind(c, namesAreColumns: true);
            if (bound.Expression is not { } expression || expression.Type.Kind == ValueKind.Date)
            {
                continue;
            }
            IrExpression lowered;
            try
            {
                lowered = MemberLevelLowering.LowerExpression(expression, bound.Contract.Source, CaseContract.Resolver(c, []));
            }
            catch (EvaluationException)
            {
                continue; // worked out once before any row: not the member-level stage's
            }
            var program = Program(c, lowered);
            var compiled = SqlCompiler.Compile(new MemberLevelIr(new[] { program }.ToEquatableArray()), SqlDialect.DuckDb, Vbc.Diagnostics.Location.OfFile(file));
            if (compiled.Sql is null)
            {
                Assert.Contains(compiled.Diagnostics, d => d.Code == "VBC4041");
                refused++;
                continue;
            }
            var problems = MemberLevelLowering.ProblemsOf(lowered);
            foreach (var row in c.Rows)
            {
                Load(connection, c, row.Values);
                List<FigureRow> figures;
                try
                {
                    figures = SqlStage.Run(connection, compiled.Sql);
                }
                catch (DuckDBException e) when (e.Message.Contains("Out of Range", StringComparison.Ordinal))
                {
                    // A quotient of ten billion or more overflows DuckDB's DECIMAL(38, 28) (docs/sql.md): the query
                    // stops, and the engine refuses the run (VBC4051) rather than settle on another number.
                    refused++;
                    continue;
                }
                Outcome outcome;
                var (problemRows, first) = SqlStage.ProblemRows(figures);
                if (problemRows > 0)
                {
                    outcome = Outcome.Of(problems.Single(p => p.Number == int.Parse(first!.Key!, CultureInfo.InvariantCulture)).Kind);
                }
                else
                {
                    try
                    {
                        outcome = Outcome.Of(expression.Type.Kind switch
                        {
                            ValueKind.Flag => Value.Of(figures.Single(f => f.Figure == "left out").Rows == 0),
                            ValueKind.Text => Value.Of(figures.Single(f => f.Figure == "group").Group ?? ""),
                            _ => Value.Of(SqlStage.Exact("total", figures.Single(f => f.Figure == "total").Amount!)),
                        });
                    }
                    catch (FigureException)
                    {
                        // The database kept more than 28 significant digits where the language rounds (at decimal's
                        // extremes): the engine refuses such a figure (VBC4052) rather than settle on either.
                        refused++;
                        continue;
                    }
                }
                run++;
                if (!outcome.Matches(row.Expected))
                {
                    failures.Add($"{c} line {row.Line}: {c.Expression}: DuckDB {outcome}, expected {row.Expected}");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(run > 0 || refused > 0 || !cases.Any(c => c.Errors.Count == 0 && !c.IsTable && c.Names.Count > 0), $"{file}: no case ran");
    }

    /// <summary>A program whose one figure is the expression: a total, the population step, or the group key.</summary>
    private static MemberProgram Program(ExpressionCase c, IrExpression e)
    {
        var reads = c.Names.Select(n => new IrColumn(n.Name, n.Type)).ToEquatableArray();
        var none = EquatableArray<IrTotal>.Empty;
        return e.Type.Kind switch
        {
            ValueKind.Flag => new MemberProgram("data", true, EquatableArray<IrJoin>.Empty, reads, null, null,
                new PopulationStep[] { new IncludeWhen(e) }.ToEquatableArray(), new CostBasis(EquatableArray<IrColumn>.Empty, EquatableArray<IrColumn>.Empty),
                null, EquatableArray<RowCheck>.Empty, none, EquatableArray<IrGroup>.Empty),
            ValueKind.Text => new MemberProgram("data", true, EquatableArray<IrJoin>.Empty, reads, null, null,
                EquatableArray<PopulationStep>.Empty, new CostBasis(EquatableArray<IrColumn>.Empty, EquatableArray<IrColumn>.Empty),
                null, new RowCheck[] { new Computes(e) }.ToEquatableArray(), none, new[] { new IrGroup("case", "value", e, null) }.ToEquatableArray()),
            _ => new MemberProgram("data", true, EquatableArray<IrJoin>.Empty, reads, null, null,
                EquatableArray<PopulationStep>.Empty, new CostBasis(EquatableArray<IrColumn>.Empty, EquatableArray<IrColumn>.Empty),
                null, new RowCheck[] { new Computes(e) }.ToEquatableArray(), new[] { new IrTotal("case", "value", e, null) }.ToEquatableArray(), EquatableArray<IrGroup>.Empty),
        };
    }

    /// <summary>The relation 'members' holding one row: the case's values, exactly typed (DECIMAL of the value's own digits).</summary>
    private static void Load(DuckDBConnection connection, ExpressionCase c, IReadOnlyList<Value> values)
    {
        var columns = c.Names.Select((n, k) =>
        {
            var v = values[k];
            string literal = n.Type.Kind switch
            {
                ValueKind.Flag => v.Flag ? "TRUE" : "FALSE",
                ValueKind.Text => DuckDbValues.Literal(v.Text),
                ValueKind.Date => $"DATE '{v.Date:yyyy-MM-dd}'",
                _ => Decimal(v.Number),
            };
            return $"{literal} AS {DuckDbValues.Quote(n.Name)}";
        });
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE OR REPLACE TABLE members AS SELECT {string.Join(", ", columns)}";
        command.ExecuteNonQuery();
    }

    private static string Decimal(decimal value)
    {
        string text = value.ToString(CultureInfo.InvariantCulture);
        int scale = value.Scale;
        int digits = text.TrimStart('-').Replace(".", "", StringComparison.Ordinal).Length;
        return $"CAST('{text}' AS DECIMAL({Math.Max(digits, scale + 1)}, {scale}))";
    }
}
