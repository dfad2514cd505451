using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Vbc.Benchmarks;

/// <summary>Runs every configuration in child processes, PostgreSQL in its server, checks the results agree, and reports.</summary>
internal sealed class Orchestrator
{
    public const string ResultPrefix = "RESULT ";

    private readonly BenchmarkOptions _o;
    private readonly List<string> _failures = new();

    public Orchestrator(BenchmarkOptions options) => _o = options;

    private static void Log(string text) => Console.Error.WriteLine(text);

    public int Run()
    {
        var facts = MachineFacts.Collect();
        PostgresServer? server = _o.PostgresState is { } state ? PostgresServer.FromStateFile(state, _o.Psql) : null;
        string pgVersion = server is null ? "not run (no --postgres)" : PostgresBenchmark.Version(server);
        string pgSettings = server is null ? "" : PostgresBenchmark.Settings(server);
        string loadAtStart = ProcFs.LoadAverages();
        var started = DateTime.UtcNow;
        Log($"Load average at start: {loadAtStart}");

        // Smallest file first: its parsed batches are what the in-memory configurations replay.
        var files = _o.Data.OrderBy(f => new FileInfo(f).Length).ToList();
        var sizes = new List<SizeResult>();
        var peers = new List<PeerSet>();
        long smallestRows = 0;
        foreach (var file in files)
        {
            string? parquet = _o.Parquet.Count > 0 ? _o.Parquet[_o.Data.IndexOf(file)] : null;
            if (_o.Vbc is not null)
            {
                peers.Add(Peers(file, parquet));
            }
            if (_o.PeersOnly)
            {
                continue;
            }
            Log($"{file} ({new FileInfo(file).Length / 1e6:F0} MB)");
            var cli = _o.Vbc is null ? new List<CliRun>() : Enumerable.Range(0, _o.Runs).Select(_ => VbcSettle(file)).ToList();
            var e2e = Child(Configurations.EngineEndToEnd, file, 1);
            long rows = e2e.Rows;
            if (smallestRows == 0)
            {
                smallestRows = rows;
            }
            var loopE2e = Child(Configurations.LoopEndToEnd, file, 1);
            var read = Child(Configurations.ReadOnly, file, 1);
            int repeat = (int)Math.Max(1, Math.Round((double)rows / smallestRows));
            var memEngine = Child(Configurations.EngineInMemory, files[0], repeat);
            var memLoop = Child(Configurations.LoopInMemory, files[0], repeat);
            var experiments = new List<ChildResult>
            {
                Child(Configurations.EngineEndToEndLargeBatches, file, 1),
                Child(Configurations.ReadWithoutIdCheck, file, 1),
                Child(Configurations.FinishSplit, files[0], repeat),
                Child(Configurations.ReadSep, file, 1),
                Child(Configurations.ReadSepValues, file, 1),
            };
            if (parquet is not null)
            {
                experiments.Add(Child(Configurations.ReadParquet, parquet, 1));
            }
            PostgresResult? pg = null;
            if (server is not null)
            {
                pg = PostgresBenchmark.Run(server, file, ParsePercent(_o.Quality), ParseMoney(_o.Revenue), _o.PostgresQueries, _o.WorkMem, Log);
            }
            var size = new SizeResult(file, new FileInfo(file).Length, rows, cli, e2e, loopE2e, read, memEngine, memLoop, experiments, pg);
            Check(size);
            sizes.Add(size);
        }

        var report = Report.Write(new ReportInput(_o, facts, pgVersion, pgSettings, loadAtStart, ProcFs.LoadAverages(), started, DateTime.UtcNow, sizes, _failures) { Peers = peers });
        Console.Out.Write(report);
        if (_o.Out is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            File.WriteAllText(path, report);
        }
        foreach (var f in _failures)
        {
            Log("CHECK FAILED: " + f);
        }
        return _failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The engine and the hand-written loop must agree exactly; PostgreSQL's total must equal the engine's.</summary>
    private void Check(SizeResult s)
    {
        void Same(string what, Figures a, Figures b)
        {
            if (a.Differences(b) is { Count: > 0 } diff)
            {
                _failures.Add($"{s.Rows:N0} members, {what}: {string.Join("; ", diff)}");
            }
        }
        Same("engine vs hand-written loop, end to end", s.EngineE2e.Figures, s.LoopE2e.Figures);
        Same("engine vs hand-written loop, in memory", s.EngineMem.Figures, s.LoopMem.Figures);
        if (s.EngineMem.Repeat == 1)
        {
            Same("engine end to end vs engine in memory", s.EngineE2e.Figures, s.EngineMem.Figures);
        }
        foreach (var x in s.Experiments.Where(x => x.Configuration == Configurations.EngineEndToEndLargeBatches))
        {
            Same("engine end to end vs the same with 65,536-row batches", s.EngineE2e.Figures, x.Figures);
        }
        foreach (var x in s.Experiments.Where(x => x.Configuration == Configurations.FinishSplit && x.Figures.Threshold != s.EngineMem.Figures.Threshold))
        {
            _failures.Add($"{s.Rows:N0} members: the finish split's percentile {x.Figures.Threshold} differs from the engine's {s.EngineMem.Figures.Threshold}");
        }
        string expected = Report.Money(s.EngineE2e.Figures.Total);
        foreach (var run in s.Cli.Where(c => c.Total != expected))
        {
            _failures.Add($"{s.Rows:N0} members: `vbc settle` printed the total {run.Total}, the engine in process {expected}");
        }
        if (s.Read.Rows != s.Rows)
        {
            _failures.Add($"{s.File}: the reader alone read {s.Read.Rows:N0} rows, the engine {s.Rows:N0}");
        }
        if (s.Postgres is { } pg)
        {
            foreach (var q in pg.Queries.Where(q => q.Figures.Total != s.EngineE2e.Figures.Total))
            {
                _failures.Add($"{s.Rows:N0} members: PostgreSQL's total ({q.Name}) {q.Figures.Total} differs from the engine's {s.EngineE2e.Figures.Total}");
            }
            if (pg.Rows != s.Rows)
            {
                _failures.Add($"{s.Rows:N0} members: PostgreSQL copied {pg.Rows:N0} rows");
            }
        }
    }

    private ChildResult Child(string configuration, string file, int repeat)
    {
        var request = new ChildRequest(configuration, _o.Contract, file, repeat, _o.Runs, _o.Quality, _o.Revenue);
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(Orchestrator).Assembly.Location);
        }
        info.ArgumentList.Add("--child");
        info.ArgumentList.Add(JsonSerializer.Serialize(request));
        Log($"  {configuration}{(repeat > 1 ? $" ({Path.GetFileName(file)} x{repeat})" : "")}: load {ProcFs.LoadAverages()}");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("The child process did not start.");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"The {configuration} child failed (exit code {process.ExitCode}).{Environment.NewLine}{output}");
        }
        return JsonSerializer.Deserialize<ChildResult>(line[ResultPrefix.Length..])!;
    }

    /// <summary>
    /// The peers side by side, each a whole process as a user runs it, alternated run by run so that the load of
    /// the machine falls on all of them alike: vbc from the CSV file, vbc from the same members in Parquet, vbc with
    /// its member-level stage run by DuckDB over the CSV file (--engine duckdb), the hand-written DuckDB query over the
    /// CSV file (<see cref="DuckDbQuery"/>), and pandas (bench/pandas_settle.py).
    /// </summary>
    private PeerSet Peers(string csv, string? parquet)
    {
        string quality = ParsePercent(_o.Quality).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string revenue = ParseMoney(_o.Revenue).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var duckdb = Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? new List<string> { self, typeof(Orchestrator).Assembly.Location }
            : new List<string> { self };
        duckdb.AddRange(new[] { "--duckdb", csv, quality, revenue });
        string? pandasProblem = PandasProblem();
        var commands = new List<(string Name, List<string>? Command, string? NotRun)>
        {
            (PeerSet.VbcCsv, VbcCommand(csv), null),
            (PeerSet.VbcParquet, parquet is null ? null : VbcCommand(parquet), parquet is null ? "no --parquet file" : null),
            // The managed vbc beside the native one (bench/run.sh passes both), so that the two are side by side.
            (PeerSet.VbcManagedCsv, _o.VbcManaged is null ? null : VbcCommand(csv, _o.VbcManaged), _o.VbcManaged is null ? "no --vbc-managed" : null),
            (PeerSet.VbcManagedParquet, _o.VbcManaged is null || parquet is null ? null : VbcCommand(parquet, _o.VbcManaged),
                _o.VbcManaged is null ? "no --vbc-managed" : parquet is null ? "no --parquet file" : null),
            (PeerSet.VbcDuckDb, VbcCommand(csv).Concat(new[] { "--engine", "duckdb" }).ToList(), null),
            (PeerSet.DuckDb, duckdb, null),
            (PeerSet.Pandas, pandasProblem is null ? new List<string> { _o.Python, "bench/pandas_settle.py", csv, quality, revenue } : null, pandasProblem),
        };
        var runs = commands.ToDictionary(c => c.Name, _ => new List<CliRun>());
        for (int run = 0; run < _o.Runs; run++)
        {
            foreach (var (name, command, _) in commands.Where(c => c.Command is not null))
            {
                var r = TimeProcess(command!);
                Log($"  {name} run {run + 1}/{_o.Runs}: {r.Seconds:F3} s, max RSS {r.MaxRssKb / 1024} MB, total {r.Total}");
                runs[name].Add(r);
            }
        }
        return new PeerSet(csv, parquet, new FileInfo(csv).Length, parquet is null ? 0 : new FileInfo(parquet).Length,
            commands.Select(c => new PeerResult(c.Name, runs[c.Name], c.NotRun)).ToList());
    }

    private List<string> VbcCommand(string data, string? vbc = null)
    {
        vbc ??= _o.Vbc!;
        var command = new List<string>();
        if (vbc.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            command.Add("dotnet");
        }
        command.AddRange(new[] { vbc, "settle", _o.Contract, "--data", data, "--input", $"quality_score={_o.Quality}", "--input", $"participant_revenue={_o.Revenue}" });
        return command;
    }

    /// <summary>Null when the Python given can import pandas, else why the pandas peer is not run.</summary>
    private string? PandasProblem()
    {
        try
        {
            var info = new ProcessStartInfo(_o.Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("import pandas; print(pandas.__version__)");
            using var process = Process.Start(info)!;
            string version = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{_o.Python} cannot import pandas (install Debian's python3-pandas)";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{_o.Python} cannot be started: {e.Message}";
        }
    }

    /// <summary>
    /// One whole process: wall time by the clock here, peak RSS from /usr/bin/time when present, and the total from
    /// its TOTAL line (vbc's statement, the DuckDB host and the pandas script all print one).
    /// </summary>
    private static CliRun TimeProcess(IReadOnlyList<string> command)
    {
        bool time = File.Exists("/usr/bin/time");
        var info = new ProcessStartInfo(time ? "/usr/bin/time" : command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (time)
        {
            info.ArgumentList.Add("-f");
            info.ArgumentList.Add("maxrss=%M");
        }
        foreach (var a in time ? command : command.Skip(1))
        {
            info.ArgumentList.Add(a);
        }
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command[0]} did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        sw.Stop();
        string errors = stderr.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(" ", command)} failed (exit code {process.ExitCode}): {errors}");
        }
        var totalLine = stdout.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("TOTAL", StringComparison.Ordinal)) ?? "";
        string total = totalLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "?";
        var rssLine = errors.Split('\n').LastOrDefault(l => l.StartsWith("maxrss=", StringComparison.Ordinal));
        long rss = rssLine is null ? -1 : long.Parse(rssLine["maxrss=".Length..].Trim(), CultureInfo.InvariantCulture);
        return new CliRun(sw.Elapsed.TotalSeconds, rss, total);
    }

    /// <summary>
    /// One whole `vbc settle` process over the file, as a user runs it: .NET start-up, the contract, the CSV, the
    /// text statement (read and thrown away). Wall time by the clock here; peak RSS from /usr/bin/time when present.
    /// </summary>
    private CliRun VbcSettle(string file)
    {
        bool time = File.Exists("/usr/bin/time");
        // A .dll runs under `dotnet`; anything else is the published vbc executable (ReadyToRun), run as it is.
        bool dll = _o.Vbc!.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var command = new List<string>();
        if (time)
        {
            command.AddRange(new[] { "-f", "maxrss=%M" });
        }
        if (dll)
        {
            command.Add("dotnet");
        }
        command.Add(_o.Vbc!);
        var info = new ProcessStartInfo(time ? "/usr/bin/time" : command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in time ? command : command.Skip(1))
        {
            info.ArgumentList.Add(a);
        }
        foreach (var a in new[] { "settle", _o.Contract, "--data", file, "--input", $"quality_score={_o.Quality}", "--input", $"participant_revenue={_o.Revenue}" })
        {
            info.ArgumentList.Add(a);
        }
        var sw = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("vbc did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        sw.Stop();
        string errors = stderr.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"vbc settle failed (exit code {process.ExitCode}): {errors}");
        }
        var totalLine = stdout.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("TOTAL", StringComparison.Ordinal)) ?? "";
        string total = totalLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "?";
        var rssLine = errors.Split('\n').LastOrDefault(l => l.StartsWith("maxrss=", StringComparison.Ordinal));
        long rss = rssLine is null ? -1 : long.Parse(rssLine["maxrss=".Length..].Trim(), CultureInfo.InvariantCulture);
        Log($"  vbc settle: {sw.Elapsed.TotalSeconds:F3} s, max RSS {rss / 1024} MB, total {total}");
        return new CliRun(sw.Elapsed.TotalSeconds, rss, total);
    }

    public static decimal ParsePercent(string text) =>
        text.Trim().EndsWith('%') ? decimal.Parse(text.Trim()[..^1], CultureInfo.InvariantCulture) / 100m : decimal.Parse(text, CultureInfo.InvariantCulture);

    public static decimal ParseMoney(string text) =>
        decimal.Parse(text.Trim().TrimStart('$').Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
}

/// <summary>Everything measured for one data file.</summary>
internal sealed record SizeResult(
    string File,
    long Bytes,
    long Rows,
    IReadOnlyList<CliRun> Cli,
    ChildResult EngineE2e,
    ChildResult LoopE2e,
    ChildResult Read,
    ChildResult EngineMem,
    ChildResult LoopMem,
    IReadOnlyList<ChildResult> Experiments,
    PostgresResult? Postgres);

/// <summary>One whole `vbc settle` process: wall time, peak RSS (kB, -1 when unknown) and the total it printed.</summary>
internal sealed record CliRun(double Seconds, long MaxRssKb, string Total);

/// <summary>The peers measured side by side on one member file (<see cref="Orchestrator"/>'s Peers).</summary>
internal sealed record PeerSet(string Csv, string? Parquet, long CsvBytes, long ParquetBytes, IReadOnlyList<PeerResult> Results)
{
    public const string VbcCsv = "vbc settle, CSV";
    public const string VbcParquet = "vbc settle, Parquet";
    public const string VbcManagedCsv = "vbc settle (managed, ReadyToRun), CSV";
    public const string VbcManagedParquet = "vbc settle (managed, ReadyToRun), Parquet";
    public const string VbcDuckDb = "vbc settle --engine duckdb, CSV";
    public const string DuckDb = "DuckDB query (read_csv, DECIMAL, quantile_cont)";
    public const string Pandas = "pandas (read_csv, float64)";
}

/// <summary>One peer's runs, or why it was not run.</summary>
internal sealed record PeerResult(string Name, IReadOnlyList<CliRun> Runs, string? NotRun);
