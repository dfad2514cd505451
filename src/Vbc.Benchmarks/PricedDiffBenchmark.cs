using System.Diagnostics;
using System.Globalization;
using Vbc.Parsing;
using Vbc.Pricing;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Versions;

namespace Vbc.Benchmarks;

/// <summary>
/// The priced diff's figure (docs/performance.md, "Priced diff"): contracts/mssp-basic-e.vbc against a renewal with
/// eight changes, priced on a member file (every one of the 2^8 combinations settled), against one settlement of the
/// same contract on the same file. Runs alternate (settle, priced, settle, priced, ...) so both see the same load.
/// With "member" as the third argument, one of the eight changes is to the cost basis's truncation, so the member-level
/// stage must run twice (once per member-level IR).
/// Run: dotnet run -c Release --project src/Vbc.Benchmarks -- --priced-diff FILE [RUNS] [member]
/// </summary>
internal static class PricedDiffBenchmark
{
    public static int Run(string root, string data, int runs, bool memberChange)
    {
        string path = Path.Combine(root, "contracts", "mssp-basic-e.vbc");
        string oldText = File.ReadAllText(path);
        string newText = oldText
            .Replace("version: \"2024.1\"", "version: \"2025.1\"")
            .Replace("base: $812.00 PMPM", "base: $820.00 PMPM")
            .Replace("trend: 3.1%", "trend: 3.3%")
            .Replace("minimum savings rate: 2%", "minimum savings rate: 2.5%")
            .Replace("rate: 50% * quality_score", "rate: 55% * quality_score")
            .Replace("cap: 10% of benchmark", "cap: 12% of benchmark")
            .Replace("  rate: 30%\n", "  rate: 35%\n")
            .Replace(memberChange ? "truncate at: 99th percentile" : "minimum loss rate: 2%", memberChange ? "truncate at: 98th percentile" : "minimum loss rate: 1.5%");
        var old = Vbc.Plugins.PluginHost.Bind(ContractParser.Parse(oldText, path));
        var @new = Vbc.Plugins.PluginHost.Bind(ContractParser.Parse(newText, path));
        var diff = ContractDiff.Compare(old, @new);
        var inputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["quality_score"] = "92%", ["participant_revenue"] = "20000000000" };
        Console.Out.WriteLine($"Priced diff of {diff.Changes.Count} changes ({string.Join(", ", diff.Changes.Select(c => c.Id))}) on {data}; {runs} alternating runs.");

        var settle = new List<(double Wall, double Cpu)>();
        var priced = new List<(double Wall, double Cpu)>();
        DiffPrices? last = null;
        for (int i = 0; i < runs; i++)
        {
            settle.Add(Measure(() =>
            {
                var source = MemberFiles.Open(data);
                using var lifetime = source as IDisposable;
                var result = SettlementEngine.Settle(old, new SettlementRequest { Inputs = inputs, Data = source });
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
                }
            }));
            priced.Add(Measure(() =>
            {
                var run = new PricingRun(null, (contract, withData) => new SettlementRequest
                {
                    Inputs = inputs.Where(x => contract.Inputs.Any(d => d.Name.Equals(x.Key, StringComparison.OrdinalIgnoreCase))).ToDictionary(x => x.Key, x => x.Value),
                    Data = withData ? MemberFiles.Open(data) : null,
                });
                var (prices, failures) = PricedDiff.Price(diff, old, @new, text => Vbc.Plugins.PluginHost.Bind(ContractParser.Parse(text, path)), new[] { run });
                last = prices ?? throw new InvalidOperationException(string.Join("\n", failures.SelectMany(f => f.Diagnostics)));
            }));
        }
        static string S(double v) => v.ToString("0.000", CultureInfo.InvariantCulture) + " s";
        var best = (Settle: settle.MinBy(x => x.Wall), Priced: priced.MinBy(x => x.Wall));
        Console.Out.WriteLine($"  one settle:   best wall {S(best.Settle.Wall)} (cpu {S(best.Settle.Cpu)}), median wall {S(Median(settle.Select(x => x.Wall)))}");
        Console.Out.WriteLine($"  priced diff:  best wall {S(best.Priced.Wall)} (cpu {S(best.Priced.Cpu)}), median wall {S(Median(priced.Select(x => x.Wall)))}");
        Console.Out.WriteLine($"  ratio (best wall): {(best.Priced.Wall / best.Settle.Wall).ToString("0.00", CultureInfo.InvariantCulture)}x; "
            + $"{last!.Groups.Count} groups, {last.VersionsSettled} versions settled, {last.MemberPasses} member-level passes; difference {Display.Money(last.TotalNew - last.TotalOld)}");
        return 0;
    }

    private static (double Wall, double Cpu) Measure(Action action)
    {
        GC.Collect();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        process.Refresh();
        return (watch.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
    }

    private static double Median(IEnumerable<double> xs)
    {
        var sorted = xs.OrderBy(x => x).ToList();
        return sorted[sorted.Count / 2];
    }
}
