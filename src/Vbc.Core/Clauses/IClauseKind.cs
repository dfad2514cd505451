using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;

namespace Vbc.Clauses;

/// <summary>How a block of this kind is named after its keyword.</summary>
public enum ClauseNaming
{
    /// <summary>No name: <c>benchmark { ... }</c>. A label in quotes is still allowed, for statements.</summary>
    None,
    /// <summary>A name is required and becomes a value others can use: <c>measure diabetes_control { ... }</c>.</summary>
    Name,
}

/// <summary>
/// A kind of clause: <c>shared savings</c>, <c>corridor</c>, <c>capitation</c>, ... Built-in kinds and kinds
/// written as C# scripts implement this same interface. A kind owns everything about its clause: the settings it
/// accepts (checked by the binder, listed in docs and editor completion), the names it defines, the checks
/// beyond types, the per-member work it needs, and its arithmetic with the statement lines that explain it.
/// </summary>
public interface IClauseKind
{
    /// <summary>The words that open the block, lower case: "shared savings".</summary>
    string Keyword { get; }

    /// <summary>One sentence for contract managers: what the clause does.</summary>
    string Summary { get; }

    ClauseNaming Naming { get; }

    /// <summary>Whether a contract (or one level) may hold several clauses of this kind (bonuses, corridors).</summary>
    bool Repeatable { get; }

    /// <summary>Whether the clause may stand at the top of a contract; otherwise only inside its parent kinds.</summary>
    bool TopLevel { get; }

    /// <summary>Whether the clause may stand inside a <c>level</c> block (it then applies in that level's years only).</summary>
    bool AllowedInLevel { get; }

    /// <summary>What the kind is to the rest of vbc (the contract's block, a level, a set-up clause): never its keyword or type.</summary>
    ClauseCapabilities Capabilities { get; }

    IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>Keywords of the kinds that may be nested inside this one.</summary>
    IReadOnlyList<string> ChildKinds { get; }

    /// <summary>Keywords of other clauses this one cannot work without (shared savings needs a benchmark).</summary>
    IReadOnlyList<string> Requires { get; }

    /// <summary>
    /// The names this clause defines, known before anything is bound so that any clause may use them.
    /// <paramref name="block"/> is the clause's syntax, for outputs that depend on which settings are present.
    /// </summary>
    IEnumerable<OutputSpec> DeclareOutputs(BlockSyntax block, string? name);

    /// <summary>Names of values this clause reads without naming them in its settings (for the order of settlement).</summary>
    IEnumerable<string> ReadsImplicitly(BoundClause clause);

    /// <summary>Checks beyond types and ranges: corridor bands without gaps or overlaps, and the like.</summary>
    void Check(BoundClause clause, ClauseCheckContext context);

    /// <summary>Asks the member-level stage for what the clause needs from each row (filters, sums).</summary>
    void PlanMembers(BoundClause clause, IMemberPlan plan);

    /// <summary>Computes the clause's values and statement lines from totals, inputs and other clauses' values.</summary>
    void Settle(BoundClause clause, ISettlement settlement);
}
