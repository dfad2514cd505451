using System.Collections.Immutable;
using Vbc.Clauses;
using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Parsing;
using Vbc.Settlement;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>Pass 2: named values, bound in the order they depend on each other.</summary>
public sealed partial class Binder
{
    /// <summary>
    /// How deep a named value may reach, counting the expressions of the values it uses: every pass that works a
    /// value out (constant folding, the evaluator, the member-level kernels) recurses that deep. The same bound as
    /// for one expression at the nesting limit, which tests/Vbc.Tests/Language/NestingLimitTests.cs runs on a 1 MB stack.
    /// </summary>
    internal const int MaxValueDepth = NestingMeter.MaxDepth + NestingMeter.MaxOperators;

    /// <summary>How many operations a named value may stand for once the values it uses are written out in it
    /// (v2: v1 + v1 doubles v1); passes that inline values would otherwise hang on a few dozen lines.</summary>
    internal const long MaxValueSize = 100_000;

    private void BindValues()
    {
        var byName = _values.ToDictionary(v => v.Symbol.Name, v => v, StringComparer.OrdinalIgnoreCase);
        var state = new Dictionary<ValueSymbol, int>(); // 1 = in progress, 2 = done
        var reach = new Dictionary<ValueSymbol, (int Depth, long Size)>();

        // Depth first, with a stack of our own: a chain of thousands of values must not overflow the call stack.
        var path = new List<ValueSymbol>();
        var stack = new Stack<((ValueSymbol Symbol, EntrySyntax Entry) Value, IEnumerator<string> Names)>();
        foreach (var root in _values)
        {
            if (state.ContainsKey(root.Symbol))
            {
                continue;
            }
            state[root.Symbol] = 1;
            path.Add(root.Symbol);
            stack.Push((root, NamesIn(root.Entry).GetEnumerator()));
            while (stack.Count > 0)
            {
                var (value, names) = stack.Peek();
                if (names.MoveNext())
                {
                    if (!byName.TryGetValue(names.Current, out var dependency))
                    {
                        continue;
                    }
                    if (state.TryGetValue(dependency.Symbol, out var s))
                    {
                        if (s == 1)
                        {
                            var circle = path.SkipWhile(p => p != dependency.Symbol).Select(p => p.Name).Append(dependency.Symbol.Name);
                            _diagnostics.Add(BindingDiagnostics.Cycle(Source, dependency.Entry.Key.Span, string.Join(" -> ", circle)));
                        }
                        continue;
                    }
                    state[dependency.Symbol] = 1;
                    path.Add(dependency.Symbol);
                    stack.Push((dependency, NamesIn(dependency.Entry).GetEnumerator()));
                    continue;
                }
                stack.Pop();
                path.RemoveAt(path.Count - 1);
                state[value.Symbol] = 2;
                BindValue(value.Symbol, value.Entry, reach);
            }
        }
    }

    /// <summary>Binds one named value, once the values it uses are bound, and checks how far it reaches through them.</summary>
    private void BindValue(ValueSymbol symbol, EntrySyntax entry, Dictionary<ValueSymbol, (int Depth, long Size)> reach)
    {
        if (entry.Values.Count != 1 || entry.Values[0] is not ExpressionSyntax expression)
        {
            _diagnostics.Add(BindingDiagnostics.WrongShape(Source, entry.Span, symbol.Name, "one expression, for example 'growth_cap: 3%'"));
            symbol.SetExpression(new BoundErrorExpression(new MissingExpressionSyntax(entry.Span)));
            return;
        }
        var bound = BindExpression(expression);
        int depth = 0;
        long size = 0;
        foreach (var used in bound.Symbols())
        {
            size++;
            if (used is ValueSymbol v && reach.TryGetValue(v, out var r))
            {
                depth = Math.Max(depth, r.Depth);
                size = Math.Min(long.MaxValue / 4, size + r.Size);
            }
        }
        depth += Depth(expression);
        size += Depth(expression);
        if (depth > MaxValueDepth || size > MaxValueSize)
        {
            _diagnostics.Add(BindingDiagnostics.ValueTooDeep(Source, entry.Key.Span, symbol.Name, depth > MaxValueDepth ? $"more than {MaxValueDepth} levels deep" : $"more than {MaxValueSize:N0} operations"));
            symbol.SetExpression(new BoundErrorExpression(expression));
            reach[symbol] = (0, 0);
            return;
        }
        reach[symbol] = (depth, size);
        symbol.SetExpression(bound);
    }

    /// <summary>How deep an expression's tree is (bounded by the parser's nesting limit, so recursion is safe here).</summary>
    private static int Depth(SyntaxNode node) => node switch
    {
        UnarySyntax u => 1 + Depth(u.Operand),
        BinarySyntax b => 1 + Math.Max(Depth(b.Left), Depth(b.Right)),
        IfSyntax i => 1 + Math.Max(Depth(i.Condition), Math.Max(Depth(i.WhenTrue), Depth(i.WhenFalse))),
        CallSyntax c => 1 + (c.Arguments.Count == 0 ? 0 : c.Arguments.Max(Depth)),
        LesserGreaterSyntax lg => 1 + Math.Max(Depth(lg.Left), Depth(lg.Right)),
        ParenthesizedSyntax p => 1 + Depth(p.Inner),
        _ => 1,
    };

    private static IEnumerable<string> NamesIn(SyntaxNode node) => node switch
    {
        NameSyntax n => new[] { n.Name },
        EntrySyntax e => e.Values.SelectMany(NamesIn),
        PerYearSyntax p => NamesIn(p.Rate).Concat(NamesIn(p.From)),
        UnarySyntax u => NamesIn(u.Operand),
        BinarySyntax b => NamesIn(b.Left).Concat(NamesIn(b.Right)),
        IfSyntax i => NamesIn(i.Condition).Concat(NamesIn(i.WhenTrue)).Concat(NamesIn(i.WhenFalse)),
        CallSyntax c => c.Arguments.SelectMany(NamesIn),
        LesserGreaterSyntax lg => NamesIn(lg.Left).Concat(NamesIn(lg.Right)),
        ParenthesizedSyntax p => NamesIn(p.Inner),
        _ => Array.Empty<string>(),
    };

    internal BoundExpression BindExpression(ExpressionSyntax syntax, Scope? scope = null)
    {
        var bound = new ExpressionBinder(scope ?? _scope, Source, _diagnostics, _references).Bind(syntax);
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
}
