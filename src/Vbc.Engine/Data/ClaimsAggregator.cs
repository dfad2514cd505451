using Vbc.Diagnostics;
using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Data;

/// <summary>How <see cref="ClaimsAggregator"/> reads a long claims file.</summary>
public sealed record ClaimsOptions
{
    public string MemberIdColumn { get; init; } = "member_id";

    public string CategoryColumn { get; init; } = "category";

    public string AmountColumn { get; init; } = "amount";

    public BadRowPolicy BadRows { get; init; } = BadRowPolicy.Fail;

    public int BatchSize { get; init; } = MemberReadOptions.DefaultBatchSize;

    public int MaxParallelism { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>The file name shown in messages; by default the path as given.</summary>
    public string? DisplayName { get; init; }
}

/// <summary>
/// Sums a long claims file (one row per claim: member id, category, amount) per member and per category, for the
/// categories a contract declares as money columns. Read with the same rules and diagnostics as a member file
/// (member id and category must not be empty; amounts are money). Claims in undeclared categories are totalled,
/// not dropped (<see cref="ClaimsTotals.UnknownCategories"/>, warning VBC3019). Hand the result to
/// <see cref="MemberReadOptions.Claims"/> to fill the member file's missing money columns.
/// </summary>
public static class ClaimsAggregator
{
    /// <summary>Aggregates for the money columns among the contract's column specs.</summary>
    public static ClaimsTotals Aggregate(string path, IReadOnlyList<ColumnSpec> memberColumns, ClaimsOptions? options = null) =>
        Aggregate(path, memberColumns.Where(c => c.Type == ValueType.Money).Select(c => c.Name).ToList(), options);

    /// <summary>Aggregates for the given categories (names compare ignoring case and surrounding spaces).</summary>
    public static ClaimsTotals Aggregate(string path, IReadOnlyList<string> categories, ClaimsOptions? options = null)
    {
        options ??= new ClaimsOptions();
        string file = options.DisplayName ?? path;
        var declared = categories.Select(c => c.Trim()).ToList();
        var categoryIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < declared.Count; i++)
        {
            categoryIndex.TryAdd(declared[i], i);
        }
        int k = declared.Count;

        var specs = new[]
        {
            new ColumnSpec(options.MemberIdColumn, ValueType.Text, false),
            new ColumnSpec(options.CategoryColumn, ValueType.Text, false),
            new ColumnSpec(options.AmountColumn, ValueType.Money, false),
        };
        var readOptions = new MemberReadOptions
        {
            BadRows = options.BadRows,
            BatchSize = options.BatchSize,
            MaxParallelism = options.MaxParallelism,
            DisplayName = file,
            RecycleBatches = true, // each batch is summed and dropped
        };

        var members = new Dictionary<string, int>(StringComparer.Ordinal);
        var memberIds = new List<string>();
        var amounts = new decimal[Math.Max(1, k) * 1024];
        var counts = new int[Math.Max(1, k) * 1024];
        var categoryClaims = new long[k];
        var categoryDollars = new decimal[k];
        var unknown = new Dictionary<string, UnknownCategory>(StringComparer.OrdinalIgnoreCase);
        var extra = new List<Diagnostic>();

        using var reader = CsvMemberReader.Open(path, specs, readOptions, new[] { options.MemberIdColumn.Trim(), options.CategoryColumn.Trim() });
        foreach (var batch in reader.ReadBatches())
        {
            var ids = batch.Texts(0);
            var cats = batch.Texts(1);
            var amts = batch.Decimals(2);
            for (int r = 0; r < batch.RowCount; r++)
            {
                decimal amount = amts[r];
                if (!categoryIndex.TryGetValue(cats[r], out int c))
                {
                    if (!unknown.TryGetValue(cats[r], out var u))
                    {
                        u = new UnknownCategory(cats[r], unknown.Count);
                        unknown.Add(cats[r], u);
                    }
                    if (!TryAdd(ref u.Dollars, amount))
                    {
                        extra.Add(TooLarge(batch, r, file, options));
                        continue;
                    }
                    u.Claims++;
                    continue;
                }
                if (!members.TryGetValue(ids[r], out int m))
                {
                    m = memberIds.Count;
                    members.Add(ids[r], m);
                    memberIds.Add(ids[r]);
                    if ((m + 1) * k > amounts.Length)
                    {
                        Array.Resize(ref amounts, amounts.Length * 2);
                        Array.Resize(ref counts, counts.Length * 2);
                    }
                }
                int slot = m * k + c;
                decimal before = amounts[slot];
                if (!TryAdd(ref amounts[slot], amount) || !TryAdd(ref categoryDollars[c], amount))
                {
                    amounts[slot] = before;
                    extra.Add(TooLarge(batch, r, file, options));
                    continue;
                }
                counts[slot]++;
                categoryClaims[c]++;
            }
        }
        var result = reader.Result;

        var unknownTotals = unknown.Values.OrderBy(u => u.Order).Select(u => new CategoryTotal(u.Category, u.Claims, u.Dollars)).ToList();
        var diagnostics = result.Diagnostics.Concat(extra).ToList();
        if (unknownTotals.Count > 0)
        {
            decimal unknownDollars = 0m;
            foreach (var u in unknownTotals)
            {
                TryAdd(ref unknownDollars, u.Dollars);
            }
            diagnostics.Add(DataDiagnostics.UnknownClaimCategories(file, unknownTotals.Sum(u => u.Claims), unknownDollars,
                unknownTotals.Select(u => (u.Category, u.Claims, u.Dollars)).ToList(), declared));
        }
        int n = memberIds.Count;
        Array.Resize(ref amounts, n * k);
        Array.Resize(ref counts, n * k);
        return new ClaimsTotals(
            file,
            declared,
            members,
            memberIds.ToArray(),
            amounts,
            counts,
            result.RowsRead,
            declared.Select((d, i) => new CategoryTotal(d, categoryClaims[i], categoryDollars[i])).ToList(),
            unknownTotals,
            result.BadRows,
            diagnostics,
            result.Complete);
    }

    private static bool TryAdd(ref decimal total, decimal amount)
    {
        try
        {
            total += amount;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static Diagnostic TooLarge(ColumnBatch batch, int r, string file, ClaimsOptions options) =>
        DataDiagnostics.SumTooLarge(file, batch.Lines[r], options.AmountColumn);

    private sealed class UnknownCategory
    {
        public UnknownCategory(string category, int order)
        {
            Category = category;
            Order = order;
        }

        public string Category { get; }
        public int Order { get; }
        public long Claims;
        public decimal Dollars;
    }
}
