using Vbc.Diagnostics;
using Vbc.Semantics;
using Vbc.Settlement;
using Vbc.Syntax;
using static Vbc.Clauses.BuiltIn.SettleHelpers;
using ValueType = Vbc.Semantics.ValueType;

namespace Vbc.Clauses.BuiltIn;

/// <summary><c>population { include: ... exclude: ... }</c>: which rows of the data are members of the population.</summary>
public sealed class PopulationClause : ClauseKind
{
    public override string Keyword => "population";

    public override ClauseCapabilities Capabilities => ClauseCapabilities.SetsUp;

    public override string Summary =>
        "Which members count: every 'include' condition must hold and no 'exclude' condition may; members without member months are left out too. Excluded members and their dollars are reported.";

    public override bool AllowedInLevel => false;

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec("include", ParameterShape.List, TypeExpectation.Flag,
            "A condition each member must meet to be in the population. Several 'include' lines must all hold.",
            "attributed and eligible_months >= 1", Level: EvaluationLevel.Member, Repeatable: true),
        new ParameterSpec("exclude", ParameterShape.List, TypeExpectation.Flag,
            "A condition that leaves a member out. Each 'exclude' line is reported on its own, with the members and dollars it removed.",
            "esrd or hospice", Level: EvaluationLevel.Member, Repeatable: true),
    };

    public override void PlanMembers(BoundClause clause, IMemberPlan plan)
    {
        foreach (var include in clause.List("include"))
        {
            plan.Include(include);
        }
        foreach (var exclude in clause.List("exclude"))
        {
            plan.Exclude(exclude, plan.Contract.Source.GetText(exclude.Span));
        }
    }
}

/// <summary>
/// <c>cost { categories: ... carve out: ... truncate at: ... }</c>: each member's cost, and the population's actual
/// cost. Or, to settle from totals without member data, <c>cost { actual: expenditure }</c>.
/// </summary>
public sealed class CostClause : ClauseKind
{
    public override string Keyword => "cost";

    public override ClauseCapabilities Capabilities => ClauseCapabilities.SetsUp;

    public override string Summary =>
        "The actual cost: per member, the sum of the categories in scope less the carve-outs, capped by truncation; summed over the population. Or a total given as an input.";

    public override bool AllowedInLevel => false;

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec("categories", ParameterShape.List, TypeExpectation.MoneyColumn,
            "The money columns in scope: a member's cost is their sum.", "inpatient, outpatient, professional, pharmacy", Level: EvaluationLevel.Member) { DefinesCostBasis = true },
        new ParameterSpec("carve out", ParameterShape.CarveOuts, TypeExpectation.MoneyColumn,
            "Money columns taken out of the cost: services excluded from the contract, each written with the category in scope it is part of ('transplant from inpatient'), from which it is subtracted. On every row a carve-out must lie between $0 and its category.",
            "transplant from inpatient, dialysis from outpatient", Level: EvaluationLevel.Member),
        new ParameterSpec("truncate at", ParameterShape.Expression, TypeExpectation.MoneyOrPercentile,
            "Caps each member's cost (outliers): at a dollar amount, or at a percentile of member costs in the population (PERCENTILE.INC: linear between closest ranks). The excess is reported.",
            "99th percentile", Min: 0),
        new ParameterSpec("actual", ParameterShape.Expression, TypeExpectation.Money,
            "The actual cost as a total, when the contract settles from totals (an input) instead of member data.", "total_expenditure"),
        new ParameterSpec("member months", ParameterShape.Expression, new TypeExpectation("member months (an input of type member_months)", t => t.IsNumber && t.Dimension == Dimension.Months),
            "Total member months, when the contract settles from totals.", "total_member_months_input"),
    };

    public override IEnumerable<OutputSpec> DeclareOutputs(BlockSyntax block, string? name)
    {
        yield return new OutputSpec("actual", ValueType.Money, "The actual cost A: the sum of counted member costs (or the total given).");
        bool memberData = HasKey(block, "categories");
        if (memberData || HasKey(block, "member months"))
        {
            yield return new OutputSpec("total_member_months", ValueType.MemberMonths, "The member months M of the population.");
            yield return new OutputSpec("actual_pmpm", ValueType.Pmpm, "The actual cost per member per month: A / M.");
        }
        if (memberData)
        {
            yield return new OutputSpec("members", ValueType.Count, "The number of members in the population.");
        }
    }

    public override void Check(BoundClause clause, ClauseCheckContext context)
    {
        bool categories = clause.Has("categories"), actual = clause.Has("actual");
        var header = clause.Syntax.Header.Span;
        if (categories == actual)
        {
            context.Report(BindingDiagnostics.SettingsConflict(context.Source, header,
                categories
                    ? "'cost' takes either 'categories' (from member data) or 'actual' (a total), not both."
                    : "'cost' needs 'categories' (the money columns in scope) or 'actual' (a total given as an input)."));
        }
        if (actual)
        {
            foreach (var key in new[] { "carve out", "truncate at" })
            {
                if (clause.Setting(key) is { } s)
                {
                    context.Report(BindingDiagnostics.SettingsConflict(context.Source, s.Syntax.Key.Span, $"'{key}' works on member data: it cannot apply to a total given as 'actual'."));
                }
            }
        }
        if (categories && clause.Setting("member months") is { } mm)
        {
            context.Report(BindingDiagnostics.SettingsConflict(context.Source, mm.Syntax.Key.Span, "Member months come from the data's member_months column when cost is computed from categories: remove this line."));
        }
        if (categories && context.MonthsColumn is null)
        {
            context.Report(BindingDiagnostics.NeedsMemberMonths(context.Source, header, "'cost' from member data"));
        }
        if (categories)
        {
            CarveOuts.Check(clause, "categories", context);
        }
        if (clause.Expression("truncate at") is { Type.Kind: ValueKind.Percentile } p
            && Evaluation.Evaluator.TryConstant(p) is { } rank && rank.Number == 0)
        {
            context.Report(BindingDiagnostics.OutOfRange(context.Source, p.Span, "The truncation percentile", Display.Ordinal(rank.Number), "above the 0th (which would cap every cost at the lowest)"));
        }
    }

    public override void PlanMembers(BoundClause clause, IMemberPlan plan)
    {
        if (!clause.Has("categories"))
        {
            return;
        }
        plan.CostBasis(Columns(clause.List("categories")), CarveOuts.Of(clause));
        if (clause.Expression("truncate at") is { } threshold)
        {
            plan.Truncate(threshold);
        }
    }

    private static List<ColumnSymbol> Columns(IEnumerable<BoundExpression> items) =>
        items.OfType<BoundName>().Select(n => n.Symbol).OfType<ColumnSymbol>().ToList();

    public override void Settle(BoundClause clause, ISettlement settlement)
    {
        string id = IdOf(clause);
        if (clause.Expression("actual") is { } given)
        {
            decimal a = settlement.Evaluate(given).Number;
            settlement.Step(clause, id + ".actual", "Actual cost (A)", a, ValueType.Money, $"A = {settlement.Explain(given)}");
            settlement.SetOutput("actual", Value.Of(a));
            if (clause.Expression("member months") is { } mmExpression)
            {
                decimal mm = settlement.Evaluate(mmExpression).Number;
                settlement.Step(clause, id + ".member-months", "Member months (M)", mm, ValueType.MemberMonths, $"M = {settlement.Explain(mmExpression)}");
                settlement.SetOutput("total_member_months", Value.Of(mm));
                SetPmpm(clause, settlement, id, a, mm);
            }
            return;
        }

        var population = settlement.Population!;
        var categories = string.Join(" + ", clause.List("categories").Select(c => c.Syntax is NameSyntax n ? n.Name : "?"));
        string carveOuts = CarveOuts.Describe(clause);
        string basis = carveOuts.Length == 0 ? categories : $"({categories}) - ({carveOuts})";
        settlement.Step(clause, id + ".actual", "Actual cost (A)", population.CountedCost, ValueType.Money,
            $"A = sum over {population.Members:#,##0} members of {basis}" + (population.TruncationThreshold is { } t ? $", each capped at {Money(t)}" : ""));
        settlement.Step(clause, id + ".member-months", "Member months (M)", population.MemberMonths, ValueType.MemberMonths,
            $"M = sum of {settlement.Contract.MonthsColumn?.Name ?? "member months"} over the population");
        settlement.SetOutput("actual", Value.Of(population.CountedCost));
        settlement.SetOutput("total_member_months", Value.Of(population.MemberMonths));
        settlement.SetOutput("members", Value.Of(population.Members));
        SetPmpm(clause, settlement, id, population.CountedCost, population.MemberMonths);
    }

    private static void SetPmpm(BoundClause clause, ISettlement settlement, string id, decimal a, decimal mm)
    {
        if (mm == 0)
        {
            return;
        }
        decimal pmpm = a / mm;
        settlement.Step(clause, id + ".actual-pmpm", "Actual PMPM", pmpm, ValueType.Pmpm, $"A / M = {Money(a)} / {Display.Trimmed(mm, 4, 0, true)}");
        settlement.SetOutput("actual_pmpm", Value.Of(pmpm));
    }
}
