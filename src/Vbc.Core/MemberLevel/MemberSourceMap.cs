using Vbc.Semantics;
using Vbc.Text;

namespace Vbc.MemberLevel;

/// <summary>
/// What a <see cref="MemberProgram"/> leaves out on purpose, so that it compares by the work alone: where each part is
/// written and the words people read about it. Indexes match the program's lists; problems are by number - 1.
/// </summary>
public sealed class MemberSourceMap
{
    public required SourceText Source { get; init; }

    /// <summary>Per row problem (number - 1): where it is in the contract and what it says.</summary>
    public required IReadOnlyList<ProblemSource> Problems { get; init; }

    /// <summary>Per population step: the reason the statement shows and where the condition is written.</summary>
    public required IReadOnlyList<StepSource> Steps { get; init; }

    /// <summary>Per total: the clause that reads it back and what it is, for messages.</summary>
    public required IReadOnlyList<SumSource> Totals { get; init; }

    /// <summary>Per group sum: the clause that reads it back and what it is.</summary>
    public required IReadOnlyList<SumSource> Groups { get; init; }

    public ProblemSource Problem(RowProblem problem) => Problems[problem.Number - 1];
}

/// <summary>A row problem's place in the contract and its message; <see cref="Subject"/> names a required-positive value.</summary>
public sealed record ProblemSource(TextSpan Span, string Message, string? Subject = null);

public sealed record StepSource(string Reason, string Where);

public sealed record SumSource(BoundClause Owner, string Description);

/// <summary>One table's program and its source map.</summary>
public sealed record LoweredTable(MemberProgram Program, MemberSourceMap Map);
