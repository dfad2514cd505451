using System.Globalization;
using System.Text;

namespace Vbc.Benchmarks;

internal sealed record ReportInput(
    BenchmarkOptions Options,
    MachineFacts Machine,
    string PostgresVersion,
    string PostgresSettings,
    string LoadAtStart,
    string LoadAtEnd,
    DateTime Started,
    DateTime Ended,
    IReadOnlyList<SizeResult> Sizes,
    IReadOnlyList<string> Failures)
{
    public IReadOnlyList<PeerSet> Peers { get; init; } = Array.Empty<PeerSet>();
}

/// <summary>The Markdown report: machine, results side by side, targets, checks, and where the time goes.</summary>
internal static class Report
{
    private const double TargetRowsPerSecond = 1_000_000;
    private const double TargetLoopRatio = 1.5;
    private const double TargetPeakMb = 1536; // 1.5 GB, in MB of 1,048,576 bytes
    private const long TargetPeakAtRows = 10_000_000;

    public static string Write(ReportInput r)
    {
        var sb = new StringBuilder();
        var o = r.Options;
        var m = r.Machine;
        sb.AppendLine("# vbc settlement benchmark");
        sb.AppendLine();
        if (o.Command is { } command)
        {
            sb.AppendLine($"Command: `{command}`");
            sb.AppendLine();
        }
        sb.AppendLine($"Program: `{Environment.CommandLine}`");
        sb.AppendLine();
        sb.AppendLine($"- When: {r.Started:yyyy-MM-dd HH:mm} to {r.Ended:HH:mm} UTC; commit {m.Commit}"
            + (m.UncommittedSources.Count == 0 ? "" : $", with uncommitted changes in {string.Join(", ", m.UncommittedSources)}"));
        sb.AppendLine($"- Machine: {m.Cores} cores, {m.Cpu}, {m.Memory} memory; {m.Os}; first touch of a fresh 4 KB page costs {m.PageFaultMicroseconds:F1} us here (about {m.PageFaultMicroseconds * 256 / 1000:F1} ms per fresh MB)");
        sb.AppendLine($"- .NET: {m.DotNet}, Release build, {m.GcMode}, tiered PGO (as `vbc`)");
        sb.AppendLine($"- PostgreSQL: {r.PostgresVersion}" + (r.PostgresSettings.Length > 0 ? $"; {r.PostgresSettings}; work_mem={o.WorkMem} for the query session" : ""));
        sb.AppendLine($"- Load average (1, 5, 15 min): {r.LoadAtStart} at start, {r.LoadAtEnd} at end; per configuration below");
        sb.AppendLine($"- Contract `{o.Contract}`, inputs quality_score={o.Quality}, participant_revenue={o.Revenue}; {o.Runs} runs per configuration (1 cold, {o.Runs - 1} warm), each configuration in a fresh process");
        sb.AppendLine();

        foreach (var set in r.Peers)
        {
            PeerTable(sb, set);
        }
        if (r.Sizes.Count == 0)
        {
            return sb.ToString();
        }

        sb.AppendLine("## Results");
        sb.AppendLine();
        sb.AppendLine("End to end: CSV file to statement (PostgreSQL: COPY, then the query). Alone: from data already parsed and in memory (PostgreSQL: the query over the loaded table).");
        sb.AppendLine("Cold: the first run in a fresh process (includes JIT compilation; the file is in the OS page cache). Warm: the best of the later runs in the same process.");
        sb.AppendLine("Rows/s count every row of the file. Peak: the process's peak resident set (VmHWM), in MB of 1,048,576 bytes; PostgreSQL: the peak of the summed PSS of all server processes, sampled every 0.1 s.");
        sb.AppendLine();
        foreach (var s in r.Sizes)
        {
            Results(sb, s);
        }

        sb.AppendLine("## Targets");
        sb.AppendLine();
        sb.AppendLine("| target | members | measured | met |");
        sb.AppendLine("|---|---:|---|---|");
        foreach (var s in r.Sizes)
        {
            double ratio = s.EngineMem.BestWarm.Seconds / s.LoopMem.BestWarm.Seconds;
            sb.AppendLine($"| engine alone within {TargetLoopRatio}x of the hand-written loop | {s.Rows:N0} | {ratio:F2}x ({Sec(s.EngineMem.BestWarm.Seconds)} vs {Sec(s.LoopMem.BestWarm.Seconds)}, best warm) | {Met(ratio <= TargetLoopRatio)} |");
        }
        foreach (var s in r.Sizes)
        {
            double warm = s.Rows / s.EngineE2e.BestWarm.Seconds, cold = s.Rows / s.EngineE2e.Cold.Seconds;
            sb.AppendLine($"| end to end at least 1,000,000 rows/s (best warm) | {s.Rows:N0} | {warm:N0} rows/s ({warm / TargetRowsPerSecond:F2}x the target) | {Met(warm >= TargetRowsPerSecond)} |");
            sb.AppendLine($"| end to end at least 1,000,000 rows/s (cold: first run in a fresh process) | {s.Rows:N0} | {cold:N0} rows/s ({cold / TargetRowsPerSecond:F2}x the target) | {Met(cold >= TargetRowsPerSecond)} |");
            if (s.Cli.Count > 0)
            {
                double cli = s.Rows / Median(s.Cli.Select(c => c.Seconds).ToList());
                sb.AppendLine($"| end to end at least 1,000,000 rows/s (a whole `vbc settle` process, median) | {s.Rows:N0} | {cli:N0} rows/s ({cli / TargetRowsPerSecond:F2}x the target) | {Met(cli >= TargetRowsPerSecond)} |");
            }
        }
        foreach (var s in r.Sizes.Where(s => s.Rows >= TargetPeakAtRows))
        {
            double mb = Mb(s.EngineE2e.PeakRssKb), cold = Mb(s.EngineE2e.PeakRssKbAfterFirstRun);
            double cli = s.Cli.Count > 0 ? Mb(s.Cli.Max(c => c.MaxRssKb)) : 0;
            double worst = Math.Max(mb, cli);
            sb.AppendLine($"| peak memory under 1.5 GB (end to end) | {s.Rows:N0} | {mb:N0} MB over all runs in one process, {cold:N0} MB in the cold run{(s.Cli.Count > 0 ? $", {cli:N0} MB for a whole `vbc settle`" : "")} ({worst / TargetPeakMb * 100:F0}% of 1,536 MB) | {Met(worst < TargetPeakMb)} |");
        }
        sb.AppendLine();

        sb.AppendLine("## Checks");
        sb.AppendLine();
        foreach (var s in r.Sizes)
        {
            Checks(sb, s);
        }
        if (r.Failures.Count > 0)
        {
            sb.AppendLine("**CHECKS FAILED:**");
            foreach (var f in r.Failures)
            {
                sb.AppendLine($"- {f}");
            }
            sb.AppendLine();
        }

        sb.AppendLine("## Where the time goes");
        sb.AppendLine();
        sb.AppendLine("The consumer thread's time in each run, from two clock reads per batch: setup (open, header, plan) until the first batch is asked for; waiting for the reader's next batch; the member stage (or the loop) working on batches; finish (percentile, truncation, clauses) after the last batch. CPU is the whole process's (all threads). Runs: cold, then the best warm.");
        sb.AppendLine();
        sb.AppendLine("| members | configuration | run | wall s | CPU s | setup s | waiting for batches s | stage / loop s | finish s | allocated MB | GCs gen0/1/2 | GC pause s | page faults (est. s) | peak RSS MB | peak heap MB | load before/after |");
        sb.AppendLine("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|");
        foreach (var s in r.Sizes)
        {
            foreach (var c in new[] { s.EngineE2e, s.LoopE2e, s.Read, s.EngineMem, s.LoopMem }.Concat(s.Experiments.Where(x => x.Configuration != Configurations.FinishSplit)))
            {
                foreach (var (label, run) in new[] { ("cold", c.Cold), ("best warm", c.BestWarm) })
                {
                    sb.AppendLine($"| {s.Rows:N0} | {Describe(c)} | {label} | {run.Seconds:F3} | {run.CpuSeconds:F2} | {run.SetupSeconds:F3} | {run.WaitSeconds:F3} | {run.ConsumeSeconds:F3} | {run.FinishSeconds:F3} | {run.AllocatedBytes / 1048576.0:N0} | {run.Gen0}/{run.Gen1}/{run.Gen2} | {run.GcPauseSeconds:F3} | {run.PageFaults:N0} ({run.PageFaults * r.Machine.PageFaultMicroseconds / 1e6:F2}) | {Mb(label == "cold" ? c.PeakRssKbAfterFirstRun : c.PeakRssKb):N0} | {(label == "cold" ? c.PeakHeapBytesFirstRun : c.PeakHeapBytes) / 1048576.0:N0} | {c.LoadBefore:F2}/{c.LoadAfter:F2} |");
                }
            }
        }
        sb.AppendLine();
        sb.AppendLine("Peak RSS and peak heap: for the cold run, the peak up to its end; for the warm runs, the peak over the whole process. Peak heap: the managed heap (live objects and garbage not yet collected) sampled every 10 ms.");
        sb.AppendLine();
        var splits = r.Sizes.Select(s => s.Experiments.FirstOrDefault(x => x.Configuration == Configurations.FinishSplit)).ToList();
        if (splits.All(x => x is not null))
        {
            sb.AppendLine("The member stage's finish, part by part (best of the runs, on the population's costs; the engine's own PercentileInc is called directly):");
            sb.AppendLine();
            sb.AppendLine("| part | " + string.Join(" | ", r.Sizes.Select(s => $"{s.Rows:N0} members ({splits[r.Sizes.ToList().IndexOf(s)]!.Figures.Members:N0} in the population)")) + " |");
            sb.AppendLine("|---|" + string.Concat(r.Sizes.Select(_ => "---:|")));
            foreach (var key in splits[0]!.Extra.Keys)
            {
                sb.AppendLine($"| {key} | " + string.Join(" | ", splits.Select(x => x!.Extra.TryGetValue(key, out var v) ? Sec(v) : "")) + " |");
            }
            sb.AppendLine();
        }
        foreach (var s in r.Sizes)
        {
            sb.AppendLine($"- {s.Rows:N0} members: parsing the in-memory configurations' file took {Sec(s.EngineMem.ParseSeconds)}; the parsed batches held {s.EngineMem.HeldBytes / 1048576.0:N0} MB of managed heap ({(double)s.EngineMem.HeldBytes / (s.EngineMem.Rows / Math.Max(1, s.EngineMem.Repeat)):F0} bytes per row).");
            if (s.Postgres is { } pg)
            {
                sb.AppendLine($"- {s.Rows:N0} members, PostgreSQL: table {pg.TableSize} (with its primary key); COPY {Sec(pg.CopySeconds)} (server peak {Mb(pg.ServerPeakPssKbCopy):N0} MB); "
                    + string.Join("; ", pg.Queries.Select(q => $"query with {q.Name}: cold {Sec(q.ColdSeconds)}, best of {q.Runs - 1} warm {Sec(q.BestSeconds)}, server peak {Mb(q.ServerPeakPssKb):N0} MB"))
                    + $"; the session's backend alone peaked at {Mb(pg.BackendPeakRssKb):N0} MB RSS; load {pg.LoadBefore:F2} before, {pg.LoadAfter:F2} after.");
            }
        }
        sb.AppendLine();
        return sb.ToString();
    }

    private static void Results(StringBuilder sb, SizeResult s)
    {
        sb.AppendLine($"### {s.Rows:N0} members (`{s.File}`, {s.Bytes / 1e6:N0} MB)");
        sb.AppendLine();
        sb.AppendLine("| configuration | end to end, cold | end to end, best warm | end to end rows/s (cold / warm) | peak MB | alone, best warm | alone rows/s | peak MB | total |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        void Row(string name, ChildResult e2e, ChildResult alone)
        {
            sb.AppendLine($"| {name} | {Sec(e2e.Cold.Seconds)} | {Sec(e2e.BestWarm.Seconds)} | {Rate(s.Rows, e2e.Cold.Seconds)} / {Rate(s.Rows, e2e.BestWarm.Seconds)} | {Mb(e2e.PeakRssKb):N0} | {Sec(alone.BestWarm.Seconds)}{(alone.Repeat > 1 ? $" ({alone.Rows / alone.Repeat / 1e6:0.#}M batches x{alone.Repeat})" : "")} | {Rate(alone.Rows, alone.BestWarm.Seconds)} | {Mb(alone.PeakRssKb):N0} | {Money(e2e.Figures.Total)} |");
        }
        Row("vbc engine", s.EngineE2e, s.EngineMem);
        Row("hand-written loop", s.LoopE2e, s.LoopMem);
        if (s.Postgres is { } pg)
        {
            foreach (var q in pg.Queries)
            {
                double cold = pg.CopySeconds + q.ColdSeconds, warm = pg.CopySeconds + q.BestSeconds;
                sb.AppendLine($"| PostgreSQL, {q.Name} (COPY + query) | {Sec(cold)} | {Sec(warm)} | {Rate(s.Rows, cold)} / {Rate(s.Rows, warm)} | {Mb(Math.Max(pg.ServerPeakPssKbCopy, q.ServerPeakPssKb)):N0} | {Sec(q.BestSeconds)} | {Rate(s.Rows, q.BestSeconds)} | {Mb(q.ServerPeakPssKb):N0} | {Money(q.Figures.Total)} |");
            }
        }
        sb.AppendLine($"| reader alone (CSV to batches) | {Sec(s.Read.Cold.Seconds)} | {Sec(s.Read.BestWarm.Seconds)} | {Rate(s.Rows, s.Read.Cold.Seconds)} / {Rate(s.Rows, s.Read.BestWarm.Seconds)} | {Mb(s.Read.PeakRssKb):N0} | | | | |");
        sb.AppendLine();
        if (s.Cli.Count > 0)
        {
            var times = s.Cli.Select(c => c.Seconds).OrderBy(t => t).ToList();
            double median = Median(times);
            sb.AppendLine($"A whole `vbc settle` process ({s.Cli.Count} runs; .NET start-up, contract, CSV, text statement): best {Sec(times[0])}, median {Sec(median)} = {Rate(s.Rows, times[0])} / {Rate(s.Rows, median)} rows/s; peak RSS {Mb(s.Cli.Max(c => c.MaxRssKb)):N0} MB; total printed {s.Cli[0].Total}.");
            sb.AppendLine();
        }
        double ratio = s.EngineMem.BestWarm.Seconds / s.LoopMem.BestWarm.Seconds;
        sb.AppendLine($"Engine alone / hand-written loop: {ratio:F2}x. End to end: engine {Rate(s.Rows, s.EngineE2e.BestWarm.Seconds)} rows/s warm = {s.Rows / s.EngineE2e.BestWarm.Seconds / TargetRowsPerSecond:F2}x the 1M rows/s target"
            + (s.Postgres is { } p ? "; " + string.Join("; ", p.Queries.Select(q => $"PostgreSQL with {q.Name}: end to end (warm) {(p.CopySeconds + q.BestSeconds) / s.EngineE2e.BestWarm.Seconds:F1}x the engine's time, the query alone {q.BestSeconds / s.EngineMem.BestWarm.Seconds:F1}x the engine alone's")) + "." : "."));
        sb.AppendLine();
    }

    private const double TargetDuckDbRatio = 1.5;
    private const double TargetPandasRatio = 5;

    /// <summary>The peers side by side, with the targets of issue 12 that compare them.</summary>
    private static void PeerTable(StringBuilder sb, PeerSet set)
    {
        sb.AppendLine($"## Side by side: whole processes on `{set.Csv}` ({set.CsvBytes / 1e6:N0} MB){(set.Parquet is null ? "" : $" and `{set.Parquet}` ({set.ParquetBytes / 1e6:N0} MB)")}");
        sb.AppendLine();
        sb.AppendLine("Each a whole process as a user runs it (start-up included), the peers alternated run by run; wall time by the clock, peak RSS from /usr/bin/time.");
        sb.AppendLine();
        sb.AppendLine("| peer | runs | best | median | peak MB | total | median / vbc CSV median |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var csv = set.Results.First(p => p.Name == PeerSet.VbcCsv);
        double csvMedian = csv.Runs.Count > 0 ? Median(csv.Runs.Select(x => x.Seconds).ToList()) : double.NaN;
        foreach (var p in set.Results)
        {
            if (p.NotRun is not null || p.Runs.Count == 0)
            {
                sb.AppendLine($"| {p.Name} | NOT RUN: {p.NotRun} | | | | | |");
                continue;
            }
            double median = Median(p.Runs.Select(x => x.Seconds).ToList());
            string totals = string.Join(" / ", p.Runs.Select(x => x.Total).Distinct());
            sb.AppendLine($"| {p.Name} | {p.Runs.Count} | {Sec(p.Runs.Min(x => x.Seconds))} | {Sec(median)} | {Mb(p.Runs.Max(x => x.MaxRssKb)):N0} | {totals} | {median / csvMedian:F2}x |");
        }
        sb.AppendLine();
        double MedianOf(string name) => set.Results.FirstOrDefault(p => p.Name == name) is { NotRun: null, Runs.Count: > 0 } p ? Median(p.Runs.Select(x => x.Seconds).ToList()) : double.NaN;
        double parquet = MedianOf(PeerSet.VbcParquet), duck = MedianOf(PeerSet.DuckDb), pandas = MedianOf(PeerSet.Pandas);
        sb.AppendLine("| target (medians) | measured | met |");
        sb.AppendLine("|---|---|---|");
        sb.AppendLine(double.IsNaN(parquet) ? "| vbc from Parquet faster than from CSV | NOT RUN | |" : $"| vbc from Parquet faster than from CSV | {Sec(parquet)} vs {Sec(csvMedian)} ({csvMedian / parquet:F2}x) | {Met(parquet < csvMedian)} |");
        sb.AppendLine(double.IsNaN(duck) ? "| vbc from CSV at least 1.5x faster than the DuckDB query | NOT RUN | |" : $"| vbc from CSV at least {TargetDuckDbRatio}x faster than the DuckDB query | {duck / csvMedian:F2}x ({Sec(duck)} vs {Sec(csvMedian)}) | {Met(duck / csvMedian >= TargetDuckDbRatio)} |");
        sb.AppendLine(double.IsNaN(pandas) ? "| vbc from CSV at least 5x faster than pandas | NOT RUN | |" : $"| vbc from CSV at least {TargetPandasRatio}x faster than pandas | {pandas / csvMedian:F2}x ({Sec(pandas)} vs {Sec(csvMedian)}) | {Met(pandas / csvMedian >= TargetPandasRatio)} |");
        string exact = csv.Runs.FirstOrDefault()?.Total ?? "?";
        foreach (var p in set.Results.Where(p => p.Name != PeerSet.VbcCsv && p.Runs.Count > 0))
        {
            string total = p.Runs[0].Total;
            sb.AppendLine($"| {p.Name}: the same total as vbc's exact {exact} | {total} | {Met(Normalize(total) == Normalize(exact))} |");
        }
        sb.AppendLine();
    }

    /// <summary>A total as printed ($1,234.56 or -1234.56), as a number to compare.</summary>
    private static string Normalize(string total) => total.Replace("$", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);

    private static void Checks(StringBuilder sb, SizeResult s)
    {
        var e = s.EngineE2e.Figures;
        sb.AppendLine($"- {s.Rows:N0} members: engine statement: {e.Members:N0} members in the population, {e.MemberMonths:N0} member months, 99th percentile {Money4(e.Threshold)} ({e.MembersTruncated:N0} members capped), A = {Money4(e.Actual)}, B = {Money4(e.Benchmark)}, G = {Money4(e.Savings)}, shared savings {Money4(e.SharedSavings)}, shared losses {Money4(e.SharedLosses)}, total {Money(e.Total)}.");
        sb.AppendLine($"  - hand-written loop, end to end: {Agreement(e, s.LoopE2e.Figures)}");
        sb.AppendLine($"  - engine alone vs hand-written loop alone{(s.EngineMem.Repeat > 1 ? $" (on the replayed batches, total {Money(s.EngineMem.Figures.Total)})" : "")}: {Agreement(s.EngineMem.Figures, s.LoopMem.Figures)}");
        if (s.Postgres is { } pg)
        {
            foreach (var q in pg.Queries)
            {
                var p = q.Figures;
                sb.AppendLine($"  - PostgreSQL with {q.Name}: total {Money(p.Total)}, {(p.Total == e.Total ? "equal to the engine's to the cent" : "DIFFERENT from the engine's")}; "
                    + $"members {Same(p.Members, e.Members)}, member months {Same(p.MemberMonths, e.MemberMonths)}, threshold {Same(p.Threshold, e.Threshold)}{(q.Percentile99.Length > 0 ? $" (percentile_cont gave {q.Percentile99} in double precision)" : "")}, "
                    + $"members capped {Same(p.MembersTruncated, e.MembersTruncated)}, A {Diff(p.Actual, e.Actual)}, B {Diff(p.Benchmark, e.Benchmark)}, G {Diff(p.Savings, e.Savings)}.");
            }
        }
        sb.AppendLine();
    }

    private static string Agreement(Figures a, Figures b) =>
        a.Differences(b) is { Count: > 0 } d ? "DIFFERS: " + string.Join("; ", d) : "identical (members, member months, threshold, members capped, A, B, G, shared savings, shared losses, total)";

    private static string Same<T>(T a, T b) => EqualityComparer<T>.Default.Equals(a, b) ? "equal" : $"DIFFERENT ({a} vs {b})";

    private static string Diff(decimal pg, decimal engine) => pg == engine
        ? "equal"
        : $"differs by {(pg - engine).ToString("0.###E+0", CultureInfo.InvariantCulture)}";

    private static string Describe(ChildResult c) => c.Configuration switch
    {
        Configurations.EngineEndToEnd => "engine, end to end",
        Configurations.LoopEndToEnd => "hand-written loop, end to end",
        Configurations.ReadOnly => "reader alone (the engine's CSV source)",
        Configurations.ReadWithoutIdCheck => "experiment: reader alone, member_id read as plain text (no duplicate-id check)",
        Configurations.EngineEndToEndLargeBatches => "experiment: engine, end to end, reader as before 3534479 (65,536-row batches, new arrays)",
        Configurations.EngineInMemory => c.Repeat > 1 ? $"engine alone (x{c.Repeat} replay)" : "engine alone",
        Configurations.LoopInMemory => c.Repeat > 1 ? $"hand-written loop alone (x{c.Repeat} replay)" : "hand-written loop alone",
        Configurations.ReadSep => "comparison: Sep 0.17.1 splitting the rows on all cores and touching the contract's fields (no value parsed, no id checked)",
        Configurations.ReadSepValues => "comparison: as the Sep row, each field also parsed by our exact ValueParsers (UTF-16 back to UTF-8); no batches, no id check",
        Configurations.ReadParquet => "reader alone (the engine's Parquet source, on the same members as Parquet)",
        _ => c.Configuration,
    };

    private static double Median(List<double> values)
    {
        var v = values.OrderBy(x => x).ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static string Met(bool met) => met ? "**yes**" : "**NO**";

    private static string Sec(double s) => $"{s:F3} s";

    private static string Rate(long rows, double seconds) => (rows / seconds).ToString("N0", CultureInfo.InvariantCulture);

    private static double Mb(long kb) => kb / 1024.0;

    public static string Money(decimal d) => (d < 0 ? "-$" : "$") + Math.Abs(d).ToString("N2", CultureInfo.InvariantCulture);

    private static string Money4(decimal d) => (d < 0 ? "-$" : "$") + Math.Abs(Math.Round(d, 4, MidpointRounding.AwayFromZero)).ToString("#,0.####", CultureInfo.InvariantCulture);
}
