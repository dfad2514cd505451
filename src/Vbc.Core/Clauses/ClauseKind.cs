using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;

namespace Vbc.Clauses;

/// <summary>Defaults for <see cref="IClauseKind"/>, so that a kind states only what is particular to it.</summary>
public abstract class ClauseKind : IClauseKind
{
    public abstract string Keyword { get; }

    public abstract string Summary { get; }

    public virtual ClauseNaming Naming => ClauseNaming.None;

    public virtual bool Repeatable => false;

    public virtual bool TopLevel => true;

    public virtual bool AllowedInLevel => true;

    public virtual ClauseCapabilities Capabilities => ClauseCapabilities.None;

    public abstract IReadOnlyList<ParameterSpec> Parameters { get; }

    public virtual IReadOnlyList<string> ChildKinds => Array.Empty<string>();

    public virtual IReadOnlyList<string> Requires => Array.Empty<string>();

    public virtual IEnumerable<OutputSpec> DeclareOutputs(BlockSyntax block, string? name) => Array.Empty<OutputSpec>();

    public virtual IEnumerable<string> ReadsImplicitly(BoundClause clause) => Array.Empty<string>();

    public virtual void Check(BoundClause clause, ClauseCheckContext context)
    {
    }

    public virtual void PlanMembers(BoundClause clause, IMemberPlan plan)
    {
    }

    public virtual void Settle(BoundClause clause, ISettlement settlement)
    {
    }

    /// <summary>Whether the block's syntax has an entry with this key (for outputs that depend on settings).</summary>
    protected static bool HasKey(BlockSyntax block, string key) =>
        block.Items.OfType<EntrySyntax>().Any(e => e.Key.Text == key);

    public override string ToString() => Keyword;
}
