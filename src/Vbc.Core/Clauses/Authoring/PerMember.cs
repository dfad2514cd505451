using System.Globalization;
using Vbc.Formatting;
using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Clauses.Authoring;

/// <summary>
/// An expression worked out for each member (each row of the data), declared by a plug-in and computed by the
/// member-level stage, never by plug-in code: <c>PerMember.Max(PerMember.Of(_cost) - PerMember.Of(_attachment), PerMember.Money(0))</c>.
/// vbc turns it into the contract language's own expression and binds it in the contract, so a column the contract
/// does not declare is an error with "did you mean", units are checked as in any formula, and every backend (the
/// in-memory stage, <c>vbc sql</c>) runs it as it runs a built-in clause's sums.
/// </summary>
public abstract class PerMember
{
    private protected PerMember()
    {
    }

    /// <summary>A column of the contract's data, by its name in the <c>data</c> block: <c>PerMember.Column("inpatient")</c>.</summary>
    public static PerMember Column(string name) => new ColumnNode(name ?? "");

    /// <summary>
    /// A setting of the clause: a per-member one (<see cref="MemberSetting"/>, its value on the row) or a number or condition
    /// known once per run (an amount, an input). A setting that depends on totals (<c>benchmark</c>) cannot be used per member.
    /// </summary>
    public static PerMember Of(SettingDeclaration setting) => new SettingNode(setting ?? throw new ArgumentNullException(nameof(setting)));

    /// <summary>An amount of money: <c>PerMember.Money(0m)</c> is $0.00.</summary>
    public static PerMember Money(decimal value) => new LiteralNode(value, Unit.Money);

    /// <summary>A percent given as a fraction: <c>PerMember.Percent(0.5m)</c> is 50%.</summary>
    public static PerMember Percent(decimal value) => new LiteralNode(value, Unit.Percent);

    /// <summary>A plain number (a count, a ratio).</summary>
    public static PerMember Number(decimal value) => new LiteralNode(value, Unit.Number);

    /// <summary>The larger of two values of the same unit.</summary>
    public static PerMember Max(PerMember a, PerMember b) => new CallNode("max", a, b);

    /// <summary>The smaller of two values of the same unit.</summary>
    public static PerMember Min(PerMember a, PerMember b) => new CallNode("min", a, b);

    /// <summary>
    /// A function of the contract language, by its name there, with its arguments: <c>PerMember.Call("clamp", cost, PerMember.Money(0m), cap)</c>,
    /// <c>PerMember.Call("round", PerMember.Of(_cost) * PerMember.Percent(0.9m), PerMember.Number(2m))</c>. Every function of the
    /// language is offered (min, max, clamp, abs, round, floor, ceiling: docs/language.md, "Functions"), with the
    /// language's own meaning, unit rules and row problems. A name the language does not have, or a wrong number of
    /// arguments, is a declaration problem (VBC7009) at the script line that declares the sum.
    /// </summary>
    public static PerMember Call(string function, params PerMember[] arguments) =>
        new CallNode(function ?? "", arguments ?? throw new ArgumentNullException(nameof(arguments)));

    /// <summary><c>if condition then whenTrue else whenFalse</c>, per member.</summary>
    public static PerMember If(PerMember condition, PerMember whenTrue, PerMember whenFalse) => new IfNode(condition, whenTrue, whenFalse);

    /// <summary>Whether two values are equal (a text column and a text: <c>PerMember.Column("region").EqualTo(PerMember.Text("north"))</c>).</summary>
    public PerMember EqualTo(PerMember other) => new BinaryNode(BinaryOperator.Equal, this, other);

    public PerMember NotEqualTo(PerMember other) => new BinaryNode(BinaryOperator.NotEqual, this, other);

    /// <summary>Text, to compare a text column with.</summary>
    public static PerMember Text(string value) => new TextNode(value ?? "");

    public static PerMember operator +(PerMember a, PerMember b) => new BinaryNode(BinaryOperator.Add, a, b);

    public static PerMember operator -(PerMember a, PerMember b) => new BinaryNode(BinaryOperator.Subtract, a, b);

    public static PerMember operator *(PerMember a, PerMember b) => new BinaryNode(BinaryOperator.Multiply, a, b);

    public static PerMember operator /(PerMember a, PerMember b) => new BinaryNode(BinaryOperator.Divide, a, b);

    public static PerMember operator -(PerMember a) => new NotOrNegateNode(UnaryOperator.Negate, a);

    public static PerMember operator >(PerMember a, PerMember b) => new BinaryNode(BinaryOperator.Greater, a, b);

    public static PerMember operator >=(PerMember a, PerMember b) => new BinaryNode(BinaryOperator.GreaterOrEqual, a, b);

    public static PerMember operator <(PerMember a, PerMember b) => new BinaryNode(BinaryOperator.Less, a, b);

    public static PerMember operator <=(PerMember a, PerMember b) => new BinaryNode(BinaryOperator.LessOrEqual, a, b);

    /// <summary>Both conditions hold.</summary>
    public static PerMember operator &(PerMember a, PerMember b) => new BinaryNode(BinaryOperator.And, a, b);

    /// <summary>Either condition holds.</summary>
    public static PerMember operator |(PerMember a, PerMember b) => new BinaryNode(BinaryOperator.Or, a, b);

    /// <summary>The condition does not hold.</summary>
    public static PerMember operator !(PerMember a) => new NotOrNegateNode(UnaryOperator.Not, a);

    /// <summary>The expression in the contract's words, settings named by their keys: <c>max(cost - attachment, $0.00)</c>.</summary>
    public sealed override string ToString() => SyntaxPrinter.Expression(ToSyntax(s => s.Key, default));

    /// <summary>The settings the expression reads.</summary>
    internal IEnumerable<SettingDeclaration> Settings() => this switch
    {
        SettingNode s => new[] { s.Setting },
        BinaryNode b => b.Left.Settings().Concat(b.Right.Settings()),
        NotOrNegateNode u => u.Operand.Settings(),
        CallNode c => c.Arguments.SelectMany(a => a.Settings()),
        IfNode i => i.Condition.Settings().Concat(i.WhenTrue.Settings()).Concat(i.WhenFalse.Settings()),
        _ => Enumerable.Empty<SettingDeclaration>(),
    };

    /// <summary>
    /// What is wrong with the expression as declared, whatever the contract: a function the language does not have, or
    /// one given a number of arguments its definition (Operators/Definitions) does not take.
    /// </summary>
    internal IEnumerable<string> Problems() => this switch
    {
        CallNode c => CallProblem(c).Concat(c.Arguments.SelectMany(a => a.Problems())),
        BinaryNode b => b.Left.Problems().Concat(b.Right.Problems()),
        NotOrNegateNode u => u.Operand.Problems(),
        IfNode i => i.Condition.Problems().Concat(i.WhenTrue.Problems()).Concat(i.WhenFalse.Problems()),
        _ => Enumerable.Empty<string>(),
    };

    private static IEnumerable<string> CallProblem(CallNode call)
    {
        if (!Operators.Definitions.TryFunction(call.Function, out var definition))
        {
            string known = string.Join(", ", Operators.Definitions.Functions.Select(f => f.Name));
            yield return $"PerMember.Call names the function '{call.Function}', which the contract language does not have (it has {known}).";
        }
        else if (call.Arguments.Count < definition.MinArguments || call.Arguments.Count > definition.MaxArguments)
        {
            yield return $"PerMember.Call gives '{definition.Name}' {call.Arguments.Count} argument{(call.Arguments.Count == 1 ? "" : "s")}, but it takes {definition.Arity} ({definition.Name}({definition.Parameters})).";
        }
    }

    /// <summary>
    /// The expression as the contract language's syntax, every part at <paramref name="at"/> (the clause, where its
    /// problems are reported). A setting is a name (<paramref name="nameOf"/>) that the binder resolves to its value.
    /// </summary>
    internal ExpressionSyntax ToSyntax(Func<SettingDeclaration, string> nameOf, TextSpan at) => this switch
    {
        ColumnNode c => new NameSyntax(c.Name, at),
        SettingNode s => new NameSyntax(nameOf(s.Setting), at),
        LiteralNode l => new NumberLiteralSyntax(l.Value, l.Unit switch
        {
            Unit.Money => LiteralUnit.Money,
            Unit.Percent => LiteralUnit.Percent,
            _ => LiteralUnit.None,
        }, Units.Show(l.Value, l.Unit), at),
        TextNode t => new StringLiteralSyntax(t.Value, at),
        BinaryNode b => new BinarySyntax(b.Operator, Grouped(b.Left, nameOf, at), Grouped(b.Right, nameOf, at), at),
        NotOrNegateNode u => new UnarySyntax(u.Operator, Grouped(u.Operand, nameOf, at), at),
        CallNode c => new CallSyntax(c.Function, at, c.Arguments.Select(a => a.ToSyntax(nameOf, at)).ToEquatableArray(), at),
        IfNode i => new ParenthesizedSyntax(new IfSyntax(i.Condition.ToSyntax(nameOf, at), i.WhenTrue.ToSyntax(nameOf, at), i.WhenFalse.ToSyntax(nameOf, at), at), at),
        _ => throw new InvalidOperationException("Unknown per-member expression."),
    };

    // The C# tree already fixes the grouping: parentheses keep it when the expression is printed.
    private static ExpressionSyntax Grouped(PerMember part, Func<SettingDeclaration, string> nameOf, TextSpan at)
    {
        var syntax = part.ToSyntax(nameOf, at);
        return part is BinaryNode ? new ParenthesizedSyntax(syntax, at) : syntax;
    }

    private sealed class ColumnNode(string name) : PerMember
    {
        public string Name { get; } = name;
    }

    private sealed class SettingNode(SettingDeclaration setting) : PerMember
    {
        public SettingDeclaration Setting { get; } = setting;
    }

    private sealed class LiteralNode(decimal value, Unit unit) : PerMember
    {
        public decimal Value { get; } = value;

        public Unit Unit { get; } = unit;
    }

    private sealed class TextNode(string value) : PerMember
    {
        public string Value { get; } = value;
    }

    private sealed class BinaryNode(BinaryOperator op, PerMember left, PerMember right) : PerMember
    {
        public BinaryOperator Operator { get; } = op;

        public PerMember Left { get; } = left ?? throw new ArgumentNullException(nameof(left));

        public PerMember Right { get; } = right ?? throw new ArgumentNullException(nameof(right));
    }

    private sealed class NotOrNegateNode(UnaryOperator op, PerMember operand) : PerMember
    {
        public UnaryOperator Operator { get; } = op;

        public PerMember Operand { get; } = operand ?? throw new ArgumentNullException(nameof(operand));
    }

    private sealed class CallNode(string function, params PerMember[] arguments) : PerMember
    {
        public string Function { get; } = function;

        public IReadOnlyList<PerMember> Arguments { get; } = arguments.Select(a => a ?? throw new ArgumentNullException(nameof(arguments))).ToArray();
    }

    private sealed class IfNode(PerMember condition, PerMember whenTrue, PerMember whenFalse) : PerMember
    {
        public PerMember Condition { get; } = condition ?? throw new ArgumentNullException(nameof(condition));

        public PerMember WhenTrue { get; } = whenTrue ?? throw new ArgumentNullException(nameof(whenTrue));

        public PerMember WhenFalse { get; } = whenFalse ?? throw new ArgumentNullException(nameof(whenFalse));
    }
}
