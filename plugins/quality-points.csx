// Quality points by percentile: a measure's rate is scored against the measure's benchmarks, the rates at national
// percentiles (30th, 50th, 70th, 90th...), each benchmark reached earning the points written for it; the points earned,
// as a share of the most points, scale the measure's bonus. A clause kind for vbc, written as a plug-in (docs/plugins.md).
//
//   quality points "Diabetes control" {
//     rate: diabetes_control        // the measure's rate for the year (a measure, an input)
//     benchmarks: {                 // the rate at each percentile (it rises with the percentile)
//       30th percentile: 58%
//       50th percentile: 64%
//       70th percentile: 70%
//       90th percentile: 78%
//     }
//     points: 1, 2, 3, 4            // the points for reaching each benchmark, lowest percentile first
//     bonus: $40,000.00             // paid in full at the most points
//   }
using System;
using System.Collections.Generic;
using Vbc.Clauses.Authoring;

public sealed class QualityPoints : PluginClause
{
    private readonly Setting<decimal> _rate;
    private readonly TableSetting _benchmarks;
    private readonly ListSetting _points;
    private readonly Setting<decimal> _bonus;
    private readonly PluginCode _pointsPerBenchmark;
    private readonly PluginCode _pointsDecrease;

    public QualityPoints()
    {
        _rate = PercentSetting("rate", "The measure's rate for the year: a measure of the quality clause, or an input.", "diabetes_control", min: 0m, max: 1m);
        _benchmarks = TableSetting("benchmarks", "The measure's benchmarks: the rate at each percentile (rows in any order; the rate rises with the percentile).",
            "30th percentile: 58%\n50th percentile: 64%\n70th percentile: 70%\n90th percentile: 78%",
            keys: Unit.Percentile, results: Unit.Percent, keyOrder: RowOrder.Ascending, resultOrder: RowOrder.Ascending, maxRows: 10, min: 0m, max: 1m);
        _points = ListSetting("points", Unit.Number, "The points for reaching each benchmark, from the lowest percentile to the highest.", "1, 2, 3, 4",
            maxItems: 10, min: 0m);
        _bonus = MoneySetting("bonus", "The bonus paid in full at the most points; fewer points pay their share of it.", "$40,000.00");
        _pointsPerBenchmark = ErrorCode(1, "one number of points per benchmark",
            "Write as many points as there are benchmarks, from the lowest percentile to the highest.");
        _pointsDecrease = ErrorCode(2, "points decrease",
            "A higher benchmark earns at least the points of a lower one: write the points from the lowest benchmark to the highest.");
    }

    public override string Keyword => "quality points";

    public override string Summary =>
        "Quality points by percentile: a measure's rate is scored against its benchmark percentiles, and the points earned scale its bonus.";

    public override string Version => "1.0.0";

    public override string CodePrefix => "QPT";

    public override bool Repeatable => true;

    protected override void Check(CheckContext check)
    {
        var points = check.Constants(_points);
        int rows = check.Rows(_benchmarks);
        if (check.Has(_points) && check.Has(_benchmarks) && points.Count != rows)
        {
            check.Report(_pointsPerBenchmark, _points, $"'points' has {points.Count} numbers and 'benchmarks' has {rows} rows.");
        }
        for (int i = 1; i < points.Count; i++)
        {
            if (points[i] is decimal later && points[i - 1] is decimal earlier && later < earlier)
            {
                check.Report(_pointsDecrease, _points, $"Benchmark {i + 1} earns {later} points, fewer than benchmark {i} ({earlier}).");
                return;
            }
        }
    }

    protected override void Settle(SettleContext s)
    {
        decimal rate = s.Get(_rate);
        IReadOnlyList<TableRow> benchmarks = s.Get(_benchmarks);
        IReadOnlyList<decimal> points = s.Get(_points);
        if (points.Count != benchmarks.Count)
        {
            s.Fail(_pointsPerBenchmark, _points, $"'points' has {points.Count} numbers and 'benchmarks' has {benchmarks.Count} rows.");
        }
        s.Step("rate", "Measure rate", rate, Unit.Percent, s.Explain(_rate));

        // The highest benchmark the rate reaches (the benchmarks rise, as vbc checked): its points are earned.
        decimal earned = 0m;
        string reached = $"below the lowest benchmark, {SettleContext.Show(benchmarks[0].Key, Unit.Percentile)} ({SettleContext.Show(benchmarks[0].Result, Unit.Percent)}): no points";
        for (int i = 0; i < benchmarks.Count; i++)
        {
            if (rate >= benchmarks[i].Result)
            {
                earned = points[i];
                reached = $"{SettleContext.Show(rate, Unit.Percent)} >= {SettleContext.Show(benchmarks[i].Result, Unit.Percent)}, the {SettleContext.Show(benchmarks[i].Key, Unit.Percentile)} benchmark";
            }
        }
        decimal most = points[points.Count - 1];
        s.Step("points", "Points earned", earned, Unit.Number, reached);
        s.Step("most", "Most points", most, Unit.Number, $"the points of the {SettleContext.Show(benchmarks[benchmarks.Count - 1].Key, Unit.Percentile)} benchmark");
        decimal share = most == 0m ? 0m : earned / most;
        s.Step("share", "Share of the bonus earned", share, Unit.Percent, $"{earned} / {most} points");
        decimal bonus = s.Get(_bonus);
        s.Component("bonus", s.Label is string label ? $"Quality points bonus: {label}" : "Quality points bonus", bonus * share, $"{s.Explain(_bonus)} x {SettleContext.Show(share, Unit.Percent)}");
    }
}
