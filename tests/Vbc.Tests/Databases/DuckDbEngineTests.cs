using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Vbc.Data;
using Vbc.Databases;
using Vbc.Diagnostics;
using Vbc.MemberStage;
using Vbc.Parsing;
using Vbc.Plugins;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Examples;
using Vbc.Tests.Infrastructure;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Tests.Databases;

/// <summary>
/// vbc settle --engine duckdb against the in-memory engine: the same statement line for line (only the command on the
/// REPRODUCE section differs, by its --engine argument) over every example, over data with edge cases, and the same
/// refusals, with the same diagnostics, over bad CSV files; and the SQL value predicates against the reader's
/// grammar, cell by cell.
/// </summary>
public class DuckDbEngineTests
{
    public static TheoryData<string> Contracts() => new(Examples.All().Where(c => Examples.DataFile(c) is not null));

    [Theory]
    [MemberData(nameof(Contracts))]
    public void Every_example_settles_to_the_same_statement_as_in_memory_or_is_refused_with_the_compilers_reason(string contract)
    {
        var run = new[] { "settle", contract, "--data", Examples.DataFile(contract)! }.Concat(StageBaselineTests.RunArguments(contract)).ToArray();
        var memory = CliRunner.Run(run);
        Assert.True(memory.ExitCode == 0, memory.Error);
        var duck = CliRunner.Run(run.Concat(new[] { "--engine", "duckdb" }).ToArray());
        if (duck.ExitCode == 1 && duck.Error.Contains("error VBC4041", StringComparison.Ordinal))
        {
            // A division per member is not compiled (docs/sql.md): refused, never settled differently.
            Assert.Equal("", duck.Output);
            return;
        }
        Assert.True(duck.ExitCode == 0, duck.Error);
        Assert.Equal(memory.Error, duck.Error);
        Assert.Equal(WithoutCommand(memory.Output), WithoutCommand(duck.Output));
        Assert.Contains("--engine duckdb", duck.Output);

        var json = CliRunner.Run(run.Concat(new[] { "--format", "json" }).ToArray());
        var duckJson = CliRunner.Run(run.Concat(new[] { "--format", "json", "--engine", "duckdb" }).ToArray());
        Assert.Equal(WithoutCommand(json.Output), WithoutCommand(duckJson.Output));
    }

    [Fact]
    public void Edge_cases_zero_months_exclusions_ties_at_the_percentile_carve_outs_and_negative_costs_settle_alike()
    {
        // The seed member file with edge cases written into it: every 7th member's costs equal (ties at the 99th
        // percentile's ranks), every 11th with 0 months, every 13th unattributed, every 17th ESRD, every 19th a negative
        // professional cost, every 23rd with costs of $0.00, a behavioral carve-out as large as its category.
        var lines = File.ReadAllLines(Golden.PathOf("seeds", "members.csv")).ToList();
        var header = lines[0].Split(',');
        int Col(string name) => Array.IndexOf(header, name);
        for (int i = 1; i < lines.Count; i++)
        {
            var cells = lines[i].Split(',');
            void Set(string name, string value)
            {
                if (Col(name) >= 0)
                {
                    cells[Col(name)] = value;
                }
            }
            if (i % 7 == 0)
            {
                foreach (var money in new[] { "inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health" })
                {
                    Set(money, "5000.25");
                }
            }
            if (i % 11 == 0)
            {
                Set("member_months", "0");
            }
            if (i % 13 == 0)
            {
                Set("attributed", "0");
            }
            if (i % 17 == 0)
            {
                Set("esrd", "1");
            }
            if (i % 19 == 0)
            {
                Set("professional", "-25.50");
            }
            if (i % 23 == 0)
            {
                foreach (var money in new[] { "inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health", "behavioral" })
                {
                    Set(money, "0.00");
                }
            }
            if (i % 29 == 0 && Col("behavioral") >= 0 && Col("outpatient") >= 0)
            {
                Set("behavioral", cells[Col("outpatient")]);
            }
            lines[i] = string.Join(',', cells);
        }
        string data = Path.Combine(Path.GetTempPath(), $"vbc-duck-edge-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(data, lines);
        try
        {
            int settled = 0;
            foreach (var contract in Examples.All().Where(c => Examples.DataFile(c) == "seeds/members.csv"))
            {
                var run = new[] { "settle", contract, "--data", data }.Concat(StageBaselineTests.RunArguments(contract)).ToArray();
                var memory = CliRunner.Run(run);
                var duck = CliRunner.Run(run.Concat(new[] { "--engine", "duckdb" }).ToArray());
                if (duck.Error.Contains("error VBC4041", StringComparison.Ordinal))
                {
                    continue;
                }
                Assert.True(memory.ExitCode == duck.ExitCode, $"{contract}: exit {memory.ExitCode} in memory, {duck.ExitCode} in DuckDB\n{memory.Error}\n{duck.Error}");
                Assert.Equal(memory.Error, duck.Error);
                Assert.Equal(WithoutCommand(memory.Output), WithoutCommand(duck.Output));
                settled += memory.ExitCode == 0 ? 1 : 0;
            }
            Assert.True(settled >= 3, $"only {settled} examples settled over the edge cases");
        }
        finally
        {
            File.Delete(data);
        }
    }

    [Theory]
    [InlineData("contracts/mssp-basic-e.vbc", 7)]
    [InlineData("contracts/mssp-basic-a.vbc", 8)]
    public void Generated_csv_and_parquet_files_settle_alike_through_both_engines(string contract, int seed)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"vbc-duck-gen-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string csv = Path.Combine(folder, "members.csv"), parquet = Path.Combine(folder, "members.parquet");
            Assert.Equal(0, CliRunner.Run("generate", "members", "--members", "3000", "--seed", $"{seed}", "--out", csv).ExitCode);
            Assert.Equal(0, CliRunner.Run("generate", "members", "--members", "3000", "--seed", $"{seed}", "--format", "parquet", "--out", parquet).ExitCode);
            var inputs = contract.EndsWith("-e.vbc", StringComparison.Ordinal)
                ? new[] { "--input", "quality_score=92%", "--input", "participant_revenue=20000000000" }
                : StageBaselineTests.RunArguments(contract).ToArray();
            string? first = null;
            foreach (var file in new[] { csv, parquet })
            {
                var run = new[] { "settle", contract, "--data", file }.Concat(inputs).ToArray();
                var memory = CliRunner.Run(run);
                var duck = CliRunner.Run(run.Concat(new[] { "--engine", "duckdb" }).ToArray());
                Assert.True(memory.ExitCode == 0, memory.Error);
                Assert.True(duck.ExitCode == 0, duck.Error);
                Assert.Equal(WithoutCommand(memory.Output), WithoutCommand(duck.Output));
                // The same members in either format: the same payments.
                string payments = duck.Output[duck.Output.IndexOf("PAYMENTS", StringComparison.Ordinal)..duck.Output.IndexOf("DATA NOTES", StringComparison.Ordinal)];
                Assert.Equal(first ??= payments, payments);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private const string Header = "member_id,member_months,risk_score,attributed,esrd,inpatient,outpatient,professional,pharmacy,snf,home_health";

    private static string Rows(params string[] rows) => Header + "\n" + string.Join("\n", Enumerable.Range(0, 40).Select(i =>
        string.Create(CultureInfo.InvariantCulture, $"G{i:D3},12,{1 + i % 3 * 0.25m},1,0,{1000 + i * 37.5m},10,20,30,0,0")).Concat(rows)) + "\n";

    /// <summary>Member files the in-memory reader accepts or refuses, each with a twist; both engines must agree.</summary>
    public static TheoryData<string, string> Files() => new()
    {
        { "dollars and separators are read", Rows("A1,12,1.0,1,0,\"$1,234.56\",$10,+20,-$30.5,$-0.5,0") },
        { "a decimal comma is refused", Rows("A1,12,1.0,1,0,\"12,5\",0,0,0,0,0") },
        { "quoted cells and spaces around values", Rows("\"A1\", 12 ,\"1.0\",\"yes\",no, 100.00 ,\"0\",0,0,0,0") },
        { "an empty money cell", Rows("A1,12,1.0,1,0,,0,0,0,0,0") },
        { "an empty id", Rows(",12,1.0,1,0,5,0,0,0,0,0") },
        { "a duplicate id", Rows("G001,12,1.0,1,0,5,0,0,0,0,0") },
        { "a row with too few cells", Rows("A1,12,1.0,1,0,5,0,0,0,0") },
        { "an unclosed quote", Rows("A1,12,1.0,1,0,\"5,0,0,0,0,0") },
        { "a flag that is not one", Rows("A1,12,1.0,maybe,0,5,0,0,0,0,0") },
        { "member months above 12", Rows("A1,13,1.0,1,0,5,0,0,0,0,0") },
        { "an exponent", Rows("A1,12,1.0,1,0,1e3,0,0,0,0,0") },
        { "thousands separators out of place", Rows("A1,12,1.0,1,0,\"1,23.00\",0,0,0,0,0") },
        { "a risk score of 0 (a row problem)", Rows("A1,12,0,1,0,5,0,0,0,0,0") },
        { "flags in every spelling", Rows("A1,12,1.0,TRUE,f,5,0,0,0,0,0", "A2,12,1.0,Y,No,5,0,0,0,0,0", "A3,12,1.0,t,N,5,0,0,0,0,0") },
        { "a missing column", Header.Replace(",snf", "") + "\nA1,12,1.0,1,0,5,0,0,0,0\n" },
        { "a header only", Header + "\n" },
        { "crlf line ends and fractions of months", Rows("A1,7.5,1.25,1,0,5.125,0,0,0,0,0").Replace("\n", "\r\n") },
        { "numbers with a point and no digits after it", Rows("A1,12.,1.,1,0,5.,.5,0,0,0,0") },
        { "plain cells and others in one column, with other scales", Rows("A1,7.5,1.125,yes,0,\" 7.5\",-3,+4,$5.001,-0.,0", "A2,12.0,.75,1,0,-12.5,0.000,0,0,0,0") },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void A_csv_file_is_read_or_refused_exactly_as_the_in_memory_reader_does(string what, string csv)
    {
        string data = Path.Combine(Path.GetTempPath(), $"vbc-duck-{Guid.NewGuid():N}.csv");
        File.WriteAllText(data, csv);
        try
        {
            var run = new[] { "settle", "contracts/mssp-basic-a.vbc", "--data", data }.Concat(StageBaselineTests.RunArguments("contracts/mssp-basic-a.vbc")).ToArray();
            SettlesAsInMemory(what, run);
        }
        finally
        {
            File.Delete(data);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void With_exclude_bad_rows_a_csv_file_gives_the_in_memory_statement_and_rows_left_out(string what, string csv)
    {
        string data = Path.Combine(Path.GetTempPath(), $"vbc-duck-{Guid.NewGuid():N}.csv");
        File.WriteAllText(data, csv);
        try
        {
            var run = new[] { "settle", "contracts/mssp-basic-a.vbc", "--data", data, "--exclude-bad-rows" }.Concat(StageBaselineTests.RunArguments("contracts/mssp-basic-a.vbc")).ToArray();
            SettlesAsInMemory(what, run);
        }
        finally
        {
            File.Delete(data);
        }
    }

    [Theory]
    [InlineData("\"M\"\"1\"", "member_id", "text with a double quote inside")]
    [InlineData("00000000000000000000000000000012", "member_months", "member months from 0 to 12")]
    public void A_value_the_reader_reads_but_duckdb_does_not_is_refused_up_front_naming_it(string cell, string column, string why)
    {
        var header = Header.Split(',');
        var row = "A1,12,1.0,1,0,5,0,0,0,0,0".Split(',');
        row[Array.IndexOf(header, column)] = cell;
        string data = Path.Combine(Path.GetTempPath(), $"vbc-duck-{Guid.NewGuid():N}.csv");
        File.WriteAllText(data, Rows(string.Join(',', row)));
        try
        {
            var run = new[] { "settle", "contracts/mssp-basic-a.vbc", "--data", data }.Concat(StageBaselineTests.RunArguments("contracts/mssp-basic-a.vbc")).ToArray();
            Assert.Equal(0, CliRunner.Run(run).ExitCode);
            var duck = CliRunner.Run(run.Concat(new[] { "--engine", "duckdb" }).ToArray());
            Assert.Equal(1, duck.ExitCode);
            Assert.Equal("", duck.Output);
            Assert.Contains("error VBC4050", duck.Error);
            Assert.Contains("Data row 41", duck.Error);
            Assert.Contains($"column '{column}'", duck.Error);
            Assert.Contains(why, duck.Error);
        }
        finally
        {
            File.Delete(data);
        }
    }

    [Fact]
    public void Exclude_bad_rows_claims_and_inputs_are_refused_with_the_engine()
    {
        var run = new[] { "settle", "contracts/mssp-basic-a.vbc", "--data", "seeds/members.csv", "--engine", "duckdb" }
            .Concat(StageBaselineTests.RunArguments("contracts/mssp-basic-a.vbc")).ToList();
        var bad = CliRunner.Run("settle", "contracts/mssp-basic-a.vbc", "--engine", "postgres", "--connection", "Host=localhost", "--table", "members", "--inputs", "seeds/aco_inputs.csv", "--exclude-bad-rows");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--exclude-bad-rows is not available with --engine postgres and --inputs", bad.Error);
        var noData = CliRunner.Run("settle", "contracts/mssp-basic-a.vbc", "--engine", "duckdb", "--input", "quality_score=92%");
        Assert.Equal(2, noData.ExitCode);
        Assert.Contains("--engine duckdb reads the member file", noData.Error);
        var pg = CliRunner.Run("settle", "contracts/mssp-basic-a.vbc", "--engine", "postgres", "--table", "members");
        Assert.Equal(2, pg.ExitCode);
        Assert.Contains("needs --connection", pg.Error);
    }

    /// <summary>
    /// The episodes of the several-table example, edited: as they are; with episodes of members who do not exist (warned
    /// with their data row: DuckDB gives way to vbc's reader); with odd but readable cells (DuckDB reads them); with a
    /// cost the reader refuses; with an episode type no target price covers (a row problem).
    /// </summary>
    public static TheoryData<string> EpisodeCases() => new() { "seed", "unmatched", "odd cells", "bad value", "no target price" };

    internal static string[] Episodes(string edit)
    {
        var lines = File.ReadAllLines(Golden.PathOf("seeds", "episodes.csv")).ToList();
        switch (edit)
        {
            case "unmatched":
                lines.Add("E9000001,NOPE-1,ACO-01,CHF,2024-02-02,\"$12,000.50\",0");
                lines.Add("E9000002,NOPE-2,ACO-02,PCI,2024-03-02,100.25,1");
                break;
            case "odd cells":
                lines[1] = lines[1].Replace(",55984.92,", ",\"$55,984.92\",", StringComparison.Ordinal);
                lines[2] = lines[2].Replace(",37283.40,", ", 37283.4 ,", StringComparison.Ordinal);
                break;
            case "bad value":
                lines[3] = string.Join(',', lines[3].Split(',').Select((c, i) => i == 5 ? "\"12,5\"" : c));
                break;
            case "no target price":
                lines[4] = string.Join(',', lines[4].Split(',').Select((c, i) => i == 3 ? "TAVR" : c));
                break;
        }
        return lines.ToArray();
    }

    [Theory]
    [MemberData(nameof(EpisodeCases))]
    public void A_contract_with_several_tables_settles_in_duckdb_to_the_in_memory_statement(string edit)
    {
        string episodes = Path.Combine(Path.GetTempPath(), $"vbc-duck-episodes-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(episodes, Episodes(edit));
        try
        {
            foreach (var extra in new[] { Array.Empty<string>(), new[] { "--format", "json" }, new[] { "--exclude-bad-rows" } })
            {
                var run = new[] { "settle", "contracts/bundle-bpci-members.vbc", "--data", "members=seeds/members.csv", "--data", $"episodes={episodes}" }.Concat(extra).ToArray();
                var (memory, _) = SettlesAsInMemory($"{edit} {string.Join(' ', extra)}", run);
                if (edit == "seed")
                {
                    Assert.True(memory.ExitCode == 0, memory.Error);
                }
            }
        }
        finally
        {
            File.Delete(episodes);
        }
    }

    [Theory]
    [InlineData("seed", true)]
    [InlineData("odd cells", true)]
    [InlineData("unmatched", false)]
    [InlineData("bad value", false)]
    public void Several_tables_are_computed_by_duckdb_from_the_one_query_or_given_to_vbcs_reader(string edit, bool inDuckDb)
    {
        // Proves where the figures come from: the backend itself, not the CLI (whose statements are equal either way).
        var contract = PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf("contracts", "bundle-bpci-members.vbc")));
        var (_, lowered, failed) = SettlementEngine.LowerMemberLevel(contract, new SettlementRequest { Inputs = new Dictionary<string, string>() });
        Assert.Null(failed);
        string episodes = Path.Combine(Path.GetTempPath(), $"vbc-duck-episodes-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(episodes, Episodes(edit));
        try
        {
            var jobs = lowered.Select(t =>
            {
                var table = contract.Tables.Single(d => d.Name == t.Program.Table);
                return new TableJob(table.Name, () => t, contract.ForTable(table).Columns.Select(ColumnSpec.From).ToList(), ReferenceEquals(table, contract.RootTable),
                    table.Joins.Select(j => (j.Name, j.JoinsTo!)).ToList(), false);
            }).ToList();
            var backend = new DuckDbBackend(Golden.PathOf("seeds", "members.csv"))
            {
                Tables = new Dictionary<string, (string, string)>
                {
                    ["members"] = (Golden.PathOf("seeds", "members.csv"), "seeds/members.csv"),
                    ["episodes"] = (episodes, "episodes.csv"),
                },
            };
            var run = backend.RunTables(jobs, Location.OfFile("bundle-bpci-members.vbc"));
            Assert.Empty(run.Failure);
            Assert.Equal(inDuckDb, run.ReadByVbc is null);
            if (inDuckDb)
            {
                Assert.Equal(new[] { "members", "episodes" }, run.Tables.Select(t => t.Lowered.Program.Table));
                var episodeTable = run.Tables[1];
                Assert.Equal(1500, episodeTable.Rows);
                Assert.Equal(42_953_031.15m, episodeTable.Dollars);
                Assert.Equal(1500, episodeTable.Result.Population.RowsRead);
                Assert.Equal(5000, run.Tables[0].Rows);
                Assert.False(run.Tables[0].HasMoney);
            }
            else
            {
                var sources = run.ReadByVbc!();
                foreach (var source in sources.Values.OfType<IDisposable>())
                {
                    source.Dispose();
                }
                Assert.Equal(new[] { "episodes", "members" }, sources.Keys.Order(StringComparer.Ordinal));
            }
        }
        finally
        {
            File.Delete(episodes);
        }
    }

    /// <summary>
    /// A long claims file for the seed members, their inpatient and pharmacy costs taken out of the member file: each
    /// inpatient cost as two claims (categories written in other cases and with spaces, as the claims reader compares
    /// them), each pharmacy cost as one; members with a cost of 0 have no claim. The edits: as it is; a claim in a
    /// category the contract does not declare; claims of a member id with no row; a claim in a category the member file
    /// also has as a column; an amount the reader refuses; amounts written $1,234.50 and with more decimals; a claims file without claims (refused, VBC3004).
    /// </summary>
    public static TheoryData<string> ClaimsCases() => new() { "split", "unknown category", "orphan", "column in both", "bad amount", "odd amounts", "empty" };

    [Theory]
    [MemberData(nameof(ClaimsCases))]
    public void A_claims_file_summed_per_member_settles_in_duckdb_to_the_in_memory_statement(string edit)
    {
        const string contract = "contracts/mssp-basic-a.vbc";
        var (members, claims) = ClaimsFiles(edit);
        string folder = Path.Combine(Path.GetTempPath(), $"vbc-duck-claims-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string memberFile = Path.Combine(folder, "members.csv"), claimsFile = Path.Combine(folder, "claims.csv");
            File.WriteAllLines(memberFile, members);
            File.WriteAllLines(claimsFile, claims);
            foreach (var extra in new[] { Array.Empty<string>(), new[] { "--format", "json" }, new[] { "--exclude-bad-rows" } })
            {
                var run = new[] { "settle", contract, "--data", memberFile, "--claims", claimsFile }.Concat(StageBaselineTests.RunArguments(contract)).Concat(extra).ToArray();
                var (memory, duck) = SettlesAsInMemory($"{edit} {string.Join(' ', extra)}", run);
                if (edit == "empty")
                {
                    // A claims file without claims is refused alike.
                    Assert.Contains("error VBC3004", duck.Error);
                }
                if (edit is "split" or "odd amounts")
                {
                    Assert.True(memory.ExitCode == 0, memory.Error);
                }
            }
            if (edit == "split")
            {
                // The claims give back the member file's own costs: the statement's total is the seed file's.
                var seed = CliRunner.Run(new[] { "settle", contract, "--data", "seeds/members.csv" }.Concat(StageBaselineTests.RunArguments(contract)).ToArray());
                var duck = CliRunner.Run(new[] { "settle", contract, "--data", memberFile, "--claims", claimsFile, "--engine", "duckdb" }.Concat(StageBaselineTests.RunArguments(contract)).ToArray());
                string Total(string statement) => statement.Split('\n').First(l => l.TrimStart().StartsWith("TOTAL", StringComparison.Ordinal));
                Assert.Equal(Total(seed.Output), Total(duck.Output));
            }
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Theory]
    [InlineData("split", true)]
    [InlineData("odd amounts", true)]
    [InlineData("orphan", false)]
    [InlineData("unknown category", false)]
    [InlineData("column in both", false)]
    public void Claims_are_summed_in_duckdb_only_when_vbcs_reader_has_nothing_to_say_about_them(string edit, bool ordinary)
    {
        // The mechanism itself (the CLI's statements are equal either way): which claims DuckDB sums, and the sums.
        var (members, claims) = ClaimsFiles(edit);
        string folder = Path.Combine(Path.GetTempPath(), $"vbc-duck-claims-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string memberFile = Path.Combine(folder, "members.csv"), claimsFile = Path.Combine(folder, "claims.csv");
            File.WriteAllLines(memberFile, members);
            File.WriteAllLines(claimsFile, claims);
            var contract = PluginHost.Bind(ContractParser.ParseFile(Golden.PathOf("contracts", "mssp-basic-a.vbc")));
            var specs = contract.Columns.Select(ColumnSpec.From).Where(s => s.Name is not ("inpatient" or "pharmacy")).ToList();
            using var connection = new DuckDBConnection("DataSource=:memory:");
            connection.Open();
            Assert.Null(DuckDbValues.Load(connection, memberFile, "members.csv", false, specs.Select((s, i) => ColumnPlan.For(s, i, required: false)).ToList(), "vbc_member_file").Refusal);
            Assert.Null(DuckDbValues.Load(connection, claimsFile, "claims.csv", false, ClaimsColumns.Plans(), "vbc_claims").Refusal);
            Assert.Equal(ordinary, DuckDbValues.ClaimsInTheOrdinary(connection, "member_id", new[] { "inpatient", "pharmacy" }));
            if (!ordinary)
            {
                return;
            }
            DuckDbValues.JoinClaims(connection, "member_id", new[] { "inpatient", "pharmacy" });
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*), CAST(SUM(inpatient) AS VARCHAR), CAST(SUM(pharmacy) AS VARCHAR), COUNT(*) FILTER (WHERE inpatient = 0) FROM members";
            using var reader = command.ExecuteReader();
            reader.Read();
            decimal Sum(int column) => claims.Skip(1).Select(l => l.Split(',', 3)).Where(c => c[1].Trim().Equals(column == 1 ? "inpatient" : "pharmacy", StringComparison.OrdinalIgnoreCase))
                .Sum(c => decimal.Parse(c[2].Trim('"').Replace("$", "").Replace(",", ""), CultureInfo.InvariantCulture));
            Assert.Equal(5000L, Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture));
            Assert.Equal(Sum(1), decimal.Parse(reader.GetString(1), CultureInfo.InvariantCulture));
            Assert.Equal(Sum(2), decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture));
            Assert.True(Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture) > 0, "members without an inpatient claim have 0");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>The seed member file without its inpatient and pharmacy columns, and those costs as a long claims file (edited).</summary>
    internal static (List<string> Members, List<string> Claims) ClaimsFiles(string edit)
    {
        var lines = File.ReadAllLines(Golden.PathOf("seeds", "members.csv"));
        var header = lines[0].Split(',');
        int inpatient = Array.IndexOf(header, "inpatient"), pharmacy = Array.IndexOf(header, "pharmacy");
        var members = new List<string>();
        var claims = new List<string> { "member_id,category,amount" };
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            var cells = line.Split(',');
            members.Add(string.Join(',', cells.Where((_, c) => c != inpatient && c != pharmacy)));
            if (i == 0 || edit == "empty")
            {
                continue;
            }
            decimal cost = decimal.Parse(cells[inpatient], CultureInfo.InvariantCulture);
            if (cost != 0)
            {
                decimal half = Math.Round(cost / 2, 2);
                claims.Add($"{cells[0]},{(i % 2 == 0 ? "inpatient" : " Inpatient ")},{half.ToString(CultureInfo.InvariantCulture)}");
                claims.Add($"{cells[0]},INPATIENT,{(cost - half).ToString(CultureInfo.InvariantCulture)}");
            }
            if (decimal.Parse(cells[pharmacy], CultureInfo.InvariantCulture) != 0)
            {
                claims.Add($"{cells[0]},pharmacy,{cells[pharmacy]}");
            }
        }
        switch (edit)
        {
            case "unknown category":
                claims.Add("M00000001,dental,120.00");
                break;
            case "orphan":
                claims.Add("NOPE-1,inpatient,99.99");
                break;
            case "column in both":
                claims.Add("M00000001,outpatient,10.00");
                break;
            case "bad amount":
                claims.Add("M00000001,inpatient,\"12,5\"");
                break;
            case "odd amounts":
                claims.Add("M00000001,inpatient,\"$1,234.50\"");
                claims.Add("M00000002,pharmacy,0.125");
                claims.Add("M00000003,pharmacy,-10.1");
                break;
        }
        return (members, claims);
    }

    [Fact]
    public void Each_run_bounds_duckdbs_memory_and_spills_to_a_folder_of_its_own_removed_after_it()
    {
        string spill;
        using (var session = new DuckDbSession())
        {
            using var command = session.Connection.CreateCommand();
            command.CommandText = "SELECT current_setting('memory_limit'), current_setting('temp_directory')";
            using var reader = command.ExecuteReader();
            reader.Read();
            // DuckDB shows 1GB as 953.6 MiB (its bound in bytes, 10^9).
            Assert.Equal("953.6 MiB", reader.GetString(0));
            spill = reader.GetString(1);
            Assert.StartsWith(Path.Combine(Path.GetTempPath(), "vbc-duckdb-"), spill);
            // A sort larger than a low bound spills there rather than failing.
            using var low = session.Connection.CreateCommand();
            low.CommandText = "SET memory_limit = '64MB'; CREATE TEMP TABLE t AS SELECT range AS i, md5(range::VARCHAR) AS h FROM range(3000000); "
                + "SELECT COUNT(*) FROM (SELECT h, ROW_NUMBER() OVER (ORDER BY h) AS n FROM t)";
            Assert.Equal(3_000_000L, Convert.ToInt64(low.ExecuteScalar(), CultureInfo.InvariantCulture));
            Assert.True(Directory.Exists(spill), "DuckDB spilled nothing: the bound was not applied");
        }
        Assert.False(Directory.Exists(spill), "the spill folder outlived the run");
    }

    /// <summary>Text, number kinds and the strings tried on each: the reader's own cases and near misses.</summary>
    private static readonly string[] Cells =
    {
        "", " ", "0", "-0", "+0", "1", "12", "12.", ".5", ".", "-", "+", "$", "$1", "-$1", "$-1", "+$1", "$+1", "-$-1", "$$1", "1$",
        "1,234", "1,234.56", "$1,234.56", "12,5", "1,23", "1234,567", ",123", "1,,234", "1,234,567.891", "0,123", "1 234",
        "1e3", "1E3", "0x10", "١٢", "12.5.1", "--1", "+-1", "92%", "92 %", "-5%", "%", "1.5%", ".5%", "5.%", "100%", "101%",
        "0.92", "1", "1.0", "-1", "1.01", "-1.01", "12.0", "12.000", "13", "7.5", "2024", "02024", "999", "10000", "2024.0", "2024.5",
        "true", "FALSE", "Yes", "no", "y", "N", "t", "F", "2", "yes ", "2024-02-29", "2023-02-29", "2024-13-01", "0000-01-01", "2024-1-01",
        "  12  ", "\t12", "79228162514264337593543950335", "7922816251426433759354395033", "0.0000000000000000000000000001",
        "1234567890123456789012345678", "12345678901234567890123456789", "0.1234567890123456789012345678",
        "000000000000000000000000000000001", "1.10", "-0.00", "00012", "1,000,000", "$0.01", "-.5", "+.5",
        // Plain cells (digits, a point, an optional minus), which take the cheap path, and their near misses.
        "007", "-12.5", "-7.25", "-0.", "0.", "5.", "-5.", "11.999", "12.5", "12.0001", "0012.0", "2024.000", "-2024", "-1.0", "1.000001",
        "1.0000000000000000000000000001", "123456789012345678.1234567891", "1234567890123456789012345678.", "-1234567890123456789012345678",
        "99999999999999999999.99", "0.5-", "1-2", "-", "-.", "1..2", "01", "10", "1 ", " 0", "0\t",
    };

    [Fact]
    public void Every_cell_the_sql_predicates_accept_the_reader_accepts_with_the_same_value()
    {
        var random = new Random(12);
        const string alphabet = "0123456789.,$+-% \t";
        var cells = Cells.Concat(Enumerable.Range(0, 3000).Select(_ => new string(Enumerable.Range(0, random.Next(1, 9)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray())))
            .Distinct().ToList();
        var types = new (string Word, ValueType Type)[]
        {
            ("money", ValueType.Money), ("number", ValueType.Number), ("percent", ValueType.Percent), ("count", ValueType.Count),
            ("year", ValueType.Year), ("member months", ValueType.MemberMonths), ("flag", ValueType.Flag), ("date", ValueType.Date), ("text", ValueType.Text),
        };
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE raw (c VARCHAR)";
            create.ExecuteNonQuery();
        }
        using (var appender = connection.CreateAppender("raw"))
        {
            foreach (var cell in cells)
            {
                appender.CreateRow().AppendValue(cell).EndRow();
            }
        }
        var failures = new List<string>();
        int accepted = 0;
        int plain = 0;
        foreach (var (word, type) in types)
        {
            var plan = ColumnPlan.For(new ColumnSpec("c", type, false), 0, required: false);
            var cell = DuckDbValues.Cell.For(plan, "c", "VARCHAR")!;
            using var command = connection.CreateCommand();
            // Fractions of up to 8 digits here so one DECIMAL(38, 8) holds every accepted value of the column. A cell in
            // the plain shape must also convert by the plain conversion (used when a whole column is plain) to the same value.
            string plainValue = cell.Shape is null ? "NULL" : $"CASE WHEN {cell.Shape} THEN CAST({cell.PlainValue!(28, 8)} AS VARCHAR) END";
            command.CommandText = $"SELECT c, CAST({cell.Value(28, 8)} AS VARCHAR), {plainValue} FROM raw WHERE COALESCE({cell.Valid}, FALSE) AND {cell.Fraction ?? "0"} <= 8 AND {cell.Whole ?? "0"} <= 28";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                accepted++;
                string text = reader.GetString(0);
                string value = reader.GetString(1);
                if (!reader.IsDBNull(2))
                {
                    plain++;
                    if (reader.GetString(2) != value)
                    {
                        failures.Add($"{word} '{text}': plain conversion {reader.GetString(2)}, general {value}");
                    }
                }
                var bytes = CsvSyntax.Trim(Encoding.UTF8.GetBytes(text));
                switch (plan.Kind)
                {
                    case PlanKind.Flag:
                        if (ValueParsers.ParseFlag(bytes, out bool flag) != ParseOutcome.Ok || flag != bool.Parse(value))
                        {
                            failures.Add($"{word} '{text}': SQL {value}, reader {ValueParsers.ParseFlag(bytes, out _)} {flag}");
                        }
                        break;
                    case PlanKind.Date:
                        if (ValueParsers.ParseDate(bytes, out var date) != ParseOutcome.Ok || date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) != value)
                        {
                            failures.Add($"{word} '{text}': SQL {value}, reader {date}");
                        }
                        break;
                    case PlanKind.Text:
                        if (Encoding.UTF8.GetString(bytes) != value)
                        {
                            failures.Add($"{word} '{text}': SQL '{value}', reader '{Encoding.UTF8.GetString(bytes)}'");
                        }
                        break;
                    default:
                        var outcome = ValueParsers.ParseNumber(plan.Kind, bytes, plan.AllowDollar, out decimal number);
                        if (outcome != ParseOutcome.Ok || number != decimal.Parse(value, CultureInfo.InvariantCulture))
                        {
                            failures.Add($"{word} '{text}': SQL {value}, reader {outcome} {number}");
                        }
                        break;
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(accepted > 300, $"only {accepted} cells accepted: the test would prove little");
        Assert.True(plain > 100, $"only {plain} cells in a plain shape: the cheap path would be proved on little");
    }

    /// <summary>The statement without its command line (which carries --engine).</summary>
    /// <summary>
    /// Runs the settle command in memory and through DuckDB and asserts the two agree: the same exit code, the same
    /// diagnostics and the same statement (but for the command line it records).
    /// </summary>
    private static (CliRunner.Result Memory, CliRunner.Result Duck) SettlesAsInMemory(string what, string[] run)
    {
        var memory = CliRunner.Run(run);
        var duck = CliRunner.Run(run.Concat(new[] { "--engine", "duckdb" }).ToArray());
        Assert.True(memory.ExitCode == duck.ExitCode, $"{what}: exit {memory.ExitCode} in memory, {duck.ExitCode} in DuckDB\n{memory.Error}\n{duck.Error}");
        Assert.Equal(memory.Error, duck.Error);
        Assert.Equal(WithoutCommand(memory.Output), WithoutCommand(duck.Output));
        return (memory, duck);
    }

    internal static string WithoutCommand(string statement) =>
        string.Join("\n", statement.Split('\n').Where(l => !l.TrimStart().StartsWith("Command ", StringComparison.Ordinal) && !l.Contains("\"command\"", StringComparison.Ordinal)));
}

/// <summary>The example contracts and their one data file (from the header comment "Settle the example: vbc ...").</summary>
internal static class Examples
{
    public static IEnumerable<string> All() =>
        Directory.GetFiles(Golden.PathOf("contracts"), "*.vbc", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Golden.RepositoryRoot, f).Replace('\\', '/'))
            .OrderBy(f => f, StringComparer.Ordinal);

    public static string? DataFile(string contract)
    {
        if (ExampleHeader.Command(contract) is not { } args)
        {
            return null;
        }
        var data = args.Select((a, i) => (a, i)).Where(p => p.a == "--data").Select(p => args[p.i + 1]).ToList();
        return data.Count == 1 && !data[0].Contains('=') && !args.Contains("--claims") && !args.Contains("--plugins") ? data[0] : null;
    }
}
