namespace Vbc.Tests.Synthetic;

/// <summary>Summary statistics of a members file, computed with decimals straight from the text.</summary>
internal sealed class MemberSummary
{
    private static readonly string[] Categories = ["inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health", "behavioral"];

    private readonly SyntheticCsv _csv;
    private readonly decimal[] _cost; // per row: the sum of the seven categories (carve-outs are parts of them)
    private readonly int[] _months;

    private MemberSummary(SyntheticCsv csv)
    {
        _csv = csv;
        int[] categories = [.. Categories.Select(csv.Index)];
        _cost = [.. csv.Rows.Select(r => categories.Sum(c => SyntheticCsv.Number(r[c])))];
        _months = [.. csv.Values("member_months").Select(int.Parse)];
    }

    public static MemberSummary Of(SyntheticCsv csv) => new(csv);

    public int Members => _csv.Rows.Length;

    public long MemberMonths => _months.Sum(m => (long)m);

    public decimal TotalCost => _cost.Sum();

    /// <summary>Total cost over total member months.</summary>
    public decimal Pmpm => TotalCost / MemberMonths;

    public decimal MeanFullYearCost => Enumerable.Range(0, Members).Where(i => _months[i] == 12).Average(i => _cost[i]);

    /// <summary>Share of enrolled members (member months above 0) with no cost at all.</summary>
    public double ZeroCostShare =>
        (double)Enumerable.Range(0, Members).Count(i => _months[i] > 0 && _cost[i] == 0) / _months.Count(m => m > 0);

    public double ZeroMonthsShare => (double)_months.Count(m => m == 0) / Members;

    public double PartialYearShare => (double)_months.Count(m => m is > 0 and < 12) / Members;

    /// <summary>The cost of the costliest 1% of members (rounded up) over the total cost.</summary>
    public double TopOnePercentShare =>
        (double)(_cost.OrderDescending().Take((Members + 99) / 100).Sum() / TotalCost);

    public decimal MeanRisk => _csv.Values("risk_score").Average(SyntheticCsv.Number);

    public int CountAbove(decimal dollars) => _cost.Count(c => c > dollars);

    public double Share(string column, Func<string, bool> predicate) =>
        (double)_csv.Values(column).Count(predicate) / Members;

    /// <summary>Members a typical contract leaves out: no member months, not attributed, ESRD or hospice.</summary>
    public double ExclusionShare
    {
        get
        {
            int attributed = _csv.Index("attributed"), esrd = _csv.Index("esrd"), hospice = _csv.Index("hospice");
            return (double)Enumerable.Range(0, Members).Count(i =>
                _months[i] == 0 || _csv.Rows[i][attributed] == "0" || _csv.Rows[i][esrd] == "1" || _csv.Rows[i][hospice] == "1") / Members;
        }
    }

    public int Sum(string column) => _csv.Values(column).Sum(int.Parse);

    /// <summary>Sum of a measure's numerators over the sum of its denominators.</summary>
    public double Rate(string measure) => (double)Sum(measure + "_num") / Sum(measure + "_den");
}
