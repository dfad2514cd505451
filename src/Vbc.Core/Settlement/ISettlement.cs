using Vbc.Diagnostics;
using Vbc.Semantics;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Settlement;

/// <summary>
/// What a clause sees while it settles: values of expressions, totals from the member-level stage, values other
/// clauses computed, and the statement it writes its lines to. Clauses run in the order of their dependencies.
/// </summary>
public interface ISettlement
{
    BoundContract Contract { get; }

    int PerformanceYear { get; }

    /// <summary>The member-level stage's summary, or null when the contract settles from totals given as inputs.</summary>
    PopulationSummary? Population { get; }

    Value Evaluate(BoundExpression expression);

    /// <summary>
    /// The amount the clause has worked out before a setting that applies to it (<see cref="Clauses.ParameterSpec.SeesOwnAmount"/>):
    /// from here until the next clause, the built-in <c>gain</c> is whether it is above $0.
    /// </summary>
    void OwnAmount(decimal amount);

    /// <summary>The expression written with the values of its names: <c>75% x quality_score (92.30%)</c>.</summary>
    string Explain(BoundExpression expression);

    /// <summary>A total the clause asked of the member-level stage under this key.</summary>
    decimal Total(BoundClause owner, string key);

    /// <summary>Per-group totals the clause asked for under this key, ordered by group.</summary>
    IReadOnlyList<(string Group, decimal Sum, long Count)> Groups(BoundClause owner, string key);

    Value Output(string name);

    bool TryOutput(string name, out Value value);

    void SetOutput(string name, Value value);

    /// <summary>A step of the arithmetic, shown exactly (rounded only for display).</summary>
    void Step(BoundClause clause, string id, string label, decimal value, ValueType unit, string formula);

    /// <summary>A line that says something without a number (a test passed or failed, a choice applied).</summary>
    void Note(BoundClause clause, string id, string label, string text);

    /// <summary>
    /// A payment line of the final settlement, signed (payer to provider positive). It is rounded to cents, half away
    /// from zero, and the settlement total is the sum of the rounded lines.
    /// </summary>
    void Component(BoundClause clause, string id, string label, decimal exactAmount, string formula);

    /// <summary>A problem found while settling (an input out of range): the settlement fails with this diagnostic.</summary>
    void Report(Diagnostic diagnostic);
}
