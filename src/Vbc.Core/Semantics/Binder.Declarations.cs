using System.Collections.Immutable;
using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Parsing;
using Vbc.Settlement;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>Pass 1: data columns, inputs, named values, clauses and the values they compute.</summary>
public sealed partial class Binder
{
    private void DeclareColumnsOrInputs(BlockSyntax block, bool isData)
    {
        // 'data' may name its table ('data episodes'); 'inputs' takes no name.
        int allowedWords = isData ? 2 : 1;
        if (isData && block.Label is not null && block.Header.Words.Count == 1)
        {
            // 'data "members"': the table's name written as a label. Read it as the name, and say how to write it.
            _diagnostics.Add(BindingDiagnostics.TableNameInQuotes(Source, block.Label.Span, block.Label.Value));
        }
        else if (block.Label is not null || block.Header.Words.Count > allowedWords)
        {
            _diagnostics.Add(BindingDiagnostics.NameNotAllowed(Source, block.Header.Span, block.Header.Words[0], string.Join(' ', block.Header.Words.Skip(1))));
        }
        DataTableBuilder? table = isData ? StartTable(block) : null;
        foreach (var item in block.Items)
        {
            if (item is BlockSyntax nested)
            {
                _diagnostics.Add(BindingDiagnostics.NotAllowedHere(Source, nested.Header.Span, nested.Header.Text, $"inside '{block.Header.Text}'"));
                continue;
            }
            var entry = (EntrySyntax)item;
            if (!IsValidName(entry.Key, out var name))
            {
                continue;
            }
            if (table is not null && JoinTarget(entry) is { } join)
            {
                DeclareJoinColumn(table, entry, name, join.TypeWord, join.Target);
                continue;
            }
            if (table is not null && entry.Values.Count == 1 && entry.Values[0] is BinarySyntax { Operator: BinaryOperator.Of } malformed)
            {
                // A join written some other way ('id of 5', '(id) of members'): one error, and the table counts as
                // joined, so the column is neither declared a second time nor reported as a missing join.
                _diagnostics.Add(BindingDiagnostics.UnknownType(Source, malformed.Span, Source.GetText(malformed.Span), "id of members", DeclaredTypes.ByName.Keys));
                table.JoinAttempted = true;
                continue;
            }
            // A column with an unknown type is still declared (as an error), so its uses are not reported again.
            var type = DeclaredType(entry) ?? (ValueType.Error, "error");
            Symbol symbol = isData
                ? new ColumnSymbol(name, type.Type, type.Name, entry.Key.Span) { Table = table!.Name }
                : new InputSymbol(name, type.Type, type.Name, entry.Key.Span);
            if (Declare(symbol, entry.Key.Span))
            {
                if (symbol is ColumnSymbol column)
                {
                    _columns.Add(column);
                    table!.Columns.Add(column);
                }
                else
                {
                    _inputs.Add((InputSymbol)symbol);
                }
            }
        }
    }

    /// <summary>A table being declared: its columns are collected as its block is read.</summary>
    private sealed record DataTableBuilder(string Name, bool Named, BlockSyntax Block, List<ColumnSymbol> Columns)
    {
        /// <summary>Join columns with the table they name and where: checked once every table is declared.</summary>
        public List<(ColumnSymbol Column, NameSyntax Target, ValueSyntax TypeWord)> JoinsWritten { get; } = new();

        /// <summary>A join was written but could not be read (already reported): the table is not reported as unjoined.</summary>
        public bool JoinAttempted { get; set; }
    }

    private DataTableBuilder StartTable(BlockSyntax block)
    {
        bool quoted = block.Label is not null && block.Header.Words.Count == 1 && IsName(block.Label.Value);
        bool named = block.Header.Words.Count >= 2 || quoted;
        var name = quoted ? block.Label!.Value : named ? block.Header.Words[1] : DataTable.DefaultName;
        if (_tables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)) is { } first)
        {
            // Its columns are still declared, so their uses are not reported as unknown names as well.
            _diagnostics.Add(BindingDiagnostics.TableNamedTwice(Source, block.Header.Span, name, Source.GetPosition(first.Block.Span.Start).Line));
        }
        var table = new DataTableBuilder(name, named, block, new List<ColumnSymbol>());
        _tables.Add(table);
        return table;
    }

    /// <summary><c>member_id: id of members</c>: the type word and the table named after 'of'.</summary>
    private static (ExpressionSyntax TypeWord, NameSyntax Target)? JoinTarget(EntrySyntax entry) =>
        entry.Values.Count == 1 && entry.Values[0] is BinarySyntax { Operator: BinaryOperator.Of, Left: NameSyntax, Right: NameSyntax target } of
            ? (of.Left, target)
            : null;

    private void DeclareJoinColumn(DataTableBuilder table, EntrySyntax entry, string name, ExpressionSyntax typeWord, NameSyntax target)
    {
        var typeName = typeWord is NameSyntax n ? n.Name.ToLowerInvariant() : Source.GetText(typeWord.Span);
        var column = new ColumnSymbol(name, DeclaredTypes.ByName.TryGetValue("id", out var idType) ? idType : ValueType.Error, "id", entry.Key.Span)
        {
            Table = table.Name,
            JoinsTo = target.Name,
        };
        table.Columns.Add(column);
        table.JoinsWritten.Add((column, target, typeWord));
        if (!string.Equals(typeName, "id", StringComparison.OrdinalIgnoreCase))
        {
            _joinTypeErrors.Add((column, typeName, typeWord));
        }
    }

    private (ValueType Type, string Name)? DeclaredType(EntrySyntax entry)
    {
        string? word = entry.Values.Count == 1
            ? entry.Values[0] switch
            {
                NameSyntax n => n.Name,
                PhraseSyntax p => string.Join('_', p.Words.Words),
                _ => null,
            }
            : null;
        if (entry.Values.Any(v => v is MissingExpressionSyntax))
        {
            return null; // a syntax error, already reported where it is
        }
        if (word is null)
        {
            var span = entry.Values.Count > 0 ? entry.Values[0].Span : entry.Span;
            _diagnostics.Add(BindingDiagnostics.UnknownType(Source, span, Source.GetText(span), null, DeclaredTypes.ByName.Keys));
            return null;
        }
        if (DeclaredTypes.ByName.TryGetValue(word, out var type))
        {
            return (type, word.ToLowerInvariant());
        }
        _diagnostics.Add(BindingDiagnostics.UnknownType(Source, entry.Values[0].Span, word, Suggest.Nearest(word, DeclaredTypes.ByName.Keys), DeclaredTypes.ByName.Keys));
        return null;
    }

    private void DeclareValues(BlockSyntax block)
    {
        foreach (var item in block.Items)
        {
            if (item is BlockSyntax nested)
            {
                _diagnostics.Add(BindingDiagnostics.NotAllowedHere(Source, nested.Header.Span, nested.Header.Text, "inside 'values'"));
                continue;
            }
            var entry = (EntrySyntax)item;
            if (!IsValidName(entry.Key, out var name))
            {
                continue;
            }
            var symbol = new ValueSymbol(name, entry.Key.Span);
            if (Declare(symbol, entry.Key.Span))
            {
                _values.Add((symbol, entry));
            }
        }
    }

    private static bool IsName(string text) =>
        text.Length > 0 && (char.IsLetter(text[0]) || text[0] == '_') && text.All(c => char.IsLetterOrDigit(c) || c == '_');

    private bool IsValidName(WordsSyntax key, out string name)
    {
        name = key.Words.Count == 1 ? key.Words[0] : string.Join(' ', key.Words);
        if (key.Words.Count != 1 || !char.IsLetter(name[0]) && name[0] != '_')
        {
            _diagnostics.Add(BindingDiagnostics.InvalidDeclarationName(Source, key.Span, name));
            return false;
        }
        if (ExpressionBinder.FunctionNames.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            _diagnostics.Add(BindingDiagnostics.DuplicateName(Source, key.Span, name, "function", 0));
            return false;
        }
        return true;
    }

    private bool Declare(Symbol symbol, TextSpan at)
    {
        var existing = _scope.TryAdd(symbol);
        if (existing is null)
        {
            return true;
        }
        int line = existing.Declaration.Length > 0 || existing is not BuiltInSymbol ? Source.GetPosition(existing.Declaration.Start).Line : 0;
        _diagnostics.Add(BindingDiagnostics.DuplicateName(Source, at, symbol.Name, existing.Role, existing is BuiltInSymbol ? 0 : line));
        return false;
    }

    /// <summary>Makes the clause for a block (and its nested blocks) and declares the names it defines.</summary>
    private BoundClause? CreateClause(BlockSyntax block, BoundClause? parent)
    {
        var words = block.Header.Words.AsImmutableArray();
        if (words.Length == 0)
        {
            return null; // a syntax error already reported
        }
        var (kind, rest) = _registry.Match(words);
        bool misplaced = parent is not null && (!parent.Syntax.IsClosed || Source.GetPosition(block.Span.Start).Column == 1);
        if (misplaced && (DeclarationBlocks.Contains(words[0]) || (kind is not null && kind.TopLevel && !IsAllowed(kind, parent, out _))))
        {
            // After a block left unclosed, the blocks that follow look nested in it. A block that can only stand at the
            // top, written at the left margin, is taken as the top-level block it was meant to be.
            if (parent!.Syntax.IsClosed)
            {
                var root = parent;
                while (root.Parent is not null)
                {
                    root = root.Parent;
                }
                _diagnostics.Add(SyntaxDiagnostics.MissingCloseBrace(Source, block.Header.Span, block.Header.Text, root.Title, Source.GetPosition(root.Syntax.Span.Start).Line));
            }
            DeclareTopLevel(block);
            return null;
        }
        if (kind is null)
        {
            var known = KnownKeywordsFor(parent);
            var text = block.Header.Text;
            var suggestion = Suggest.Nearest(text, known);
            _diagnostics.Add(BindingDiagnostics.UnknownClause(Source, block.Header.Span, text, suggestion, known));
            // One error per mistake: a misspelt keyword is read as the clause it is nearest to, so that the names it
            // defines and the clauses that need it do not each give an error of their own. (The error stops settling.)
            if (suggestion is not null && parent is null && DeclarationBlocks.Contains(suggestion))
            {
                DeclareTopLevel(block with { Header = block.Header with { Words = suggestion.Split(' ').ToEquatableArray() } });
                return null;
            }
            if (suggestion is null || _registry.Find(suggestion) is not { } nearest || nearest.Naming == ClauseNaming.Name)
            {
                return null;
            }
            kind = nearest;
            rest = Array.Empty<string>();
        }

        if (!IsAllowed(kind, parent, out var where))
        {
            _diagnostics.Add(BindingDiagnostics.NotAllowedHere(Source, block.Header.Span, kind.Keyword, where, WhereAllowed(kind)));
            return null;
        }

        string? name = null;
        if (kind.Naming == ClauseNaming.Name)
        {
            if (rest.Count != 1)
            {
                _diagnostics.Add(BindingDiagnostics.NameRequired(Source, block.Header.Span, kind.Keyword, $"{kind.Keyword} diabetes_control"));
                return null;
            }
            name = rest[0];
        }
        else if (rest.Count > 0)
        {
            _diagnostics.Add(BindingDiagnostics.NameNotAllowed(Source, block.Header.Span, kind.Keyword, string.Join(' ', rest)));
        }

        var clause = new BoundClause(kind, block, name, parent);
        foreach (var output in kind.DeclareOutputs(block, name))
        {
            DeclareOutput(clause, output);
        }
        foreach (var nested in block.Items.OfType<BlockSyntax>())
        {
            if (CreateClause(nested, clause) is { } child)
            {
                clause.AddChild(child);
            }
        }
        return clause;
    }

    /// <summary>A block at the top of the contract: a declaration block, or a clause with its nested clauses.</summary>
    private void DeclareTopLevel(BlockSyntax block)
    {
        switch (block.Header.Words.Count > 0 && block.Header.Words[0] == "data" ? "data" : block.Header.Text)
        {
            case "data":
                DeclareColumnsOrInputs(block, isData: true);
                break;
            case "inputs":
                DeclareColumnsOrInputs(block, isData: false);
                break;
            case "values":
                DeclareValues(block);
                break;
            case PluginReferences.Keyword:
                // Read before binding (PluginReferences), by the host that loads the scripts.
                break;
            default:
                if (CreateClause(block, parent: null) is { } recovered)
                {
                    _clauses.Add(recovered);
                }
                break;
        }
    }

    private void DeclareOutput(BoundClause clause, OutputSpec output)
    {
        var symbol = new OutputSymbol(output.Name, output.Type, output.Description, clause);
        var existing = _scope.TryAdd(symbol);
        if (existing is null)
        {
            clause.AddOutput(symbol);
            return;
        }
        // The same value may come from clauses in different levels: only one level applies in a year.
        if (existing is OutputSymbol other && other.Type == symbol.Type && other.Producer.Kind == clause.Kind
            && LevelOf(other.Producer) is { } a && LevelOf(clause) is { } b && a != b)
        {
            clause.AddOutput(other);
            return;
        }
        if (existing is OutputSymbol o && o.Producer.Kind == clause.Kind && !clause.Kind.Repeatable && clause.Kind.Naming == ClauseNaming.None)
        {
            return; // a second clause of a kind that may appear once: reported as a duplicate clause instead
        }
        int line = existing is BuiltInSymbol ? 0 : Source.GetPosition(existing.Declaration.Start).Line;
        _diagnostics.Add(BindingDiagnostics.DuplicateName(Source, clause.Syntax.Header.Span, output.Name, existing.Role, line));
    }

    private static BoundClause? LevelOf(BoundClause clause) => clause.Kind.IsLevel() ? clause : clause.Level;

    private bool IsAllowed(IClauseKind kind, BoundClause? parent, out string where)
    {
        where = "";
        if (parent is null)
        {
            where = "at the top of a contract";
            return kind.TopLevel;
        }
        if (parent.Kind.IsLevel())
        {
            where = "inside a level";
            return kind.AllowedInLevel;
        }
        where = $"inside '{parent.Kind.Keyword}'";
        return parent.Kind.ChildKinds.Contains(kind.Keyword);
    }

    /// <summary>"It may stand inside 'quality'." / "It may stand at the top of a contract or inside a level."</summary>
    private string WhereAllowed(IClauseKind kind)
    {
        var places = new List<string>();
        if (kind.TopLevel)
        {
            places.Add("at the top of a contract");
        }
        if (kind.TopLevel && kind.AllowedInLevel)
        {
            places.Add("inside a level");
        }
        places.AddRange(_registry.Kinds.Where(k => k.ChildKinds.Contains(kind.Keyword)).Select(k => $"inside '{k.Keyword}'"));
        return places.Count == 0 ? "" : $"It may stand {string.Join(" or ", places)}.";
    }

    private IReadOnlyList<string> KnownKeywordsFor(BoundClause? parent)
    {
        if (parent is null)
        {
            return _registry.Kinds.Where(k => k.TopLevel).Select(k => k.Keyword).Concat(DeclarationBlocks).OrderBy(k => k, StringComparer.Ordinal).ToList();
        }
        if (parent.Kind.IsLevel())
        {
            return _registry.Kinds.Where(k => k.AllowedInLevel).Select(k => k.Keyword).OrderBy(k => k, StringComparer.Ordinal).ToList();
        }
        return parent.Kind.ChildKinds;
    }
}
