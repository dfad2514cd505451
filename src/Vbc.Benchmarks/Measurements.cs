using System.Diagnostics;
using Vbc.Settlement;

namespace Vbc.Benchmarks;

/// <summary>The settlement's key numbers, from the engine's statement or the hand-written loop, to compare exactly.</summary>
internal sealed record Figures(
    long Rows,
    long Members,
    decimal MemberMonths,
    decimal Threshold,
    long MembersTruncated,
    decimal Actual,
    decimal Benchmark,
    decimal Savings,
    decimal SharedSavings,
    decimal SharedLosses,
    decimal Total)
{
    public static Figures From(Statement s)
    {
        var p = s.Population ?? throw new InvalidOperationException("The statement has no population.");
        decimal Line(string id) => s.Lines.FirstOrDefault(l => l.Id == id)?.Value
            ?? throw new InvalidOperationException($"The statement has no line '{id}'.");
        return new Figures(p.RowsRead, p.Members, p.MemberMonths, p.TruncationThreshold ?? 0, p.MembersTruncated, p.CountedCost,
            Line("benchmark.total"), Line("benchmark.savings"), Line("shared-savings.earned"), -Line("shared-losses.owed"), s.Total);
    }

    public static Figures From(HandWrittenResult r) => new(r.Rows, r.Members, r.MemberMonths, r.Threshold, r.MembersTruncated,
        r.Actual, r.Benchmark, r.Savings, r.SharedSavings, r.SharedLosses, r.Total);

    /// <summary>The fields that differ between two results (empty when they agree exactly).</summary>
    public IReadOnlyList<string> Differences(Figures other)
    {
        var d = new List<string>();
        void Check<T>(string name, T a, T b)
        {
            if (!EqualityComparer<T>.Default.Equals(a, b))
            {
                d.Add($"{name}: {a} vs {b}");
            }
        }
        Check("rows", Rows, other.Rows);
        Check("members", Members, other.Members);
        Check("member months", MemberMonths, other.MemberMonths);
        Check("threshold", Threshold, other.Threshold);
        Check("members truncated", MembersTruncated, other.MembersTruncated);
        Check("actual", Actual, other.Actual);
        Check("benchmark", Benchmark, other.Benchmark);
        Check("savings", Savings, other.Savings);
        Check("shared savings", SharedSavings, other.SharedSavings);
        Check("shared losses", SharedLosses, other.SharedLosses);
        Check("total", Total, other.Total);
        return d;
    }
}

/// <summary>One timed run inside a child process.</summary>
internal sealed record RunRecord(
    double Seconds,
    double CpuSeconds,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    double GcPauseSeconds,
    double SetupSeconds,
    double WaitSeconds,
    double ConsumeSeconds,
    double FinishSeconds,
    int Batches,
    long PageFaults);

/// <summary>What a child process measured: its runs (the first is cold), its peak memory and the settlement's numbers.</summary>
internal sealed record ChildResult(
    string Configuration,
    string File,
    int Repeat,
    long Rows,
    double ParseSeconds,
    long HeldBytes,
    IReadOnlyList<RunRecord> Runs,
    long PeakRssKbAfterFirstRun,
    long PeakRssKb,
    Figures Figures,
    double LoadBefore,
    double LoadAfter)
{
    public long PeakHeapBytesFirstRun { get; init; }

    public long PeakHeapBytes { get; init; }

    /// <summary>Further timings of a diagnostic configuration (best over the runs), by name.</summary>
    public Dictionary<string, double> Extra { get; init; } = new();

    public RunRecord Cold => Runs[0];

    /// <summary>The fastest warm run (the cold run when there is no other).</summary>
    public RunRecord BestWarm => Runs.Count > 1 ? Runs.Skip(1).MinBy(r => r.Seconds)! : Runs[0];
}

/// <summary>Times one run: wall clock, CPU time of the whole process, allocations and collections.</summary>
internal sealed class RunMeter
{
    private readonly long _start;
    private readonly TimeSpan _cpu;
    private readonly long _allocated;
    private readonly int _gen0, _gen1, _gen2;
    private readonly TimeSpan _pause;
    private readonly long _faults;

    private RunMeter()
    {
        _faults = ProcFs.MinorFaults();
        _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _pause = GC.GetTotalPauseDuration();
        _start = Stopwatch.GetTimestamp();
    }

    public long Start => _start;

    public static RunMeter Begin() => new();

    public RunRecord End(BatchTimings? timings)
    {
        long end = Stopwatch.GetTimestamp();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - _cpu;
        double S(long ticks) => BatchTimings.Seconds(ticks);
        return new RunRecord(
            S(end - _start),
            cpu.TotalSeconds,
            GC.GetTotalAllocatedBytes(precise: true) - _allocated,
            GC.CollectionCount(0) - _gen0,
            GC.CollectionCount(1) - _gen1,
            GC.CollectionCount(2) - _gen2,
            (GC.GetTotalPauseDuration() - _pause).TotalSeconds,
            timings is null ? 0 : S(timings.SetupTicks),
            timings is null ? 0 : S(timings.WaitTicks),
            timings is null ? 0 : S(timings.ConsumeTicks),
            timings is null || timings.LastBatchEnd == 0 ? 0 : S(end - timings.LastBatchEnd),
            timings?.Batches ?? 0,
            ProcFs.MinorFaults() - _faults);
    }
}

/// <summary>Memory and load as Linux reports them.</summary>
internal static class ProcFs
{
    /// <summary>A "Vm..." line of /proc/&lt;pid&gt;/status in kB (VmHWM is the peak resident set size), or -1.</summary>
    public static long StatusKb(string pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return -1;
    }

    public static long PeakRssKb() => StatusKb("self", "VmHWM");

    /// <summary>Minor page faults of this process so far (field 10 of /proc/self/stat): first touches of fresh pages.</summary>
    public static long MinorFaults()
    {
        try
        {
            string stat = File.ReadAllText("/proc/self/stat");
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(rest[7], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>
    /// What the first touch of a fresh 4 KB page costs here, in microseconds: 64 MB from the C allocator (fresh
    /// pages from the kernel) written once per page, less the same writes again. On a virtual machine this can be
    /// far above the ~0.2 us of bare metal, and every fresh megabyte a run touches pays it.
    /// </summary>
    public static double PageFaultMicroseconds()
    {
        const int size = 64 << 20, page = 4096;
        var best = double.MaxValue;
        for (int trial = 0; trial < 3; trial++)
        {
            IntPtr p = System.Runtime.InteropServices.Marshal.AllocHGlobal(size);
            try
            {
                var sw = Stopwatch.StartNew();
                for (int off = 0; off < size; off += page)
                {
                    System.Runtime.InteropServices.Marshal.WriteByte(p, off, 1);
                }
                double first = sw.Elapsed.TotalSeconds;
                sw.Restart();
                for (int off = 0; off < size; off += page)
                {
                    System.Runtime.InteropServices.Marshal.WriteByte(p, off, 2);
                }
                double again = sw.Elapsed.TotalSeconds;
                best = Math.Min(best, (first - again) / (size / page) * 1e6);
            }
            finally
            {
                System.Runtime.InteropServices.Marshal.FreeHGlobal(p);
            }
        }
        return best;
    }

    /// <summary>The 1-minute load average.</summary>
    public static double Load1()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    public static string LoadAverages()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>Proportional set size (kB) of one process, from smaps_rollup: shared pages are split among their users.</summary>
    public static long PssKb(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return 0;
    }

    /// <summary>A process and all its descendants (the PostgreSQL server: postmaster, backends, parallel workers).</summary>
    public static List<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // pid (comm) state ppid ...; comm may hold spaces and parentheses: read after the last ')'.
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
            }
        }
        var tree = new List<int> { root };
        for (int i = 0; i < tree.Count; i++)
        {
            tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        }
        return tree;
    }
}

/// <summary>
/// Samples the summed PSS of a process tree every 100 ms on a background thread, keeping the peak: the memory of a
/// multi-process server such as PostgreSQL, whose parallel workers exit before their own peak could be read.
/// </summary>
internal sealed class TreeMemorySampler : IDisposable
{
    private readonly int _root;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peakKb;

    public TreeMemorySampler(int root)
    {
        _root = root;
        _thread = new Thread(Loop) { IsBackground = true, Name = "pss sampler" };
        _thread.Start();
    }

    public long PeakKb => Interlocked.Read(ref _peakKb);

    private void Loop()
    {
        while (!_stop)
        {
            long sum = ProcFs.Tree(_root).Sum(ProcFs.PssKb);
            if (sum > Interlocked.Read(ref _peakKb))
            {
                Interlocked.Exchange(ref _peakKb, sum);
            }
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
