using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Vbc.Data;
using Vbc.Parsing;
using Vbc.Plugins;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Examples;
using Vbc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Vbc.Tests.Databases;

/// <summary>
/// A throwaway PostgreSQL 15 server (bench/postgres.sh, from Debian's postgresql-15) for the tests of one run; or
/// why there is none. Without a server the tests say NOT RUN and pass, unless VBC_REQUIRE_POSTGRES is 1 (CI).
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string RequireVariable = "VBC_REQUIRE_POSTGRES";

    private readonly string _state = Path.Combine(Path.GetTempPath(), $"vbc-test-pg-{Guid.NewGuid():N}.env");

    public PostgresServer()
    {
        if (!File.Exists("/usr/lib/postgresql/15/bin/postgres") && Environment.UserName != "root")
        {
            Missing = "PostgreSQL 15 is not installed (/usr/lib/postgresql/15/bin) and this is not root to install it";
            return;
        }
        var (code, output) = Script("start");
        if (code != 0 || !File.Exists(_state))
        {
            Missing = $"bench/postgres.sh start failed (exit {code}): {output.Trim()}";
            return;
        }
        var values = File.ReadAllLines(_state).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Connection = $"Host={values["PGHOST"]};Port={values["PGPORT"]};Username={values["PGUSER"]};Database=postgres";
    }

    /// <summary>The connection string of the running server; null when there is none.</summary>
    public string? Connection { get; }

    /// <summary>Why there is no server.</summary>
    public string? Missing { get; }

    public void Dispose()
    {
        if (Connection is not null)
        {
            Script("stop");
        }
    }

    private (int Code, string Output) Script(string action)
    {
        var start = new ProcessStartInfo("bash", new[] { Golden.PathOf("bench", "postgres.sh"), action, _state })
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

/// <summary>
/// vbc settle --engine postgres over tables loaded from the examples' seed files (each value as vbc's reader reads
/// it), against the in-memory engine over the files: the same statement line for line, except the lines that name
/// the data (the Data line, the columns not used, the REPRODUCE section); and the column types checked up front.
/// </summary>
// One collection: each class starts its own server, and two starting at once would pick the same free port.
[Collection("PostgreSQL servers")]
public class PostgresEngineTests(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private bool Runs()
    {
        if (server.Connection is not null)
        {
            return true;
        }
        string message = $"NOT RUN: no PostgreSQL server ({server.Missing}), so --engine postgres was NOT checked. Set {PostgresServer.RequireVariable}=1 to make this a failure.";
        output.WriteLine(message);
        Console.WriteLine(message);
        Assert.False(Environment.GetEnvironmentVariable(PostgresServer.RequireVariable) == "1", message);
        return false;
    }

    public static TheoryData<string> Contracts() => new(Examples.All().Where(c => Examples.DataFile(c) is not null));

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Every_example_settles_over_a_table_to_the_in_memory_statement(string contract)
    {
        if (!Runs())
        {
            return;
        }
        string table = "t_" + Path.GetFileNameWithoutExtension(contract).Replace('-', '_');
        Load(contract, Golden.PathOf(Examples.DataFile(contract)!), table, moneyType: "NUMERIC(18, 2)");
        var arguments = StageBaselineTests.RunArguments(contract).ToArray();
        var memory = CliRunner.Run(new[] { "settle", contract, "--data", Examples.DataFile(contract)! }.Concat(arguments).ToArray());
        Assert.True(memory.ExitCode == 0, memory.Error);
        var pg = CliRunner.Run(new[] { "settle", contract, "--engine", "postgres", "--connection", server.Connection!, "--table", table }.Concat(arguments).ToArray());
        if (pg.ExitCode == 1 && pg.Error.Contains("error VBC4041", StringComparison.Ordinal))
        {
            return;
        }
        Assert.True(pg.ExitCode == 0, pg.Error);
        Assert.Equal(Comparable(memory.Output), Comparable(pg.Output));
        Assert.Contains($"PostgreSQL table {table}", pg.Output);
    }

    [Fact]
    public void A_floating_point_money_column_is_refused_and_values_the_reader_refuses_are_named()
    {
        if (!Runs())
        {
            return;
        }
        const string contract = "contracts/mssp-basic-a.vbc";
        Load(contract, Golden.PathOf("seeds", "members.csv"), "t_float", moneyType: "DOUBLE PRECISION");
        var arguments = StageBaselineTests.RunArguments(contract).ToArray();
        var pg = CliRunner.Run(new[] { "settle", contract, "--engine", "postgres", "--connection", server.Connection!, "--table", "t_float" }.Concat(arguments).ToArray());
        Assert.Equal(1, pg.ExitCode);
        Assert.Equal("", pg.Output);
        Assert.Contains("error VBC4055", pg.Error);
        Assert.Contains("stored as double precision", pg.Error);

        Load(contract, Golden.PathOf("seeds", "members.csv"), "t_bad", moneyType: "NUMERIC(18, 2)");
        Execute("UPDATE t_bad SET member_months = 13 WHERE member_id IN (SELECT member_id FROM t_bad ORDER BY member_id LIMIT 2)");
        Execute("UPDATE t_bad SET risk_score = 0 WHERE member_id = (SELECT max(member_id) FROM t_bad)");
        var bad = CliRunner.Run(new[] { "settle", contract, "--engine", "postgres", "--connection", server.Connection!, "--table", "t_bad" }.Concat(arguments).ToArray());
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("error VBC4056", bad.Error);
        Assert.Contains("2 rows hold a value", bad.Error);

        Execute("UPDATE t_bad SET member_months = 12 WHERE member_months = 13");
        var problem = CliRunner.Run(new[] { "settle", contract, "--engine", "postgres", "--connection", server.Connection!, "--table", "t_bad" }.Concat(arguments).ToArray());
        Assert.Equal(1, problem.ExitCode);
        Assert.Contains("error VBC4054", problem.Error);

        var missing = CliRunner.Run(new[] { "settle", contract, "--engine", "postgres", "--connection", server.Connection!, "--table", "no_such_table" }.Concat(arguments).ToArray());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error VBC4058", missing.Error);
    }

    [Fact]
    public void A_portfolio_over_a_table_gives_the_in_memory_portfolio()
    {
        if (!Runs())
        {
            return;
        }
        string folder = Path.Combine(Path.GetTempPath(), $"vbc-pg-portfolio-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string contract = Path.Combine(folder, "enhanced-by-organisation.vbc");
            File.WriteAllText(contract, DatabasePortfolioTests.EnhancedByOrganisation());
            string inputs = Path.Combine(folder, "acos.csv");
            File.WriteAllText(inputs, "organisation_id,quality_score\nACO-01,95%\nACO-02,80%\nACO-03,0.9\nACO-04,0.85\n");
            Load(contract, Golden.PathOf("seeds", "members.csv"), "t_portfolio", moneyType: "NUMERIC(18, 2)");
            foreach (var format in new[] { "csv", "json" })
            {
                var memory = CliRunner.Run("settle", contract, "--data", "seeds/members.csv", "--inputs", inputs, "--format", format);
                var pg = CliRunner.Run("settle", contract, "--engine", "postgres", "--connection", server.Connection!, "--table", "t_portfolio", "--inputs", inputs, "--format", format);
                // ACO-04 has no rows: it fails alike (exit 1), the others settle.
                Assert.True(memory.ExitCode == 1 && pg.ExitCode == 1, memory.Error + pg.Error);
                Assert.Equal(memory.Error.Replace("seeds/members.csv", "PostgreSQL table t_portfolio"), pg.Error);
                Assert.Equal(Portfolio(memory.Output), Portfolio(pg.Output));
            }

            // ACO-03 not listed: warned with its rows and dollars as in memory; a table has no lines, so the warning
            // names the table and the organisation instead of a line.
            string few = Path.Combine(folder, "few.csv");
            File.WriteAllText(few, "organisation_id,quality_score\nACO-01,95%\nACO-02,80%\n");
            var fewMemory = CliRunner.Run("settle", contract, "--data", "seeds/members.csv", "--inputs", few);
            var fewPg = CliRunner.Run("settle", contract, "--engine", "postgres", "--connection", server.Connection!, "--table", "t_portfolio", "--inputs", few);
            Assert.True(fewMemory.ExitCode == 0 && fewPg.ExitCode == 0, fewMemory.Error + fewPg.Error);
            Assert.Contains("seeds/members.csv(3,1): warning VBC3026: 1,774 rows ($", fewMemory.Error);
            string warning = fewPg.Error.Split('\n').Single(l => l.Contains("VBC3026", StringComparison.Ordinal));
            Assert.StartsWith("PostgreSQL table t_portfolio: warning VBC3026: 1,774 rows ($", warning);
            Assert.Contains(") of PostgreSQL table t_portfolio have organisation_id 'ACO-03', which has no row in the inputs file", warning);
            Assert.DoesNotContain("(0,", fewPg.Error);
            Assert.DoesNotContain("this line", fewPg.Error);
            string Dollars(string text) => text[text.IndexOf("1,774 rows (", StringComparison.Ordinal)..].Split(')')[0];
            Assert.Equal(Dollars(fewMemory.Error), Dollars(warning));
            Assert.Equal(Portfolio(fewMemory.Output), Portfolio(fewPg.Output));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Exclude_bad_rows_over_a_table_leaves_out_the_rows_the_in_memory_engine_leaves_out()
    {
        if (!Runs())
        {
            return;
        }
        const string contract = "contracts/mssp-basic-a.vbc";
        const string table = "t_exclude";
        Load(contract, Golden.PathOf("seeds", "members.csv"), table, moneyType: "NUMERIC(18, 2)");
        var arguments = StageBaselineTests.RunArguments(contract).Append("--exclude-bad-rows").ToArray();
        string[] Pg(params string[] more) => new[] { "settle", contract, "--engine", "postgres", "--connection", server.Connection!, "--table", table }.Concat(arguments).Concat(more).ToArray();

        // A table without a bad row: nothing is left out, the query's figures stand.
        var cleanMemory = CliRunner.Run(new[] { "settle", contract, "--data", "seeds/members.csv" }.Concat(arguments).ToArray());
        var clean = CliRunner.Run(Pg());
        Assert.True(cleanMemory.ExitCode == 0 && clean.ExitCode == 0, cleanMemory.Error + clean.Error);
        Assert.Equal("", clean.Error);
        Assert.Equal(Comparable(cleanMemory.Output), Comparable(clean.Output));

        // The same bad values in the table and in a copy of the file: months out of range, months and a money value
        // missing (NULL in the table, an empty cell in the file), a risk score that cannot divide.
        Execute($"UPDATE {table} SET member_months = 13 WHERE member_id = 'M00000005'; UPDATE {table} SET member_months = NULL WHERE member_id = 'M00000009'; "
            + $"UPDATE {table} SET inpatient = NULL WHERE member_id = 'M00000030'; UPDATE {table} SET risk_score = 0 WHERE member_id = 'M00000020'");
        var lines = File.ReadAllLines(Golden.PathOf("seeds", "members.csv"));
        var header = lines[0].Split(',').ToList();
        void Set(int row, string column, string value)
        {
            var cells = lines[row].Split(',');
            cells[header.IndexOf(column)] = value;
            lines[row] = string.Join(",", cells);
        }
        Set(5, "member_months", "13");
        Set(9, "member_months", "");
        Set(30, "inpatient", "");
        Set(20, "risk_score", "0");
        string file = Path.Combine(Path.GetTempPath(), $"vbc-pg-exclude-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(file, lines);
        try
        {
            foreach (var format in new[] { "text", "json" })
            {
                var memory = CliRunner.Run(new[] { "settle", contract, "--data", file, "--format", format }.Concat(arguments).ToArray());
                var pg = CliRunner.Run(Pg("--format", format));
                Assert.True(memory.ExitCode == 0 && pg.ExitCode == 0, memory.Error + pg.Error);
                // The same warnings, each naming the row by its id where the file's names its line.
                Assert.Equal(Warnings(memory.Error), Warnings(pg.Error));
                Assert.Contains($"PostgreSQL table {table}: warning VBC3015: The row of member_id 'M00000005', column 'member_months': '13' is outside", pg.Error);
                Assert.Contains("(each listed by its member_id)", pg.Error);
                if (format == "text")
                {
                    Assert.Contains("Rows left out as unreadable or not computable: 4 (listed at the end)", pg.Output);
                    Assert.Equal(Comparable(memory.Output), Comparable(pg.Output));
                    Assert.Equal(LeftOut(memory.Output), LeftOut(pg.Output));
                    Assert.Contains("  member M00000020: the risk score (risk_score) is 0, not above 0; $4,310.65", pg.Output);
                }
                else
                {
                    var rows = System.Text.Json.Nodes.JsonNode.Parse(pg.Output)!["data"]!["excludedRows"]!.AsArray();
                    Assert.Equal(new[] { "M00000005", "M00000009", "M00000030", "M00000020" }, rows.Select(r => (string)r!["memberId"]!));
                    Assert.All(rows, r => Assert.Null(r!["line"]));
                    Assert.Equal(ExcludedRows(memory.Output), ExcludedRows(pg.Output));
                    Assert.Equal(Sources(memory.Output.Replace(file, $"PostgreSQL table {table}", StringComparison.Ordinal), withoutExcluded: true), Sources(pg.Output, withoutExcluded: true));
                }
            }

            // Ids given twice: a table has no order to say which row is kept, so the run stops as without the option.
            Execute($"INSERT INTO {table} SELECT * FROM {table} WHERE member_id = 'M00000041'");
            var twice = CliRunner.Run(Pg());
            Assert.Equal(1, twice.ExitCode);
            Assert.Contains("error VBC4056: Column 'member_id'", twice.Error);
            Assert.Contains("--exclude-bad-rows does not leave such rows out of a table", twice.Error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("split")]
    [InlineData("orphan")]
    [InlineData("unknown category")]
    [InlineData("column in both")]
    public void A_claims_table_summed_per_member_settles_to_the_in_memory_statement(string edit)
    {
        if (!Runs())
        {
            return;
        }
        const string contract = "contracts/mssp-basic-a.vbc";
        var (members, claims) = DuckDbEngineTests.ClaimsFiles(edit);
        // A short folder: messages quote at most 60 characters of a file's name.
        string folder = Path.Combine(Path.GetTempPath(), $"vbc-pgc-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(folder);
        try
        {
            string memberFile = Path.Combine(folder, "members.csv"), claimsFile = Path.Combine(folder, "claims.csv");
            File.WriteAllLines(memberFile, members);
            File.WriteAllLines(claimsFile, claims);
            string suffix = edit.Replace(' ', '_');
            string memberTable = $"t_claims_members_{suffix}", claimsTable = $"t_claims_{suffix}";
            var specs = PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf(contract))).Columns.Select(ColumnSpec.From).ToList();
            string Type(string column) => specs.FirstOrDefault(s => s.Name == column) is not { } spec ? "TEXT" : spec.Type.Kind switch
            {
                ValueKind.Flag => "BOOLEAN",
                ValueKind.Text => "TEXT",
                _ => "NUMERIC",
            };
            Copy(memberTable, string.Join(", ", members[0].Split(',').Select(c => $"\"{c}\" {Type(c)}")), members);
            Copy(claimsTable, "member_id TEXT, category TEXT, amount NUMERIC(18, 2)", claims);
            foreach (var extra in new[] { Array.Empty<string>(), new[] { "--format", "json" }, new[] { "--exclude-bad-rows" } })
            {
                var memory = CliRunner.Run(new[] { "settle", contract, "--data", memberFile, "--claims", claimsFile }.Concat(StageBaselineTests.RunArguments(contract)).Concat(extra).ToArray());
                var pg = CliRunner.Run(new[] { "settle", contract, "--engine", "postgres", "--connection", server.Connection!, "--table", memberTable, "--claims-table", claimsTable }
                    .Concat(StageBaselineTests.RunArguments(contract)).Concat(extra).ToArray());
                Assert.True(memory.ExitCode == pg.ExitCode, $"exit {memory.ExitCode} in memory, {pg.ExitCode} in PostgreSQL\n{memory.Error}\n{pg.Error}");
                string Named(string text) => System.Text.RegularExpressions.Regex.Replace(text
                    .Replace(memberFile, $"PostgreSQL table {memberTable}", StringComparison.Ordinal)
                    .Replace(claimsFile, $"PostgreSQL table {claimsTable}", StringComparison.Ordinal), @"\(\d+,\d+\): ", ": ");
                Assert.Equal(Named(memory.Error), Named(pg.Error));
                if (pg.Output == "")
                {
                    Assert.Equal("", memory.Output);
                }
                else if (extra.Contains("json"))
                {
                    Assert.Equal(Sources(Named(memory.Output)), Sources(pg.Output));
                }
                else
                {
                    Assert.Equal(Comparable(memory.Output), Comparable(pg.Output));
                }
                if (edit == "split")
                {
                    Assert.True(pg.ExitCode == 0, pg.Error);
                    Assert.Equal("", pg.Error);
                }
                else if (edit == "column in both")
                {
                    Assert.Contains("error VBC3017", pg.Error);
                }
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>A table of the lines of a CSV file (its header first), as PostgreSQL reads them.</summary>
    private void Copy(string table, string columns, IReadOnlyList<string> lines)
    {
        Execute($"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({columns})");
        using var connection = new NpgsqlConnection(server.Connection);
        connection.Open();
        using var writer = connection.BeginTextImport($"COPY {table} FROM STDIN (FORMAT csv, HEADER true)");
        foreach (var line in lines)
        {
            writer.Write(line + "\n");
        }
    }

    private static readonly System.Text.RegularExpressions.Regex RowNamed = new(@"^(?:(?:Data row|Row) (?:[0-9]{1,3}(?:,[0-9]{3})*|[0-9]+)(?: \(member [^)]*\))?|The row of member_id '[^']*')");

    /// <summary>The warnings without where they are (a line of a file, the table) and how the row is named (its line, its id).</summary>
    private static List<string> Warnings(string error) => error.Split('\n', StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l[(l.IndexOf(": warning ", StringComparison.Ordinal) + 2)..])
        .Select(l => l.Replace("(each listed with its line)", "(each listed by its member_id)", StringComparison.Ordinal))
        .Select(l => l[..(l.IndexOf(": ", StringComparison.Ordinal) + 2)] + RowNamed.Replace(l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..], "ROW"))
        .ToList();

    /// <summary>A text statement's rows left out (DATA NOTES): the member, the problem without how the row is named, the dollars.</summary>
    private static List<string> LeftOut(string statement) => statement.Split('\n')
        .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^  (?:line \d+ \(row \d+, )?member ([^):]+)\)?: (.*)$"))
        .Where(m => m.Success)
        .Select(m => m.Groups[1].Value + " | " + RowNamed.Replace(m.Groups[2].Value, "ROW"))
        .ToList();

    /// <summary>A JSON statement's rows left out: the member, the problem without how the row is named, the dollars.</summary>
    private static List<string> ExcludedRows(string output) => System.Text.Json.Nodes.JsonNode.Parse(output)!["data"]!["excludedRows"]!.AsArray()
        .Select(r => $"{r!["memberId"]} | {RowNamed.Replace((string)r["problem"]!, "ROW")} | {r["dollars"]!.ToJsonString()}")
        .ToList();

    [Theory]
    [InlineData("seed")]
    [InlineData("unmatched")]
    [InlineData("no target price")]
    public void A_contract_with_several_tables_settles_over_two_tables_to_the_in_memory_statement(string edit)
    {
        if (!Runs())
        {
            return;
        }
        const string contract = "contracts/bundle-bpci-members.vbc";
        string episodes = Path.Combine(Path.GetTempPath(), $"vbc-pg-episodes-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(episodes, DuckDbEngineTests.Episodes(edit));
        try
        {
            string suffix = edit.Replace(' ', '_');
            Load(contract, Golden.PathOf("seeds", "members.csv"), $"t_bundle_members_{suffix}", moneyType: "NUMERIC(18, 2)", tableName: "members");
            Load(contract, episodes, $"t_bundle_episodes_{suffix}", moneyType: "NUMERIC(18, 2)", tableName: "episodes");
            foreach (var format in new[] { "text", "json" })
            {
                var memory = CliRunner.Run("settle", contract, "--data", "members=seeds/members.csv", "--data", $"episodes={episodes}", "--format", format);
                var pg = CliRunner.Run("settle", contract, "--engine", "postgres", "--connection", server.Connection!, "--table", $"t_bundle_members_{suffix}",
                    "--episodes-table", $"t_bundle_episodes_{suffix}", "--format", format);
                Assert.True(memory.ExitCode == pg.ExitCode, $"exit {memory.ExitCode} in memory, {pg.ExitCode} in PostgreSQL\n{memory.Error}\n{pg.Error}");
                string Named(string text) => text.Replace("seeds/members.csv", $"PostgreSQL table t_bundle_members_{suffix}", StringComparison.Ordinal)
                    .Replace(episodes, $"PostgreSQL table t_bundle_episodes_{suffix}", StringComparison.Ordinal);
                switch (edit)
                {
                    case "seed":
                        Assert.True(pg.ExitCode == 0, pg.Error);
                        Assert.Equal("", pg.Error);
                        break;
                    case "unmatched":
                        // In memory each row is warned with its data row (VBC3060); a table has no lines: one warning names
                        // the first row by its key, with the count and dollars of them all.
                        Assert.Equal(2, memory.Error.Split('\n').Count(l => l.Contains("warning VBC3060", StringComparison.Ordinal)));
                        Assert.Contains($"PostgreSQL table t_bundle_episodes_{suffix}: warning VBC4047: 2 rows of the table 'episodes' (PostgreSQL table t_bundle_episodes_{suffix}, $12,100.75) hold a member_id", pg.Error);
                        Assert.Contains("the first by its key: 'E9000001' (member_id 'NOPE-1')", pg.Error);
                        break;
                    default:
                        Assert.Equal(1, pg.ExitCode);
                        Assert.Contains("error VBC4054: 1 rows of PostgreSQL table", pg.Error);
                        Assert.Equal("", pg.Output);
                        continue;
                }
                Assert.Equal(format == "json" ? Sources(Named(memory.Output)) : Comparable(Named(memory.Output)),
                    format == "json" ? Sources(pg.Output) : Comparable(pg.Output));
            }
        }
        finally
        {
            File.Delete(episodes);
        }
    }

    /// <summary>
    /// contracts/bundle-bpci-members.vbc with a third table, 'surgical' (its own columns, joined to the members), settled
    /// by a second bundle; and the seed episodes split between 'episodes' and 'surgical' by type.
    /// </summary>
    internal static (string Contract, string Medical, string Surgical) ThreeTables(string folder)
    {
        var text = File.ReadAllText(Golden.PathOf("contracts", "bundle-bpci-members.vbc"));
        int start = text.IndexOf("bundle \"Clinical episodes\" {", StringComparison.Ordinal);
        string bundle = text[start..(text.IndexOf("\n}\n", start, StringComparison.Ordinal) + 3)];
        text = text.Replace("data episodes {", "data surgical {\n  surgery_id: id\n  member_id: id of members\n  surgery_type: text\n  surgery_cost: money\n}\n\ndata episodes {", StringComparison.Ordinal)
            + "\n" + bundle.Replace("\"Clinical episodes\"", "\"Surgical episodes\"", StringComparison.Ordinal).Replace("table: episodes", "table: surgical", StringComparison.Ordinal)
                .Replace("episode_type", "surgery_type", StringComparison.Ordinal).Replace("actual cost: episode_cost", "actual cost: surgery_cost", StringComparison.Ordinal);
        var lines = File.ReadAllLines(Golden.PathOf("seeds", "episodes.csv"));
        int type = Array.IndexOf(lines[0].Split(','), "episode_type");
        bool Surgery(string line) => line.Split(',')[type] is "CABG" or "LEJR" or "PCI" or "SPINAL_FUSION";
        string contract = Path.Combine(folder, "three.vbc"), medical = Path.Combine(folder, "medical.csv"), surgical = Path.Combine(folder, "surgical.csv");
        File.WriteAllText(contract, text);
        File.WriteAllLines(medical, lines.Take(1).Concat(lines.Skip(1).Where(l => !Surgery(l))));
        File.WriteAllLines(surgical, new[] { lines[0].Replace("episode_", "surgery_", StringComparison.Ordinal) }.Concat(lines.Skip(1).Where(Surgery)));
        return (contract, medical, surgical);
    }

    [Fact]
    public void A_contract_with_three_tables_settles_over_three_tables_named_table_equals_name()
    {
        if (!Runs())
        {
            return;
        }
        string folder = Path.Combine(Path.GetTempPath(), $"vbc-pg3-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(folder);
        try
        {
            var (contract, medical, surgical) = ThreeTables(folder);
            Load(contract, Golden.PathOf("seeds", "members.csv"), "t3_members", moneyType: "NUMERIC(18, 2)", tableName: "members");
            Load(contract, medical, "t3_episodes", moneyType: "NUMERIC(18, 2)", tableName: "episodes");
            Load(contract, surgical, "t3_surgical", moneyType: "NUMERIC(18, 2)", tableName: "surgical");
            string[] Pg(params string[] tables) => new[] { "settle", contract, "--engine", "postgres", "--connection", server.Connection! }
                .Concat(tables.SelectMany(t => new[] { "--table", t })).ToArray();
            foreach (var format in new[] { "text", "json" })
            {
                var memory = CliRunner.Run("settle", contract, "--data", "members=seeds/members.csv", "--data", $"episodes={medical}", "--data", $"surgical={surgical}", "--format", format);
                var pg = CliRunner.Run(Pg("members=t3_members", "episodes=t3_episodes", "surgical=t3_surgical").Concat(new[] { "--format", format }).ToArray());
                Assert.True(memory.ExitCode == 0 && pg.ExitCode == 0, memory.Error + pg.Error);
                Assert.Equal("", pg.Error);
                Assert.Contains("Surgical episodes", memory.Output);
                string Named(string text) => text.Replace("seeds/members.csv", "PostgreSQL table t3_members", StringComparison.Ordinal)
                    .Replace(medical, "PostgreSQL table t3_episodes", StringComparison.Ordinal).Replace(surgical, "PostgreSQL table t3_surgical", StringComparison.Ordinal);
                Assert.Equal(format == "json" ? Sources(Named(memory.Output)) : Comparable(Named(memory.Output)),
                    format == "json" ? Sources(pg.Output) : Comparable(pg.Output));
            }

            // A table not named, one the contract does not declare, and the two-table form: usage errors before any work.
            var missing = CliRunner.Run(Pg("members=t3_members", "episodes=t3_episodes"));
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains("give --table TABLE=NAME for each (missing: surgical)", missing.Error);
            var unknown = CliRunner.Run(Pg("members=t3_members", "episodes=t3_episodes", "surgery=t3_surgical"));
            Assert.Equal(2, unknown.ExitCode);
            Assert.Contains("the contract declares no table 'surgery'", unknown.Error);
            var two = CliRunner.Run(Pg("t3_members").Concat(new[] { "--episodes-table", "t3_episodes" }).ToArray());
            Assert.Equal(2, two.ExitCode);
            Assert.Contains("give each as --table TABLE=NAME", two.Error);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>A JSON statement without the command and files read (reproduce) and the columns not used (a table holds only the contract's columns).</summary>
    private static string Sources(string output, bool withoutExcluded = false)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(output)!.AsObject();
        json.Remove("reproduce");
        if (json["data"] is System.Text.Json.Nodes.JsonObject data)
        {
            data.Remove("ignoredColumns");
            if (withoutExcluded)
            {
                data.Remove("excludedRows");
            }
        }
        return json.ToJsonString();
    }

    /// <summary>
    /// A portfolio's output without what names where the data came from: the lines of a CSV that do; in JSON, the
    /// command and files read (reproduce), the data's name and the columns not used (the table holds only the
    /// contract's columns).
    /// </summary>
    private static string Portfolio(string output)
    {
        output = output.Replace("PostgreSQL table t_portfolio", "seeds/members.csv", StringComparison.Ordinal);
        if (!output.TrimStart().StartsWith('{'))
        {
            return string.Join("\n", output.Split('\n').Where(l => !l.Contains("seeds/members.csv", StringComparison.Ordinal) && !l.Contains("PostgreSQL table", StringComparison.Ordinal)));
        }
        var json = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        void Strip(System.Text.Json.Nodes.JsonNode? node)
        {
            switch (node)
            {
                case System.Text.Json.Nodes.JsonObject o:
                    foreach (var name in new[] { "reproduce", "ignoredColumns", "file", "name" })
                    {
                        o.Remove(name);
                    }
                    foreach (var (_, child) in o.ToList())
                    {
                        Strip(child);
                    }
                    break;
                case System.Text.Json.Nodes.JsonArray a:
                    foreach (var child in a)
                    {
                        Strip(child);
                    }
                    break;
            }
        }
        Strip(json);
        return json.ToJsonString();
    }

    /// <summary>The statement without the lines that name where the data came from.</summary>
    private static string Comparable(string statement)
    {
        var kept = new List<string>();
        bool skipping = false;
        foreach (var line in statement.Split('\n'))
        {
            if (line.StartsWith("DATA NOTES", StringComparison.Ordinal) || line.StartsWith("REPRODUCE", StringComparison.Ordinal))
            {
                skipping = true;
            }
            else if (line.Length > 0 && char.IsUpper(line[0]) && line.ToUpperInvariant() == line && !line.StartsWith('='))
            {
                skipping = false;
            }
            if (!skipping && !line.StartsWith("Data ", StringComparison.Ordinal))
            {
                kept.Add(line);
            }
        }
        return string.Join("\n", kept).TrimEnd();
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(server.Connection);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The contract's columns of a seed file as a table, each value as vbc's reader reads it.</summary>
    /// <param name="tableName">For a contract with several tables: the table of the contract whose columns are loaded.</param>
    private void Load(string contract, string file, string table, string moneyType, string? tableName = null) =>
        Load(server.Connection!, contract, file, table, moneyType, tableName);

    /// <summary>A table of the file's rows, each value as vbc's reader reads it, with the contract's columns and types.</summary>
    /// <param name="tableName">For a contract with several tables: the table of the contract whose columns are loaded.</param>
    internal static void Load(string connectionString, string contract, string file, string table, string moneyType, string? tableName = null)
    {
        var bound = PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf(contract)));
        if (tableName is not null)
        {
            bound = bound.ForTable(bound.Tables.Single(t => t.Name == tableName));
        }
        var specs = bound.Columns.Select(ColumnSpec.From).ToList();
        string Type(ColumnSpec s) => s.Type.Kind switch
        {
            ValueKind.Flag => "BOOLEAN",
            ValueKind.Date => "DATE",
            ValueKind.Text => "TEXT",
            _ when s.Type.Dimension == Dimension.Dollars => moneyType,
            _ => "NUMERIC",
        };
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = $"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({string.Join(", ", specs.Select(s => $"\"{s.Name}\" {Type(s)}"))})";
            create.ExecuteNonQuery();
        }
        using var source = new CsvMemberSource(file);
        Assert.DoesNotContain(source.Open(specs), d => d.IsError);
        using var copy = connection.BeginBinaryImport($"COPY {table} ({string.Join(", ", specs.Select(s => $"\"{s.Name}\""))}) FROM STDIN (FORMAT BINARY)");
        foreach (var batch in source.Batches())
        {
            for (int r = 0; r < batch.RowCount; r++)
            {
                copy.StartRow();
                for (int c = 0; c < specs.Count; c++)
                {
                    switch (specs[c].Storage)
                    {
                        case ColumnStorage.Flag:
                            copy.Write(batch.Flags(c)[r], NpgsqlDbType.Boolean);
                            break;
                        case ColumnStorage.Text:
                            copy.Write(batch.Texts(c)[r], NpgsqlDbType.Text);
                            break;
                        case ColumnStorage.Date:
                            copy.Write(batch.Dates(c)[r], NpgsqlDbType.Date);
                            break;
                        default:
                            if (Type(specs[c]) == "DOUBLE PRECISION")
                            {
                                copy.Write((double)batch.Decimals(c)[r], NpgsqlDbType.Double);
                            }
                            else
                            {
                                copy.Write(batch.Decimals(c)[r], NpgsqlDbType.Numeric);
                            }
                            break;
                    }
                }
            }
        }
        copy.Complete();
    }
}
