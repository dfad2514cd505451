using System.Globalization;
using DuckDB.NET.Data;

namespace Vbc.Benchmarks;

/// <summary>
/// The hand-written DuckDB query a peer of vbc in the benchmark: what an analyst writes to settle
/// contracts/mssp-basic-e.vbc over the generated member file, with read_csv and DECIMAL columns and quantile_cont for
/// the 99th percentile, run in this small .NET host with DuckDB.NET.Data.Full (DuckDB in process, all cores). The
/// orchestrator times the whole process, as it times `vbc settle`. DuckDB's own arithmetic: quantile_cont on a
/// DECIMAL(18,2) column rounds the percentile to cents, and DECIMAL division gives a DOUBLE, so its total may differ
/// from vbc's exact one; the report shows by how much.
/// </summary>
internal static class DuckDbQuery
{
    private static readonly string[] Money = { "inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health", "behavioral", "transplant", "dialysis", "specialty_rx" };

    public static string Sql(string file, decimal quality, decimal revenue)
    {
        string columns = "{" + string.Join(", ", Data.Synthetic.MemberDataGenerator.Columns.Select(c => $"'{c}': '{TypeOf(c)}'")) + "}";
        string q = quality.ToString(CultureInfo.InvariantCulture), r = revenue.ToString(CultureInfo.InvariantCulture);
        return $"""
            WITH pop AS (
                SELECT member_months AS mm, risk_score AS risk,
                       inpatient + outpatient + professional + pharmacy + snf + home_health AS cost
                FROM read_csv('{file.Replace("'", "''", StringComparison.Ordinal)}', header = true, columns = {columns})
                WHERE attributed = 1 AND esrd = 0 AND member_months > 0
            ),
            stats AS (
                SELECT count(*) AS n, sum(mm) AS mm, sum(risk * mm) AS risk_mm, quantile_cont(cost, 0.99) AS p99 FROM pop
            ),
            counted AS (
                SELECT sum(least(p.cost, s.p99)) AS actual, count(*) FILTER (WHERE p.cost > s.p99) AS truncated
                FROM pop p CROSS JOIN stats s
            ),
            bench AS (
                SELECT s.*, c.actual, c.truncated,
                       812.00 * (1 + 0.031) * least(s.risk_mm / s.mm / 1.000, 1 + 0.03) * s.mm AS benchmark
                FROM stats s CROSS JOIN counted c
            ),
            sharing AS (
                SELECT b.*, b.benchmark - b.actual AS savings, (b.benchmark - b.actual) / b.benchmark AS rate FROM bench b
            ),
            lines AS (
                SELECT s.*,
                       CASE WHEN s.savings > 0 AND s.rate >= 0.02 THEN least(s.savings * (0.50 * {q}), 0.10 * s.benchmark) ELSE 0 END AS shared_savings,
                       CASE WHEN s.savings < 0 AND -s.rate >= 0.02 THEN least(-s.savings * 0.30, least(0.08 * {r}, 0.04 * s.benchmark)) ELSE 0 END AS shared_losses
                FROM sharing s
            )
            SELECT n, mm, p99, actual, benchmark, round(shared_savings, 2) - round(shared_losses, 2) AS total FROM lines
            """;
    }

    private static string TypeOf(string column) => column switch
    {
        "member_id" or "organisation_id" or "sex" => "VARCHAR",
        "risk_score" => "DECIMAL(18,3)",
        "member_months" => "DECIMAL(18,2)",
        _ when Money.Contains(column) => "DECIMAL(18,2)",
        _ => "INTEGER",
    };

    /// <summary>Runs the query over <paramref name="file"/> and prints its figures and a TOTAL line (the orchestrator reads the total).</summary>
    public static int Run(string file, decimal quality, decimal revenue)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = Sql(Path.GetFullPath(file), quality, revenue);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            Console.Error.WriteLine("The DuckDB query returned no row.");
            return 1;
        }
        string Cell(int i) => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "";
        Console.Out.WriteLine($"members {Cell(0)} member_months {Cell(1)} p99 {Cell(2)} actual {Cell(3)} benchmark {Cell(4)}");
        decimal total = Convert.ToDecimal(reader.GetValue(5), CultureInfo.InvariantCulture);
        Console.Out.WriteLine($"TOTAL {total.ToString("0.00", CultureInfo.InvariantCulture)}");
        return 0;
    }
}
