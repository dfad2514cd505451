using Vbc.Diagnostics;
using Vbc.Evaluation;
using Vbc.Semantics;
using Vbc.Settlement;

namespace Vbc.Clauses;

/// <summary><c>contract "Name" { payer: ... provider: ... period: ... }</c>: who signed what, for which period.</summary>
public sealed class ContractClause : ClauseKind
{
    public override string Keyword => "contract";

    public override string Summary => "The contract's name (in quotes), its parties, its version and its period.";

    public override bool AllowedInLevel => false;

    public override ClauseCapabilities Capabilities => ClauseCapabilities.DescribesContract;

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec(ClauseCapabilityExtensions.ContractPeriodKey, ParameterShape.Range, TypeExpectation.Date,
            "The agreement period, first and last day. A period within one year is also the performance year settled by default.",
            "2024-01-01 to 2024-12-31", Required: true, Level: EvaluationLevel.Constant),
        new ParameterSpec("payer", ParameterShape.Expression, TypeExpectation.Text, "The payer: the health plan or program.", "\"Example Health Plan\"", Level: EvaluationLevel.Constant),
        new ParameterSpec("provider", ParameterShape.Expression, TypeExpectation.Text, "The provider organisation: the ACO, group or health system.", "\"Example ACO\"", Level: EvaluationLevel.Constant),
        new ParameterSpec("version", ParameterShape.Expression, TypeExpectation.Text, "The version or amendment of the contract.", "\"2024.1\"", Level: EvaluationLevel.Constant),
        new ParameterSpec("description", ParameterShape.Expression, TypeExpectation.Text, "A sentence about the contract, shown on statements.", "\"Upside-only shared savings\"", Level: EvaluationLevel.Constant),
    };

    public override void Check(BoundClause clause, ClauseCheckContext context)
    {
        if (clause.Label is null)
        {
            context.Report(BindingDiagnostics.NameRequired(context.Source, clause.Syntax.Header.Span, "contract", "contract \"MSSP BASIC Level A\""));
        }
        var range = clause.Range(ClauseCapabilityExtensions.ContractPeriodKey);
        if (range is not null && Period(clause) is { } p && p.End < p.Start)
        {
            context.Report(BindingDiagnostics.PeriodEndsBeforeStart(context.Source, range.Span, p.Start.ToString("yyyy-MM-dd"), p.End.ToString("yyyy-MM-dd")));
        }
        else if (range is not null && (range.Low is null || range.High is null || range.Form != Syntax.RangeForm.Between))
        {
            context.Report(BindingDiagnostics.WrongShape(context.Source, range.Span, "period", "a first and a last day: '2024-01-01 to 2024-12-31'"));
        }
    }

    public static (DateOnly Start, DateOnly End)? Period(BoundClause clause)
    {
        var range = clause.Range(ClauseCapabilityExtensions.ContractPeriodKey);
        if (range?.Low is null || range.High is null)
        {
            return null;
        }
        var low = Evaluator.TryConstant(range.Low);
        var high = Evaluator.TryConstant(range.High);
        return low is { Kind: ValueKind.Date } l && high is { Kind: ValueKind.Date } h ? (l.Date, h.Date) : null;
    }

    internal static ContractInfo InfoOf(BoundClause? clause, string path)
    {
        if (clause is null)
        {
            return new ContractInfo(Path.GetFileNameWithoutExtension(path), null, null, null, null, null);
        }
        string? Text(string key) => clause.Expression(key) is { } e && Evaluator.TryConstant(e) is { Kind: ValueKind.Text } v ? v.Text : null;
        var period = Period(clause);
        return new ContractInfo(clause.Label ?? Path.GetFileNameWithoutExtension(path), Text("payer"), Text("provider"), Text("version"), period?.Start, period?.End);
    }
}

/// <summary>
/// <c>level "BASIC C" { years: 2026  shared savings { ... } }</c>: clauses that apply only in some performance years,
/// for glide paths where a contract moves from one level of risk to the next.
/// </summary>
public sealed class LevelClause : ClauseKind
{
    public override string Keyword => "level";

    public override string Summary => "A set of clauses that apply only in the listed performance years (a glide path moves from level to level).";

    public override bool Repeatable => true;

    public override bool AllowedInLevel => false;

    public override ClauseCapabilities Capabilities => ClauseCapabilities.Level;

    public override IReadOnlyList<ParameterSpec> Parameters { get; } = new[]
    {
        new ParameterSpec(ClauseCapabilityExtensions.LevelYearsKey, ParameterShape.Range, TypeExpectation.Year, "The performance years the level applies in: one year, or a range.",
            "2024 to 2025", Required: true, Level: EvaluationLevel.Constant, Min: FirstYear, Max: LastYear),
    };

    internal const int FirstYear = 1900;
    internal const int LastYear = 2200;

    public override void Check(BoundClause clause, ClauseCheckContext context)
    {
        if (clause.Label is null)
        {
            context.Report(BindingDiagnostics.NameRequired(context.Source, clause.Syntax.Header.Span, "level", "level \"BASIC A\""));
        }
        var range = clause.Range(ClauseCapabilityExtensions.LevelYearsKey);
        if (range is not null && Years(clause) is { } y && y.Last < y.First)
        {
            context.Report(BindingDiagnostics.PeriodEndsBeforeStart(context.Source, range.Span, y.First.ToString(), y.Last.ToString(), "range of years"));
        }
    }

    /// <summary>The first and last year of a level; null when they are not whole constant years.</summary>
    public static (int First, int Last)? Years(BoundClause level)
    {
        var range = level.Range(ClauseCapabilityExtensions.LevelYearsKey);
        if (range is null)
        {
            return null;
        }
        // Only a whole year inside the spec's range is a year; anything else has been reported by the binder (and a
        // cast of 2147483648 would overflow).
        int? Year(BoundExpression? e) => ClauseCheckContext.Constant(e) is { } d && d == Math.Floor(d) && d >= FirstYear && d <= LastYear ? (int)d : null;
        int? first = range.Low is null ? FirstYear : Year(range.Low);
        int? last = range.High is null ? LastYear : Year(range.High);
        if (range.Form == Syntax.RangeForm.Above && first is { } f)
        {
            first = f + 1;
        }
        if (range.Form == Syntax.RangeForm.Below && last is { } l)
        {
            last = l - 1;
        }
        return first is { } a && last is { } b ? (a, b) : null;
    }

    public static bool Covers(BoundClause level, int year) => Years(level) is { } y && y.First <= year && year <= y.Last;

    /// <summary>
    /// The performance years a clause can be settled in, each with what says so: its level's years; else, when the
    /// contract has levels, every level's (a year no level covers is not settled); else the contract period's years.
    /// Null when the text does not say (a level or period with errors, already reported).
    /// </summary>
    public static IReadOnlyList<(int Year, string Where)>? YearsSettled(BoundClause clause, IReadOnlyList<BoundClause> all)
    {
        for (var p = clause.Parent; p is not null; p = p.Parent)
        {
            if (p.Kind.IsLevel())
            {
                return Years(p) is { } y ? Enumerable.Range(y.First, Math.Max(0, y.Last - y.First + 1)).Select(year => (year, $"level \"{p.Label}\"")).ToList() : null;
            }
        }
        var levels = all.Where(c => c.Kind.IsLevel()).ToList();
        if (levels.Count > 0)
        {
            var years = new List<(int, string)>();
            foreach (var level in levels)
            {
                if (Years(level) is not { } y)
                {
                    return null;
                }
                years.AddRange(Enumerable.Range(y.First, Math.Max(0, y.Last - y.First + 1)).Select(year => (year, $"level \"{level.Label}\"")));
            }
            return years.OrderBy(y => y.Item1).ToList();
        }
        if (all.FirstOrDefault(c => c.Kind.DescribesContract()) is { } contract && ContractClause.Period(contract) is { } period && period.Start <= period.End)
        {
            return Enumerable.Range(period.Start.Year, period.End.Year - period.Start.Year + 1).Select(year => (year, "the contract period")).ToList();
        }
        return null;
    }
}
