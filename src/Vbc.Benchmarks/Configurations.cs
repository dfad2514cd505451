using nietras.SeparatedValues;
using Vbc.Data;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Benchmarks;

/// <summary>The configurations measured, each run in a process of its own so that its peak memory is its own.</summary>
internal static class Configurations
{
    /// <summary>CSV file -> statement through the engine, as `vbc settle` does it.</summary>
    public const string EngineEndToEnd = "engine-e2e";

    /// <summary>CSV file -> the engine's own CSV source (same reader, same options) -> the hand-written loop.</summary>
    public const string LoopEndToEnd = "loop-e2e";

    /// <summary>CSV file -> the engine's own CSV source, batches thrown away: the reader alone (for the profile).</summary>
    public const string ReadOnly = "read";

    /// <summary>Parsed batches held in memory -> statement through the engine ("engine alone").</summary>
    public const string EngineInMemory = "engine-mem";

    /// <summary>Parsed batches held in memory -> the hand-written loop.</summary>
    public const string LoopInMemory = "loop-mem";

    /// <summary>
    /// An experiment: as <see cref="EngineEndToEnd"/>, with the reader as it was configured before commit 3534479
    /// (65,536-row batches, new arrays for every batch), to measure what that change bought.
    /// </summary>
    public const string EngineEndToEndLargeBatches = "engine-e2e-64k";

    /// <summary>
    /// An experiment: as <see cref="ReadOnly"/> (the engine's batch size and recycling), but with member_id read as
    /// plain text rather than as the id, so the reader neither hashes ids nor checks them for duplicates: the
    /// difference is what the duplicate-id check costs.
    /// </summary>
    public const string ReadWithoutIdCheck = "read-no-idcheck";

    /// <summary>A diagnostic: the parts of the finish (after the last batch) timed one by one on the population's costs.</summary>
    public const string FinishSplit = "finish-split";

    /// <summary>
    /// Sep 0.17.1, the vectorised CSV parser, splitting every row on all cores and touching each field the contract
    /// reads, and nothing else: no value parsed, no id checked. A lower bound for any reader built on Sep, set against
    /// <see cref="ReadOnly"/> (our reader, values parsed exactly and ids checked) on the same file.
    /// </summary>
    public const string ReadSep = "read-sep";

    /// <summary>
    /// As <see cref="ReadSep"/>, and each field the contract reads is also parsed as our reader parses it: the field's
    /// UTF-16 text (Sep's form) turned back into UTF-8 and read by the same exact <c>ValueParsers</c>. Still no
    /// batches built and no id checked: a lower bound for a Sep-based reader with our exactness.
    /// </summary>
    public const string ReadSepValues = "read-sep-values";

    /// <summary>A Parquet file -> the engine's Parquet source, batches thrown away: the Parquet reader alone.</summary>
    public const string ReadParquet = "read-parquet";

    public static readonly string[] All = { EngineEndToEnd, LoopEndToEnd, ReadOnly, EngineInMemory, LoopInMemory, EngineEndToEndLargeBatches, ReadWithoutIdCheck, FinishSplit, ReadSep, ReadSepValues, ReadParquet };
}

/// <summary>What a child process is asked to do.</summary>
internal sealed record ChildRequest(string Configuration, string Contract, string File, int Repeat, int Runs, string Quality, string Revenue);

/// <summary>The body of a child process: runs one configuration (a cold run, then warm runs) and reports.</summary>
internal static class ChildRunner
{
    public static ChildResult Run(ChildRequest request)
    {
        double loadBefore = ProcFs.Load1();
        var contract = Binder.Bind(ContractParser.ParseFile(request.Contract));
        if (contract.HasErrors)
        {
            throw new InvalidOperationException($"{request.Contract} has errors: " + string.Join("; ", contract.Diagnostics.Where(d => d.IsError)));
        }
        var specs = contract.Columns.Select(ColumnSpec.From).ToList();
        var inputs = new Dictionary<string, string>
        {
            ["quality_score"] = request.Quality,
            ["participant_revenue"] = request.Revenue,
        };
        decimal quality = Orchestrator.ParsePercent(request.Quality);
        decimal revenue = Orchestrator.ParseMoney(request.Revenue);

        // The in-memory configurations parse the file once, before any timed run.
        List<ColumnBatch>? held = null;
        double parseSeconds = 0;
        long heldBytes = 0;
        if (request.Configuration is Configurations.EngineInMemory or Configurations.LoopInMemory or Configurations.FinishSplit)
        {
            long before = GC.GetTotalMemory(forceFullCollection: true);
            var meter = RunMeter.Begin();
            held = ReadAll(request.File, specs);
            parseSeconds = meter.End(null).Seconds;
            heldBytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        }

        using var heap = new HeapSampler();
        var extra = new Dictionary<string, double>();
        var runs = new List<RunRecord>();
        long heapAfterFirst = 0;
        Figures? figures = null;
        long peakAfterFirst = 0;
        long rows = 0;
        for (int run = 0; run < request.Runs; run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var timings = new BatchTimings();
            var meter = RunMeter.Begin();
            Figures result;
            switch (request.Configuration)
            {
                case Configurations.EngineEndToEnd:
                    {
                        using var csv = new CsvMemberSource(request.File);
                        result = Settle(contract, inputs, new TimedSource(csv, meter.Start), timings);
                        break;
                    }
                case Configurations.EngineEndToEndLargeBatches:
                    {
                        using var csv = new ConfiguredCsvSource(request.File, new MemberReadOptions { BadRows = BadRowPolicy.Fail });
                        result = Settle(contract, inputs, new TimedSource(csv, meter.Start), timings);
                        break;
                    }
                case Configurations.EngineInMemory:
                    result = Settle(contract, inputs, new TimedSource(new ReplaySource(request.File, held!, request.Repeat), meter.Start), timings);
                    break;
                case Configurations.LoopEndToEnd:
                    {
                        var loop = new HandWrittenSettlement(specs);
                        ReadThroughEngineSource(request.File, specs, loop.Add, timings, meter.Start);
                        result = Figures.From(loop.Finish(quality, revenue));
                        break;
                    }
                case Configurations.LoopInMemory:
                    {
                        var loop = new HandWrittenSettlement(specs);
                        var source = new ReplaySource(request.File, held!, request.Repeat);
                        foreach (var batch in TimedSource.Timed(source.Batches(), timings, meter.Start))
                        {
                            loop.Add(batch);
                        }
                        result = Figures.From(loop.Finish(quality, revenue));
                        break;
                    }
                case Configurations.ReadOnly:
                    {
                        long count = 0;
                        ReadThroughEngineSource(request.File, specs, b => count += b.RowCount, timings, meter.Start);
                        result = new Figures(count, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                        break;
                    }
                case Configurations.ReadWithoutIdCheck:
                    {
                        long count = 0;
                        var plain = specs.Select(c => c.IsId ? c with { IsId = false } : c).ToList();
                        using var csv = new ConfiguredCsvSource(request.File, new MemberReadOptions
                        {
                            BadRows = BadRowPolicy.Fail,
                            BatchSize = MemberReadOptions.RecommendedBatchSize,
                            RecycleBatches = true,
                        });
                        if (csv.Open(plain).Any(d => d.IsError))
                        {
                            throw new InvalidOperationException($"{request.File}: cannot open.");
                        }
                        foreach (var batch in TimedSource.Timed(csv.Batches(), timings, meter.Start))
                        {
                            count += batch.RowCount;
                        }
                        result = new Figures(count, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                        break;
                    }
                case Configurations.ReadSep:
                    {
                        long count = 0;
                        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(request.File);
                        var fields = specs.Select(c => reader.Header.IndexOf(c.Name)).ToArray();
                        long chars = 0;
                        foreach (int length in reader.ParallelEnumerate(row =>
                        {
                            int n = 0;
                            foreach (int f in fields)
                            {
                                n += row[f].Span.Length;
                            }
                            return n;
                        }))
                        {
                            chars += length;
                            count++;
                        }
                        result = new Figures(count, chars, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                        break;
                    }
                case Configurations.ReadSepValues:
                    {
                        long count = 0;
                        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(request.File);
                        var fields = specs.Select(c => reader.Header.IndexOf(c.Name)).ToArray();
                        var plans = specs.Select((c, i) => ColumnPlan.For(c, i, required: false)).ToArray();
                        long bad = 0;
                        foreach (int failed in reader.ParallelEnumerate(row =>
                        {
                            Span<byte> utf8 = stackalloc byte[256];
                            int problems = 0;
                            for (int i = 0; i < fields.Length; i++)
                            {
                                var text = row[fields[i]].Span.Trim();
                                int n = System.Text.Encoding.UTF8.GetBytes(text, utf8);
                                var bytes = utf8[..n];
                                var outcome = plans[i].Kind switch
                                {
                                    PlanKind.Decimal => ValueParsers.ParseDecimal(bytes, plans[i].AllowDollar, out _),
                                    PlanKind.MemberMonths => ValueParsers.ParseMemberMonths(bytes, out _),
                                    PlanKind.Percent => ValueParsers.ParsePercent(bytes, out _),
                                    PlanKind.Count => ValueParsers.ParseCount(bytes, out _),
                                    PlanKind.Flag => ValueParsers.ParseFlag(bytes, out _),
                                    _ => n > 0 ? ParseOutcome.Ok : ParseOutcome.Empty,
                                };
                                problems += outcome == ParseOutcome.Ok ? 0 : 1;
                            }
                            return problems;
                        }))
                        {
                            bad += failed;
                            count++;
                        }
                        if (bad > 0)
                        {
                            throw new InvalidOperationException($"{bad} values could not be read.");
                        }
                        result = new Figures(count, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                        break;
                    }
                case Configurations.ReadParquet:
                    {
                        long count = 0;
                        using var source = new ParquetMemberSource(request.File);
                        if (source.Open(specs).Any(d => d.IsError))
                        {
                            throw new InvalidOperationException($"{request.File}: cannot open.");
                        }
                        foreach (var batch in TimedSource.Timed(source.Batches(), timings, meter.Start))
                        {
                            count += batch.RowCount;
                        }
                        result = new Figures(count, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                        break;
                    }
                case Configurations.FinishSplit:
                    {
                        var split = FinishParts.Measure(new ReplaySource(request.File, held!, request.Repeat).Batches(), specs);
                        foreach (var (key, value) in split.Seconds)
                        {
                            extra[key] = Math.Min(extra.GetValueOrDefault(key, double.MaxValue), value);
                        }
                        result = new Figures(split.Rows, split.Members, 0, split.Threshold, 0, 0, 0, 0, 0, 0, 0);
                        break;
                    }
                default:
                    throw new ArgumentException($"Unknown configuration '{request.Configuration}'; expected one of {string.Join(", ", Configurations.All)}.");
            }
            runs.Add(meter.End(timings));
            if (run == 0)
            {
                peakAfterFirst = ProcFs.PeakRssKb();
                heapAfterFirst = heap.PeakHeapBytes;
            }
            if (figures is not null && figures.Differences(result) is { Count: > 0 } diff)
            {
                throw new InvalidOperationException($"Run {run + 1} of {request.Configuration} differs from run 1: {string.Join("; ", diff)}");
            }
            figures = result;
            rows = result.Rows;
            Console.Error.WriteLine($"    {request.Configuration} run {run + 1}/{request.Runs}: {runs[^1].Seconds:F3} s, {rows / runs[^1].Seconds:N0} rows/s");
        }
        return new ChildResult(request.Configuration, request.File, request.Repeat, rows, parseSeconds, heldBytes, runs,
            peakAfterFirst, ProcFs.PeakRssKb(), figures!, loadBefore, ProcFs.Load1())
        {
            PeakHeapBytesFirstRun = heapAfterFirst,
            PeakHeapBytes = heap.PeakHeapBytes,
            Extra = extra,
        };
    }

    private static Figures Settle(BoundContract contract, Dictionary<string, string> inputs, TimedSource source, BatchTimings timings)
    {
        var result = SettlementEngine.Settle(contract, new SettlementRequest { Inputs = inputs, Data = source });
        if (result.Statement is null)
        {
            throw new InvalidOperationException("The engine did not settle: " + string.Join("; ", result.Diagnostics));
        }
        var t = source.Timings;
        timings.SetupTicks = t.SetupTicks;
        timings.WaitTicks = t.WaitTicks;
        timings.ConsumeTicks = t.ConsumeTicks;
        timings.LastBatchEnd = t.LastBatchEnd;
        timings.Batches = t.Batches;
        return Figures.From(result.Statement);
    }

    /// <summary>Reads a file through the engine's own <see cref="CsvMemberSource"/>, as `vbc settle` reads it, handing each batch on.</summary>
    private static void ReadThroughEngineSource(string file, IReadOnlyList<ColumnSpec> specs, Action<ColumnBatch> onBatch, BatchTimings timings, long start)
    {
        using var source = new CsvMemberSource(file);
        var header = source.Open(specs);
        if (header.Any(d => d.IsError))
        {
            throw new InvalidOperationException($"{file}: " + string.Join("; ", header));
        }
        foreach (var batch in TimedSource.Timed(source.Batches(), timings, start))
        {
            onBatch(batch);
        }
        if (source.RowProblems.Any(d => d.IsError))
        {
            throw new InvalidOperationException($"{file}: " + string.Join("; ", source.RowProblems.Take(5)));
        }
    }

    /// <summary>
    /// Reads a whole file into batches kept in memory: the reader's batch size recommended for streaming (what the
    /// engine's CSV source uses), and new arrays for every batch, since these batches are kept.
    /// </summary>
    private static List<ColumnBatch> ReadAll(string file, IReadOnlyList<ColumnSpec> specs)
    {
        using var reader = CsvMemberReader.Open(file, specs, new MemberReadOptions { BadRows = BadRowPolicy.Fail, BatchSize = MemberReadOptions.RecommendedBatchSize });
        if (!reader.CanRead)
        {
            throw new InvalidOperationException($"{file}: " + string.Join("; ", reader.HeaderDiagnostics));
        }
        var kept = reader.ReadBatches().ToList();
        if (reader.Result.HasErrors || !reader.Result.Complete)
        {
            throw new InvalidOperationException($"{file}: " + string.Join("; ", reader.Result.Diagnostics.Take(5)));
        }
        return kept;
    }
}

/// <summary>
/// The finish of the member stage, part by part, on the population's costs: gathering the costs kept in 64K chunks
/// into one array (as the engine's runner does), the engine's PERCENTILE.INC (its own quickselect), the
/// hand-written one, and the truncation pass. Each part is timed on a fresh copy of the same costs.
/// </summary>
internal static class FinishParts
{
    public sealed record Split(long Rows, long Members, decimal Threshold, Dictionary<string, double> Seconds);

    public static Split Measure(IEnumerable<ColumnBatch> batches, IReadOnlyList<ColumnSpec> specs)
    {
        int At(string name) => specs.Select((s, i) => (s, i)).First(x => x.s.Name == name).i;
        int months = At("member_months"), attributed = At("attributed"), esrd = At("esrd");
        var categories = new[] { "inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health" }.Select(At).ToArray();
        const int chunkSize = 1 << 16;
        var chunks = new List<decimal[]>();
        long rows = 0;
        int n = 0;
        foreach (var b in batches)
        {
            rows += b.RowCount;
            var mm = b.Decimals(months);
            var a = b.Flags(attributed);
            var e = b.Flags(esrd);
            for (int i = 0; i < b.RowCount; i++)
            {
                if (!a[i] || e[i] || mm[i] <= 0)
                {
                    continue;
                }
                decimal cost = 0;
                foreach (int c in categories)
                {
                    cost += b.Decimals(c)[i];
                }
                if (n % chunkSize == 0)
                {
                    chunks.Add(new decimal[chunkSize]);
                }
                chunks[^1][n % chunkSize] = cost;
                n++;
            }
        }
        var seconds = new Dictionary<string, double>();
        var sw = new System.Diagnostics.Stopwatch();

        sw.Restart();
        var gathered = new decimal[n];
        for (int c = 0, at = 0; c < chunks.Count; c++, at += chunkSize)
        {
            Array.Copy(chunks[c], 0, gathered, at, Math.Min(chunkSize, n - at));
        }
        seconds["gather costs into one array (new array + copy)"] = sw.Elapsed.TotalSeconds;

        var work = (decimal[])gathered.Clone();
        sw.Restart();
        decimal engine = Vbc.MemberStage.MemberStageRunner.PercentileInc(work, work.Length, 0.99m);
        seconds["engine's PercentileInc (Hoare quickselect)"] = sw.Elapsed.TotalSeconds;

        work = (decimal[])gathered.Clone();
        sw.Restart();
        decimal hand = HandWrittenSettlement.PercentileInc(work, n, 0.99m);
        seconds["hand-written PercentileInc (three-way quickselect)"] = sw.Elapsed.TotalSeconds;
        if (engine != hand)
        {
            throw new InvalidOperationException($"The two percentiles differ: {engine} vs {hand}.");
        }

        sw.Restart();
        decimal counted = 0;
        foreach (var cost in gathered)
        {
            counted += cost > engine ? engine : cost;
        }
        seconds["truncation pass (sum of capped costs)"] = sw.Elapsed.TotalSeconds;
        GC.KeepAlive(counted);
        return new Split(rows, n, engine, seconds);
    }
}

/// <summary>Samples the size of the managed heap (live objects and garbage not yet collected) every 10 ms.</summary>
internal sealed class HeapSampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _heap;

    public HeapSampler()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "heap sampler" };
        _thread.Start();
    }

    public long PeakHeapBytes => Interlocked.Read(ref _heap);

    private void Loop()
    {
        while (!_stop)
        {
            long heap = GC.GetTotalMemory(forceFullCollection: false);
            if (heap > Interlocked.Read(ref _heap))
            {
                Interlocked.Exchange(ref _heap, heap);
            }
            Thread.Sleep(10);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
