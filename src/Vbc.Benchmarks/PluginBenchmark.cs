using System.Diagnostics;
using System.Security.Cryptography;
using Vbc.Plugins;

namespace Vbc.Benchmarks;

/// <summary>
/// Plug-in figures (docs/performance.md, "Plug-ins"): the first compile in a process, a compile once Roslyn is warm,
/// a load from the disk cache, and memory over many plug-in versions loaded and unloaded in one process.
/// dotnet run -c Release --project src/Vbc.Benchmarks -- --plugins [VERSIONS] [LOADS]
/// </summary>
internal static class PluginBenchmark
{
    public static int Run(string root, int versions, int loadsOnly = 0)
    {
        var script = File.ReadAllText(Path.Combine(root, "plugins", "aggregate-stop-loss.csx"));
        var cache = Path.Combine(Path.GetTempPath(), "vbc-plugin-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var options = new PluginOptions { CacheDirectory = cache };

        double Time(string source, out PluginCache.Outcome? outcome)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(source);
            var sw = Stopwatch.StartNew();
            var (plugin, diagnostics) = PluginHost.LoadScript("bench", "aggregate-stop-loss.csx", bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)), options);
            sw.Stop();
            if (plugin is null)
            {
                throw new InvalidOperationException(string.Join("\n", diagnostics));
            }
            outcome = plugin.Cache;
            plugin.Unload();
            return sw.Elapsed.TotalMilliseconds;
        }

        double cold = Time(script, out var first);
        double warmCompile = Time(script + "\n// warm\n", out _);
        var loads = Enumerable.Range(0, 20).Select(_ => Time(script, out var o) is var ms && o == PluginCache.Outcome.Hit ? ms : double.NaN).Order().ToList();
        Console.Out.WriteLine($"first compile in the process ({first}): {cold:F0} ms");
        Console.Out.WriteLine($"compile with Roslyn warm: {warmCompile:F0} ms");
        Console.Out.WriteLine($"load from the cache (20 loads): median {loads[10]:F1} ms, slowest {loads[^1]:F1} ms");

        long Settled()
        {
            for (int i = 0; i < 5; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            return GC.GetTotalMemory(true);
        }
        long before = Settled();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < versions; i++)
        {
            Time(script + $"\n// version {i}\n", out _);
            if ((i + 1) % Math.Max(1, versions / 10) == 0)
            {
                // Sampled along the way: unloaded versions must be collected, so the heap stays flat rather than growing with i.
                Console.Out.WriteLine($"after {i + 1} versions ({sw.Elapsed.TotalSeconds:F0} s): managed heap {(Settled() - before) / 1024.0 / 1024.0:F1} MB above the start, working set {Environment.WorkingSet / 1024 / 1024} MB, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            }
        }
        Console.Out.WriteLine($"after {versions} versions compiled, loaded and unloaded ({sw.Elapsed.TotalSeconds:F0} s): managed heap {(Settled() - before) / 1024.0 / 1024.0:F1} MB above the start, working set {Environment.WorkingSet / 1024 / 1024} MB");

        // Loads alone (no compile): the cached plug-in loaded into a new collectible context and unloaded, many times,
        // so that what the loads retain is told apart from what compiling retains.
        long beforeLoads = Settled();
        sw.Restart();
        for (int i = 0; i < loadsOnly; i++)
        {
            Time(script, out _);
            if ((i + 1) % Math.Max(1, loadsOnly / 5) == 0)
            {
                Console.Out.WriteLine($"after {i + 1} cached loads and unloads ({sw.Elapsed.TotalSeconds:F0} s): managed heap {(Settled() - beforeLoads) / 1024.0 / 1024.0:F1} MB above where they started, working set {Environment.WorkingSet / 1024 / 1024} MB");
            }
        }
        Directory.Delete(cache, recursive: true);
        return 0;
    }
}
