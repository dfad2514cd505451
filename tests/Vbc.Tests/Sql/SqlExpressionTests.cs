using System.Globalization;
using DuckDB.NET.Data;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.MemberLevel;
using Vbc.Operators;
using Vbc.Semantics;
using Vbc.Sql;
using Vbc.Tests.Expressions;
using Vbc.Tests.Infrastructure;
using Vbc.Text;
using RowProblem = Vbc.Operators.RowProblem;

namespace Vbc.Tests.Sql;

/// <summary>
/// The SQL compiler's per-row expressions EXECUTED by DuckDB (in process): every case of the expression test files
/// (tests/expressions), and generated divisions with hard quotients, give the language's value or problem to the digit.
/// </summary>
public class SqlExpressionTests
{
    private static readonly DuckDbExpressionBackend Backend = new();

    /// <summary>
    /// Rows DuckDB cannot give as the language does, each with why (docs/sql.md, "Exactness"). The test checks that each
    /// still differs, so the list cannot go stale; every other row must agree.
    /// </summary>
    private static readonly Dictionary<string, string> KnownDifferences = new()
    {
        // + - * are exact in the database: vbc rounds a result of more than 28-29 significant digits, DuckDB keeps them.
        ["arithmetic.txt:112"] = "a sum beyond 29 digits, rounded by vbc, exact in DuckDB",
        ["division.txt:39"] = "a product beyond 28 places, rounded by vbc, exact in DuckDB",
        ["division.txt:40"] = "a product beyond 28 places, rounded by vbc, exact in DuckDB",
        ["division.txt:41"] = "a product beyond 28 places, rounded by vbc, exact in DuckDB",
        ["division.txt:45"] = "a sum beyond 29 digits, rounded by vbc, exact in DuckDB",
        ["division.txt:46"] = "a sum beyond 29 digits, rounded by vbc, exact in DuckDB",
        ["division.txt:47"] = "a sum beyond 29 digits, rounded by vbc, exact in DuckDB",
        // DuckDB holds a quotient as DECIMAL(38, 28): a quotient of ten billion or more stops the query (an error).
        ["division.txt:16"] = "a quotient above ten billion: DuckDB stops the query with an overflow error",
        ["division.txt:65"] = "a quotient above ten billion: DuckDB stops the query with an overflow error",
    };

    public static IEnumerable<object[]> Cases() => ExpressionFileTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Duckdb_gives_each_rows_value_or_problem(string id)
    {
        string file = id[..id.LastIndexOf(':')];
        var c = ExpressionFile.Parse(file, File.ReadAllText(Golden.PathOf("tests", "expressions", file))).Single(x => x.ToString() == id);
        var bound = Backend.Bind(c);
        Assert.Equal(c.Errors.Order(StringComparer.Ordinal), bound.ErrorCodes);
        if (c.Errors.Count > 0)
        {
            return;
        }
        var outcomes = Backend.Run(c, bound);
        var failures = new List<string>();
        for (int i = 0; i < c.Rows.Count; i++)
        {
            string row = $"{file}:{c.Rows[i].Line}";
            bool agrees = outcomes[i].Matches(c.Rows[i].Expected);
            if (KnownDifferences.TryGetValue(row, out var why))
            {
                if (agrees)
                {
                    failures.Add($"{row}: listed as a known difference ({why}) but agrees now: take it off the list");
                }
            }
            else if (!agrees)
            {
                failures.Add($"{row}: {outcomes[i]}, expected {c.Rows[i].Expected}");
            }
        }
        Assert.True(failures.Count == 0, $"{id}: {c.Expression}\n" + string.Join("\n", failures));
    }

    /// <summary>
    /// Generated divisions over columns typed as a user would declare them (DECIMAL(18, 2) money, DECIMAL(18, 6),
    /// DECIMAL(28, 10)...): repeating decimals, quotients that end exactly half way at the 28th place (ties to even),
    /// negatives, tiny and 29-digit quotients, division by zero and overflow, each compared with the language's own
    /// division (Operators.Arithmetic.Divide) to the digit.
    /// </summary>
    [Theory]
    [InlineData(18, 2, 18, 2)]
    [InlineData(18, 6, 18, 6)]
    [InlineData(28, 10, 18, 4)]
    [InlineData(29, 0, 29, 0)]
    [InlineData(29, 28, 12, 0)]
    [InlineData(9, 2, 29, 28)]
    public void Generated_divisions_agree_with_the_language_to_the_digit(int widthA, int scaleA, int widthB, int scaleB)
    {
        var random = new Random(widthA * 1000 + scaleA * 100 + widthB * 10 + scaleB);
        var pairs = new List<(decimal A, decimal B)>();
        decimal Draw(int width, int scale)
        {
            // A random number of digits (up to the width, and what decimal holds), at the column's scale.
            int digits = random.Next(1, Math.Min(width, 28) + 1);
            var text = new char[digits];
            for (int k = 0; k < digits; k++)
            {
                text[k] = (char)('0' + random.Next(10));
            }
            decimal mantissa = decimal.Parse(new string(text), CultureInfo.InvariantCulture);
            decimal value = mantissa / Pow10(scale);
            return random.Next(4) == 0 ? -value : value;
        }
        for (int i = 0; i < 400; i++)
        {
            pairs.Add((Draw(widthA, scaleA), Draw(widthB, scaleB)));
        }
        decimal unitA = 1 / Pow10(scaleA), unitB = 1 / Pow10(scaleB);
        // Hard cases: divisors 3, 7, 9, 11 (repeating), 2, 4, 8, 16, 32 (ties at the last place kept), 0, the unit.
        foreach (var d in new[] { 3m, 7m, 9m, 11m, 2m, 4m, 8m, 16m, 32m, 0m, -3m, -8m })
        {
            foreach (var a in new[] { unitA, 5 * unitA, -unitA, 7 * unitA, 1m, 2m, 10m, 99999m, 123456789.25m })
            {
                if (Fits(a, widthA, scaleA) && Fits(d, widthB, scaleB))
                {
                    pairs.Add((a, d));
                }
            }
        }
        pairs.Add((unitA, unitB));
        pairs.Add((-unitA, unitB));
        pairs.Add((Largest(widthA, scaleA), unitB));
        pairs.Add((Largest(widthA, scaleA), -Largest(widthB, scaleB)));
        pairs.Add((unitA, Largest(widthB, scaleB)));

        // DuckDB holds a quotient as DECIMAL(38, 28): one of ten billion or more stops the query (tested below).
        var expected = pairs.Select(p =>
        {
            var problem = RowProblem.None;
            try
            {
                return (Value: Arithmetic.Divide(p.A, p.B, ref problem), Problem: problem);
            }
            catch (OverflowException)
            {
                return (Value: 0m, Problem: RowProblem.Overflow);
            }
        }).ToList();
        var kept = Enumerable.Range(0, pairs.Count).Where(i => Math.Abs(expected[i].Value) < 10_000_000_000m).ToList();
        Assert.True(kept.Count > 150, $"only {kept.Count} pairs kept");

        var results = RunDivision(kept.Select(i => pairs[i]).ToList(), $"DECIMAL({widthA}, {scaleA})", $"DECIMAL({widthB}, {scaleB})");
        var failures = new List<string>();
        for (int j = 0; j < kept.Count; j++)
        {
            var (a, b) = pairs[kept[j]];
            var (value, problem) = expected[kept[j]];
            var (text, number) = results[j];
            var want = problem switch
            {
                RowProblem.DivisionByZero => "problem 1",
                RowProblem.Overflow => "problem 2",
                _ => null,
            };
            if (want is not null ? number != want : !SameNumber(text, value))
            {
                failures.Add($"{a} / {b}: DuckDB {text} {number}, the language {value} {problem}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void A_quotient_duckdb_cannot_hold_stops_the_query_rather_than_round()
    {
        var e = Assert.ThrowsAny<Exception>(() => RunDivision(new List<(decimal, decimal)> { (100_000_000_000m, 3m) }, "DECIMAL(18, 2)", "DECIMAL(18, 2)"));
        Assert.Contains("verflow", e.Message + e.InnerException?.Message, StringComparison.Ordinal);
    }

    private static decimal Pow10(int k)
    {
        decimal p = 1;
        for (int i = 0; i < k; i++)
        {
            p *= 10;
        }
        return p;
    }

    private static decimal Largest(int width, int scale) => (Pow10(Math.Min(width, 28)) - 1) / Pow10(scale);

    private static bool Fits(decimal value, int width, int scale) =>
        decimal.Round(value, scale) == value && (width - scale > 28 || Math.Abs(value) < Pow10(width - scale));

    private static bool SameNumber(string? text, decimal value) =>
        text is not null && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
        && parsed == value && Trim(text) == Trim(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>A number's text without trailing zeros after its point: 2.500 and 2.5 are the same digits.</summary>
    internal static string Trim(string text) => text.Contains('.') ? text.TrimEnd('0').TrimEnd('.') : text;

    /// <summary>a / b per row through the compiler's division, on columns of the given SQL types.</summary>
    private static List<(string? Text, string? Problem)> RunDivision(List<(decimal A, decimal B)> pairs, string typeA, string typeB)
    {
        var number = new Vbc.Semantics.ValueType(ValueKind.Number, default, default);
        var a = new IrColumn("a", number);
        var b = new IrColumn("b", number);
        var division = new IrBinary(Syntax.BinaryOperator.Divide, a, b, number,
            new Vbc.MemberLevel.RowProblem(RowProblem.DivisionByZero, 1), new Vbc.MemberLevel.RowProblem(RowProblem.Overflow, 2));
        var query = SqlCompiler.CompileExpression(division, SqlDialect.DuckDb, "row_no", new Location("generated", 1, 1));
        Assert.Empty(query.Diagnostics);
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            var values = pairs.Select((p, i) => $"({i}, '{p.A.ToString(CultureInfo.InvariantCulture)}', '{p.B.ToString(CultureInfo.InvariantCulture)}')");
            create.CommandText = $"CREATE TABLE members AS SELECT row_no, CAST(a AS {typeA}) AS a, CAST(b AS {typeB}) AS b FROM (VALUES {string.Join(", ", values)}) AS t(row_no, a, b)";
            create.ExecuteNonQuery();
        }
        var results = new List<(string?, string?)>();
        using var command = connection.CreateCommand();
        command.CommandText = query.Sql!;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            results.Add((reader.IsDBNull(0) ? null : reader.GetString(0), reader.IsDBNull(1) ? null : "problem " + reader.GetValue(1)));
        }
        return results;
    }
}

/// <summary>
/// A per-row expression compiled by <see cref="SqlCompiler"/> and executed by DuckDB: the names are columns of
/// <c>members</c>; each row is loaded on its own, each value in the narrowest DECIMAL that holds it exactly (any decimal
/// fits DECIMAL(29, s)), and a DuckDB error is the row's outcome (as text, which matches no expected value).
/// </summary>
public sealed class DuckDbExpressionBackend : IExpressionBackend
{
    public string Name => "DuckDB query";

    public BoundCase Bind(ExpressionCase c) => CaseContract.Bind(c, namesAreColumns: true);

    public IReadOnlyList<Outcome> Run(ExpressionCase c, BoundCase bound)
    {
        var expression = bound.Expression!;
        var columns = new List<CaseName>();
        if (expression is BoundTableLookup lookup)
        {
            // As the member-level stage runs a lookup by a column (KernelBackend does the same).
            var name = c.Names[0];
            var column = new ColumnSymbol(name.Name, name.Type, name.TypeWord, default);
            expression = lookup with { Key = new BoundName(column, lookup.Key.Syntax), Level = EvaluationLevel.Member };
            columns.Add(name);
        }
        else
        {
            columns.AddRange(c.Names.Where(n => bound.Contract.Columns.Any(col => string.Equals(col.Name, n.Name, StringComparison.OrdinalIgnoreCase))));
        }
        IrExpression lowered;
        try
        {
            lowered = MemberLevelLowering.LowerExpression(expression, bound.Contract.Source, CaseContract.Resolver(c, []));
        }
        catch (EvaluationException e) when (e.Problem != RowProblem.None && expression.Level != EvaluationLevel.Member)
        {
            // Worked out once, before any row, as every backend does.
            return c.Rows.Select(_ => Outcome.Of(e.Problem)).ToList();
        }
        var problems = MemberLevelLowering.ProblemsOf(lowered);
        var query = SqlCompiler.CompileExpression(lowered, SqlDialect.DuckDb, "row_no", new Location(c.ToString(), 1, 1));
        if (query.Sql is null)
        {
            return c.Rows.Select(_ => Outcome.Of(Value.Of("not compiled: " + string.Join(" ", query.Diagnostics)))).ToList();
        }
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var outcomes = new List<Outcome>();
        foreach (var row in c.Rows)
        {
            try
            {
                using (var create = connection.CreateCommand())
                {
                    var select = new List<string> { "1 AS row_no" };
                    select.AddRange(columns.Select(n => $"{SqlValue(row.Values[CaseContract.Index(c, n.Name)])} AS \"{n.Name}\""));
                    create.CommandText = $"CREATE OR REPLACE TABLE members AS SELECT {string.Join(", ", select)}";
                    create.ExecuteNonQuery();
                }
                using var command = connection.CreateCommand();
                command.CommandText = query.Sql;
                using var reader = command.ExecuteReader();
                Assert.True(reader.Read());
                if (!reader.IsDBNull(1))
                {
                    int number = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
                    outcomes.Add(Outcome.Of(problems.Single(p => p.Number == number).Kind));
                    continue;
                }
                outcomes.Add(Outcome.Of(Read(reader.GetString(0), expression.Type.Kind)));
            }
            catch (DuckDBException e)
            {
                outcomes.Add(Outcome.Of(Value.Of("DuckDB error: " + e.Message)));
            }
        }
        return outcomes;
    }

    /// <summary>A value as a typed SQL literal: a number in the narrowest DECIMAL that holds it.</summary>
    private static string SqlValue(Value value) => value.Kind switch
    {
        ValueKind.Number => $"CAST('{value.Number.ToString(CultureInfo.InvariantCulture)}' AS DECIMAL({Math.Max(Math.Max(Digits(value.Number), value.Number.Scale), 1)}, {value.Number.Scale}))",
        ValueKind.Flag => value.Flag ? "TRUE" : "FALSE",
        ValueKind.Date => $"DATE '{value.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'",
        _ => "CAST('" + value.Text.Replace("'", "''") + "' AS VARCHAR)",
    };

    /// <summary>The digits of a decimal's 96-bit whole number (its value times 10^scale).</summary>
    private static int Digits(decimal number) =>
        number.ToString(CultureInfo.InvariantCulture).TrimStart('-').Replace(".", "").TrimStart('0').Length;

    /// <summary>The value DuckDB gave, or its text when it is not a decimal exactly (more digits than one holds).</summary>
    private static Value Read(string text, ValueKind kind)
    {
        switch (kind)
        {
            case ValueKind.Flag:
                return Value.Of(text == "true");
            case ValueKind.Text:
                return Value.Of(text);
            case ValueKind.Date:
                return Value.Of(DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture));
            default:
                // DuckDB writes a DECIMAL below 1 without its leading zero (.25).
                text = text.StartsWith('.') ? "0" + text : text.StartsWith("-.", StringComparison.Ordinal) ? "-0" + text[1..] : text;
                bool exact = decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    && SqlExpressionTests.Trim(number.ToString(CultureInfo.InvariantCulture)) == SqlExpressionTests.Trim(text);
                return exact ? Value.Of(number) : Value.Of("not a decimal exactly: " + text);
        }
    }
}
