using System.Collections.Immutable;
using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Parsing;
using Vbc.Settlement;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>Pass 4: checks across clauses: the contract block, duplicates and requirements, levels, data declarations, circles, unused names.</summary>
public sealed partial class Binder
{
    private BoundClause? CheckContractBlock()
    {
        var contracts = _clauses.Where(c => c.Kind.DescribesContract()).ToList();
        if (contracts.Count == 0)
        {
            if (_parsed.Root.Blocks.Count > 0 && !_parsed.HasErrors)
            {
                _diagnostics.Add(BindingDiagnostics.MissingContractBlock(Source, _parsed.Root.Blocks[0].Header.Span));
            }
            return null;
        }
        return contracts[0];
    }

    private void CheckDuplicatesAndRequirements()
    {
        // The first clause of each kind in a scope; a later one is a duplicate. A level's scope starts from the top's,
        // found once (walking the top-level clauses again for every level was quadratic).
        Dictionary<IClauseKind, BoundClause> CheckScope(IEnumerable<BoundClause> clauses, Dictionary<IClauseKind, BoundClause>? outer)
        {
            var first = outer is null ? new Dictionary<IClauseKind, BoundClause>() : new Dictionary<IClauseKind, BoundClause>(outer);
            foreach (var clause in clauses)
            {
                if (clause.Kind.Repeatable || clause.Kind.Naming == ClauseNaming.Name || clause.Kind.IsLevel())
                {
                    continue;
                }
                if (first.TryGetValue(clause.Kind, out var earlier))
                {
                    _diagnostics.Add(BindingDiagnostics.DuplicateClause(Source, clause.Syntax.Header.Span, clause.Kind.Keyword, Source.GetPosition(earlier.Syntax.Span.Start).Line));
                }
                else
                {
                    first[clause.Kind] = clause;
                }
            }
            return first;
        }

        var topLevel = _clauses.Where(c => !c.Kind.IsLevel()).ToList();
        var firstAtTop = CheckScope(topLevel, null);
        foreach (var level in _clauses.Where(c => c.Kind.IsLevel()))
        {
            CheckScope(level.Children, firstAtTop);
        }
        foreach (var parent in AllClauses().Where(c => !c.Kind.IsLevel()))
        {
            CheckScope(parent.Children, null);
        }

        // Requirements are met by a clause at the top, or in the same level.
        // A requirement is met by a clause at the top, by one in the same level, or, for a clause at the top, by one
        // in every level (a benchmark that differs by level serves a corridor written once).
        // The keywords present at the top and in each level, gathered once: a search per clause was quadratic.
        var allLevels = _clauses.Where(c => c.Kind.IsLevel()).ToList();
        var atTop = topLevel.Select(c => c.Kind.Keyword).ToHashSet(StringComparer.Ordinal);
        var inLevel = allLevels.ToDictionary(l => l, l => l.Children.Select(c => c.Kind.Keyword).ToHashSet(StringComparer.Ordinal));
        var inEveryLevel = allLevels.Count == 0 ? new HashSet<string>()
            : inLevel.Values.Skip(1).Aggregate(new HashSet<string>(inLevel[allLevels[0]]), (all, next) => { all.IntersectWith(next); return all; });
        foreach (var clause in AllClauses())
        {
            foreach (var required in clause.Kind.Requires)
            {
                bool met = atTop.Contains(required)
                    || (clause.Level is { } level && inLevel.TryGetValue(level, out var here) && here.Contains(required))
                    || (clause.Level is null && inEveryLevel.Contains(required));
                if (!met)
                {
                    _diagnostics.Add(BindingDiagnostics.MissingRequiredClause(Source, clause.Syntax.Header.Span, clause.Title, required));
                }
            }
        }

        // Overlapping years, found in one pass over the levels sorted by their first year (not pair by pair): each level
        // is compared with the one, among those starting no later, that reaches furthest. It is reported against the
        // level written first of the two.
        var levels = _clauses.Where(c => c.Kind.IsLevel()).ToList();
        var spans = levels.Select((l, index) => (Level: l, Index: index, Years: LevelClause.Years(l)))
            .Where(x => x.Years is not null)
            .Select(x => (x.Level, x.Index, First: x.Years!.Value.First, Last: x.Years!.Value.Last))
            .OrderBy(x => x.First).ThenBy(x => x.Index)
            .ToList();
        for (int k = 1, reach = 0; k < spans.Count; k++)
        {
            var (a, b) = (spans[reach], spans[k]);
            if (b.First <= a.Last)
            {
                var (earlier, later) = a.Index < b.Index ? (a, b) : (b, a);
                int from = b.First, to = Math.Min(a.Last, b.Last);
                _diagnostics.Add(BindingDiagnostics.LevelYearsOverlap(Source, later.Level.Syntax.Header.Span, LevelName(later.Level),
                    LevelName(earlier.Level), from == to ? $"{from}" : $"{from} to {to}"));
            }
            if (b.Last > a.Last)
            {
                reach = k;
            }
        }
        var contract = _clauses.FirstOrDefault(c => c.Kind.DescribesContract());
        var period = contract is null ? null : ContractClause.Period(contract);
        if (period is { } p && p.End >= p.Start)
        {
            foreach (var level in levels)
            {
                // An open end (up to 2025, 2026 and above) reaches outside any period by design: check written ends only.
                var range = level.Range(ClauseCapabilityExtensions.LevelYearsKey);
                if (LevelClause.Years(level) is { } y && range is not null
                    && ((range.Low is not null && y.First < p.Start.Year) || (range.High is not null && y.Last > p.End.Year)
                        || (range.Low is not null && y.First > p.End.Year) || (range.High is not null && y.Last < p.Start.Year)))
                {
                    _diagnostics.Add(BindingDiagnostics.LevelOutsidePeriod(Source, level.Syntax.Header.Span, LevelName(level),
                        Source.GetText(range.Span), $"{p.Start:yyyy-MM-dd} to {p.End:yyyy-MM-dd}"));
                }
            }
        }
    }

    private static string LevelName(BoundClause level) => level.Label is null ? "(unnamed)" : $"\"{level.Label}\"";

    /// <summary>A clause that needs a value another clause computes from it, round and round, can never be settled.</summary>
    private void CheckCycles()
    {
        // Clauses settle as units: a clause at the top (or directly in a level) with its nested clauses.
        var units = AllClauses().Where(c => !c.Kind.IsLevel() && (c.Parent is null || c.Parent.Kind.IsLevel())).ToList();
        var producers = units
            .SelectMany(u => ClauseDependencies.OutputsOf(u).Select(o => (o.Name, Unit: u)))
            .ToLookup(x => x.Name, x => x.Unit, StringComparer.OrdinalIgnoreCase);
        var graph = units.ToDictionary(
            u => u,
            u => ClauseDependencies.NamesRead(u)
                .SelectMany(n => producers[n])
                // Only one level applies in a year: clauses of two different levels never meet.
                .Where(p => p != u && !(p.Level is { } a && u.Level is { } b && a != b))
                .Distinct()
                .ToList());

        var state = new Dictionary<BoundClause, int>();
        var path = new List<BoundClause>();
        bool reported = false;

        void Visit(BoundClause clause)
        {
            if (reported)
            {
                return;
            }
            if (state.TryGetValue(clause, out var s))
            {
                if (s == 1)
                {
                    var circle = path.SkipWhile(p => p != clause).Append(clause).Select(c => c.Title);
                    _diagnostics.Add(BindingDiagnostics.Cycle(Source, clause.Syntax.Header.Span, string.Join(" -> ", circle)));
                    reported = true;
                }
                return;
            }
            state[clause] = 1;
            path.Add(clause);
            foreach (var next in graph[clause])
            {
                Visit(next);
            }
            path.RemoveAt(path.Count - 1);
            state[clause] = 2;
        }

        foreach (var unit in units)
        {
            Visit(unit);
        }
        if (!reported)
        {
            CheckSelfReferences(units);
        }
    }

    /// <summary>
    /// Within one clause: a setting may use what its nested clauses compute (the composite reads the measures), and,
    /// if its spec says so, what its own clause computes first; anything else it computes is a circle.
    /// </summary>
    private void CheckSelfReferences(IEnumerable<BoundClause> units)
    {
        foreach (var unit in units)
        {
            var unitOutputs = ClauseDependencies.OutputsOf(unit).ToHashSet();
            foreach (var clause in ClauseDependencies.WithDescendants(unit))
            {
                var fromChildren = clause.Children.SelectMany(ClauseDependencies.OutputsOf).ToHashSet();
                foreach (var (key, setting) in clause.Settings)
                {
                    foreach (var output in ClauseDependencies.SymbolsIn(setting).OfType<OutputSymbol>().Distinct())
                    {
                        bool allowed = fromChildren.Contains(output) || (setting.Spec.ReadsOwnOutputs && clause.Outputs.Contains(output));
                        if (unitOutputs.Contains(output) && !allowed)
                        {
                            _diagnostics.Add(BindingDiagnostics.Cycle(Source, setting.Syntax.Span,
                                $"'{key}' of {clause.Title} uses '{output.Name}', which {output.Producer.Title} computes from '{key}'"));
                        }
                    }
                }
            }
        }
    }

    private void ReportUnused()
    {
        // Columns used by settings that take column names count as used.
        foreach (var clause in AllClauses())
        {
            foreach (var setting in clause.Settings.Values)
            {
                foreach (var symbol in ClauseDependencies.SymbolsIn(setting))
                {
                    MarkUsed(symbol);
                }
            }
            // So do the columns a kind's own per-member expressions read (a plug-in's sums, groups and conditions).
            foreach (var symbol in clause.DeclaredMemberExpressions.Values.SelectMany(ClauseDependencies.SymbolsIn))
            {
                MarkUsed(symbol);
            }
        }
        // Beside errors, "never used" is mostly an echo: a name used in a line with an error does not count as used.
        if (_diagnostics.HasErrors)
        {
            return;
        }
        // A join column is used by its join; the id and member months by the engine.
        foreach (var column in _columns.Where(c => !_used.Contains(c) && !c.IsId && c.JoinsTo is null && c.Type != ValueType.MemberMonths))
        {
            _diagnostics.Add(BindingDiagnostics.Unused(Source, column.Declaration, "column", column.Name));
        }
        foreach (var input in _inputs.Where(i => !_used.Contains(i)))
        {
            _diagnostics.Add(BindingDiagnostics.Unused(Source, input.Declaration, "input", input.Name));
        }
        foreach (var (value, _) in _values.Where(v => !_used.Contains(v.Symbol)))
        {
            _diagnostics.Add(BindingDiagnostics.Unused(Source, value.Declaration, "value", value.Name));
        }
    }

    /// <summary>
    /// A table by performance year must have a row for every year its clause can be settled in, so that a missing
    /// year is found when checking rather than when the year comes to be settled.
    /// </summary>
    private void CheckPerYearTables(IReadOnlyList<BoundClause> all)
    {
        foreach (var clause in all)
        {
            IReadOnlyList<(int Year, string Where)>? settled = null;
            foreach (var setting in clause.Settings.Values)
            {
                if (setting is not BoundExpressionSetting { Expression: BoundTableLookup { Key: BoundName { Symbol: var symbol } } lookup } || symbol != _performanceYear)
                {
                    continue;
                }
                settled ??= LevelClause.YearsSettled(clause, all) ?? Array.Empty<(int, string)>();
                var rows = lookup.Table.Rows.Where(r => r.KeyRange is not null)
                    .Select(r => (Low: ConstantOrNull(r.KeyRange!.Low) ?? decimal.MinValue, High: ConstantOrNull(r.KeyRange!.High) ?? decimal.MaxValue, r.KeyRange!.Form))
                    .ToList();
                bool Holds((decimal Low, decimal High, RangeForm Form) row, int year) => row.Form switch
                {
                    RangeForm.Above => year > row.Low,
                    RangeForm.Below => year < row.High,
                    _ => row.Low <= year && year <= row.High,
                };
                var missing = settled.Where(y => !rows.Any(r => Holds(r, y.Year))).ToList();
                if (missing.Count > 0)
                {
                    _diagnostics.Add(BindingDiagnostics.YearNotInTable(Source, lookup.Table.Syntax.By!.Span, setting.Spec.Key,
                        missing.Select(m => m.Year).ToList(), missing[0].Where));
                }
            }
        }
    }
}
