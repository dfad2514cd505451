using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Semantics;

namespace Vbc.Versions;

/// <summary>Whom a change favours, as far as the contract's text alone can tell.</summary>
public enum ChangeDirection
{
    FavoursProvider,
    FavoursPayer,
    Neutral,
    /// <summary>The effect depends on the data (or on settings the kind does not grade).</summary>
    Depends,
    /// <summary>The diff cannot grade this change: reported, never dropped.</summary>
    Unclassified,
}

public enum ChangeKind
{
    Added,
    Removed,
    Changed,
    Renamed,
}

/// <summary>
/// One change between two versions, at the level a lawyer reads: its stable id (built like the statement's line ids),
/// the rule that found it (docs/diff.md lists the rules and their grades), a sentence, its direction, and the old and
/// new value as written with where each is.
/// </summary>
public sealed record ContractChange(
    string Id,
    string Rule,
    ChangeKind Kind,
    ChangeDirection Direction,
    string Sentence,
    string? Old,
    Location? OldAt,
    string? New,
    Location? NewAt)
{
    /// <summary>
    /// The edits of the old version's text that apply this change alone (docs/diff.md, "Priced on data"); empty when
    /// it cannot be applied by itself (the summary line of contracts of different kinds).
    /// </summary>
    public IReadOnlyList<SourceEdit> Edits { get; init; } = Array.Empty<SourceEdit>();
}

/// <summary>
/// The changes in meaning from one version of a contract to another (<c>vbc diff</c>). Both versions are compared
/// as <see cref="ContractModel"/>s: renamed names are matched by their definition and uses, relabelled clauses by
/// their kind, rows and bands by their keys and bounds; everything else by id.
/// </summary>
public sealed class ContractDiff
{
    private ContractDiff(ContractModel old, ContractModel @new, IReadOnlyList<ContractChange> changes)
    {
        Old = old;
        New = @new;
        Changes = changes;
    }

    /// <summary>Every rule a change can carry, with its grade documented in docs/diff.md ("The rules").</summary>
    public static readonly IReadOnlyList<string> Rules = new[]
    {
        "contract-kind-changed",
        "metadata-added", "metadata-removed", "metadata-changed",
        "declaration-added", "declaration-removed", "declaration-changed",
        "name-renamed",
        "clause-added", "clause-removed", "clause-relabelled",
        "setting-added", "setting-removed", "setting-changed",
        "item-added", "item-removed", "item-changed",
        "row-added", "row-removed", "row-changed",
    };

    public ContractModel Old { get; }

    public ContractModel New { get; }

    public IReadOnlyList<ContractChange> Changes { get; }

    public bool IsEmpty => Changes.Count == 0;

    /// <summary>Whether the two versions have no paying clause kind in common (a bundle against shared savings).</summary>
    public bool KindsDiffer => Old.PaymentKinds.Count > 0 && New.PaymentKinds.Count > 0 && !Old.PaymentKinds.Intersect(New.PaymentKinds).Any();

    public int Count(ChangeDirection direction) => Changes.Count(c => c.Direction == direction);

    public static ContractDiff Compare(BoundContract old, BoundContract @new)
    {
        var newModel = ContractModel.Of(@new);
        var oldModel = ContractModel.Of(old);
        var renames = Renames(oldModel, newModel);
        if (renames.Count > 0)
        {
            // The old version read with the new names: a renamed value's uses then read the same on both sides.
            oldModel = ContractModel.Of(old, s => renames.TryGetValue(s, out var r) ? r.NewName : s.Name);
        }
        var changes = new List<(double Order, ContractChange Change)>();
        var diff = new ContractDiff(oldModel, newModel, Array.Empty<ContractChange>());
        if (diff.KindsDiffer)
        {
            changes.Add((-2, new ContractChange("contract.kind", "contract-kind-changed", ChangeKind.Changed, ChangeDirection.Depends,
                $"The versions are contracts of different kinds: {string.Join(", ", oldModel.PaymentKinds)} in the old, {string.Join(", ", newModel.PaymentKinds)} in the new. The changes below compare them clause by clause.",
                string.Join(", ", oldModel.PaymentKinds), null, string.Join(", ", newModel.PaymentKinds), null)));
        }
        foreach (var (symbol, rename) in renames)
        {
            changes.Add((IndexOf(newModel, rename.NewFact.Id) - 0.5, new ContractChange(rename.NewFact.Id, "name-renamed", ChangeKind.Renamed, ChangeDirection.Neutral,
                $"Renames the {Role(symbol)} {symbol.Name} to {rename.NewName}; its definition and uses are unchanged.",
                symbol.Name, Location.In(old.Source, symbol.Declaration), rename.NewName, rename.NewFact.Where)
            { Edits = ChangeEdits.Renamed(symbol, rename.NewName, old) }));
        }

        var relabels = Relabels(oldModel, newModel);
        var relabelled = oldModel.Facts.Select(f => f with { Id = Rewrite(f.Id, relabels), Parent = f.Parent is null ? null : Rewrite(f.Parent, relabels) }).ToList();
        var newFacts = newModel.Facts.ToDictionary(f => f.Id, StringComparer.Ordinal);
        relabelled = PairItems(relabelled, newModel.Facts, newFacts);
        var oldFacts = relabelled.GroupBy(f => f.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        // A fact is compared only when what it belongs to is on both sides, in the same shape: a removed clause is one
        // change, not one per setting; a setting that turns from a table into a value is one change, not one per row.
        bool Compared(ContractFact f)
        {
            if (f.Parent is null)
            {
                return true;
            }
            return oldFacts.TryGetValue(f.Parent, out var o) && newFacts.TryGetValue(f.Parent, out var n) && o.IsTable == n.IsTable && Compared(o) && Compared(n);
        }

        foreach (var (oldId, newId) in relabels)
        {
            var o = oldModel.Find(oldId)!;
            var n = newModel.Find(newId)!;
            if (Compared(n))
            {
                changes.Add((IndexOf(newModel, newId), new ContractChange(newId, "clause-relabelled", ChangeKind.Renamed, ChangeDirection.Neutral,
                    $"Renames {o.Subject} to {n.Subject}.", o.Shown, o.Where, n.Shown, n.Where) { Edits = ChangeEdits.Relabelled(o, n, @new) }));
            }
        }
        for (int i = 0; i < newModel.Facts.Count; i++)
        {
            var n = newModel.Facts[i];
            if (!Compared(n))
            {
                continue;
            }
            if (!oldFacts.TryGetValue(n.Id, out var o))
            {
                if (!MeansAbsent(n))
                {
                    changes.Add((i, Added(n) with { Edits = ChangeEdits.Added(n, n.Parent is null ? null : oldFacts.GetValueOrDefault(n.Parent), old, @new) }));
                }
            }
            else if (o.Meaning != n.Meaning)
            {
                changes.Add((i, Changed(o, n, Rows(oldFacts.Values, o), Rows(newModel.Facts, n)) with { Edits = ChangeEdits.Changed(o, n, old, @new) }));
            }
        }
        // A removed fact is listed where it stood: after the last fact before it that is still there.
        double place = -1;
        int k = 0;
        foreach (var o in relabelled)
        {
            k++;
            if (newFacts.ContainsKey(o.Id))
            {
                place = IndexOf(newModel, o.Id);
            }
            else if (Compared(o) && !MeansAbsent(o))
            {
                changes.Add((place + k / 100000.0, Removed(o) with { Edits = ChangeEdits.Removed(o, old) }));
            }
        }
        return new ContractDiff(oldModel, newModel, changes.OrderBy(c => c.Order).Select(c => c.Change).ToList());
    }

    private static List<ContractFact> Rows(IEnumerable<ContractFact> facts, ContractFact table) =>
        table.IsTable ? facts.Where(f => f.Kind == FactKind.Row && f.Parent == table.Id).ToList() : new List<ContractFact>();

    /// <summary>A setting written as what its absence means ('sharing: first dollar', 'minimum savings rate: 0%'): writing it or not is the same contract.</summary>
    private static bool MeansAbsent(ContractFact f)
    {
        if (f.Kind is not (FactKind.Setting or FactKind.Metadata) || f.Spec is not { } spec)
        {
            return false;
        }
        if (spec.Shape == ParameterShape.Option)
        {
            return spec.Options is { Count: > 0 } options && f.Meaning == options[0];
        }
        return spec.Default is { } d && f.Value is { } v && Evaluator.TryConstant(v) is { Kind: ValueKind.Number } c && c.Number == d;
    }

    private static int IndexOf(ContractModel model, string id)
    {
        for (int i = 0; i < model.Facts.Count; i++)
        {
            if (model.Facts[i].Id == id)
            {
                return i;
            }
        }
        return model.Facts.Count;
    }

    private static string Role(Symbol s) => s switch { ColumnSymbol => "column", InputSymbol => "input", _ => "value" };

    // ---- matching ----------------------------------------------------------------------------------------------------

    private sealed record Rename(string NewName, ContractFact NewFact);

    /// <summary>
    /// A declared name in the old version only and one in the new version only, of the same role, with the same
    /// definition and used by the same settings, is one name renamed. Only a match that is unique both ways counts.
    /// </summary>
    private static Dictionary<Symbol, Rename> Renames(ContractModel old, ContractModel @new)
    {
        var result = new Dictionary<Symbol, Rename>();
        var oldOnly = old.Facts.Where(f => f.Declares is not null && @new.Find(f.Id) is null).ToList();
        var newOnly = @new.Facts.Where(f => f.Declares is not null && old.Find(f.Id) is null).ToList();
        bool Same(ContractFact o, ContractFact n) =>
            Role(o.Declares!) == Role(n.Declares!) && o.Meaning == n.Meaning && UsedBy(old, o.Declares!).SetEquals(UsedBy(@new, n.Declares!));
        foreach (var o in oldOnly)
        {
            var candidates = newOnly.Where(n => Same(o, n)).ToList();
            if (candidates.Count == 1 && oldOnly.Count(other => Same(other, candidates[0])) == 1)
            {
                result[o.Declares!] = new Rename(candidates[0].Declares!.Name, candidates[0]);
            }
        }
        return result;
    }

    /// <summary>The settings (not rows or items, whose ids hold the name) that use a name.</summary>
    private static HashSet<string> UsedBy(ContractModel model, Symbol symbol) =>
        model.Facts.Where(f => f.Declares != symbol && f.Uses.Contains(symbol))
            .Select(f => f.Kind is FactKind.Item or FactKind.Row ? f.Parent ?? f.Id : f.Declares is { } d ? "decl:" + Role(d) : f.Id)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>A clause whose label changed (corridor "Professional" to corridor "Global"): the only unmatched clause of its kind on each side, in the same level.</summary>
    private static List<(string Old, string New)> Relabels(ContractModel old, ContractModel @new)
    {
        var result = new List<(string, string)>();
        var oldOnly = old.Facts.Where(f => f.Kind == FactKind.Clause && @new.Find(f.Id) is null).ToList();
        var newOnly = @new.Facts.Where(f => f.Kind == FactKind.Clause && old.Find(f.Id) is null).ToList();
        // Levels first, so that the clauses inside a relabelled level are then matched within it.
        foreach (var o in oldOnly.OrderBy(f => f.Parent is null ? 0 : 1))
        {
            string? parent = o.Parent is null ? null : Rewrite(o.Parent, result);
            var sameOld = oldOnly.Where(f => f.Meaning == o.Meaning && (f.Parent is null ? null : Rewrite(f.Parent, result)) == parent).ToList();
            var sameNew = newOnly.Where(f => f.Meaning == o.Meaning && f.Parent == parent).ToList();
            if (sameOld.Count == 1 && sameNew.Count == 1)
            {
                result.Add((o.Id, sameNew[0].Id));
            }
        }
        return result;
    }

    /// <summary>
    /// An item of a set that has no name but its text (a population condition, a cost category): when a set lost exactly
    /// one item and gained exactly one, that is one item changed ('include: attributed' to 'include: attributed and
    /// months_enrolled >= 6'), not a removal and an addition. The old item takes the new one's id.
    /// </summary>
    private static List<ContractFact> PairItems(List<ContractFact> old, IReadOnlyList<ContractFact> @new, Dictionary<string, ContractFact> newById)
    {
        var oldIds = old.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var set in old.Where(f => f.IsTable && newById.ContainsKey(f.Id)).Select(f => f.Id))
        {
            var lost = old.Where(f => f.Kind == FactKind.Item && f.Parent == set && !newById.ContainsKey(f.Id)).ToList();
            var gained = @new.Where(f => f.Kind == FactKind.Item && f.Parent == set && !oldIds.Contains(f.Id)).ToList();
            if (lost.Count == 1 && gained.Count == 1)
            {
                renamed[lost[0].Id] = gained[0].Id;
            }
        }
        return renamed.Count == 0 ? old : old.Select(f => renamed.TryGetValue(f.Id, out var id) ? f with { Id = id } : f).ToList();
    }

    private static string Rewrite(string id, List<(string Old, string New)> relabels)
    {
        foreach (var (o, n) in relabels.OrderByDescending(r => r.Old.Length))
        {
            if (id == o)
            {
                return n;
            }
            if (id.StartsWith(o, StringComparison.Ordinal) && id.Length > o.Length && id[o.Length] is '.' or '[' or '#')
            {
                return n + id[o.Length..];
            }
        }
        return id;
    }

    // ---- changes and their grades ------------------------------------------------------------------------------------

    private static string RuleOf(FactKind kind, string what) => kind switch
    {
        FactKind.Metadata => "metadata-" + what,
        FactKind.Declaration => "declaration-" + what,
        FactKind.Clause => "clause-" + what,
        FactKind.Setting => "setting-" + what,
        FactKind.Item => "item-" + what,
        _ => "row-" + what,
    };

    private static ContractChange Added(ContractFact n)
    {
        var direction = n.Kind switch
        {
            FactKind.Metadata or FactKind.Declaration => ChangeDirection.Neutral,
            FactKind.Setting when n.Meaning.StartsWith("(text)", StringComparison.Ordinal) => ChangeDirection.Unclassified,
            FactKind.Setting => FromAbsent(n.Spec, n.Value, added: true),
            _ => ChangeDirection.Depends,
        };
        string sentence = n.Kind switch
        {
            FactKind.Clause => $"Adds {n.Subject}.",
            FactKind.Item => $"Adds {n.Shown} to {n.Subject}.",
            FactKind.Row => $"Adds {Lower(n.Subject)}: {n.Shown}.",
            FactKind.Declaration => $"Adds {Lower(n.Subject)} ({n.Shown}).",
            _ => $"{n.Subject} is now {n.Shown}{(n.Spec?.Default is { } d && n.Value is not null ? $" (not written before: {Display.Format(d, n.Value.Type)})" : n.Spec?.AbsentIsUnlimited == true ? " (no limit before)" : " (not written before)")}.",
        };
        return new ContractChange(n.Id, RuleOf(n.Kind, "added"), ChangeKind.Added, direction, sentence, null, null, n.Shown, n.Where);
    }

    private static ContractChange Removed(ContractFact o)
    {
        var direction = o.Kind switch
        {
            FactKind.Metadata or FactKind.Declaration => ChangeDirection.Neutral,
            FactKind.Setting when o.Meaning.StartsWith("(text)", StringComparison.Ordinal) => ChangeDirection.Unclassified,
            FactKind.Setting => FromAbsent(o.Spec, o.Value, added: false),
            _ => ChangeDirection.Depends,
        };
        string sentence = o.Kind switch
        {
            FactKind.Clause => $"Removes {o.Subject}.",
            FactKind.Item => $"Removes {o.Shown} from {o.Subject}.",
            FactKind.Row => $"Removes {Lower(o.Subject)} (it was {o.Shown}).",
            FactKind.Declaration => $"Removes {Lower(o.Subject)} ({o.Shown}).",
            _ => $"{o.Subject} is no longer written (it was {o.Shown}){(o.Spec?.Default is { } d && o.Value is not null ? $": {Display.Format(d, o.Value.Type)} applies" : o.Spec?.AbsentIsUnlimited == true ? ": no limit applies" : "")}.",
        };
        return new ContractChange(o.Id, RuleOf(o.Kind, "removed"), ChangeKind.Removed, direction, sentence, o.Shown, o.Where, null, null);
    }

    private static ContractChange Changed(ContractFact o, ContractFact n, List<ContractFact> oldRows, List<ContractFact> newRows)
    {
        // A table against one value (a minimum savings rate by population size against 2%): graded when every row moves the same way.
        int? sign = o.IsTable == n.IsTable ? Sign(o, n)
            : o.IsTable ? AgainstRows(oldRows, n, reversed: false)
            : AgainstRows(newRows, o, reversed: true);
        ChangeDirection direction;
        if (n.Kind is FactKind.Metadata)
        {
            // Names, parties and version carry no money; the period decides which years settle.
            direction = n.Id == "contract.period" ? ChangeDirection.Depends : ChangeDirection.Neutral;
        }
        else if (n.Kind is FactKind.Declaration)
        {
            direction = n.Declares is ValueSymbol ? ChangeDirection.Depends : ChangeDirection.Neutral;
        }
        else if (n.Meaning.StartsWith("(text)", StringComparison.Ordinal) || o.Meaning.Contains("(error)", StringComparison.Ordinal) || n.Meaning.Contains("(error)", StringComparison.Ordinal))
        {
            direction = ChangeDirection.Unclassified;
        }
        else
        {
            direction = Favouring(n.Spec, sign);
        }
        string verb = sign switch { > 0 => "rises", < 0 => "falls", _ => "changes" };
        string sentence = n.Kind == FactKind.Declaration && n.Declares is not ValueSymbol
            ? $"{n.Subject} changes type from {Type(o.Shown)} to {Type(n.Shown)}."
            : $"{Upper(n.Subject)} {verb} from {o.Shown} to {n.Shown}.";
        return new ContractChange(n.Id, RuleOf(n.Kind, "changed"), ChangeKind.Changed, direction, sentence, o.Shown, o.Where, n.Shown, n.Where);
    }

    private static string Type(string declaration) => declaration[(declaration.IndexOf(':') + 1)..].Trim();

    private static string Upper(string s) => s.Length > 0 ? char.ToUpperInvariant(s[0]) + s[1..] : s;

    private static string Lower(string s) => s.Length > 0 ? char.ToLowerInvariant(s[0]) + s[1..] : s;

    private static ChangeDirection Favouring(ParameterSpec? spec, int? sign) => (spec?.HigherFavours, sign) switch
    {
        (null, _) or (_, null) or (_, 0) => ChangeDirection.Depends,
        (Party.Provider, > 0) or (Party.Payer, < 0) => ChangeDirection.FavoursProvider,
        _ => ChangeDirection.FavoursPayer,
    };

    /// <summary>A setting written or removed: graded against what its absence means (its default, or no limit).</summary>
    private static ChangeDirection FromAbsent(ParameterSpec? spec, BoundExpression? value, bool added)
    {
        if (spec?.HigherFavours is null || value is null || Evaluator.TryConstant(value) is not { Kind: ValueKind.Number } v)
        {
            return ChangeDirection.Depends;
        }
        int? sign = spec.AbsentIsUnlimited ? -1 : spec.Default is { } d ? v.Number.CompareTo(d) : null;
        return Favouring(spec, sign is null ? null : added ? sign : -sign);
    }

    /// <summary>Which way a value moved: +1 up, -1 down, 0 the same, null when the text alone cannot tell.</summary>
    private static int? Sign(ContractFact o, ContractFact n)
    {
        if (o.ValueRange is { } or && n.ValueRange is { } nr)
        {
            // A row that interpolates (3.9% to 3.6%): both ends must move the same way.
            return Combine(or.Low is null || nr.Low is null ? null : Sign(or.Low, nr.Low, false), or.High is null || nr.High is null ? null : Sign(or.High, nr.High, false));
        }
        if (o.Value is null || n.Value is null || o.ValueRange is not null || n.ValueRange is not null)
        {
            return null;
        }
        return Sign(o.Value, n.Value, o.Spec?.Min >= 0);
    }

    private static int? AgainstRows(List<ContractFact> rows, ContractFact value, bool reversed)
    {
        if (rows.Count == 0 || value.Value is null)
        {
            return null;
        }
        int? sign = 0;
        foreach (var row in rows)
        {
            var ends = row.ValueRange is { } range ? new[] { range.Low, range.High } : new[] { row.Value };
            foreach (var end in ends)
            {
                int? s = end is null ? null : Sign(end, value.Value, false);
                sign = Combine(sign, reversed ? -s : s);
            }
        }
        return sign;
    }

    private static string Canon(BoundExpression e) => CanonicalExpression.Of(e, s => s.Name);

    /// <summary>
    /// How <paramref name="b"/> compares with <paramref name="a"/> for every value of the names in them, where the
    /// two differ in constants only: through sums, differences, min/max, and products with a factor known not to be
    /// negative. <paramref name="nonNegative"/>: the setting cannot be negative (its spec's minimum is 0), so in
    /// c x X with c &gt; 0 the rest X is not negative either.
    /// </summary>
    internal static int? Sign(BoundExpression a, BoundExpression b, bool nonNegative)
    {
        if (Canon(a) == Canon(b))
        {
            return 0;
        }
        if (Evaluator.TryConstant(a) is { } x && Evaluator.TryConstant(b) is { } y)
        {
            return x.Kind == y.Kind && x.Kind is ValueKind.Number or ValueKind.Percentile && a.Type.Dimension == b.Type.Dimension ? y.Number.CompareTo(x.Number) : null;
        }
        switch (a, b)
        {
            case (BoundUnary { Operator: Syntax.UnaryOperator.Negate } ua, BoundUnary { Operator: Syntax.UnaryOperator.Negate } ub):
                return -Sign(ua.Operand, ub.Operand, false);
            case (BoundBinary ba, BoundBinary bb) when ba.Operator == bb.Operator:
                switch (ba.Operator)
                {
                    case Syntax.BinaryOperator.Add:
                        return Combine(Sign(ba.Left, bb.Left, false), Sign(ba.Right, bb.Right, false));
                    case Syntax.BinaryOperator.Subtract:
                        return Combine(Sign(ba.Left, bb.Left, false), -Sign(ba.Right, bb.Right, false));
                    case Syntax.BinaryOperator.Multiply or Syntax.BinaryOperator.Of:
                        if (Canon(ba.Left) == Canon(bb.Left))
                        {
                            return Scaled(ba.Left, ba.Right, bb.Right, nonNegative);
                        }
                        if (Canon(ba.Right) == Canon(bb.Right))
                        {
                            return Scaled(ba.Right, ba.Left, bb.Left, nonNegative);
                        }
                        return null;
                    case Syntax.BinaryOperator.Divide:
                        return Canon(ba.Right) == Canon(bb.Right) && Evaluator.TryConstant(ba.Right) is { Kind: ValueKind.Number, Number: > 0 }
                            ? Sign(ba.Left, bb.Left, nonNegative)
                            : null;
                    default:
                        return null;
                }
            case (BoundCall ca, BoundCall cb) when ca.Function == cb.Function && ca.Arguments.Count == cb.Arguments.Count
                && ca.Function is BuiltInFunction.Min or BuiltInFunction.Max:
                // Both rise with each argument; min(a, b) >= 0 holds only if a and b are.
                int? sign = 0;
                for (int i = 0; i < ca.Arguments.Count; i++)
                {
                    sign = Combine(sign, Sign(ca.Arguments[i], cb.Arguments[i], nonNegative && ca.Function == BuiltInFunction.Min));
                }
                return sign;
            default:
                return null;
        }
    }

    /// <summary>factor x a against factor x b.</summary>
    private static int? Scaled(BoundExpression factor, BoundExpression a, BoundExpression b, bool nonNegative)
    {
        if (Evaluator.TryConstant(factor) is { Kind: ValueKind.Number } f)
        {
            return Math.Sign(f.Number) * Sign(a, b, false);
        }
        // c x X >= 0 with c > 0 means X >= 0: then a larger c gives a larger product.
        if (nonNegative && Evaluator.TryConstant(a) is { Kind: ValueKind.Number, Number: > 0 } x && Evaluator.TryConstant(b) is { Kind: ValueKind.Number, Number: > 0 } y)
        {
            return y.Number.CompareTo(x.Number);
        }
        return null;
    }

    private static int? Combine(int? a, int? b) => (a, b) switch
    {
        (null, _) or (_, null) => null,
        (0, var s) => s,
        (var s, 0) => s,
        var (s, t) when s == t => s,
        _ => null,
    };
}
