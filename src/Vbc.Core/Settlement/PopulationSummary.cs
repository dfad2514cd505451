namespace Vbc.Settlement;

/// <summary>Rows left out of the population for one reason, and the cost they carried.</summary>
public sealed record Exclusion(string Reason, string Source, long Rows, decimal Cost);

/// <summary>
/// What the member-level stage found: how many rows, who was left out and why, and where every dollar of cost
/// went. <see cref="InputCost"/> = <see cref="ExcludedCost"/> + <see cref="CarvedOut"/> + <see cref="TruncatedExcess"/>
/// + <see cref="CountedCost"/>, to the cent (it is exact: decimals are never rounded here).
/// </summary>
public sealed record PopulationSummary(
    long RowsRead,
    long Members,
    decimal MemberMonths,
    IReadOnlyList<Exclusion> Exclusions,
    decimal InputCost,
    decimal CarvedOut,
    decimal? TruncationThreshold,
    string? TruncationRule,
    long MembersTruncated,
    decimal TruncatedExcess,
    decimal CountedCost)
{
    /// <summary>
    /// Whether the contract has a cost basis (a <c>cost</c> clause). Without one, no dollars are measured: the cost
    /// figures are all zero and mean "not measured", so statements say so instead of showing $0.00.
    /// </summary>
    public bool CostMeasured { get; init; } = true;

    public decimal ExcludedCost => Evaluation.Exact.Sum(Exclusions.Select(e => e.Cost));

    public long ExcludedRows => Exclusions.Sum(e => e.Rows);

    /// <summary>
    /// Whether input = excluded + carved out + truncated excess + counted, worked out from the parts with exact
    /// sums (a part sum that cannot be held exactly is not conserved), never assumed.
    /// </summary>
    public bool Conserved
    {
        get
        {
            decimal parts = 0;
            foreach (var part in Exclusions.Select(e => e.Cost).Append(CarvedOut).Append(TruncatedExcess).Append(CountedCost))
            {
                if (!Evaluation.Exact.TryAdd(ref parts, part))
                {
                    return false;
                }
            }
            return parts == InputCost;
        }
    }
}
