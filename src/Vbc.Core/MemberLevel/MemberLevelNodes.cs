using Vbc.Semantics;
using Vbc.Syntax;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.MemberLevel;

// The member-level IR: what one settlement run does over every row of its data, as immutable records compared by
// value. It holds no spans and no text written for people: those are beside it, in a MemberSourceMap, so two contract
// versions that need the same member-level work give equal programs. README.md beside this file says what each node
// means and the order in which the stage does things.

/// <summary>The member-level work of a run: one program per table, in the order the tables are read.</summary>
public sealed record MemberLevelIr(EquatableArray<MemberProgram> Tables);

/// <summary>
/// The work over one table: which rows are the population and why the others are left out (in order), each row's
/// cost, its truncation, the checks a population row must pass (in the order their problems are reported), and the
/// sums and group sums clauses read back. <see cref="Id"/> names rows in messages; <see cref="MemberMonths"/> is summed
/// over the population.
/// </summary>
public sealed record MemberProgram(
    string Table,
    bool IsPopulation,
    EquatableArray<IrJoin> Joins,
    EquatableArray<IrColumn> Reads,
    IrColumn? Id,
    IrColumn? MemberMonths,
    EquatableArray<PopulationStep> Population,
    CostBasis Cost,
    Truncation? Truncation,
    EquatableArray<RowCheck> RowChecks,
    EquatableArray<IrTotal> Totals,
    EquatableArray<IrGroup> Groups);

/// <summary>A join column of the table: <c>member_id: id of members</c>. Its ids must be ids of the table joined.</summary>
public sealed record IrJoin(IrColumn Column, string JoinsTo);

// ---- population ----------------------------------------------------------------------------------------------------

/// <summary>
/// One reason a row is left out of the population. Steps are tried in order; a row gets the first reason that holds,
/// and a row with a problem in a step's condition becomes a row problem instead (later steps are not tried).
/// </summary>
public abstract record PopulationStep;

/// <summary>Rows where the condition is not true are left out ("not included").</summary>
public sealed record IncludeWhen(IrExpression Condition) : PopulationStep;

/// <summary>Rows where the condition is true are left out ("excluded").</summary>
public sealed record ExcludeWhen(IrExpression Condition) : PopulationStep;

/// <summary>Rows whose member months are 0 or less are left out ("no member months"); always the last step.</summary>
public sealed record ExcludeWithoutMonths(IrColumn Months) : PopulationStep;

// ---- cost and truncation -------------------------------------------------------------------------------------------

/// <summary>
/// A member's cost: the sum of the categories less the carved-out parts. No categories: cost is not measured (every
/// member's cost is $0). Each carved-out part is also checked against its category (a <see cref="CarveOutCheck"/>).
/// </summary>
public sealed record CostBasis(EquatableArray<IrColumn> Categories, EquatableArray<IrColumn> CarvedOut);

/// <summary>Each member's cost is capped; the part above the cap is the truncated excess.</summary>
public abstract record Truncation;

/// <summary>The cap is a dollar amount known for the run.</summary>
public sealed record TruncateAtAmount(decimal Amount) : Truncation;

/// <summary>
/// The cap is the <see cref="Percent"/>th percentile of the population members' costs (after carve-outs), known once
/// every member is seen, by <see cref="Method"/>.
/// </summary>
public sealed record TruncateAtPercentile(decimal Percent, PercentileMethod Method) : Truncation;

public enum PercentileMethod
{
    /// <summary>
    /// Excel's PERCENTILE.INC: with the n costs sorted, the value at rank h = (n - 1) x p (0-based), interpolated
    /// linearly between the two closest ranks, exactly in decimal. No member: 0.
    /// </summary>
    Inclusive,
}

// ---- row checks and row problems -----------------------------------------------------------------------------------

/// <summary>
/// A row problem: its kind (the one list of row problems, with the operators' definitions) and its number in the
/// program (the source map says where it is and what to say).
/// </summary>
public sealed record RowProblem(Operators.RowProblem Kind, int Number);

/// <summary>
/// A check each row of the population must pass, in order; the first problem found is the row's. A row with a problem
/// is reported (or left out with --exclude-bad-rows) and counts in no sum.
/// </summary>
public abstract record RowCheck;

/// <summary>The expression must compute on the row: its first problem (operands before the operator) is the row's.</summary>
public sealed record Computes(IrExpression Expression) : RowCheck;

/// <summary>
/// Each part lies between $0 and the category's amount (between the amount and $0 when it is negative), and so does
/// the running sum of the parts, in order.
/// </summary>
public sealed record CarveOutCheck(IrColumn Category, EquatableArray<CarveOutPart> Parts) : RowCheck;

public sealed record CarveOutPart(IrColumn Part, RowProblem Problem);

/// <summary>The value computes (its own problems first) and is above 0.</summary>
public sealed record AboveZero(IrExpression Value, RowProblem Problem) : RowCheck;

// ---- sums ----------------------------------------------------------------------------------------------------------

/// <summary>
/// A sum over the population's rows that a clause reads back by its key: of the expression, or (with
/// <see cref="ExcessOver"/>) of max(0, value - ExcessOver), as in specific stop-loss. Sums are exact decimals.
/// </summary>
public sealed record IrTotal(string Clause, string Key, IrExpression PerMember, decimal? ExcessOver);

/// <summary>
/// Per distinct value of <see cref="By"/> (as text): the count of population rows and the sum of <see cref="Sum"/>, or
/// of each member's counted cost (after carve-outs and truncation) when Sum is null.
/// </summary>
public sealed record IrGroup(string Clause, string Key, IrExpression By, IrExpression? Sum);

// ---- per-row expressions -------------------------------------------------------------------------------------------

/// <summary>A per-row expression. Named values are inlined; whatever does not depend on the row is a literal.</summary>
public abstract record IrExpression(ValueType Type);

/// <summary>A value known for the run: a constant, an input, the performance year, a value folded from them.</summary>
public sealed record IrLiteral(Value Value, ValueType Type) : IrExpression(Type);

/// <summary>A column of the table, read as it is declared.</summary>
public sealed record IrColumn(string Name, ValueType Type) : IrExpression(Type);

public sealed record IrUnary(UnaryOperator Operator, IrExpression Operand, ValueType Type) : IrExpression(Type);

/// <summary>
/// An operator on two operands. Arithmetic carries its problems: <see cref="Overflow"/> for every arithmetic operator
/// and <see cref="DivisionByZero"/> for a division (whose value on such a row is 0 and unused). 'and' and 'or'
/// short-circuit: a problem on the right counts only on rows where the right decides.
/// </summary>
public sealed record IrBinary(BinaryOperator Operator, IrExpression Left, IrExpression Right, ValueType Type,
    RowProblem? DivisionByZero, RowProblem? Overflow) : IrExpression(Type);

/// <summary>A conditional: a problem of the branch not taken does not count.</summary>
public sealed record IrIf(IrExpression Condition, IrExpression WhenTrue, IrExpression WhenFalse, ValueType Type) : IrExpression(Type);

/// <summary>A built-in function; <see cref="BoundsReversed"/> is clamp's problem (low above high).</summary>
public sealed record IrCall(BuiltInFunction Function, EquatableArray<IrExpression> Arguments, ValueType Type, RowProblem? BoundsReversed)
    : IrExpression(Type);

/// <summary>
/// A lookup in a table whose rows are computed for the run: the first row whose key holds the row's key gives the
/// result (interpolated across a range of results). No row: <see cref="NoRow"/>.
/// </summary>
public sealed record IrLookup(IrExpression Key, EquatableArray<IrTableRow> Rows, ValueType Type, RowProblem NoRow) : IrExpression(Type);

/// <summary>
/// A row of a lookup table: a key value, or a key range (bounds inclusive unless said); a result, or results at the
/// range's low and high keys to interpolate between.
/// </summary>
public sealed record IrTableRow(Value? Key, decimal? Low, bool LowInclusive, decimal? High, bool HighInclusive,
    Value? Result, decimal? ResultAtLow, decimal? ResultAtHigh);
