using System.Text.RegularExpressions;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Curves;

/// <summary>What a payout curve moves: the savings rate (through the actual cost) or the quality score.</summary>
public enum CurveDriver
{
    SavingsRate,
    Quality,
}

/// <summary>One point: the driver's value and the settlement's total there (payer to provider positive, in cents).</summary>
public sealed record CurvePoint(decimal Driver, decimal Total);

/// <summary>
/// A place where the curve bends or jumps, found between two grid points and narrowed by bisection; <see cref="Why"/>
/// names the statement lines whose outcome changes there (a minimum savings rate met, a cap applied, a band reached).
/// </summary>
public sealed record CurveKink(decimal At, decimal Left, decimal Right, bool Jump, IReadOnlyList<string> Why);

/// <summary>The properties stated under a chart, each worked out from the points.</summary>
public sealed record CurveProperties(
    bool Monotone,
    bool Continuous,
    decimal Lowest,
    decimal Highest,
    bool LowestIsFlat,
    bool HighestIsFlat,
    bool NeverNegative);

public sealed record PayoutCurve(
    CurveDriver Driver,
    string DriverName,
    string Moves,
    decimal Benchmark,
    IReadOnlyList<CurvePoint> Points,
    IReadOnlyList<CurveKink> Kinks,
    CurveProperties Properties);

/// <summary>A curve, or why it cannot be drawn (a user-facing message).</summary>
public sealed record CurveResult(PayoutCurve? Curve, SettlementResult Base, string? Problem);

/// <summary>
/// Payout curves: the contract's own settlement arithmetic run over a grid of the performance driver. The data is
/// read once (the member-level stage of the first settlement is reused); each point pins one value the contract
/// computes: the actual cost A = B x (1 - r) for a savings rate r, or the quality score. Kinks are found where the
/// slope changes between grid points and narrowed by bisection to a millionth of the driver; each is named by the
/// statement lines whose outcome differs on its two sides.
/// </summary>
public static class PayoutCurves
{
    public const string ActualOutput = "actual";
    public const string BenchmarkOutput = "benchmark";
    public const string QualityOutput = "quality_composite";

    public static CurveResult Compute(BoundContract contract, SettlementRequest request, CurveDriver driver, decimal from, decimal to, int points)
    {
        var first = SettlementEngine.Settle(contract, request);
        if (!first.Succeeded)
        {
            return new CurveResult(null, first, null);
        }
        var reuse = request with { MemberLevel = first.MemberLevel };
        decimal benchmark = first.Outputs.TryGetValue(BenchmarkOutput, out var b) ? b.Number : 0m;
        string pinned;
        string moves;
        Func<decimal, decimal> pinValue;
        if (driver == CurveDriver.SavingsRate)
        {
            if (!first.Outputs.ContainsKey(BenchmarkOutput) || !first.Outputs.ContainsKey(ActualOutput))
            {
                return new CurveResult(null, first,
                    "A curve by savings rate needs a benchmark and an actual cost ('benchmark' and 'cost' clauses); this contract has "
                    + (first.Outputs.ContainsKey(BenchmarkOutput) ? "no actual cost." : "no benchmark.") + " Try --driver quality.");
            }
            if (benchmark <= 0)
            {
                return new CurveResult(null, first, $"The benchmark is {Display.Money(benchmark)}: a savings rate is measured against a benchmark above $0.");
            }
            pinned = ActualOutput;
            moves = $"the actual cost A = B x (1 - savings rate), B = {Display.Money(benchmark)}";
            pinValue = r => benchmark * (1 - r);
        }
        else
        {
            if (first.Outputs.ContainsKey(QualityOutput))
            {
                pinned = QualityOutput;
            }
            else if (contract.Inputs.FirstOrDefault(i => i.Name.StartsWith("quality", StringComparison.OrdinalIgnoreCase) && i.Type.IsNumber && i.Type.Dimension.IsNone) is { } input)
            {
                pinned = input.Name;
                if (first.MemberLevel!.InputsReadPerMember.Contains(pinned, StringComparer.OrdinalIgnoreCase))
                {
                    return new CurveResult(null, first, $"The input '{pinned}' is read for every member, so moving it would need the data read once per point: not supported.");
                }
            }
            else
            {
                return new CurveResult(null, first,
                    "The contract has no quality score to move: neither a 'quality' clause (quality_composite) nor an input named quality... (a percent). Try --driver savings-rate.");
            }
            moves = $"the quality score ({pinned})";
            pinValue = q => q;
        }

        (decimal Total, Statement Statement)? At(decimal x)
        {
            var run = SettlementEngine.Settle(contract, reuse with { Pin = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase) { [pinned] = pinValue(x) } });
            return run.Succeeded ? (run.Statement!.Total, run.Statement) : null;
        }

        var grid = new List<CurvePoint>();
        var statements = new List<Statement>();
        for (int k = 0; k < points; k++)
        {
            decimal x = points == 1 ? from : from + (to - from) * k / (points - 1);
            if (At(x) is not { } p)
            {
                return new CurveResult(null, first, $"The settlement stops at {Show(driver, x)}: {Describe(contract, reuse, pinned, pinValue(x))}");
            }
            grid.Add(new CurvePoint(x, p.Total));
            statements.Add(p.Statement);
        }

        // The steepest the payment moves per unit of the driver anywhere on the grid: a change faster than this over a
        // bisected step is a jump, not a slope.
        decimal steepest = grid.Zip(grid.Skip(1), (a, c) => Math.Abs(c.Total - a.Total) / (c.Driver - a.Driver)).DefaultIfEmpty(0m).Max();
        var kinks = new List<CurveKink>();
        for (int k = 1; k < grid.Count; k++)
        {
            var why = Changed(statements[k - 1], statements[k]);
            if (why.Count > 0)
            {
                // A line's outcome changes in (k-1, k]: narrow it down by bisection to a millionth of the driver.
                decimal lo = grid[k - 1].Driver, hi = grid[k].Driver;
                var loS = statements[k - 1];
                var hiS = statements[k];
                for (int i = 0; i < 60 && hi - lo > 0.000001m; i++)
                {
                    decimal mid = (lo + hi) / 2;
                    var m = At(mid)!.Value.Statement;
                    if (Changed(loS, m).Count > 0)
                    {
                        (hi, hiS) = (mid, m);
                    }
                    else
                    {
                        (lo, loS) = (mid, m);
                    }
                }
                bool jump = Math.Abs(hiS.Total - loS.Total) > steepest * (hi - lo) + 1m;
                // A line may change its words where the payment does not change its course (a note 'no savings'
                // turning into 'savings' at 0% while nothing is paid on either side): only a jump or a bend is a kink.
                decimal delta = (to - from) / (points - 1) / 4;
                // At an end of the range there is nothing beyond to compare with: the slope inside stands for both sides.
                decimal? before = lo - delta >= from && At(lo - delta) is { } b0 ? loS.Total - b0.Total : null;
                decimal? after = hi + delta <= to && At(hi + delta) is { } a0 ? a0.Total - hiS.Total : null;
                before ??= after ?? 0m;
                after ??= before;
                if (jump || Math.Abs(after.Value - before.Value) > 0.02m)
                {
                    kinks.Add(new CurveKink(Math.Round((lo + hi) / 2, 6), loS.Total, hiS.Total, jump, Changed(loS, hiS)));
                }
            }
            else if (k + 1 < grid.Count && Math.Abs((grid[k + 1].Total - grid[k].Total) - (grid[k].Total - grid[k - 1].Total)) > 0.02m
                && Changed(statements[k], statements[k + 1]).Count == 0)
            {
                // The slope changes at grid point k with no line changing its outcome (a band edge of a corridor):
                // named by the lines whose own slope changes there, the first in the statement first.
                var bending = Bending(statements[k - 1], statements[k], statements[k + 1]);
                // Where the two straight pieces meet: the line through k-2, k-1 and the one through k+1, k+2 (each
                // piece is straight between kinks); at the ends of the grid, the grid point itself.
                decimal at = grid[k].Driver;
                if (k >= 2 && k + 2 < grid.Count)
                {
                    decimal m1 = (grid[k - 1].Total - grid[k - 2].Total) / (grid[k - 1].Driver - grid[k - 2].Driver);
                    decimal m2 = (grid[k + 2].Total - grid[k + 1].Total) / (grid[k + 2].Driver - grid[k + 1].Driver);
                    if (m1 != m2)
                    {
                        decimal x = (grid[k + 1].Total - grid[k - 1].Total + m1 * grid[k - 1].Driver - m2 * grid[k + 1].Driver) / (m1 - m2);
                        at = x > grid[k - 1].Driver && x < grid[k + 1].Driver ? Math.Round(x, 6) : at;
                    }
                }
                kinks.Add(new CurveKink(at, grid[k].Total, grid[k].Total, false, bending.Count > 0 ? bending : new[] { "the slope changes" }));
            }
        }

        var totals = grid.Select(p => p.Total).ToList();
        bool monotone = totals.Zip(totals.Skip(1), (a, c) => c >= a).All(x => x) || totals.Zip(totals.Skip(1), (a, c) => c <= a).All(x => x);
        decimal lowest = totals.Min(), highest = totals.Max();
        var properties = new CurveProperties(
            Monotone: monotone,
            Continuous: !kinks.Any(k => k.Jump),
            Lowest: lowest,
            Highest: highest,
            LowestIsFlat: Flat(grid, lowest),
            HighestIsFlat: Flat(grid, highest),
            NeverNegative: lowest >= 0);
        string name = driver == CurveDriver.SavingsRate ? "savings rate" : "quality score";
        return new CurveResult(new PayoutCurve(driver, name, moves, benchmark, grid, kinks, properties), first, null);
    }

    /// <summary>Whether the extreme is held over more than one grid step: a cap or a floor, not the edge of the range.</summary>
    private static bool Flat(IReadOnlyList<CurvePoint> grid, decimal value) =>
        grid.Zip(grid.Skip(1), (a, c) => a.Total == value && c.Total == value).Any(x => x);

    private static readonly Regex Numbers = new(@"[-+~$\d,.%]+", RegexOptions.Compiled);

    /// <summary>
    /// The lines whose outcome differs between two statements of the same contract: a note whose text changes (a test
    /// met or not), a line present in one only (a cap applied), or a formula whose shape (its words, numbers aside) changes.
    /// </summary>
    private static List<string> Changed(Statement a, Statement b)
    {
        static Dictionary<string, string> Shapes(Statement s) => s.Lines
            .GroupBy(l => l.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join("|", g.Select(l => l.Kind == LineKind.Note ? Numbers.Replace(l.Formula, "#") + "|" + l.Label : Numbers.Replace(l.Formula, "#"))),
                StringComparer.Ordinal);
        var x = Shapes(a);
        var y = Shapes(b);
        return x.Keys.Union(y.Keys)
            .Where(id => !id.StartsWith("values.", StringComparison.Ordinal))
            .Where(id => !x.TryGetValue(id, out var p) || !y.TryGetValue(id, out var q) || p != q)
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Up to three step lines whose value bends at the middle statement, in statement order.</summary>
    private static List<string> Bending(Statement a, Statement b, Statement c)
    {
        static Dictionary<string, decimal> Values(Statement s) => s.Lines
            .Where(l => l.Value is not null && !l.Id.StartsWith("values.", StringComparison.Ordinal))
            .GroupBy(l => l.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value!.Value, StringComparer.Ordinal);
        var (x, y, z) = (Values(a), Values(b), Values(c));
        return b.Lines.Select(l => l.Id).Distinct()
            .Where(id => x.ContainsKey(id) && y.ContainsKey(id) && z.ContainsKey(id))
            .Where(id => Math.Abs((z[id] - y[id]) - (y[id] - x[id])) > 0.000001m * Math.Max(1m, Math.Abs(y[id])))
            .Where(id => b.Lines.First(l => l.Id == id).Unit?.Dimension.IsNone != true || b.Lines.First(l => l.Id == id).Kind == LineKind.Component)
            .Take(3)
            .ToList();
    }

    private static string Describe(BoundContract contract, SettlementRequest request, string pinned, decimal value)
    {
        var run = SettlementEngine.Settle(contract, request with { Pin = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase) { [pinned] = value } });
        return string.Join("; ", run.Diagnostics.Select(d => d.ToString()));
    }

    public static string Show(CurveDriver driver, decimal x) => Display.Percent(x);
}
