using System.Collections.Immutable;
using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Parsing;
using Vbc.Settlement;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>What a clause reads: the names in its settings and the values its kind reads without naming them.</summary>
public static class ClauseDependencies
{
    public static IEnumerable<Symbol> SymbolsIn(BoundSetting setting) => setting switch
    {
        BoundExpressionSetting e => SymbolsIn(e.Expression),
        BoundListSetting l => l.Items.SelectMany(SymbolsIn),
        BoundCarveOutSetting c => c.Items.SelectMany(i => i.Category is null ? new[] { i.Part.Symbol } : new[] { i.Part.Symbol, i.Category.Symbol }),
        BoundRangeSetting r => SymbolsIn(r.Range),
        BoundTableSetting t => SymbolsIn(t.Table),
        _ => Array.Empty<Symbol>(),
    };

    /// <summary>The symbols an expression uses, and through named values the symbols those use, each once.</summary>
    internal static IEnumerable<Symbol> SymbolsIn(BoundExpression e)
    {
        // Breadth first with a set of those seen: values built on values (v2: v1 + v1) are visited once, not once per use.
        var seen = new HashSet<Symbol>();
        var pending = new Queue<BoundExpression>();
        pending.Enqueue(e);
        while (pending.Count > 0)
        {
            foreach (var s in pending.Dequeue().Symbols())
            {
                if (!seen.Add(s))
                {
                    continue;
                }
                yield return s;
                if (s is ValueSymbol { Expression: { } inner })
                {
                    pending.Enqueue(inner);
                }
            }
        }
    }

    private static IEnumerable<Symbol> SymbolsIn(BoundRange r) =>
        (r.Low is null ? Array.Empty<Symbol>() : SymbolsIn(r.Low)).Concat(r.High is null ? Array.Empty<Symbol>() : SymbolsIn(r.High));

    private static IEnumerable<Symbol> SymbolsIn(BoundTable t) =>
        (t.By is null ? Array.Empty<Symbol>() : SymbolsIn(t.By))
            .Concat(t.Rows.SelectMany(r =>
                (r.KeyValue is null ? Array.Empty<Symbol>() : SymbolsIn(r.KeyValue))
                .Concat(r.KeyRange is null ? Array.Empty<Symbol>() : SymbolsIn(r.KeyRange))
                .Concat(r.Result is null ? Array.Empty<Symbol>() : SymbolsIn(r.Result))
                .Concat(r.ResultRange is null ? Array.Empty<Symbol>() : SymbolsIn(r.ResultRange))));

    /// <summary>The clause and the clauses nested in it, at any depth.</summary>
    public static IEnumerable<BoundClause> WithDescendants(BoundClause clause) =>
        new[] { clause }.Concat(clause.Children.SelectMany(WithDescendants));

    /// <summary>The values a clause and its nested clauses compute.</summary>
    public static IEnumerable<OutputSymbol> OutputsOf(BoundClause clause) => WithDescendants(clause).SelectMany(c => c.Outputs);

    /// <summary>Names of the values a clause (with its nested clauses) needs from other clauses before it can settle.</summary>
    public static IEnumerable<string> NamesRead(BoundClause clause)
    {
        var own = new HashSet<string>(OutputsOf(clause).Select(o => o.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var c in WithDescendants(clause))
        {
            foreach (var s in c.Settings.Values.SelectMany(SymbolsIn).OfType<OutputSymbol>())
            {
                if (!own.Contains(s.Name))
                {
                    yield return s.Name;
                }
            }
            foreach (var name in c.Kind.ReadsImplicitly(c))
            {
                if (!own.Contains(name))
                {
                    yield return name;
                }
            }
        }
    }
}
