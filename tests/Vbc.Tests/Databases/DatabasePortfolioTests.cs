using System.Globalization;
using System.Text;
using Vbc.Tests.Infrastructure;

namespace Vbc.Tests.Databases;

/// <summary>
/// vbc settle --inputs --engine duckdb against the in-memory portfolio: the same CSV and JSON, the same diagnostics,
/// over the seed portfolio and generated organisations with edge cases (zero months, every row excluded, ties at the
/// percentile, a row that cannot be computed, rows of an organisation the inputs file does not list) and an input used
/// per member that differs by organisation (one grouped query per distinct member-level program).
/// </summary>
public sealed class DatabasePortfolioTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"vbc-dbportfolio-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public DatabasePortfolioTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, true);
        }
        catch (IOException)
        {
        }
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    internal static string EnhancedByOrganisation() =>
        File.ReadAllText(Golden.PathOf("contracts", "mssp-enhanced.vbc")).Replace("data {\n  member_id: id\n", "data {\n  member_id: id\n  organisation_id: text\n");

    /// <summary>Both engines over the same files: equal output (but the command line) and equal diagnostics; the in-memory run's output.</summary>
    private static CliRunner.Result SameBothWays(string contract, string data, string inputs, string format, int exit = 0, params string[] extra)
    {
        var run = new[] { "settle", contract, "--data", data, "--inputs", inputs, "--format", format }.Concat(extra).ToArray();
        var memory = CliRunner.Run(run);
        Assert.True(memory.ExitCode == exit, memory.Error);
        var duck = CliRunner.Run(run.Concat(new[] { "--engine", "duckdb" }).ToArray());
        Assert.True(duck.ExitCode == exit, duck.Error);
        Assert.Equal(memory.Error, duck.Error);
        Assert.Equal(DuckDbEngineTests.WithoutCommand(memory.Output), DuckDbEngineTests.WithoutCommand(duck.Output));
        return memory;
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public void The_seed_portfolio_gives_the_in_memory_portfolio(string format)
    {
        var contract = Write("enhanced-by-organisation.vbc", EnhancedByOrganisation());
        var inputs = Write("acos.csv", "organisation_id,quality_score\nACO-01,95%\nACO-02,80%\nACO-03,0.9\n");
        var memory = SameBothWays(contract, Golden.PathOf("seeds", "members.csv"), inputs, format);
        Assert.Contains("ACO-03", memory.Output);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public void Exclude_bad_rows_leaves_out_the_rows_the_in_memory_portfolio_leaves_out(string format)
    {
        var contract = Write("enhanced-by-organisation.vbc", EnhancedByOrganisation());
        var inputs = Write("acos.csv", "organisation_id,quality_score\nACO-01,95%\nACO-02,80%\nACO-03,0.9\n");
        // A file without a bad row: DuckDB's figures stand, as in memory.
        SameBothWays(contract, Golden.PathOf("seeds", "members.csv"), inputs, format, 0, "--exclude-bad-rows");

        // Months out of range, a money value DuckDB does not read ('12,5'), a risk score of 0 (a row that cannot be
        // computed), an id given twice: vbc's reader leaves each out of its organisation, listed as in memory.
        var lines = File.ReadAllLines(Golden.PathOf("seeds", "members.csv"));
        var header = lines[0].Split(',').ToList();
        void Set(int row, string column, string value)
        {
            var cells = lines[row].Split(',');
            cells[header.IndexOf(column)] = value;
            lines[row] = string.Join(",", cells);
        }
        Set(5, "member_months", "13");
        Set(30, "inpatient", "\"12,5\"");
        Set(20, "risk_score", "0");
        Set(41, "member_id", lines[40].Split(',')[0]);
        var data = Write("bad-members.csv", string.Join("\n", lines) + "\n");
        var memory = SameBothWays(contract, data, inputs, format, 0, "--exclude-bad-rows");
        Assert.Contains("VBC3018", memory.Error);

        // Without the option both stop alike.
        SameBothWays(contract, data, inputs, format, 1);
    }

    private const string Generated = """
contract "Portfolio through a database" {
  period: 2024-01-01 to 2024-12-31
}

data {
  member_id: id
  organisation_id: text
  member_months: member_months
  risk_score: ratio
  attributed: flag
  esrd: flag
  inpatient: money
  outpatient: money
}

inputs {
  quality_score: percent
  inpatient_limit: money
}

population {
  include: attributed
  exclude: esrd or inpatient > inpatient_limit
}

cost {
  categories: inpatient, outpatient
  truncate at: 95th percentile
}

benchmark {
  base: $420.00 PMPM
  trend: 2%
  risk score: risk_score
  reference risk: 1.000
}

shared savings {
  minimum savings rate: 2%
  sharing: first dollar
  rate: 50% * quality_score
  cap: 10% of benchmark
}

shared losses {
  minimum loss rate: 2%
  rate: 30%
  cap: 5% of benchmark
}
""";

    /// <summary>
    /// 12 organisations in random order: ORG-05 only rows with 0 member months, ORG-06 only excluded rows, ORG-07 many
    /// equal costs (ties at the percentile), ORG-99 not in the inputs file; with <paramref name="problemRow"/>, a risk
    /// score of 0 in ORG-08 (the benchmark's risk adjustment then has rows of 0 risk; the contract divides by nothing per
    /// member, so it is a value, not a problem row) and a cell with $ and separators in ORG-09 (read by the general predicates).
    /// </summary>
    private (string Data, string Inputs) Organisations(bool limitsDiffer)
    {
        var random = new Random(20261128);
        var rows = new List<string>();
        int id = 0;
        for (int o = 1; o <= 11; o++)
        {
            int count = 40 + random.Next(200);
            for (int m = 0; m < count; m++)
            {
                int months = o == 5 ? 0 : 1 + random.Next(12);
                decimal cost = o == 7 && m % 3 > 0 ? 1234.56m : Math.Round((decimal)(random.NextDouble() * random.NextDouble()) * 40_000m, 2);
                string inpatient = o == 9 && m == 3 ? "\"$1,234.50\"" : Math.Round(cost * 0.6m, 2).ToString("0.00", CultureInfo.InvariantCulture);
                rows.Add(string.Join(",", $"M{++id:D6}", $"ORG-{o:D2}", months, Math.Round(0.4m + (decimal)random.NextDouble() * 1.6m, 3).ToString(CultureInfo.InvariantCulture),
                    random.Next(20) > 0 ? "1" : "0", o == 6 || random.Next(50) == 0 ? "1" : "0", inpatient,
                    (cost - Math.Round(cost * 0.6m, 2)).ToString("0.00", CultureInfo.InvariantCulture)));
            }
        }
        for (int m = 0; m < 30; m++)
        {
            rows.Add($"M{++id:D6},ORG-99,12,1.0,1,0,100.00,50.00");
        }
        var data = Write("members.csv", "member_id,organisation_id,member_months,risk_score,attributed,esrd,inpatient,outpatient\n"
            + string.Join("\n", rows.OrderBy(_ => random.Next())) + "\n");
        var inputs = new StringBuilder("organisation_id,quality_score,inpatient_limit\n");
        for (int o = 1; o <= 11; o++)
        {
            inputs.Append(CultureInfo.InvariantCulture, $"ORG-{o:D2},{70 + o}%,{(limitsDiffer ? 15000 + 1000 * (o % 3) : 20000)}\n");
        }
        return (data, Write("orgs.csv", inputs.ToString()));
    }

    [Theory]
    [InlineData(false, "csv")]
    [InlineData(false, "json")]
    [InlineData(true, "csv")]
    [InlineData(true, "json")]
    public void Generated_organisations_with_edge_cases_give_the_in_memory_portfolio(bool limitsDiffer, string format)
    {
        var contract = Write("portfolio.vbc", Generated);
        var (data, inputs) = Organisations(limitsDiffer);
        // ORG-05 and ORG-06 have nobody to settle: the run exits 1 with the others settled.
        var memory = SameBothWays(contract, data, inputs, format, exit: 1);
        Assert.Contains("VBC4011", memory.Error);
        Assert.Contains("VBC3026", memory.Error);
        Assert.Contains("ORG-11", memory.Output);
    }

    [Fact]
    public void A_row_that_cannot_be_computed_is_named_by_vbcs_reader_as_in_memory()
    {
        var contract = Write("portfolio.vbc", Generated.Replace("exclude: esrd or inpatient > inpatient_limit", "exclude: esrd or inpatient / risk_score > inpatient_limit"));
        var (data, inputs) = Organisations(false);
        var lines = File.ReadAllLines(data);
        int row = Array.FindIndex(lines, l => l.Contains(",ORG-08,", StringComparison.Ordinal));
        var cells = lines[row].Split(',');
        cells[3] = "0";
        lines[row] = string.Join(",", cells);
        File.WriteAllLines(data, lines);
        var memory = SameBothWays(contract, data, inputs, "csv", exit: 1);
        Assert.Contains("VBC4013", memory.Error);
    }
}
