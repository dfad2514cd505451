using Vbc.Clauses;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>A range with bound ends: <c>5,000 to 5,999</c>, <c>up to 25%</c>. A missing end is open.</summary>
public sealed record BoundRange(RangeForm Form, BoundExpression? Low, BoundExpression? High, TextSpan Span);

/// <summary>One row of a table: a key (a value or a range) and a result (a value, or a range to interpolate across).</summary>
public sealed record BoundTableRow(BoundExpression? KeyValue, BoundRange? KeyRange, BoundExpression? Result, BoundRange? ResultRange, TextSpan Span)
{
    public bool Interpolates => ResultRange is not null;
}

public sealed record BoundTable(BoundExpression? By, EquatableArray<BoundTableRow> Rows, TableSyntax Syntax);

/// <summary>
/// A lookup in a table written with <c>by</c>: the row whose key range holds the value gives the result;
/// a result written as a range (<c>3.9% to 3.6%</c>) is interpolated linearly across the key range.
/// </summary>
public sealed record BoundTableLookup(BoundTable Table, BoundExpression Key, ValueType Type, EvaluationLevel Level, ExpressionSyntax Syntax)
    : BoundExpression(Type, Level, Syntax);

/// <summary>The bound value of a setting, in the shape its spec asks for.</summary>
public abstract record BoundSetting(ParameterSpec Spec, EntrySyntax Syntax);

public sealed record BoundExpressionSetting(ParameterSpec Spec, EntrySyntax Syntax, BoundExpression Expression) : BoundSetting(Spec, Syntax);

public sealed record BoundListSetting(ParameterSpec Spec, EntrySyntax Syntax, EquatableArray<BoundExpression> Items, EquatableArray<int?> FromYears = default) : BoundSetting(Spec, Syntax)
{
    /// <summary>The base year item <paramref name="index"/> compounds from ('3.1% per year from 2023'), or null when it applies once.</summary>
    public int? FromYear(int index) => index < FromYears.Count ? FromYears[index] : null;
}

/// <summary>One carve-out: a column and the column in scope it is part of (null when the contract does not say).</summary>
public sealed record BoundCarveOut(BoundName Part, BoundName? Category, TextSpan Span);

public sealed record BoundCarveOutSetting(ParameterSpec Spec, EntrySyntax Syntax, EquatableArray<BoundCarveOut> Items) : BoundSetting(Spec, Syntax);

public sealed record BoundOptionSetting(ParameterSpec Spec, EntrySyntax Syntax, string Option) : BoundSetting(Spec, Syntax);

public sealed record BoundRangeSetting(ParameterSpec Spec, EntrySyntax Syntax, BoundRange Range) : BoundSetting(Spec, Syntax);

public sealed record BoundTableSetting(ParameterSpec Spec, EntrySyntax Syntax, BoundTable Table) : BoundSetting(Spec, Syntax);

/// <summary>
/// A clause of the contract after binding: its kind, its name or label, its settings and nested clauses.
/// Clauses inside a <c>level</c> block carry that level, and apply only in its years.
/// </summary>
public sealed class BoundClause
{
    private readonly Dictionary<string, BoundSetting> _settings = new(StringComparer.Ordinal);
    private readonly List<BoundClause> _children = new();
    private readonly List<OutputSymbol> _outputs = new();

    public BoundClause(IClauseKind kind, BlockSyntax syntax, string? name, BoundClause? parent)
    {
        Kind = kind;
        Syntax = syntax;
        Name = name;
        Parent = parent;
    }

    public IClauseKind Kind { get; }

    public BlockSyntax Syntax { get; }

    /// <summary>The label in quotes, if any: <c>corridor "REACH Global"</c>.</summary>
    public string? Label => Syntax.Label?.Value;

    /// <summary>The name after the keyword, for kinds that take one: <c>measure diabetes_control</c>.</summary>
    public string? Name { get; }

    public BoundClause? Parent { get; }

    /// <summary>The level this clause belongs to (the enclosing <c>level</c> block), if any.</summary>
    public BoundClause? Level
    {
        get
        {
            for (var p = Parent; p is not null; p = p.Parent)
            {
                if (p.Kind.IsLevel())
                {
                    return p;
                }
            }
            return null;
        }
    }

    public IReadOnlyDictionary<string, BoundSetting> Settings => _settings;

    /// <summary>
    /// The table the clause reads: written as <c>table: episodes</c>, or the one table whose columns it reads. Null for a
    /// clause that reads no columns of a contract with several tables.
    /// </summary>
    public string? DataTable { get; internal set; }

    /// <summary>Where <c>table:</c> is written, if it is.</summary>
    public EntrySyntax? DataTableEntry { get; internal set; }

    public IReadOnlyList<BoundClause> Children => _children;

    public IReadOnlyList<OutputSymbol> Outputs => _outputs;

    /// <summary>How the clause is named in statements and messages: <c>corridor "REACH Global"</c>.</summary>
    public string Title => Label is not null ? $"{Kind.Keyword} \"{Label}\"" : Name is not null ? $"{Kind.Keyword} {Name}" : Kind.Keyword;

    public bool Has(string key) => _settings.ContainsKey(key);

    public BoundExpression? Expression(string key) => _settings.TryGetValue(key, out var s) && s is BoundExpressionSetting e ? e.Expression : null;

    public IReadOnlyList<BoundExpression> List(string key) => _settings.TryGetValue(key, out var s) && s is BoundListSetting l ? l.Items : Array.Empty<BoundExpression>();

    public IReadOnlyList<BoundCarveOut> CarveOuts(string key) => _settings.TryGetValue(key, out var s) && s is BoundCarveOutSetting c ? c.Items : Array.Empty<BoundCarveOut>();

    public string? Option(string key) => _settings.TryGetValue(key, out var s) && s is BoundOptionSetting o ? o.Option : null;

    public BoundRange? Range(string key) => _settings.TryGetValue(key, out var s) && s is BoundRangeSetting r ? r.Range : null;

    public BoundTable? Table(string key) => _settings.TryGetValue(key, out var s) && s is BoundTableSetting t ? t.Table : null;

    public BoundSetting? Setting(string key) => _settings.GetValueOrDefault(key);

    public IEnumerable<BoundClause> ChildrenOf<TKind>() where TKind : IClauseKind => _children.Where(c => c.Kind is TKind);

    /// <summary>
    /// Per-member expressions the clause's kind declared itself rather than read from a setting (a plug-in's sums over
    /// members where a condition holds, its counts), bound in the contract when it is checked; keyed by the kind's own key.
    /// The binder's table check counts the columns they read.
    /// </summary>
    internal Dictionary<string, BoundExpression> DeclaredMemberExpressions { get; } = new(StringComparer.Ordinal);

    internal void AddSetting(string key, BoundSetting setting) => _settings[key] = setting;

    internal void AddChild(BoundClause child) => _children.Add(child);

    internal void AddOutput(OutputSymbol output) => _outputs.Add(output);

    public override string ToString() => Title;
}
