using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Semantics;
using Vbc.Text;

namespace Vbc.Clauses;

/// <summary>What a clause kind's own checks may use: the source, the diagnostics, constant values.</summary>
public sealed class ClauseCheckContext
{
    private readonly DiagnosticBag _diagnostics;

    internal ClauseCheckContext(SourceText source, DiagnosticBag diagnostics, IReadOnlyList<ColumnSymbol> columns)
    {
        Source = source;
        _diagnostics = diagnostics;
        Columns = columns;
    }

    public SourceText Source { get; }

    /// <summary>The member-level data's columns (empty when the contract settles from totals).</summary>
    public IReadOnlyList<ColumnSymbol> Columns { get; }

    public ColumnSymbol? MonthsColumn => Columns.FirstOrDefault(c => c.Type == Semantics.ValueType.MemberMonths);

    public void Report(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    /// <summary>The value of an expression that depends on the text alone; null if it depends on inputs or data.</summary>
    public static decimal? Constant(BoundExpression? expression) =>
        expression is not null && Evaluator.TryConstant(expression) is { Kind: ValueKind.Number } v ? v.Number : null;

    public int LineOf(TextSpan span) => Source.GetPosition(span.Start).Line;
}
