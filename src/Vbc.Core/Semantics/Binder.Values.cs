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
        var bound = new ExpressionBinder(_scope, Source, _diagnostics, _references).Bind(syntax);
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
