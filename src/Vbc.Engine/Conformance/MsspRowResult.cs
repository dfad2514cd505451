using Vbc.Settlement;

namespace Vbc.Conformance;

public enum MsspRowStatus
{
    /// <summary>The statement's total is within the tolerance of CMS's figure.</summary>
    Match,
    /// <summary>Settled, but the total differs from CMS's figure by more than the tolerance.</summary>
    Mismatch,
    /// <summary>The row could not be settled (no contract, a contract with errors, an input the engine refused).</summary>
    NotSettled,
}

/// <summary>Why a row does not match: the known edge cases of CMS's file, or none of them.</summary>
public enum MsspMismatchKind
{
    None,
    /// <summary>CMS's loss is smaller than ours: it was held to a share of participants' revenue, which CMS does not publish.</summary>
    RevenueBasedLossLimit,
    /// <summary>
    /// CMS's public-health-emergency adjustment cancels its loss entirely, but the adjustment (the whole loss CMS
    /// computed) is smaller than our loss: CMS's loss was held to the revenue-based limit.
    /// </summary>
    PublicHealthEmergencyCancelsLoss,
    /// <summary>CMS's loss is larger than ours by less than the published disaster adjustment: CMS took off only part of it.</summary>
    DisasterAdjustmentPartlyApplied,
    /// <summary>The savings rate is within the rounding of the published minimum savings rate.</summary>
    SavingsRateAtMinimum,
    /// <summary>None of the known edge cases: a mismatch to investigate.</summary>
    Unexplained,
}

/// <summary>One row of the reference file, settled and compared.</summary>
public sealed record MsspRowResult
{
    public required MsspRow Row { get; init; }

    /// <summary>The contract file that settled the row (its name in contracts/mssp-tracks/).</summary>
    public required string Contract { get; init; }

    public required MsspRowStatus Status { get; init; }

    /// <summary>The statement's total (payer to provider positive), or null when the row was not settled.</summary>
    public decimal? Computed { get; init; }

    public MsspMismatchKind Kind { get; init; }

    /// <summary>Why the row does not match (empty when it matches).</summary>
    public string Reason { get; init; } = "";

    /// <summary>The minimum savings rate the contract applied, when the statement shows one.</summary>
    public decimal? ContractMinimumSavingsRate { get; init; }

    public decimal Published => Row.Published;

    /// <summary>Computed - published (0 when not settled).</summary>
    public decimal Difference => (Computed ?? 0) - Row.Published;

    public decimal Tolerance => MsspConformance.Tolerance(Row.Published);

    /// <summary>True for a match, and for a mismatch that is one of the known edge cases.</summary>
    public bool IsExplained => Status == MsspRowStatus.Match || (Status == MsspRowStatus.Mismatch && Kind != MsspMismatchKind.Unexplained);

    internal static MsspRowResult NotSettled(MsspRow row, string contract, string problem) => new()
    {
        Row = row,
        Contract = contract,
        Status = MsspRowStatus.NotSettled,
        Kind = MsspMismatchKind.Unexplained,
        Reason = "not settled: " + problem,
    };

    /// <summary>Compares a statement with CMS's figure and, when they differ, says which known edge case it is.</summary>
    internal static MsspRowResult Compare(MsspRow row, string contract, Statement statement)
    {
        decimal computed = statement.Total;
        var result = new MsspRowResult
        {
            Row = row,
            Contract = contract,
            Computed = computed,
            Status = Math.Abs(computed - row.Published) <= MsspConformance.Tolerance(row.Published) ? MsspRowStatus.Match : MsspRowStatus.Mismatch,
            ContractMinimumSavingsRate = Line(statement, "shared-savings.minimum-rate"),
        };
        if (result.Status == MsspRowStatus.Match)
        {
            return result;
        }
        var (kind, reason) = Classify(row, computed, statement);
        return result with { Kind = kind, Reason = reason };
    }

    private static decimal? Line(Statement statement, string id) => statement.Lines.FirstOrDefault(l => l.Id == id)?.Value;

    /// <summary>The share of participants' revenue a track's loss limit is, for the tracks that have one.</summary>
    private static string? RevenueLimit(string track) => track switch
    {
        "track_1_plus" => "8%",
        "basic_c" => "2%",
        "basic_d" => "4%",
        "basic_e" => "8%",
        _ => null,
    };

    /// <summary>
    /// The known edge cases of CMS's file (see docs/conformance.md). Each test reads the row and the statement's own
    /// lines; none recomputes the settlement.
    /// </summary>
    private static (MsspMismatchKind, string) Classify(MsspRow row, decimal computed, Statement statement)
    {
        decimal published = row.Published;
        decimal? disaster = row.DisasterAdjustment is { } d && d != 0 ? Math.Abs(d) : null;
        string? revenueLimit = RevenueLimit(row.Track);

        // Our owed loss before the disaster adjustment: the loss line, capped, as the statement shows it.
        decimal? ourLoss = Line(statement, "shared-losses.before-cap") is { } beforeCap
            ? Math.Min(beforeCap, Line(statement, "shared-losses.cap") ?? beforeCap)
            : null;

        if (computed < 0 && published <= 0 && published > computed && revenueLimit is not null)
        {
            if (published == 0 && disaster is { } phe && row.Year >= 2020 && ourLoss is { } loss && phe < loss)
            {
                return (MsspMismatchKind.PublicHealthEmergencyCancelsLoss,
                    $"CMS's public-health-emergency adjustment ({MsspReport.Money(-phe)}) cancels CMS's loss entirely, so that amount is the whole loss CMS computed; " +
                    $"ours before the adjustment is {MsspReport.Money(loss)}. The only limit that makes a loss smaller is the revenue-based one, " +
                    $"{revenueLimit} of participants' revenue, which CMS does not publish.");
            }
            return (MsspMismatchKind.RevenueBasedLossLimit,
                $"CMS's loss is smaller than ours: this track limits losses to {revenueLimit} of participants' revenue (at most a share of the benchmark), " +
                "and participants' revenue is not published, so the check lets only the benchmark-based limit bind.");
        }
        if (computed < 0 && published < computed && disaster is { } adjustment && computed - published <= adjustment)
        {
            decimal taken = adjustment - (computed - published);
            return (MsspMismatchKind.DisasterAdjustmentPartlyApplied,
                $"CMS's loss is {MsspReport.Money(computed - published)} larger than ours. Ours takes the whole published disaster adjustment ({MsspReport.Money(-adjustment)}) off the loss; " +
                $"CMS's figure is what taking off {MsspReport.Money(taken)} gives ({MsspReport.Percent(taken / adjustment)} of it). " +
                "A loss limit can only lower a loss, so it does not explain this row; the published columns do not say why.");
        }
        if ((computed == 0) != (published == 0) && Line(statement, "benchmark.savings-rate") is { } rate && Math.Abs(rate - row.MinimumRate) < 0.00005m)
        {
            return (MsspMismatchKind.SavingsRateAtMinimum,
                $"The savings rate {MsspReport.Percent(rate, 4)} equals the published minimum savings rate {MsspReport.Percent(row.MinimumRate, 4)} at its last published decimal: " +
                "which side of the threshold the ACO is on depends on digits CMS does not publish.");
        }
        return (MsspMismatchKind.Unexplained, "None of the known edge cases: investigate this row.");
    }
}
