using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Vbc.Benchmarks;

/// <summary>Where the benchmark's PostgreSQL server is (started by bench/postgres.sh).</summary>
internal sealed record PostgresServer(string Host, int Port, string User, string DataDirectory, string Psql)
{
    /// <summary>The postmaster's process id, from the first line of postmaster.pid.</summary>
    public int PostmasterPid => int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    /// <summary>Reads the KEY=VALUE file bench/postgres.sh writes.</summary>
    public static PostgresServer FromStateFile(string path, string psql)
    {
        var values = File.ReadAllLines(path)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        return new PostgresServer(values["PGHOST"], int.Parse(values["PGPORT"], CultureInfo.InvariantCulture), values["PGUSER"], values["PGDATA"], psql);
    }
}

/// <summary>
/// One psql session kept open over stdin/stdout, so that each statement is timed without connection start-up and
/// the backend's own memory can be read at the end. Statements are sent with a marker echoed after them; any line
/// psql writes to stderr with ERROR in it fails the statement.
/// </summary>
internal sealed class PsqlSession : IDisposable
{
    private const string Marker = "__vbc_bench_done__";
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _errors = new();

    public PsqlSession(PostgresServer server, string database)
    {
        var info = new ProcessStartInfo(server.Psql)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-X", "-q", "-A", "-t", "-F", "|", "-h", server.Host, "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", server.User, "-d", database })
        {
            info.ArgumentList.Add(a);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("psql did not start.");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _errors.Enqueue(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>Runs SQL (one or more statements) and returns the rows printed, fields separated by '|'.</summary>
    public List<string> Run(string sql)
    {
        _process.StandardInput.WriteLine(sql.TrimEnd().TrimEnd(';') + ";");
        _process.StandardInput.WriteLine($"\\echo {Marker}");
        _process.StandardInput.Flush();
        var lines = new List<string>();
        while (true)
        {
            var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("psql ended: " + string.Join(Environment.NewLine, _errors));
            if (line == Marker)
            {
                break;
            }
            if (line.Length > 0)
            {
                lines.Add(line);
            }
        }
        var errors = new List<string>();
        while (_errors.TryDequeue(out var e))
        {
            errors.Add(e);
        }
        if (errors.Any(e => e.Contains("ERROR", StringComparison.Ordinal) || e.Contains("FATAL", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("PostgreSQL: " + string.Join(Environment.NewLine, errors) + Environment.NewLine + "in: " + sql);
        }
        return lines;
    }

    public string Scalar(string sql) => Run(sql).Single();

    /// <summary>The backend's peak resident set size (kB), read by the server from /proc/self/status.</summary>
    public long BackendPeakRssKb()
    {
        var status = Run("SELECT pg_read_file('/proc/self/status')");
        var line = status.FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line[6..].Trim().Replace(" kB", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("\\q");
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000))
            {
                _process.Kill();
            }
        }
        catch (IOException)
        {
        }
        _process.Dispose();
    }
}

/// <summary>One form of the settlement query: its cold run and best warm run, server memory, and what it computed.</summary>
internal sealed record SqlQueryResult(
    string Name,
    double ColdSeconds,
    double BestSeconds,
    int Runs,
    long ServerPeakPssKb,
    Figures Figures,
    string Percentile99);

/// <summary>What PostgreSQL measured for one data file.</summary>
internal sealed record PostgresResult(
    long Rows,
    double CopySeconds,
    long ServerPeakPssKbCopy,
    string TableSize,
    IReadOnlyList<SqlQueryResult> Queries,
    long BackendPeakRssKb,
    double LoadBefore,
    double LoadAfter);

/// <summary>
/// The same settlement in SQL: COPY the CSV into a table of numeric columns, then one query computes population,
/// cost, truncation at the 99th percentile (PERCENTILE.INC), benchmark, sharing and the rounded payment lines.
/// Two forms of the query are run: with percentile_cont, and with the percentile computed exactly in numeric.
/// </summary>
internal static class PostgresBenchmark
{
    public const string Database = "vbc_bench";

    public const string PercentileCont = "percentile_cont";

    public const string ExactRanks = "exact ranks";

    /// <summary>All columns of the generated member file, in file order (COPY needs every one). The primary key
    /// checks member ids are unique, as the engine's reader does.</summary>
    private const string CreateTable = """
        CREATE UNLOGGED TABLE members (
            member_id text PRIMARY KEY, organisation_id text, member_months numeric, age numeric, sex text,
            risk_score numeric, attributed boolean, esrd boolean, hospice boolean,
            inpatient numeric, outpatient numeric, professional numeric, pharmacy numeric, snf numeric,
            home_health numeric, behavioral numeric, transplant numeric, dialysis numeric, specialty_rx numeric,
            hba1c_num numeric, hba1c_den numeric, bcs_num numeric, bcs_den numeric, cbp_num numeric, cbp_den numeric,
            fuh_num numeric, fuh_den numeric)
        """;

    /// <summary>The population: attributed, not ESRD, member months above zero; each member's cost.</summary>
    private const string Population = """
        WITH pop AS NOT MATERIALIZED (
            SELECT member_months AS mm, risk_score AS risk,
                   inpatient + outpatient + professional + pharmacy + snf + home_health AS cost
            FROM members
            WHERE attributed AND NOT esrd AND member_months > 0
        ),
        """;

    /// <summary>
    /// The threshold with percentile_cont, as an analyst would write it. PostgreSQL has percentile_cont for double
    /// precision only: the costs are converted to double, interpolated in double, and the result converted back
    /// to numeric (15 significant digits). The checks say whether that came out exact.
    /// </summary>
    private const string CutWithPercentileCont = """
        stats AS (
            SELECT count(*) AS n, sum(mm) AS mm, sum(risk * mm) AS risk_mm,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY cost) AS p99
            FROM pop
        ),
        cut AS (
            SELECT n, mm, risk_mm, p99::text AS p99, p99::numeric AS threshold FROM stats
        ),
        """;

    /// <summary>
    /// The threshold exactly, in numeric: PERCENTILE.INC's rank h = (n - 1) x 0.99, the values at ranks floor(h) and
    /// floor(h) + 1 read from the top of the order (about 1% of the rows, so a bounded sort), interpolated.
    /// </summary>
    private const string CutWithExactRanks = """
        stats AS (
            SELECT count(*) AS n, sum(mm) AS mm, sum(risk * mm) AS risk_mm,
                   floor((count(*) - 1) * 0.99) AS lo, (count(*) - 1) * 0.99 - floor((count(*) - 1) * 0.99) AS fraction
            FROM pop
        ),
        neighbours AS (
            SELECT cost FROM pop ORDER BY cost DESC
            OFFSET (SELECT greatest(n - lo - 2, 0)::bigint FROM stats) LIMIT 2
        ),
        cut AS (
            SELECT s.n, s.mm, s.risk_mm, '' AS p99,
                   min(b.cost) + s.fraction * (max(b.cost) - min(b.cost)) AS threshold
            FROM stats s CROSS JOIN neighbours b
            GROUP BY s.n, s.mm, s.risk_mm, s.fraction
        ),
        """;

    /// <summary>
    /// Counted cost, benchmark, sharing and the payment lines, exactly as the contract says. The risk ratio is
    /// divided at 30 decimal places, as close as numeric gets to C#'s 28-digit decimal.
    /// </summary>
    private static string Settlement(decimal quality, decimal revenue) => $"""
        counted AS (
            SELECT sum(least(p.cost, c.threshold)) AS actual,
                   count(*) FILTER (WHERE p.cost > c.threshold) AS truncated
            FROM pop p CROSS JOIN cut c
        ),
        bench AS (
            SELECT c.*, a.actual, a.truncated,
                   812.00 * (1 + 0.031) * least(c.risk_mm::numeric(60,30) / c.mm / 1.000, 1 + 0.03) * c.mm AS benchmark
            FROM cut c CROSS JOIN counted a
        ),
        sharing AS (
            SELECT b.*, b.benchmark - b.actual AS savings, (b.benchmark - b.actual) / b.benchmark AS rate FROM bench b
        ),
        lines AS (
            SELECT s.*,
                   CASE WHEN s.savings > 0 AND s.rate >= 0.02
                        THEN least(s.savings * (0.50 * {Sql(quality)}), 0.10 * s.benchmark) ELSE 0 END AS shared_savings,
                   CASE WHEN s.savings < 0 AND -s.rate >= 0.02
                        THEN least(-s.savings * 0.30, least(0.08 * {Sql(revenue)}, 0.04 * s.benchmark)) ELSE 0 END AS shared_losses
            FROM sharing s
        )
        SELECT n, mm, p99, threshold, truncated, actual, benchmark, savings, shared_savings, shared_losses,
               round(shared_savings, 2) + round(-shared_losses, 2) AS total
        FROM lines
        """;

    public static string Query(string form, decimal quality, decimal revenue) =>
        Population + (form == PercentileCont ? CutWithPercentileCont : CutWithExactRanks) + Settlement(quality, revenue);

    private static string Sql(decimal d) => d.ToString(CultureInfo.InvariantCulture);

    public static PostgresResult Run(PostgresServer server, string file, decimal quality, decimal revenue, int warmQueries, string workMem, Action<string> log)
    {
        double loadBefore = ProcFs.Load1();
        using (var admin = new PsqlSession(server, "postgres"))
        {
            admin.Run($"DROP DATABASE IF EXISTS {Database}");
            admin.Run($"CREATE DATABASE {Database}");
        }
        int postmaster = server.PostmasterPid;
        using var session = new PsqlSession(server, Database);
        session.Run($"SET work_mem = '{workMem}'");

        // COPY: the server reads the file itself (no client round trip), into a table created in the same
        // transaction, so that FREEZE spares the first query from setting hint bits.
        string path = Path.GetFullPath(file).Replace("'", "''", StringComparison.Ordinal);
        long copyPeak;
        var sw = Stopwatch.StartNew();
        using (var sampler = new TreeMemorySampler(postmaster))
        {
            session.Run($"BEGIN; {CreateTable}; COPY members FROM '{path}' WITH (FORMAT csv, HEADER true, FREEZE true); COMMIT");
            sw.Stop();
            copyPeak = sampler.PeakKb;
        }
        double copySeconds = sw.Elapsed.TotalSeconds;
        long rows = long.Parse(session.Scalar("SELECT count(*) FROM members"), CultureInfo.InvariantCulture);
        string size = session.Scalar("SELECT pg_size_pretty(pg_total_relation_size('members'))");
        log($"  postgres: COPY {rows:N0} rows in {copySeconds:F2} s ({size})");

        var queries = new List<SqlQueryResult>();
        foreach (var form in new[] { PercentileCont, ExactRanks })
        {
            string query = Query(form, quality, revenue);
            var times = new List<double>();
            List<string> row = new();
            long peak;
            using (var sampler = new TreeMemorySampler(postmaster))
            {
                for (int i = 0; i <= warmQueries; i++)
                {
                    sw.Restart();
                    row = session.Run(query);
                    sw.Stop();
                    times.Add(sw.Elapsed.TotalSeconds);
                    log($"  postgres ({form}): query {(i == 0 ? "cold" : "warm")} {sw.Elapsed.TotalSeconds:F2} s");
                }
                peak = sampler.PeakKb;
            }
            var f = row.Single().Split('|');
            decimal D(int i) => decimal.Parse(f[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            // n, mm, p99, threshold, truncated, actual, benchmark, savings, shared_savings, shared_losses, total
            var figures = new Figures(rows, (long)D(0), D(1), D(3), (long)D(4), D(5), D(6), D(7), D(8), D(9), D(10));
            queries.Add(new SqlQueryResult(form, times[0], times.Skip(1).DefaultIfEmpty(times[0]).Min(), times.Count, peak, figures, f[2]));
        }
        long backendPeak = session.BackendPeakRssKb();
        return new PostgresResult(rows, copySeconds, copyPeak, size, queries, backendPeak, loadBefore, ProcFs.Load1());
    }

    public static string Version(PostgresServer server)
    {
        using var session = new PsqlSession(server, "postgres");
        return session.Scalar("SELECT version()");
    }

    public static string Settings(PostgresServer server)
    {
        using var session = new PsqlSession(server, "postgres");
        return string.Join(", ", session.Run(
            "SELECT name || '=' || setting || coalesce(unit, '') FROM pg_settings WHERE name IN ('shared_buffers', 'max_parallel_workers_per_gather', 'fsync', 'synchronous_commit', 'full_page_writes', 'jit') ORDER BY name"));
    }
}
