using Vbc.Formatting;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Language;

/// <summary>Several tables in one contract: declared, joined by member id, each clause over one table (issue 7, item 1).</summary>
public class DataTableTests
{
    private const string Contract = """
        contract "Episodes with member quality" {
          period: 2024-01-01 to 2024-12-31
        }

        data members {
          member_id: id
          hba1c_num: count
          hba1c_den: count
        }

        data episodes {
          episode_id: id
          member_id: id of members
          episode_type: text
          episode_cost: money
        }

        quality {
          measure diabetes_control {
            numerator: hba1c_num
            denominator: hba1c_den
          }
        }

        bundle "Clinical episodes" {
          table: episodes
          episode type: episode_type
          target price: by episode_type {
            "CHF": $20,000.00
          }
          actual cost: episode_cost
          quality adjustment: 10% * (100% - quality_composite)
        }

        """;

    private static BoundContract Bind(string text) => Binder.Bind(ContractParser.Parse(text, "tables.vbc"));

    [Fact]
    public void Two_tables_joined_by_member_id_check_clean_and_each_clause_knows_its_table()
    {
        var bound = Bind(Contract);
        Assert.Empty(bound.Diagnostics);
        Assert.Equal(new[] { "members", "episodes" }, bound.Tables.Select(t => t.Name));
        var episodes = bound.Tables[1];
        Assert.Equal("episode_id", episodes.IdColumn!.Name);
        var join = Assert.Single(episodes.Joins);
        Assert.Equal(("member_id", "members"), (join.Name, join.JoinsTo!));
        Assert.Equal("member_id", bound.Tables[0].IdColumn!.Name);
        // member_id is declared once (the members' id); the join column shares its name.
        Assert.Single(bound.Columns, c => c.Name == "member_id");
        Assert.Equal("members", bound.Clauses.Single(c => c.Kind.Keyword == "quality").Children.Single().DataTable);
        Assert.Equal("episodes", bound.Clauses.Single(c => c.Kind.Keyword == "bundle").DataTable);
    }

    [Fact]
    public void A_clause_without_table_reads_the_table_of_its_columns()
    {
        var bound = Bind(Contract.Replace("  table: episodes\n", ""));
        Assert.Empty(bound.Diagnostics);
        Assert.Equal("episodes", bound.Clauses.Single(c => c.Kind.Keyword == "bundle").DataTable);
    }

    [Fact]
    public void A_join_column_with_a_name_of_its_own_is_a_column_of_its_table()
    {
        var bound = Bind(Contract.Replace("  member_id: id of members\n", "  patient: id of members\n"));
        Assert.Empty(bound.Diagnostics);
        var patient = Assert.Single(bound.Columns, c => c.Name == "patient");
        Assert.Equal(("episodes", "members"), (patient.Table, patient.JoinsTo!));
        Assert.False(patient.IsId);
    }

    [Fact]
    public void A_single_unnamed_data_block_is_one_table_as_before()
    {
        var bound = Bind(File.ReadAllText(Golden.PathOf("contracts", "bundle-bpci.vbc")));
        Assert.False(bound.HasErrors);
        var table = Assert.Single(bound.Tables);
        Assert.Equal((DataTable.DefaultName, false), (table.Name, table.Named));
        Assert.Equal(DataTable.DefaultName, bound.Clauses.Single(c => c.Kind.Keyword == "bundle").DataTable);
    }

    [Fact]
    public void Formatting_keeps_named_tables_and_joins()
    {
        var parsed = ContractParser.Parse(Contract, "tables.vbc");
        var once = ContractFormatter.Format(parsed);
        Assert.Equal(Contract, once);
        Assert.Equal(once, ContractFormatter.Format(ContractParser.Parse(once, "tables.vbc")));
    }

    /// <summary>Runs 'vbc settle' on the contract text, in a folder of its own with the given files written in it.</summary>
    private static CliRunner.Result SettleIn(string contract, IReadOnlyDictionary<string, string> files, params string[] arguments)
    {
        var dir = Directory.CreateTempSubdirectory("vbc-tables-");
        try
        {
            var path = Path.Combine(dir.FullName, "tables.vbc");
            File.WriteAllText(path, contract);
            foreach (var (name, text) in files)
            {
                File.WriteAllText(Path.Combine(dir.FullName, name), text);
            }
            return CliRunner.Run(new[] { "settle", path }.Concat(arguments.Select(a => a.Replace("DIR/", dir.FullName + "/"))).ToArray());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static readonly Dictionary<string, string> NoFiles = new();

    /// <summary>The contract with a target price for every episode type of seeds/episodes.csv, so it settles.</summary>
    private static readonly string Settled = Contract.Replace("    \"CHF\": $20,000.00\n",
        "    \"CABG\": $46,500.00\n    \"CHF\": $20,000.00\n    \"LEJR\": $25,800.00\n    \"PCI\": $22,000.00\n    \"SEPSIS\": $29,000.00\n    \"SPINAL_FUSION\": $51,000.00\n");

    [Fact]
    public void Two_tables_settle_in_one_run_each_read_by_the_clauses_over_it()
    {
        var run = SettleIn(Settled, NoFiles, "--data", "members=" + Golden.PathOf("seeds", "members.csv"),
            "--data", "episodes=" + Golden.PathOf("seeds", "episodes.csv"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        Assert.Contains("Composite quality score", run.Output);
        Assert.Contains("1,500 episodes", run.Output);
        // The members table declares no money column: its dollars are not measured, never shown as $0.00.
        Assert.Matches(@"members +5,000 +no money columns +0 +no money columns +\S*members\.csv", run.Output);
        Assert.Matches(@"episodes +1,500 +\$42,953,031\.15 +0 +\$0\.00 +\S*episodes\.csv", run.Output);
    }

    [Fact]
    public void An_episode_whose_member_is_not_in_the_members_file_is_reported_with_its_dollars_not_dropped()
    {
        var lines = File.ReadAllLines(Golden.PathOf("seeds", "episodes.csv"));
        // Line 2: E0000001,M00001390,ACO-01,CHF,2024-02-02,55984.92,0; the member becomes one members.csv does not hold.
        Assert.StartsWith("E0000001,M00001390,", lines[1]);
        lines[1] = lines[1].Replace("M00001390", "M99999999");
        var files = new Dictionary<string, string> { ["episodes.csv"] = string.Join("\n", lines) + "\n" };
        var run = SettleIn(Settled, files, "--data", "members=" + Golden.PathOf("seeds", "members.csv"), "--data", "episodes=DIR/episodes.csv");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("episodes.csv(2,2): warning VBC3060: Data row 1 of the table 'episodes': member_id 'M99999999' is not an id of the table 'members'", run.Error);
        Assert.Contains("The row ($55,984.92) is still counted", run.Error);
        // Counted in the bundle (its cost is in the actual cost) and shown on the statement with its dollars.
        Assert.Contains("1,500 episodes", run.Output);
        Assert.Matches(@"episodes +1,500 +\$42,953,031\.15 +1 +\$55,984\.92 +\S*episodes\.csv", run.Output);
        var json = SettleIn(Settled, files, "--data", "members=" + Golden.PathOf("seeds", "members.csv"), "--data", "episodes=DIR/episodes.csv", "--format", "json");
        Assert.Contains("\"unmatchedRows\": 1", json.Output);
        Assert.Contains("\"unmatchedDollars\": \"55984.92\"", json.Output);
    }

    [Fact]
    public void Many_episodes_without_their_member_are_listed_up_to_twenty_then_counted_with_their_dollars()
    {
        var lines = File.ReadAllLines(Golden.PathOf("seeds", "episodes.csv"));
        for (int i = 1; i <= 25; i++)
        {
            var cells = lines[i].Split(',');
            cells[1] = "X" + cells[1];
            lines[i] = string.Join(',', cells);
        }
        var files = new Dictionary<string, string> { ["episodes.csv"] = string.Join("\n", lines) + "\n" };
        var run = SettleIn(Settled, files, "--data", "members=" + Golden.PathOf("seeds", "members.csv"), "--data", "episodes=DIR/episodes.csv");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(20, run.Error.Split('\n').Count(l => l.Contains("warning VBC3060")));
        decimal unlisted = lines.Skip(21).Take(5).Sum(l => decimal.Parse(l.Split(',')[5], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"episodes.csv(22,2): warning VBC3061: 5 more rows of the table 'episodes'", run.Error);
        Assert.Contains($"({Display.Money(unlisted)} in all)", run.Error);
        Assert.Matches(@"episodes +1,500 +\$42,953,031\.15 +25 ", run.Output);
    }

    [Fact]
    public void Rows_left_out_of_any_table_are_listed_with_their_table_file_and_dollars()
    {
        // An episode with an unreadable cost and one whose type has no target price, left out with --exclude-bad-rows:
        // each listed with its file, data row and id; the episodes' dollars in = counted + listed.
        var episodes = File.ReadLines(Golden.PathOf("seeds", "episodes.csv")).Take(11).ToList();
        var header = episodes[0].Split(',');
        int cost = Array.IndexOf(header, "episode_cost"), type = Array.IndexOf(header, "episode_type");
        var unreadable = episodes[4].Split(',');
        unreadable[cost] = "12;5";
        episodes[4] = string.Join(',', unreadable);
        var unpriced = episodes[7].Split(',');
        decimal unpricedCost = decimal.Parse(unpriced[cost], System.Globalization.CultureInfo.InvariantCulture);
        unpriced[type] = "TAVR";
        episodes[7] = string.Join(',', unpriced);
        var run = SettleIn(File.ReadAllText(Golden.PathOf("contracts", "bundle-bpci-members.vbc")), new Dictionary<string, string> { ["episodes.csv"] = string.Join('\n', episodes) + "\n" },
            "--data", "members=" + Golden.PathOf("seeds", "members.csv"), "--data", "episodes=DIR/episodes.csv", "--exclude-bad-rows", "--format", "json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = System.Text.Json.JsonDocument.Parse(run.Output);
        var rows = json.RootElement.GetProperty("data").GetProperty("excludedRows").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal(("episodes", true), (r.GetProperty("table").GetString(), r.GetProperty("file").GetString()!.EndsWith("episodes.csv", StringComparison.Ordinal))));
        Assert.Equal((4L, 5L), (rows[0].GetProperty("dataRow").GetInt64(), rows[0].GetProperty("line").GetInt64()));
        // The data row after a row left out unreadable is still the file's own (row 7, not 6).
        Assert.Equal((7L, 8L, "E0000007"), (rows[1].GetProperty("dataRow").GetInt64(), rows[1].GetProperty("line").GetInt64(), rows[1].GetProperty("memberId").GetString()));
        Assert.Equal(unpricedCost, decimal.Parse(rows[1].GetProperty("dollars").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        var table = json.RootElement.GetProperty("data").GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "episodes");
        decimal tableDollars = decimal.Parse(table.GetProperty("dollars").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        decimal counted = decimal.Parse(json.RootElement.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("id").GetString() == "bundle.clinical-episodes.actual").GetProperty("value").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(tableDollars, counted + unpricedCost);
    }

    [Fact]
    public void The_html_statement_shows_each_tables_file_rows_and_dollars()
    {
        var run = SettleIn(Settled, NoFiles, "--data", "members=" + Golden.PathOf("seeds", "members.csv"),
            "--data", "episodes=" + Golden.PathOf("seeds", "episodes.csv"), "--format", "html");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("<h3>Tables</h3>", run.Output);
        Assert.Matches(@"<td class=""text"">episodes</td><td class=""text""><code>\S*episodes\.csv</code></td><td class=""num"">1,500</td><td class=""num"">\$42,953,031\.15</td><td class=""num"">0</td>", run.Output);
    }

    [Fact]
    public void A_table_without_its_file_stops_the_run_naming_the_table()
    {
        var run = SettleIn(Settled, NoFiles, "--data", "episodes=" + Golden.PathOf("seeds", "episodes.csv"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("tables.vbc(5,1): error VBC4046: The contract reads the table 'members': give its file with --data members=FILE", run.Error);
    }

    [Fact]
    public void A_population_clause_over_a_joined_table_is_refused_not_applied_to_the_members()
    {
        var text = Settled + """

            population {
              table: episodes
              exclude: episode_cost > $100,000.00
            }

            """;
        var run = SettleIn(text, NoFiles, "--data", "members=" + Golden.PathOf("seeds", "members.csv"),
            "--data", "episodes=" + Golden.PathOf("seeds", "episodes.csv"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error VBC4045: 'population' reads the table 'episodes' and sets who is in the population", run.Error);
    }
}
