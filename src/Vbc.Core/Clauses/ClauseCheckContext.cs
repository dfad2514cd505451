using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Semantics;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.Clauses;

/// <summary>What a clause kind's own checks may use: the source, the diagnostics, constant values.</summary>
public sealed class ClauseCheckContext
{
    private readonly DiagnosticBag _diagnostics;

    internal ClauseCheckContext(SourceText source, DiagnosticBag diagnostics, IReadOnlyList<ColumnSymbol> columns, IReadOnlyList<BoundClause> clauses)
    {
        Source = source;
        _diagnostics = diagnostics;
        Columns = columns;
        Clauses = clauses;
    }

    /// <summary>Every clause of the contract, nested ones included, for checks that look at more than one clause.</summary>
    public IReadOnlyList<BoundClause> Clauses { get; }

    /// <summary>
    /// Whether member months are known: from a member_months column, or, when settling from totals, from a clause
    /// that declares the value <see cref="WellKnownValues.TotalMemberMonths"/> (the cost clause's 'member months').
    /// </summary>
    public bool HasMemberMonths => _hasMemberMonths ??= MonthsColumn is not null
        || Clauses.Any(c => c.Outputs.Any(o => o.Name == WellKnownValues.TotalMemberMonths && o.Type == Semantics.ValueType.MemberMonths));

    // Worked out once: every bonus PMPM asks, and a search per clause would make checking quadratic.
    private bool? _hasMemberMonths;

    public SourceText Source { get; }

    /// <summary>The member-level data's columns (empty when the contract settles from totals).</summary>
    public IReadOnlyList<ColumnSymbol> Columns { get; }

    public ColumnSymbol? MonthsColumn => Columns.FirstOrDefault(c => c.Type == Semantics.ValueType.MemberMonths);

    public void Report(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    /// <summary>
    /// Binds an expression a clause kind made itself (a plug-in's per-member expression) in the contract's names and
    /// the extra symbols given, reporting into the bag given; set by the binder.
    /// </summary>
    internal Func<ExpressionSyntax, IReadOnlyList<Symbol>, DiagnosticBag, BoundExpression>? BindInContract { get; init; }

    /// <summary>Whether the contract already uses a name (a column, an input, a value...).</summary>
    internal Func<string, bool>? IsContractName { get; init; }

    /// <summary>The value of an expression that depends on the text alone; null if it depends on inputs or data.</summary>
    public static decimal? Constant(BoundExpression? expression) =>
        expression is not null && Evaluator.TryConstant(expression) is { Kind: ValueKind.Number } v ? v.Number : null;

    public int LineOf(TextSpan span) => Source.GetPosition(span.Start).Line;
}
