using System.Globalization;
using DuckDB.NET.Data;
using Vbc.Data;
using Vbc.MemberStage;
using Vbc.Parsing;
using Vbc.Plugins;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Examples;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Sql;

/// <summary>
/// vbc sql: the golden query per dialect of every example with one table (tests/baselines/sql/NAME.DIALECT.sql), the
/// refusal of a contract with several tables, and the differential test: the DuckDB query EXECUTED on the example's
/// seed CSV (loaded with DECIMAL columns) gives every figure of the in-memory member-level stage, exactly.
/// </summary>
public class SqlBackendTests
{
    private static IEnumerable<string> Examples() =>
        Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Golden.RepositoryRoot, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal);

    public static TheoryData<string> Contracts() => new(Examples());

    public static TheoryData<string> SingleTableContracts() => new TheoryData<string>(Examples().Where(c => DataFile(c) is not null));

    [Theory]
    [MemberData(nameof(Contracts))]
    public void The_query_of_each_dialect_matches_its_golden(string contract)
    {
        foreach (var dialect in new[] { "duckdb", "postgres" })
        {
            var result = CliRunner.Run(new[] { "sql", contract, "--dialect", dialect }.Concat(StageBaselineTests.RunArguments(contract)).ToArray());
            if (DataFile(contract) is null)
            {
                // Several tables, or no data at all: a clear refusal, and no query.
                Assert.Equal(1, result.ExitCode);
                Assert.Contains(ReadsData(contract) ? "error VBC4040" : "error VBC4042", result.Error);
                Assert.Equal("", result.Output);
                continue;
            }
            Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Error}");
            Assert.Equal("", result.Error);
            string name = contract["contracts/".Length..^".vbc".Length].Replace('/', '-');
            Golden.Verify($"tests/baselines/sql/{name}.{dialect}.sql", result.Output);
        }
    }

    [Theory]
    [MemberData(nameof(SingleTableContracts))]
    public void The_duckdb_query_agrees_with_the_in_memory_stage_exactly(string contract) =>
        AgreesWithTheEngine(contract, Golden.PathOf(DataFile(contract)!), StageBaselineTests.RunArguments(contract).ToList());

    [Fact]
    public void The_duckdb_query_agrees_on_edge_cases_ties_at_the_percentile_zero_months_exclusions_and_problem_rows()
    {
        // Ties at the 99th percentile's ranks, a member with 0 months, an ESRD and an unattributed row, negative
        // and zero costs, and two problem rows (a risk score of 0 and a negative one: VBC4013 in vbc settle).
        var lines = new List<string> { "member_id,member_months,risk_score,attributed,esrd,inpatient,outpatient,professional,pharmacy,snf,home_health" };
        for (int i = 0; i < 230; i++)
        {
            decimal cost = i % 7 == 0 ? 5000.25m : i * 13.37m;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"M{i:D4},{(i % 11 == 0 ? 0 : 12)},{0.5m + i % 5 * 0.125m},{(i % 13 == 0 ? 0 : 1)},{(i % 17 == 0 ? 1 : 0)},{cost},0.10,{(i % 19 == 0 ? -25.5m : 1.01m)},0,0,0"));
        }
        lines.Add("X0001,12,0,1,0,100.00,0,0,0,0,0");
        lines.Add("X0002,12,-1.5,1,0,200.00,0,0,0,0,0");
        string data = Path.Combine(Path.GetTempPath(), $"vbc-sql-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(data, lines);
        try
        {
            var figures = AgreesWithTheEngine("contracts/mssp-basic-a.vbc", data, StageBaselineTests.RunArguments("contracts/mssp-basic-a.vbc").ToList());
            Assert.Equal(2, figures.Rows("problem rows"));
            Assert.Equal(2, figures.Rows("problem", key: "2"));
        }
        finally
        {
            File.Delete(data);
        }
    }

    private static Figures AgreesWithTheEngine(string contract, string data, List<string> run)
    {
        var sql = CliRunner.Run(new[] { "sql", contract, "--dialect", "duckdb" }.Concat(run).ToArray());
        Assert.True(sql.ExitCode == 0, $"exit {sql.ExitCode}\n{sql.Error}");

        // The in-memory engine's member-level stage over the same file, for the same run.
        var bound = PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf(contract)));
        var inputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int? year = null;
        for (int i = 0; i + 1 < run.Count; i += 2)
        {
            if (run[i] == "--year")
            {
                year = int.Parse(run[i + 1], CultureInfo.InvariantCulture);
            }
            else
            {
                var pair = run[i + 1].Split('=', 2);
                inputs[pair[0]] = pair[1];
            }
        }
        var (ir, lowered, failed) = SettlementEngine.LowerMemberLevel(bound, new SettlementRequest { Year = year, Inputs = inputs });
        Assert.Null(failed);
        var table = lowered.Single();
        var specs = bound.Columns.Select(ColumnSpec.From).ToList();
        using var source = new CsvMemberSource(data);
        Assert.DoesNotContain(source.Open(specs), d => d.IsError);
        var runner = new MemberStageRunner(table, specs, data, leaveOutBadRows: false);
        foreach (var batch in source.Batches())
        {
            runner.Add(batch);
        }
        var engine = runner.Finish();
        var population = engine.Population;

        var figures = RunDuckDb(sql.Output, data, bound.Columns);
        Assert.Equal(population.RowsRead, figures.Rows("rows read"));
        Assert.Equal(population.Members, figures.Rows("members"));
        Assert.Equal(population.MemberMonths, figures.Amount("member months"));
        Assert.Equal(population.InputCost, figures.Amount("input cost"));
        var program = ir!.Tables.Single();
        for (int k = 0; k < program.Population.Count; k++)
        {
            string step = (k + 1).ToString(CultureInfo.InvariantCulture);
            Assert.Equal(population.Exclusions[k].Rows, figures.Rows("left out", key: step));
            Assert.Equal(population.Exclusions[k].Cost, figures.Amount("left out", key: step));
        }
        // Rows with a problem: what vbc settle refuses (VBC4013), with their count and cost.
        var problemRows = population.Exclusions.Skip(program.Population.Count).SingleOrDefault();
        Assert.Equal(problemRows?.Rows ?? 0, figures.Rows("problem rows"));
        Assert.Equal(problemRows?.Cost ?? 0, figures.Amount("problem rows"));
        Assert.Equal(engine.Problems.Count, figures.All.Where(r => r.Figure == "problem").Sum(r => r.Rows));
        Assert.Equal(population.CarvedOut, figures.Amount("carved out"));
        if (population.TruncationThreshold is { } threshold)
        {
            Assert.Equal(threshold, figures.Amount("truncation threshold"));
        }
        Assert.Equal(population.MembersTruncated, figures.Rows("truncated"));
        Assert.Equal(population.TruncatedExcess, figures.Amount("truncated"));
        Assert.Equal(population.CountedCost, figures.Amount("counted cost"));
        for (int k = 0; k < program.Totals.Count; k++)
        {
            var total = program.Totals[k];
            Assert.Equal(engine.Totals[(table.Map.Totals[k].Owner, total.Key)], figures.Amount("total", total.Clause, total.Key));
        }
        for (int k = 0; k < program.Groups.Count; k++)
        {
            var group = program.Groups[k];
            var expected = engine.Groups[(table.Map.Groups[k].Owner, group.Key)];
            var actual = figures.Groups(group.Clause, group.Key);
            Assert.Equal(expected.Select(g => (g.Group, g.Sum, g.Count)), actual);
        }
        return figures;
    }

    [Fact]
    public void A_division_per_member_is_refused_rather_than_rounded_by_the_database()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vbc-sql-{Guid.NewGuid():N}.vbc");
        File.WriteAllText(file, File.ReadAllText(Golden.PathOf("contracts/mssp-basic-a.vbc"))
            .Replace("risk score: risk_score", "risk score: risk_score / 2"));
        try
        {
            Assert.Contains("risk_score / 2", File.ReadAllText(file));
            var result = CliRunner.Run("sql", file, "--dialect", "postgres", "--input", "quality_score=92%", "--input", "assigned_beneficiaries=9139");
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("error VBC4041", result.Error);
            Assert.Contains("division", result.Error);
            Assert.Equal("", result.Output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Whether the example's IR has member-level work (stage golden tests/baselines/stages/NAME.ir.txt).</summary>
    private static bool ReadsData(string contract) =>
        !File.ReadAllText(Golden.PathOf("tests", "baselines", "stages", contract["contracts/".Length..^".vbc".Length].Replace('/', '-') + ".ir.txt"))
            .StartsWith("no member-level work", StringComparison.Ordinal);

    /// <summary>The single data file of the example's header command, or null when it has several tables or none.</summary>
    private static string? DataFile(string contract)
    {
        const string marker = "// Settle the example: vbc ";
        var line = File.ReadLines(Golden.PathOf(contract)).FirstOrDefault(l => l.StartsWith(marker, StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }
        var args = CliRunner.Split(line[marker.Length..]);
        var data = args.Select((a, i) => (a, i)).Where(p => p.a == "--data").Select(p => args[p.i + 1]).ToList();
        return data.Count == 1 && !data[0].Contains('=') ? data[0] : null;
    }

    /// <summary>Loads the CSV as the relation 'members' (the contract's columns, numbers as DECIMAL) and runs the query.</summary>
    private static Figures RunDuckDb(string query, string csv, IEnumerable<ColumnSymbol> columns)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var select = columns.Select(c => c.Type.Kind switch
        {
            ValueKind.Number => $"CAST(\"{c.Name}\" AS DECIMAL(18, 6)) AS \"{c.Name}\"",
            ValueKind.Flag => $"lower(\"{c.Name}\") IN ('1', 'true', 'yes') AS \"{c.Name}\"",
            ValueKind.Date => $"CAST(\"{c.Name}\" AS DATE) AS \"{c.Name}\"",
            _ => $"\"{c.Name}\"",
        });
        using (var load = connection.CreateCommand())
        {
            load.CommandText = $"CREATE TABLE members AS SELECT {string.Join(", ", select)} FROM read_csv('{csv.Replace("'", "''")}', header = true, all_varchar = true)";
            load.ExecuteNonQuery();
        }
        var rows = new List<(string Figure, string? Clause, string? Key, string? Group, long? Rows, decimal? Amount)>();
        using var command = connection.CreateCommand();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetValue(i).ToString();
            rows.Add((Text(0)!, Text(1), Text(2), Text(3),
                reader.IsDBNull(4) ? null : Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture),
                reader.IsDBNull(5) ? null : decimal.Parse(Text(5)!, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
        return new Figures(rows);
    }

    private sealed record Figures(List<(string Figure, string? Clause, string? Key, string? Group, long? Rows, decimal? Amount)> All)
    {
        private (string Figure, string? Clause, string? Key, string? Group, long? Rows, decimal? Amount) One(string figure, string? clause, string? key) =>
            All.Single(r => r.Figure == figure && r.Clause == clause && r.Key == key);

        public long? Rows(string figure, string? clause = null, string? key = null) => One(figure, clause, key).Rows;

        public decimal? Amount(string figure, string? clause = null, string? key = null) => One(figure, clause, key).Amount;

        public IEnumerable<(string, decimal, long)> Groups(string clause, string key) => All
            .Where(r => r.Figure == "group" && r.Clause == clause && r.Key == key)
            .OrderBy(r => r.Group, StringComparer.Ordinal)
            .Select(r => (r.Group!, r.Amount!.Value, r.Rows!.Value));
    }
}
