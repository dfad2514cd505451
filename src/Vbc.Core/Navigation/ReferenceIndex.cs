using Vbc.Clauses;
using Vbc.Semantics;
using Vbc.Text;

namespace Vbc.Navigation;

/// <summary>
/// Where each name of a bound contract is declared and where it is used: what go to definition, find references
/// and rename read. Built from the binder's own resolution (<see cref="BoundContract.References"/>), so an editor
/// resolves a name exactly as <c>vbc check</c> does, even in a contract with errors.
/// </summary>
public sealed class ReferenceIndex
{
    private readonly Dictionary<Symbol, List<TextSpan>> _uses = new(ReferenceEqualityComparer.Instance);
    private readonly List<(Symbol Symbol, TextSpan Span, bool IsDeclaration)> _byPosition = new();

    public ReferenceIndex(BoundContract contract)
    {
        Contract = contract;
        foreach (var symbol in AllSymbols(contract))
        {
            _uses[symbol] = new List<TextSpan>();
            if (DeclarationName(symbol) is { } declared)
            {
                _byPosition.Add((symbol, declared, true));
            }
        }
        foreach (var reference in contract.References.DistinctBy(r => r.Span))
        {
            if (!_uses.TryGetValue(reference.Symbol, out var list))
            {
                _uses[reference.Symbol] = list = new List<TextSpan>();
            }
            list.Add(reference.Span);
            _byPosition.Add((reference.Symbol, reference.Span, false));
        }
        foreach (var list in _uses.Values)
        {
            list.Sort((a, b) => a.Start.CompareTo(b.Start));
        }
    }

    public BoundContract Contract { get; }

    public IEnumerable<Symbol> Symbols => _uses.Keys;

    /// <summary>The name under the offset (declaration or use); a cursor just after a name is on it.</summary>
    public (Symbol Symbol, TextSpan Span, bool IsDeclaration)? At(int offset)
    {
        foreach (var entry in _byPosition)
        {
            if (offset >= entry.Span.Start && offset <= entry.Span.End)
            {
                return entry;
            }
        }
        return null;
    }

    /// <summary>The uses of a symbol in text order, without its declaration.</summary>
    public IReadOnlyList<TextSpan> UsesOf(Symbol symbol) => _uses.TryGetValue(symbol, out var list) ? list : Array.Empty<TextSpan>();

    public Symbol? Find(string name) => _uses.Keys.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The span of the name where a symbol is declared: the key of a column, input or value; the name of a measure;
    /// the keyword of the clause that computes a value. Null for names the language provides.
    /// </summary>
    public TextSpan? DeclarationName(Symbol symbol)
    {
        if (symbol is BuiltInSymbol || symbol.Declaration.Length == 0)
        {
            return null;
        }
        if (symbol is OutputSymbol { Producer: { Kind.Naming: ClauseNaming.Name, Name: { } name } producer }
            && name.Equals(symbol.Name, StringComparison.OrdinalIgnoreCase))
        {
            var header = producer.Syntax.Header.Span;
            var text = Contract.Source.GetText(header);
            int at = text.LastIndexOf(name, StringComparison.OrdinalIgnoreCase);
            return at >= 0 ? new TextSpan(header.Start + at, name.Length) : header;
        }
        return symbol.Declaration;
    }

    /// <summary>Whether a rename may change the symbol: names the contract declares (columns, inputs, values, measures).</summary>
    public static bool IsRenamable(Symbol symbol) =>
        symbol is ColumnSymbol or InputSymbol or ValueSymbol
        || symbol is OutputSymbol { Producer.Kind.Naming: ClauseNaming.Name } o && o.Producer.Name is { } n && n.Equals(o.Name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every symbol of the contract: declarations, the values clauses compute, and the built-in names.</summary>
    public static IEnumerable<Symbol> AllSymbols(BoundContract contract)
    {
        var seen = new HashSet<Symbol>(ReferenceEqualityComparer.Instance);
        IEnumerable<BoundClause> Walk(BoundClause c) => new[] { c }.Concat(c.Children.SelectMany(Walk));
        var all = contract.Columns.Cast<Symbol>()
            .Concat(contract.Inputs)
            .Concat(contract.Values)
            .Concat(contract.Clauses.SelectMany(Walk).SelectMany(c => c.Outputs))
            .Append(contract.PerformanceYear);
        foreach (var symbol in all)
        {
            if (seen.Add(symbol))
            {
                yield return symbol;
            }
        }
    }
}
