using System.Collections.Immutable;
using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Evaluation;
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
public sealed class Binder
{
    /// <summary>Blocks that declare names rather than settle anything.</summary>
    public static readonly IReadOnlyList<string> DeclarationBlocks = new[] { "data", "inputs", "values" };

    private readonly ParsedContract _parsed;
    private readonly ClauseRegistry _registry;
    private readonly DiagnosticBag _diagnostics = new();
    private readonly Scope _scope = new();
    private readonly List<ColumnSymbol> _columns = new();
    private readonly List<InputSymbol> _inputs = new();
    private readonly List<(ValueSymbol Symbol, EntrySyntax Entry)> _values = new();
    private readonly List<BoundClause> _clauses = new();
    private readonly HashSet<Symbol> _used = new();
    private readonly BuiltInSymbol _performanceYear =
        new("performance_year", ValueType.Year, "The performance year being settled (from --year, or the year of the contract period).");

    private Binder(ParsedContract parsed, ClauseRegistry registry)
    {
        _parsed = parsed;
        _registry = registry;
    }

    private SourceText Source => _parsed.Source;

    public static BoundContract Bind(ParsedContract parsed, ClauseRegistry? registry = null) =>
        new Binder(parsed, registry ?? ClauseRegistry.Default).Run();

    private BoundContract Run()
    {
        _diagnostics.AddRange(_parsed.Diagnostics);
        _scope.TryAdd(_performanceYear);

        // Pass 1: declarations.
        foreach (var block in _parsed.Root.Blocks)
        {
            switch (block.Header.Text)
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
                default:
                    if (CreateClause(block, parent: null) is { } clause)
                    {
                        _clauses.Add(clause);
                    }
                    break;
            }
        }

        // Pass 2 and 3: named values, then clause settings.
        BindValues();
        foreach (var clause in _clauses)
        {
            BindSettings(clause);
        }

        // Pass 4: checks that look at more than one clause.
        var contractClause = CheckContractBlock();
        foreach (var clause in AllClauses())
        {
            if (!ClauseHasSyntaxErrors(clause))
            {
                clause.Kind.Check(clause, new ClauseCheckContext(Source, _diagnostics, _columns));
            }
        }
        CheckDuplicatesAndRequirements();
        CheckDataDeclarations();
        CheckCycles();
        ReportUnused();

        var info = ContractClause.InfoOf(contractClause, Source.Path);
        return new BoundContract(_parsed, info, contractClause, _columns, _inputs, _values.Select(v => v.Symbol).ToList(),
            _clauses, _performanceYear, WithoutEchoes(_diagnostics.ToList()).ToImmutableArray());
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

    // ---- pass 1: declarations --------------------------------------------------------------------------------------

    private void DeclareColumnsOrInputs(BlockSyntax block, bool isData)
    {
        if (block.Label is not null || block.Header.Words.Count > 1)
        {
            _diagnostics.Add(BindingDiagnostics.NameNotAllowed(Source, block.Header.Span, block.Header.Words[0], string.Join(' ', block.Header.Words.Skip(1))));
        }
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
            // A column with an unknown type is still declared (as an error), so its uses are not reported again.
            var type = DeclaredType(entry) ?? (ValueType.Error, "error");
            Symbol symbol = isData
                ? new ColumnSymbol(name, type.Type, type.Name, entry.Key.Span)
                : new InputSymbol(name, type.Type, type.Name, entry.Key.Span);
            if (Declare(symbol, entry.Key.Span))
            {
                if (symbol is ColumnSymbol column)
                {
                    _columns.Add(column);
                }
                else
                {
                    _inputs.Add((InputSymbol)symbol);
                }
            }
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
        if (misplaced && (DeclarationBlocks.Contains(block.Header.Text) || (kind is not null && kind.TopLevel && !IsAllowed(kind, parent, out _))))
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
            RecoverAtTop(block);
            return null;
        }
        if (kind is null)
        {
            var known = KnownKeywordsFor(parent);
            var text = block.Header.Text;
            _diagnostics.Add(BindingDiagnostics.UnknownClause(Source, block.Header.Span, text, Suggest.Nearest(text, known), known));
            return null;
        }

        if (!IsAllowed(kind, parent, out var where))
        {
            _diagnostics.Add(BindingDiagnostics.NotAllowedHere(Source, block.Header.Span, kind.Keyword, where));
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

    private void RecoverAtTop(BlockSyntax block)
    {
        switch (block.Header.Text)
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

    private static BoundClause? LevelOf(BoundClause clause) => clause.Kind is LevelClause ? clause : clause.Level;

    private bool IsAllowed(IClauseKind kind, BoundClause? parent, out string where)
    {
        where = "";
        if (parent is null)
        {
            where = "at the top of a contract";
            return kind.TopLevel;
        }
        if (parent.Kind is LevelClause)
        {
            where = "inside a level";
            return kind.AllowedInLevel;
        }
        where = $"inside '{parent.Kind.Keyword}'";
        return parent.Kind.ChildKinds.Contains(kind.Keyword);
    }

    private IReadOnlyList<string> KnownKeywordsFor(BoundClause? parent)
    {
        if (parent is null)
        {
            return _registry.Kinds.Where(k => k.TopLevel).Select(k => k.Keyword).Concat(DeclarationBlocks).OrderBy(k => k, StringComparer.Ordinal).ToList();
        }
        if (parent.Kind is LevelClause)
        {
            return _registry.Kinds.Where(k => k.AllowedInLevel).Select(k => k.Keyword).OrderBy(k => k, StringComparer.Ordinal).ToList();
        }
        return parent.Kind.ChildKinds;
    }

    // ---- pass 2: named values ----------------------------------------------------------------------------------------

    private void BindValues()
    {
        var byName = _values.ToDictionary(v => v.Symbol.Name, v => v, StringComparer.OrdinalIgnoreCase);
        var state = new Dictionary<ValueSymbol, int>(); // 1 = in progress, 2 = done
        var path = new Stack<ValueSymbol>();

        void Visit((ValueSymbol Symbol, EntrySyntax Entry) value)
        {
            if (state.TryGetValue(value.Symbol, out var s))
            {
                if (s == 1)
                {
                    var circle = path.Reverse().SkipWhile(p => p != value.Symbol).Select(p => p.Name).Append(value.Symbol.Name);
                    _diagnostics.Add(BindingDiagnostics.Cycle(Source, value.Entry.Key.Span, string.Join(" -> ", circle)));
                }
                return;
            }
            state[value.Symbol] = 1;
            path.Push(value.Symbol);
            foreach (var name in NamesIn(value.Entry))
            {
                if (byName.TryGetValue(name, out var dependency))
                {
                    Visit(dependency);
                }
            }
            path.Pop();
            state[value.Symbol] = 2;

            if (value.Entry.Values.Count != 1 || value.Entry.Values[0] is not ExpressionSyntax expression)
            {
                _diagnostics.Add(BindingDiagnostics.WrongShape(Source, value.Entry.Span, value.Symbol.Name, "one expression, for example 'growth_cap: 3%'"));
                value.Symbol.SetExpression(new BoundErrorExpression(new MissingExpressionSyntax(value.Entry.Span)));
                return;
            }
            var bound = BindExpression(expression);
            value.Symbol.SetExpression(bound);
        }

        foreach (var value in _values)
        {
            Visit(value);
        }
    }

    private static IEnumerable<string> NamesIn(SyntaxNode node) => node switch
    {
        NameSyntax n => new[] { n.Name },
        EntrySyntax e => e.Values.SelectMany(NamesIn),
        UnarySyntax u => NamesIn(u.Operand),
        BinarySyntax b => NamesIn(b.Left).Concat(NamesIn(b.Right)),
        IfSyntax i => NamesIn(i.Condition).Concat(NamesIn(i.WhenTrue)).Concat(NamesIn(i.WhenFalse)),
        CallSyntax c => c.Arguments.SelectMany(NamesIn),
        LesserGreaterSyntax lg => NamesIn(lg.Left).Concat(NamesIn(lg.Right)),
        ParenthesizedSyntax p => NamesIn(p.Inner),
        _ => Array.Empty<string>(),
    };

    internal BoundExpression BindExpression(ExpressionSyntax syntax)
    {
        var bound = new ExpressionBinder(_scope, Source, _diagnostics).Bind(syntax);
        foreach (var symbol in bound.Symbols())
        {
            MarkUsed(symbol);
        }
        return bound;
    }

    private void MarkUsed(Symbol symbol)
    {
        if (_used.Add(symbol) && symbol is ValueSymbol { Expression: { } e })
        {
            foreach (var s in e.Symbols())
            {
                MarkUsed(s);
            }
        }
    }

    // ---- pass 3: settings ---------------------------------------------------------------------------------------------

    private void BindSettings(BoundClause clause)
    {
        var kind = clause.Kind;
        var seen = new Dictionary<string, EntrySyntax>(StringComparer.Ordinal);
        var repeated = new Dictionary<string, List<BoundExpression>>(StringComparer.Ordinal);
        foreach (var entry in clause.Syntax.Items.OfType<EntrySyntax>())
        {
            if (entry.Key.Words.Count == 0)
            {
                continue;
            }
            string key = entry.Key.Text;
            var spec = kind.Parameters.FirstOrDefault(p => p.Key == key);
            if (spec is null)
            {
                var keys = kind.Parameters.Select(p => p.Key);
                _diagnostics.Add(BindingDiagnostics.UnknownSetting(Source, entry.Key.Span, key, kind.Keyword, Suggest.Nearest(key, keys), keys));
                continue;
            }
            if (seen.TryGetValue(key, out var first) && !spec.Repeatable)
            {
                _diagnostics.Add(BindingDiagnostics.DuplicateSetting(Source, entry.Key.Span, key, Source.GetPosition(first.Span.Start).Line));
                continue;
            }
            seen.TryAdd(key, entry);

            var setting = BindSetting(spec, entry);
            if (setting is null)
            {
                continue;
            }
            if (spec.Repeatable && setting is BoundListSetting list)
            {
                if (!repeated.TryGetValue(key, out var items))
                {
                    repeated[key] = items = new List<BoundExpression>();
                }
                items.AddRange(list.Items);
                clause.AddSetting(key, list with { Items = items.ToEquatableArray() });
            }
            else
            {
                clause.AddSetting(key, setting);
            }
        }

        if (!ClauseHasSyntaxErrors(clause))
        {
            foreach (var spec in kind.Parameters.Where(p => p.Required && !seen.ContainsKey(p.Key)))
            {
                _diagnostics.Add(BindingDiagnostics.MissingSetting(Source, clause.Syntax.Header.Span, clause.Title, spec.Key, spec.Example));
            }
        }

        foreach (var child in clause.Children)
        {
            BindSettings(child);
        }
    }

    /// <summary>Whether a syntax error lies inside the clause: then missing settings are not reported again.</summary>
    private bool ClauseHasSyntaxErrors(BoundClause clause)
    {
        var span = clause.Syntax.Span;
        return !clause.Syntax.IsClosed || _parsed.Diagnostics.Any(d => d.IsError && d.Location.Span is { } s && s.Start >= span.Start && s.Start <= span.End);
    }

    private BoundSetting? BindSetting(ParameterSpec spec, EntrySyntax entry)
    {
        var values = entry.Values;
        if (values.Count == 0)
        {
            return null; // syntax error already reported
        }
        string key = spec.Key;
        switch (spec.Shape)
        {
            case ParameterShape.Expression:
            case ParameterShape.ExpressionOrTable:
                {
                    if (values.Count != 1)
                    {
                        _diagnostics.Add(BindingDiagnostics.WrongShape(Source, entry.Span, key, $"one value, for example '{key}: {spec.Example}'"));
                        return null;
                    }
                    if (values[0] is TableSyntax table && spec.Shape == ParameterShape.ExpressionOrTable)
                    {
                        var lookup = BindTableLookup(spec, table);
                        return lookup is null ? null : new BoundExpressionSetting(spec, entry, lookup);
                    }
                    if (values[0] is not ExpressionSyntax expression)
                    {
                        _diagnostics.Add(BindingDiagnostics.WrongShape(Source, values[0].Span, key, $"one value, for example '{key}: {spec.Example}'"));
                        return null;
                    }
                    var bound = BindChecked(spec, expression, $"'{key}'");
                    return new BoundExpressionSetting(spec, entry, bound);
                }

            case ParameterShape.List:
                {
                    var items = new List<BoundExpression>();
                    foreach (var value in values)
                    {
                        if (value is not ExpressionSyntax expression)
                        {
                            _diagnostics.Add(BindingDiagnostics.WrongShape(Source, value.Span, key, $"values separated by commas, for example '{key}: {spec.Example}'"));
                            continue;
                        }
                        if (spec.Type.ColumnsOnly && !(expression is NameSyntax n && _scope.TryLookup(n.Name, out var s) && s is ColumnSymbol))
                        {
                            if (expression is NameSyntax unknown && !_scope.TryLookup(unknown.Name, out _))
                            {
                                var columns = _columns.Select(c => c.Name).ToList();
                                _diagnostics.Add(BindingDiagnostics.UnknownName(Source, unknown.Span, unknown.Name, Suggest.Nearest(unknown.Name, columns),
                                    columns.Count == 0
                                        ? "No columns are declared: declare them in a 'data' block."
                                        : $"Columns: {BindingDiagnostics.ListOf(columns.OrderBy(c => Suggest.Distance(c, unknown.Name)).ThenBy(c => c, StringComparer.Ordinal), 12)}."));
                            }
                            else
                            {
                                _diagnostics.Add(BindingDiagnostics.ColumnExpected(Source, expression.Span, key, spec.Type.Description));
                            }
                            continue;
                        }
                        items.Add(BindChecked(spec, expression, $"Each item of '{key}'"));
                    }
                    return new BoundListSetting(spec, entry, items.ToEquatableArray());
                }

            case ParameterShape.Option:
                {
                    var text = string.Join(", ", values.Select(v => Normalize(Source.GetText(v.Span))));
                    var options = spec.Options ?? Array.Empty<string>();
                    if (!options.Contains(text))
                    {
                        _diagnostics.Add(BindingDiagnostics.UnknownOption(Source, entry.Values[0].Span.Union(entry.Values[^1].Span), key, text, options, Suggest.Nearest(text, options)));
                        return null;
                    }
                    return new BoundOptionSetting(spec, entry, text);
                }

            case ParameterShape.Range:
                {
                    if (values.Count != 1 || values[0] is TableSyntax or PhraseSyntax)
                    {
                        _diagnostics.Add(BindingDiagnostics.WrongShape(Source, entry.Span, key, $"a range, for example '{key}: {spec.Example}'"));
                        return null;
                    }
                    var range = values[0] is RangeSyntax r
                        ? BindRange(spec, r, $"'{key}'")
                        : BindSingleAsRange(spec, (ExpressionSyntax)values[0], $"'{key}'");
                    return new BoundRangeSetting(spec, entry, range);
                }

            case ParameterShape.Table:
                {
                    if (values.Count != 1 || values[0] is not TableSyntax table)
                    {
                        _diagnostics.Add(BindingDiagnostics.WrongShape(Source, entry.Span, key, $"a table of rows in braces, for example '{key}: {spec.Example}'"));
                        return null;
                    }
                    var bound = BindTable(spec, table);
                    return bound is null ? null : new BoundTableSetting(spec, entry, bound);
                }
        }
        return null;
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    /// <summary>Binds an expression and checks it against the spec: type, per-member or total, and range.</summary>
    internal BoundExpression BindChecked(ParameterSpec spec, ExpressionSyntax syntax, string what, TypeExpectation? type = null)
    {
        var bound = BindExpression(syntax);
        if (bound.HasErrors())
        {
            return bound;
        }
        type ??= spec.Type;
        if (!type.Accepts(bound.Type))
        {
            string hint = !(bound.Type.Dimension.IsNone && bound.Type.IsNumber) ? ""
                : type == TypeExpectation.Money ? "Write money with a dollar sign, for example $1,000.00."
                : type == TypeExpectation.Pmpm ? "Write an amount per member per month with a dollar sign and PMPM, for example $1,000.00 PMPM."
                : type == TypeExpectation.MoneyOrPmpm ? "Write money with a dollar sign, for example $25,000.00 or $2.00 PMPM."
                : "";
            _diagnostics.Add(BindingDiagnostics.WrongType(Source, syntax.Span, Capitalize(what), type.Description, bound.Type.DisplayName, hint));
            return new BoundErrorExpression(syntax);
        }
        CheckLevel(spec, bound, what);
        CheckRange(spec, bound, what);
        return bound;
    }

    private void CheckLevel(ParameterSpec spec, BoundExpression bound, string what)
    {
        if (spec.IsPerMember && bound.Level == EvaluationLevel.Total)
        {
            var total = bound.Symbols().First(s => s.Level == EvaluationLevel.Total);
            _diagnostics.Add(BindingDiagnostics.TotalInPerMember(Source, bound.Span, Capitalize(what), total.Name));
        }
        else if (!spec.IsPerMember && bound.Level == EvaluationLevel.Member)
        {
            var column = bound.Symbols().First(s => s.Level == EvaluationLevel.Member);
            _diagnostics.Add(BindingDiagnostics.PerMemberInTotal(Source, bound.Span, Capitalize(what), column.Name));
        }
    }

    private void CheckRange(ParameterSpec spec, BoundExpression bound, string what)
    {
        if (spec.Min is null && spec.Max is null)
        {
            return;
        }
        if (Evaluator.TryConstant(bound) is not { Kind: ValueKind.Number } value)
        {
            return; // inputs and totals are checked when the contract is settled
        }
        if (value.Number < spec.Min || value.Number > spec.Max)
        {
            // Show a plain number given for a percent setting as the percent it means (2 is 200%).
            var shown = bound.Type.Dimension.IsNone && spec.Type == TypeExpectation.Percent ? ValueType.Percent : bound.Type;
            _diagnostics.Add(BindingDiagnostics.OutOfRange(Source, bound.Span, Capitalize(what), Display.Format(value.Number, shown), Display.Bounds(spec.Min, spec.Max, shown)));
        }
    }

    private static string Capitalize(string s) => s.Length > 0 && char.IsLower(s[0]) ? char.ToUpperInvariant(s[0]) + s[1..] : s;

    private BoundRange BindRange(ParameterSpec spec, RangeSyntax range, string what, TypeExpectation? type = null)
    {
        var low = range.Low is null ? null : BindChecked(spec, range.Low, $"The start of {what}", type);
        var high = range.High is null ? null : BindChecked(spec, range.High, $"The end of {what}", type);
        return new BoundRange(range.Form, low, high, range.Span);
    }

    private BoundRange BindSingleAsRange(ParameterSpec spec, ExpressionSyntax value, string what)
    {
        var bound = BindChecked(spec, value, what);
        return new BoundRange(RangeForm.Between, bound, bound, value.Span);
    }

    private BoundTable? BindTable(ParameterSpec spec, TableSyntax table)
    {
        var tableSpec = spec.Table!;
        BoundExpression? by = null;
        if (table.By is not null)
        {
            if (tableSpec.By is null)
            {
                _diagnostics.Add(BindingDiagnostics.TableProblem(Source, table.By.Span, $"'{spec.Key}' is not looked up 'by' a value: remove 'by ...' and keep the rows."));
            }
            else
            {
                var bySpec = spec with { Level = tableSpec.ByLevel, Min = null, Max = null };
                by = BindChecked(bySpec, table.By, $"The value '{spec.Key}' is looked up by", tableSpec.By);
            }
        }
        else if (tableSpec.ByRequired)
        {
            _diagnostics.Add(BindingDiagnostics.TableProblem(Source, table.Span,
                $"Say what '{spec.Key}' is looked up by: '{spec.Key}: by {(tableSpec.By == TypeExpectation.Count ? "assigned_beneficiaries" : "episode_type")} {{ ... }}'."));
        }

        if (table.Rows.Count == 0)
        {
            _diagnostics.Add(BindingDiagnostics.TableProblem(Source, table.Span, $"The table of '{spec.Key}' has no rows. Add rows such as '{spec.Example}'."));
            return null;
        }

        var keySpec = spec with { Level = EvaluationLevel.Run, Min = null, Max = null };
        var resultSpec = spec with { Level = EvaluationLevel.Run };
        var rows = new List<BoundTableRow>();
        foreach (var row in table.Rows)
        {
            BoundExpression? keyValue = null;
            BoundRange? keyRange = null;
            switch (row.Key)
            {
                case RangeSyntax r:
                    keyRange = BindRange(keySpec, r, "a row's key", tableSpec.Keys);
                    break;
                case ExpressionSyntax e when !tableSpec.KeysAreRanges:
                    keyValue = BindChecked(keySpec, e, "A row's key", tableSpec.Keys);
                    break;
                case ExpressionSyntax e:
                    keyRange = BindSingleAsRange(keySpec with { Type = tableSpec.Keys }, e, "A row's key");
                    break;
            }

            BoundExpression? result = null;
            BoundRange? resultRange = null;
            switch (row.Result)
            {
                case RangeSyntax r when tableSpec.ResultsMayInterpolate && r.Form == RangeForm.Between:
                    resultRange = BindRange(resultSpec, r, "a row's result", tableSpec.Results);
                    if (keyRange is not { Low: not null, High: not null } || keyRange.Form != RangeForm.Between)
                    {
                        _diagnostics.Add(BindingDiagnostics.TableProblem(Source, r.Span,
                            "A result written as a range is interpolated across the row's key range, so the key must be a range with two ends, for example '5,000 to 5,999: 3.9% to 3.6%'."));
                    }
                    break;
                case RangeSyntax r:
                    _diagnostics.Add(BindingDiagnostics.TableProblem(Source, r.Span, $"A row of '{spec.Key}' gives one value, not a range."));
                    break;
                case ExpressionSyntax e:
                    result = BindChecked(resultSpec, e, "A row's result", tableSpec.Results);
                    break;
            }
            rows.Add(new BoundTableRow(keyValue, keyRange, result, resultRange, row.Span));
        }
        var bound = new BoundTable(by, rows.ToEquatableArray(), table);
        CheckLookupRows(spec, bound);
        return bound;
    }

    private BoundExpression? BindTableLookup(ParameterSpec spec, TableSyntax syntax)
    {
        if (spec.Table is null)
        {
            return null;
        }
        var table = BindTable(spec, syntax);
        if (table?.By is null || table.By.HasErrors())
        {
            return null;
        }
        var resultType = table.Rows.Select(r => r.Result?.Type ?? r.ResultRange?.Low?.Type).FirstOrDefault(t => t is not null && !t.IsError) ?? ValueType.Error;
        var level = table.By.Level;
        return new BoundTableLookup(table, table.By, resultType, level, syntax.By!);
    }

    /// <summary>Rows of a lookup table must not hold the same value twice.</summary>
    private void CheckLookupRows(ParameterSpec spec, BoundTable table)
    {
        var seenKeys = new Dictionary<string, TextSpan>();
        foreach (var row in table.Rows)
        {
            if (row.KeyValue is { } k && Evaluator.TryConstant(k) is { } v)
            {
                var text = v.ToString();
                if (!seenKeys.TryAdd(text, row.Span))
                {
                    _diagnostics.Add(BindingDiagnostics.TableProblem(Source, row.Span, $"The table of '{spec.Key}' has two rows for {text}. Keep one."));
                }
            }
        }
        if (spec.Table!.By is null)
        {
            return; // bands are checked by their clause
        }
        var ranges = table.Rows
            .Where(r => r.KeyRange is not null)
            .Select(r => (Row: r, Low: ConstantOrNull(r.KeyRange!.Low), High: ConstantOrNull(r.KeyRange!.High)))
            .ToList();
        for (int i = 0; i < ranges.Count; i++)
        {
            for (int j = i + 1; j < ranges.Count; j++)
            {
                var (a, b) = (ranges[i], ranges[j]);
                decimal aLow = a.Low ?? decimal.MinValue, aHigh = a.High ?? decimal.MaxValue;
                decimal bLow = b.Low ?? decimal.MinValue, bHigh = b.High ?? decimal.MaxValue;
                bool touchOnly = (aHigh == bLow && (a.Row.KeyRange!.Form == RangeForm.Below || b.Row.KeyRange!.Form == RangeForm.Above))
                    || (bHigh == aLow && (b.Row.KeyRange!.Form == RangeForm.Below || a.Row.KeyRange!.Form == RangeForm.Above));
                if (aLow <= bHigh && bLow <= aHigh && !touchOnly)
                {
                    _diagnostics.Add(BindingDiagnostics.TableProblem(Source, b.Row.Span,
                        $"This row's key range overlaps the row on line {Source.GetPosition(a.Row.Span.Start).Line}. A value must find one row only."));
                }
            }
        }
    }

    private static decimal? ConstantOrNull(BoundExpression? e) => e is null ? null : Evaluator.TryConstant(e) is { Kind: ValueKind.Number } v ? v.Number : null;

    // ---- pass 4: contract-wide checks -------------------------------------------------------------------------------

    private BoundClause? CheckContractBlock()
    {
        var contracts = _clauses.Where(c => c.Kind is ContractClause).ToList();
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
        void CheckScope(IEnumerable<BoundClause> clauses, IEnumerable<BoundClause> outer)
        {
            var first = new Dictionary<IClauseKind, BoundClause>();
            foreach (var clause in outer.Concat(clauses))
            {
                if (clause.Kind.Repeatable || clause.Kind.Naming == ClauseNaming.Name || clause.Kind is LevelClause)
                {
                    continue;
                }
                if (first.TryGetValue(clause.Kind, out var earlier))
                {
                    if (clauses.Contains(clause))
                    {
                        _diagnostics.Add(BindingDiagnostics.DuplicateClause(Source, clause.Syntax.Header.Span, clause.Kind.Keyword, Source.GetPosition(earlier.Syntax.Span.Start).Line));
                    }
                }
                else
                {
                    first[clause.Kind] = clause;
                }
            }
        }

        var topLevel = _clauses.Where(c => c.Kind is not LevelClause).ToList();
        CheckScope(topLevel, Array.Empty<BoundClause>());
        foreach (var level in _clauses.Where(c => c.Kind is LevelClause))
        {
            CheckScope(level.Children, topLevel);
        }
        foreach (var parent in AllClauses().Where(c => c.Kind is not LevelClause))
        {
            CheckScope(parent.Children, Array.Empty<BoundClause>());
        }

        // Requirements are met by a clause at the top, or in the same level.
        foreach (var clause in AllClauses())
        {
            foreach (var required in clause.Kind.Requires)
            {
                bool Has(IEnumerable<BoundClause> cs) => cs.Any(c => c.Kind.Keyword == required);
                bool met = Has(topLevel) || (clause.Level is { } level && Has(level.Children));
                if (!met && clause.Kind is LevelClause == false)
                {
                    // A clause at the top that needs something defined per level: every level must have it.
                    if (clause.Level is null && _clauses.Any(c => c.Kind is LevelClause)
                        && _clauses.Where(c => c.Kind is LevelClause).All(l => Has(l.Children)))
                    {
                        continue;
                    }
                    _diagnostics.Add(BindingDiagnostics.MissingRequiredClause(Source, clause.Syntax.Header.Span, clause.Title, required));
                }
            }
        }

        var levels = _clauses.Where(c => c.Kind is LevelClause).ToList();
        for (int i = 0; i < levels.Count; i++)
        {
            for (int j = i + 1; j < levels.Count; j++)
            {
                var (a, b) = (LevelClause.Years(levels[i]), LevelClause.Years(levels[j]));
                if (a is { } ya && b is { } yb && ya.First <= yb.Last && yb.First <= ya.Last)
                {
                    int from = Math.Max(ya.First, yb.First), to = Math.Min(ya.Last, yb.Last);
                    _diagnostics.Add(BindingDiagnostics.LevelYearsOverlap(Source, levels[j].Syntax.Header.Span, LevelName(levels[j]),
                        LevelName(levels[i]), from == to ? $"{from}" : $"{from} to {to}"));
                }
            }
        }
        var contract = _clauses.FirstOrDefault(c => c.Kind is ContractClause);
        var period = contract is null ? null : ContractClause.Period(contract);
        if (period is { } p && p.End >= p.Start)
        {
            foreach (var level in levels)
            {
                if (LevelClause.Years(level) is { } y && (y.First < p.Start.Year || y.Last > p.End.Year))
                {
                    _diagnostics.Add(BindingDiagnostics.LevelOutsidePeriod(Source, level.Syntax.Header.Span, LevelName(level),
                        y.First == y.Last ? $"{y.First}" : $"{y.First} to {y.Last}", $"{p.Start:yyyy-MM-dd} to {p.End:yyyy-MM-dd}"));
                }
            }
        }
    }

    private static string LevelName(BoundClause level) => level.Label is null ? "(unnamed)" : $"\"{level.Label}\"";

    private void CheckDataDeclarations()
    {
        var dataBlock = _parsed.Root.Blocks.FirstOrDefault(b => b.Header.Text == "data");
        if (dataBlock is null)
        {
            return;
        }
        var ids = _columns.Where(c => c.IsId).ToList();
        if (ids.Count == 0)
        {
            _diagnostics.Add(BindingDiagnostics.DataNeedsId(Source, dataBlock.Header.Span));
        }
        foreach (var extra in ids.Skip(1))
        {
            _diagnostics.Add(BindingDiagnostics.OneColumnOfType(Source, extra.Declaration, "id", ids[0].Name));
        }
        var months = _columns.Where(c => c.Type == ValueType.MemberMonths).ToList();
        foreach (var extra in months.Skip(1))
        {
            _diagnostics.Add(BindingDiagnostics.OneColumnOfType(Source, extra.Declaration, "member_months", months[0].Name));
        }
    }

    /// <summary>A clause that needs a value another clause computes from it, round and round, can never be settled.</summary>
    private void CheckCycles()
    {
        // Clauses settle as units: a clause at the top (or directly in a level) with its nested clauses.
        var units = AllClauses().Where(c => c.Kind is not LevelClause && (c.Parent is null || c.Parent.Kind is LevelClause)).ToList();
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
        }
        if (_parsed.HasErrors)
        {
            return;
        }
        foreach (var column in _columns.Where(c => !_used.Contains(c) && !c.IsId && c.Type != ValueType.MemberMonths))
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
}

/// <summary>What a clause reads: the names in its settings and the values its kind reads without naming them.</summary>
public static class ClauseDependencies
{
    public static IEnumerable<Symbol> SymbolsIn(BoundSetting setting) => setting switch
    {
        BoundExpressionSetting e => SymbolsIn(e.Expression),
        BoundListSetting l => l.Items.SelectMany(SymbolsIn),
        BoundRangeSetting r => SymbolsIn(r.Range),
        BoundTableSetting t => SymbolsIn(t.Table),
        _ => Array.Empty<Symbol>(),
    };

    private static IEnumerable<Symbol> SymbolsIn(BoundExpression e) =>
        e.Symbols().SelectMany(s => s is ValueSymbol { Expression: { } inner } ? new[] { s }.Concat(SymbolsIn(inner)) : new[] { s });

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
