using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Navigation;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>
/// Resolves the names in an expression and works out its type, unit and level, reporting every mismatch.
/// Units follow dimensional rules: amounts of the same dimension add and compare; multiplying and dividing
/// combine dimensions (PMPM x member months = money; money / money = ratio); money + percent is an error.
/// </summary>
internal sealed class ExpressionBinder
{
    private static readonly Dictionary<string, (BuiltInFunction Function, int MinArgs, int MaxArgs, string Arity)> Functions =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["min"] = (BuiltInFunction.Min, 2, int.MaxValue, "two or more values"),
            ["max"] = (BuiltInFunction.Max, 2, int.MaxValue, "two or more values"),
            ["clamp"] = (BuiltInFunction.Clamp, 3, 3, "three values: clamp(value, lowest, highest)"),
            ["abs"] = (BuiltInFunction.Abs, 1, 1, "one value"),
            ["round"] = (BuiltInFunction.Round, 2, 2, "two values: round(value, decimal places)"),
            ["floor"] = (BuiltInFunction.Floor, 1, 1, "one value"),
            ["ceiling"] = (BuiltInFunction.Ceiling, 1, 1, "one value"),
        };

    public static IEnumerable<string> FunctionNames => Functions.Keys;

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
                    var type = Unify(left.Type, right.Type, lg, lg.Greater ? "take the greater of" : "take the lesser of");
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
        if (u.Operator == UnaryOperator.Not)
        {
            if (operand.Type.Kind != ValueKind.Flag)
            {
                _diagnostics.Add(BindingDiagnostics.WrongType(_source, u.Operand.Span, "The value after 'not'", "a yes/no condition", operand.Type.DisplayName));
                return new BoundErrorExpression(u);
            }
            return new BoundUnary(u.Operator, operand, ValueType.Flag, u);
        }
        if (!operand.Type.IsNumber)
        {
            _diagnostics.Add(BindingDiagnostics.WrongType(_source, u.Operand.Span, "A signed value", "a number", operand.Type.DisplayName));
            return new BoundErrorExpression(u);
        }
        return new BoundUnary(u.Operator, operand, operand.Type, u);
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
        var type = BinaryType(b, left.Type, right.Type);
        if (type.IsError)
        {
            return new BoundErrorExpression(b);
        }
        if (b.Operator == BinaryOperator.Divide && right is BoundLiteral { Value.Kind: ValueKind.Number, Value.Number: 0 })
        {
            _diagnostics.Add(BindingDiagnostics.DivisionByZero(_source, b.Span));
            return new BoundErrorExpression(b);
        }
        return new BoundBinary(b.Operator, left, right, type, level, b);
    }

    private ValueType BinaryType(BinarySyntax b, ValueType left, ValueType right)
    {
        switch (b.Operator)
        {
            case BinaryOperator.And:
            case BinaryOperator.Or:
                if (left.Kind != ValueKind.Flag || right.Kind != ValueKind.Flag)
                {
                    var bad = left.Kind != ValueKind.Flag ? (b.Left, left) : (b.Right, right);
                    _diagnostics.Add(BindingDiagnostics.WrongType(_source, bad.Item1.Span, $"Each side of '{(b.Operator == BinaryOperator.And ? "and" : "or")}'",
                        "a yes/no condition", bad.Item2.DisplayName, "Compare it with something, for example 'risk_score > 0'."));
                    return ValueType.Error;
                }
                return ValueType.Flag;

            case BinaryOperator.Equal:
            case BinaryOperator.NotEqual:
            case BinaryOperator.Less:
            case BinaryOperator.LessOrEqual:
            case BinaryOperator.Greater:
            case BinaryOperator.GreaterOrEqual:
                {
                    bool ordering = b.Operator is not (BinaryOperator.Equal or BinaryOperator.NotEqual);
                    if (left.IsNumber && right.IsNumber && Mismatched(left, right))
                    {
                        _diagnostics.Add(BindingDiagnostics.OperatorTypes(_source, b.Span, "compare", left.DisplayName, right.DisplayName, MismatchHint(left, right)));
                        return ValueType.Error;
                    }
                    bool ok = (left.IsNumber && right.IsNumber && left.Dimension == right.Dimension)
                        || (left.Kind == ValueKind.Date && right.Kind == ValueKind.Date)
                        || (!ordering && left.Kind == right.Kind && left.Kind is ValueKind.Text or ValueKind.Flag);
                    if (!ok)
                    {
                        string hint = left.IsNumber && right.IsNumber
                            ? "Both sides must be in the same unit."
                            : ordering && left.Kind == right.Kind ? $"Values that are {left.DisplayName} can only be tested for equality (= or !=)." : "Both sides must be of the same kind.";
                        _diagnostics.Add(BindingDiagnostics.OperatorTypes(_source, b.Span, "compare", left.DisplayName, right.DisplayName, hint));
                        return ValueType.Error;
                    }
                    return ValueType.Flag;
                }

            case BinaryOperator.Add:
            case BinaryOperator.Subtract:
                {
                    string verb = b.Operator == BinaryOperator.Add ? "add" : "subtract";
                    if (left.IsNumber && right.IsNumber && Mismatched(left, right))
                    {
                        _diagnostics.Add(BindingDiagnostics.OperatorTypes(_source, b.Span, verb, left.DisplayName, right.DisplayName, MismatchHint(left, right)));
                        return ValueType.Error;
                    }
                    if (!left.IsNumber || !right.IsNumber || left.Dimension != right.Dimension)
                    {
                        string hint = left.IsNumber && right.IsNumber
                            ? Hint(left, right)
                            : "Both sides must be numbers.";
                        _diagnostics.Add(BindingDiagnostics.OperatorTypes(_source, b.Span, verb, left.DisplayName, right.DisplayName, hint));
                        return ValueType.Error;
                    }
                    return left.Dimension.IsNone ? ValueType.OfDimension(Dimension.None, MergeFlavor(left.Flavor, right.Flavor)) : left;
                }

            case BinaryOperator.Multiply:
            case BinaryOperator.Of:
            case BinaryOperator.Divide:
                {
                    string verb = b.Operator == BinaryOperator.Divide ? "divide" : "multiply";
                    if (!left.IsNumber || !right.IsNumber)
                    {
                        _diagnostics.Add(BindingDiagnostics.OperatorTypes(_source, b.Span, verb, left.DisplayName, right.DisplayName, "Both sides must be numbers."));
                        return ValueType.Error;
                    }
                    if (b.Operator == BinaryOperator.Of && !left.Dimension.IsNone)
                    {
                        _diagnostics.Add(BindingDiagnostics.WrongType(_source, b.Left.Span, "The part before 'of'", "a percent or a ratio", left.DisplayName,
                            "Write it as a share of the amount, for example '10% of benchmark'."));
                        return ValueType.Error;
                    }
                    var dimension = b.Operator == BinaryOperator.Divide ? left.Dimension.Over(right.Dimension) : left.Dimension.Times(right.Dimension);
                    if (!dimension.IsMeaningful)
                    {
                        _diagnostics.Add(BindingDiagnostics.OperatorTypes(_source, b.Span, verb, left.DisplayName, right.DisplayName,
                            $"The result would be {ValueType.OfDimension(dimension).DisplayName}, which no contract term means. A share of an amount is a percent times money."));
                        return ValueType.Error;
                    }
                    if (!dimension.IsNone)
                    {
                        return ValueType.OfDimension(dimension);
                    }
                    if (b.Operator == BinaryOperator.Divide && !left.Dimension.IsNone)
                    {
                        return ValueType.Ratio;
                    }
                    if (b.Operator == BinaryOperator.Divide && left.Flavor == NumberFlavor.Count && right.Flavor == NumberFlavor.Count)
                    {
                        return ValueType.Ratio;
                    }
                    return ValueType.OfDimension(Dimension.None, MergeFlavor(left.Flavor, right.Flavor));
                }
        }
        return ValueType.Error;
    }

    private static string Hint(ValueType left, ValueType right)
    {
        if (left.Dimension == Dimension.Dollars && right.Dimension.IsNone || right.Dimension == Dimension.Dollars && left.Dimension.IsNone)
        {
            return "To take a share of an amount, multiply: for example '10% of benchmark' or 'benchmark * 10%'.";
        }
        if ((left.Dimension == Dimension.PerMemberMonth && right.Dimension == Dimension.Dollars)
            || (left.Dimension == Dimension.Dollars && right.Dimension == Dimension.PerMemberMonth))
        {
            return "Multiply the PMPM amount by member months to get money.";
        }
        return "Both sides must be in the same unit.";
    }

    /// <summary>
    /// A percent, a count and a year have no physical unit, but adding or comparing one with another is almost
    /// always a slip ('assigned_beneficiaries > 3%'): refuse it. Plain numbers and ratios go with any of them.
    /// </summary>
    private static bool Mismatched(ValueType a, ValueType b)
    {
        if (!a.Dimension.IsNone || !b.Dimension.IsNone)
        {
            return false;
        }
        static bool Countlike(NumberFlavor f) => f is NumberFlavor.Count or NumberFlavor.Year;
        return (a.Flavor == NumberFlavor.Percent && Countlike(b.Flavor)) || (b.Flavor == NumberFlavor.Percent && Countlike(a.Flavor));
    }

    private static string MismatchHint(ValueType a, ValueType b) =>
        $"A {(a.Flavor == NumberFlavor.Percent ? b.DisplayName : a.DisplayName)} is a whole number of things; a percent is a share. Compare a {(a.Flavor == NumberFlavor.Percent ? b.DisplayName : a.DisplayName)} with a number (5,000), and a percent with a percent.";

    private static NumberFlavor MergeFlavor(NumberFlavor a, NumberFlavor b)
    {
        if (a == b)
        {
            return a;
        }
        if (a == NumberFlavor.Percent || b == NumberFlavor.Percent)
        {
            return NumberFlavor.Percent;
        }
        if (a == NumberFlavor.Ratio || b == NumberFlavor.Ratio)
        {
            return NumberFlavor.Ratio;
        }
        if (a == NumberFlavor.Plain)
        {
            return b;
        }
        if (b == NumberFlavor.Plain)
        {
            return a;
        }
        return NumberFlavor.Plain;
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
        if (condition.Type.Kind != ValueKind.Flag)
        {
            _diagnostics.Add(BindingDiagnostics.WrongType(_source, i.Condition.Span, "The condition after 'if'", "a yes/no condition", condition.Type.DisplayName));
            return new BoundErrorExpression(i);
        }
        var type = Unify(whenTrue.Type, whenFalse.Type, i, "choose between");
        if (type.IsError)
        {
            return new BoundErrorExpression(i);
        }
        return new BoundIf(condition, whenTrue, whenFalse, type, CombineLevels(i, condition, whenTrue, whenFalse), i);
    }

    private BoundExpression BindCall(CallSyntax c)
    {
        var args = c.Arguments.Select(Bind).ToList();
        if (!Functions.TryGetValue(c.Function, out var fn))
        {
            _diagnostics.Add(BindingDiagnostics.UnknownFunction(_source, c.FunctionSpan, c.Function, Suggest.Nearest(c.Function, Functions.Keys), Functions.Keys));
            return new BoundErrorExpression(c);
        }
        if (args.Count < fn.MinArgs || args.Count > fn.MaxArgs)
        {
            _diagnostics.Add(BindingDiagnostics.WrongArgumentCount(_source, c.Span, c.Function.ToLowerInvariant(), fn.Arity, args.Count));
            return new BoundErrorExpression(c);
        }
        if (args.Any(a => a.HasErrors()))
        {
            return new BoundErrorExpression(c);
        }
        foreach (var (arg, syntax) in args.Zip(c.Arguments))
        {
            if (!arg.Type.IsNumber)
            {
                _diagnostics.Add(BindingDiagnostics.WrongType(_source, syntax.Span, $"Each value given to '{c.Function.ToLowerInvariant()}'", "a number", arg.Type.DisplayName));
                return new BoundErrorExpression(c);
            }
        }

        ValueType type;
        if (fn.Function == BuiltInFunction.Round)
        {
            type = args[0].Type;
            if (!args[1].Type.Dimension.IsNone || args[1].Level != EvaluationLevel.Constant)
            {
                _diagnostics.Add(BindingDiagnostics.WrongType(_source, c.Arguments[1].Span, "The number of decimal places", "a plain number written in the contract", args[1].Type.DisplayName));
                return new BoundErrorExpression(c);
            }
            // Checked here, once, so that no pass ever casts a bad count of places to an int.
            if (Evaluator.TryConstant(args[1]) is { Kind: ValueKind.Number } places)
            {
                if (places.Number != decimal.Truncate(places.Number))
                {
                    _diagnostics.Add(BindingDiagnostics.NotWholeNumber(_source, c.Arguments[1].Span, "The number of decimal places", Display.Format(places.Number, ValueType.Number),
                        "a count from 0 to 20", Display.Format(decimal.Floor(places.Number), ValueType.Number), Display.Format(decimal.Ceiling(places.Number), ValueType.Number)));
                    return new BoundErrorExpression(c);
                }
                if (places.Number is < 0 or > 20)
                {
                    _diagnostics.Add(BindingDiagnostics.OutOfRange(_source, c.Arguments[1].Span, "The number of decimal places", Display.Format(places.Number, ValueType.Number), "between 0 and 20"));
                    return new BoundErrorExpression(c);
                }
            }
        }
        else
        {
            type = args[0].Type;
            for (int k = 1; k < args.Count; k++)
            {
                type = Unify(type, args[k].Type, c, $"use in '{c.Function.ToLowerInvariant()}' both");
                if (type.IsError)
                {
                    return new BoundErrorExpression(c);
                }
            }
        }
        return new BoundCall(fn.Function, args.ToEquatableArray(), type, CombineLevels(c, args.ToArray()), c);
    }

    /// <summary>The common type of two values that must be in the same unit (branches of an if, arguments of min).</summary>
    private ValueType Unify(ValueType x, ValueType y, ExpressionSyntax at, string verb)
    {
        if (x.IsError || y.IsError)
        {
            return ValueType.Error;
        }
        if (x.IsNumber && y.IsNumber && Mismatched(x, y))
        {
            _diagnostics.Add(BindingDiagnostics.OperatorTypes(_source, at.Span, verb, x.DisplayName, y.DisplayName, MismatchHint(x, y)));
            return ValueType.Error;
        }
        if (x.IsNumber && y.IsNumber && x.Dimension == y.Dimension)
        {
            return x.Dimension.IsNone ? ValueType.OfDimension(Dimension.None, MergeFlavor(x.Flavor, y.Flavor)) : x;
        }
        if (!x.IsNumber && x.Kind == y.Kind)
        {
            return x;
        }
        _diagnostics.Add(BindingDiagnostics.OperatorTypes(_source, at.Span, verb, x.DisplayName, y.DisplayName, "Both must be in the same unit."));
        return ValueType.Error;
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
