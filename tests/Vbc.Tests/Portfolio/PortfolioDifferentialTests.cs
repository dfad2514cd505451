using System.Globalization;
using System.Text;
using System.Text.Json;
using Vbc.Data;
using Vbc.Parsing;
using Vbc.Portfolio;
using Vbc.Reports;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Tests.Infrastructure;
using Xunit;

namespace Vbc.Tests.Portfolio;

/// <summary>
/// A portfolio settled in one pass gives every organisation the statement it gets when settled alone on its own rows
/// of the same file (<see cref="FilteredMemberSource"/>, the way organisations were settled before): line for line,
/// population, exclusions, truncation, rows left out with their file lines, and the diagnostics of those that fail.
/// </summary>
public sealed class PortfolioDifferentialTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"vbc-portfolio-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public PortfolioDifferentialTests() => Directory.CreateDirectory(_folder);

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

    private static BoundContract Bind(string text, string name) => Binder.Bind(ContractParser.Parse(text, name));

    /// <summary>Settles the portfolio in one pass and each organisation alone; asserts they agree; returns the portfolio.</summary>
    private static PortfolioResult SettleBothWays(BoundContract contract, string dataPath, string inputsPath, bool excludeBadRows, string column = "organisation_id", bool gatherRows = false)
    {
        var inputs = InputsFile.Read(inputsPath);
        Assert.False(inputs.HasErrors);
        PortfolioResult portfolio;
        using (var data = new CsvMemberSource(dataPath, excludeBadRows: excludeBadRows))
        {
            portfolio = PortfolioSettlement.Settle(contract, new PortfolioRequest { InputsFile = inputs, Data = data, ExcludeBadRows = excludeBadRows, GatherRows = gatherRows });
        }
        Assert.False(portfolio.Failed, string.Join("\n", portfolio.Problems) + portfolio.UsageProblem);
        Assert.Equal(inputs.Rows.Count, portfolio.Entries.Count);
        foreach (var (entry, row) in portfolio.Entries.Zip(inputs.Rows))
        {
            var given = row.Values.Where(v => !v.Key.Equals(column, StringComparison.OrdinalIgnoreCase))
                .ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
            var cells = given.Keys.ToDictionary(k => k, k => new Diagnostics.Location(inputs.File, (int)row.Line, row.ColumnOf(k)), StringComparer.OrdinalIgnoreCase);
            using var whole = new CsvMemberSource(dataPath, excludeBadRows: excludeBadRows);
            var alone = SettlementEngine.Settle(contract, new SettlementRequest
            {
                Inputs = given,
                InputLocations = cells,
                Data = new FilteredMemberSource(whole, column, entry.Organisation),
                ExcludeBadRows = excludeBadRows,
                Organisation = entry.Organisation,
            });
            Assert.Equal(alone.Succeeded, entry.Result.Succeeded);
            if (alone.Succeeded)
            {
                // The JSON statement carries every exact value, line and left-out row: equal text, equal statements.
                Assert.Equal(JsonStatementWriter.Write(alone.Statement!), JsonStatementWriter.Write(entry.Result.Statement!));
                Assert.Equal(TextStatementWriter.Write(alone.Statement!), TextStatementWriter.Write(entry.Result.Statement!));
            }
            else
            {
                Assert.Equal(string.Join("\n", alone.Diagnostics), string.Join("\n", entry.Result.Diagnostics));
            }
        }
        return portfolio;
    }

    private static string EnhancedByOrganisation() =>
        File.ReadAllText(Golden.PathOf("contracts", "mssp-enhanced.vbc")).Replace("data {\n  member_id: id\n", "data {\n  member_id: id\n  organisation_id: text\n");

    [Fact]
    public void On_the_seed_data_every_organisation_gets_the_statement_it_gets_alone()
    {
        var contract = Bind(EnhancedByOrganisation(), "enhanced-by-organisation.vbc");
        var inputs = Write("acos.csv", "organisation_id,quality_score\nACO-01,95%\nACO-02,80%\nACO-03,0.9\n");
        var portfolio = SettleBothWays(contract, Golden.PathOf("seeds", "members.csv"), inputs, excludeBadRows: false);
        Assert.All(portfolio.Entries, e => Assert.True(e.Result.Succeeded));
        Assert.True(portfolio.Reconciliation!.Balances);
        Assert.Equal(5000, portfolio.Reconciliation.SettledRows);
        Assert.Empty(portfolio.Unlisted);
    }

    [Fact]
    public void From_parquet_every_organisation_gets_the_statement_it_gets_from_csv()
    {
        // The Parquet reader hands the ids on as UTF-8 bytes and recycles its batches; the router copies each row to
        // its organisation's buffer: the statements are those of the CSV file, but for the file's name and hash.
        var contract = Bind(EnhancedByOrganisation(), "enhanced-by-organisation.vbc");
        var inputs = InputsFile.Read(Write("acos.csv", "organisation_id,quality_score\nACO-01,95%\nACO-02,80%\nACO-03,0.9\n"));
        string csv = Golden.PathOf("seeds", "members.csv");
        string parquet = Path.Combine(_folder, "members.parquet");
        Assert.DoesNotContain(ParquetMemberWriter.FromCsv(csv, contract.Columns.Select(ColumnSpec.From).ToList(), parquet), d => d.IsError);

        PortfolioResult Settle(IMemberSource data)
        {
            using (data as IDisposable)
            {
                return PortfolioSettlement.Settle(contract, new PortfolioRequest { InputsFile = inputs, Data = data });
            }
        }
        var fromCsv = Settle(new CsvMemberSource(csv));
        var fromParquet = Settle(new ParquetMemberSource(parquet));

        // The Parquet file holds only the contract's columns: the CSV file's note on the columns it does not use goes.
        string Normalised(PortfolioEntry entry, string path) => string.Join("\n", System.Text.RegularExpressions.Regex
            .Replace(TextStatementWriter.Write(entry.Result.Statement!), "DATA NOTES\n-+\n  Columns in the data that the contract does not use: [^\n]*\n", "")
            .Split('\n').Where(l => l.Trim().Length > 0 && !l.Contains("sha256", StringComparison.Ordinal)).Select(l => l.Replace(path, "DATA", StringComparison.Ordinal)));
        Assert.Equal(3, fromParquet.Entries.Count(e => e.Result.Succeeded));
        Assert.Equal(fromCsv.Entries.Select(e => Normalised(e, csv)), fromParquet.Entries.Select(e => Normalised(e, parquet)));
        Assert.Equal(fromCsv.Reconciliation!.SettledRows, fromParquet.Reconciliation!.SettledRows);
    }

    /// <summary>
    /// A test contract with a per-row expression that can fail (a division by the risk score, 0 on some rows), a
    /// percentile truncation and an inclusion flag and exclusion flag.
    /// </summary>
    private const string GeneratedContract = """
contract "Portfolio differential" {
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
}

population {
  include: attributed
  exclude: esrd or inpatient / risk_score > $900,000.00
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
    /// 24 organisations over 6,000 rows, in random order: ORG-05 has only rows with 0 member months, ORG-06 only rows
    /// excluded (esrd), ORG-07 many members with the same cost (ties at the percentile), ORG-08 a row whose risk score is
    /// 0 (its exclusion test divides by it), and the rows of ORG-99 have no row in the inputs file.
    /// </summary>
    private (string Data, string Inputs) Generated()
    {
        var random = new Random(20261128);
        var rows = new List<string>();
        int id = 0;
        void Member(string org, int months, decimal risk, bool attributed, bool esrd, decimal inpatient, decimal outpatient) =>
            rows.Add(string.Join(",", $"M{++id:D6}", org, months.ToString(CultureInfo.InvariantCulture), risk.ToString(CultureInfo.InvariantCulture),
                attributed ? "1" : "0", esrd ? "1" : "0", inpatient.ToString("0.00", CultureInfo.InvariantCulture), outpatient.ToString("0.00", CultureInfo.InvariantCulture)));
        for (int o = 1; o <= 23; o++)
        {
            string org = $"ORG-{o:D2}";
            int count = 60 + random.Next(400);
            for (int m = 0; m < count; m++)
            {
                int months = o == 5 ? 0 : 1 + random.Next(12);
                decimal cost = o == 7 && m % 3 > 0 ? 1234.56m : Math.Round((decimal)(random.NextDouble() * random.NextDouble()) * 40_000m, 2);
                decimal risk = o == 8 && m == 17 ? 0m : Math.Round(0.4m + (decimal)random.NextDouble() * 1.6m, 3);
                bool problemRow = risk == 0;
                Member(org, months, risk, problemRow || random.Next(20) > 0, o == 6 || (!problemRow && random.Next(50) == 0), Math.Round(cost * 0.6m, 2), cost - Math.Round(cost * 0.6m, 2));
            }
        }
        for (int m = 0; m < 40; m++)
        {
            Member("ORG-99", 12, 1.0m, true, false, 100m, 50m);
        }
        var shuffled = rows.OrderBy(_ => random.Next()).ToList();
        var data = Write("members.csv", "member_id,organisation_id,member_months,risk_score,attributed,esrd,inpatient,outpatient\n" + string.Join("\n", shuffled) + "\n");
        var inputs = new StringBuilder("organisation_id,quality_score\n");
        for (int o = 1; o <= 23; o++)
        {
            inputs.Append($"ORG-{o:D2},{70 + o}%\n");
        }
        return (data, Write("orgs.csv", inputs.ToString()));
    }

    [Theory]
    [InlineData(false)] // every organisation's stage reads the reader's batches through its rows' indexes
    [InlineData(true)] // the organisations' rows gathered into a batch of their own, as when their programs differ
    public void On_generated_data_with_edge_cases_every_organisation_gets_the_statement_it_gets_alone(bool gatherRows)
    {
        var contract = Bind(GeneratedContract, "portfolio-differential.vbc");
        Assert.False(contract.HasErrors, string.Join("\n", contract.Diagnostics));
        var (data, inputs) = Generated();
        foreach (bool excludeBadRows in new[] { false, true })
        {
            var portfolio = SettleBothWays(contract, data, inputs, excludeBadRows, gatherRows: gatherRows);
            var byOrg = portfolio.Entries.ToDictionary(e => e.Organisation);
            // Zero member months and every row excluded: nobody to settle (VBC4011), as alone.
            Assert.Contains(byOrg["ORG-05"].Result.Diagnostics, d => d.Code == "VBC4011");
            Assert.Contains(byOrg["ORG-06"].Result.Diagnostics, d => d.Code == "VBC4011");
            // The row whose risk score is 0 fails its organisation, named with its line of the whole file; or is left out.
            if (excludeBadRows)
            {
                var left = Assert.Single(byOrg["ORG-08"].Result.Statement!.Data!.ExcludedRows);
                Assert.Equal(File.ReadAllLines(data)[(int)left.Line - 1].Split(',')[0], left.MemberId);
            }
            else
            {
                Assert.Equal("VBC4013", Assert.Single(byOrg["ORG-08"].Result.Diagnostics).Code);
            }
            Assert.Equal(excludeBadRows ? 21 : 20, portfolio.Entries.Count(e => e.Result.Succeeded));
            // The ties: the percentile is one of the tied costs, and members above it are truncated to it.
            Assert.NotNull(byOrg["ORG-07"].Result.Statement!.Population!.TruncationThreshold);

            // Rows of an organisation not in the inputs file: warned with their dollars, and counted.
            var unlisted = Assert.Single(portfolio.Unlisted);
            Assert.Equal(("ORG-99", 40L, 6000.00m), (unlisted.Organisation, unlisted.Rows, unlisted.Dollars!.Value));
            Assert.Contains(portfolio.Warnings, w => w.Code == "VBC3026" && w.Message.Contains("ORG-99"));
            var r = portfolio.Reconciliation!;
            Assert.True(r.Balances);
            Assert.Equal(File.ReadAllLines(data).Length - 1, r.Rows);
            Assert.Equal(40, r.UnlistedRows);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_row_whose_sum_is_not_exact_fails_its_organisation_only_named_as_alone(bool gatherRows)
    {
        // ORG-B's row 7 holds two amounts whose sum decimal cannot hold: its row sum fails when the batch is evaluated
        // (once for both organisations), and only the stage that adds the row fails, as ORG-B alone does.
        var contract = Bind(GeneratedContract, "portfolio-differential.vbc");
        var rows = new StringBuilder("member_id,organisation_id,member_months,risk_score,attributed,esrd,inpatient,outpatient\n");
        for (int m = 1; m <= 40; m++)
        {
            string org = m % 2 == 0 ? "ORG-A" : "ORG-B";
            string costs = m == 7 ? "50000000000000000000000000000,50000000000000000000000000000" : $"{1000 + 37 * m}.25,{200 + m}.50";
            rows.Append($"M{m:D3},{org},12,1.0,1,0,{costs}\n");
        }
        var data = Write("members.csv", rows.ToString());
        var inputs = Write("orgs.csv", "organisation_id,quality_score\nORG-A,90%\nORG-B,85%\n");
        var portfolio = SettleBothWays(contract, data, inputs, excludeBadRows: false, gatherRows: gatherRows);
        Assert.True(portfolio.Entries[0].Result.Succeeded);
        var problem = Assert.Single(portfolio.Entries[1].Result.Diagnostics);
        Assert.Equal("VBC3040", problem.Code);
        Assert.Equal(8, problem.Location.Line);
        Assert.Contains("Data row 7 (member M007)", problem.Message);
    }

    [Fact]
    public void An_organisation_without_member_rows_fails_with_its_cell_named_and_the_others_settle()
    {
        var contract = Bind(EnhancedByOrganisation(), "enhanced-by-organisation.vbc");
        var inputs = InputsFile.Read(Write("acos.csv", "organisation_id,quality_score\nACO-01,95%\nACO-09,80%\n"));
        using var data = new CsvMemberSource(Golden.PathOf("seeds", "members.csv"));
        var portfolio = PortfolioSettlement.Settle(contract, new PortfolioRequest { InputsFile = inputs, Data = data });
        Assert.True(portfolio.Entries[0].Result.Succeeded);
        var problem = Assert.Single(portfolio.Entries[1].Result.Diagnostics);
        Assert.Equal("VBC4060", problem.Code);
        Assert.Equal(3, problem.Location.Line);
        Assert.Contains("'ACO-09' has no row in the member file", problem.Message);
        // ACO-02 and ACO-03 are in the data but not in the inputs file: warned, and their dollars accounted for.
        Assert.Equal(new[] { "ACO-02", "ACO-03" }, portfolio.Unlisted.Select(u => u.Organisation).OrderBy(o => o));
        Assert.True(portfolio.Reconciliation!.Balances);
        Assert.Equal(5000, portfolio.Reconciliation.Rows);
    }

    [Fact]
    public void The_total_row_is_the_sum_of_the_organisations_rows_to_the_cent()
    {
        var contract = Bind(GeneratedContract, "portfolio-differential.vbc");
        var (data, inputs) = Generated();
        using var source = new CsvMemberSource(data, excludeBadRows: true);
        var portfolio = PortfolioSettlement.Settle(contract, new PortfolioRequest { InputsFile = InputsFile.Read(inputs), Data = source, ExcludeBadRows = true });
        var csv = PortfolioWriters.Csv(portfolio).TrimEnd('\n').Split('\n').Select(l => l.Split(',')).ToList();
        var header = csv[0];
        var settled = csv.Skip(1).Where(r => r[2] == "settled").ToList();
        var total = csv[^1];
        Assert.Equal(("TOTAL", "total"), (total[0], total[2]));
        Assert.Equal(21, settled.Count);
        string[] summed = { "total", "members", "member_months", "benchmark", "actual", "Shared savings", "Shared losses" };
        foreach (var column in summed)
        {
            int c = Array.IndexOf(header, column);
            Assert.True(c >= 0, column);
            decimal sum = settled.Sum(r => decimal.Parse(r[c], CultureInfo.InvariantCulture));
            Assert.Equal(sum, decimal.Parse(total[c], CultureInfo.InvariantCulture));
        }
        foreach (var column in new[] { "performance_year", "savings_rate", "minimum_savings_rate", "quality" })
        {
            Assert.Equal("", total[Array.IndexOf(header, column)]);
        }
        // The same sums in JSON.
        using var json = JsonDocument.Parse(PortfolioWriters.Json(portfolio));
        var totals = json.RootElement.GetProperty("portfolio").GetProperty("totals");
        Assert.Equal(total[Array.IndexOf(header, "total")], totals.GetProperty("total").GetString());
        Assert.Equal(21, totals.GetProperty("settled").GetInt32());
    }
}
