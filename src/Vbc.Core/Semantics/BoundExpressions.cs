using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Semantics;

/// <summary>
/// When a value becomes known, which decides where an expression may be used:
/// a per-member expression (a population condition) is evaluated for every row of the data; a total (a sharing
/// rate) once per settlement. The order matters: Constant &lt; Run &lt; Total. Member is apart: it can use constants
/// and run values (inputs), but not totals, which exist only after all members are seen.
/// </summary>
public enum EvaluationLevel
{
    /// <summary>Known from the text alone.</summary>
    Constant,
    /// <summary>Known when the run starts: inputs, the performance year.</summary>
    Run,
    /// <summary>Known after the member-level stage: totals, rates, the benchmark, what clauses compute.</summary>
    Total,
    /// <summary>Different for each member (row) of the data.</summary>
    Member,
}

/// <summary>A name a contract can refer to.</summary>
public abstract class Symbol
{
    protected Symbol(string name, ValueType type, TextSpan declaration)
    {
        Name = name;
        Type = type;
        Declaration = declaration;
    }

    public string Name { get; }

    public ValueType Type { get; protected set; }

    /// <summary>Where the name is declared; empty for names the language itself provides.</summary>
    public TextSpan Declaration { get; }

    public abstract EvaluationLevel Level { get; }

    /// <summary>What the name is, for messages: "column", "input", "value".</summary>
    public abstract string Role { get; }
}

/// <summary>A column of the member-level data, declared in the <c>data</c> block.</summary>
public sealed class ColumnSymbol : Symbol
{
    public ColumnSymbol(string name, ValueType type, string declaredType, TextSpan declaration) : base(name, type, declaration)
    {
        DeclaredType = declaredType;
    }

    /// <summary>The word the contract used: id, money, member_months, ...</summary>
    public string DeclaredType { get; }

    /// <summary>The table's own key. A join column (<c>member_id: id of members</c>) holds another table's ids and is not.</summary>
    public bool IsId => JoinsTo is null && DeclaredType.Equals("id", StringComparison.OrdinalIgnoreCase);

    /// <summary>The table (<c>data episodes { ... }</c>) the column belongs to; "data" for an unnamed block.</summary>
    public string Table { get; internal set; } = DataTable.DefaultName;

    /// <summary>For a join column, the table whose ids it holds.</summary>
    public string? JoinsTo { get; internal set; }

    public override EvaluationLevel Level => EvaluationLevel.Member;

    public override string Role => "column";
}

/// <summary>A value supplied when the contract is settled (<c>--input name=value</c>), declared in <c>inputs</c>.</summary>
public sealed class InputSymbol : Symbol
{
    public InputSymbol(string name, ValueType type, string declaredType, TextSpan declaration) : base(name, type, declaration)
    {
        DeclaredType = declaredType;
    }

    public string DeclaredType { get; }

    public override EvaluationLevel Level => EvaluationLevel.Run;

    public override string Role => "input";
}

/// <summary>A named value from a <c>values</c> block; its expression is bound after all names are known.</summary>
public sealed class ValueSymbol : Symbol
{
    public ValueSymbol(string name, TextSpan declaration) : base(name, ValueType.Error, declaration)
    {
    }

    public BoundExpression? Expression { get; private set; }

    public override EvaluationLevel Level => Expression?.Level ?? EvaluationLevel.Constant;

    public override string Role => "value";

    internal void SetExpression(BoundExpression expression)
    {
        Expression = expression;
        Type = expression.Type;
    }
}

/// <summary>A value a clause computes during settlement (<c>benchmark</c>, <c>savings_rate</c>, a measure's score).</summary>
public sealed class OutputSymbol : Symbol
{
    public OutputSymbol(string name, ValueType type, string description, BoundClause producer, EvaluationLevel level = EvaluationLevel.Total)
        : base(name, type, producer.Syntax.Header.Span)
    {
        Description = description;
        Producer = producer;
        Level = level;
    }

    public string Description { get; }

    public BoundClause Producer { get; }

    public override EvaluationLevel Level { get; }

    public override string Role => $"value computed by '{Producer.Title}'";
}

/// <summary>A name the language provides in every contract, such as <c>performance_year</c>.</summary>
public sealed class BuiltInSymbol : Symbol
{
    public BuiltInSymbol(string name, ValueType type, string description) : base(name, type, default)
    {
        Description = description;
    }

    public string Description { get; }

    public override EvaluationLevel Level => EvaluationLevel.Run;

    public override string Role => "built-in value";

    /// <summary>
    /// <c>gain</c>: whether the amount a clause has worked out so far is a gain to the provider (above $0). It is
    /// known only inside the settings that apply to that amount (<see cref="Clauses.ParameterSpec.SeesOwnAmount"/>,
    /// a bundle's quality adjustment), so an asymmetric term can be written in one setting:
    /// <c>if gain then 10% * (100% - q) else 10% * q</c>.
    /// </summary>
    public static readonly BuiltInSymbol Gain = new(GainName, ValueType.Flag,
        "Whether the clause's own amount, before this setting applies to it, is a gain to the provider (above $0); 'not gain' is a repayment (or $0).");

    public const string GainName = "gain";
}

// ---- bound expressions ---------------------------------------------------------------------------------------------

/// <summary>An expression whose names are resolved and whose type and level are known.</summary>
public abstract record BoundExpression(ValueType Type, EvaluationLevel Level, ExpressionSyntax Syntax)
{
    public TextSpan Span => Syntax.Span;
}

public sealed record BoundLiteral(Value Value, ValueType Type, ExpressionSyntax Syntax)
    : BoundExpression(Type, EvaluationLevel.Constant, Syntax);

public sealed record BoundName(Symbol Symbol, ExpressionSyntax Syntax)
    : BoundExpression(Symbol.Type, Symbol.Level, Syntax);

public sealed record BoundUnary(UnaryOperator Operator, BoundExpression Operand, ValueType Type, ExpressionSyntax Syntax)
    : BoundExpression(Type, Operand.Level, Syntax);

public sealed record BoundBinary(BinaryOperator Operator, BoundExpression Left, BoundExpression Right, ValueType Type, EvaluationLevel Level, ExpressionSyntax Syntax)
    : BoundExpression(Type, Level, Syntax);

public sealed record BoundIf(BoundExpression Condition, BoundExpression WhenTrue, BoundExpression WhenFalse, ValueType Type, EvaluationLevel Level, ExpressionSyntax Syntax)
    : BoundExpression(Type, Level, Syntax);

public enum BuiltInFunction
{
    Min,
    Max,
    Clamp,
    Abs,
    Round,
    Floor,
    Ceiling,
}

public sealed record BoundCall(BuiltInFunction Function, EquatableArray<BoundExpression> Arguments, ValueType Type, EvaluationLevel Level, ExpressionSyntax Syntax)
    : BoundExpression(Type, Level, Syntax);

/// <summary>An expression that could not be bound; its diagnostic is already reported.</summary>
public sealed record BoundErrorExpression(ExpressionSyntax Syntax)
    : BoundExpression(ValueType.Error, EvaluationLevel.Constant, Syntax);

public static class BoundExpressionExtensions
{
    /// <summary>Every symbol the expression refers to, in order of appearance.</summary>
    public static IEnumerable<Symbol> Symbols(this BoundExpression expression)
    {
        switch (expression)
        {
            case BoundName n:
                yield return n.Symbol;
                break;
            case BoundUnary u:
                foreach (var s in u.Operand.Symbols())
                {
                    yield return s;
                }
                break;
            case BoundBinary b:
                foreach (var s in b.Left.Symbols().Concat(b.Right.Symbols()))
                {
                    yield return s;
                }
                break;
            case BoundIf i:
                foreach (var s in i.Condition.Symbols().Concat(i.WhenTrue.Symbols()).Concat(i.WhenFalse.Symbols()))
                {
                    yield return s;
                }
                break;
            case BoundCall c:
                foreach (var s in c.Arguments.SelectMany(a => a.Symbols()))
                {
                    yield return s;
                }
                break;
            case BoundTableLookup t:
                foreach (var s in t.Key.Symbols())
                {
                    yield return s;
                }
                foreach (var row in t.Table.Rows)
                {
                    var parts = new[] { row.KeyValue, row.KeyRange?.Low, row.KeyRange?.High, row.Result, row.ResultRange?.Low, row.ResultRange?.High };
                    foreach (var s in parts.OfType<BoundExpression>().SelectMany(p => p.Symbols()))
                    {
                        yield return s;
                    }
                }
                break;
        }
    }

    public static bool HasErrors(this BoundExpression expression) => expression.Type.IsError;
}
