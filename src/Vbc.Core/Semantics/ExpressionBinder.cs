using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Navigation;
using Vbc.Operators;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>
/// Resolves the names in an expression and works out its type, unit and level, reporting every mismatch. The type
/// and unit rules, and the checks of a function's arguments, are the operators' own (<see cref="TypeRules"/>,
/// <see cref="Definitions"/>); this class applies them and turns what they refuse into positioned diagnostics.
/// </summary>
internal sealed class ExpressionBinder
{
    public static IEnumerable<string> FunctionNames => Definitions.Functions.Select(f => f.Name);

    private readonly Scope _scope;
    private readonly SourceText _source;
    private readonly DiagnosticBag _diagnostics;
    private readonly ICollection<SymbolReference>? _references;

    public ExpressionBinder(Scope scope, SourceText source, DiagnosticBag diagnostics, ICollection<SymbolReference>? references = null)
    {
        _scope = scope;
        _source = source;
        _diagnostics = diagnostics;
        _references = references;
    }

    public BoundExpression Bind(ExpressionSyntax syntax)
    {
        switch (syntax)
        {
            case NumberLiteralSyntax n:
                return new BoundLiteral(Value.Of(n.Value), n.Unit switch
                {
                    LiteralUnit.Money => ValueType.Money,
                    LiteralUnit.Percent => ValueType.Percent,
                    LiteralUnit.Pmpm => ValueType.Pmpm,
                    _ => ValueType.Number,
                }, n);
            case DateLiteralSyntax d:
                return new BoundLiteral(Value.Of(d.Value), ValueType.Date, d);
            case StringLiteralSyntax s:
                return new BoundLiteral(Value.Of(s.Value), ValueType.Text, s);
            case BooleanLiteralSyntax b:
                return new BoundLiteral(Value.Of(b.Value), ValueType.Flag, b);
            case PercentileLiteralSyntax p:
                if (p.Rank < 0 || p.Rank > 100)
                {
                    _diagnostics.Add(BindingDiagnostics.OutOfRange(_source, p.Span, "A percentile", p.Text, "between 0th and 100th"));
                }
                return new BoundLiteral(Value.Percentile(p.Rank), ValueType.Percentile, p);
            case NameSyntax name:
                return BindName(name);
            case ParenthesizedSyntax paren:
                // Parentheses only group; explanations put them back where precedence needs them.
                return Bind(paren.Inner);
            case UnarySyntax u:
                return BindUnary(u);
            case BinarySyntax b:
                return BindBinary(b);
            case IfSyntax i:
                return BindIf(i);
            case CallSyntax c:
                return BindCall(c);
            case LesserGreaterSyntax lg:
                {
                    var left = Bind(lg.Left);
                    var right = Bind(lg.Right);
                    if (left.HasErrors() || right.HasErrors())
                    {
                        return new BoundErrorExpression(lg);
                    }
                    var type = Report(TypeRules.Unify(left.Type, right.Type, lg.Greater ? "take the greater of" : "take the lesser of"), lg, lg.Left, lg.Right);
                    if (type.IsError)
                    {
                        return new BoundErrorExpression(lg);
                    }
                    var level = CombineLevels(lg, left, right);
                    return new BoundCall(lg.Greater ? BuiltInFunction.Max : BuiltInFunction.Min,
                        new[] { left, right }.ToEquatableArray(), type, level, lg);
                }
            default:
                return new BoundErrorExpression(syntax);
        }
    }

    private BoundExpression BindName(NameSyntax name)
    {
        if (_scope.TryLookup(name.Name, out var symbol))
        {
            // Recorded here, before any type check can drop the bound tree, so editors see every use of a name.
            _references?.Add(new SymbolReference(symbol, name.Span));
            return new BoundName(symbol, name);
        }
        if (string.Equals(name.Name, BuiltInSymbol.GainName, StringComparison.OrdinalIgnoreCase))
        {
            // 'gain' exists only where a clause has an amount of its own to test: say where, rather than "not defined".
            _diagnostics.Add(BindingDiagnostics.UnknownName(_source, name.Span, name.Name, null,
                "'gain' is known only in a setting that applies to its clause's own amount (a bundle's 'quality adjustment'). Elsewhere, test a value: for example 'savings > $0'."));
            return new BoundErrorExpression(name);
        }
        var suggestion = Suggest.Nearest(name.Name, _scope.Names);
        _diagnostics.Add(BindingDiagnostics.UnknownName(_source, name.Span, name.Name, suggestion, _scope.Describe(name.Name)));
        return new BoundErrorExpression(name);
    }

    private BoundExpression BindUnary(UnarySyntax u)
    {
        var operand = Bind(u.Operand);
        if (operand.HasErrors())
        {
            return new BoundErrorExpression(u);
        }
        var type = Report(TypeRules.Unary(u.Operator, operand.Type), u, u.Operand);
        return type.IsError ? new BoundErrorExpression(u) : new BoundUnary(u.Operator, operand, type, u);
    }

    private BoundExpression BindBinary(BinarySyntax b)
    {
        var left = Bind(b.Left);
        var right = Bind(b.Right);
        if (left.HasErrors() || right.HasErrors())
        {
            return new BoundErrorExpression(b);
        }
        var level = CombineLevels(b, left, right);
        var type = Report(TypeRules.Binary(b.Operator, left.Type, right.Type), b, b.Left, b.Right);
        if (type.IsError)
        {
            return new BoundErrorExpression(b);
        }
        // A divisor fixed by the text ('0', '1 - 1', a value defined as 0) fails on every row and in every run.
        if (b.Operator == BinaryOperator.Divide && Evaluator.TryConstant(right) is { Kind: ValueKind.Number, Number: 0 })
        {
            _diagnostics.Add(BindingDiagnostics.DivisionByZero(_source, b.Span));
            return new BoundErrorExpression(b);
        }
        return new BoundBinary(b.Operator, left, right, type, level, b);
    }

    /// <summary>The type a rule gives, or its refusal reported at the whole expression or at the operand it names.</summary>
    private ValueType Report(Typing typing, ExpressionSyntax whole, params ExpressionSyntax[] operands)
    {
        switch (typing.Error)
        {
            case CannotCombine c:
                _diagnostics.Add(BindingDiagnostics.OperatorTypes(_source, whole.Span, c.Verb, c.Left, c.Right, c.Hint));
                return ValueType.Error;
            case WrongOperand w:
                _diagnostics.Add(BindingDiagnostics.WrongType(_source, operands[w.Operand].Span, w.What, w.Expected, w.Found, w.Hint));
                return ValueType.Error;
            default:
                return typing.Type;
        }
    }

    private BoundExpression BindIf(IfSyntax i)
    {
        var condition = Bind(i.Condition);
        var whenTrue = Bind(i.WhenTrue);
        var whenFalse = Bind(i.WhenFalse);
        if (condition.HasErrors() || whenTrue.HasErrors() || whenFalse.HasErrors())
        {
            return new BoundErrorExpression(i);
        }
        var type = Report(TypeRules.If(condition.Type, whenTrue.Type, whenFalse.Type), i, i.Condition);
        if (type.IsError)
        {
            return new BoundErrorExpression(i);
        }
        return new BoundIf(condition, whenTrue, whenFalse, type, CombineLevels(i, condition, whenTrue, whenFalse), i);
    }

    private BoundExpression BindCall(CallSyntax c)
    {
        var args = c.Arguments.Select(Bind).ToList();
        if (!Definitions.TryFunction(c.Function, out var fn))
        {
            var names = Definitions.Functions.Select(f => f.Name).ToList();
            _diagnostics.Add(BindingDiagnostics.UnknownFunction(_source, c.FunctionSpan, c.Function, Suggest.Nearest(c.Function, names), names));
            return new BoundErrorExpression(c);
        }
        if (args.Count < fn.MinArguments || args.Count > fn.MaxArguments)
        {
            _diagnostics.Add(BindingDiagnostics.WrongArgumentCount(_source, c.Span, fn.Name, fn.Arity, args.Count));
            return new BoundErrorExpression(c);
        }
        if (args.Any(a => a.HasErrors()))
        {
            return new BoundErrorExpression(c);
        }
        var type = Report(TypeRules.Call(fn, args.Select(a => a.Type).ToList()), c, c.Arguments.ToArray());
        if (type.IsError || fn.Function == BuiltInFunction.Round && !PlacesAreValid(args[1], c.Arguments[1]))
        {
            return new BoundErrorExpression(c);
        }
        // Bounds fixed by the text that are reversed would stop every settlement: say so when checking.
        if (fn.Function == BuiltInFunction.Clamp
            && Evaluator.TryConstant(args[1]) is { Kind: ValueKind.Number } low && Evaluator.TryConstant(args[2]) is { Kind: ValueKind.Number } high
            && low.Number > high.Number)
        {
            _diagnostics.Add(BindingDiagnostics.ClampReversed(_source, c.Span, Display.Format(low.Number, args[1].Type), Display.Format(high.Number, args[2].Type)));
            return new BoundErrorExpression(c);
        }
        return new BoundCall(fn.Function, args.ToEquatableArray(), type, CombineLevels(c, args.ToArray()), c);
    }

    /// <summary>
    /// round's places are checked here, once, from the definition: no backend ever meets a count it cannot round to,
    /// and a count known only at settlement is refused before anything runs.
    /// </summary>
    private bool PlacesAreValid(BoundExpression places, ExpressionSyntax syntax)
    {
        var (problem, value, why) = Definitions.CheckPlaces(places);
        const string What = "The number of decimal places";
        switch (problem)
        {
            case PlacesProblem.NotFixed:
                _diagnostics.Add(BindingDiagnostics.PlacesNotFixed(_source, syntax.Span, _source.GetText(syntax.Span), places.Level));
                return false;
            case PlacesProblem.CannotWorkOut:
                _diagnostics.Add(BindingDiagnostics.PlacesCannotBeWorkedOut(_source, syntax.Span, why ?? "it cannot be worked out"));
                return false;
            case PlacesProblem.NotWhole:
                _diagnostics.Add(BindingDiagnostics.NotWholeNumber(_source, syntax.Span, What, Display.Format(value, ValueType.Number),
                    $"a count from 0 to {Arithmetic.MaxPlaces}", Display.Format(decimal.Floor(value), ValueType.Number), Display.Format(decimal.Ceiling(value), ValueType.Number)));
                return false;
            case PlacesProblem.OutOfRange:
                _diagnostics.Add(BindingDiagnostics.OutOfRange(_source, syntax.Span, What, Display.Format(value, ValueType.Number), $"between 0 and {Arithmetic.MaxPlaces}"));
                return false;
            default:
                return true;
        }
    }

    private EvaluationLevel CombineLevels(ExpressionSyntax at, params BoundExpression[] parts)
    {
        bool member = parts.Any(p => p.Level == EvaluationLevel.Member);
        bool total = parts.Any(p => p.Level == EvaluationLevel.Total);
        if (member && total)
        {
            _diagnostics.Add(BindingDiagnostics.MixedLevels(_source, at.Span));
            return EvaluationLevel.Member;
        }
        return member ? EvaluationLevel.Member : parts.Length == 0 ? EvaluationLevel.Constant : parts.Max(p => p.Level);
    }
}

/// <summary>The names visible in a contract, looked up without regard to case (quality_score = Quality_Score).</summary>
internal sealed class Scope
{
    private readonly Dictionary<string, Symbol> _symbols = new(StringComparer.OrdinalIgnoreCase);

    public Scope()
    {
    }

    /// <summary>The contract's names and one more known only here (the built-in 'gain' inside a setting that sees its clause's amount).</summary>
    public Scope(Scope contract, Symbol contextual)
    {
        _symbols = new Dictionary<string, Symbol>(contract._symbols, StringComparer.OrdinalIgnoreCase)
        {
            [contextual.Name] = contextual,
        };
    }

    /// <summary>The contract's names and some known only in one expression (the settings a plug-in's per-member expression reads).</summary>
    public Scope(Scope contract, IEnumerable<Symbol> extra)
    {
        _symbols = new Dictionary<string, Symbol>(contract._symbols, StringComparer.OrdinalIgnoreCase);
        foreach (var symbol in extra)
        {
            _symbols[symbol.Name] = symbol;
        }
    }

    public IEnumerable<string> Names => _symbols.Keys;

    public IEnumerable<Symbol> Symbols => _symbols.Values;

    public bool TryLookup(string name, out Symbol symbol) => _symbols.TryGetValue(name, out symbol!);

    /// <summary>Adds a symbol; returns the one already there if the name is taken.</summary>
    public Symbol? TryAdd(Symbol symbol) => _symbols.TryAdd(symbol.Name, symbol) ? null : _symbols[symbol.Name];

    /// <summary>"Columns: ...; inputs: ...; values: ..." with the names nearest to the unknown one first.</summary>
    public string Describe(string near)
    {
        var groups = _symbols.Values
            .GroupBy(s => s switch
            {
                ColumnSymbol => "Columns",
                InputSymbol => "Inputs",
                ValueSymbol => "Values",
                OutputSymbol => "Values computed by clauses",
                _ => "Built in",
            })
            .OrderBy(g => g.Key switch { "Columns" => 0, "Inputs" => 1, "Values" => 2, "Values computed by clauses" => 3, _ => 4 })
            .Select(g => $"{g.Key}: {BindingDiagnostics.ListOf(g.Select(s => s.Name).OrderBy(n => Suggest.Distance(n, near)).ThenBy(n => n, StringComparer.Ordinal), 8)}");
        return string.Join("; ", groups) + ".";
    }
}
