using Vbc.Diagnostics;

namespace Vbc.Data;

/// <summary>
/// Claims summed per member and per declared category, made by <see cref="ClaimsAggregator.Aggregate"/>. Nothing is
/// dropped: claims in categories the contract does not declare are totalled in <see cref="UnknownCategories"/>, bad
/// claim rows are in <see cref="BadRows"/>, and claims of members absent from the member file are totalled by the
/// member reader (<see cref="MemberReadResult.ClaimsWithoutMember"/>).
/// </summary>
public sealed class ClaimsTotals
{
    private readonly Dictionary<string, int> _members;
    private readonly Dictionary<string, int> _categoryIndex;
    private readonly string[] _memberIds;
    private readonly decimal[] _amounts;
    private readonly int[] _counts;

    internal ClaimsTotals(
        string file,
        IReadOnlyList<string> categories,
        Dictionary<string, int> members,
        string[] memberIds,
        decimal[] amounts,
        int[] counts,
        long rowsRead,
        IReadOnlyList<CategoryTotal> byCategory,
        IReadOnlyList<CategoryTotal> unknownCategories,
        IReadOnlyList<BadRow> badRows,
        IReadOnlyList<Diagnostic> diagnostics,
        bool complete)
    {
        File = file;
        Categories = categories;
        _members = members;
        _memberIds = memberIds;
        _amounts = amounts;
        _counts = counts;
        RowsRead = rowsRead;
        ByCategory = byCategory;
        UnknownCategories = unknownCategories;
        BadRows = badRows;
        Diagnostics = diagnostics;
        Complete = complete;
        HasErrors = diagnostics.Any(d => d.IsError);
        _categoryIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < categories.Count; i++)
        {
            _categoryIndex.TryAdd(categories[i], i);
        }
    }

    /// <summary>The claims file, as named in messages.</summary>
    public string File { get; }

    /// <summary>The declared categories (the contract's money columns), in the order given.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>Claim rows read.</summary>
    public long RowsRead { get; }

    /// <summary>Members with at least one claim in a declared category.</summary>
    public int MemberCount => _memberIds.Length;

    /// <summary>Per declared category (in <see cref="Categories"/> order): claims counted and their dollars.</summary>
    public IReadOnlyList<CategoryTotal> ByCategory { get; }

    /// <summary>Claims in categories the contract does not declare, by category as first written, in order of first appearance.</summary>
    public IReadOnlyList<CategoryTotal> UnknownCategories { get; }

    /// <summary>Claim rows left out (policy <see cref="BadRowPolicy.ExcludeBadRows"/>), with their amounts when readable.</summary>
    public IReadOnlyList<BadRow> BadRows { get; }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public bool HasErrors { get; }

    public bool Complete { get; }

    /// <summary>The position of a declared category (names compare ignoring case), or -1.</summary>
    public int CategoryIndex(string category) => _categoryIndex.TryGetValue(category.Trim(), out int i) ? i : -1;

    /// <summary>The member's position, for <see cref="Amount"/> and <see cref="ClaimCount"/>.</summary>
    public bool TryFindMember(string memberId, out int member) => _members.TryGetValue(memberId, out member);

    public string MemberId(int member) => _memberIds[member];

    /// <summary>The member's total in a declared category.</summary>
    public decimal Amount(int member, int category) => _amounts[member * Categories.Count + category];

    public int ClaimCount(int member, int category) => _counts[member * Categories.Count + category];

    /// <summary>The member's total over a category, or 0 when the member has no claim (an absent member has no cost).</summary>
    public decimal Amount(string memberId, string category)
    {
        int c = CategoryIndex(category);
        return c >= 0 && TryFindMember(memberId, out int m) ? Amount(m, c) : 0m;
    }
}
