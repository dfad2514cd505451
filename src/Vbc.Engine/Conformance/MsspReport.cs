using System.Globalization;
using System.Text;

namespace Vbc.Conformance;

/// <summary>One line of the breakdown: a performance year and a track.</summary>
public sealed record MsspGroup(int Year, string Track, string Contract, int Rows, int Matched, int Mismatched, int NotSettled, decimal Published, decimal Computed);

/// <summary>The outcome of the MSSP conformance check: every row's result, with the totals and the text report.</summary>
public sealed record MsspReport(
    string ReferenceFile,
    string ContractsFolder,
    IReadOnlyList<MsspRowResult> Rows,
    IReadOnlyList<string> Problems,
    TimeSpan SettlementTime)
{
    public int Total => Rows.Count;

    public int Matched => Rows.Count(r => r.Status == MsspRowStatus.Match);

    public IEnumerable<MsspRowResult> Mismatches => Rows.Where(r => r.Status != MsspRowStatus.Match);

    public IEnumerable<MsspRowResult> Unexplained => Rows.Where(r => !r.IsExplained);

    public bool MeetsThreshold => Matched >= MsspConformance.RequiredMatches;

    public IReadOnlyList<MsspGroup> Groups => Rows
        .GroupBy(r => (r.Row.Year, r.Row.Track))
        .OrderBy(g => g.Key.Year).ThenBy(g => TrackOrder(g.Key.Track)).ThenBy(g => g.Key.Track, StringComparer.Ordinal)
        .Select(g => new MsspGroup(g.Key.Year, g.Key.Track, g.First().Contract, g.Count(),
            g.Count(r => r.Status == MsspRowStatus.Match), g.Count(r => r.Status == MsspRowStatus.Mismatch), g.Count(r => r.Status == MsspRowStatus.NotSettled),
            g.Sum(r => r.Published), g.Sum(r => r.Computed ?? 0)))
        .ToList();

    /// <summary>
    /// The one-sided rows whose statement shows the minimum savings rate the contract took from its table (5,000
    /// beneficiaries or more), and how many of them agree with CMS's published rate to its rounding.
    /// </summary>
    public (int Compared, int Agree) MinimumSavingsRateCheck
    {
        get
        {
            var compared = Rows.Where(r => r.ContractMinimumSavingsRate is not null && r.Row.Track is "track_1" or "basic_a" or "basic_b"
                && int.TryParse(r.Row.Cells["n_ab"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 5000).ToList();
            return (compared.Count, compared.Count(r => Math.Abs(r.ContractMinimumSavingsRate!.Value - r.Row.MinimumRate) < 0.00005m));
        }
    }

    private static int TrackOrder(string track) => track.StartsWith("track_", StringComparison.Ordinal) ? 0 : track.StartsWith("basic_", StringComparison.Ordinal) ? 1 : 2;

    /// <summary>The report as plain text (Markdown tables), the same bytes for the same inputs.</summary>
    public string ToText()
    {
        var o = new StringBuilder();
        o.Append("MSSP conformance: CMS's published Shared Savings Program results, settled by the contracts in contracts/mssp-tracks/\n\n");
        o.Append($"Reference file   {ReferenceFile}\n");
        o.Append($"Contracts        {ContractsFolder}\n");
        o.Append("Compared         each statement's total with CMS's earnsaveloss (earned savings positive, owed losses negative)\n");
        o.Append("Tolerance        max($5, 0.05% of |earnsaveloss|)\n\n");

        int notSettled = Rows.Count(r => r.Status == MsspRowStatus.NotSettled);
        int unexplained = Unexplained.Count();
        o.Append($"RESULT: {Matched:#,##0} of {Total:#,##0} rows match");
        if (Total != MsspConformance.ExpectedRows)
        {
            o.Append($" (the file CMS published for 2018-2021 has {MsspConformance.ExpectedRows:#,##0} rows)");
        }
        o.Append($"; {Total - Matched} do not");
        if (notSettled > 0)
        {
            o.Append($" ({notSettled} could not be settled)");
        }
        o.Append(unexplained == 0 ? ", each one a known edge case explained below.\n" : $"; {unexplained} of them are NOT explained.\n");
        o.Append(MeetsThreshold
            ? $"At least {MsspConformance.RequiredMatches:#,##0} rows must match: passed.\n"
            : $"At least {MsspConformance.RequiredMatches:#,##0} rows must match: FAILED.\n");

        var (compared, agree) = MinimumSavingsRateCheck;
        if (compared > 0)
        {
            o.Append($"Minimum savings rate: on {compared:#,##0} one-sided rows (5,000 beneficiaries or more, with savings) the rate the contracts take from their size table " +
                $"agrees with CMS's published rate to its rounding on {agree:#,##0}.\n");
        }

        if (Problems.Count > 0)
        {
            o.Append("\nPROBLEMS\n");
            foreach (var p in Problems)
            {
                o.Append("- ").Append(p).Append('\n');
            }
        }

        o.Append("\nBY YEAR AND TRACK\n\n");
        o.Append("| year | track | contract | rows | match | mismatch | not settled | published total | computed total |\n");
        o.Append("|---|---|---|--:|--:|--:|--:|--:|--:|\n");
        foreach (var g in Groups)
        {
            o.Append($"| {g.Year} | {g.Track} | {g.Contract} | {g.Rows:#,##0} | {g.Matched:#,##0} | {g.Mismatched} | {g.NotSettled} | {Money(g.Published)} | {Money(g.Computed)} |\n");
        }
        o.Append($"| all | | | {Total:#,##0} | {Matched:#,##0} | {Rows.Count(r => r.Status == MsspRowStatus.Mismatch)} | {notSettled} | " +
            $"{Money(Rows.Sum(r => r.Published))} | {Money(Rows.Sum(r => r.Computed ?? 0))} |\n");

        o.Append("\nROWS THAT DO NOT MATCH\n\n");
        var mismatches = Mismatches.OrderBy(r => r.Row.Year).ThenBy(r => r.Row.AcoId, StringComparer.Ordinal).ToList();
        if (mismatches.Count == 0)
        {
            o.Append("None.\n");
        }
        else
        {
            o.Append("| year | ACO | track | published | computed | difference | case | reason |\n");
            o.Append("|---|---|---|--:|--:|--:|---|---|\n");
            foreach (var r in mismatches)
            {
                o.Append($"| {r.Row.Year} | {r.Row.AcoId} | {r.Row.Track} | {Money(r.Published)} | {(r.Computed is { } c ? Money(c) : "-")} | " +
                    $"{(r.Computed is null ? "-" : Money(r.Difference))} | {CaseName(r.Kind)} | {r.Reason} |\n");
            }
        }

        o.Append("\nHOW ROWS BECOME INPUTS\n\n");
        o.Append("| track | contract |\n|---|---|\n");
        foreach (var t in MsspConformance.Tracks)
        {
            o.Append($"| {t.Track} | {t.ContractFile} |\n");
        }
        o.Append("\n| input | from |\n|---|---|\n");
        foreach (var i in MsspConformance.Inputs)
        {
            o.Append($"| {i.Input} | {i.Source} |\n");
        }
        o.Append("The performance year settled is performance_year. Each contract is given only the inputs it declares.\n");
        return o.ToString();
    }

    public static string CaseName(MsspMismatchKind kind) => kind switch
    {
        MsspMismatchKind.RevenueBasedLossLimit => "revenue-based loss limit",
        MsspMismatchKind.PublicHealthEmergencyCancelsLoss => "PHE adjustment cancels the loss",
        MsspMismatchKind.DisasterAdjustmentPartlyApplied => "disaster adjustment partly applied",
        MsspMismatchKind.SavingsRateAtMinimum => "savings rate at the MSR",
        MsspMismatchKind.Unexplained => "UNEXPLAINED",
        _ => "",
    };

    /// <summary>$1,234.56 / -$1,234.56.</summary>
    public static string Money(decimal value) =>
        (value < 0 ? "-$" : "$") + Math.Abs(value).ToString("#,##0.00", CultureInfo.InvariantCulture);

    public static string Percent(decimal fraction, int decimals = 2) =>
        (fraction * 100m).ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture) + "%";
}
