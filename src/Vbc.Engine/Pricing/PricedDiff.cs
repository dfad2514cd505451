using Vbc.Diagnostics;
using Vbc.MemberLevel;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Versions;

namespace Vbc.Pricing;

/// <summary>
/// Changes priced as one: one change, or several that cannot be applied apart (a band removed and the band that closes
/// its gap, an input and the setting that reads it). <see cref="Why"/> says why they go together.
/// </summary>
public sealed record ChangeGroup(IReadOnlyList<ContractChange> Changes, string? Why)
{
    public string Id => Changes.Count == 1 ? Changes[0].Id : string.Join(" + ", Changes.Select(c => c.Id));
}

/// <summary>What the changes are worth for one organisation (or the one run): both columns in cents, each summing to <see cref="Difference"/>.</summary>
public sealed record OrganisationPrices(
    string? Organisation,
    decimal Old,
    decimal New,
    IReadOnlyList<decimal> Waterfall,
    IReadOnlyList<decimal> Shapley)
{
    public decimal Difference => New - Old;
}

/// <summary>A version (old, new, or the old one with some changes) that could not settle: who, and its diagnostics.</summary>
public sealed record PricingFailure(string Version, string? Organisation, IReadOnlyList<Diagnostic> Diagnostics);

/// <summary>
/// The priced diff: both versions settled on the same data and the difference attributed to each group of changes,
/// as a waterfall (applied one after another in the order of the text) and as Shapley values (each group's marginal
/// effect averaged over every order; over sampled orders above <see cref="PricedDiff.ExactUpTo"/> groups).
/// </summary>
public sealed record DiffPrices(
    IReadOnlyList<ChangeGroup> Groups,
    IReadOnlyList<OrganisationPrices> Organisations,
    bool ShapleyExact,
    int Permutations,
    int Seed,
    int VersionsSettled,
    int MemberPasses,
    IReadOnlyList<ContractChange> NotPriced,
    string? Problem)
{
    /// <summary>Per group, the sum over organisations (cents): each column adds up to the total difference.</summary>
    public IReadOnlyList<decimal> TotalWaterfall => Enumerable.Range(0, Groups.Count).Select(g => Organisations.Sum(o => o.Waterfall[g])).ToList();

    public IReadOnlyList<decimal> TotalShapley => Enumerable.Range(0, Groups.Count).Select(g => Organisations.Sum(o => o.Shapley[g])).ToList();

    public decimal TotalOld => Organisations.Sum(o => o.Old);

    public decimal TotalNew => Organisations.Sum(o => o.New);

    /// <summary>
    /// Whom a group favours on this data, for a group whose kind could not tell ("depends"): the sign both columns
    /// agree on; null when they disagree, when the group moves nothing, or when the kind already knew.
    /// </summary>
    public ChangeDirection? Priced(int group)
    {
        var changes = Groups[group].Changes.Where(c => c.Direction != ChangeDirection.Neutral).ToList();
        if (changes.Count == 0 || !changes.All(c => c.Direction == ChangeDirection.Depends))
        {
            return null;
        }
        int w = Math.Sign(TotalWaterfall[group]), s = Math.Sign(TotalShapley[group]);
        return w == s && w != 0 ? (w > 0 ? ChangeDirection.FavoursProvider : ChangeDirection.FavoursPayer) : null;
    }

    /// <summary>Whether the two columns differ for a group: it interacts with others (its worth depends on what else is applied).</summary>
    public bool Interacts(int group) => TotalWaterfall[group] != TotalShapley[group] || Organisations.Any(o => o.Waterfall[group] != o.Shapley[group]);
}

/// <summary>One settlement to price: an organisation (or none) and how to build its request for a version of the contract.</summary>
/// <param name="Request">The request for a version; <c>withData</c> false when the member-level stage is reused (no file is opened).</param>
public sealed record PricingRun(string? Organisation, Func<BoundContract, bool, SettlementRequest> Request);

/// <summary>
/// Prices a diff on data. Each subset of the changes is the old version with exactly those changes applied
/// (<see cref="AppliedChanges"/>: the new version's syntax nodes in place of the old ones), parsed and bound through
/// the one pipeline and settled by the one engine. The member-level stage runs once per distinct member-level IR and
/// organisation; every other subset settles over that run (a change to a rate or a cap needs no new pass over the data).
/// Cents: the waterfall's steps are differences of statement totals, already in cents; Shapley values are exact
/// fractions (sums of weighted differences over n!, or over the number of sampled orders) rounded down to the cent,
/// and the cents left over go one each to the largest remainders, ties to the change first in the text. Both columns
/// then add up to the total difference to the cent.
/// </summary>
public sealed class PricedDiff
{
    /// <summary>Up to this many groups, Shapley values are exact (every subset is settled); above, orders are sampled.</summary>
    public const int ExactUpTo = 12;

    public const int SampledPermutations = 256;

    public const int Seed = 20261128;

    private readonly ContractDiff _diff;
    private readonly BoundContract _old;
    private readonly BoundContract _new;
    private readonly Func<string, BoundContract> _bind;
    private readonly Dictionary<string, BoundContract> _bound = new(StringComparer.Ordinal);
    private int _memberPasses;
    private int _settled;

    private PricedDiff(ContractDiff diff, BoundContract old, BoundContract @new, Func<string, BoundContract> bind)
    {
        _diff = diff;
        _old = old;
        _new = @new;
        _bind = bind;
    }

    /// <summary>
    /// Prices <paramref name="diff"/> of <paramref name="old"/> and <paramref name="new"/> on each run.
    /// <paramref name="bind"/> parses and binds a contract's text (with the old version's path), as <c>vbc check</c> does.
    /// Returns the prices, or the failures of a version that cannot settle.
    /// </summary>
    public static (DiffPrices? Prices, IReadOnlyList<PricingFailure> Failures) Price(ContractDiff diff, BoundContract old, BoundContract @new,
        Func<string, BoundContract> bind, IReadOnlyList<PricingRun> runs, int exactUpTo = ExactUpTo, int permutations = SampledPermutations) =>
        new PricedDiff(diff, old, @new, bind).Run(runs, exactUpTo, permutations);

    private (DiffPrices?, IReadOnlyList<PricingFailure>) Run(IReadOnlyList<PricingRun> runs, int exactUpTo, int permutations)
    {
        // Both versions first: a version that cannot settle stops the pricing with its own diagnostics.
        var failures = new List<PricingFailure>();
        var caches = runs.Select(_ => new Dictionary<(int?, MemberLevelIr), MemberLevelRun>()).ToList();
        var ends = new List<(decimal Old, decimal New)>();
        for (int r = 0; r < runs.Count; r++)
        {
            var a = Settle(_old, runs[r], caches[r]);
            var b = Settle(_new, runs[r], caches[r]);
            if (!a.Succeeded)
            {
                failures.Add(new PricingFailure("old", runs[r].Organisation, a.Diagnostics));
            }
            if (!b.Succeeded)
            {
                failures.Add(new PricingFailure("new", runs[r].Organisation, b.Diagnostics));
            }
            ends.Add((a.Statement?.Total ?? 0m, b.Statement?.Total ?? 0m));
        }
        if (failures.Count > 0)
        {
            return (null, failures);
        }

        var priceable = _diff.Changes.Where(c => c.Edits.Count > 0).ToList();
        var notPriced = _diff.Changes.Where(c => c.Edits.Count == 0).ToList();
        string? problem = null;
        var groups = Group(priceable, out bool applies);
        if (!applies)
        {
            // The changes applied one by one do not give the new version: price them as one, honestly.
            problem = "The changes could not be applied to the old version one at a time (the old version with all of them applied is not the new version), so they are priced together.";
            groups = priceable.Count == 0 ? new List<List<ContractChange>>() : new List<List<ContractChange>> { priceable };
            notPriced = _diff.Changes.Where(c => !priceable.Contains(c)).ToList();
        }

        while (true)
        {
            var result = Attribute(groups, runs, caches, ends, exactUpTo, permutations, out var failedMask, out var failure);
            if (result is not null)
            {
                var shaped = groups.Select(g => new ChangeGroup(g, g.Count > 1 ? Why(g) : null)).ToList();
                return (new DiffPrices(shaped, result, groups.Count <= exactUpTo, groups.Count <= exactUpTo ? 0 : permutations, Seed, _settled, _memberPasses,
                    notPriced, problem), failures);
            }
            // A combination that does not bind or settle: its groups cannot be priced apart.
            var together = Enumerable.Range(0, groups.Count).Where(i => (failedMask & (1L << i)) != 0).ToList();
            if (together.Count <= 1)
            {
                // One group alone cannot settle where neither version fails (an input only it needs): nothing to join it with.
                return (null, new[] { failure! });
            }
            var merged = together.SelectMany(i => groups[i]).OrderBy(c => _diff.Changes.ToList().IndexOf(c)).ToList();
            groups = groups.Where((_, i) => !together.Contains(i)).Append(merged).OrderBy(g => _diff.Changes.ToList().IndexOf(g[0])).ToList();
        }
    }

    private static string Why(IReadOnlyList<ContractChange> group) =>
        $"these {group.Count} changes cannot be applied apart: the old version with only some of them does not check or settle (for example, a band removed leaves a gap that only the new band closes, or a setting reads a name only another of them declares)";

    // ---- grouping ----------------------------------------------------------------------------------------------------

    /// <summary>
    /// Groups the changes so that each group can be applied alone and left out alone: changes whose edits touch the same
    /// text go together; then a group that does not bind when applied alone (or left out of all the others) joins the
    /// failing groups it shares a place or a name with, and finally all failing groups together.
    /// <paramref name="applies"/>: the old version with every group applied means the same as the new version.
    /// </summary>
    private List<List<ContractChange>> Group(List<ContractChange> changes, out bool applies)
    {
        var groups = changes.Select(c => new List<ContractChange> { c }).ToList();
        groups = Join(groups, (a, b) => a.Any(x => b.Any(y => AppliedChanges.Overlap(x, y))));
        for (int round = 0; round < 2; round++)
        {
            var failing = groups.Where(g => !Binds(g) || !Binds(changes.Except(g).ToList())).ToList();
            if (failing.Count == 0)
            {
                break;
            }
            var rest = groups.Except(failing).ToList();
            var joined = round == 0
                ? Join(failing, (a, b) => Keys(a).Overlaps(Keys(b)))
                : new List<List<ContractChange>> { failing.SelectMany(g => g).ToList() };
            groups = rest.Concat(joined).ToList();
        }
        groups = groups.Select(g => g.OrderBy(changes.IndexOf).ToList()).OrderBy(g => changes.IndexOf(g[0])).ToList();
        var all = Apply(changes);
        applies = all is { HasErrors: false } && ContractDiff.Compare(all, _new).IsEmpty && groups.All(g => Binds(g) && Binds(changes.Except(g).ToList()));
        return groups;
    }

    private static List<List<ContractChange>> Join(List<List<ContractChange>> groups, Func<List<ContractChange>, List<ContractChange>, bool> together)
    {
        var result = groups.Select(g => g.ToList()).ToList();
        for (bool again = true; again;)
        {
            again = false;
            for (int i = 0; i < result.Count && !again; i++)
            {
                for (int j = i + 1; j < result.Count && !again; j++)
                {
                    if (together(result[i], result[j]))
                    {
                        result[i].AddRange(result[j]);
                        result.RemoveAt(j);
                        again = true;
                    }
                }
            }
        }
        return result;
    }

    /// <summary>
    /// Where a change is (the id of what holds it) and the declared names its edits write or remove: changes that share
    /// one belong together when they fail apart (an input added and the clause that reads it).
    /// </summary>
    private HashSet<string> Keys(IEnumerable<ContractChange> group)
    {
        var names = _old.Inputs.Concat<Symbol>(_old.Columns).Concat(_old.Values).Concat(_new.Inputs).Concat(_new.Columns).Concat(_new.Values)
            .Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in group)
        {
            int cut = c.Id.IndexOf('[');
            if (!c.Rule.StartsWith("declaration-", StringComparison.Ordinal) && !c.Rule.StartsWith("metadata-", StringComparison.Ordinal) && c.Rule != "name-renamed")
            {
                // Declarations share their block (inputs), not a place: an input added and another removed are not tied.
                keys.Add("at:" + (cut > 0 ? c.Id[..cut] : c.Id.Contains('.') ? c.Id[..c.Id.LastIndexOf('.')] : c.Id));
            }
            foreach (var edit in c.Edits)
            {
                foreach (var text in new[] { edit.Text, _old.Source.GetText(edit.Span) })
                {
                    foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, "[A-Za-z_][A-Za-z0-9_]*"))
                    {
                        if (names.Contains(m.Value))
                        {
                            keys.Add("name:" + m.Value);
                        }
                    }
                }
            }
        }
        return keys;
    }

    private bool Binds(IReadOnlyList<ContractChange> changes) => Apply(changes) is { HasErrors: false };

    /// <summary>The old version with these changes, bound; null when their edits cross (they can only be applied together).</summary>
    private BoundContract? Apply(IEnumerable<ContractChange> changes)
    {
        string text;
        try
        {
            text = AppliedChanges.Text(_old.Source.Text, changes);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        return BindText(text);
    }

    private BoundContract BindText(string text)
    {
        if (!_bound.TryGetValue(text, out var contract))
        {
            contract = text == _old.Source.Text ? _old : _bind(text);
            _bound[text] = contract;
        }
        return contract;
    }

    // ---- attribution -------------------------------------------------------------------------------------------------

    private List<OrganisationPrices>? Attribute(List<List<ContractChange>> groups, IReadOnlyList<PricingRun> runs, List<Dictionary<(int?, MemberLevelIr), MemberLevelRun>> caches,
        List<(decimal Old, decimal New)> ends, int exactUpTo, int permutations, out long failedMask, out PricingFailure? failure)
    {
        failure = null;
        int n = groups.Count;
        long full = n == 0 ? 0 : (1L << n) - 1;
        failedMask = 0;
        // The subsets to settle: all of them (exact), or the prefixes of the sampled orders; the waterfall's prefixes always.
        var orders = new List<int[]>();
        if (n > exactUpTo)
        {
            var random = new Random(Seed);
            for (int p = 0; p < permutations; p++)
            {
                var order = Enumerable.Range(0, n).ToArray();
                random.Shuffle(order);
                orders.Add(order);
            }
        }
        var masks = new SortedSet<long>();
        if (n <= exactUpTo)
        {
            for (long m = 0; m <= full; m++)
            {
                masks.Add(m);
            }
        }
        else
        {
            foreach (var order in orders)
            {
                long m = 0;
                masks.Add(m);
                foreach (int g in order)
                {
                    m |= 1L << g;
                    masks.Add(m);
                }
            }
        }
        for (int k = 0; k <= n; k++)
        {
            masks.Add(k == 0 ? 0 : (1L << k) - 1);
        }

        var value = runs.Select(_ => new Dictionary<long, decimal>()).ToList();
        foreach (long mask in masks)
        {
            BoundContract contract;
            if (mask == 0)
            {
                contract = _old;
            }
            else if (mask == full)
            {
                contract = _new;
            }
            else
            {
                var applied = Apply(Enumerable.Range(0, n).Where(i => (mask & (1L << i)) != 0).SelectMany(i => groups[i]));
                if (applied is not { HasErrors: false })
                {
                    failedMask = mask;
                    failure = new PricingFailure(Describe(groups, mask), null, applied?.Diagnostics.Where(d => d.IsError).ToList() ?? new List<Diagnostic>());
                    return null;
                }
                contract = applied;
            }
            for (int r = 0; r < runs.Count; r++)
            {
                if (mask == 0 || mask == full)
                {
                    value[r][mask] = mask == 0 ? ends[r].Old : ends[r].New;
                    continue;
                }
                var result = Settle(contract, runs[r], caches[r]);
                if (!result.Succeeded)
                {
                    failedMask = mask;
                    failure = new PricingFailure(Describe(groups, mask), runs[r].Organisation, result.Diagnostics);
                    return null;
                }
                value[r][mask] = result.Statement!.Total;
            }
        }

        var prices = new List<OrganisationPrices>();
        for (int r = 0; r < runs.Count; r++)
        {
            var v = value[r];
            decimal total = v[full] - v[0];
            var waterfall = Attribution.Waterfall(n, m => v[m]);
            var (numerators, denominator) = n <= exactUpTo ? Attribution.ShapleyExact(n, m => v[m]) : Attribution.ShapleySampled(n, orders, m => v[m]);
            prices.Add(new OrganisationPrices(runs[r].Organisation, v[0], v[full], waterfall, Attribution.ToCents(numerators, denominator, total)));
        }
        return prices;
    }

    private static string Describe(List<List<ContractChange>> groups, long mask) =>
        "the old version with " + string.Join(", ", Enumerable.Range(0, groups.Count).Where(i => (mask & (1L << i)) != 0).SelectMany(i => groups[i]).Select(c => c.Id));

    /// <summary>A version settled for a run: over a member-level pass already made for the same IR, else with a new pass.</summary>
    private SettlementResult Settle(BoundContract contract, PricingRun run, Dictionary<(int?, MemberLevelIr), MemberLevelRun> cache)
    {
        _settled++;
        var probe = run.Request(contract, false);
        var (ir, _, failed) = SettlementEngine.LowerMemberLevel(contract, probe);
        if (failed is not null)
        {
            return failed;
        }
        // The year is part of the key: a changed period settles another year over work that may look the same.
        var key = (probe.Year ?? contract.DefaultYear, ir!);
        if (cache.TryGetValue(key, out var reused))
        {
            return SettlementEngine.Settle(contract, probe with { MemberLevel = reused });
        }
        var request = run.Request(contract, true);
        try
        {
            _memberPasses++;
            var result = SettlementEngine.Settle(contract, request);
            if (result.Succeeded && result.MemberLevel is { } pass)
            {
                cache[key] = pass;
            }
            return result;
        }
        finally
        {
            (request.Data as IDisposable)?.Dispose();
            foreach (var table in request.Tables?.Values.Where(t => t != request.Data).OfType<IDisposable>() ?? Enumerable.Empty<IDisposable>())
            {
                table.Dispose();
            }
        }
    }
}

/// <summary>
/// The two ways of attributing a total difference v(all) - v(none) to n groups of changes, on any value function v over
/// subsets (bit i of a mask: group i applied). Pure arithmetic, so its properties are tested on constructed cases.
/// </summary>
public static class Attribution
{
    /// <summary>Group k's step when the groups are applied one after another in order 0, 1, ..., n - 1.</summary>
    public static IReadOnlyList<decimal> Waterfall(int n, Func<long, decimal> v) =>
        Enumerable.Range(0, n).Select(k => v((1L << (k + 1)) - 1) - v((1L << k) - 1)).ToList();

    /// <summary>
    /// Exact Shapley values as numerators over one denominator n!: phi_i = sum over S without i of
    /// |S|! (n - |S| - 1)! (v(S + i) - v(S)) / n!. No division until the end, so nothing is lost to repeating decimals.
    /// </summary>
    public static (decimal[] Numerators, decimal Denominator) ShapleyExact(int n, Func<long, decimal> v)
    {
        var factorial = new decimal[n + 1];
        factorial[0] = 1;
        for (int k = 1; k <= n; k++)
        {
            factorial[k] = factorial[k - 1] * k;
        }
        var numerators = new decimal[n];
        long full = n == 0 ? 0 : (1L << n) - 1;
        for (long s = 0; s <= full; s++)
        {
            int size = System.Numerics.BitOperations.PopCount((ulong)s);
            decimal here = v(s);
            for (int i = 0; i < n; i++)
            {
                if ((s & (1L << i)) == 0)
                {
                    numerators[i] += factorial[size] * factorial[n - size - 1] * (v(s | (1L << i)) - here);
                }
            }
        }
        return (numerators, factorial[n]);
    }

    /// <summary>Shapley values estimated over the given orders: each group's marginal effect summed over the orders, over their number.</summary>
    public static (decimal[] Numerators, decimal Denominator) ShapleySampled(int n, IReadOnlyList<int[]> orders, Func<long, decimal> v)
    {
        var numerators = new decimal[n];
        foreach (var order in orders)
        {
            long m = 0;
            foreach (int g in order)
            {
                long next = m | (1L << g);
                numerators[g] += v(next) - v(m);
                m = next;
            }
        }
        return (numerators, orders.Count);
    }

    /// <summary>
    /// Exact fractions numerator/denominator (in dollars) to cents that add up to <paramref name="total"/>: each rounded
    /// down to the cent, then the cents left over one each to the largest remainders, ties to the earlier in the text.
    /// </summary>
    public static IReadOnlyList<decimal> ToCents(IReadOnlyList<decimal> numerators, decimal denominator, decimal total)
    {
        int n = numerators.Count;
        var cents = new decimal[n];
        var remainders = new decimal[n];
        for (int i = 0; i < n; i++)
        {
            decimal scaled = numerators[i] * 100m;
            decimal floor = Math.Floor(scaled / denominator);
            // The exact remainder, as a numerator over the denominator (no rounding of repeating decimals).
            decimal remainder = scaled - floor * denominator;
            if (remainder < 0)
            {
                floor -= 1;
                remainder += denominator;
            }
            else if (remainder >= denominator)
            {
                floor += 1;
                remainder -= denominator;
            }
            cents[i] = floor;
            remainders[i] = remainder;
        }
        decimal left = total * 100m - cents.Sum();
        foreach (int i in Enumerable.Range(0, n).OrderByDescending(i => remainders[i]).ThenBy(i => i))
        {
            if (left <= 0)
            {
                break;
            }
            cents[i] += 1;
            left -= 1;
        }
        return cents.Select(c => c / 100m).ToList();
    }

}
