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
        }
        finally
        {
            Directory.Delete(folder, true);
        }
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
    private void Load(string contract, string file, string table, string moneyType) => Load(server.Connection!, contract, file, table, moneyType);

    /// <summary>A table of the file's rows, each value as vbc's reader reads it, with the contract's columns and types.</summary>
    internal static void Load(string connectionString, string contract, string file, string table, string moneyType)
    {
        var bound = PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf(contract)));
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
