using System.Globalization;
using DuckDB.NET.Data;
using Vbc.Data;
using Vbc.MemberLevel;
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
        foreach (var dialect in new[] { "duckdb", "postgres", "spark" })
        {
            var result = CliRunner.Run(new[] { "sql", contract, "--dialect", dialect }.Concat(StageBaselineTests.RunArguments(contract)).ToArray());
            if (!ReadsData(contract))
            {
                // No data at all: a clear refusal, and no query.
                Assert.Equal(1, result.ExitCode);
                Assert.Contains("error VBC4042", result.Error);
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

    private static Figures AgreesWithTheEngine(string contract, string data, List<string> run, string? groupBy = null)
    {
        var arguments = new[] { "sql", contract, "--dialect", "duckdb" }.Concat(run).ToList();
        if (groupBy is not null)
        {
            arguments.AddRange(new[] { "--group-by", groupBy });
        }
        var sql = CliRunner.Run(arguments.ToArray());
        Assert.True(sql.ExitCode == 0, $"exit {sql.ExitCode}\n{sql.Error}");

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
        var byOrganisation = RunDuckDb(sql.Output, data, bound.Columns, grouped: groupBy is not null);
        if (groupBy is null)
        {
            var figures = byOrganisation[""];
            CompareWithTheEngine(bound, lowered.Single(), data, figures);
            return figures;
        }

        // Each organisation as if settled alone: the in-memory stage over that organisation's rows only.
        var lines = File.ReadAllLines(data);
        int column = Array.IndexOf(lines[0].Split(','), groupBy);
        Assert.True(column >= 0, $"{data} has no column {groupBy}");
        var organisations = lines.Skip(1).GroupBy(l => l.Split(',')[column], StringComparer.Ordinal).ToList();
        Assert.Equal(organisations.Select(g => g.Key).Order(StringComparer.Ordinal), byOrganisation.Keys.Order(StringComparer.Ordinal));
        foreach (var organisation in organisations)
        {
            string part = Path.Combine(Path.GetTempPath(), $"vbc-sql-{Guid.NewGuid():N}.csv");
            File.WriteAllLines(part, organisation.Prepend(lines[0]));
            try
            {
                CompareWithTheEngine(bound, lowered.Single(), part, byOrganisation[organisation.Key]);
            }
            finally
            {
                File.Delete(part);
            }
        }
        return byOrganisation.Values.First();
    }

    /// <summary>Every figure of the query equals the in-memory member-level stage's over the file, exactly.</summary>
    private static void CompareWithTheEngine(BoundContract bound, LoweredTable table, string data, Figures figures)
    {
        var specs = bound.Tables.Single(t => t.Name == table.Program.Table).Columns.Select(ColumnSpec.From).ToList();
        using var source = new CsvMemberSource(data);
        Assert.DoesNotContain(source.Open(specs), d => d.IsError);
        var runner = new MemberStageRunner(table, specs, data, leaveOutBadRows: false);
        foreach (var batch in source.Batches())
        {
            runner.Add(batch);
        }
        var engine = runner.Finish();
        var population = engine.Population;

        Assert.Equal(population.RowsRead, figures.Rows("rows read"));
        Assert.Equal(population.Members, figures.Rows("members"));
        Assert.Equal(population.MemberMonths, figures.Amount("member months"));
        Assert.Equal(population.InputCost, figures.Amount("input cost"));
        var program = table.Program;
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
    }

    [Fact]
    public void Several_tables_each_table_agrees_with_the_in_memory_stage_and_its_unmatched_rows_with_vbc_settle()
    {
        const string contract = "contracts/bundle-bpci-members.vbc";
        var files = new Dictionary<string, string> { ["members"] = Golden.PathOf("seeds/members.csv"), ["episodes"] = Golden.PathOf("seeds/episodes.csv") };
        // A copy of the episodes with two rows whose member is in no row of the members: reported, still counted.
        string episodes = Path.Combine(Path.GetTempPath(), $"vbc-sql-{Guid.NewGuid():N}.csv");
        var lines = File.ReadAllLines(files["episodes"]).ToList();
        lines.Add("E9999998,M99999998,ACO-01,CHF,2024-03-01,1234.56,0");
        lines.Add("E9999999,M99999999,ACO-02,LEJR,2024-04-01,7000.01,0");
        File.WriteAllLines(episodes, lines);
        files["episodes"] = episodes;
        try
        {
            var sql = CliRunner.Run("sql", contract, "--dialect", "duckdb");
            Assert.True(sql.ExitCode == 0, $"exit {sql.ExitCode}\n{sql.Error}");
            var bound = PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf(contract)));
            var (ir, lowered, failed) = SettlementEngine.LowerMemberLevel(bound, new SettlementRequest());
            Assert.Null(failed);
            var byTable = RunDuckDb(sql.Output, files, bound);
            Assert.Equal(ir!.Tables.Select(t => t.Table).Order(StringComparer.Ordinal), byTable.Keys.Order(StringComparer.Ordinal));
            foreach (var table in lowered)
            {
                CompareWithTheEngine(bound, table, files[table.Program.Table], byTable[table.Program.Table]);
            }

            // The episodes' rows and dollars, and those whose member is in no row of the members: as vbc settle's table summary.
            var settle = CliRunner.Run("settle", contract, "--data", $"members={files["members"]}", "--data", $"episodes={episodes}", "--format", "json");
            using var json = System.Text.Json.JsonDocument.Parse(settle.Output);
            var summary = Find(json.RootElement, "tables")!.Value.EnumerateArray().Single(t => t.GetProperty("table").GetString() == "episodes");
            var figures = byTable["episodes"];
            Assert.Equal(2, figures.Rows("unmatched", key: "member_id"));
            Assert.Equal(summary.GetProperty("unmatchedRows").GetInt64(), figures.Rows("unmatched", key: "member_id"));
            // Exact decimals are written as JSON strings.
            decimal Exact(string name) => decimal.Parse(summary.GetProperty(name).GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.Equal(Exact("unmatchedDollars"), figures.Amount("unmatched", key: "member_id"));
            Assert.Equal(1234.56m + 7000.01m, figures.Amount("unmatched", key: "member_id"));
            Assert.Equal(summary.GetProperty("rows").GetInt64(), figures.Rows("table dollars"));
            Assert.Equal(Exact("dollars"), figures.Amount("table dollars"));
        }
        finally
        {
            File.Delete(episodes);
        }
    }

    private static System.Text.Json.JsonElement? Find(System.Text.Json.JsonElement element, string name)
    {
        if (element.ValueKind == System.Text.Json.JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == name)
                {
                    return property.Value;
                }
                if (Find(property.Value, name) is { } found)
                {
                    return found;
                }
            }
        }
        return null;
    }

    [Fact]
    public void Grouping_several_tables_by_organisation_is_refused()
    {
        var result = CliRunner.Run("sql", "contracts/bundle-bpci-members.vbc", "--dialect", "postgres", "--group-by", "member_id");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error VBC4044", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void Grouped_by_organisation_each_organisation_has_the_figures_of_its_rows_settled_alone()
    {
        // The seed members of three organisations; the organisation column declared as text in the contract's data.
        string file = Path.Combine(Path.GetTempPath(), $"vbc-sql-{Guid.NewGuid():N}.vbc");
        File.WriteAllText(file, File.ReadAllText(Golden.PathOf("contracts/mssp-basic-a.vbc"))
            .Replace("  risk_score: ratio", "  risk_score: ratio\n  organisation_id: text"));
        try
        {
            Assert.Contains("organisation_id: text", File.ReadAllText(file));
            AgreesWithTheEngine(file, Golden.PathOf("seeds/members.csv"), StageBaselineTests.RunArguments("contracts/mssp-basic-a.vbc").ToList(), groupBy: "organisation_id");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Grouped_by_organisation_with_a_fixed_cap_and_groups_each_organisation_agrees()
    {
        // partial capitation: a fixed stop-loss amount, carve-outs and a total above an attachment point, per organisation.
        string file = Path.Combine(Path.GetTempPath(), $"vbc-sql-{Guid.NewGuid():N}.vbc");
        var text = File.ReadAllText(Golden.PathOf("contracts/partial-capitation.vbc"));
        File.WriteAllText(file, text.Replace("  member_months: member_months", "  member_months: member_months\n  organisation_id: text"));
        try
        {
            Assert.Contains("organisation_id: text", File.ReadAllText(file));
            AgreesWithTheEngine(file, Golden.PathOf(DataFile("contracts/partial-capitation.vbc")!), StageBaselineTests.RunArguments("contracts/partial-capitation.vbc").ToList(), groupBy: "organisation_id");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Grouping_by_a_column_the_data_does_not_declare_as_text_is_refused()
    {
        var run = StageBaselineTests.RunArguments("contracts/mssp-basic-a.vbc").ToList();
        var missing = CliRunner.Run(new[] { "sql", "contracts/mssp-basic-a.vbc", "--dialect", "duckdb", "--group-by", "organisation_id" }.Concat(run).ToArray());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error VBC4043", missing.Error);
        Assert.Contains("declares no column 'organisation_id'", missing.Error);
        var number = CliRunner.Run(new[] { "sql", "contracts/mssp-basic-a.vbc", "--dialect", "duckdb", "--group-by", "risk_score" }.Concat(run).ToArray());
        Assert.Equal(1, number.ExitCode);
        Assert.Contains("error VBC4043", number.Error);
        Assert.Contains("not text", number.Error);
        Assert.Equal("", number.Output);
    }

    [Fact]
    public void A_division_per_member_is_computed_as_the_language_does_and_refused_in_spark()
    {
        // A quotient in a population step (by zero for members without months: problem rows) and in a total, rounded.
        string file = Path.Combine(Path.GetTempPath(), $"vbc-sql-{Guid.NewGuid():N}.vbc");
        File.WriteAllText(file, File.ReadAllText(Golden.PathOf("contracts/mssp-basic-a.vbc"))
            .Replace("exclude: esrd", "exclude: esrd or inpatient / member_months > $1,234.50 PMPM")
            .Replace("risk score: risk_score", "risk score: round(risk_score / 3, 6) * 3"));
        var run = StageBaselineTests.RunArguments("contracts/mssp-basic-a.vbc").ToList();
        try
        {
            Assert.Contains("risk_score / 3", File.ReadAllText(file));
            var spark = CliRunner.Run(new[] { "sql", file, "--dialect", "spark" }.Concat(run).ToArray());
            Assert.Equal(1, spark.ExitCode);
            Assert.Contains("error VBC4041", spark.Error);
            Assert.Contains("Spark", spark.Error);
            Assert.Equal("", spark.Output);
            Assert.Equal(0, CliRunner.Run(new[] { "sql", file, "--dialect", "postgres" }.Concat(run).ToArray()).ExitCode);

            var figures = AgreesWithTheEngine(file, Golden.PathOf("seeds/members.csv"), run);
            Assert.True(figures.Rows("left out", key: "2") > 0);
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
        if (ExampleHeader.Command(contract) is not { } args)
        {
            return null;
        }
        var data = args.Select((a, i) => (a, i)).Where(p => p.a == "--data").Select(p => args[p.i + 1]).ToList();
        return data.Count == 1 && !data[0].Contains('=') ? data[0] : null;
    }

    /// <summary>Loads each table's CSV as the relation named as the table and runs the query: figures by table.</summary>
    private static Dictionary<string, Figures> RunDuckDb(string query, Dictionary<string, string> files, BoundContract bound)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        foreach (var table in bound.Tables)
        {
            Load(connection, table.Name, files[table.Name], table.Columns);
        }
        return Read(connection, query, grouped: true);
    }

    private static void Load(DuckDBConnection connection, string relation, string csv, IEnumerable<ColumnSymbol> columns)
    {
        var select = columns.Select(c => c.Type.Kind switch
        {
            ValueKind.Number => $"CAST(\"{c.Name}\" AS DECIMAL(18, 6)) AS \"{c.Name}\"",
            ValueKind.Flag => $"lower(\"{c.Name}\") IN ('1', 'true', 'yes') AS \"{c.Name}\"",
            ValueKind.Date => $"CAST(\"{c.Name}\" AS DATE) AS \"{c.Name}\"",
            _ => $"\"{c.Name}\"",
        });
        using (var load = connection.CreateCommand())
        {
            load.CommandText = $"CREATE TABLE \"{relation}\" AS SELECT {string.Join(", ", select)} FROM read_csv('{csv.Replace("'", "''")}', header = true, all_varchar = true)";
            load.ExecuteNonQuery();
        }
    }

    private static Dictionary<string, Figures> RunDuckDb(string query, string csv, IEnumerable<ColumnSymbol> columns, bool grouped = false)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        Load(connection, "members", csv, columns);
        return Read(connection, query, grouped);
    }

    /// <summary>The query's figures, by their first column (organisation or table) when <paramref name="grouped"/>.</summary>
    private static Dictionary<string, Figures> Read(DuckDBConnection connection, string query, bool grouped)
    {
        var rows = new Dictionary<string, List<(string Figure, string? Clause, string? Key, string? Group, long? Rows, decimal? Amount)>>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = query;
        using var reader = command.ExecuteReader();
        int first = grouped ? 1 : 0;
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(first + i) ? null : reader.GetValue(first + i).ToString();
            string organisation = grouped ? reader.GetString(0) : "";
            if (!rows.TryGetValue(organisation, out var list))
            {
                rows[organisation] = list = new();
            }
            list.Add((Text(0)!, Text(1), Text(2), Text(3),
                reader.IsDBNull(first + 4) ? null : Convert.ToInt64(reader.GetValue(first + 4), CultureInfo.InvariantCulture),
                reader.IsDBNull(first + 5) ? null : decimal.Parse(Text(5)!, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
        return rows.ToDictionary(p => p.Key, p => new Figures(p.Value), StringComparer.Ordinal);
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
