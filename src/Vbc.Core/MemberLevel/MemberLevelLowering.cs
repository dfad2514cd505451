using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;
using Vbc.Text;

namespace Vbc.MemberLevel;

/// <summary>
/// Lowers what the clauses asked of the member-level stage (a <see cref="MemberPlan"/>) into the IR for one run:
/// named values inlined, whatever does not depend on the row folded to a literal with the run's values (inputs, the
/// year, totals known before the stage), table lookups given their computed rows, each row problem numbered in the
/// order it is met. Spans and messages go to the source map beside the program.
/// </summary>
public static class MemberLevelLowering
{
    /// <summary>
    /// Lowers one table's plan. <paramref name="resolve"/> gives the run's value of a symbol that does not depend on the
    /// row; it may throw <see cref="EvaluationException"/> (a run value that cannot be computed).
    /// </summary>
    public static LoweredTable Lower(MemberPlan plan, Func<Symbol, Value> resolve, bool isPopulation = true)
    {
        var lowering = new Lowerer(plan.Contract.Source, resolve);
        return lowering.Lower(plan, isPopulation);
    }

    /// <summary>
    /// One per-row expression lowered exactly as a program's expressions are (the expression test files run it through
    /// every backend this way). Row problems are numbered from 1 in the expression.
    /// </summary>
    public static IrExpression LowerExpression(BoundExpression expression, SourceText source, Func<Symbol, Value> resolve) =>
        new Lowerer(source, resolve).Expression(expression);

    /// <summary>Every row problem node of an expression, in the order of their numbers.</summary>
    public static IReadOnlyList<RowProblem> ProblemsOf(IrExpression expression)
    {
        var found = new List<RowProblem>();
        void Walk(IrExpression e)
        {
            switch (e)
            {
                case IrUnary u:
                    Walk(u.Operand);
                    break;
                case IrBinary b:
                    Walk(b.Left);
                    Walk(b.Right);
                    found.AddRange(new[] { b.DivisionByZero, b.Overflow }.OfType<RowProblem>());
                    break;
                case IrIf i:
                    Walk(i.Condition);
                    Walk(i.WhenTrue);
                    Walk(i.WhenFalse);
                    break;
                case IrCall c:
                    c.Arguments.ToList().ForEach(Walk);
                    found.AddRange(new[] { c.BoundsReversed }.OfType<RowProblem>());
                    break;
                case IrLookup l:
                    Walk(l.Key);
                    found.Add(l.NoRow);
                    break;
            }
        }
        Walk(expression);
        return found.Distinct().OrderBy(p => p.Number).ToList();
    }

    private sealed class Lowerer(SourceText source, Func<Symbol, Value> resolve)
    {
        private readonly List<ProblemSource> _problems = new();
        // A bound expression clauses ask for twice (a sum and an excess sum of one value) is one node, computed once.
        private readonly Dictionary<BoundExpression, IrExpression> _lowered = new(ReferenceEqualityComparer.Instance);

        private RowProblem Problem(Operators.RowProblem kind, TextSpan span, string message, string? subject = null)
        {
            _problems.Add(new ProblemSource(span, message, subject));
            return new RowProblem(kind, _problems.Count);
        }

        public LoweredTable Lower(MemberPlan plan, bool isPopulation)
        {
            var contract = plan.Contract;
            var steps = new List<PopulationStep>();
            var stepSources = new List<StepSource>();
            foreach (var include in plan.Includes)
            {
                steps.Add(new IncludeWhen(Expression(include)));
                stepSources.Add(new StepSource($"not included: {source.GetText(include.Span)}", Where(include.Span)));
            }
            foreach (var (condition, reason) in plan.Excludes)
            {
                steps.Add(new ExcludeWhen(Expression(condition)));
                stepSources.Add(new StepSource($"excluded: {reason}", Where(condition.Span)));
            }
            if (contract.MonthsColumn is { } months)
            {
                steps.Add(new ExcludeWithoutMonths(Column(months)));
                stepSources.Add(new StepSource("no member months", months.Name));
            }

            // Row checks in the order their problems are reported: the sums' and groups' expressions, then the
            // carve-outs against their categories, then the values required above 0.
            var totals = plan.Totals.Select(t => new IrTotal(t.Owner.Title, t.Key, Expression(t.PerMember),
                t.Threshold is null ? null : Evaluator.Evaluate(t.Threshold, resolve).Number)).ToList();
            var groups = plan.Groups.Select(g => new IrGroup(g.Owner.Title, g.Key, Expression(g.GroupKey),
                g.PerMember is null ? null : Expression(g.PerMember))).ToList();
            var checks = new List<RowCheck>();
            var computed = new HashSet<IrExpression>();
            void MustCompute(IrExpression e)
            {
                // Checking an expression twice finds nothing new: the first check already reported its problem.
                if (computed.Add(e))
                {
                    checks.Add(new Computes(e));
                }
            }
            foreach (var t in totals)
            {
                MustCompute(t.PerMember);
            }
            foreach (var g in groups)
            {
                MustCompute(g.By);
                if (g.Sum is { } sum)
                {
                    MustCompute(sum);
                }
            }
            var carveOutProblems = new Dictionary<(ColumnSymbol, ColumnSymbol), RowProblem>();
            foreach (var category in plan.CarveOutChecks.GroupBy(c => c.Category))
            {
                var parts = category.Select(c =>
                {
                    if (!carveOutProblems.TryGetValue((c.Part, c.Category), out var problem))
                    {
                        carveOutProblems[(c.Part, c.Category)] = problem =
                            Problem(Operators.RowProblem.CarveOutOutsideCategory, c.Span, "a carve-out is not part of its category");
                    }
                    return new CarveOutPart(Column(c.Part), problem);
                });
                checks.Add(new CarveOutCheck(Column(category.Key), parts.ToEquatableArray()));
            }
            foreach (var (value, what) in plan.Positives)
            {
                var lowered = Expression(value);
                checks.Add(new AboveZero(lowered, Problem(Operators.RowProblem.NotAboveZero, value.Span, $"{what} is not above 0", what)));
            }

            Truncation? truncation = null;
            if (plan.Truncation is { } threshold)
            {
                var value = Evaluator.Evaluate(threshold, resolve);
                truncation = value.Kind == ValueKind.Percentile
                    ? new TruncateAtPercentile(value.Number, PercentileMethod.Inclusive)
                    : new TruncateAtAmount(value.Number);
            }

            // In name order: the sums are exact, so the order a contract lists its categories in cannot change a cent,
            // and two versions that list them differently need the same work.
            var cost = new CostBasis(plan.Categories.Select(Column).OrderBy(c => c.Name, StringComparer.Ordinal).ToEquatableArray(),
                plan.CarveOuts.Select(c => Column(c.Part)).OrderBy(c => c.Name, StringComparer.Ordinal).ToEquatableArray());
            var table = contract.Tables.Count == 1 ? contract.Tables[0] : null;
            var joins = (table?.Joins ?? Enumerable.Empty<ColumnSymbol>()).Select(j => new IrJoin(Column(j), j.JoinsTo!)).ToEquatableArray();
            var id = contract.IdColumn is { } idColumn ? Column(idColumn) : null;
            var memberMonths = contract.MonthsColumn is { } m ? Column(m) : null;
            var program = new MemberProgram(table?.Name ?? DataTable.DefaultName, isPopulation, joins, EquatableArray<IrColumn>.Empty, id, memberMonths,
                steps.ToEquatableArray(), cost, truncation, checks.ToEquatableArray(), totals.ToEquatableArray(), groups.ToEquatableArray());
            program = program with { Reads = Reads(program, contract) };
            var map = new MemberSourceMap
            {
                Source = source,
                Problems = _problems,
                Steps = stepSources,
                Totals = plan.Totals.Select(t => new SumSource(t.Owner, t.Description)).ToList(),
                Groups = plan.Groups.Select(g => new SumSource(g.Owner, g.Description)).ToList(),
            };
            return new LoweredTable(program, map);
        }

        private string Where(TextSpan span) => Location.In(source, span).ToString();

        private static IrColumn Column(ColumnSymbol column) => new(column.Name, column.Type);

        /// <summary>A per-row expression, as the kernels used to compile it: the same folding and problem order.</summary>
        public IrExpression Expression(BoundExpression e)
        {
            if (!_lowered.TryGetValue(e, out var lowered))
            {
                _lowered[e] = lowered = Lower(e);
            }
            return lowered;
        }

        private IrExpression Lower(BoundExpression e)
        {
            if (e.Level != EvaluationLevel.Member)
            {
                return new IrLiteral(Evaluator.Evaluate(e, resolve), e.Type);
            }
            switch (e)
            {
                case BoundName { Symbol: ColumnSymbol column }:
                    return Column(column);
                case BoundName { Symbol: ValueSymbol { Expression: { } inner } }:
                    return Expression(inner);
                case BoundUnary u:
                    return new IrUnary(u.Operator, Expression(u.Operand), u.Type);
                case BoundBinary b when b.Operator is BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Of or BinaryOperator.Divide:
                    {
                        var left = Expression(b.Left);
                        var right = Expression(b.Right);
                        var division = b.Operator == BinaryOperator.Divide
                            ? Problem(Operators.RowProblem.DivisionByZero, b.Span, $"'{Text(b.Right)}' is 0 on this row, and '{Text(b)}' divides by it")
                            : null;
                        var overflow = Problem(Operators.RowProblem.Overflow, b.Span,
                            $"'{Text(b)}' is too large on this row for exact decimal arithmetic (above 79,228,162,514,264,337,593,543,950,335); a value on the row is far too large or too small");
                        return new IrBinary(b.Operator, left, right, b.Type, division, overflow);
                    }
                case BoundBinary b:
                    {
                        var left = Expression(b.Left);
                        return new IrBinary(b.Operator, left, Expression(b.Right), b.Type, null, null);
                    }
                case BoundIf i:
                    {
                        var condition = Expression(i.Condition);
                        var whenTrue = Expression(i.WhenTrue);
                        return new IrIf(condition, whenTrue, Expression(i.WhenFalse), i.Type);
                    }
                case BoundCall c:
                    {
                        var arguments = c.Arguments.Select(Expression).ToEquatableArray();
                        var reversed = c.Function == BuiltInFunction.Clamp
                            ? Problem(Operators.RowProblem.ClampReversed, c.Span, "clamp's lowest value is above its highest on this row")
                            : null;
                        return new IrCall(c.Function, arguments, c.Type, reversed);
                    }
                case BoundTableLookup t:
                    {
                        var rows = TableLookup.Prepare(t.Table, x => Evaluator.Evaluate(x, resolve)).Rows
                            .Select(r => new IrTableRow(r.Key, r.Low, r.LowInclusive, r.High, r.HighInclusive, r.Result, r.ResultAtLow, r.ResultAtHigh))
                            .ToEquatableArray();
                        var key = Expression(t.Key);
                        return new IrLookup(key, rows, t.Type,
                            Problem(Operators.RowProblem.NoTableRow, t.Key.Span, $"no row of the table holds this row's {Text(t.Key)}"));
                    }
                default:
                    throw new InvalidOperationException($"Cannot lower {e.GetType().Name} per member.");
            }
        }

        /// <summary>The expression as the contract writes it, on one line.</summary>
        private string Text(BoundExpression e) => string.Join(' ', source.GetText(e.Span).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The columns the program reads (its id, member months, every column an expression or the cost names), in declared order.</summary>
    private static EquatableArray<IrColumn> Reads(MemberProgram program, BoundContract contract)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in IrWalker.Columns(program))
        {
            used.Add(column.Name);
        }
        return contract.Columns.Where(c => used.Contains(c.Name)).Select(c => new IrColumn(c.Name, c.Type)).ToEquatableArray();
    }
}
