using System.Diagnostics;
using Vbc.Parsing;
using Vbc.Plugins;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Benchmarks;

/// <summary>
/// A plug-in clause over many members against the same arithmetic written with built-in clauses (docs/performance.md,
/// "Plug-ins"): bench/plugins/stop-loss-plugin.vbc and bench/plugins/stop-loss-builtin.vbc, each bound once, then
/// settled in turns (plug-in, built-in, plug-in, ...) in one process over the same file, with wall and CPU time of
/// each settlement. Both must come to the same total.
/// dotnet run -c Release --project src/Vbc.Benchmarks -- --plugins-members FILE [RUNS]
/// </summary>
internal static class PluginMembersBenchmark
{
    public static int Run(string root, string file, int runs)
    {
        var options = new PluginOptions();
        BoundContract Bind(string name)
        {
            var bound = PluginHost.Bind(ContractParser.ParseFile(Path.Combine(root, "bench", "plugins", name)), options);
            if (bound.HasErrors)
            {
                throw new InvalidOperationException(string.Join("\n", bound.Diagnostics));
            }
            return bound;
        }
        var sides = new[] { ("plug-in", Bind("stop-loss-plugin.vbc")), ("built-in", Bind("stop-loss-builtin.vbc")) };
        var times = sides.ToDictionary(s => s.Item1, _ => new List<(double Wall, double Cpu)>());
        var totals = new Dictionary<string, decimal>();
        var process = Process.GetCurrentProcess();
        Console.Out.WriteLine($"{file}: {runs} settlements of each, in turns; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the start");
        for (int run = 0; run <= runs; run++)
        {
            foreach (var (name, contract) in run % 2 == 0 ? sides : sides.Reverse())
            {
                process.Refresh();
                var cpu = process.TotalProcessorTime;
                var wall = Stopwatch.StartNew();
                IMemberSource data = file.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)
                    ? new ParquetMemberSource(file) : new CsvMemberSource(file);
                SettlementResult result;
                try
                {
                    result = SettlementEngine.Settle(contract, new SettlementRequest { Data = data });
                }
                finally
                {
                    (data as IDisposable)?.Dispose();
                }
                wall.Stop();
                process.Refresh();
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
                }
                totals[name] = result.Statement!.Total;
                if (run > 0)
                {
                    // Run 0 warms both sides (JIT, the plug-in's load) and is not counted.
                    times[name].Add((wall.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds));
                }
            }
        }
        foreach (var (name, _) in sides)
        {
            var t = times[name];
            Console.Out.WriteLine($"{name,-8}: total {totals[name]:#,##0.00}; wall median {Median(t.Select(x => x.Wall)):F3} s (best {t.Min(x => x.Wall):F3} s); CPU median {Median(t.Select(x => x.Cpu)):F3} s (best {t.Min(x => x.Cpu):F3} s)");
        }
        double wallRatio = Median(times["plug-in"].Select(x => x.Wall)) / Median(times["built-in"].Select(x => x.Wall));
        double cpuRatio = Median(times["plug-in"].Select(x => x.Cpu)) / Median(times["built-in"].Select(x => x.Cpu));
        Console.Out.WriteLine($"plug-in / built-in: wall {wallRatio:F2}x, CPU {cpuRatio:F2}x (target within 1.5x); same total: {(totals["plug-in"] == totals["built-in"] ? "yes" : "NO")}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
        return totals["plug-in"] == totals["built-in"] ? 0 : 1;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
