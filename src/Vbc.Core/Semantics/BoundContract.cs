using System.Collections.Immutable;
using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Navigation;
using Vbc.Parsing;
using Vbc.Settlement;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>
/// A contract after binding: its declarations, its clauses with every setting resolved and typed, and all
/// diagnostics (syntax and binding). The engine settles only a contract without errors.
/// </summary>
public sealed class BoundContract
{
    internal BoundContract(
        ParsedContract parsed,
        ContractInfo info,
        BoundClause? contractBlock,
        IReadOnlyList<ColumnSymbol> columns,
        IReadOnlyList<DataTable> tables,
        IReadOnlyList<InputSymbol> inputs,
        IReadOnlyList<ValueSymbol> values,
        IReadOnlyList<BoundClause> clauses,
        BuiltInSymbol performanceYear,
        ImmutableArray<Diagnostic> diagnostics)
    {
        Parsed = parsed;
        Info = info;
        ContractBlock = contractBlock;
        Columns = columns;
        Tables = tables;
        Inputs = inputs;
        Values = values;
        Clauses = clauses;
        PerformanceYear = performanceYear;
        Diagnostics = diagnostics;
    }

    public ParsedContract Parsed { get; }

    public SourceText Source => Parsed.Source;

    public ContractInfo Info { get; }

    public BoundClause? ContractBlock { get; }

    public IReadOnlyList<ColumnSymbol> Columns { get; }

    /// <summary>The declared tables, in the order written: one for a plain <c>data</c> block, none without data.</summary>
    public IReadOnlyList<DataTable> Tables { get; }

    /// <summary>Whether the contract reads more than one table (<c>data members</c>, <c>data episodes</c>).</summary>
    public bool HasSeveralTables => Tables.Count > 1;

    /// <summary>
    /// The contract as the member-level stage sees one of its tables: the same clauses and values, with that table's
    /// columns only (its id, its member months), so the stage reads each table's file on its own.
    /// </summary>
    public BoundContract ForTable(DataTable table) =>
        new(Parsed, Info, ContractBlock, table.Columns, new[] { table }, Inputs, Values, Clauses, PerformanceYear, Diagnostics) { References = References };

    /// <summary>The table the others join to (members): its rows are the population. Null with fewer than two tables.</summary>
    public DataTable? RootTable => HasSeveralTables
        ? Tables.FirstOrDefault(t => !t.Joins.Any() && Tables.Any(o => o.Joins.Any(j => string.Equals(j.JoinsTo, t.Name, StringComparison.OrdinalIgnoreCase)))) ?? Tables[0]
        : null;

    public ColumnSymbol? IdColumn => Columns.FirstOrDefault(c => c.IsId);

    public ColumnSymbol? MonthsColumn => Columns.FirstOrDefault(c => c.Type == ValueType.MemberMonths);

    public IReadOnlyList<InputSymbol> Inputs { get; }

    public IReadOnlyList<ValueSymbol> Values { get; }

    /// <summary>The top-level clauses in the order written; <c>level</c> clauses hold their own.</summary>
    public IReadOnlyList<BoundClause> Clauses { get; }

    public BuiltInSymbol PerformanceYear { get; }

    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>Every use of a declared name in an expression, in the order bound (editors build their index from it).</summary>
    public IReadOnlyList<SymbolReference> References { get; init; } = Array.Empty<SymbolReference>();

    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>Whether the contract reads member-level data (declares a <c>data</c> block).</summary>
    public bool UsesMemberData => Columns.Count > 0;

    public IEnumerable<BoundClause> Levels => Clauses.Where(c => c.Kind.IsLevel());

    /// <summary>The year settled when the run names none: the period's year, if the period lies within one year.</summary>
    public int? DefaultYear => Info.PeriodStart is { } s && Info.PeriodEnd is { } e && s.Year == e.Year ? s.Year : null;

    /// <summary>The level that applies in a year, if the contract has levels.</summary>
    public BoundClause? LevelFor(int year) => Levels.FirstOrDefault(l => LevelClause.Covers(l, year));

    /// <summary>
    /// The clauses that apply in a performance year: every clause outside levels, and the clauses of the level whose
    /// years hold it. Nested clauses (a measure in quality) come with their parent.
    /// </summary>
    public IEnumerable<BoundClause> ClausesFor(int year)
    {
        foreach (var clause in Clauses)
        {
            if (clause.Kind.IsLevel())
            {
                if (LevelClause.Covers(clause, year))
                {
                    foreach (var inner in clause.Children)
                    {
                        yield return inner;
                    }
                }
            }
            else if (!clause.Kind.DescribesContract())
            {
                yield return clause;
            }
        }
    }
}

/// <summary>
/// One declared table: <c>data episodes { ... }</c>. Its columns include its join columns (<c>member_id: id of members</c>),
/// which hold the ids of another table; a join column named like that table's id is the same name, declared once.
/// </summary>
public sealed record DataTable(string Name, bool Named, TextSpan Declaration, IReadOnlyList<ColumnSymbol> Columns)
{
    /// <summary>The name of the table an unnamed <c>data</c> block declares.</summary>
    public const string DefaultName = "data";

    public ColumnSymbol? IdColumn => Columns.FirstOrDefault(c => c.IsId);

    public IEnumerable<ColumnSymbol> Joins => Columns.Where(c => c.JoinsTo is not null);
}
