using System.Collections.Immutable;
using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Navigation;
using Vbc.Parsing;
using Vbc.Settlement;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>
/// Gives a parsed contract its meaning, in four passes:
/// 1. declare every name: data columns, inputs, named values, and the values clauses compute;
/// 2. bind named values in the order they depend on each other (a circle is an error);
/// 3. bind every clause's settings against its kind's specs: shape, type and unit, per-member or total, range;
/// 4. contract-wide checks: one contract block, clauses a clause requires, levels, circles, unused names.
/// It never stops at the first problem and never throws for a user error.
/// </summary>
public sealed partial class Binder
{
    /// <summary>Blocks that declare names rather than settle anything.</summary>
    public static readonly IReadOnlyList<string> DeclarationBlocks = new[] { "data", "inputs", "values", PluginReferences.Keyword };

    private readonly ParsedContract _parsed;
    private readonly ClauseRegistry _registry;
    private readonly DiagnosticBag _diagnostics = new();
    private readonly Scope _scope = new();
    private readonly List<ColumnSymbol> _columns = new();
    private readonly List<InputSymbol> _inputs = new();
    private readonly List<(ValueSymbol Symbol, EntrySyntax Entry)> _values = new();
    private readonly List<BoundClause> _clauses = new();
    private readonly HashSet<Symbol> _used = new();
    private readonly List<SymbolReference> _references = new();
    private readonly BuiltInSymbol _performanceYear =
        new("performance_year", ValueType.Year, "The performance year being settled (from --year, or the year of the contract period).");

    private Binder(ParsedContract parsed, ClauseRegistry registry)
    {
        _parsed = parsed;
        _registry = registry;
    }

    private SourceText Source => _parsed.Source;

    public static BoundContract Bind(ParsedContract parsed, ClauseRegistry? registry = null) =>
        new Binder(parsed, registry ?? ClauseRegistry.Default).Run(Array.Empty<Diagnostic>());

    /// <summary>
    /// Binds with the clause kinds of the plug-ins the contract names (<paramref name="registry"/>, made by the plug-in
    /// host), and the problems the host met loading them, so that the contract's diagnostics are one list.
    /// </summary>
    public static BoundContract Bind(ParsedContract parsed, ClauseRegistry registry, IReadOnlyList<Diagnostic> loading) =>
        new Binder(parsed, registry) { _pluginsMissing = loading.Any(d => d.IsError) }.Run(loading);

    // A plug-in that could not be loaded leaves its clauses unknown: that is reported once, at the plug-in, so the
    // clauses are not each reported as unknown too (VBC2001).
    private bool _pluginsMissing;

    private BoundContract Run(IReadOnlyList<Diagnostic> loading)
    {
        _diagnostics.AddRange(_parsed.Diagnostics);
        var referenceProblems = PluginReferences.Read(_parsed).Diagnostics;
        _diagnostics.AddRange(referenceProblems);
        // A plug-in named wrongly (a malformed pin, an unknown word) is not loaded either: reported once, at its entry.
        _pluginsMissing |= referenceProblems.Any(d => d.IsError);
        _diagnostics.AddRange(loading);
        _scope.TryAdd(_performanceYear);

        // Pass 1: declarations.
        foreach (var block in _parsed.Root.Blocks)
        {
            DeclareTopLevel(block);
        }

        ResolveJoins();

        // Pass 2 and 3: named values, then clause settings.
        BindValues();
        foreach (var clause in _clauses)
        {
            BindSettings(clause);
        }

        // Pass 4: checks that look at more than one clause.
        var contractClause = CheckContractBlock();
        // One context for all clauses: a list of every clause made per clause made checking quadratic in their number.
        var all = AllClauses().ToList();
        var checkContext = new ClauseCheckContext(Source, _diagnostics, _columns, all)
        {
            BindInContract = (syntax, extra, bag) => new ExpressionBinder(new Scope(_scope, extra), Source, bag).Bind(syntax),
            IsContractName = name => _scope.TryLookup(name, out _),
        };
        foreach (var clause in all)
        {
            if (!ClauseHasSyntaxErrors(clause))
            {
                clause.Kind.Check(clause, checkContext);
            }
        }
        CheckDuplicatesAndRequirements();
        CheckDataDeclarations();
        CheckClauseTables();
        CheckCycles();
        CheckPerYearTables(all);
        ReportUnused();

        var info = ContractClause.InfoOf(contractClause, Source.Path);
        return new BoundContract(_parsed, info, contractClause, _columns, BuiltTables(), _inputs, _values.Select(v => v.Symbol).ToList(),
            _clauses, _performanceYear, WithoutEchoes(_diagnostics.ToList()).Where(d => !(_pluginsMissing && d.Code == "VBC2001")).ToImmutableArray())
        {
            References = _references,
        };
    }

    /// <summary>
    /// A binding problem on a line that has a syntax error is most likely an echo of it (a key read as a name after
    /// a dangling operator): show the syntax error alone.
    /// </summary>
    private static IEnumerable<Diagnostic> WithoutEchoes(IReadOnlyList<Diagnostic> diagnostics)
    {
        var syntaxLines = diagnostics.Where(d => d.IsError && d.Code.StartsWith("VBC1", StringComparison.Ordinal)).Select(d => (d.Location.File, d.Location.Line)).ToHashSet();
        return diagnostics.Where(d => d.Code.StartsWith("VBC1", StringComparison.Ordinal) || d.Code.StartsWith("VBC0", StringComparison.Ordinal)
            || !syntaxLines.Contains((d.Location.File, d.Location.Line)));
    }

    internal IEnumerable<BoundClause> AllClauses()
    {
        IEnumerable<BoundClause> Walk(BoundClause c) => new[] { c }.Concat(c.Children.SelectMany(Walk));
        return _clauses.SelectMany(Walk);
    }
}
