using System.Diagnostics;
using System.Globalization;
using Vbc.Parsing;
using Vbc.Semantics;
using Vbc.Versions;

namespace Vbc.Benchmarks;

/// <summary>
/// The diff's figure (docs/diff.md, "Speed"): two versions of the 109-line glide path contract (contracts/mssp-glide-path.vbc)
/// with nine changes between them, parsed, bound and compared in process, many times after a warm-up; prints the median
/// and the 95th percentile of the whole (parse, bind, compare) and of the comparison alone.
/// Run: dotnet run -c Release --project src/Vbc.Benchmarks -- --diff [REPOSITORY]
/// </summary>
internal static class DiffBenchmark
{
    public static int Run(string root)
    {
        string oldText = File.ReadAllText(Path.Combine(root, "contracts", "mssp-glide-path.vbc"));
        // Nine changes a renewal might make: rates, caps, minimum savings rate, the trend, the risk ratio cap, the version.
        string newText = oldText
            .Replace("version: \"2024.1\"", "version: \"2025.1\"")
            .Replace("trend: 3.1% per year from 2023", "trend: 3.3% per year from 2023")
            .Replace("level \"A\" {\n  years: 2024\n  shared savings {\n    minimum savings rate: 2%\n    rate: 40% * quality_score",
                     "level \"A\" {\n  years: 2024\n  shared savings {\n    minimum savings rate: 2.5%\n    rate: 45% * quality_score")
            .Replace("level \"E\" {\n  years: 2028\n  shared savings {\n    minimum savings rate: 2%\n    rate: 50% * quality_score\n    cap: 10% of benchmark",
                     "level \"E\" {\n  years: 2028\n  shared savings {\n    minimum savings rate: 2%\n    rate: 55% * quality_score\n    cap: 12% of benchmark")
            .Replace("    rate: 30%\n    cap: lesser of 8% of participant_revenue", "    rate: 35%\n    cap: lesser of 10% of participant_revenue")
            .Replace("risk ratio cap: 3%", "risk ratio cap: 5%");
        int changes = Once(oldText, newText, out _).Changes.Count;
        for (int i = 0; i < 50; i++)
        {
            Once(oldText, newText, out _);
        }
        const int Runs = 500;
        var whole = new List<double>(Runs);
        var compare = new List<double>(Runs);
        for (int i = 0; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            Once(oldText, newText, out double compareMs);
            whole.Add(watch.Elapsed.TotalMilliseconds);
            compare.Add(compareMs);
        }
        static string Ms(double v) => v.ToString("0.000", CultureInfo.InvariantCulture) + " ms";
        static double P(List<double> xs, double q) => xs.OrderBy(x => x).ElementAt((int)Math.Min(xs.Count - 1, Math.Floor(q * xs.Count)));
        Console.Out.WriteLine($"vbc diff of two {oldText.Split('\n').Length - 1}-line contracts, {changes} changes, {Runs} runs after 50 warm-up runs, in process:");
        Console.Out.WriteLine($"  parse + bind both + compare: median {Ms(P(whole, 0.5))}, 95th percentile {Ms(P(whole, 0.95))}");
        Console.Out.WriteLine($"  compare alone (two bound contracts): median {Ms(P(compare, 0.5))}, 95th percentile {Ms(P(compare, 0.95))}");
        return 0;
    }

    private static ContractDiff Once(string oldText, string newText, out double compareMs)
    {
        var old = Binder.Bind(ContractParser.Parse(oldText, "old.vbc"));
        var @new = Binder.Bind(ContractParser.Parse(newText, "new.vbc"));
        if (old.HasErrors || @new.HasErrors)
        {
            throw new InvalidOperationException("The benchmark's contracts have errors:\n" + string.Join("\n", old.Diagnostics.Concat(@new.Diagnostics)));
        }
        var watch = Stopwatch.StartNew();
        var diff = ContractDiff.Compare(old, @new);
        compareMs = watch.Elapsed.TotalMilliseconds;
        return diff;
    }
}
