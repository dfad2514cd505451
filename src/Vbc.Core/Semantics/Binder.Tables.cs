using Vbc.Diagnostics;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>
/// Several data tables in one contract: <c>data members { ... }</c>, <c>data episodes { ... member_id: id of members }</c>.
/// Tables join by id only: a join column holds the ids of another table and must be declared <c>id of that table</c>.
/// Column names stay unique across tables, so a name in an expression says which table it comes from.
/// </summary>
public sealed partial class Binder
{
    /// <summary>The setting any clause may carry to say which table it reads.</summary>
    public const string TableKey = "table";

    private readonly List<DataTableBuilder> _tables = new();
    private readonly List<(ColumnSymbol Column, string Declared, ExpressionSyntax At)> _joinTypeErrors = new();

    private DataTableBuilder? FindTable(string name) =>
        _tables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>After every table is declared: each join names a declared table other than its own, with an id column.</summary>
    private void ResolveJoins()
    {
        if (_tables.Count > 1)
        {
            foreach (var unnamed in _tables.Where(t => !t.Named))
            {
                _diagnostics.Add(BindingDiagnostics.TableNeedsName(Source, unnamed.Block.Header.Span));
            }
        }
        foreach (var table in _tables)
        {
            foreach (var (column, target, _) in table.JoinsWritten)
            {
                var other = FindTable(target.Name);
                if (other is null)
                {
                    var names = TableNames();
                    _diagnostics.Add(BindingDiagnostics.UnknownTable(Source, target.Span, target.Name, Suggest.Nearest(target.Name, names), names));
                    DeclareJoinName(column);
                    continue;
                }
                if (ReferenceEquals(other, table))
                {
                    _diagnostics.Add(BindingDiagnostics.JoinToItself(Source, target.Span, column.Name, table.Name));
                    DeclareJoinName(column);
                    continue;
                }
                column.JoinsTo = other.Name;
                var otherId = other.Columns.FirstOrDefault(c => c.IsId);
                if (_joinTypeErrors.FirstOrDefault(e => e.Column == column) is { Column: not null } wrong)
                {
                    _diagnostics.Add(BindingDiagnostics.JoinTypeMismatch(Source, wrong.At.Span, column.Name, wrong.Declared, other.Name, otherId?.Name ?? "id"));
                }
                // A join column named like the other table's id ('member_id' in both) is that same value, declared
                // once. A join column with a name of its own is declared, so clauses over its table may read it.
                if (otherId is null || !string.Equals(otherId.Name, column.Name, StringComparison.OrdinalIgnoreCase))
                {
                    DeclareJoinName(column);
                }
            }
        }
    }

    private void DeclareJoinName(ColumnSymbol column)
    {
        if (Declare(column, column.Declaration))
        {
            _columns.Add(column);
        }
    }

    /// <summary>Per table: exactly one id column, at most one member_months column; with several tables, each is joined.</summary>
    private void CheckDataDeclarations()
    {
        foreach (var table in _tables)
        {
            var ids = table.Columns.Where(c => c.IsId).ToList();
            if (ids.Count == 0)
            {
                _diagnostics.Add(BindingDiagnostics.DataNeedsId(Source, table.Block.Header.Span));
            }
            foreach (var extra in ids.Skip(1))
            {
                _diagnostics.Add(BindingDiagnostics.OneColumnOfType(Source, extra.Declaration, "id", ids[0].Name));
            }
            var months = table.Columns.Where(c => c.Type == ValueType.MemberMonths).ToList();
            foreach (var extra in months.Skip(1))
            {
                _diagnostics.Add(BindingDiagnostics.OneColumnOfType(Source, extra.Declaration, "member_months", months[0].Name));
            }
        }
        if (_tables.Count < 2)
        {
            return;
        }
        // The tables joined to by another are the roots of their joins; a table that neither joins nor is joined to
        // stands apart, and its rows could never be matched to a member. The first such table is the root.
        var joinedTo = _tables.SelectMany(t => t.Columns).Where(c => c.JoinsTo is not null).Select(c => c.JoinsTo!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var apart = _tables.Where(t => t.Named && !t.JoinAttempted && !t.Columns.Any(c => c.JoinsTo is not null) && !joinedTo.Contains(t.Name)).ToList();
        bool anyRoot = joinedTo.Count > 0;
        foreach (var table in apart.Skip(anyRoot ? 0 : 1))
        {
            var root = _tables.FirstOrDefault(t => joinedTo.Contains(t.Name)) ?? apart[0];
            var rootId = root.Columns.FirstOrDefault(c => c.IsId)?.Name ?? "member_id";
            _diagnostics.Add(BindingDiagnostics.TableNotJoined(Source, table.Block.Header.Span, table.Name, root.Name, rootId));
        }
    }

    private void BindTableSetting(BoundClause clause, EntrySyntax entry, Dictionary<string, EntrySyntax> seen)
    {
        if (seen.TryGetValue(TableKey, out var first))
        {
            _diagnostics.Add(BindingDiagnostics.DuplicateSetting(Source, entry.Key.Span, TableKey, Source.GetPosition(first.Span.Start).Line));
            return;
        }
        seen.Add(TableKey, entry);
        if (entry.Values.Count != 1 || entry.Values[0] is not NameSyntax name)
        {
            if (!entry.Values.Any(v => v is MissingExpressionSyntax))
            {
                // 'table: "episodes"' or 'table: episodes, members': a clause reads one table, named without quotes.
                var span = entry.Values.Count > 0 ? TextSpan.FromBounds(entry.Values[0].Span.Start, entry.Values[^1].Span.End) : entry.Span;
                var text = Source.GetText(span);
                var near = entry.Values.Count == 1 ? Suggest.Nearest(text.Trim('"'), TableNames()) : null;
                _diagnostics.Add(BindingDiagnostics.UnknownTable(Source, span, text, near, TableNames()));
            }
            return;
        }
        if (FindTable(name.Name) is not { } table)
        {
            _diagnostics.Add(BindingDiagnostics.UnknownTable(Source, name.Span, name.Name, Suggest.Nearest(name.Name, TableNames()), TableNames()));
            return;
        }
        clause.DataTable = table.Name;
        clause.DataTableEntry = entry;
    }

    private List<string> TableNames() => _tables.Where(t => t.Named).Select(t => t.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>
    /// Each clause reads one table: the one it names, or the one whose columns it reads. A clause over episodes reads a
    /// member's value through the clause that computes it (a quality score), never a member column directly.
    /// </summary>
    private void CheckClauseTables()
    {
        foreach (var clause in AllClauses())
        {
            var reads = new List<(ColumnSymbol Column, TextSpan At)>();
            foreach (var entry in clause.Syntax.Items.OfType<EntrySyntax>())
            {
                if (clause.Settings.TryGetValue(entry.Key.Text, out var setting))
                {
                    reads.AddRange(ClauseDependencies.SymbolsIn(setting).OfType<ColumnSymbol>().Select(c => (c, entry.Span)));
                }
            }
            // The columns a kind's own per-member expressions read (a plug-in's), reported at the clause.
            foreach (var declared in clause.DeclaredMemberExpressions.Values)
            {
                reads.AddRange(ClauseDependencies.SymbolsIn(declared).OfType<ColumnSymbol>().Select(c => (c, clause.Syntax.Header.Span)));
            }
            var named = clause.DataTable is { } t ? FindTable(t) : null;
            if (named is not null)
            {
                foreach (var (column, at) in reads)
                {
                    if (!Readable(column, named))
                    {
                        _diagnostics.Add(BindingDiagnostics.ClauseReadsOtherTable(Source, at, clause.Title, column.Name, column.Table, named.Name));
                        break;
                    }
                }
                continue;
            }
            var tables = reads.Select(r => r.Column.Table).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (tables.Count > 1 && !tables.Any(name => FindTable(name) is { } candidate && reads.All(r => Readable(r.Column, candidate))))
            {
                _diagnostics.Add(BindingDiagnostics.ClauseNeedsTable(Source, clause.Syntax.Header.Span, clause.Title, tables[0], tables[1]));
                continue;
            }
            clause.DataTable = tables.FirstOrDefault(name => FindTable(name) is { } candidate && reads.All(r => Readable(r.Column, candidate)))
                ?? (_tables.Count == 1 ? _tables[0].Name : null);
        }
    }

    /// <summary>A column of the table, or another table's id that the table holds in a join column of the same name.</summary>
    private static bool Readable(ColumnSymbol column, DataTableBuilder table) =>
        string.Equals(column.Table, table.Name, StringComparison.OrdinalIgnoreCase)
        || table.Columns.Any(c => c.JoinsTo is not null && string.Equals(c.Name, column.Name, StringComparison.OrdinalIgnoreCase));

    private IReadOnlyList<DataTable> BuiltTables() =>
        _tables.Select(t => new DataTable(t.Name, t.Named, t.Block.Header.Span, t.Columns.ToList())).ToList();
}
