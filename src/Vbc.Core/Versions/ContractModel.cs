using System.Text.RegularExpressions;
using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Text;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Versions;

/// <summary>What a fact of a contract is: the level a lawyer reads a change at.</summary>
public enum FactKind
{
    /// <summary>The contract's name, parties, version, period.</summary>
    Metadata,
    /// <summary>A column, input or named value.</summary>
    Declaration,
    /// <summary>A clause (a level is a clause too).</summary>
    Clause,
    /// <summary>One setting of a clause.</summary>
    Setting,
    /// <summary>One item of a list setting read as a set: a cost category, a population condition, a carve-out.</summary>
    Item,
    /// <summary>One row of a table or band of a corridor, known by its key or bounds.</summary>
    Row,
}

/// <summary>
/// One fact of a contract's meaning: an id built like the statement's line ids, what it means as canonical text
/// (<see cref="Meaning"/>: two facts are the same when their meanings are equal), how it is written and where.
/// </summary>
public sealed record ContractFact(
    string Id,
    FactKind Kind,
    string? Parent,
    string Meaning,
    string Shown,
    Location Where,
    string Subject,
    ParameterSpec? Spec = null,
    BoundExpression? Value = null,
    BoundRange? ValueRange = null)
{
    /// <summary>The names the fact uses (columns, inputs, values): a rename is recognised by its uses.</summary>
    public IReadOnlyList<Symbol> Uses { get; init; } = Array.Empty<Symbol>();

    /// <summary>A setting written as a table: its rows are facts of their own.</summary>
    public bool IsTable { get; init; }

    /// <summary>For a declaration, the symbol declared.</summary>
    public Symbol? Declares { get; init; }

    /// <summary>
    /// The whole syntax node the fact is written as (a setting's entry, a row, an item, a clause's block, a
    /// declaration): a priced diff puts the new version's node in place of the old one's (<see cref="ChangeEdits"/>).
    /// </summary>
    public TextSpan Node { get; init; }

    /// <summary>For a clause: its header and label, up to the opening brace (what a relabelling rewrites).</summary>
    public TextSpan Head { get; init; }
}

/// <summary>
/// A bound contract as a set of facts compared by meaning (<see cref="ContractDiff"/>): layout, comments, the order of
/// blocks and entries, the spelling of equal literals and spans take no part. Editors and tools read the same model.
/// </summary>
public sealed class ContractModel
{
    private readonly List<ContractFact> _facts = new();
    private readonly Dictionary<string, ContractFact> _byId = new(StringComparer.Ordinal);
    private readonly Func<Symbol, string> _name;

    private ContractModel(BoundContract contract, Func<Symbol, string> name)
    {
        Contract = contract;
        _name = name;
    }

    public BoundContract Contract { get; }

    /// <summary>Every fact, in the order of the contract's text.</summary>
    public IReadOnlyList<ContractFact> Facts => _facts;

    public ContractFact? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The keywords of the clauses that pay (shared savings, corridor, capitation, bundle, ...), in the order written.</summary>
    public IReadOnlyList<string> PaymentKinds { get; private set; } = Array.Empty<string>();

    /// <summary>The model of a contract. <paramref name="name"/> names declared symbols (a rename map); by default their names.</summary>
    public static ContractModel Of(BoundContract contract, Func<Symbol, string>? name = null)
    {
        var model = new ContractModel(contract, name ?? (s => s.Name));
        model.Build();
        return model;
    }

    /// <summary>"shared-savings", "corridor.global", "measure.diabetes-control": as the statement's line ids begin.</summary>
    public static string ClauseId(BoundClause clause) => Clauses.BuiltIn.SettleHelpers.IdOf(clause);

    public static string Slug(string s) => Regex.Replace(s.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');

    private void Add(ContractFact fact)
    {
        // Two clauses with one id (two unlabelled corridors) are told apart by their order: corridor#2.
        var id = fact.Id;
        for (int n = 2; _byId.ContainsKey(id); n++)
        {
            id = $"{fact.Id}#{n}";
        }
        fact = fact with { Id = id };
        _facts.Add(fact);
        _byId[id] = fact;
    }

    private Location At(TextSpan span) => Location.In(Contract.Source, span);

    private string Text(TextSpan span) => Regex.Replace(Contract.Source.Text.Substring(span.Start, span.Length).Trim(), @"\s+", " ");

    private string Canon(BoundExpression e) => CanonicalExpression.Of(e, _name);

    private IReadOnlyList<Symbol> Uses(IEnumerable<BoundExpression?> expressions) =>
        expressions.OfType<BoundExpression>().SelectMany(e => e.Symbols()).Where(s => s is ValueSymbol or InputSymbol or ColumnSymbol).Distinct().ToList();

    private void Build()
    {
        if (Contract.ContractBlock is { } block)
        {
            Add(new ContractFact("contract.name", FactKind.Metadata, null, block.Label ?? "", block.Label is null ? "(no name)" : $"\"{block.Label}\"",
                At(block.Syntax.Label?.Span ?? block.Syntax.Header.Span), "The contract's name") { Node = block.Syntax.Label?.Span ?? default });
            AddSettings(block, "contract", "the contract", FactKind.Metadata);
        }
        AddDeclarations();
        var paying = new List<string>();
        foreach (var clause in Contract.Clauses)
        {
            if (!clause.Kind.DescribesContract())
            {
                AddClause(clause, null, "", paying);
            }
        }
        PaymentKinds = paying.Distinct().ToList();
    }

    private void AddDeclarations()
    {
        foreach (var c in Contract.Columns)
        {
            string id = Contract.Tables.Any(t => t.Named) ? $"data.{Slug(c.Table)}.{_name(c)}" : $"data.{_name(c)}";
            string type = c.JoinsTo is null ? c.DeclaredType : $"id of {c.JoinsTo}";
            Add(new ContractFact(id, FactKind.Declaration, null, type, $"{_name(c)}: {type}", At(c.Declaration), $"The column {_name(c)}") { Declares = c, Node = EntryOf(c.Declaration) });
        }
        foreach (var i in Contract.Inputs)
        {
            Add(new ContractFact($"inputs.{_name(i)}", FactKind.Declaration, null, i.DeclaredType, $"{_name(i)}: {i.DeclaredType}", At(i.Declaration), $"The input {_name(i)}")
            { Declares = i, Node = EntryOf(i.Declaration) });
        }
        foreach (var v in Contract.Values)
        {
            var e = v.Expression;
            Add(new ContractFact($"values.{_name(v)}", FactKind.Declaration, null, e is null ? "(error)" : Canon(e), e is null ? "(error)" : Text(e.Span),
                At(v.Declaration), $"The value {_name(v)}", Value: e) { Declares = v, Uses = Uses(new[] { e }), Node = EntryOf(v.Declaration) });
        }
    }

    private void AddClause(BoundClause clause, string? level, string inLevel, List<string> paying)
    {
        string id = (level is null ? "" : level + ".") + ClauseId(clause);
        if (!clause.Kind.SetsUp())
        {
            paying.Add(clause.Kind.Keyword);
        }
        string title = clause.Title + inLevel;
        Add(new ContractFact(id, FactKind.Clause, level, clause.Kind.Keyword, clause.Title, At(clause.Syntax.Header.Span), title)
        { Node = clause.Syntax.Span, Head = TextSpan.FromBounds(clause.Syntax.Header.Span.Start, clause.Syntax.OpenBrace.Start) });
        id = _facts[^1].Id;
        if (clause.DataTableEntry is { } table)
        {
            Add(new ContractFact(id + ".table", FactKind.Setting, id, clause.DataTable ?? "", clause.DataTable ?? "", At(table.Span), $"The table of {title}") { Node = table.Span });
        }
        AddSettings(clause, id, title, FactKind.Setting);
        bool isLevel = clause.Kind.IsLevel();
        foreach (var child in clause.Children)
        {
            // A level's clauses are known within it (level.a.shared-savings); other nested clauses by their own id, as on statements.
            AddClause(child, isLevel ? id : level, isLevel ? $" in {clause.Title}" : inLevel, paying);
        }
    }

    private void AddSettings(BoundClause clause, string clauseId, string title, FactKind kind)
    {
        // In the order written, so that the diff reads like the contract.
        foreach (var (key, setting) in clause.Settings.OrderBy(s => s.Value.Syntax.Span.Start))
        {
            string id = $"{clauseId}.{Slug(key)}";
            // The contract block's settings stand alone: the contract itself is not a fact that can be added or removed.
            string? parent = kind == FactKind.Metadata ? null : clauseId;
            string subject = kind == FactKind.Metadata ? $"The {key} of the contract" : $"The {key} of {title}";
            var where = At(setting.Syntax.Span);
            string shown = setting.Syntax.Values.Count == 0 ? "" : Text(TextSpan.FromBounds(setting.Syntax.Values[0].Span.Start, setting.Syntax.Values[^1].Span.End));
            int settingFact = _facts.Count;
            switch (setting)
            {
                case BoundExpressionSetting { Expression: BoundTableLookup lookup }:
                    Add(new ContractFact(id, kind, parent, Canon(lookup), $"by {Text(lookup.Key.Span)} {{ {Rows(lookup.Table.Rows.Count)} }}", where, subject, setting.Spec)
                    { IsTable = true, Uses = Uses(new[] { lookup.Key }) });
                    AddRows(lookup.Table, _facts[^1].Id, key, title, setting.Spec, lookup.Key.Type);
                    break;
                case BoundExpressionSetting e:
                    Add(new ContractFact(id, kind, parent, Canon(e.Expression), shown, where, subject, setting.Spec, e.Expression) { Uses = Uses(new[] { e.Expression }) });
                    break;
                case BoundTableSetting t:
                    Add(new ContractFact(id, kind, parent, t.Table.By is null ? "(table)" : $"(table by {Canon(t.Table.By)})",
                        t.Table.By is null ? $"{{ {Rows(t.Table.Rows.Count)} }}" : $"by {Text(t.Table.By.Span)} {{ {Rows(t.Table.Rows.Count)} }}", where, subject, setting.Spec)
                    { IsTable = true, Uses = Uses(new[] { t.Table.By }) });
                    AddRows(t.Table, _facts[^1].Id, key, title, setting.Spec, t.Table.By?.Type);
                    break;
                case BoundListSetting l when setting.Spec.Type.ColumnsOnly || setting.Spec.Type == TypeExpectation.Flag:
                    // A set: 'inpatient, outpatient' and 'outpatient, inpatient' are the same cost basis; each item is a fact.
                    Add(new ContractFact(id, kind, parent, "(set)", shown, where, subject, setting.Spec) { IsTable = true });
                    string listId = _facts[^1].Id;
                    foreach (var item in l.Items)
                    {
                        string canon = Canon(item);
                        Add(new ContractFact($"{listId}[{canon}]", FactKind.Item, listId, canon, Text(item.Span), At(item.Span), $"the {key} of {title}", setting.Spec, item)
                        { Uses = Uses(new[] { item }), Node = item.Span });
                    }
                    break;
                case BoundListSetting l:
                    // An ordered list whose items combine (trend factors multiply): one fact, its items as a multiset.
                    var items = l.Items.Select((item, i) => Canon(item) + (l.FromYear(i) is { } from ? $" per year from {from}" : "")).OrderBy(s => s, StringComparer.Ordinal);
                    Add(new ContractFact(id, kind, parent, string.Join(", ", items), shown, where, subject, setting.Spec, l.Items.Count == 1 && l.FromYear(0) is null ? l.Items[0] : null)
                    { Uses = Uses(l.Items) });
                    break;
                case BoundCarveOutSetting c:
                    Add(new ContractFact(id, kind, parent, "(set)", shown, where, subject, setting.Spec) { IsTable = true });
                    string carveId = _facts[^1].Id;
                    foreach (var item in c.Items)
                    {
                        string part = Canon(item.Part);
                        string meaning = item.Category is null ? part : $"{part} from {Canon(item.Category)}";
                        Add(new ContractFact($"{carveId}[{part}]", FactKind.Item, carveId, meaning, Text(item.Span), At(item.Span), $"the {key} of {title}", setting.Spec)
                        { Uses = Uses(new[] { item.Part, item.Category }), Node = item.Span });
                    }
                    break;
                case BoundOptionSetting o:
                    Add(new ContractFact(id, kind, parent, o.Option, o.Option, where, subject, setting.Spec));
                    break;
                case BoundRangeSetting r:
                    Add(new ContractFact(id, kind, parent, RangeMeaning(r.Range), shown, where, subject, setting.Spec, ValueRange: r.Range)
                    { Uses = Uses(new[] { r.Range.Low, r.Range.High }) });
                    break;
                default:
                    // A shape this model does not know yet (a plug-in's): kept by its text, so that a change is never lost.
                    Add(new ContractFact(id, kind, parent, "(text) " + shown, shown, where, subject, setting.Spec));
                    break;
            }
            SetNode(settingFact, setting.Syntax.Span);
        }
    }

    /// <summary>The whole entry (<c>name: type</c>, <c>name: expression</c>) a name is declared in; the name's span names only the name.</summary>
    private TextSpan EntryOf(TextSpan declaration)
    {
        foreach (var block in Contract.Parsed.Root.Blocks)
        {
            if (block.Span.Start <= declaration.Start && declaration.End <= block.Span.End)
            {
                foreach (var entry in block.Items.OfType<EntrySyntax>())
                {
                    if (entry.Span.Start <= declaration.Start && declaration.End <= entry.Span.End)
                    {
                        return entry.Span;
                    }
                }
            }
        }
        return declaration;
    }

    private void SetNode(int index, TextSpan node)
    {
        var fact = _facts[index] with { Node = node };
        _facts[index] = fact;
        _byId[fact.Id] = fact;
    }

    private static string Rows(int n) => n == 1 ? "1 row" : $"{n} rows";

    private string RangeMeaning(BoundRange r) => $"{r.Form} {(r.Low is null ? "" : Canon(r.Low))}..{(r.High is null ? "" : Canon(r.High))}";

    private void AddRows(BoundTable table, string settingId, string key, string title, ParameterSpec spec, ValueType? keyType)
    {
        bool bands = spec.Table?.KeysAreRanges == true;
        keyType ??= TypeOf(spec.Table?.Keys);
        foreach (var row in table.Rows)
        {
            string keyText = row.KeyRange is { } range
                ? $"{(range.Low is null ? "" : KeyText(range.Low, keyType))}..{(range.High is null ? "" : KeyText(range.High, keyType))}"
                : row.KeyValue is { } k ? KeyText(k, keyType) : "?";
            string meaning = (row.KeyRange is { } kr ? kr.Form + " " : "") + (row.ResultRange is { } rr ? RangeMeaning(rr) : row.Result is { } result ? Canon(result) : "(error)");
            var resultSpan = row.ResultRange?.Span ?? row.Result?.Span ?? row.Span;
            string keyShown = row.KeyRange is { } shownRange ? Text(shownRange.Span) : row.KeyValue is { } shownKey ? Text(shownKey.Span) : "?";
            Add(new ContractFact($"{settingId}[{keyText}]", FactKind.Row, settingId, meaning, Text(resultSpan), At(row.Span),
                $"The {(bands ? "band" : "row")} '{keyShown}' of the {key} of {title}", spec, row.Result, row.ResultRange)
            { Uses = Uses(new[] { row.KeyValue, row.KeyRange?.Low, row.KeyRange?.High, row.Result, row.ResultRange?.Low, row.ResultRange?.High }), Node = row.Span });
        }
    }

    /// <summary>A row's key as its id shows it: the value in the table's own terms (5% whether written 5% or 0.05).</summary>
    private string KeyText(BoundExpression key, ValueType? keyType)
    {
        if (Evaluation.Evaluator.TryConstant(key) is { } value)
        {
            var type = key.Type;
            if (keyType is not null && type.IsNumber && keyType.IsNumber && type.Dimension == keyType.Dimension)
            {
                type = keyType;
            }
            return Display.Format(value, type);
        }
        return Canon(key);
    }

    private static ValueType? TypeOf(TypeExpectation? expectation) =>
        expectation == TypeExpectation.Percent ? ValueType.Percent
        : expectation == TypeExpectation.Count ? ValueType.Count
        : expectation == TypeExpectation.Year ? ValueType.Year
        : expectation == TypeExpectation.Money ? ValueType.Money
        : expectation == TypeExpectation.Pmpm ? ValueType.Pmpm
        : expectation == TypeExpectation.Ratio ? ValueType.Ratio
        : null;
}
